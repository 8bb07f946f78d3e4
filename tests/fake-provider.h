/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "test-keys.h"

G_BEGIN_DECLS

#define FAKE_CLIENT_ID "test-client"
#define FAKE_CLIENT_SECRET "test-secret"
#define FAKE_MS_TENANT_ID "72f988bf-86f1-41af-91ab-2d7cd011db47"

/**
 * FakeFailure:
 *
 * How the fake provider misbehaves, as real providers do.
 */
typedef enum
{
  FAKE_FAIL_NONE,
  FAKE_FAIL_ACCESS_DENIED, /* authorize answers error=access_denied */
  FAKE_FAIL_WRONG_STATE, /* the redirect carries another state */
  FAKE_FAIL_MISSING_STATE, /* the redirect carries no state */
  FAKE_FAIL_MISSING_CODE, /* the redirect carries no code */
  FAKE_FAIL_WRONG_ISS, /* the redirect names another issuer */
  FAKE_FAIL_MISSING_ISS, /* no iss although advertised */
  FAKE_FAIL_TOKEN_500, /* token endpoint: HTTP 500 */
  FAKE_FAIL_TOKEN_INVALID_JSON, /* token endpoint: 200 with broken JSON */
  FAKE_FAIL_TOKEN_INVALID_GRANT, /* token endpoint: invalid_grant */
  FAKE_FAIL_TOKEN_SLOW, /* token endpoint answers after 3 s */
  FAKE_FAIL_TOKEN_NO_REPLY, /* token endpoint never answers */
  FAKE_FAIL_TOKEN_FORM, /* token endpoint answers form-encoded */
  FAKE_FAIL_USERINFO_500, /* userinfo: HTTP 500 */
  FAKE_FAIL_USERINFO_OTHER_SUB, /* userinfo describes someone else */
  FAKE_FAIL_ID_TOKEN_NONCE, /* ID token with another nonce */
  FAKE_FAIL_ID_TOKEN_AUDIENCE, /* ID token for another client */
  FAKE_FAIL_ID_TOKEN_ISSUER, /* ID token from another issuer */
  FAKE_FAIL_DISCOVERY_ISSUER, /* discovery names another issuer */
} FakeFailure;

/**
 * FakeAnswer:
 *
 * What one endpoint answers instead of its normal answer, as a broken or
 * hostile server would (see fake_provider_set_answer()).
 */
typedef enum
{
  FAKE_ANSWER_NORMAL,
  FAKE_ANSWER_EMPTY_FORM, /* 200, form-encoded, with an empty body */
  FAKE_ANSWER_DEEP_JSON, /* 200, 100,000 "[" (98 KiB) */
  FAKE_ANSWER_REDIRECT, /* 302 to another server, which answers with tokens */
  FAKE_ANSWER_TRICKLE, /* 200, then one byte a second, never ending */
  FAKE_ANSWER_RAW, /* the status, type and body of fake_provider_set_raw_answer() */
} FakeAnswer;

/**
 * FakeQuirks:
 *
 * Ways of a second real OpenID provider (glewlwyd) that are not failures:
 * the server works, differently from the first ones Lanyard met.
 */
typedef enum
{
  FAKE_QUIRK_NONE = 0,
  /* revoke: 401 with an empty body unless the request carries
   * "Authorization: Bearer" with a live access token */
  FAKE_QUIRK_BEARER_REVOCATION = 1 << 0,
  /* userinfo: no preferred_username, no nickname */
  FAKE_QUIRK_NO_USERNAME = 1 << 1,
  /* userinfo: no e-mail either */
  FAKE_QUIRK_NO_EMAIL = 1 << 2,
  /* discovery: token_endpoint_auth_methods_supported without "none",
   * grant_types_supported without "refresh_token" (both work all the same) */
  FAKE_QUIRK_UNDER_REPORTING_DISCOVERY = 1 << 3,
  /* discovery: no device_authorization_endpoint */
  FAKE_QUIRK_NO_DEVICE_ENDPOINT = 1 << 4,
} FakeQuirks;

/**
 * FakeRegistration:
 *
 * How the server answers dynamic client registration (RFC 7591).
 */
