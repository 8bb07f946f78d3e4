/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JOSE parsers on their own: strict about everything they read. */

#include <string.h>

#include "lanyard-error.h"
#include "lanyard-http.h"
#include "lanyard-id-token.h"
#include "lanyard-jose.h"
#include "test-keys.h"

static const char *payload = "{\"iss\":\"https://issuer.example\",\"sub\":\"1\"}";

static void
test_base64url_strict (void)
{
  const char *bad[] = { "A", "AB=", "A+B/", "AB CD", "AB\nCD", "ABC=" };
  g_autoptr(GBytes) good = lanyard_base64url_decode ("-__-AA", NULL);

  g_assert_cmpuint (g_bytes_get_size (good), ==, 4);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = lanyard_base64url_decode (bad[i], &error);

      g_assert_null (bytes);
      g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
    }
}

static void
test_jws_malformed (void)
{
  g_autofree char *huge = g_strnfill (70 * 1024, 'A');
  const char      *cases[] = {
         "",
         "e30",
         "e30.e30",
         "e30.e30.AA.AA",
         ".e30.AA",
         "e30..AA",
         "W10.e30.AA", /* header [] */
         "e30.e30.AA", /* no alg */
         "eyJhbGciOjF9.e30.AA", /* alg 1 */
         "eyJhbGciOiJSUzI1NiJ9.W10.AA", /* payload [] */
         "eyJhbGciOiJSUzI1NiJ9.e30.A", /* signature not base64url */
         "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.AA", /* payload "not json" */
         huge,
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardJws) jws = lanyard_jws_parse (cases[i], &error);

      g_assert_null (jws);
      g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
    }
}

static GPtrArray *
keys_of (TestKey *first,
         ...)
{
  g_autoptr(GString) json = g_string_new ("{\"keys\":[");
  g_autoptr(GError) error = NULL;
  GPtrArray *keys;
  va_list    args;

  va_start (args, first);
  for (TestKey *key = first; key != NULL; key = va_arg (args, TestKey *))
    {
      g_autofree char *jwk = test_key_to_jwk_json (key);
      g_string_append_printf (json, "%s%s", json->str[json->len - 1] == '[' ? "" : ",", jwk);
    }
  va_end (args);
  g_string_append (json, "]}");

  keys = lanyard_jwks_parse (json->str, -1, &error);
  g_assert_no_error (error);
  return keys;
}

static void
test_verify_each_algorithm (void)
{
  const char *algs[] = { "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA" };

  for (guint i = 0; i < G_N_ELEMENTS (algs); i++)
    {
      TestKey *key = test_key_get_shared (algs[i]);
      g_autoptr(GPtrArray) keys = keys_of (key, NULL);
      g_autofree char *token = test_key_sign (key, NULL, payload);
      g_autoptr(LanyardJws) jws = lanyard_jws_parse (token, NULL);
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", algs[i]);
      g_assert_cmpuint (keys->len, ==, 1);
      g_assert_true (lanyard_jws_verify (jws, keys, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (lanyard_json_get_string (lanyard_jws_get_payload (jws), "sub"), ==, "1");
    }
}

static void
test_verify_wrong_key (void)
{
  g_autoptr(TestKey) other = test_key_new ("ES256", "shared-ES256");
  g_autofree char *token = test_key_sign (test_key_get_shared ("ES256"), NULL, payload);
  g_autoptr(GPtrArray) keys = keys_of (other, NULL);
  g_autoptr(LanyardJws) jws = lanyard_jws_parse (token, NULL);
  g_autoptr(GError) error = NULL;
  gboolean kid_unknown = TRUE;

  /* Same kid, another key: a bad signature, not an unknown kid. */
  g_assert_false (lanyard_jws_verify (jws, keys, &kid_unknown, &error));
  g_assert_false (kid_unknown);
  g_assert_cmpstr (error->message, ==, "the token's signature is not valid");
}

static void
test_verify_unknown_kid (void)
{
  g_autoptr(TestKey) signer = test_key_new ("EdDSA", "new-key");
  g_autofree char *token = test_key_sign (signer, NULL, payload);
  g_autoptr(GPtrArray) keys = keys_of (test_key_get_shared ("EdDSA"), NULL);
  g_autoptr(LanyardJws) jws = lanyard_jws_parse (token, NULL);
  g_autoptr(GError) error = NULL;
  gboolean kid_unknown = FALSE;

  g_assert_false (lanyard_jws_verify (jws, keys, &kid_unknown, &error));
  g_assert_true (kid_unknown);
}

static void
test_refuse_none_and_hmac (void)
{
  TestKey *key = test_key_get_shared ("RS256");
  g_autoptr(GPtrArray) keys = keys_of (key, NULL);
  g_autofree char *secret = test_key_to_jwk_json (key);
  g_autofree char *none = test_jws_assemble ("{\"alg\":\"none\"}", payload, NULL, 0);
  g_autofree char *none_upper = test_jws_assemble ("{\"alg\":\"NONE\"}", payload, NULL, 0);
  g_autofree char *hs256 = test_jws_hs256 ("{\"alg\":\"HS256\"}", payload, secret);
  const char      *tokens[] = { none, none_upper, hs256 };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(LanyardJws) jws = lanyard_jws_parse (tokens[i], NULL);
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (jws);
      g_assert_false (lanyard_jws_verify (jws, keys, NULL, &error));
      g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
      g_assert_true (strstr (error->message, "never accepts") != NULL);
    }
}

static void
test_jwks_skips_unusable_keys (void)
{
  g_autofree char *good = test_key_to_jwk_json (test_key_get_shared ("ES384"));
  g_autofree char *json = g_strdup_printf ("{\"keys\":["
                                           "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
                                           "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"},"
                                           "{\"kty\":\"EC\",\"crv\":\"P-192\",\"x\":\"AAAA\",\"y\":\"AAAA\"},"
                                           "{\"kty\":\"OKP\",\"crv\":\"Ed448\",\"x\":\"AAAA\"},"
                                           "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"},"
                                           "{\"n\":\"AQAB\",\"e\":\"AQAB\"},"
                                           "\"string\", [], null,"
                                           "%s]}",
                                           good);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = lanyard_jwks_parse (json, -1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 1);
  g_assert_cmpstr (lanyard_jwk_get_kty (g_ptr_array_index (keys, 0)), ==, "EC");
  g_assert_cmpstr (lanyard_jwk_get_kid (g_ptr_array_index (keys, 0)), ==, "shared-ES384");
}

