/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-registration"

#include "config.h"

#include "lanyard-registration.h"

#include <glib/gi18n.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-http.h"
#include "lanyard-provider-config.h"

/*
 * Reading what a server says about itself (RFC 8414, OpenID Connect
 * Discovery) and what it answers to a registration (RFC 7591). Both come
 * from a server named only by an address a person typed, so everything is
 * checked as any provider answer is: the same JSON limits
 * (lanyard_json_parse()), every URL acceptable (https://, or loopback
 * http://), every string bounded and printable.
 */

void
lanyard_server_metadata_free (LanyardServerMetadata *metadata)
{
  if (metadata == NULL)
    return;
  g_free (metadata->issuer);
  g_free (metadata->authorization_endpoint);
  g_free (metadata->token_endpoint);
  g_free (metadata->registration_endpoint);
  g_free (metadata->device_authorization_endpoint);
  g_free (metadata);
}

void
lanyard_registration_free (LanyardRegistration *registration)
{
  if (registration == NULL)
    return;
  g_free (registration->client_id);
  if (registration->registration_access_token != NULL)
    {
      /* A secret: wiped before it is freed. */
      memset (registration->registration_access_token, 0, strlen (registration->registration_access_token));
      g_free (registration->registration_access_token);
    }
  g_free (registration->registration_client_uri);
  g_free (registration->scope);
  g_free (registration->client_name);
  g_free (registration);
}

static JsonObject *
parse_object (const char *json,
              gsize       length,
              const char *what,
              GError    **error)
{
  g_autoptr(GError) reason = NULL;
  g_autoptr(JsonNode) root = lanyard_json_parse (json, length, &reason);

  if (root == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE, "%s: %s", what, reason->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE, _ ("%s: not a JSON object"), what);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static gboolean
read_url (JsonObject *document,
          const char *member,
          gboolean    required,
          const char *what,
          char      **out,
          GError    **error)
{
  g_autoptr(GError) reason = NULL;
  const char *url = lanyard_json_get_string (document, member);

  if (url == NULL)
    {
      if (required)
        g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE, _ ("%s has no “%s”"), what, member);
      return !required;
    }
  if (!lanyard_url_is_acceptable (url, &reason))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE, _ ("%s has an unusable “%s”: %s"), what,
                   member, reason->message);
      return FALSE;
    }
  *out = g_strdup (url);
  return TRUE;
}

static gboolean
has_prefix_path (const char *url,
                 const char *issuer,
                 const char *path)
{
  g_autofree char *expected = g_strconcat (issuer, path, NULL);

  return g_strcmp0 (url, expected) == 0;
}

/**
 * lanyard_server_metadata_parse:
 * @expected_issuer: the address the person gave, normalised
 *   (lanyard_registration_normalize_address())
 *
 * Reads an OpenID Provider configuration or RFC 8414 authorization server
 * metadata document. It is used only when its `issuer` is the address
 * itself (RFC 8414 §3.3, OIDC Discovery §4.3), with or without one
 * trailing slash. The server is GitLab when its endpoints are where GitLab
 * puts them (`/oauth/authorize`, `/oauth/token`), an OpenID provider when it
 * publishes a key set (`jwks_uri`) and a userinfo endpoint, and an OAuth
 * server Lanyard cannot tell identities at otherwise.
 *
 * Returns: (transfer full):
 */
LanyardServerMetadata *
lanyard_server_metadata_parse (const char *json,
                               gsize       length,
                               const char *expected_issuer,
                               const char *server_name,
                               GError    **error)
{
  g_autoptr(LanyardServerMetadata) metadata = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autofree char *what = g_strdup_printf (_ ("The description of the server at %s"), server_name);
  g_autofree char *with_slash = g_strconcat (expected_issuer, "/", NULL);
  g_autofree char *jwks_uri = NULL;
  g_autofree char *userinfo = NULL;
  const char      *issuer;

  document = parse_object (json, length, what, error);
  if (document == NULL)
    return NULL;

  issuer = lanyard_json_get_string (document, "issuer");
  if (issuer == NULL || (strcmp (issuer, expected_issuer) != 0 && strcmp (issuer, with_slash) != 0))
    {
      g_autofree char *shown = issuer != NULL ? g_utf8_make_valid (issuer, MIN (strlen (issuer), 200)) : NULL;

      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH,
                   _ ("%s is for “%s”, not for the address %s; it was not used"), what,
                   shown != NULL ? shown : _ ("(nobody)"), expected_issuer);
      return NULL;
    }

  metadata = g_new0 (LanyardServerMetadata, 1);
  metadata->issuer = g_strdup (issuer);
  if (!read_url (document, "authorization_endpoint", TRUE, what, &metadata->authorization_endpoint, error) ||
      !read_url (document, "token_endpoint", TRUE, what, &metadata->token_endpoint, error) ||
      !read_url (document, "registration_endpoint", FALSE, what, &metadata->registration_endpoint, error) ||
      !read_url (document, "device_authorization_endpoint", FALSE, what, &metadata->device_authorization_endpoint, error) ||
      !read_url (document, "jwks_uri", FALSE, what, &jwks_uri, error) ||
      !read_url (document, "userinfo_endpoint", FALSE, what, &userinfo, error))
    return NULL;

  /* GitLab serves its OAuth endpoints at fixed paths below its base URL
   * (Doorkeeper's routes); nothing else is known to. */
  if (has_prefix_path (metadata->authorization_endpoint, expected_issuer, "/oauth/authorize") &&
      has_prefix_path (metadata->token_endpoint, expected_issuer, "/oauth/token"))
    metadata->kind = LANYARD_SERVER_GITLAB;
  else if (jwks_uri != NULL && userinfo != NULL)
    metadata->kind = LANYARD_SERVER_OPENID;
  else
    metadata->kind = LANYARD_SERVER_OAUTH_ONLY;

  return g_steal_pointer (&metadata);
}