typedef enum
{
  FAKE_REGISTRATION_NOT_OFFERED, /* no registration_endpoint */
  FAKE_REGISTRATION_OPEN, /* anyone may register a public client */
  FAKE_REGISTRATION_REFUSED, /* 400 invalid_client_metadata */
  FAKE_REGISTRATION_INITIAL_TOKEN, /* 401: an initial access token is required */
  FAKE_REGISTRATION_MCP_ONLY, /* registers, for the scope "mcp" only (GitLab) */
} FakeRegistration;

#define FAKE_TYPE_PROVIDER (fake_provider_get_type ())
G_DECLARE_FINAL_TYPE (FakeProvider, fake_provider, FAKE, PROVIDER, GObject)

FakeProvider *fake_provider_new (void);
const char   *fake_provider_get_base_url (FakeProvider *self);
void          fake_provider_set_failure (FakeProvider *self,
                                         FakeFailure   failure);
guint         fake_provider_get_count (FakeProvider *self,
                                       const char   *endpoint);
const char   *fake_provider_get_last_revoked (FakeProvider *self);
GHashTable   *fake_provider_get_last_authorize (FakeProvider *self);
void          fake_provider_set_signing_key (FakeProvider *self,
                                             TestKey      *key);
void          fake_provider_publish_key (FakeProvider *self,
                                         TestKey      *key);
void          fake_provider_unpublish_keys (FakeProvider *self);
void          fake_provider_set_jwks (FakeProvider *self,
                                      const char   *json);
void          fake_provider_set_jwks_cache_control (FakeProvider *self,
                                                    const char   *value);
void          fake_provider_set_discovery_cache_control (FakeProvider *self,
                                                         const char   *value);
void          fake_provider_set_claims (FakeProvider *self,
                                        const char   *json);
void          fake_provider_set_header (FakeProvider *self,
                                        const char   *json);
void          fake_provider_set_corrupt_signature (FakeProvider *self,
                                                   gboolean      corrupt);
void          fake_provider_set_expires_in (FakeProvider *self,
                                            gint64        seconds);
void          fake_provider_set_answer (FakeProvider *self,
                                        const char   *endpoint,
                                        FakeAnswer    answer);
void          fake_provider_set_raw_answer (FakeProvider *self,
                                            const char   *endpoint,
                                            guint         status,
                                            const char   *content_type,
                                            const char   *body);
void          fake_provider_set_quirks (FakeProvider *self,
                                        FakeQuirks    quirks);
void          fake_provider_set_exact_redirect (FakeProvider *self,
                                                const char   *redirect_uri);
guint         fake_provider_get_elsewhere_count (FakeProvider *self);
void          fake_provider_set_orgs (FakeProvider      *self,
                                      const char *const *logins);
void          fake_provider_set_memberships (FakeProvider      *self,
                                             const char *const *orgs);
void          fake_provider_set_userinfo_extra (FakeProvider *self,
                                                const char   *json);
gboolean      fake_provider_is_token_live (FakeProvider *self,
                                           const char   *token);
void          fake_provider_set_registration (FakeProvider    *self,
                                              FakeRegistration registration);
void          fake_provider_forget_registrations (FakeProvider *self);
guint         fake_provider_get_n_clients (FakeProvider *self);
const char   *fake_provider_get_last_registration (FakeProvider *self);
void          fake_provider_set_github_user (FakeProvider *self,
                                             gint64        id,
                                             const char   *login);
void          fake_provider_serve_git (FakeProvider *self,
                                       const char   *root);
void          fake_provider_forget_access_tokens (FakeProvider *self);
char         *fake_provider_config (FakeProvider *self,
                                    const char   *dialect);
void          fake_provider_set_device_script (FakeProvider *self,
                                               const char   *script);
void          fake_provider_set_device_timing (FakeProvider *self,
                                               guint         interval,
                                               guint         expires_in);
GArray       *fake_provider_get_device_polls (FakeProvider *self);
const char   *fake_provider_get_last_user_code (FakeProvider *self);
GHashTable   *fake_provider_get_last_device_request (FakeProvider *self);

G_END_DECLS