static void
test_jwks_not_a_set (void)
{
  const char *cases[] = { "", " \n", "[]", "{}", "{\"keys\":{}}", "{\"keys\":\"x\"}", "not json" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) keys = lanyard_jwks_parse (cases[i], -1, &error);

      g_assert_null (keys);
      g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
    }
}

static void
test_key_compatibility (void)
{
  g_autoptr(GPtrArray) keys = keys_of (test_key_get_shared ("RS256"), test_key_get_shared ("ES256"),
                                        test_key_get_shared ("EdDSA"), NULL);
  g_autofree char *pinned_json = NULL;
  g_autoptr(GPtrArray) pinned = NULL;
  LanyardJwk *rsa = g_ptr_array_index (keys, 0);
  LanyardJwk *ec = g_ptr_array_index (keys, 1);
  LanyardJwk *okp = g_ptr_array_index (keys, 2);

  g_assert_true (lanyard_jwk_can_verify (rsa, "RS256"));
  g_assert_true (lanyard_jwk_can_verify (rsa, "PS512"));
  g_assert_false (lanyard_jwk_can_verify (rsa, "ES256"));
  g_assert_false (lanyard_jwk_can_verify (rsa, "HS256"));
  g_assert_true (lanyard_jwk_can_verify (ec, "ES256"));
  g_assert_false (lanyard_jwk_can_verify (ec, "ES384"));
  g_assert_true (lanyard_jwk_can_verify (okp, "EdDSA"));
  g_assert_false (lanyard_jwk_can_verify (okp, "ES256"));

  /* A key that names its algorithm is used for that one only. */
  pinned_json = g_strdup_printf ("{\"keys\":[%s]}", "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"EdDSA\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}");
  pinned = lanyard_jwks_parse (pinned_json, -1, NULL);
  g_assert_cmpuint (pinned->len, ==, 1);
  g_assert_true (lanyard_jwk_can_verify (g_ptr_array_index (pinned, 0), "EdDSA"));
}

/* The claim checks with values a hostile issuer could sign: times out of
 * any range (no overflow when the skew is added, no undefined conversion
 * of a double) and audiences that are not strings. */
static void
test_claims_out_of_range (void)
{
  const gint64 now = 1700000000;
  const struct
  {
    const char *claims;
    gboolean    valid;
  } cases[] = {
    { "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"app\",\"exp\":1700003600,\"iat\":1700000000}", TRUE },
    { "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"app\",\"exp\":1700003600.5,\"iat\":1700000000.0}", TRUE },
    { "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"app\",\"exp\":9223372036854775807,\"iat\":1700000000}", FALSE },
    { "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"app\",\"exp\":1e400,\"iat\":1700000000}", FALSE },
    { "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"app\",\"exp\":-1e300,\"iat\":1700000000}", FALSE },
    { "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"app\",\"exp\":1700003600,\"iat\":-9223372036854775807}", FALSE },
    /* One real audience beside a number: not "one audience, no azp". */
    { "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":[\"app\",7],\"exp\":1700003600,\"iat\":1700000000}", FALSE },
    { "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":[\"app\"],\"exp\":1700003600,\"iat\":1700000000}", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) claims = lanyard_json_parse_object (cases[i].claims, strlen (cases[i].claims));
      gboolean valid;

      g_assert_nonnull (claims);
      valid = lanyard_id_token_check_claims (claims, "Example", "app", NULL, now, LANYARD_ID_TOKEN_MAX_SKEW_SECONDS, &error);
      g_test_message ("%s: %s", cases[i].claims, valid ? "valid" : error->message);
      g_assert_cmpint (valid, ==, cases[i].valid);
      if (!valid)
        g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Lanyard/Jose/base64url-strict", test_base64url_strict);
  g_test_add_func ("/Lanyard/Jose/jws-malformed", test_jws_malformed);
  g_test_add_func ("/Lanyard/Jose/verify-each-algorithm", test_verify_each_algorithm);
  g_test_add_func ("/Lanyard/Jose/verify-wrong-key", test_verify_wrong_key);
  g_test_add_func ("/Lanyard/Jose/verify-unknown-kid", test_verify_unknown_kid);
  g_test_add_func ("/Lanyard/Jose/refuse-none-and-hmac", test_refuse_none_and_hmac);
  g_test_add_func ("/Lanyard/Jose/jwks-skips-unusable-keys", test_jwks_skips_unusable_keys);
  g_test_add_func ("/Lanyard/Jose/jwks-not-a-set", test_jwks_not_a_set);
  g_test_add_func ("/Lanyard/Jose/key-compatibility", test_key_compatibility);
  g_test_add_func ("/Lanyard/IdToken/claims-out-of-range", test_claims_out_of_range);

  return g_test_run ();
}
