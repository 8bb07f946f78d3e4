/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lanyard-provider-config.h"

G_BEGIN_DECLS

/**
 * LanyardServerRecord:
 * @id: the provider id
 * @type: `gitlab` or `oidc`
 * @address: the server's address: the GitLab base URL or the issuer
 * @client_id: the client id, registered by Lanyard or given by hand
 * @display_name: what the person sees (the server's name, or theirs)
 * @redirect_port: the loopback port registered, 0 for any
 * @registration_client_uri: (nullable): where the registration is managed
 *   (RFC 7592); %NULL when the server offered none
 * @registered: whether Lanyard registered the client (rather than the
 *   person, by hand)
 *
 * A server added by its address, as kept in `servers.conf`.
 */
typedef struct
{
  char    *id;
  char    *type;
  char    *address;
  char    *client_id;
  char    *display_name;
  guint    redirect_port;
  char    *registration_client_uri;
  gboolean registered;
} LanyardServerRecord;

void lanyard_server_record_free (LanyardServerRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardServerRecord, lanyard_server_record_free)

#define LANYARD_TYPE_SERVER_STORE (lanyard_server_store_get_type ())
G_DECLARE_FINAL_TYPE (LanyardServerStore, lanyard_server_store, LANYARD, SERVER_STORE, GObject)

LanyardServerStore    *lanyard_server_store_new (const char *path);
const char            *lanyard_server_store_get_path (LanyardServerStore *self);
gboolean               lanyard_server_store_load (LanyardServerStore *self,
                                                  GError            **error);
gboolean               lanyard_server_store_save (LanyardServerStore *self,
                                                  GError            **error);
GPtrArray             *lanyard_server_store_get_records (LanyardServerStore *self);
LanyardServerRecord   *lanyard_server_store_lookup (LanyardServerStore *self,
                                                    const char         *id);
LanyardServerRecord   *lanyard_server_store_find_address (LanyardServerStore *self,
                                                          const char         *address);
void                   lanyard_server_store_add (LanyardServerStore  *self,
                                                 LanyardServerRecord *record);
gboolean               lanyard_server_store_remove (LanyardServerStore *self,
                                                    const char         *id);
LanyardProviderConfig *lanyard_server_store_make_config (LanyardServerStore  *self,
                                                         LanyardServerRecord *record);

void     lanyard_server_store_save_token_async (LanyardServerStore *self,
                                                const char         *id,
                                                const char         *label,
                                                const char         *token,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
gboolean lanyard_server_store_save_token_finish (LanyardServerStore *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);
void     lanyard_server_store_lookup_token_async (LanyardServerStore *self,
                                                  const char         *id,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
char    *lanyard_server_store_lookup_token_finish (LanyardServerStore *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);
void     lanyard_server_store_delete_token_async (LanyardServerStore *self,
                                                  const char         *id,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
gboolean lanyard_server_store_delete_token_finish (LanyardServerStore *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);

G_END_DECLS
