/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-token-set"

#include "lanyard-token-set.h"

#include <glib/gi18n.h>

#include <json-glib/json-glib.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-http.h"

/* Serialised form version, so that a later Lanyard can read what an earlier
 * one stored in the Secret Service. */
#define TOKEN_SET_FORMAT 1

/* No provider hands out tokens for longer than this; anything above is
 * clamped rather than risking overflow in expiry arithmetic. */
#define MAX_EXPIRES_IN ((gint64) 10 * 365 * 24 * 3600)

/**
 * LanyardTokenSet:
 *
 * What a token endpoint hands out: access token, optional refresh token,
 * expiry as wall-clock time (seconds since the epoch, 0 for "does not
 * expire"), granted scopes, token type and the OpenID Connect ID token.
 *
 * Immutable once built. A token set is a secret: it is never logged, and
 * its only serialised form (lanyard_token_set_to_json()) is meant for the
 * Secret Service.
 */
struct _LanyardTokenSet
{
  GObject parent_instance;

  char  *access_token;
  char  *token_type;
  char  *refresh_token;
  gint64 expires_at;
  GStrv  scopes;
  char  *id_token;
};

G_DEFINE_FINAL_TYPE (LanyardTokenSet, lanyard_token_set, G_TYPE_OBJECT)

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    {
      /* Wipe before freeing so that tokens do not linger in freed heap. */
      memset (*secret, 0, strlen (*secret));
      g_clear_pointer (secret, g_free);
    }
}

static void
lanyard_token_set_finalize (GObject *object)
{
  LanyardTokenSet *self = LANYARD_TOKEN_SET (object);

  clear_secret (&self->access_token);
  clear_secret (&self->refresh_token);
  clear_secret (&self->id_token);
  g_clear_pointer (&self->token_type, g_free);
  g_clear_pointer (&self->scopes, g_strfreev);

  G_OBJECT_CLASS (lanyard_token_set_parent_class)->finalize (object);
}

static void
lanyard_token_set_class_init (LanyardTokenSetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lanyard_token_set_finalize;
}

static void
lanyard_token_set_init (LanyardTokenSet *self)
{
}

static GStrv
split_scopes (const char *scope)
{
  g_autoptr(GPtrArray) unique = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = NULL;

  if (scope != NULL)
    {
      /* RFC 6749 §3.3 separates scopes with spaces; GitHub uses commas. */
      parts = g_strsplit_set (scope, " ,", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        if (parts[i][0] != '\0' &&
            !g_ptr_array_find_with_equal_func (unique, parts[i], g_str_equal, NULL))
          g_ptr_array_add (unique, g_strdup (parts[i]));
    }

  g_ptr_array_add (unique, NULL);
  return (GStrv) g_ptr_array_steal (unique, NULL);
}

/**
 * lanyard_token_set_new:
 * @expires_at: seconds since the epoch, or 0 when the token does not expire
 * @scopes: (nullable) (array zero-terminated=1): granted scopes
 */
LanyardTokenSet *
lanyard_token_set_new (const char        *access_token,
                       const char        *token_type,
                       const char        *refresh_token,
                       gint64             expires_at,
                       const char *const *scopes,
                       const char        *id_token)
{
  LanyardTokenSet *self;

  g_return_val_if_fail (access_token != NULL && access_token[0] != '\0', NULL);
  g_return_val_if_fail (expires_at >= 0, NULL);

  self = g_object_new (LANYARD_TYPE_TOKEN_SET, NULL);
  self->access_token = g_strdup (access_token);
  self->token_type = g_strdup (token_type != NULL ? token_type : "Bearer");
  self->refresh_token = g_strdup (refresh_token);
  self->expires_at = expires_at;
  self->scopes = scopes != NULL ? g_strdupv ((GStrv) scopes) : g_new0 (char *, 1);
  self->id_token = g_strdup (id_token);

  return self;
}

static gboolean
check_token_field (GHashTable  *fields,
                   const char  *name,
                   gboolean     required,
                   const char **out,
                   GError     **error)
{
  const char *value = g_hash_table_lookup (fields, name);

  *out = NULL;

  if (value == NULL || value[0] == '\0')
    {
      if (required)
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                       _ ("The token response has no “%s”"), name);
          return FALSE;
        }
      return TRUE;
    }

  if (strlen (value) > LANYARD_TOKEN_MAX_LENGTH)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The token response's “%s” is longer than %d bytes"),
                   name, LANYARD_TOKEN_MAX_LENGTH);
      return FALSE;
    }

  /* RFC 6749 Appendix A: tokens are VSCHAR, printable ASCII 0x21–0x7E,
   * checked after the answer's own decoding (JSON escapes, form %XX). They
   * travel in HTTP headers, where control characters or spaces would allow
   * header injection, and are stored as JSON text in the keyring, which
   * bytes that are not UTF-8 would make unreadable after linking. */
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p < 0x21 || (guchar) *p > 0x7e)
      {
        g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                     _ ("The token response's “%s” contains characters a token cannot have (only printable ASCII is allowed)"),
                     name);
        return FALSE;
      }

  *out = value;
  return TRUE;
}

