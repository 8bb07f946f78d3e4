/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-provider-config"

#include "lanyard-provider-config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "lanyard-error.h"

/**
 * LanyardProviderConfig:
 *
 * The raw key/value settings of one provider instance, from a
 * `[provider ID]` group of `providers.conf` or from a
 * `LANYARD_PROVIDER_ID="type key=value …"` variable, with where they came
 * from so that every validation message can point there.
 *
 * Providers read their keys with lanyard_provider_config_get(), which
 * remembers which keys were asked for; whatever nobody asked for is an
 * unknown key (lanyard_provider_config_check_unused()), most often a typo.
 */
struct _LanyardProviderConfig
{
  GObject parent_instance;

  char       *id;
  char       *source;
  GHashTable *values;
  GHashTable *known;
  GPtrArray  *warnings; /* char*: old spellings read as new ones */
  GHashTable *aliased; /* new keys whose value came from an old spelling */
};

/* Keys and types that were renamed, or that people commonly write for
 * ours: the old spelling is read as the new one, with a warning that names
 * the new one. A rename is a row here, never a break of someone's file. */
static const struct
{
  const char *old_spelling;
  const char *new_spelling;
} key_aliases[] = {
  { "name", "display_name" },
  { "secret", "client_secret" },
  { "tenant_id", "tenant" },
},
  type_aliases[] = {
    { "openid", "oidc" },
    { "azure", "microsoft" },
  };

G_DEFINE_FINAL_TYPE (LanyardProviderConfig, lanyard_provider_config, G_TYPE_OBJECT)

static void
lanyard_provider_config_finalize (GObject *object)
{
  LanyardProviderConfig *self = LANYARD_PROVIDER_CONFIG (object);

  g_free (self->id);
  g_free (self->source);
  g_hash_table_unref (self->values);
  g_hash_table_unref (self->known);
  g_ptr_array_unref (self->warnings);
  g_hash_table_unref (self->aliased);

  G_OBJECT_CLASS (lanyard_provider_config_parent_class)->finalize (object);
}

static void
lanyard_provider_config_class_init (LanyardProviderConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lanyard_provider_config_finalize;
}

static void
lanyard_provider_config_init (LanyardProviderConfig *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);
  self->aliased = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
add_warning (LanyardProviderConfig *self,
             char                  *warning)
{
  g_ptr_array_insert (self->warnings, self->warnings->len - 1, warning);
}

/**
 * lanyard_provider_id_is_valid:
 *
 * Provider ids name D-Bus objects, callback paths and keyring attributes:
 * lower-case letters, digits and dashes, starting with a letter.
 */
gboolean
lanyard_provider_id_is_valid (const char *id)
{
  if (id == NULL || !g_ascii_islower (id[0]) || strlen (id) > 64)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;

  return TRUE;
}

/**
 * lanyard_provider_config_new:
 * @id: a valid provider id
 * @source: where the settings come from, for messages: a file path or
 *   "environment variable LANYARD_PROVIDER_X"
 */
LanyardProviderConfig *
lanyard_provider_config_new (const char *id,
                             const char *source)
{
  LanyardProviderConfig *self;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (source != NULL, NULL);

  self = g_object_new (LANYARD_TYPE_PROVIDER_CONFIG, NULL);
  self->id = g_strdup (id);
  self->source = g_strdup (source);

  return self;
}

/**
 * lanyard_provider_config_new_from_compound:
 * @compound: `TYPE key=value key="value with spaces" …`
 *
 * Parses the compound form used by environment variables. Quoting follows
 * the shell (single or double quotes, backslash escapes), so that values
 * with spaces or `=` survive; each word after the type is split at its first
 * `=`.
 */
