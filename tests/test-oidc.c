/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The OpenID Connect relying-party checks, one test per case, each through
 * a whole sign-in against the fake provider, whose ID tokens are signed
 * with keys made now. A check removed from src/core makes its test fail. */

#include <string.h>

#include "flow-harness.h"
#include "lanyard-error.h"

typedef struct
{
  const char *name;
  const char *dialect;
  const char *alg; /* signing key (shared, published) */
  const char *claims; /* changes to the ID token's claims */
  const char *header; /* JOSE header instead of the key's */
  gboolean    corrupt; /* flip a bit of the signature */
  int         code; /* -1: the sign-in succeeds */
  const char *message; /* part of the error message */
} Case;

static const Case cases[] = {
  { "good/RS256", "oidc", "RS256", NULL, NULL, FALSE, -1, NULL },
  { "good/RS384", "oidc", "RS384", NULL, NULL, FALSE, -1, NULL },
  { "good/RS512", "oidc", "RS512", NULL, NULL, FALSE, -1, NULL },
  { "good/PS256", "oidc", "PS256", NULL, NULL, FALSE, -1, NULL },
  { "good/PS512", "oidc", "PS512", NULL, NULL, FALSE, -1, NULL },
  { "good/ES256", "oidc", "ES256", NULL, NULL, FALSE, -1, NULL },
  { "good/ES384", "oidc", "ES384", NULL, NULL, FALSE, -1, NULL },
  { "good/ES512", "oidc", "ES512", NULL, NULL, FALSE, -1, NULL },
  { "good/EdDSA", "oidc", "EdDSA", NULL, NULL, FALSE, -1, NULL },
  { "good/gitlab", "gitlab", "RS256", NULL, NULL, FALSE, -1, NULL },
  { "good/google", "google", "RS256", NULL, NULL, FALSE, -1, NULL },
  { "good/microsoft", "microsoft", "RS256", NULL, NULL, FALSE, -1, NULL },
  { "bad-signature/RS256", "oidc", "RS256", NULL, NULL, TRUE, LANYARD_ERROR_INVALID_RESPONSE, "the token's signature is not valid" },
  { "bad-signature/PS256", "oidc", "PS256", NULL, NULL, TRUE, LANYARD_ERROR_INVALID_RESPONSE, "the token's signature is not valid" },
  { "bad-signature/ES256", "oidc", "ES256", NULL, NULL, TRUE, LANYARD_ERROR_INVALID_RESPONSE, "the token's signature is not valid" },
  { "bad-signature/EdDSA", "oidc", "EdDSA", NULL, NULL, TRUE, LANYARD_ERROR_INVALID_RESPONSE, "the token's signature is not valid" },
  { "bad-signature/microsoft", "microsoft", "RS256", NULL, NULL, TRUE, LANYARD_ERROR_INVALID_RESPONSE, "the token's signature is not valid" },
  { "wrong-iss", "oidc", "RS256", "{\"iss\":\"https://evil.example\"}", NULL, FALSE, LANYARD_ERROR_ISSUER_MISMATCH, "The ID token was issued by “https://evil.example”" },
  { "wrong-iss/microsoft-template", "microsoft", "RS256", "{\"iss\":\"https://login.microsoftonline.com/{tenantid}/v2.0\"}", NULL, FALSE, LANYARD_ERROR_ISSUER_MISMATCH, "The ID token was issued by" },
  { "missing-aud", "oidc", "RS256", "{\"aud\":null}", NULL, FALSE, LANYARD_ERROR_INVALID_RESPONSE, "is meant for another application" },
  { "wrong-aud", "oidc", "RS256", "{\"aud\":\"someone-else\"}", NULL, FALSE, LANYARD_ERROR_INVALID_RESPONSE, "is meant for another application" },
  { "several-aud/no-azp", "oidc", "RS256", "{\"aud\":[\"" FAKE_CLIENT_ID "\",\"other\"]}", NULL, FALSE, LANYARD_ERROR_INVALID_RESPONSE, "was issued to another party (azp)" },
  { "several-aud/wrong-azp", "oidc", "RS256", "{\"aud\":[\"" FAKE_CLIENT_ID "\",\"other\"],\"azp\":\"other\"}", NULL, FALSE, LANYARD_ERROR_INVALID_RESPONSE, "was issued to another party (azp)" },
  { "several-aud/right-azp", "oidc", "RS256", "{\"aud\":[\"" FAKE_CLIENT_ID "\",\"other\"],\"azp\":\"" FAKE_CLIENT_ID "\"}", NULL, FALSE, -1, NULL },
  { "expired", "oidc", "RS256", "{\"exp\":1000000000}", NULL, FALSE, LANYARD_ERROR_INVALID_RESPONSE, "has expired" },
  { "missing-exp", "oidc", "RS256", "{\"exp\":null}", NULL, FALSE, LANYARD_ERROR_INVALID_RESPONSE, "has expired" },
  { "missing-iat", "oidc", "RS256", "{\"iat\":null}", NULL, FALSE, LANYARD_ERROR_INVALID_RESPONSE, "has no valid issue time (iat)" },
  { "iat-in-the-future", "oidc", "RS256", "{\"iat\":4102444800}", NULL, FALSE, LANYARD_ERROR_INVALID_RESPONSE, "has no valid issue time (iat)" },
  { "nonce-missing", "oidc", "RS256", "{\"nonce\":null}", NULL, FALSE, LANYARD_ERROR_INVALID_RESPONSE, "does not belong to this sign-in (nonce missing)" },
  { "nonce-different", "oidc", "RS256", "{\"nonce\":\"replayed\"}", NULL, FALSE, LANYARD_ERROR_INVALID_RESPONSE, "does not belong to this sign-in (nonce mismatch)" },
  { "sub-missing", "oidc", "RS256", "{\"sub\":null}", NULL, FALSE, LANYARD_ERROR_INVALID_RESPONSE, "names no subject (sub)" },
  { "alg-none", "oidc", "RS256", NULL, "{\"alg\":\"none\"}", FALSE, LANYARD_ERROR_INVALID_RESPONSE, "the token is not signed (alg “none”), which Lanyard never accepts" },
  { "hs256-with-public-key", "oidc", "RS256", NULL, "{\"alg\":\"HS256\",\"kid\":\"shared-RS256\"}", FALSE, LANYARD_ERROR_INVALID_RESPONSE, "signed with a shared secret (alg “HS256”)" },
  { "alg-not-matching-key", "oidc", "RS256", NULL, "{\"alg\":\"ES256\",\"kid\":\"shared-RS256\"}", FALSE, LANYARD_ERROR_INVALID_RESPONSE, "the issuer publishes no key that can check a “ES256” signature" },
  { "kid-absent/one-key", "oidc", "RS256", NULL, "{\"alg\":\"RS256\"}", FALSE, -1, NULL },
  { "crit-header", "oidc", "RS256", NULL, "{\"alg\":\"RS256\",\"kid\":\"shared-RS256\",\"crit\":[\"exp\"]}", FALSE, LANYARD_ERROR_INVALID_RESPONSE, "critical JOSE extensions" },
};

