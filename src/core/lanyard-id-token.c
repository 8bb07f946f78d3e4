/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-id-token"

#include "lanyard-id-token.h"

#include <glib/gi18n.h>

#include <string.h>

#include "lanyard-error.h"
#include "lanyard-http.h"

/* An ID token larger than this is not an ID token. */
#define MAX_JWT_LENGTH (16 * 1024)

/**
 * lanyard_base64url_decode:
 *
 * Strict base64url (RFC 4648 §5) without padding, as JOSE uses it.
 */
GBytes *
lanyard_base64url_decode (const char *text,
                          GError    **error)
{
  gsize len = strlen (text);
  g_autoptr(GString) standard = NULL;
  guchar *decoded;
  gsize   decoded_len;

  if (len % 4 == 1)
    goto invalid;

  standard = g_string_sized_new (len + 3);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (standard, *p);
      else if (*p == '-')
        g_string_append_c (standard, '+');
      else if (*p == '_')
        g_string_append_c (standard, '/');
      else
        goto invalid;
    }
  while (standard->len % 4 != 0)
    g_string_append_c (standard, '=');

  decoded = g_base64_decode (standard->str, &decoded_len);
  return g_bytes_new_take (decoded, decoded_len);

invalid:
  g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
               _ ("not valid base64url"));
  return NULL;
}

/**
 * lanyard_jwt_decode_payload:
 *
 * Splits a compact JWS and decodes its payload. This does not verify the
 * signature.
 *
 * Returns: (transfer full): the claims
 */
JsonObject *
lanyard_jwt_decode_payload (const char *jwt,
                            GError    **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GBytes) payload = NULL;
  JsonObject *claims;

  if (jwt == NULL || strlen (jwt) > MAX_JWT_LENGTH)
    goto invalid;

  parts = g_strsplit (jwt, ".", 4);
  if (g_strv_length (parts) != 3 || parts[1][0] == '\0')
    goto invalid;

  payload = lanyard_base64url_decode (parts[1], NULL);
  if (payload == NULL)
    goto invalid;

  claims = lanyard_http_parse_json_object (payload, NULL);
  if (claims == NULL)
    goto invalid;

  return claims;

invalid:
  g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
               _ ("the ID token is not a well-formed JWT"));
  return NULL;
}

static gboolean
audience_contains (JsonObject *claims,
                   const char *client_id,
                   guint      *n_audiences)
{
  JsonNode *aud = json_object_get_member (claims, "aud");
  gboolean  found = FALSE;

  *n_audiences = 0;
  if (aud == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_VALUE (aud) && json_node_get_value_type (aud) == G_TYPE_STRING)
    {
      *n_audiences = 1;
      return g_strcmp0 (json_node_get_string (aud), client_id) == 0;
    }

  if (!JSON_NODE_HOLDS_ARRAY (aud))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (aud)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (aud), i);

      /* An audience that is not a string is not ignored: skipping it
       * would also skip the azp check that several audiences call for. */
      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return FALSE;
      (*n_audiences)++;
      found |= g_strcmp0 (json_node_get_string (element), client_id) == 0;
    }

  return found;
}

/* 9999-12-31T23:59:59Z. */
#define MAX_TIME_CLAIM G_GINT64_CONSTANT (253402300799)

static gboolean
get_time_claim (JsonObject *claims,
                const char *name,
                gint64     *value)
{
  JsonNode *node = json_object_get_member (claims, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  /* Seconds since 1970 up to the year 9999: so that adding the clock
   * skew cannot overflow, and a double converts without undefined
   * behaviour. Outside that, the claim is as good as absent. */
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 seconds = json_node_get_int (node);

      if (seconds < 0 || seconds > MAX_TIME_CLAIM)
        return FALSE;
      *value = seconds;
    }
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double seconds = json_node_get_double (node);

      if (!(seconds >= 0 && seconds <= (double) MAX_TIME_CLAIM))
        return FALSE;
      *value = (gint64) seconds;
    }
  else
    return FALSE;

  return TRUE;
}

/**
 * lanyard_id_token_check_claims:
 * @claims: the payload of a verified ID token
 * @nonce: (nullable): the flow's nonce; %NULL on refresh
 *
 * The claim checks of OIDC Core §3.1.3.7 but the issuer's, which depends
 * on the provider (see #LanyardProviderClass.check_issuer): audience,
 * authorized party, expiry, issue time, nonce and subject. @now allows
 * @skew seconds of difference between this computer's clock and the
 * issuer's.
 */
gboolean
lanyard_id_token_check_claims (JsonObject *claims,
                               const char *provider_name,
                               const char *client_id,
                               const char *nonce,
                               gint64      now,
                               gint64      skew,
                               GError    **error)
{
  const char *azp;
  guint       n_audiences;
  gint64      exp, iat;

  if (!audience_contains (claims, client_id, &n_audiences))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The ID token from %s is meant for another application (its audience does not contain this client ID)"),
                   provider_name);
      return FALSE;
    }

  azp = lanyard_json_get_string (claims, "azp");
  if ((n_audiences > 1 || azp != NULL) && g_strcmp0 (azp, client_id) != 0)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The ID token from %s was issued to another party (azp)"), provider_name);
      return FALSE;
    }

  if (!get_time_claim (claims, "exp", &exp) || exp + skew < now)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The ID token from %s has expired; check that this computer's clock is right"),
                   provider_name);
      return FALSE;
    }

  if (!get_time_claim (claims, "iat", &iat) || iat > now + skew)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The ID token from %s has no valid issue time (iat); check that this computer's clock is right"),
                   provider_name);
      return FALSE;
    }

  if (nonce != NULL && g_strcmp0 (lanyard_json_get_string (claims, "nonce"), nonce) != 0)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The ID token from %s does not belong to this sign-in (nonce %s); the sign-in was refused"),
                   provider_name, lanyard_json_get_string (claims, "nonce") == NULL ? "missing" : "mismatch");
      return FALSE;
    }

  if (lanyard_json_get_string (claims, "sub") == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The ID token from %s names no subject (sub)"), provider_name);
      return FALSE;
    }

  return TRUE;
}

static char *
member_as_json (JsonObject *object,
                const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  return node != NULL ? json_to_string (node, FALSE) : NULL;
}

/**
 * lanyard_id_token_same_subject:
 * @previous: the claims of the ID token the account was linked with
 * @claims: the claims of a refreshed ID token
 *
 * OIDC Core §12.2: a refreshed ID token must have the same `iss`, `sub` and
 * `aud` as the original; otherwise the refresh changed who the account is.
 */
gboolean
lanyard_id_token_same_subject (JsonObject *previous,
                               JsonObject *claims,
                               const char *provider_name,
                               GError    **error)
{
  static const char *const members[] = { "iss", "sub", "aud" };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_autofree char *before = member_as_json (previous, members[i]);
      g_autofree char *after = member_as_json (claims, members[i]);

      if (g_strcmp0 (before, after) != 0)
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                       _ ("The renewed ID token from %s changed its “%s”; the renewal was refused"),
                       provider_name, members[i]);
          return FALSE;
        }
    }

  return TRUE;
}