LanyardProviderConfig *
lanyard_provider_config_new_from_compound (const char *id,
                                           const char *source,
                                           const char *compound,
                                           GError    **error)
{
  g_autoptr(LanyardProviderConfig) self = NULL;
  g_autoptr(GError) shell_error = NULL;
  g_autoptr(GHashTable) written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) words = NULL;

  g_return_val_if_fail (compound != NULL, NULL);

  if (strspn (compound, " \t\n") == strlen (compound))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("%s is empty; it must start with the provider type, e.g. “gitlab client_id=…”"),
                   source);
      return NULL;
    }

  /* Its words end up in messages on the bus, where text must be UTF-8. */
  if (!g_utf8_validate (compound, -1, NULL))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED, _ ("%s is not UTF-8 text"), source);
      return NULL;
    }

  if (!g_shell_parse_argv (compound, NULL, &words, &shell_error))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("%s cannot be read: %s"), source, shell_error->message);
      return NULL;
    }

  if (strchr (words[0], '=') != NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("%s must start with the provider type (github, gitlab, google, microsoft, oidc, oauth2 or demo), not with “%.*s=…”"),
                   source, (int) (strchr (words[0], '=') - words[0]), words[0]);
      return NULL;
    }

  self = lanyard_provider_config_new (id, source);
  lanyard_provider_config_set (self, "type", words[0]);

  for (guint i = 1; words[i] != NULL; i++)
    {
      const char      *eq = strchr (words[i], '=');
      g_autofree char *key = NULL;

      if (eq == NULL || eq == words[i])
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                       _ ("%s: “%s” is not a key=value pair"),
                       source, eq == NULL ? words[i] : "=…");
          return NULL;
        }

      key = g_strndup (words[i], eq - words[i]);
      /* As written: an old spelling and the new one are not "twice". */
      if (g_strcmp0 (key, "type") == 0 || !g_hash_table_add (written, g_strdup (key)))
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                       _ ("%s sets “%s” twice"), source, key);
          return NULL;
        }

      lanyard_provider_config_set (self, key, eq + 1);
    }

  return g_steal_pointer (&self);
}

/**
 * lanyard_provider_config_set:
 *
 * Sets @key to @value. An old spelling of a key or a type (the tables
 * above) is stored as the new one, with a warning
 * (lanyard_provider_config_get_warnings()); where the new spelling is set
 * as well, it wins.
 */
void
lanyard_provider_config_set (LanyardProviderConfig *self,
                             const char            *key,
                             const char            *value)
{
  g_return_if_fail (LANYARD_IS_PROVIDER_CONFIG (self));
  g_return_if_fail (key != NULL && value != NULL);

  if (g_str_equal (key, "type"))
    for (guint i = 0; i < G_N_ELEMENTS (type_aliases); i++)
      if (g_str_equal (value, type_aliases[i].old_spelling))
        {
          add_warning (self, g_strdup_printf (_ ("the type “%s” is an old spelling of “%s”; it is read as “%s”, write that instead"), value, type_aliases[i].new_spelling, type_aliases[i].new_spelling));
          value = type_aliases[i].new_spelling;
          break;
        }

  for (guint i = 0; i < G_N_ELEMENTS (key_aliases); i++)
    if (g_str_equal (key, key_aliases[i].old_spelling))
      {
        const char *new_key = key_aliases[i].new_spelling;

        /* Said without the value: it may be a secret. */
        if (g_hash_table_contains (self->values, new_key))
          {
            add_warning (self, g_strdup_printf (_ ("“%s” is an old spelling of “%s”, which is set too; “%s” is ignored"), key, new_key, key));
            return;
          }
        add_warning (self, g_strdup_printf (_ ("“%s” is an old spelling of “%s”; it is read as “%s”, write that instead"), key, new_key, new_key));
        g_hash_table_replace (self->values, g_strdup (new_key), g_strdup (value));
        g_hash_table_add (self->aliased, g_strdup (new_key));
        return;
      }

  /* The new spelling after the old one: the new one wins. */
  if (g_hash_table_remove (self->aliased, key))
    for (guint i = 0; i < G_N_ELEMENTS (key_aliases); i++)
      if (g_str_equal (key, key_aliases[i].new_spelling))
        add_warning (self, g_strdup_printf (_ ("“%s” is an old spelling of “%s”, which is set too; “%s” is ignored"), key_aliases[i].old_spelling, key, key_aliases[i].old_spelling));

  g_hash_table_replace (self->values, g_strdup (key), g_strdup (value));
}

/**
 * lanyard_provider_config_get_warnings:
 *
 * Returns: (transfer none): what is worth telling but no reason to refuse
 *   the provider: old spellings, each naming the new one
 */
const char *const *
lanyard_provider_config_get_warnings (LanyardProviderConfig *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_CONFIG (self), NULL);
  return (const char *const *) self->warnings->pdata;
}

