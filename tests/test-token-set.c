/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-http.h"
#include "lanyard-token-set.h"

#define NOW ((gint64) 1700000000)

static GHashTable *
parse (const char *content_type,
       const char *body,
       GError    **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  return lanyard_http_parse_fields (content_type, bytes, error);
}

static LanyardTokenSet *
tokens_from (const char *content_type,
             const char *body,
             GError    **error)
{
  g_autoptr(GHashTable) fields = parse (content_type, body, error);

  if (fields == NULL)
    return NULL;
  return lanyard_token_set_new_from_fields (fields, NOW, error);
}

static void
test_json_reply (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardTokenSet) tokens = NULL;

  tokens = tokens_from ("application/json; charset=utf-8",
                        "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":7200,"
                        "\"refresh_token\":\"rt\",\"scope\":\"openid email openid\",\"id_token\":\"a.b.c\","
                        "\"created_at\":1700000000,\"extra\":{\"nested\":true}}",
                        &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_token_set_get_access_token (tokens), ==, "at");
  g_assert_cmpstr (lanyard_token_set_get_refresh_token (tokens), ==, "rt");
  g_assert_cmpstr (lanyard_token_set_get_id_token (tokens), ==, "a.b.c");
  g_assert_cmpint (lanyard_token_set_get_expires_at (tokens), ==, NOW + 7200);
  g_assert_cmpuint (g_strv_length ((GStrv) lanyard_token_set_get_scopes (tokens)), ==, 2);
  g_assert_true (lanyard_token_set_has_scope (tokens, "email"));
  g_assert_true (lanyard_token_set_is_expired (tokens, NOW + 7100, 300));
  g_assert_false (lanyard_token_set_is_expired (tokens, NOW, 300));
}

static void
test_form_reply (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardTokenSet) tokens = NULL;

  /* GitHub without Accept: application/json; scopes comma-separated. */
  tokens = tokens_from ("application/x-www-form-urlencoded",
                        "access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer",
                        &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_token_set_get_access_token (tokens), ==, "gho_16C7e42F292c6912E7710c838347Ae178B4a");
  g_assert_null (lanyard_token_set_get_refresh_token (tokens));
  g_assert_cmpint (lanyard_token_set_get_expires_at (tokens), ==, 0);
  g_assert_false (lanyard_token_set_is_expired (tokens, G_MAXINT32, 300));
  g_assert_true (lanyard_token_set_has_scope (tokens, "gist"));
  g_assert_true (lanyard_token_set_has_scope (tokens, "repo"));
}

static void
test_expires_in_string (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardTokenSet) tokens = tokens_from ("application/json", "{\"access_token\":\"at\",\"expires_in\":\"3600\"}", &error);

  g_assert_no_error (error);
  g_assert_cmpint (lanyard_token_set_get_expires_at (tokens), ==, NOW + 3600);
}

/* Seconds written as a JSON double are seconds; a double beyond any
 * lifetime is refused, not read as "never expires". */
static void
test_expires_in_double (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardTokenSet) tokens = tokens_from ("application/json", "{\"access_token\":\"at\",\"expires_in\":3600.0}", &error);
  g_autoptr(LanyardTokenSet) absurd = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (lanyard_token_set_get_expires_at (tokens), ==, NOW + 3600);

  absurd = tokens_from ("application/json", "{\"access_token\":\"at\",\"expires_in\":1e300}", &error);
  g_assert_null (absurd);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
}

static void
test_missing_access_token (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardTokenSet) tokens = tokens_from ("application/json", "{\"token_type\":\"Bearer\"}", &error);

  g_assert_null (tokens);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (error->message, ==, "The token response has no “access_token”");
}

