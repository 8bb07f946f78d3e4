/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-provider-registry"

#include "config.h"

#include <glib/gi18n.h>

#include "lanyard-provider-registry.h"

#include <string.h>

#include "lanyard-error.h"
#include "lanyard-provider-demo.h"
#include "lanyard-provider-github.h"
#include "lanyard-provider-gitlab.h"
#include "lanyard-provider-google.h"
#include "lanyard-provider-microsoft.h"
#include "lanyard-provider-oauth2.h"
#include "lanyard-provider-oidc.h"

/**
 * LanyardProviderRegistry:
 *
 * Maps provider ids to configured instances. It reads every
 * `lanyard/providers.conf` in the XDG configuration directories (the user's
 * first; for one id, the first file that names it wins, as a whole) and
 * then the `LANYARD_PROVIDER_<ID>` variables, which override a file's group
 * of the same id. Every instance is validated now, at load: a
 * misconfigured one stays listed with its reason, and never fails later
 * with a bare missing key.
 *
 * Adding a provider type is a new file and one line in the table below.
 */
struct _LanyardProviderRegistry
{
  GObject parent_instance;

  SoupSession      *session;
  LanyardJwksCache *jwks_cache;
  GPtrArray        *entries; /* LanyardProviderEntry */
  GPtrArray        *problems; /* char*, NULL-terminated */
};

G_DEFINE_FINAL_TYPE (LanyardProviderRegistry, lanyard_provider_registry, G_TYPE_OBJECT)

#define ENV_PREFIX "LANYARD_PROVIDER_"

/* Timeouts for every provider request: long enough for a slow server, short
 * enough that a person is told within a minute. */
#define HTTP_TIMEOUT_SECONDS 30

static GType
type_for_name (const char *type_name)
{
  static const struct
  {
    const char *name;
    GType (*get_type) (void);
  } types[] = {
    { "github", lanyard_provider_github_get_type },
    { "gitlab", lanyard_provider_gitlab_get_type },
    { "google", lanyard_provider_google_get_type },
    { "microsoft", lanyard_provider_microsoft_get_type },
    { "oidc", lanyard_provider_oidc_get_type },
    { "oauth2", lanyard_provider_oauth2_get_type },
    { "demo", lanyard_provider_demo_get_type },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_strcmp0 (type_name, types[i].name) == 0)
      return types[i].get_type ();

  return G_TYPE_INVALID;
}

/**
 * lanyard_provider_registry_get_type_names:
 *
 * Returns: (transfer none): the provider types, for messages and help
 */
const char *const *
lanyard_provider_registry_get_type_names (void)
{
  static const char *const names[] = {
    "github", "gitlab", "google", "microsoft", "oidc", "oauth2", "demo", NULL
  };
  return names;
}

static void
entry_free (LanyardProviderEntry *entry)
{
  g_free (entry->id);
  g_free (entry->type_name);
  g_free (entry->display_name);
  g_free (entry->source);
  g_clear_object (&entry->provider);
  g_free (entry->problem);
  g_free (entry);
}

static void
lanyard_provider_registry_finalize (GObject *object)
{
  LanyardProviderRegistry *self = LANYARD_PROVIDER_REGISTRY (object);

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_object (&self->jwks_cache);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (lanyard_provider_registry_parent_class)->finalize (object);
}

static void
lanyard_provider_registry_class_init (LanyardProviderRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lanyard_provider_registry_finalize;
}

static void
lanyard_provider_registry_init (LanyardProviderRegistry *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->problems = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->problems, NULL);
  self->session = soup_session_new_with_options ("user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                                 "timeout", HTTP_TIMEOUT_SECONDS,
                                                 "idle-timeout", 60,
                                                 NULL);
  self->jwks_cache = lanyard_jwks_cache_new (self->session);
}

LanyardProviderRegistry *
lanyard_provider_registry_new (void)
{
  return g_object_new (LANYARD_TYPE_PROVIDER_REGISTRY, NULL);
}

/**
 * lanyard_provider_registry_get_session:
 *
 * Returns: (transfer none): the HTTP session every provider uses
 */
