/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lanyard-token-set.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_TOKEN_STORE (lanyard_token_store_get_type ())
G_DECLARE_FINAL_TYPE (LanyardTokenStore, lanyard_token_store, LANYARD, TOKEN_STORE, GObject)

LanyardTokenStore *lanyard_token_store_new (void);
void               lanyard_token_store_save_async (LanyardTokenStore  *self,
                                                   const char         *provider_id,
                                                   const char         *account_id,
                                                   const char         *label,
                                                   LanyardTokenSet    *tokens,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean           lanyard_token_store_save_finish (LanyardTokenStore *self,
                                                    GAsyncResult      *result,
                                                    GError           **error);
void               lanyard_token_store_load_async (LanyardTokenStore  *self,
                                                   const char         *provider_id,
                                                   const char         *account_id,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
LanyardTokenSet   *lanyard_token_store_load_finish (LanyardTokenStore *self,
                                                    GAsyncResult      *result,
                                                    GError           **error);
void               lanyard_token_store_delete_async (LanyardTokenStore  *self,
                                                     const char         *provider_id,
                                                     const char         *account_id,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gboolean           lanyard_token_store_delete_finish (LanyardTokenStore *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);

GError *lanyard_token_store_keyring_error (const GError *error);

G_END_DECLS