/* A client id or token as RFC 6749 Appendix A allows: printable ASCII,
 * bounded. */
static gboolean
is_vschar (const char *value,
           gsize       max)
{
  gsize len = strlen (value);

  if (len == 0 || len > max)
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      return FALSE;
  return TRUE;
}

/**
 * lanyard_registration_parse:
 *
 * Reads a successful registration answer (RFC 7591 §3.2.1). `client_id`
 * is required and must be printable ASCII of at most
 * %LANYARD_REGISTRATION_MAX_CLIENT_ID bytes; a `client_secret` is refused,
 * because Lanyard asked to be a public client and keeps no secret in its
 * files; `registration_client_uri` must be an acceptable URL.
 *
 * Returns: (transfer full):
 */
LanyardRegistration *
lanyard_registration_parse (const char *json,
                            gsize       length,
                            const char *server_name,
                            GError    **error)
{
  g_autoptr(LanyardRegistration) registration = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autofree char *what = g_strdup_printf (_ ("The registration answer of %s"), server_name);
  const char      *value;

  document = parse_object (json, length, what, error);
  if (document == NULL)
    return NULL;

  registration = g_new0 (LanyardRegistration, 1);

  value = lanyard_json_get_string (document, "client_id");
  if (value == NULL || !is_vschar (value, LANYARD_REGISTRATION_MAX_CLIENT_ID))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("%s has no usable “client_id” (printable ASCII, at most %d bytes)"), what,
                   LANYARD_REGISTRATION_MAX_CLIENT_ID);
      return NULL;
    }
  registration->client_id = g_strdup (value);

  if (lanyard_json_get_string (document, "client_secret") != NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("%s gives Lanyard a client secret, although Lanyard registered as a public client "
                      "(a desktop application cannot keep one)"),
                   what);
      return NULL;
    }

  value = lanyard_json_get_string (document, "registration_access_token");
  if (value != NULL)
    {
      if (!is_vschar (value, LANYARD_REGISTRATION_MAX_TOKEN))
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                       _ ("%s has an unusable “registration_access_token”"), what);
          return NULL;
        }
      registration->registration_access_token = g_strdup (value);
    }

  if (!read_url (document, "registration_client_uri", FALSE, what, &registration->registration_client_uri, error))
    return NULL;

  value = lanyard_json_get_string (document, "scope");
  if (value != NULL)
    {
      if (!is_vschar (value, 4096))
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE, _ ("%s has an unusable “scope”"), what);
          return NULL;
        }
      registration->scope = g_strdup (value);
    }

  /* Shown to the person (the server may have changed it, as GitLab adds
   * "[Unverified Dynamic Application]"): only what is safe to show. */
  value = lanyard_json_get_string (document, "client_name");
  if (value != NULL && g_utf8_validate (value, -1, NULL) && strlen (value) <= LANYARD_REGISTRATION_MAX_NAME)
    {
      gboolean clean = TRUE;

      for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
            clean = FALSE;
        }
      if (clean)
        registration->client_name = g_strdup (value);
    }

  return g_steal_pointer (&registration);
}

/**
 * lanyard_registration_refusal:
 * @status: the HTTP status of the answer
 * @body: (nullable): its body
 *
 * Words for a registration the server refused (RFC 7591 §3.2.2): an
 * initial access token required (401, 403), metadata refused
 * (`invalid_client_metadata`, `invalid_redirect_uri`…), or another status.
 * The server's own description is added, cleaned.
 *
 * Returns: (transfer full): a %LANYARD_ERROR_NOT_SUPPORTED error
 */