/**
 * lanyard_token_set_new_from_fields:
 * @fields: (element-type utf8 utf8): a token endpoint's reply as flat
 *   strings (see lanyard_http_parse_fields())
 * @now: the current wall-clock time in seconds since the epoch
 *
 * Builds a token set from a successful token response (RFC 6749 §5.1).
 * Error replies must have been turned into a #GError before.
 */
LanyardTokenSet *
lanyard_token_set_new_from_fields (GHashTable *fields,
                                   gint64      now,
                                   GError    **error)
{
  const char *access_token, *refresh_token, *id_token, *token_type;
  const char *expires_in_str;
  g_auto(GStrv) scopes = NULL;
  gint64 expires_at = 0;

  g_return_val_if_fail (fields != NULL, NULL);

  if (!check_token_field (fields, "access_token", TRUE, &access_token, error) ||
      !check_token_field (fields, "refresh_token", FALSE, &refresh_token, error) ||
      !check_token_field (fields, "id_token", FALSE, &id_token, error))
    return NULL;

  token_type = g_hash_table_lookup (fields, "token_type");
  if (token_type != NULL && strlen (token_type) > 64)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The token response's “token_type” is not a token type"));
      return NULL;
    }

  /* RFC 6749 §7.1: only bearer tokens are understood; a token of another
   * type would be sent the wrong way. Providers differ in case. */
  if (token_type != NULL && g_ascii_strcasecmp (token_type, "bearer") != 0)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The provider issued a token of type “%s”; only bearer tokens are supported"),
                   token_type);
      return NULL;
    }

  expires_in_str = g_hash_table_lookup (fields, "expires_in");
  if (expires_in_str != NULL && expires_in_str[0] != '\0')
    {
      guint64 expires_in;

      if (!g_ascii_string_to_unsigned (expires_in_str, 10, 0, G_MAXUINT64, &expires_in, NULL))
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                       _ ("The token response's “expires_in” is not a number of seconds"));
          return NULL;
        }
      expires_at = now + (gint64) MIN (expires_in, (guint64) MAX_EXPIRES_IN);
    }

  scopes = split_scopes (g_hash_table_lookup (fields, "scope"));

  return lanyard_token_set_new (access_token, "Bearer", refresh_token,
                                expires_at, (const char *const *) scopes, id_token);
}

/**
 * lanyard_token_set_merge_refresh:
 * @previous: the token set before the refresh
 * @refreshed: what the refresh returned
 *
 * RFC 6749 §6: a refresh response may omit the refresh token (keep the old
 * one) and the scope (unchanged). A rotated refresh token replaces the old.
 *
 * Returns: (transfer full): the token set to store
 */
LanyardTokenSet *
lanyard_token_set_merge_refresh (LanyardTokenSet *previous,
                                 LanyardTokenSet *refreshed)
{
  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (previous), NULL);
  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (refreshed), NULL);

  return lanyard_token_set_new (refreshed->access_token,
                                refreshed->token_type,
                                refreshed->refresh_token != NULL ? refreshed->refresh_token : previous->refresh_token,
                                refreshed->expires_at,
                                (const char *const *) (refreshed->scopes[0] != NULL ? refreshed->scopes : previous->scopes),
                                refreshed->id_token != NULL ? refreshed->id_token : previous->id_token);
}

/**
 * lanyard_token_set_to_json:
 *
 * Returns: (transfer full): the serialised form for the Secret Service
 */