SoupSession *
lanyard_provider_registry_get_session (LanyardProviderRegistry *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_REGISTRY (self), NULL);
  return self->session;
}

static void
add_problem (LanyardProviderRegistry *self,
             char                    *problem)
{
  g_debug ("%s", problem);
  g_ptr_array_insert (self->problems, self->problems->len - 1, problem);
}

static LanyardProviderEntry *
find_entry (LanyardProviderRegistry *self,
            const char              *id,
            guint                   *index)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      LanyardProviderEntry *entry = g_ptr_array_index (self->entries, i);

      if (g_str_equal (entry->id, id))
        {
          if (index != NULL)
            *index = i;
          return entry;
        }
    }

  return NULL;
}

/**
 * lanyard_provider_registry_add_config:
 *
 * Validates @config and registers the result, replacing an entry of the
 * same id (an environment variable overrides a file).
 */
void
lanyard_provider_registry_add_config (LanyardProviderRegistry *self,
                                      LanyardProviderConfig   *config)
{
  g_autoptr(LanyardProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char      *known = NULL;
  LanyardProviderEntry *entry;
  const char           *type_name;
  const char           *display_name;
  GType                 type;
  guint                 index;

  g_return_if_fail (LANYARD_IS_PROVIDER_REGISTRY (self));
  g_return_if_fail (LANYARD_IS_PROVIDER_CONFIG (config));

  entry = g_new0 (LanyardProviderEntry, 1);
  entry->id = g_strdup (lanyard_provider_config_get_id (config));
  entry->source = g_strdup (lanyard_provider_config_get_source (config));
  type_name = lanyard_provider_config_peek (config, "type");
  entry->type_name = g_strdup (type_name != NULL ? type_name : "");
  known = g_strjoinv (", ", (GStrv) lanyard_provider_registry_get_type_names ());

  type = type_for_name (type_name);
  if (type_name == NULL || type_name[0] == '\0')
    g_set_error (&error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                 _ ("“type” is missing; set it to one of %s"), known);
  else if (type == G_TYPE_INVALID)
    g_set_error (&error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                 _ ("the type “%s” is unknown; use one of %s"), type_name, known);
  else
    {
      provider = g_object_new (type, NULL);
      lanyard_provider_set_jwks_cache (provider, self->jwks_cache);
      if (!lanyard_provider_configure (provider, config, self->session, &error))
        g_clear_object (&provider);
    }

  if (provider != NULL)
    {
      entry->display_name = g_strdup (lanyard_provider_get_display_name (provider));
      entry->provider = g_steal_pointer (&provider);
    }
  else
    {
      display_name = lanyard_provider_config_peek (config, "display_name");
      entry->display_name = g_strdup (display_name != NULL && display_name[0] != '\0' ? display_name : entry->id);
      entry->problem = g_strdup_printf (_ ("Provider “%s” (%s): %s"), entry->id, entry->source, error->message);
      g_debug ("%s", entry->problem);
    }

  if (find_entry (self, entry->id, &index) != NULL)
    g_ptr_array_remove_index (self->entries, index);
  g_ptr_array_add (self->entries, entry);
}

static void
load_key_file (LanyardProviderRegistry *self,
               const char              *path,
               GHashTable              *seen)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        add_problem (self, g_strdup_printf ("%s cannot be read: %s. Its providers are not available.", path, error->message));
      return;
    }

  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autoptr(LanyardProviderConfig) config = NULL;
      g_auto(GStrv) keys = NULL;
      const char *id;

      if (!g_str_has_prefix (groups[i], "provider "))
        {
          add_problem (self, g_strdup_printf ("%s: the group [%s] is not understood; provider groups are named [provider ID]", path, groups[i]));
          continue;
        }

      id = groups[i] + strlen ("provider ");
      if (!lanyard_provider_id_is_valid (id))
        {
          g_autofree char *group = g_utf8_make_valid (groups[i], -1);

          add_problem (self, g_strdup_printf ("%s: [%s]: “%s” is not a valid provider id; use lower-case letters, digits and dashes, starting with a letter", path, group, group + strlen ("provider ")));
          continue;
        }

      /* The first file in XDG order that defines an id wins. */
      if (g_hash_table_contains (seen, id))
        continue;
      g_hash_table_add (seen, g_strdup (id));

      config = lanyard_provider_config_new (id, path);
      keys = g_key_file_get_keys (key_file, groups[i], NULL, NULL);
      for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
        {
          g_autofree char *value = g_key_file_get_string (key_file, groups[i], keys[k], NULL);
          /* GKeyFile checks values, not key names: a name that is not
           * UTF-8 is no key of ours, and its "unknown key" message goes on
           * the bus, where text must be UTF-8. */
          g_autofree char *key = g_utf8_make_valid (keys[k], -1);

          if (value != NULL)
            lanyard_provider_config_set (config, key, value);
        }

      lanyard_provider_registry_add_config (self, config);
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static char *
id_from_variable (const char *name)
{
  g_autofree char *id = g_ascii_strdown (name + strlen (ENV_PREFIX), -1);

  g_strdelimit (id, "_", '-');
  return lanyard_provider_id_is_valid (id) ? g_steal_pointer (&id) : NULL;
}

