/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What Lanyard reads from a server added by its address, word for word:
 * the address, the metadata, the registration answer and the refusal
 * (lanyard-registration.c); and the request it sends. */

#include <json-glib/json-glib.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-registration.h"

#define ISSUER "https://sso.example.com/realms/corp"

static void
test_addresses (void)
{
  static const struct
  {
    const char *typed;
    const char *address; /* NULL: refused */
    const char *words;
  } cases[] = {
    { "gitlab.example.com", "https://gitlab.example.com", NULL },
    { "  https://GitLab.Example.COM/ ", "https://gitlab.example.com", NULL },
    { "HTTPS://sso.example.com/realms/Corp//", "https://sso.example.com/realms/Corp", NULL },
    { "http://127.0.0.1:8080/oidc", "http://127.0.0.1:8080/oidc", NULL },
    { "http://gitlab.example.com", NULL, "must use https://" },
    { "https://user:pw@example.com", NULL, "must not contain a user name, password or #fragment" },
    { "https://example.com/#x", NULL, "must not contain a user name, password or #fragment" },
    { "https://example.com/?a=b", NULL, "has a query part (after “?”); a server's address has none." },
    { "exa mple.com", NULL, "A server's address has no spaces or control characters." },
    { "example.com\n", "https://example.com", NULL },
    { "exa\tmple.com", NULL, "A server's address has no spaces or control characters." },
    { "", NULL, "Type the server's address, such as gitlab.example.com." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *address = lanyard_registration_normalize_address (cases[i].typed, &error);

      g_test_message ("%s", cases[i].typed);
      g_assert_cmpstr (address, ==, cases[i].address);
      if (cases[i].words != NULL)
        {
          g_assert_nonnull (error);
          g_assert_nonnull (strstr (error->message, cases[i].words));
        }
    }

  {
    g_autofree char *long_address = g_strnfill (600, 'a');
    g_autoptr(GError) error = NULL;
    g_autofree char *address = lanyard_registration_normalize_address (long_address, &error);

    g_assert_null (address);
    g_assert_cmpstr (error->message, ==, "The address must be text of at most 512 bytes.");
  }
}

static void
test_metadata (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardServerMetadata) openid = NULL;
  g_autoptr(LanyardServerMetadata) gitlab = NULL;
  g_autoptr(LanyardServerMetadata) plain = NULL;
  g_autoptr(LanyardServerMetadata) refused = NULL;

#define OPENID                                                                                                             \
  "{\"issuer\":\"" ISSUER "\",\"authorization_endpoint\":\"" ISSUER "/auth\",\"token_endpoint\":\"" ISSUER                 \
  "/token\",\"jwks_uri\":\"" ISSUER "/certs\",\"userinfo_endpoint\":\"" ISSUER "/me\",\"registration_endpoint\":\"" ISSUER \
  "/reg\",\"device_authorization_endpoint\":\"" ISSUER "/device\"}"
  openid = lanyard_server_metadata_parse (OPENID, strlen (OPENID), ISSUER, "sso.example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpint (openid->kind, ==, LANYARD_SERVER_OPENID);
  g_assert_cmpstr (openid->registration_endpoint, ==, ISSUER "/reg");
  g_assert_cmpstr (openid->device_authorization_endpoint, ==, ISSUER "/device");

#define GITLAB "{\"issuer\":\"" ISSUER "/\",\"authorization_endpoint\":\"" ISSUER "/oauth/authorize\",\"token_endpoint\":\"" ISSUER "/oauth/token\"}"
  gitlab = lanyard_server_metadata_parse (GITLAB, strlen (GITLAB), ISSUER, "sso.example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpint (gitlab->kind, ==, LANYARD_SERVER_GITLAB);
  g_assert_null (gitlab->registration_endpoint);

#define PLAIN "{\"issuer\":\"" ISSUER "\",\"authorization_endpoint\":\"" ISSUER "/a\",\"token_endpoint\":\"" ISSUER "/t\"}"
  plain = lanyard_server_metadata_parse (PLAIN, strlen (PLAIN), ISSUER, "sso.example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpint (plain->kind, ==, LANYARD_SERVER_OAUTH_ONLY);

#define OTHER "{\"issuer\":\"https://evil.example\",\"authorization_endpoint\":\"" ISSUER "/a\",\"token_endpoint\":\"" ISSUER "/t\"}"
  refused = lanyard_server_metadata_parse (OTHER, strlen (OTHER), ISSUER, "sso.example.com", &error);
  g_assert_null (refused);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH);
  g_assert_cmpstr (error->message, ==,
                   "The description of the server at sso.example.com is for “https://evil.example”, not for the "
                   "address " ISSUER "; it was not used");
  g_clear_error (&error);

#define HTTP "{\"issuer\":\"" ISSUER "\",\"authorization_endpoint\":\"http://sso.example.com/a\",\"token_endpoint\":\"" ISSUER "/t\"}"
  refused = lanyard_server_metadata_parse (HTTP, strlen (HTTP), ISSUER, "sso.example.com", &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "has an unusable “authorization_endpoint”: "));
  g_clear_error (&error);

  refused = lanyard_server_metadata_parse ("[]", 2, ISSUER, "sso.example.com", &error);
  g_assert_null (refused);
  g_assert_cmpstr (error->message, ==, "The description of the server at sso.example.com: not a JSON object");
}

static LanyardRegistration *
parse (const char *json,
       GError    **error)
{
  return lanyard_registration_parse (json, strlen (json), "sso.example.com", error);
}

static void
test_answers (void)
{
  g_autoptr(LanyardRegistration) ok = NULL;
  g_autoptr(GError) error = NULL;
  static const struct
  {
    const char *json;
    const char *words;
  } refused[] = {
    { "{}", "The registration answer of sso.example.com has no usable “client_id” (printable ASCII, at most 256 bytes)" },
    { "{\"client_id\":\"a b\\u0001\"}", "has no usable “client_id”" },
    { "{\"client_id\":42}", "has no usable “client_id”" },
    { "{\"client_id\":\"abc\",\"client_secret\":\"s3cret\"}",
      "The registration answer of sso.example.com gives Lanyard a client secret, although Lanyard registered as a "
      "public client (a desktop application cannot keep one)" },
    { "{\"client_id\":\"abc\",\"registration_client_uri\":\"http://sso.example.com/r\"}",
      "has an unusable “registration_client_uri”" },
    { "{\"client_id\":\"abc\",\"registration_access_token\":\"a\\nb\"}", "has an unusable “registration_access_token”" },
    { "{\"client_id\":\"abc\",\"scope\":\"openid\\u0000x\"}", "The registration answer of sso.example.com: " },
  };

  ok = parse ("{\"client_id\":\"s6BhdRkqt3\",\"registration_access_token\":\"this.is.a.token\","
              "\"registration_client_uri\":\"https://sso.example.com/r/s6BhdRkqt3\",\"scope\":\"openid profile email\","
              "\"client_name\":\"Lanyard on desk\\u202e\"}",
              &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ok->client_id, ==, "s6BhdRkqt3");
  g_assert_cmpstr (ok->registration_access_token, ==, "this.is.a.token");
  g_assert_cmpstr (ok->registration_client_uri, ==, "https://sso.example.com/r/s6BhdRkqt3");
  /* A name with a bidi override is not kept for showing. */
  g_assert_null (ok->client_name);
  g_assert_true (lanyard_registration_scope_covers (ok->scope, "openid profile email"));
  g_assert_false (lanyard_registration_scope_covers ("mcp", "openid profile email"));
  g_assert_true (lanyard_registration_scope_covers (NULL, "openid profile email"));

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) reason = NULL;
      g_autoptr(LanyardRegistration) registration = parse (refused[i].json, &reason);

      g_test_message ("%s", refused[i].json);
      g_assert_null (registration);
      g_assert_nonnull (strstr (reason->message, refused[i].words));
    }

  {
    g_autofree char *long_id = g_strnfill (257, 'a');
    g_autofree char *json = g_strdup_printf ("{\"client_id\":\"%s\"}", long_id);
    g_autoptr(GError) reason = NULL;
    g_autoptr(LanyardRegistration) registration = parse (json, &reason);

    g_assert_null (registration);
  }
}

