/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the ID token checks after the signature, reached
 * honestly: each input's claims are signed with a test key (made at start,
 * tests/test-keys.c) that the provider's key set, served by the loopback
 * server of fuzz-common.c, publishes. _lanyard_provider_validate_id_token_async()
 * then verifies the signature and runs the provider's issuer check
 * (GitLab's, Google's two spellings, Microsoft's tenant template), the
 * claim checks of lanyard-id-token.c and, for a refresh, the same-subject
 * rule; verified claims go on to the provider's identity from claims, as
 * at sign-in.
 *
 * Input: a first line "PROVIDER [refresh] [es256]" (gitlab, google,
 * microsoft, microsoft-tenant), then the claims, a JSON object in which
 * @BASE@ stands for the loopback server's URL. At sign-in the nonce is
 * "fuzz-nonce". */
#define G_LOG_DOMAIN "fuzz-id-token"

#include <string.h>

#include "fuzz-common.h"
#include "lanyard-provider-private.h"
#include "lanyard-provider-registry.h"
#include "test-keys.h"

#define NONCE "fuzz-nonce"
#define TENANT "72f988bf-86f1-41af-91ab-2d7cd011db47"

static LanyardProviderRegistry *registry;
static GHashTable              *previous; /* provider id → signed ID token */

static char *
expand (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "@BASE@", -1);
  return g_strjoinv (fuzz_server_get_base_url (), parts);
}

static void
add_provider (const char *id,
              const char *compound,
              const char *previous_claims)
{
  g_autofree char *expanded = expand (compound);
  g_autofree char *claims = expand (previous_claims);
  g_autoptr(LanyardProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  config = lanyard_provider_config_new_from_compound (id, "fuzz", expanded, &error);
  g_assert_no_error (error);
  lanyard_provider_registry_add_config (registry, config);
  if (lanyard_provider_registry_lookup (registry, id) == NULL)
    g_error ("%s", lanyard_provider_registry_get_entry (registry, id)->problem);
  g_hash_table_insert (previous, g_strdup (id), test_key_sign (test_key_get_shared ("EdDSA"), NULL, claims));
}

static void
setup (void)
{
  g_autofree char *jwks = NULL;
  g_autofree char *ed = NULL;
  g_autofree char *es = NULL;

  if (registry != NULL)
    return;

  fuzz_init ();
  registry = lanyard_provider_registry_new ();
  previous = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  ed = test_key_to_jwk_json (test_key_get_shared ("EdDSA"));
  es = test_key_to_jwk_json (test_key_get_shared ("ES256"));
  jwks = g_strdup_printf ("{\"keys\":[%s,%s]}", ed, es);
  fuzz_server_set_reply ("/gitlab/oauth/discovery/keys", 200, "application/json", "Cache-Control: max-age=86400", jwks, strlen (jwks));
  fuzz_server_set_reply ("/google/jwks", 200, "application/json", "Cache-Control: max-age=86400", jwks, strlen (jwks));
  fuzz_server_set_reply ("/ms/common/discovery/v2.0/keys", 200, "application/json", "Cache-Control: max-age=86400", jwks, strlen (jwks));
  fuzz_server_set_reply ("/ms/" TENANT "/discovery/v2.0/keys", 200, "application/json", "Cache-Control: max-age=86400", jwks, strlen (jwks));

  add_provider ("gitlab", "gitlab client_id=fuzz-client base_url=@BASE@/gitlab",
                "{\"iss\":\"@BASE@/gitlab\",\"sub\":\"42\",\"aud\":\"fuzz-client\",\"exp\":4102444800,\"iat\":1700000000}");
  add_provider ("google", "google client_id=fuzz-client client_secret=fuzz-secret jwks_url=@BASE@/google/jwks",
                "{\"iss\":\"https://accounts.google.com\",\"sub\":\"42\",\"aud\":\"fuzz-client\",\"exp\":4102444800,\"iat\":1700000000}");
  add_provider ("microsoft", "microsoft client_id=fuzz-client authority=@BASE@/ms",
                "{\"iss\":\"@BASE@/ms/" TENANT "/v2.0\",\"tid\":\"" TENANT "\",\"oid\":\"00000000-0000-0000-0000-000000000042\",\"sub\":\"42\",\"aud\":\"fuzz-client\",\"exp\":4102444800,\"iat\":1700000000}");
  add_provider ("microsoft-tenant", "microsoft client_id=fuzz-client authority=@BASE@/ms tenant=" TENANT,
                "{\"iss\":\"@BASE@/ms/" TENANT "/v2.0\",\"tid\":\"" TENANT "\",\"oid\":\"00000000-0000-0000-0000-000000000042\",\"sub\":\"42\",\"aud\":\"fuzz-client\",\"exp\":4102444800,\"iat\":1700000000}");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(LanyardIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expanded = NULL;
  g_autofree char *id_token = NULL;
  g_auto(GStrv) words = NULL;
  const char      *newline = memchr (data, '\n', size);
  LanyardProvider *provider;
  gboolean         refresh, es256;

  setup ();

  if (newline == NULL || size > 16 * 1024)
    return 0;
  line = g_strndup ((const char *) data, newline - (const char *) data);
  words = g_strsplit (line, " ", -1);
  if (words[0] == NULL)
    return 0;
  provider = lanyard_provider_registry_lookup (registry, words[0]);
  if (provider == NULL)
    return 0;
  refresh = g_strv_contains ((const char *const *) words, "refresh");
  es256 = g_strv_contains ((const char *const *) words, "es256");

  /* A JWS carries its payload as bytes; these claims are text up to the
   * first NUL, which JSON never has. */
  text = g_strndup (newline + 1, size - (newline + 1 - (const char *) data));
  expanded = expand (text);
  id_token = test_key_sign (test_key_get_shared (es256 ? "ES256" : "EdDSA"), NULL, expanded);

  _lanyard_provider_validate_id_token_async (provider, id_token, refresh ? NULL : NONCE,
                                             refresh ? g_hash_table_lookup (previous, words[0]) : NULL,
                                             NULL, fuzz_store_result, &result);
  fuzz_wait (&result);
  claims = _lanyard_provider_validate_id_token_finish (provider, result, &error);
  g_assert ((claims == NULL) != (error == NULL));
  if (claims == NULL)
    return 0;

  /* What was verified is what was signed. */
  g_assert_nonnull (lanyard_json_get_string (claims, "sub"));

  identity = LANYARD_PROVIDER_GET_CLASS (provider)->identity_from_userinfo (provider, claims, &error);
  g_assert ((identity == NULL) != (error == NULL));
  if (identity != NULL)
    fuzz_check_identity (identity);

  return 0;
}