char *
lanyard_token_set_to_json (LanyardTokenSet *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, TOKEN_SET_FORMAT);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, self->access_token);
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, self->token_type);
  if (self->refresh_token != NULL)
    {
      json_builder_set_member_name (builder, "refresh_token");
      json_builder_add_string_value (builder, self->refresh_token);
    }
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_int_value (builder, self->expires_at);
  json_builder_set_member_name (builder, "scopes");
  json_builder_begin_array (builder);
  for (guint i = 0; self->scopes[i] != NULL; i++)
    json_builder_add_string_value (builder, self->scopes[i]);
  json_builder_end_array (builder);
  if (self->id_token != NULL)
    {
      json_builder_set_member_name (builder, "id_token");
      json_builder_add_string_value (builder, self->id_token);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static const char *
get_optional_string (JsonObject *object,
                     const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * lanyard_token_set_new_from_json:
 *
 * Reads what lanyard_token_set_to_json() wrote. Refuses a newer format
 * rather than guessing.
 */
LanyardTokenSet *
lanyard_token_set_new_from_json (const char *json,
                                 GError    **error)
{
  g_autoptr(GStrvBuilder) scopes = g_strv_builder_new ();
  g_auto(GStrv) scopes_strv = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonNode   *node;
  JsonArray  *array;
  const char *access_token;
  gint64      format, expires_at;

  g_return_val_if_fail (json != NULL, NULL);

  object = lanyard_json_parse_object (json, strlen (json));
  if (object == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The stored tokens are not readable"));
      return NULL;
    }
  format = json_object_get_int_member_with_default (object, "format", 0);
  if (format != TOKEN_SET_FORMAT)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The stored tokens are in format %d, which this version of Lanyard does not know"),
                   (int) CLAMP (format, G_MININT, G_MAXINT));
      return NULL;
    }

  access_token = get_optional_string (object, "access_token");
  expires_at = json_object_get_int_member_with_default (object, "expires_at", 0);
  if (access_token == NULL || access_token[0] == '\0' || expires_at < 0)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The stored tokens are incomplete"));
      return NULL;
    }

  node = json_object_get_member (object, "scopes");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (scopes, json_node_get_string (element));
        }
    }
  scopes_strv = g_strv_builder_end (scopes);

  return lanyard_token_set_new (access_token,
                                get_optional_string (object, "token_type"),
                                get_optional_string (object, "refresh_token"),
                                expires_at,
                                (const char *const *) scopes_strv,
                                get_optional_string (object, "id_token"));
}

/**
 * lanyard_token_set_equal:
 *
 * Returns: %TRUE when both hold the same tokens, expiry and scopes
 */
gboolean
lanyard_token_set_equal (LanyardTokenSet *a,
                         LanyardTokenSet *b)
{
  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (a), FALSE);
  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (b), FALSE);

  return g_strcmp0 (a->access_token, b->access_token) == 0 &&
    g_strcmp0 (a->token_type, b->token_type) == 0 &&
    g_strcmp0 (a->refresh_token, b->refresh_token) == 0 &&
    a->expires_at == b->expires_at &&
    g_strv_equal ((const char *const *) a->scopes, (const char *const *) b->scopes) &&
    g_strcmp0 (a->id_token, b->id_token) == 0;
}

const char *
lanyard_token_set_get_access_token (LanyardTokenSet *self)
{
  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (self), NULL);
  return self->access_token;
}

const char *
lanyard_token_set_get_token_type (LanyardTokenSet *self)
{
  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (self), NULL);
  return self->token_type;
}

const char *
lanyard_token_set_get_refresh_token (LanyardTokenSet *self)
{
  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (self), NULL);
  return self->refresh_token;
}

gint64
lanyard_token_set_get_expires_at (LanyardTokenSet *self)
{
  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (self), 0);
  return self->expires_at;
}

const char *const *
lanyard_token_set_get_scopes (LanyardTokenSet *self)
{
  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (self), NULL);
  return (const char *const *) self->scopes;
}

gboolean
lanyard_token_set_has_scope (LanyardTokenSet *self,
                             const char      *scope)
{
  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (self), FALSE);
  return g_strv_contains ((const char *const *) self->scopes, scope);
}

const char *
lanyard_token_set_get_id_token (LanyardTokenSet *self)
{
  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (self), NULL);
  return self->id_token;
}

/**
 * lanyard_token_set_is_expired:
 * @now: wall-clock seconds since the epoch
 * @margin: seconds before the expiry that already count as expired
 */
gboolean
lanyard_token_set_is_expired (LanyardTokenSet *self,
                              gint64           now,
                              gint64           margin)
{
  g_return_val_if_fail (LANYARD_IS_TOKEN_SET (self), TRUE);
  return self->expires_at != 0 && now + margin >= self->expires_at;
}