static void
test_refusals (void)
{
  g_autoptr(GError) initial = lanyard_registration_refusal (401, "{\"error\":\"invalid_token\"}", 25, "sso.example.com");
  g_autoptr(GError) forbidden = lanyard_registration_refusal (403, NULL, 0, "sso.example.com");
  g_autoptr(GError) metadata = NULL;
  g_autoptr(GError) other = lanyard_registration_refusal (500, "<h1>oops</h1>", 13, "sso.example.com");
  const char *body = "{\"error\":\"invalid_client_metadata\",\"error_description\":\"no \\u001b[31mloopback\"}";

  g_assert_cmpstr (initial->message, ==,
                   "sso.example.com lets only applications approved by its administrators register (it asks for an "
                   "initial access token, HTTP 401).");
  g_assert_nonnull (strstr (forbidden->message, "HTTP 403"));
  metadata = lanyard_registration_refusal (400, body, strlen (body), "sso.example.com");
  g_assert_error (metadata, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED);
  g_assert_true (g_str_has_prefix (metadata->message, "sso.example.com refused to register Lanyard: "));
  g_assert_nonnull (strstr (metadata->message, "invalid_client_metadata"));
  g_assert_null (strchr (metadata->message, '\033'));
  g_assert_cmpstr (other->message, ==, "sso.example.com refused to register Lanyard (HTTP 500 Internal Server Error).");
}

static void
test_request (void)
{
  g_autofree char *json = lanyard_registration_build_request ("Lanyard on desk", "http://127.0.0.1/callback/x",
                                                              "openid profile email", TRUE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *request;
  JsonArray  *grants;

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  request = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (request, "application_type"), ==, "native");
  g_assert_cmpstr (json_object_get_string_member (request, "token_endpoint_auth_method"), ==, "none");
  grants = json_object_get_array_member (request, "grant_types");
  g_assert_cmpuint (json_array_get_length (grants), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (grants, 2), ==, "urn:ietf:params:oauth:grant-type:device_code");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (request, "response_types"), 0), ==, "code");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (request, "client_uri"), "https://"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (request, "logo_uri"), "https://"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Lanyard/RegistrationParse/addresses", test_addresses);
  g_test_add_func ("/Lanyard/RegistrationParse/metadata", test_metadata);
  g_test_add_func ("/Lanyard/RegistrationParse/answers", test_answers);
  g_test_add_func ("/Lanyard/RegistrationParse/refusals", test_refusals);
  g_test_add_func ("/Lanyard/RegistrationParse/request", test_request);
  return g_test_run ();
}