static void
run_case (Fixture      *f,
          gconstpointer data)
{
  const Case *c = data;
  TestKey    *key = test_key_get_shared (c->alg);
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GError) error = NULL;

  fake_provider_set_signing_key (f->fake, key);
  fake_provider_unpublish_keys (f->fake);
  fake_provider_publish_key (f->fake, key);
  fake_provider_set_claims (f->fake, c->claims);
  fake_provider_set_header (f->fake, c->header);
  fake_provider_set_corrupt_signature (f->fake, c->corrupt);

  flow = sign_in (f, "subject", c->dialect, NULL, &error);

  if (c->code < 0)
    {
      g_assert_no_error (error);
      g_assert_nonnull (lanyard_flow_get_identity (flow));
      return;
    }

  g_assert_error (error, LANYARD_ERROR, c->code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, c->message));
  /* A refused ID token stores nothing. */
  g_assert_null (lanyard_flow_get_identity (flow));
  g_assert_null (lanyard_flow_get_tokens (flow));
}

static void
test_kid_absent_several_keys (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr(TestKey) other = test_key_new ("RS256", "other");
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GError) error = NULL;

  /* Without a kid, every key that fits the algorithm is tried. */
  fake_provider_unpublish_keys (f->fake);
  fake_provider_publish_key (f->fake, test_key_get_shared ("ES256"));
  fake_provider_publish_key (f->fake, other);
  fake_provider_publish_key (f->fake, test_key_get_shared ("RS256"));
  fake_provider_set_header (f->fake, "{\"alg\":\"RS256\"}");

  flow = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_no_error (error);

  /* And a token that none of them signed is refused. */
  g_clear_object (&flow);
  fake_provider_set_signing_key (f->fake, test_key_get_shared ("RS384"));
  fake_provider_set_header (f->fake, "{\"alg\":\"RS256\"}");
  flow = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
}

