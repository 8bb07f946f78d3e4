/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LANYARD_TYPE_CONSENT_DIALOG (lanyard_consent_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LanyardConsentDialog, lanyard_consent_dialog, LANYARD, CONSENT_DIALOG, AdwMessageDialog)

GtkWidget  *lanyard_consent_dialog_new (GtkWindow  *parent,
                                        const char *app_id,
                                        GVariant   *account);
const char *lanyard_consent_dialog_get_app_id (LanyardConsentDialog *self);
const char *lanyard_consent_dialog_get_app_name (LanyardConsentDialog *self);
char       *lanyard_consent_dialog_describe_scopes (const char *const *scopes);

G_END_DECLS
