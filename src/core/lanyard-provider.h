/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "lanyard-device-authorization.h"
#include "lanyard-identity.h"
#include "lanyard-jwks-cache.h"
#include "lanyard-provider-config.h"
#include "lanyard-token-set.h"

G_BEGIN_DECLS

/**
 * LanyardBrowserPolicy:
 * @LANYARD_BROWSER_POLICY_ANY: the embedded view or the system browser
 * @LANYARD_BROWSER_POLICY_SYSTEM_ONLY: the system browser only; the provider
 *   blocks embedded views (Google)
 */
typedef enum
{
  LANYARD_BROWSER_POLICY_ANY,
  LANYARD_BROWSER_POLICY_SYSTEM_ONLY,
} LanyardBrowserPolicy;

/**
 * LanyardSecretPolicy:
 * @LANYARD_SECRET_OPTIONAL: a client secret is sent when configured
 * @LANYARD_SECRET_REQUIRED: the provider refuses the token request without one
 * @LANYARD_SECRET_FORBIDDEN: the provider refuses public clients that send one
 */
typedef enum
{
  LANYARD_SECRET_OPTIONAL,
  LANYARD_SECRET_REQUIRED,
  LANYARD_SECRET_FORBIDDEN,
} LanyardSecretPolicy;

/**
 * LanyardGrant:
 * @LANYARD_GRANT_AUTHORIZATION_CODE: the browser sign-in (RFC 6749 §4.1
 *   with PKCE over a loopback redirect)
 * @LANYARD_GRANT_DEVICE: the device authorization grant (RFC 8628): a code
 *   the person enters on another device
 */
typedef enum
{
  LANYARD_GRANT_AUTHORIZATION_CODE,
  LANYARD_GRANT_DEVICE,
} LanyardGrant;

/**
 * LanyardDevicePoll:
 * @LANYARD_DEVICE_POLL_APPROVED: the tokens came
 * @LANYARD_DEVICE_POLL_PENDING: `authorization_pending`: ask again later
 * @LANYARD_DEVICE_POLL_SLOW_DOWN: `slow_down`: ask again, 5 s slower
 */
typedef enum
{
  LANYARD_DEVICE_POLL_APPROVED,
  LANYARD_DEVICE_POLL_PENDING,
  LANYARD_DEVICE_POLL_SLOW_DOWN,
} LanyardDevicePoll;

#define LANYARD_TYPE_PROVIDER (lanyard_provider_get_type ())
G_DECLARE_DERIVABLE_TYPE (LanyardProvider, lanyard_provider, LANYARD, PROVIDER, GObject)

/**
 * LanyardProviderClass:
 * @type_name: the `type=` value in the configuration
 * @default_display_name: the name shown when `display_name` is not set
 * @default_scopes: scopes asked for when `scopes` is not set
 * @secret_policy: whether a client secret is needed
 * @login_hint_param: the authorization request parameter that names the
 *   account to sign in as (`login_hint` in OpenID Connect, `login` at
 *   GitHub), or %NULL when the provider has none
 * @configure: reads and validates the type's own keys; sets endpoints
 * @prepare_async: work before the first sign-in (OIDC discovery, starting
 *   the demo server); optional
 * @add_authorize_params: extra authorization request parameters; optional
 * @fetch_identity_async: who the tokens belong to; the default reads the
 *   userinfo endpoint and calls @identity_from_userinfo
 * @identity_from_userinfo: maps the provider's userinfo shape
 * @check_issuer: checks an ID token's `iss`; the default wants the
 *   provider's issuer exactly
 * @revoke_async: revokes at the provider; the default is RFC 7009
 * @device_flow_default: whether the device grant is offered when
 *   `device_flow` is not set (a subclass may change it per instance with
 *   _lanyard_provider_set_device_flow_default())
 * @device_flow_hint: (nullable): what turning the device grant on takes
 *   at this provider, said when it is off by default (marked with N_())
 *
 * What differs between providers. Everything else (authorize URL, code
 * exchange, refresh, HTTP and error handling) is shared.
 */
struct _LanyardProviderClass
{
  GObjectClass parent_class;

  const char         *type_name;
  const char         *default_display_name;
  const char         *default_scopes;
  LanyardSecretPolicy secret_policy;
  const char         *login_hint_param;

  gboolean (*configure) (LanyardProvider       *self,
                         LanyardProviderConfig *config,
                         GError               **error);
  void (*prepare_async) (LanyardProvider    *self,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data);
  gboolean (*prepare_finish) (LanyardProvider *self,
                              GAsyncResult    *result,
                              GError         **error);
  void (*add_authorize_params) (LanyardProvider *self,
                                GHashTable      *params);
  void (*fetch_identity_async) (LanyardProvider    *self,
                                LanyardTokenSet    *tokens,
                                const char         *nonce,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data);
  LanyardIdentity *(*fetch_identity_finish) (LanyardProvider *self,
                                             GAsyncResult    *result,
                                             GError         **error);
  LanyardIdentity *(*identity_from_userinfo) (LanyardProvider *self,
                                              JsonObject      *userinfo,
                                              GError         **error);
  gboolean (*check_issuer) (LanyardProvider *self,
                            JsonObject      *claims,
                            GError         **error);
  void (*revoke_async) (LanyardProvider    *self,
                        LanyardTokenSet    *tokens,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data);
  gboolean (*revoke_finish) (LanyardProvider *self,
                             GAsyncResult    *result,
                             GError         **error);

  gboolean    device_flow_default;
  const char *device_flow_hint;

  gpointer padding[6];
};