static void
test_key_rotation_between_sign_ins (Fixture      *f,
                                    gconstpointer data)
{
  g_autoptr(TestKey) next = test_key_new ("ES256", "next");
  g_autoptr(LanyardFlow) first = NULL;
  g_autoptr(LanyardFlow) second = NULL;
  g_autoptr(GError) error = NULL;

  first = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "jwks"), ==, 1);

  /* The issuer rotates: the cached set lacks the new key id. */
  fake_provider_unpublish_keys (f->fake);
  fake_provider_publish_key (f->fake, next);
  fake_provider_set_signing_key (f->fake, next);

  second = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "jwks"), ==, 2);
}

static void
test_unknown_kid_refetched_once (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr(TestKey) unpublished = test_key_new ("RS256", "never-published");
  g_autoptr(LanyardFlow) first = NULL;
  g_autoptr(LanyardFlow) forged = NULL;
  g_autoptr(LanyardFlow) again = NULL;
  g_autoptr(GError) error = NULL;

  first = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "jwks"), ==, 1);

  /* Signed just now with a key the issuer does not (yet) publish: one
   * re-fetch, then refused. */
  fake_provider_set_signing_key (f->fake, unpublished);
  forged = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "signed with a key (“never-published”) the issuer does not publish"));
  g_assert_cmpuint (fake_provider_get_count (f->fake, "jwks"), ==, 2);
  g_clear_error (&error);

  /* Within the minute, no more re-fetches, however many such tokens. */
  again = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "jwks"), ==, 2);
}

static void
test_unparseable_key_ignored (Fixture      *f,
                              gconstpointer data)
{
  g_autofree char *good = test_key_to_jwk_json (test_key_get_shared ("RS256"));
  g_autofree char *jwks = g_strdup_printf ("{\"keys\":["
                                           "{\"kty\":\"RSA\",\"kid\":\"broken\",\"n\":\"!!!\",\"e\":\"AQAB\"},"
                                           "{\"kty\":\"RSA\",\"kid\":\"weak\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
                                           "{\"kty\":\"EC\",\"kid\":\"bad-curve\",\"crv\":\"P-1\",\"x\":\"AA\",\"y\":\"AA\"},"
                                           "{\"kty\":\"oct\",\"kid\":\"secret\",\"k\":\"c2VjcmV0\"},"
                                           "{\"kty\":\"RSA\",\"use\":\"enc\",\"kid\":\"encryption\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
                                           "42,"
                                           "%s]}",
                                           good);
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GError) error = NULL;

  fake_provider_set_jwks (f->fake, jwks);
  flow = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_no_error (error);
}

