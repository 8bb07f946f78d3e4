/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For provider implementations only: setters for what a subclass decides
 * in its configure() or prepare(), and shared helpers. */

#include "lanyard-http.h"
#include "lanyard-provider.h"

G_BEGIN_DECLS

void             _lanyard_provider_set_endpoints (LanyardProvider *self,
                                                  const char      *authorize_url,
                                                  const char      *token_url,
                                                  const char      *userinfo_url,
                                                  const char      *revocation_url);
void             _lanyard_provider_set_issuer (LanyardProvider *self,
                                               const char      *issuer,
                                               gboolean         iss_parameter_supported);
void             _lanyard_provider_set_browser_policy (LanyardProvider     *self,
                                                       LanyardBrowserPolicy policy);
void             _lanyard_provider_set_redirect_host (LanyardProvider *self,
                                                      const char      *host);
void             _lanyard_provider_set_is_demo (LanyardProvider *self,
                                                gboolean         is_demo);
void             _lanyard_provider_set_display_name (LanyardProvider *self,
                                                     const char      *display_name);
void             _lanyard_provider_set_client_id (LanyardProvider *self,
                                                  const char      *client_id);
const char      *_lanyard_provider_get_client_secret (LanyardProvider *self);
const char      *_lanyard_provider_get_userinfo_url (LanyardProvider *self);
const char      *_lanyard_provider_get_revocation_url (LanyardProvider *self);
void             _lanyard_provider_set_web_url (LanyardProvider *self,
                                                const char      *url);
void             _lanyard_provider_set_revoke_page (LanyardProvider *self,
                                                    const char      *page);
GError          *_lanyard_provider_new_revoke_error (LanyardProvider *self,
                                                     gint             code,
                                                     const char      *reason);
GError          *_lanyard_provider_new_revoke_unsent (LanyardProvider *self,
                                                      const GError    *error);
GError          *_lanyard_provider_new_revoke_refused (LanyardProvider  *self,
                                                       LanyardHttpReply *reply,
                                                       GHashTable       *fields);
void             _lanyard_provider_get_json_async (LanyardProvider    *self,
                                                   const char         *url,
                                                   LanyardTokenSet    *tokens,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
JsonNode        *_lanyard_provider_get_json_finish (LanyardProvider *self,
                                                    GAsyncResult    *result,
                                                    GError         **error);
void             _lanyard_provider_set_jwks_uri (LanyardProvider *self,
                                                 const char      *jwks_uri);
void             _lanyard_provider_validate_id_token_async (LanyardProvider    *self,
                                                            const char         *id_token,
                                                            const char         *nonce,
                                                            const char         *previous_id_token,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
JsonObject      *_lanyard_provider_validate_id_token_finish (LanyardProvider *self,
                                                             GAsyncResult    *result,
                                                             GError         **error);
LanyardIdentity *_lanyard_provider_identity_from_claims (LanyardProvider *self,
                                                         JsonObject      *claims,
                                                         const char      *username_claim,
                                                         GError         **error);
gboolean         _lanyard_provider_read_allowed_orgs (LanyardProvider       *self,
                                                      LanyardProviderConfig *config,
                                                      const char            *key,
                                                      const char            *what,
                                                      GError               **error);
void             _lanyard_provider_add_scope (LanyardProvider *self,
                                              const char      *scope);
gboolean         _lanyard_provider_check_rules (LanyardProvider *self,
                                                LanyardIdentity *identity,
                                                JsonObject      *claims,
                                                GError         **error);
gboolean         _lanyard_provider_apply_claims (LanyardProvider *self,
                                                 LanyardIdentity *identity,
                                                 JsonObject      *claims,
                                                 JsonObject      *id_token_claims,
                                                 GError         **error);
void             _lanyard_provider_set_device_authorization_url (LanyardProvider *self,
                                                                 const char      *url,
                                                                 gboolean         known);
void             _lanyard_provider_set_device_flow_default (LanyardProvider *self,
                                                            gboolean         offered);
void             _lanyard_provider_set_device_problem (LanyardProvider *self,
                                                       const char      *problem);
char            *_lanyard_provider_join_url (const char *base,
                                             const char *path);

G_END_DECLS