const char *
lanyard_provider_config_get_id (LanyardProviderConfig *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_CONFIG (self), NULL);
  return self->id;
}

const char *
lanyard_provider_config_get_source (LanyardProviderConfig *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_CONFIG (self), NULL);
  return self->source;
}

/**
 * lanyard_provider_config_peek:
 *
 * Looks a key up without claiming it as known.
 */
const char *
lanyard_provider_config_peek (LanyardProviderConfig *self,
                              const char            *key)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_CONFIG (self), NULL);
  return g_hash_table_lookup (self->values, key);
}

/**
 * lanyard_provider_config_get:
 *
 * Returns: (nullable): the value of @key, which from now on counts as a
 *   key this provider type knows; %NULL when unset or empty
 */
const char *
lanyard_provider_config_get (LanyardProviderConfig *self,
                             const char            *key)
{
  const char *value;

  g_return_val_if_fail (LANYARD_IS_PROVIDER_CONFIG (self), NULL);

  g_hash_table_add (self->known, g_strdup (key));
  value = g_hash_table_lookup (self->values, key);

  return value != NULL && value[0] != '\0' ? value : NULL;
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * lanyard_url_is_acceptable:
 *
 * An endpoint must be an absolute https:// URL with a host, no user
 * information and no fragment. Plain http:// is allowed only for loopback
 * hosts, where nothing crosses a network (RFC 8252 §8.3; fake and demo
 * providers).
 */
gboolean
lanyard_url_is_acceptable (const char *url,
                           GError    **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme, *host;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“%s” is not an absolute URL"), url);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);

  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“%s” must not contain a user name, password or #fragment"), url);
      return FALSE;
    }

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;

  if (g_ascii_strcasecmp (scheme, "http") == 0 && host_is_loopback (host))
    return TRUE;

  g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
               _ ("“%s” must use https:// (plain http:// is only allowed on this computer's loopback address)"),
               url);
  return FALSE;
}

/**
 * lanyard_provider_config_get_url:
 * @url: (out) (transfer none) (nullable): the URL, or %NULL when unset and
 *   not @required
 *
 * Reads and validates an endpoint URL (see lanyard_url_is_acceptable()).
 */
gboolean
lanyard_provider_config_get_url (LanyardProviderConfig *self,
                                 const char            *key,
                                 gboolean               required,
                                 const char           **url,
                                 GError               **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *value = lanyard_provider_config_get (self, key);

  *url = NULL;

  if (value == NULL)
    {
      if (!required)
        return TRUE;
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“%s” is missing"), key);
      return FALSE;
    }

  if (!lanyard_url_is_acceptable (value, &local_error))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“%s”: %s"), key, local_error->message);
      return FALSE;
    }

  *url = value;
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/**
 * lanyard_provider_config_check_unused:
 *
 * Fails when the settings hold a key that the provider never asked for,
 * naming it and the keys that type does know.
 */
gboolean
lanyard_provider_config_check_unused (LanyardProviderConfig *self,
                                      GError               **error)
{
  g_autoptr(GPtrArray) unknown = g_ptr_array_new ();
  g_autoptr(GPtrArray) known = g_ptr_array_new ();
  g_autofree char *unknown_list = NULL;
  g_autofree char *known_list = NULL;
  GHashTableIter   iter;
  gpointer         key;

  g_return_val_if_fail (LANYARD_IS_PROVIDER_CONFIG (self), FALSE);

  g_hash_table_iter_init (&iter, self->values);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (self->known, key) && g_strcmp0 (key, "type") != 0)
      g_ptr_array_add (unknown, key);

  if (unknown->len == 0)
    return TRUE;

  g_hash_table_iter_init (&iter, self->known);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (known, key);

  g_ptr_array_sort (unknown, compare_strings);
  g_ptr_array_sort (known, compare_strings);
  g_ptr_array_add (unknown, NULL);
  g_ptr_array_add (known, NULL);
  unknown_list = g_strjoinv ("”, “", (GStrv) unknown->pdata);
  known_list = g_strjoinv (", ", (GStrv) known->pdata);

  g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
               _ ("unknown key%s “%s” (this provider type knows: %s)"),
               unknown->len > 2 ? "s" : "", unknown_list, known_list);
  return FALSE;
}