static void
test_jwks_not_a_key_set (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GError) error = NULL;

  fake_provider_set_jwks (f->fake, "{\"keys\":{}}");
  flow = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (error->message, ==, "The signing keys of Example SSO could not be fetched: the key set is not a JSON Web Key Set");
}

static void
test_jwks_caching_headers (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(LanyardFlow) a = NULL;
  g_autoptr(LanyardFlow) b = NULL;
  g_autoptr(LanyardFlow) c = NULL;
  g_autoptr(LanyardFlow) d = NULL;
  g_autoptr(GError) error = NULL;

  /* max-age: one fetch serves both sign-ins. */
  a = sign_in (f, "corp", "oidc", NULL, &error);
  b = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "jwks"), ==, 1);

  /* no-store: every sign-in fetches again, once the cached copy went. */
  g_clear_object (&f->registry);
  f->registry = lanyard_provider_registry_new ();
  fake_provider_set_jwks_cache_control (f->fake, "no-store");
  c = sign_in (f, "corp", "oidc", NULL, &error);
  d = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "jwks"), ==, 3);
}

static void
test_userinfo_sub_differs (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GError) error = NULL;

  fake_provider_set_failure (f->fake, FAKE_FAIL_USERINFO_OTHER_SUB);
  flow = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "userinfo “sub” differs from the ID token's"));
}

static void
test_discovery_issuer_mismatch (Fixture      *f,
                                gconstpointer data)
{
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GError) error = NULL;

  fake_provider_set_failure (f->fake, FAKE_FAIL_DISCOVERY_ISSUER);
  flow = start_flow (add_provider (f, "corp", "oidc"), &error);
  g_assert_null (flow);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH);
  g_assert_nonnull (strstr (error->message, "discovery document is for the issuer “https://evil.example”"));
}

static void
test_callback_iss_mismatch (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GError) error = NULL;

  fake_provider_set_failure (f->fake, FAKE_FAIL_WRONG_ISS);
  flow = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "token"), ==, 0);
}

static void
test_microsoft_other_tenant (Fixture      *f,
                             gconstpointer data)
{
  g_autofree char *compound = g_strdup_printf ("microsoft client_id=%s authority=%s/ms tenant=11111111-2222-3333-4444-555555555555",
                                               FAKE_CLIENT_ID, fake_provider_get_base_url (f->fake));
  g_autoptr(LanyardProviderConfig) config = lanyard_provider_config_new_from_compound ("ms", "test", compound, NULL);
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autoptr(GError) error = NULL;

  lanyard_provider_registry_add_config (f->registry, config);
  flow = start_flow (lanyard_provider_registry_lookup (f->registry, "ms"), NULL);
  page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  g_assert_false (wait_flow (flow, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH);
  g_assert_nonnull (strstr (error->message, "belongs to another tenant"));
}

static LanyardTokenSet *
refresh (LanyardFlow *flow,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  LanyardProvider *provider = lanyard_flow_get_provider (flow);

  lanyard_provider_refresh_async (provider, lanyard_flow_get_tokens (flow), NULL, test_store_result, &result);
  return lanyard_provider_refresh_finish (provider, test_wait_result (&result), error);
}

static void
test_refresh_same_subject (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "corp", "oidc", NULL, &error);
  g_autoptr(LanyardTokenSet) refreshed = NULL;

  g_assert_no_error (error);
  refreshed = refresh (flow, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lanyard_token_set_get_id_token (refreshed));
  g_assert_cmpstr (lanyard_token_set_get_id_token (refreshed), !=, lanyard_token_set_get_id_token (lanyard_flow_get_tokens (flow)));
}

static void
test_refresh_changed (Fixture      *f,
                      gconstpointer data)
{
  const char *change = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "corp", "oidc", NULL, &error);
  g_autoptr(LanyardTokenSet) refreshed = NULL;

  g_assert_no_error (error);
  fake_provider_set_claims (f->fake, change);
  refreshed = refresh (flow, &error);
  g_assert_null (refreshed);
  /* A changed issuer fails the issuer check before the subject check. */
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH);
  g_test_message ("%s", error->message);
}

