/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(LANYARD_INSIDE) && !defined(LANYARD_COMPILATION)
#error "Only <lanyard.h> can be included directly."
#endif

#include <gio/gio.h>

#include "lanyard-version-macros.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_LINKED_ACCOUNT (lanyard_linked_account_get_type ())

LANYARD_AVAILABLE
G_DECLARE_FINAL_TYPE (LanyardLinkedAccount, lanyard_linked_account, LANYARD, LINKED_ACCOUNT, GObject)

LANYARD_AVAILABLE
const char *lanyard_linked_account_get_key (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
const char *lanyard_linked_account_get_provider_id (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
const char *lanyard_linked_account_get_account_id (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
const char *lanyard_linked_account_get_username (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
const char *lanyard_linked_account_get_display_name (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
const char *lanyard_linked_account_get_email (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
const char *lanyard_linked_account_get_avatar_url (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
gboolean lanyard_linked_account_get_primary (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
gboolean lanyard_linked_account_get_needs_attention (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
const char *lanyard_linked_account_get_attention_reason (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
gboolean lanyard_linked_account_get_available (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
gint64 lanyard_linked_account_get_expires_at (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
gint64 lanyard_linked_account_get_linked_at (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
gint64 lanyard_linked_account_get_last_refresh (LanyardLinkedAccount *self);
LANYARD_AVAILABLE
const char *const *lanyard_linked_account_get_scopes (LanyardLinkedAccount *self);

LANYARD_AVAILABLE
void lanyard_linked_account_get_access_token_async (LanyardLinkedAccount *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
LANYARD_AVAILABLE
char *lanyard_linked_account_get_access_token_finish (LanyardLinkedAccount *self,
                                                      GAsyncResult         *result,
                                                      gint64               *expires_at,
                                                      GError              **error);
LANYARD_AVAILABLE
void lanyard_linked_account_request_access_async (LanyardLinkedAccount *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
LANYARD_AVAILABLE
gboolean lanyard_linked_account_request_access_finish (LanyardLinkedAccount *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

G_END_DECLS