gboolean lanyard_provider_configure (LanyardProvider       *self,
                                     LanyardProviderConfig *config,
                                     SoupSession           *session,
                                     GError               **error);

const char          *lanyard_provider_get_id (LanyardProvider *self);
const char          *lanyard_provider_get_type_name (LanyardProvider *self);
const char          *lanyard_provider_get_display_name (LanyardProvider *self);
const char          *lanyard_provider_get_client_id (LanyardProvider *self);
const char *const   *lanyard_provider_get_scopes (LanyardProvider *self);
const char          *lanyard_provider_get_issuer (LanyardProvider *self);
gboolean             lanyard_provider_get_iss_parameter_supported (LanyardProvider *self);
LanyardBrowserPolicy lanyard_provider_get_browser_policy (LanyardProvider *self);
const char          *lanyard_provider_get_redirect_host (LanyardProvider *self);
char                *lanyard_provider_dup_redirect_path (LanyardProvider *self);
guint                lanyard_provider_get_redirect_port (LanyardProvider *self);
gboolean             lanyard_provider_get_is_demo (LanyardProvider *self);
gboolean             lanyard_provider_get_uses_nonce (LanyardProvider *self);
gboolean             lanyard_provider_can_revoke (LanyardProvider *self);
const char          *lanyard_provider_get_revoke_page (LanyardProvider *self);
const char          *lanyard_provider_get_web_url (LanyardProvider *self);
SoupSession         *lanyard_provider_get_session (LanyardProvider *self);
gboolean             lanyard_provider_has_rules (LanyardProvider *self);
const char *const   *lanyard_provider_get_allowed_orgs (LanyardProvider *self);
gboolean             lanyard_provider_get_store_tokens (LanyardProvider *self);
void                 lanyard_provider_set_jwks_cache (LanyardProvider  *self,
                                                      LanyardJwksCache *cache);
gboolean             lanyard_provider_supports_grant (LanyardProvider *self,
                                                      LanyardGrant     grant,
                                                      char           **problem);

void                        lanyard_provider_prepare_async (LanyardProvider    *self,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
gboolean                    lanyard_provider_prepare_finish (LanyardProvider *self,
                                                             GAsyncResult    *result,
                                                             GError         **error);
char                       *lanyard_provider_build_authorize_url (LanyardProvider *self,
                                                                  const char      *redirect_uri,
                                                                  const char      *state,
                                                                  const char      *code_challenge,
                                                                  const char      *nonce,
                                                                  const char      *login_hint);
void                        lanyard_provider_exchange_code_async (LanyardProvider    *self,
                                                                  const char         *code,
                                                                  const char         *code_verifier,
                                                                  const char         *redirect_uri,
                                                                  GCancellable       *cancellable,
                                                                  GAsyncReadyCallback callback,
                                                                  gpointer            user_data);
LanyardTokenSet            *lanyard_provider_exchange_code_finish (LanyardProvider *self,
                                                                   GAsyncResult    *result,
                                                                   GError         **error);
void                        lanyard_provider_refresh_async (LanyardProvider    *self,
                                                            LanyardTokenSet    *tokens,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
LanyardTokenSet            *lanyard_provider_refresh_finish (LanyardProvider *self,
                                                             GAsyncResult    *result,
                                                             GError         **error);
void                        lanyard_provider_fetch_identity_async (LanyardProvider    *self,
                                                                   LanyardTokenSet    *tokens,
                                                                   const char         *nonce,
                                                                   GCancellable       *cancellable,
                                                                   GAsyncReadyCallback callback,
                                                                   gpointer            user_data);
LanyardIdentity            *lanyard_provider_fetch_identity_finish (LanyardProvider *self,
                                                                    GAsyncResult    *result,
                                                                    GError         **error);
void                        lanyard_provider_request_device_authorization_async (LanyardProvider    *self,
                                                                                 GCancellable       *cancellable,
                                                                                 GAsyncReadyCallback callback,
                                                                                 gpointer            user_data);
LanyardDeviceAuthorization *lanyard_provider_request_device_authorization_finish (LanyardProvider *self,
                                                                                  GAsyncResult    *result,
                                                                                  GError         **error);
void                        lanyard_provider_poll_device_token_async (LanyardProvider    *self,
                                                                      const char         *device_code,
                                                                      GCancellable       *cancellable,
                                                                      GAsyncReadyCallback callback,
                                                                      gpointer            user_data);
LanyardTokenSet            *lanyard_provider_poll_device_token_finish (LanyardProvider   *self,
                                                                       GAsyncResult      *result,
                                                                       LanyardDevicePoll *poll,
                                                                       GError           **error);
void                        lanyard_provider_recheck_async (LanyardProvider    *self,
                                                            LanyardTokenSet    *tokens,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
LanyardIdentity            *lanyard_provider_recheck_finish (LanyardProvider *self,
                                                             GAsyncResult    *result,
                                                             GError         **error);
void                        lanyard_provider_check_access_token_async (LanyardProvider    *self,
                                                                       LanyardTokenSet    *tokens,
                                                                       GCancellable       *cancellable,
                                                                       GAsyncReadyCallback callback,
                                                                       gpointer            user_data);
gboolean                    lanyard_provider_check_access_token_finish (LanyardProvider *self,
                                                                        GAsyncResult    *result,
                                                                        GError         **error);
void                        lanyard_provider_revoke_async (LanyardProvider    *self,
                                                           LanyardTokenSet    *tokens,
                                                           GCancellable       *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer            user_data);
gboolean                    lanyard_provider_revoke_finish (LanyardProvider *self,
                                                            GAsyncResult    *result,
                                                            GError         **error);

G_END_DECLS