/**
 * lanyard_provider_registry_load:
 * @config_dirs: directories in order of precedence (the user's first); each
 *   may hold `lanyard/providers.conf`
 * @envp: (nullable): the environment to read `LANYARD_PROVIDER_*` from
 *
 * Loads and validates every configured provider. Problems that belong to
 * no provider (an unreadable file, a bad group name) are kept in
 * lanyard_provider_registry_get_problems().
 */
void
lanyard_provider_registry_load (LanyardProviderRegistry *self,
                                const char *const       *config_dirs,
                                const char *const       *envp)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) variables = g_ptr_array_new ();

  g_return_if_fail (LANYARD_IS_PROVIDER_REGISTRY (self));

  for (guint i = 0; config_dirs != NULL && config_dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (config_dirs[i], LANYARD_USER_DIR_NAME, "providers.conf", NULL);
      load_key_file (self, path, seen);
    }

  for (guint i = 0; envp != NULL && envp[i] != NULL; i++)
    if (g_str_has_prefix (envp[i], ENV_PREFIX) && strchr (envp[i], '=') != NULL)
      g_ptr_array_add (variables, (gpointer) envp[i]);

  /* Sorted, so that the list does not depend on the environment's order. */
  g_ptr_array_sort (variables, compare_strings);

  for (guint i = 0; i < variables->len; i++)
    {
      const char      *assignment = g_ptr_array_index (variables, i);
      const char      *eq = strchr (assignment, '=');
      g_autofree char *name = g_strndup (assignment, eq - assignment);
      g_autofree char *id = id_from_variable (name);
      g_autofree char *source = g_strdup_printf (_ ("environment variable %s"), name);
      g_autoptr(LanyardProviderConfig) config = NULL;
      g_autoptr(GError) error = NULL;
      LanyardProviderEntry *entry;
      guint                 index;

      if (id == NULL)
        {
          add_problem (self, g_strdup_printf ("%s does not name a valid provider id; use LANYARD_PROVIDER_ followed by letters, digits and underscores, starting with a letter", name));
          continue;
        }

      config = lanyard_provider_config_new_from_compound (id, source, eq + 1, &error);
      if (config != NULL)
        {
          lanyard_provider_registry_add_config (self, config);
          continue;
        }

      /* Unreadable: still listed, with the reason, replacing a file's entry. */
      if (find_entry (self, id, &index) != NULL)
        g_ptr_array_remove_index (self->entries, index);
      entry = g_new0 (LanyardProviderEntry, 1);
      entry->id = g_strdup (id);
      entry->type_name = g_strdup ("");
      entry->display_name = g_strdup (id);
      entry->source = g_steal_pointer (&source);
      entry->problem = g_strdup_printf (_ ("Provider “%s”: %s"), id, error->message);
      g_debug ("%s", entry->problem);
      g_ptr_array_add (self->entries, entry);
    }
}

