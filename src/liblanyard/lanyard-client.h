/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(LANYARD_INSIDE) && !defined(LANYARD_COMPILATION)
#error "Only <lanyard.h> can be included directly."
#endif

#include <gio/gio.h>

#include "lanyard-linked-account.h"
#include "lanyard-version-macros.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_CLIENT (lanyard_client_get_type ())

LANYARD_AVAILABLE
G_DECLARE_FINAL_TYPE (LanyardClient, lanyard_client, LANYARD, CLIENT, GObject)

LANYARD_AVAILABLE
void lanyard_client_get_default_async (GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
LANYARD_AVAILABLE
LanyardClient *lanyard_client_get_default_finish (GAsyncResult *result,
                                                  GError      **error);
LANYARD_AVAILABLE
LanyardClient *lanyard_client_get_default_sync (GCancellable *cancellable,
                                                GError      **error);

LANYARD_AVAILABLE
GListModel *lanyard_client_get_accounts (LanyardClient *self);
LANYARD_AVAILABLE
LanyardLinkedAccount *lanyard_client_get_current_identity (LanyardClient *self);
LANYARD_AVAILABLE
LanyardLinkedAccount *lanyard_client_find_account (LanyardClient *self,
                                                   const char    *key);
LANYARD_AVAILABLE
gboolean lanyard_client_get_daemon_running (LanyardClient *self);
LANYARD_AVAILABLE
const char *lanyard_client_get_daemon_version (LanyardClient *self);

G_END_DECLS
