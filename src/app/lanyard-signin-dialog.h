/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lanyard-client-generated.h"

G_BEGIN_DECLS

/**
 * LanyardUriLauncher:
 * @callback: (nullable): called with a #GTask whose boolean result says
 *   whether a browser opened (an error says why not)
 *
 * Opens a URI in the person's web browser. Tests replace it with one that
 * records the URI, or one that fails.
 */
typedef void (*LanyardUriLauncher) (GtkWindow          *parent,
                                    const char         *uri,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);

#define LANYARD_TYPE_SIGNIN_DIALOG (lanyard_signin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LanyardSigninDialog, lanyard_signin_dialog, LANYARD, SIGNIN_DIALOG, AdwWindow)

LanyardSigninDialog *lanyard_signin_dialog_new (GtkWindow          *parent,
                                                LanyardDBusManager *manager,
                                                const char         *provider_id,
                                                const char         *display_name,
                                                const char         *login_hint,
                                                gboolean            use_browser);
const char          *lanyard_signin_dialog_get_page (LanyardSigninDialog *self);
const char          *lanyard_signin_dialog_get_flow_path (LanyardSigninDialog *self);
const char          *lanyard_signin_dialog_get_error (LanyardSigninDialog *self);
const char          *lanyard_signin_dialog_get_error_title (LanyardSigninDialog *self);
GtkWidget           *lanyard_signin_dialog_get_web_view (LanyardSigninDialog *self);
void                 lanyard_signin_dialog_set_uri_launcher (LanyardUriLauncher launcher);

G_END_DECLS