static void
test_refresh_changed_aud_with_azp (Fixture      *f,
                                   gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "corp", "oidc", NULL, &error);
  g_autoptr(LanyardTokenSet) refreshed = NULL;

  /* Still valid on its own (audience contains us, azp is us), but the
   * audience changed: refused. */
  fake_provider_set_claims (f->fake, "{\"aud\":[\"" FAKE_CLIENT_ID "\",\"extra\"],\"azp\":\"" FAKE_CLIENT_ID "\"}");
  refreshed = refresh (flow, &error);
  g_assert_null (refreshed);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (error->message, ==, "The renewed ID token from Example SSO changed its “aud”; the renewal was refused");
}

static void
test_refresh_changed_sub (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "corp", "oidc", NULL, &error);
  g_autoptr(LanyardTokenSet) refreshed = NULL;

  fake_provider_set_claims (f->fake, "{\"sub\":\"someone-else\"}");
  refreshed = refresh (flow, &error);
  g_assert_null (refreshed);
  g_assert_cmpstr (error->message, ==, "The renewed ID token from Example SSO changed its “sub”; the renewal was refused");
}

static LanyardFlow *
sign_in_with (Fixture    *f,
              const char *id,
              const char *compound,
              GError    **error)
{
  g_autoptr(LanyardProviderConfig) config = lanyard_provider_config_new_from_compound (id, "test", compound, NULL);
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(TestPage) page = NULL;

  lanyard_provider_registry_add_config (f->registry, config);
  g_assert_null (lanyard_provider_registry_get_entry (f->registry, id)->problem);
  flow = start_flow (lanyard_provider_registry_lookup (f->registry, id), error);
  if (flow == NULL)
    return NULL;
  page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  wait_flow (flow, error);
  return g_steal_pointer (&flow);
}

static void
test_clock_skew (Fixture      *f,
                 gconstpointer data)
{
  g_autofree char *claims = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT "}", g_get_real_time () / G_USEC_PER_SEC - 100);
  g_autofree char *base = fake_provider_config (f->fake, "oidc");
  g_autofree char *strict = g_strconcat (base, " clock_skew=0", NULL);
  g_autoptr(LanyardFlow) tolerated = NULL;
  g_autoptr(LanyardFlow) refused = NULL;
  g_autoptr(GError) error = NULL;

  /* Expired 100 s ago: within the default five minutes of skew… */
  fake_provider_set_claims (f->fake, claims);
  tolerated = sign_in_with (f, "corp", base, &error);
  g_assert_no_error (error);

  /* …but not with a configured skew of 0. */
  refused = sign_in_with (f, "strict", strict, &error);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "has expired"));
}