static void
test_bad_values (void)
{
  const struct
  {
    const char *body;
    const char *message;
  } cases[] = {
    { "{\"access_token\":\"at\",\"expires_in\":-5}", "The token response's “expires_in” is not a number of seconds" },
    { "{\"access_token\":\"at\",\"expires_in\":\"soon\"}", "The token response's “expires_in” is not a number of seconds" },
    { "{\"access_token\":\"a t\"}", "The token response's “access_token” contains characters a token cannot have (only printable ASCII is allowed)" },
    { "{\"access_token\":\"at\\r\\nX-Injected: 1\"}", "The token response's “access_token” contains characters a token cannot have (only printable ASCII is allowed)" },
    /* RFC 6749 VSCHAR, after decoding: no DEL, nothing beyond ASCII. */
    { "{\"access_token\":\"caf\\u00e9\"}", "The token response's “access_token” contains characters a token cannot have (only printable ASCII is allowed)" },
    { "{\"access_token\":\"at\",\"refresh_token\":\"r\\u007ft\"}", "The token response's “refresh_token” contains characters a token cannot have (only printable ASCII is allowed)" },
    { "{\"access_token\":\"at\",\"id_token\":\"a.b.\\u202ec\"}", "The token response's “id_token” contains characters a token cannot have (only printable ASCII is allowed)" },
    { "{\"access_token\":\"at\",\"token_type\":\"mac\"}", "The provider issued a token of type “mac”; only bearer tokens are supported" },
    { "{\"access_token\":{\"value\":\"at\"}}", "The token response has no “access_token”" },
    { "{\"access_token\":\"\"}", "The token response has no “access_token”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardTokenSet) tokens = tokens_from ("application/json", cases[i].body, &error);

      g_assert_null (tokens);
      g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_huge_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autofree char *huge_token = g_strnfill (LANYARD_TOKEN_MAX_LENGTH + 1, 'x');
  g_autofree char *body = g_strdup_printf ("{\"access_token\":\"%s\"}", huge_token);
  g_autoptr(LanyardTokenSet) refused = tokens_from ("application/json", body, &error);
  g_autoptr(LanyardTokenSet) clamped = NULL;

  g_assert_null (refused);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (error->message, ==, "The token response's “access_token” is longer than 32768 bytes");

  /* An absurd lifetime is clamped, not overflowed. */
  clamped = tokens_from ("application/json",
                         "{\"access_token\":\"at\",\"expires_in\":9223372036854775807}", &error2);
  g_assert_no_error (error2);
  g_assert_cmpint (lanyard_token_set_get_expires_at (clamped), >, NOW);
  g_assert_cmpint (lanyard_token_set_get_expires_at (clamped), <=, NOW + (gint64) 10 * 365 * 24 * 3600);
}

static void
test_unparseable (void)
{
  const struct
  {
    const char *content_type;
    const char *body;
  } cases[] = {
    /* Blank JSON parses with no root; found by fuzzing. */
    { "application/json", "  \n " },
    { "application/json", "{\"access_token\": " },
    { "application/json", "[\"access_token\"]" },
    { "text/html", "<h1>Bad gateway</h1>" },
    { NULL, "null" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) fields = parse (cases[i].content_type, cases[i].body, &error);

      g_assert_null (fields);
      g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
    }
}

/* Nothing at all, with a success status: the server's fault (and once a
 * crash: an empty form body reached g_utf8_validate() as NULL). */
static void
test_empty_answer (void)
{
  const char *content_types[] = { "application/x-www-form-urlencoded", "application/json", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (content_types); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
      g_autoptr(GHashTable) fields = lanyard_http_parse_fields (content_types[i], empty, &error);

      g_assert_null (fields);
      g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_SERVER);
    }
}

/* soup_form_decode() ended a value at %00 and let any bytes through. */
static void
test_form_strict (void)
{
  const struct
  {
    const char *body;
    const char *message;
  } cases[] = {
    { "access_token=a%00b&token_type=bearer", "the value of “access_token” holds a NUL byte (%00)" },
    { "access_token=%AA%BB", "the value of “access_token” is not UTF-8 text" },
    { "access_token=a&access_token=b", "the answer gives “access_token” more than once" },
    { "access_token=a%zzb", "the answer is not valid form data (a broken % escape)" },
    { "access_token=ab%4", "the answer is not valid form data (a broken % escape)" },
    { "a%00=b", "a field name holds a NUL byte (%00)" },
  };
  g_autoptr(GError) vschar_error = NULL;
  g_autoptr(LanyardTokenSet) accented = tokens_from ("application/x-www-form-urlencoded", "access_token=caf%C3%A9", &vschar_error);
  g_autoptr(GHashTable) fine = parse ("application/x-www-form-urlencoded", "access_token=a%2Bb+c&&scope=x%2Cy&empty=&bare", NULL);

  /* Valid UTF-8 but not a token. */
  g_assert_null (accented);
  g_assert_error (vschar_error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);

  g_assert_nonnull (fine);
  g_assert_cmpstr (g_hash_table_lookup (fine, "access_token"), ==, "a+b c");
  g_assert_cmpstr (g_hash_table_lookup (fine, "scope"), ==, "x,y");
  g_assert_cmpstr (g_hash_table_lookup (fine, "empty"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (fine, "bare"), ==, "");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) fields = parse ("application/x-www-form-urlencoded", cases[i].body, &error);

      g_assert_null (fields);
      g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static char *
nested (guint       depth,
        const char *inner)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (text, i % 2 == 0 ? "{\"a\":" : "[");
  g_string_append (text, inner);
  for (guint i = depth; i > 0; i--)
    g_string_append (text, (i - 1) % 2 == 0 ? "}" : "]");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* json-glib recurses per level with no limit: 100,000 "[" overflowed the
 * stack. Brackets and escaped quotes inside strings do not count. */
/* A 1 MiB answer of empty objects held 345,000 values and cost the daemon
 * 100 MB: the values are counted before json-glib sees the text. */
static void
test_json_values (void)
{
  g_autoptr(GString) most = g_string_new ("{\"id\":\"u1\",\"x\":[");
  g_autoptr(GString) flood = g_string_new ("{\"id\":\"u1\",\"x\":[");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  /* The object, its array, and the array's members. */
  for (guint i = 0; i < LANYARD_JSON_MAX_VALUES - 3; i++)
    g_string_append (most, i == 0 ? "1" : ",1");
  g_string_append (most, "]}");
  for (guint i = 0; i < 345000; i++)
    g_string_append (flood, i == 0 ? "{}" : ",{}");
  g_string_append (flood, "]}");

  node = lanyard_json_parse (most->str, most->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_clear_pointer (&node, json_node_unref);

  node = lanyard_json_parse (flood->str, flood->len, &error);
  g_assert_null (node);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (error->message, ==, "it holds more than 20000 values");
}

static void
test_json_depth (void)
{
  g_autofree char *deepest = nested (LANYARD_JSON_MAX_DEPTH, "1");
  g_autofree char *too_deep = nested (LANYARD_JSON_MAX_DEPTH + 1, "1");
  g_autofree char *in_string = nested (LANYARD_JSON_MAX_DEPTH, "\"[[[[{{{{\\\"[[[[\\\\\"");
  g_autofree char *flood = g_strnfill (100000, '[');
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = lanyard_json_parse (deepest, strlen (deepest), &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_clear_pointer (&node, json_node_unref);

  node = lanyard_json_parse (in_string, strlen (in_string), &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_clear_pointer (&node, json_node_unref);

  node = lanyard_json_parse (too_deep, strlen (too_deep), &error);
  g_assert_null (node);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (error->message, ==, "it nests deeper than 32 levels");
  g_clear_error (&error);

  node = lanyard_json_parse (flood, strlen (flood), &error);
  g_assert_null (node);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (lanyard_json_parse_object (flood, strlen (flood)));
}

/* json-glib ends a string at \u0000: "4\u00002" would read as "4". */
static void
test_json_nul (void)
{
  const char *nul = "{\"sub\":\"4\\u00002\"}";
  const char *escaped_backslash = "{\"sub\":\"4\\\\u00002\"}";
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = lanyard_json_parse (nul, strlen (nul), &error);
  g_assert_null (node);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "NUL"));
  g_clear_error (&error);

  node = lanyard_json_parse (escaped_backslash, strlen (escaped_backslash), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "sub"), ==, "4\\u00002");
}

static void
test_serialise_round_trip (void)
{
  const char *const scopes[] = { "openid", "email", NULL };
  g_autoptr(LanyardTokenSet) tokens = lanyard_token_set_new ("at", "Bearer", "rt", NOW + 60, scopes, "a.b.c");
  g_autoptr(LanyardTokenSet) minimal = lanyard_token_set_new ("at", NULL, NULL, 0, NULL, NULL);
  g_autofree char *json = lanyard_token_set_to_json (tokens);
  g_autofree char *minimal_json = lanyard_token_set_to_json (minimal);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardTokenSet) back = lanyard_token_set_new_from_json (json, &error);
  g_autoptr(LanyardTokenSet) minimal_back = NULL;

  g_assert_no_error (error);
  g_assert_true (lanyard_token_set_equal (tokens, back));

  minimal_back = lanyard_token_set_new_from_json (minimal_json, &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_token_set_equal (minimal, minimal_back));
  g_assert_false (lanyard_token_set_equal (tokens, minimal));
}

static void
test_deserialise_refuses (void)
{
  const char *cases[] = {
    "not json",
    " ",
    "{\"format\":2,\"access_token\":\"at\"}",
    "{\"format\":1}",
    "{\"format\":1,\"access_token\":\"at\",\"expires_at\":-1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardTokenSet) tokens = lanyard_token_set_new_from_json (cases[i], &error);

      g_assert_null (tokens);
      g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
    }
}

static void
test_compare (void)
{
  const char *const scopes[] = { "a", NULL };
  g_autoptr(LanyardTokenSet) a = lanyard_token_set_new ("at", NULL, "rt", 10, scopes, NULL);
  g_autoptr(LanyardTokenSet) same = lanyard_token_set_new ("at", "Bearer", "rt", 10, scopes, NULL);
  g_autoptr(LanyardTokenSet) other_expiry = lanyard_token_set_new ("at", NULL, "rt", 11, scopes, NULL);
  g_autoptr(LanyardTokenSet) other_refresh = lanyard_token_set_new ("at", NULL, "rt2", 10, scopes, NULL);
  g_autoptr(LanyardTokenSet) other_scopes = lanyard_token_set_new ("at", NULL, "rt", 10, NULL, NULL);

  g_assert_true (lanyard_token_set_equal (a, same));
  g_assert_false (lanyard_token_set_equal (a, other_expiry));
  g_assert_false (lanyard_token_set_equal (a, other_refresh));
  g_assert_false (lanyard_token_set_equal (a, other_scopes));
}

static void
test_merge_refresh (void)
{
  const char *const scopes[] = { "read_user", NULL };
  g_autoptr(LanyardTokenSet) previous = lanyard_token_set_new ("old", NULL, "rt-old", NOW, scopes, "id.old.token");
  g_autoptr(LanyardTokenSet) kept = lanyard_token_set_new ("new", NULL, NULL, NOW + 3600, NULL, NULL);
  g_autoptr(LanyardTokenSet) rotated = lanyard_token_set_new ("new", NULL, "rt-new", NOW + 3600, NULL, NULL);
  g_autoptr(LanyardTokenSet) merged_kept = lanyard_token_set_merge_refresh (previous, kept);
  g_autoptr(LanyardTokenSet) merged_rotated = lanyard_token_set_merge_refresh (previous, rotated);

  /* RFC 6749 §6: no new refresh token means the old one stays valid. */
  g_assert_cmpstr (lanyard_token_set_get_refresh_token (merged_kept), ==, "rt-old");
  g_assert_cmpstr (lanyard_token_set_get_access_token (merged_kept), ==, "new");
  g_assert_true (lanyard_token_set_has_scope (merged_kept, "read_user"));
  g_assert_cmpstr (lanyard_token_set_get_refresh_token (merged_rotated), ==, "rt-new");
  g_assert_cmpint (lanyard_token_set_get_expires_at (merged_rotated), ==, NOW + 3600);
}

static void
test_oauth_error_mapping (void)
{
  const struct
  {
    const char *code;
    const char *description;
    int         expected;
    const char *message;
  } cases[] = {
    { "access_denied", "The user denied", LANYARD_ERROR_ACCESS_DENIED,
      "Access was not granted at GitHub (access_denied: The user denied). Connect again and approve the request to link this account." },
    { "invalid_grant", NULL, LANYARD_ERROR_INVALID_GRANT, "GitHub no longer accepts this sign-in (invalid_grant). Sign in again." },
    { "bad_verification_code", NULL, LANYARD_ERROR_INVALID_GRANT, "GitHub no longer accepts this sign-in (bad_verification_code). Sign in again." },
    { "invalid_client", "bad secret", LANYARD_ERROR_MISCONFIGURED,
      "GitHub rejected Lanyard's application settings (invalid_client: bad secret). Check the client ID, client secret, scopes and registered redirect URI in the provider configuration." },
    { "incorrect_client_credentials", NULL, LANYARD_ERROR_MISCONFIGURED, NULL },
    { "redirect_uri_mismatch", NULL, LANYARD_ERROR_MISCONFIGURED, NULL },
    { "temporarily_unavailable", NULL, LANYARD_ERROR_SERVER,
      "GitHub could not complete the request right now (temporarily_unavailable). Try again later." },
    { "server_error", NULL, LANYARD_ERROR_SERVER, NULL },
    { "invalid_request", "line1\nline2", LANYARD_ERROR_PROVIDER, "GitHub refused the request (invalid_request: line1 line2)." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = lanyard_http_oauth_error ("GitHub", cases[i].code, cases[i].description);

      g_assert_error (error, LANYARD_ERROR, cases[i].expected);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_long_description_is_cut (void)
{
  g_autofree char *description = g_strnfill (5000, 'z');
  g_autoptr(GError) error = lanyard_http_oauth_error ("GitHub", "invalid_request", description);

  g_assert_cmpuint (strlen (error->message), <, 400);
  g_assert_true (strstr (error->message, "…") != NULL);
}

static void
test_http_status_mapping (void)
{
  const struct
  {
    guint       status;
    int         expected;
    const char *message;
  } cases[] = {
    { 500, LANYARD_ERROR_SERVER, "GitLab is having trouble (HTTP 500 Internal Server Error). Try again later." },
    { 503, LANYARD_ERROR_SERVER, "GitLab is having trouble (HTTP 503 Service Unavailable). Try again later." },
    { 401, LANYARD_ERROR_INVALID_GRANT, "GitLab no longer accepts the stored sign-in (HTTP 401). Sign in again." },
    { 404, LANYARD_ERROR_PROVIDER, "GitLab refused the request (HTTP 404 Not Found)." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      LanyardHttpReply reply = { cases[i].status, NULL, NULL };
      g_autoptr(GError) error = NULL;

      g_assert_false (lanyard_http_check_reply (&reply, NULL, "GitLab", &error));
      g_assert_error (error, LANYARD_ERROR, cases[i].expected);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_error_in_ok_reply (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) fields = parse ("application/json", "{\"error\":\"bad_verification_code\"}", NULL);
  LanyardHttpReply reply = { 200, NULL, NULL };

  /* GitHub answers token errors with 200. */
  g_assert_false (lanyard_http_check_reply (&reply, fields, "GitHub", &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Lanyard/TokenSet/json-reply", test_json_reply);
  g_test_add_func ("/Lanyard/TokenSet/form-reply", test_form_reply);
  g_test_add_func ("/Lanyard/TokenSet/expires-in-string", test_expires_in_string);
  g_test_add_func ("/Lanyard/TokenSet/expires-in-double", test_expires_in_double);
  g_test_add_func ("/Lanyard/TokenSet/missing-access-token", test_missing_access_token);
  g_test_add_func ("/Lanyard/TokenSet/bad-values", test_bad_values);
  g_test_add_func ("/Lanyard/TokenSet/huge-values", test_huge_values);
  g_test_add_func ("/Lanyard/TokenSet/unparseable", test_unparseable);
  g_test_add_func ("/Lanyard/TokenSet/empty-answer", test_empty_answer);
  g_test_add_func ("/Lanyard/TokenSet/form-strict", test_form_strict);
  g_test_add_func ("/Lanyard/Json/depth", test_json_depth);
  g_test_add_func ("/Lanyard/Json/values", test_json_values);
  g_test_add_func ("/Lanyard/Json/nul", test_json_nul);
  g_test_add_func ("/Lanyard/TokenSet/serialise-round-trip", test_serialise_round_trip);
  g_test_add_func ("/Lanyard/TokenSet/deserialise-refuses", test_deserialise_refuses);
  g_test_add_func ("/Lanyard/TokenSet/compare", test_compare);
  g_test_add_func ("/Lanyard/TokenSet/merge-refresh", test_merge_refresh);
  g_test_add_func ("/Lanyard/Errors/oauth-error-mapping", test_oauth_error_mapping);
  g_test_add_func ("/Lanyard/Errors/long-description-is-cut", test_long_description_is_cut);
  g_test_add_func ("/Lanyard/Errors/http-status-mapping", test_http_status_mapping);
  g_test_add_func ("/Lanyard/Errors/error-in-ok-reply", test_error_in_ok_reply);

  return g_test_run ();
}