/**
 * lanyard_provider_registry_load_default:
 *
 * Loads from `$XDG_CONFIG_HOME`, then `$XDG_CONFIG_DIRS`, then the process
 * environment.
 */
void
lanyard_provider_registry_load_default (LanyardProviderRegistry *self)
{
  g_autoptr(GPtrArray) dirs = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  const char *const *system_dirs = g_get_system_config_dirs ();

  g_ptr_array_add (dirs, (gpointer) g_get_user_config_dir ());
  for (guint i = 0; system_dirs[i] != NULL; i++)
    g_ptr_array_add (dirs, (gpointer) system_dirs[i]);
  g_ptr_array_add (dirs, NULL);

  lanyard_provider_registry_load (self, (const char *const *) dirs->pdata, (const char *const *) envp);
}

/**
 * lanyard_provider_registry_add_demo_providers:
 *
 * Adds `demo-github` and `demo-gitlab`, unless the configuration already
 * uses those ids. Only called when demo mode is asked for.
 */
void
lanyard_provider_registry_add_demo_providers (LanyardProviderRegistry *self)
{
  static const char *const flavors[] = { "github", "gitlab" };

  g_return_if_fail (LANYARD_IS_PROVIDER_REGISTRY (self));

  for (guint i = 0; i < G_N_ELEMENTS (flavors); i++)
    {
      g_autofree char *id = g_strconcat ("demo-", flavors[i], NULL);
      g_autoptr(LanyardProviderConfig) config = NULL;

      if (find_entry (self, id, NULL) != NULL)
        continue;

      config = lanyard_provider_config_new (id, "demo mode");
      lanyard_provider_config_set (config, "type", "demo");
      lanyard_provider_config_set (config, "flavor", flavors[i]);
      lanyard_provider_registry_add_config (self, config);
    }
}

/**
 * lanyard_provider_registry_remove:
 *
 * Forgets the provider @id (a server removed by the person). Sign-ins
 * already running with it keep their own reference.
 *
 * Returns: whether there was one
 */
gboolean
lanyard_provider_registry_remove (LanyardProviderRegistry *self,
                                  const char              *id)
{
  guint index;

  g_return_val_if_fail (LANYARD_IS_PROVIDER_REGISTRY (self), FALSE);

  if (find_entry (self, id, &index) == NULL)
    return FALSE;
  g_ptr_array_remove_index (self->entries, index);
  return TRUE;
}

/**
 * lanyard_provider_registry_get_entries:
 *
 * Returns: (transfer none) (element-type LanyardProviderEntry): every
 *   configured provider, usable or not, in configuration order
 */
GPtrArray *
lanyard_provider_registry_get_entries (LanyardProviderRegistry *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_REGISTRY (self), NULL);
  return self->entries;
}

/**
 * lanyard_provider_registry_get_entry:
 *
 * Returns: (transfer none) (nullable):
 */
const LanyardProviderEntry *
lanyard_provider_registry_get_entry (LanyardProviderRegistry *self,
                                     const char              *id)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_REGISTRY (self), NULL);
  return find_entry (self, id, NULL);
}

/**
 * lanyard_provider_registry_lookup:
 *
 * Returns: (transfer none) (nullable): the usable provider with @id
 */
LanyardProvider *
lanyard_provider_registry_lookup (LanyardProviderRegistry *self,
                                  const char              *id)
{
  LanyardProviderEntry *entry;

  g_return_val_if_fail (LANYARD_IS_PROVIDER_REGISTRY (self), NULL);

  entry = find_entry (self, id, NULL);
  return entry != NULL ? entry->provider : NULL;
}

/**
 * lanyard_provider_registry_get_problems:
 *
 * Returns: (transfer none): configuration problems that belong to no
 *   single provider
 */
const char *const *
lanyard_provider_registry_get_problems (LanyardProviderRegistry *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_REGISTRY (self), NULL);
  return (const char *const *) self->problems->pdata;
}