GError *
lanyard_registration_refusal (guint       status,
                              const char *body,
                              gsize       length,
                              const char *server_name)
{
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GError) provider_error = NULL;
  const char *code = NULL;

  if (body != NULL && length > 0)
    document = parse_object (body, length, "", NULL);
  if (document != NULL)
    code = lanyard_json_get_string (document, "error");

  if (status == 401 || status == 403)
    return g_error_new (LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED,
                        _ ("%s lets only applications approved by its administrators register (it asks for an "
                           "initial access token, HTTP %u)."),
                        server_name, status);

  if (code != NULL)
    {
      /* The server's code and description, as every OAuth error is shown. */
      provider_error = lanyard_http_oauth_error (server_name, code,
                                                 lanyard_json_get_string (document, "error_description"));
      return g_error_new (LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED,
                          _ ("%s refused to register Lanyard: %s"), server_name, provider_error->message);
    }

  return g_error_new (LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED,
                      _ ("%s refused to register Lanyard (HTTP %u %s)."), server_name, status,
                      soup_status_get_phrase (status));
}

/**
 * lanyard_registration_build_request:
 * @redirect_uri: the one loopback redirect URI sign-ins will use
 * @device_grant: whether to ask for the device grant as well
 *
 * The client metadata (RFC 7591 §2) of Lanyard: a native public client
 * that signs in with the authorization code grant and PKCE and renews
 * with refresh tokens.
 *
 * Returns: (transfer full): the JSON document
 */
char *
lanyard_registration_build_request (const char *client_name,
                                    const char *redirect_uri,
                                    const char *scope,
                                    gboolean    device_grant)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "client_name");
  json_builder_add_string_value (builder, client_name);
  json_builder_set_member_name (builder, "client_uri");
  json_builder_add_string_value (builder, LANYARD_HOMEPAGE_URL);
  json_builder_set_member_name (builder, "logo_uri");
  json_builder_add_string_value (builder, LANYARD_LOGO_URL);
  json_builder_set_member_name (builder, "application_type");
  json_builder_add_string_value (builder, "native");
  json_builder_set_member_name (builder, "token_endpoint_auth_method");
  json_builder_add_string_value (builder, "none");
  json_builder_set_member_name (builder, "redirect_uris");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, redirect_uri);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "response_types");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "code");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "grant_types");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "authorization_code");
  json_builder_add_string_value (builder, "refresh_token");
  if (device_grant)
    json_builder_add_string_value (builder, "urn:ietf:params:oauth:grant-type:device_code");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, scope);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/**
 * lanyard_registration_scope_covers:
 * @granted: (nullable): the scope the server registered, %NULL when it did
 *   not say (then it registered what was asked for, RFC 7591 §3.2.1)
 * @needed: the scopes Lanyard needs to tell who signs in
 *
 * Returns: whether every one of @needed is in @granted
 */
gboolean
lanyard_registration_scope_covers (const char *granted,
                                   const char *needed)
{
  g_auto(GStrv) have = NULL;
  g_auto(GStrv) want = NULL;

  if (granted == NULL)
    return TRUE;
  have = g_strsplit_set (granted, " ,", -1);
  want = g_strsplit_set (needed, " ,", -1);
  for (guint i = 0; want[i] != NULL; i++)
    if (want[i][0] != '\0' && !g_strv_contains ((const char *const *) have, want[i]))
      return FALSE;
  return TRUE;
}

/* Longer than any server's address. */
#define MAX_ADDRESS_LENGTH 512

/**
 * lanyard_registration_normalize_address:
 *
 * What a person types: "gitlab.example.com", "https://sso.example.com/realms/corp/".
 * An address without a scheme is https://; a trailing slash goes; a query,
 * fragment or user name is refused, as is http:// anywhere but on this
 * computer's loopback address.
 *
 * Returns: (transfer full) (nullable): the address, as issuers are written
 */
char *
lanyard_registration_normalize_address (const char *address,
                                        GError    **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) reason = NULL;
  gsize len;

  if (address == NULL || strlen (address) > MAX_ADDRESS_LENGTH || !g_utf8_validate (address, -1, NULL))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("The address must be text of at most %d bytes."), MAX_ADDRESS_LENGTH);
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (address));
  for (const char *p = trimmed; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p) || *p == ' ')
      {
        g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                     _ ("A server's address has no spaces or control characters."));
        return NULL;
      }
  if (trimmed[0] == '\0')
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("Type the server's address, such as gitlab.example.com."));
      return NULL;
    }

  url = strstr (trimmed, "://") != NULL ? g_strdup (trimmed) : g_strconcat ("https://", trimmed, NULL);
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && g_uri_get_query (uri) != NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“%s” has a query part (after “?”); a server's address has none."), url);
      return NULL;
    }
  if (!lanyard_url_is_acceptable (url, &reason))
    {
      g_propagate_error (error, g_steal_pointer (&reason));
      return NULL;
    }

  /* Scheme and host in lower case, as servers write their issuer
   * ("HTTPS://GitLab.Example.com" is https://gitlab.example.com). */
  {
    g_autofree char *scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
    g_autofree char *host = g_ascii_strdown (g_uri_get_host (uri), -1);
    g_autoptr(GUri) lowered = g_uri_build (G_URI_FLAGS_NONE, scheme, NULL, host, g_uri_get_port (uri),
                                            g_uri_get_path (uri), NULL, NULL);

    return g_uri_to_string (lowered);
  }
}
