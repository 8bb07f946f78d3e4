/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lanyard-provider-registry.h"
#include "lanyard-server-store.h"

G_BEGIN_DECLS

/**
 * LanyardServerOutcome:
 * @provider_id: (nullable): the provider now usable, %NULL when nothing was
 *   added (then @problem says why, and the other fields are the manual path)
 * @kind: `gitlab` or `openid`: what the server is
 * @server_name: what it is called by default ("GitLab (gitlab.example.com)")
 * @problem: (nullable): why Lanyard could not register itself there, in words
 * @redirect_uri: the redirect URI to register by hand
 * @scopes: the scopes to allow
 * @applications_url: (nullable): the server's page for registering an
 *   application (GitLab's)
 * @suggested_id: the provider id adding it by hand will use
 * @redirect_port: the port in @redirect_uri, 0 when none
 * @registered: whether Lanyard registered itself just now
 * @existing: whether the server had been added before
 */
typedef struct
{
  char    *provider_id;
  char    *kind;
  char    *server_name;
  char    *problem;
  char    *redirect_uri;
  char    *scopes;
  char    *applications_url;
  char    *suggested_id;
  guint    redirect_port;
  gboolean registered;
  gboolean existing;
} LanyardServerOutcome;

void lanyard_server_outcome_free (LanyardServerOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardServerOutcome, lanyard_server_outcome_free)

#define LANYARD_TYPE_SERVER_REGISTRAR (lanyard_server_registrar_get_type ())
G_DECLARE_FINAL_TYPE (LanyardServerRegistrar, lanyard_server_registrar, LANYARD, SERVER_REGISTRAR, GObject)

LanyardServerRegistrar *lanyard_server_registrar_new (LanyardProviderRegistry *registry,
                                                      LanyardServerStore      *store);
LanyardServerStore     *lanyard_server_registrar_get_store (LanyardServerRegistrar *self);
void                    lanyard_server_registrar_load (LanyardServerRegistrar *self);

void                  lanyard_server_registrar_add_async (LanyardServerRegistrar *self,
                                                          const char             *address,
                                                          const char             *client_id,
                                                          const char             *provider_id,
                                                          guint                   redirect_port,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
LanyardServerOutcome *lanyard_server_registrar_add_finish (LanyardServerRegistrar *self,
                                                           GAsyncResult           *result,
                                                           GError                **error);
void                  lanyard_server_registrar_reregister_async (LanyardServerRegistrar *self,
                                                                 const char             *provider_id,
                                                                 GCancellable           *cancellable,
                                                                 GAsyncReadyCallback     callback,
                                                                 gpointer                user_data);
gboolean              lanyard_server_registrar_reregister_finish (LanyardServerRegistrar *self,
                                                                  GAsyncResult           *result,
                                                                  GError                **error);
void                  lanyard_server_registrar_remove_async (LanyardServerRegistrar *self,
                                                             const char             *provider_id,
                                                             GCancellable           *cancellable,
                                                             GAsyncReadyCallback     callback,
                                                             gpointer                user_data);
gboolean              lanyard_server_registrar_remove_finish (LanyardServerRegistrar *self,
                                                              GAsyncResult           *result,
                                                              char                  **message,
                                                              GError                **error);
gboolean              lanyard_server_registrar_rename (LanyardServerRegistrar *self,
                                                       const char             *provider_id,
                                                       const char             *display_name,
                                                       GError                **error);
gboolean              lanyard_server_registrar_is_added (LanyardServerRegistrar *self,
                                                         const char             *provider_id);
gboolean              lanyard_server_registrar_is_registered (LanyardServerRegistrar *self,
                                                              const char             *provider_id);

G_END_DECLS
