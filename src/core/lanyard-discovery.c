/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-discovery"

#include "lanyard-discovery.h"

#include <glib/gi18n.h>

#include <json-glib/json-glib.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-http.h"
#include "lanyard-provider-config.h"

void
lanyard_discovery_free (LanyardDiscovery *discovery)
{
  if (discovery == NULL)
    return;

  g_free (discovery->issuer);
  g_free (discovery->authorization_endpoint);
  g_free (discovery->token_endpoint);
  g_free (discovery->userinfo_endpoint);
  g_free (discovery->revocation_endpoint);
  g_free (discovery->jwks_uri);
  g_free (discovery->device_authorization_endpoint);
  g_free (discovery);
}

static gboolean
read_endpoint (JsonObject *document,
               const char *member,
               gboolean    required,
               const char *provider_name,
               char      **out,
               GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *url = lanyard_json_get_string (document, member);

  if (url == NULL)
    {
      if (!required)
        return TRUE;
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("%s's discovery document has no “%s”"), provider_name, member);
      return FALSE;
    }

  if (!lanyard_url_is_acceptable (url, &local_error))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("%s's discovery document has an unusable “%s”: %s"),
                   provider_name, member, local_error->message);
      return FALSE;
    }

  *out = g_strdup (url);
  return TRUE;
}

/**
 * lanyard_discovery_parse:
 * @expected_issuer: the configured issuer
 *
 * Reads an OpenID Provider configuration document. It is used only when its
 * `issuer` is identical to the configured one (OIDC Discovery §4.3); every
 * endpoint must be an acceptable URL, and `jwks_uri` is required, because
 * ID tokens are verified with the keys it names.
 *
 * Returns: (transfer full):
 */
LanyardDiscovery *
lanyard_discovery_parse (const char *json,
                         gssize      length,
                         const char *expected_issuer,
                         const char *provider_name,
                         GError    **error)
{
  g_autoptr(LanyardDiscovery) discovery = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) reason = NULL;
  JsonNode   *iss_supported;
  const char *issuer;

  if (length < 0)
    length = strlen (json);

  root = lanyard_json_parse (json, length, &reason);
  if (root == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("%s's discovery document cannot be read: %s"), provider_name, reason->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("%s's discovery document is not a JSON object"), provider_name);
      return NULL;
    }
  document = json_object_ref (json_node_get_object (root));

  issuer = lanyard_json_get_string (document, "issuer");
  if (g_strcmp0 (issuer, expected_issuer) != 0)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH,
                   _ ("%s's discovery document is for the issuer “%s”, not the configured “%s”; it was not used"),
                   provider_name, issuer != NULL ? issuer : "(none)", expected_issuer);
      return NULL;
    }

  discovery = g_new0 (LanyardDiscovery, 1);
  discovery->issuer = g_strdup (issuer);

  if (!read_endpoint (document, "authorization_endpoint", TRUE, provider_name, &discovery->authorization_endpoint, error) ||
      !read_endpoint (document, "token_endpoint", TRUE, provider_name, &discovery->token_endpoint, error) ||
      !read_endpoint (document, "jwks_uri", TRUE, provider_name, &discovery->jwks_uri, error) ||
      !read_endpoint (document, "userinfo_endpoint", FALSE, provider_name, &discovery->userinfo_endpoint, error) ||
      !read_endpoint (document, "revocation_endpoint", FALSE, provider_name, &discovery->revocation_endpoint, error))
    return NULL;

  /* RFC 8628 §4. An unusable one costs only the device sign-in, which is
   * then not offered; the browser sign-in does not depend on it. */
  {
    g_autoptr(GError) device_error = NULL;

    if (!read_endpoint (document, "device_authorization_endpoint", FALSE, provider_name,
                        &discovery->device_authorization_endpoint, &device_error))
      g_debug ("%s", device_error->message);
  }

  iss_supported = json_object_get_member (document, "authorization_response_iss_parameter_supported");
  discovery->iss_parameter_supported = iss_supported != NULL && JSON_NODE_HOLDS_VALUE (iss_supported) &&
    json_node_get_value_type (iss_supported) == G_TYPE_BOOLEAN &&
    json_node_get_boolean (iss_supported);

  return g_steal_pointer (&discovery);
}
