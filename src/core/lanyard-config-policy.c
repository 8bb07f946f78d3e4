/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-config-policy"

#include "lanyard-config-policy.h"

#include <glib/gi18n.h>

/**
 * LanyardConfigPolicy:
 *
 * What the administrator decided for everyone on the computer: the
 * `[policy]` group of the system's `lanyard/providers.conf` files (each of
 * `$XDG_CONFIG_DIRS`, such as `/etc/xdg`). The user's own file has no say
 * here, nor has the environment; for each key the first system file in
 * XDG order that sets it wins, as for providers.
 *
 * Every key is a row of the table below; adding one is adding a row, and
 * reading it is lanyard_config_policy_get_boolean() with its name.
 */
struct _LanyardConfigPolicy
{
  GObject parent_instance;

  GHashTable *values; /* key → GINT_TO_POINTER (value + 1) */
  GHashTable *sources; /* key → path of the file that set it */
};

G_DEFINE_FINAL_TYPE (LanyardConfigPolicy, lanyard_config_policy, G_TYPE_OBJECT)

typedef struct
{
  const char *key;
  gboolean    default_value;
} PolicyKey;

/* Sorted by name: the list of known keys in messages follows this order. */
static const PolicyKey policy_keys[] = {
  /* Whether the demo providers (and any type=demo instance) may be used. */
  { "allow_demo_providers", TRUE },
  /* Whether Lanyard may register itself with a server added by its
   * address (RFC 7591 dynamic client registration, issue 17); when not,
   * such a server is added only with a client id registered by hand. */
  { "allow_registration", TRUE },
  /* Whether providers that the system files do not define may be used. */
  { "only_system_providers", FALSE },
};

static const PolicyKey *
find_key (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (policy_keys); i++)
    if (g_strcmp0 (policy_keys[i].key, key) == 0)
      return &policy_keys[i];
  return NULL;
}

/**
 * lanyard_config_policy_get_keys:
 *
 * Returns: (transfer none): the names of every policy key, for messages
 */
const char *const *
lanyard_config_policy_get_keys (void)
{
  static const char *names[G_N_ELEMENTS (policy_keys) + 1];

  if (names[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (policy_keys); i++)
      names[i] = policy_keys[i].key;
  return names;
}

static void
lanyard_config_policy_finalize (GObject *object)
{
  LanyardConfigPolicy *self = LANYARD_CONFIG_POLICY (object);

  g_hash_table_unref (self->values);
  g_hash_table_unref (self->sources);

  G_OBJECT_CLASS (lanyard_config_policy_parent_class)->finalize (object);
}

static void
lanyard_config_policy_class_init (LanyardConfigPolicyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lanyard_config_policy_finalize;
}

static void
lanyard_config_policy_init (LanyardConfigPolicy *self)
{
  self->values = g_hash_table_new (g_str_hash, g_str_equal);
  self->sources = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

LanyardConfigPolicy *
lanyard_config_policy_new (void)
{
  return g_object_new (LANYARD_TYPE_CONFIG_POLICY, NULL);
}

/**
 * lanyard_config_policy_load_group:
 * @key_file: a system `providers.conf`
 * @path: where it is, for messages and lanyard_config_policy_get_source()
 * @problems: (element-type utf8): where to append (owned) messages about
 *   keys that are unknown or whose value is not understood
 *
 * Reads the `[policy]` group of @key_file, for the keys that no earlier
 * file set. A key whose value is not understood keeps its earlier value or
 * default, and is reported.
 */
void
lanyard_config_policy_load_group (LanyardConfigPolicy *self,
                                  GKeyFile            *key_file,
                                  const char          *path,
                                  GPtrArray           *problems)
{
  g_auto(GStrv) keys = NULL;

  g_return_if_fail (LANYARD_IS_CONFIG_POLICY (self));
  g_return_if_fail (key_file != NULL && path != NULL && problems != NULL);

  keys = g_key_file_get_keys (key_file, "policy", NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *key = g_utf8_make_valid (keys[i], -1);
      g_autofree char *value = g_key_file_get_string (key_file, "policy", keys[i], NULL);
      const PolicyKey *row = find_key (key);

      if (row == NULL)
        {
          g_autofree char *known = g_strjoinv (", ", (GStrv) lanyard_config_policy_get_keys ());

          g_ptr_array_add (problems, g_strdup_printf (_ ("%s: [policy]: unknown key “%s” (the policy knows: %s)"), path, key, known));
          continue;
        }

      /* The first file in XDG order decides, as for providers. */
      if (g_hash_table_contains (self->values, row->key))
        continue;

      if (value != NULL && (g_str_equal (value, "true") || g_str_equal (value, "false")))
        {
          g_hash_table_insert (self->values, (gpointer) row->key, GINT_TO_POINTER (g_str_equal (value, "true") + 1));
          g_hash_table_insert (self->sources, (gpointer) row->key, g_strdup (path));
        }
      else
        {
          g_autofree char *shown = g_utf8_make_valid (value != NULL ? value : "", -1);

          g_ptr_array_add (problems, g_strdup_printf (_ ("%s: [policy]: “%s” must be true or false, not “%s”; it stays %s"), path, row->key, shown, lanyard_config_policy_get_boolean (self, row->key) ? "true" : "false"));
        }
    }
}

/**
 * lanyard_config_policy_get_boolean:
 * @key: a key of the policy table
 *
 * Returns: what the system configuration says, or the key's default
 */
gboolean
lanyard_config_policy_get_boolean (LanyardConfigPolicy *self,
                                   const char          *key)
{
  const PolicyKey *row = find_key (key);
  gpointer         value;

  g_return_val_if_fail (LANYARD_IS_CONFIG_POLICY (self), FALSE);
  g_return_val_if_fail (row != NULL, FALSE);

  value = g_hash_table_lookup (self->values, row->key);
  return value != NULL ? GPOINTER_TO_INT (value) - 1 : row->default_value;
}

/**
 * lanyard_config_policy_get_source:
 *
 * Returns: (nullable): the file that set @key, or %NULL when it has its
 *   default
 */
const char *
lanyard_config_policy_get_source (LanyardConfigPolicy *self,
                                  const char          *key)
{
  g_return_val_if_fail (LANYARD_IS_CONFIG_POLICY (self), NULL);
  return g_hash_table_lookup (self->sources, key);
}