static void
test_google_issuer_spellings (Fixture      *f,
                              gconstpointer data)
{
  /* The real issuer, with the endpoints at the fake. */
  const char      *b = fake_provider_get_base_url (f->fake);
  g_autofree char *compound = g_strdup_printf ("google client_id=%s client_secret=%s authorize_url=%s/google/authorize "
                                               "token_url=%s/google/token userinfo_url=%s/google/userinfo jwks_url=%s/google/jwks",
                                               FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, b, b, b, b);
  const struct
  {
    const char *iss;
    gboolean    accepted;
  } spellings[] = {
    { "https://accounts.google.com", TRUE },
    { "accounts.google.com", TRUE },
    { "http://accounts.google.com", FALSE },
    { "https://accounts.google.com/", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
    {
      g_autofree char *claims = g_strdup_printf ("{\"iss\":\"%s\"}", spellings[i].iss);
      g_autoptr(LanyardFlow) flow = NULL;
      g_autoptr(GError) error = NULL;

      fake_provider_set_claims (f->fake, claims);
      flow = sign_in_with (f, "google", compound, &error);
      if (spellings[i].accepted)
        g_assert_no_error (error);
      else
        g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH);
    }
}

static void
test_key_rotation_just_before_signing (Fixture      *f,
                                       gconstpointer data)
{
  g_autoptr(TestKey) next = test_key_new ("PS256", "next");
  LanyardProvider *provider = add_provider (f, "corp", "oidc");
  g_autoptr(LanyardFlow) first = start_flow (provider, NULL);
  g_autoptr(LanyardFlow) second = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autoptr(GError) error = NULL;

  page = test_browse ("GET", lanyard_flow_get_authorize_url (first));
  g_assert_true (wait_flow (first, NULL));

  /* The same provider, a new sign-in: the issuer added a key and signs
   * with it at once, while the old one stays published. */
  second = start_flow (provider, NULL);
  fake_provider_publish_key (f->fake, next);
  fake_provider_set_signing_key (f->fake, next);
  g_clear_pointer (&page, test_page_free);
  page = test_browse ("GET", lanyard_flow_get_authorize_url (second));
  g_assert_true (wait_flow (second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "jwks"), ==, 2);
}

static void
test_discovery_staleness (Fixture      *f,
                          gconstpointer data)
{
  const char      *cache_control = data;
  LanyardProvider *provider;
  g_autoptr(LanyardFlow) a = NULL;
  g_autoptr(LanyardFlow) b = NULL;

  fake_provider_set_discovery_cache_control (f->fake, cache_control);
  provider = add_provider (f, "corp", "oidc");
  a = start_flow (provider, NULL);
  b = start_flow (provider, NULL);
  lanyard_flow_cancel (a);
  lanyard_flow_cancel (b);

  /* Kept while fresh; fetched again once stale. */
  g_assert_cmpuint (fake_provider_get_count (f->fake, "discovery"), ==,
                    g_str_equal (cache_control, "no-store") ? 2 : 1);
}

#define ADD(path, func, data) \
  g_test_add ("/Lanyard/Oidc/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/Lanyard/Oidc/", cases[i].name, NULL);
      g_test_add (path, Fixture, &cases[i], fixture_set_up, run_case, fixture_tear_down);
    }

  ADD ("kid-absent/several-keys", test_kid_absent_several_keys, NULL);
  ADD ("clock-skew", test_clock_skew, NULL);
  ADD ("google/issuer-spellings", test_google_issuer_spellings, NULL);
  ADD ("key-rotation/just-before-signing", test_key_rotation_just_before_signing, NULL);
  ADD ("discovery/fresh", test_discovery_staleness, "max-age=3600");
  ADD ("discovery/stale", test_discovery_staleness, "no-store");
  ADD ("key-rotation/between-sign-ins", test_key_rotation_between_sign_ins, NULL);
  ADD ("key-rotation/unknown-kid-refetched-once", test_unknown_kid_refetched_once, NULL);
  ADD ("jwks/unparseable-key-ignored", test_unparseable_key_ignored, NULL);
  ADD ("jwks/not-a-key-set", test_jwks_not_a_key_set, NULL);
  ADD ("jwks/caching-headers", test_jwks_caching_headers, NULL);
  ADD ("userinfo-sub-differs", test_userinfo_sub_differs, NULL);
  ADD ("discovery-issuer-mismatch", test_discovery_issuer_mismatch, NULL);
  ADD ("callback-iss-mismatch", test_callback_iss_mismatch, NULL);
  ADD ("microsoft/other-tenant", test_microsoft_other_tenant, NULL);
  ADD ("refresh/same-subject", test_refresh_same_subject, NULL);
  ADD ("refresh/changed-iss", test_refresh_changed, "{\"iss\":\"https://evil.example\"}");
  ADD ("refresh/changed-sub", test_refresh_changed_sub, NULL);
  ADD ("refresh/changed-aud", test_refresh_changed_aud_with_azp, NULL);

  return g_test_run ();
}
