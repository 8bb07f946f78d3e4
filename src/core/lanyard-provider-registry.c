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
 * `lanyard/providers.conf` in the XDG configuration directories: the
 * system's first (for one id, the first system file that names it wins, as
 * a whole; their `[policy]` holds for everything), then the user's, then
 * the `LANYARD_PROVIDER_<ID>` variables; each replaces an earlier group of
 * the same id, unless the administrator locked it. Every instance is validated now, at load: a
 * misconfigured one stays listed with its reason, and never fails later
 * with a bare missing key.
 *
 * Adding a provider type is a new file and one line in the table below.
 */
struct _LanyardProviderRegistry
{
  GObject parent_instance;

  SoupSession         *session;
  LanyardJwksCache    *jwks_cache;
  LanyardConfigPolicy *policy;
  GPtrArray           *entries; /* LanyardProviderEntry */
  GPtrArray           *problems; /* char*, NULL-terminated */
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
  g_clear_object (&self->policy);
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
  self->policy = lanyard_config_policy_new ();
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

static LanyardProviderEntry *
new_entry (LanyardProviderConfig *config)
{
  LanyardProviderEntry *entry = g_new0 (LanyardProviderEntry, 1);
  const char           *type_name = lanyard_provider_config_peek (config, "type");

  entry->id = g_strdup (lanyard_provider_config_get_id (config));
  entry->source = g_strdup (lanyard_provider_config_get_source (config));
  entry->type_name = g_strdup (type_name != NULL ? type_name : "");
  return entry;
}

/* Puts @entry in the list: in the place of an entry of the same id (the
 * user's file or the environment overriding a system file keeps the
 * system's order), or at the end. */
static void
put_entry (LanyardProviderRegistry *self,
           LanyardProviderEntry    *entry)
{
  guint index;

  if (find_entry (self, entry->id, &index) != NULL)
    {
      entry_free (g_ptr_array_index (self->entries, index));
      g_ptr_array_index (self->entries, index) = entry;
    }
  else
    g_ptr_array_add (self->entries, entry);
}

static void
set_entry_problem (LanyardProviderEntry *entry,
                   const char           *config_display_name,
                   const char           *reason)
{
  entry->display_name = g_strdup (config_display_name != NULL && config_display_name[0] != '\0' ? config_display_name : entry->id);
  entry->problem = g_strdup_printf (_ ("Provider “%s” (%s): %s"), entry->id, entry->source, reason);
  g_debug ("%s", entry->problem);
}

/* Validates @config and registers the result. @from_system: it comes from
 * a system file, where the administrator may lock it. */
static void
add_config_from (LanyardProviderRegistry *self,
                 LanyardProviderConfig   *config,
                 gboolean                 from_system)
{
  g_autoptr(LanyardProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char      *known = NULL;
  LanyardProviderEntry *entry;
  const char           *type_name;
  const char           *locked = NULL;
  GType                 type;

  for (const char *const *w = lanyard_provider_config_get_warnings (config); *w != NULL; w++)
    add_problem (self, g_strdup_printf (_ ("Provider “%s” (%s): %s"), lanyard_provider_config_get_id (config), lanyard_provider_config_get_source (config), *w));

  entry = new_entry (config);
  type_name = lanyard_provider_config_peek (config, "type");
  known = g_strjoinv (", ", (GStrv) lanyard_provider_registry_get_type_names ());

  /* Anything but a clear "false" locks: an administrator who wrote
   * locked=yes meant it. */
  if (from_system && (locked = lanyard_provider_config_get (config, "locked")) != NULL)
    entry->locked = g_strcmp0 (locked, "false") != 0;

  type = type_for_name (type_name);
  if (from_system && locked != NULL && !g_str_equal (locked, "true") && !g_str_equal (locked, "false"))
    g_set_error (&error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                 _ ("“locked” must be true or false, not “%s”"), locked);
  else if (!from_system && lanyard_provider_config_peek (config, "locked") != NULL)
    g_set_error_literal (&error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                         _ ("“locked” is only read from a system file (in $XDG_CONFIG_DIRS, such as /etc/xdg/lanyard/providers.conf); remove it here"));
  else if (type_name == NULL || type_name[0] == '\0')
    g_set_error (&error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                 _ ("“type” is missing; set it to one of %s"), known);
  else if (type == G_TYPE_INVALID)
    g_set_error (&error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                 _ ("the type “%s” is unknown; use one of %s"), type_name, known);
  else if (type == LANYARD_TYPE_PROVIDER_DEMO && !lanyard_config_policy_get_boolean (self->policy, "allow_demo_providers"))
    g_set_error (&error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                 _ ("demo providers are turned off by the administrator (%s sets [policy] allow_demo_providers=false)"),
                 lanyard_config_policy_get_source (self->policy, "allow_demo_providers"));
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
    set_entry_problem (entry, lanyard_provider_config_peek (config, "display_name"), error->message);

  put_entry (self, entry);
}

/* Whether the user's file or environment may define @id, from @source.
 * When not, the reason is told: as a problem of its own when the
 * administrator's provider of that id stays in place, or as the entry's
 * problem when there is none, so that the window says why. */
static gboolean
user_may_define (LanyardProviderRegistry *self,
                 LanyardProviderConfig   *config)
{
  const char           *id = lanyard_provider_config_get_id (config);
  const char           *source = lanyard_provider_config_get_source (config);
  LanyardProviderEntry *existing = find_entry (self, id, NULL);
  LanyardProviderEntry *entry;
  g_autofree char      *reason = NULL;

  if (existing != NULL && existing->locked)
    {
      add_problem (self, g_strdup_printf (_ ("Provider “%s” (%s) is not used: the administrator locked the provider “%s” in %s"), id, source, id, existing->source));
      return FALSE;
    }

  if (!lanyard_config_policy_get_boolean (self->policy, "only_system_providers"))
    return TRUE;

  reason = g_strdup_printf (_ ("not available; the administrator allows only the providers of the system configuration (%s sets [policy] only_system_providers=true)"),
                            lanyard_config_policy_get_source (self->policy, "only_system_providers"));
  if (existing != NULL)
    {
      add_problem (self, g_strdup_printf (_ ("Provider “%s” (%s): %s"), id, source, reason));
      return FALSE;
    }

  entry = new_entry (config);
  set_entry_problem (entry, lanyard_provider_config_peek (config, "display_name"), reason);
  put_entry (self, entry);
  return FALSE;
}

/**
 * lanyard_provider_registry_add_config:
 *
 * Validates @config, a provider of the user's (their file or environment),
 * and registers the result, replacing an entry of the same id (an
 * environment variable overrides a file, the user's file a system one) —
 * unless the administrator locked that id or allows only system providers.
 */
void
lanyard_provider_registry_add_config (LanyardProviderRegistry *self,
                                      LanyardProviderConfig   *config)
{
  g_return_if_fail (LANYARD_IS_PROVIDER_REGISTRY (self));
  g_return_if_fail (LANYARD_IS_PROVIDER_CONFIG (config));

  if (user_may_define (self, config))
    add_config_from (self, config, FALSE);
}

/* Reads @path; a missing file is no problem (most computers have no
 * system file), anything else unreadable is. */
static GKeyFile *
read_key_file (LanyardProviderRegistry *self,
               const char              *path)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        add_problem (self, g_strdup_printf ("%s cannot be read: %s. Its providers are not available.", path, error->message));
      return NULL;
    }

  return g_steal_pointer (&key_file);
}

static void
load_key_file (LanyardProviderRegistry *self,
               GKeyFile                *key_file,
               const char              *path,
               gboolean                 from_system,
               GHashTable              *seen)
{
  g_auto(GStrv) groups = NULL;

  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autoptr(LanyardProviderConfig) config = NULL;
      g_auto(GStrv) keys = NULL;
      const char *id;

      if (g_str_equal (groups[i], "policy"))
        {
          /* Read before any provider, by the caller, for system files. */
          if (!from_system)
            add_problem (self, g_strdup_printf (_ ("%s: the group [policy] is only read from a system file (in $XDG_CONFIG_DIRS, such as /etc/xdg/lanyard/providers.conf); it is ignored here"), path));
          continue;
        }

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

      /* Among system files, the first in XDG order that defines an id
       * wins. */
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

      if (from_system)
        add_config_from (self, config, TRUE);
      else
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

static void
free_key_file (gpointer key_file)
{
  if (key_file != NULL)
    g_key_file_unref (key_file);
}

/**
 * lanyard_provider_registry_load:
 * @config_dirs: the user's configuration directory, then the system's in
 *   order of precedence; each may hold `lanyard/providers.conf`
 * @envp: (nullable): the environment to read `LANYARD_PROVIDER_*` from
 *
 * Loads and validates every configured provider: first the `[policy]` and
 * the providers of the system files, then the user's file and the
 * environment, which replace a system provider of the same id unless it is
 * locked (or the policy allows only system providers). Problems that
 * belong to no provider (an unreadable file, a bad group name, a user's
 * provider that is not used) are kept in
 * lanyard_provider_registry_get_problems().
 */
void
lanyard_provider_registry_load (LanyardProviderRegistry *self,
                                const char *const       *config_dirs,
                                const char *const       *envp)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) variables = g_ptr_array_new ();
  g_autoptr(GPtrArray) key_files = g_ptr_array_new_with_free_func (free_key_file);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) policy_problems = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (LANYARD_IS_PROVIDER_REGISTRY (self));

  for (guint i = 0; config_dirs != NULL && config_dirs[i] != NULL; i++)
    {
      char     *path = g_build_filename (config_dirs[i], LANYARD_USER_DIR_NAME, "providers.conf", NULL);
      GKeyFile *key_file = read_key_file (self, path);

      g_ptr_array_add (paths, path);
      g_ptr_array_add (key_files, key_file);
      /* The policy holds for every provider, so it is read first. */
      if (i > 0 && key_file != NULL && g_key_file_has_group (key_file, "policy"))
        lanyard_config_policy_load_group (self->policy, key_file, path, policy_problems);
    }
  for (guint i = 0; i < policy_problems->len; i++)
    add_problem (self, g_strdup (g_ptr_array_index (policy_problems, i)));

  for (guint i = 1; i < key_files->len; i++)
    if (g_ptr_array_index (key_files, i) != NULL)
      load_key_file (self, g_ptr_array_index (key_files, i), g_ptr_array_index (paths, i), TRUE, seen);
  if (key_files->len > 0 && g_ptr_array_index (key_files, 0) != NULL)
    {
      g_autoptr(GHashTable) user_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      load_key_file (self, g_ptr_array_index (key_files, 0), g_ptr_array_index (paths, 0), FALSE, user_seen);
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

      /* Unreadable: still listed, with the reason, replacing a file's
       * entry — unless the user may not define that id at all. */
      config = lanyard_provider_config_new (id, source);
      if (!user_may_define (self, config))
        continue;
      entry = new_entry (config);
      entry->display_name = g_strdup (id);
      entry->problem = g_strdup_printf (_ ("Provider “%s”: %s"), id, error->message);
      g_debug ("%s", entry->problem);
      put_entry (self, entry);
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

  if (!lanyard_config_policy_get_boolean (self->policy, "allow_demo_providers"))
    {
      add_problem (self, g_strdup_printf (_ ("Demo mode is not available: the administrator turned demo providers off (%s sets [policy] allow_demo_providers=false)"), lanyard_config_policy_get_source (self->policy, "allow_demo_providers")));
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (flavors); i++)
    {
      g_autofree char *id = g_strconcat ("demo-", flavors[i], NULL);
      g_autoptr(LanyardProviderConfig) config = NULL;

      if (find_entry (self, id, NULL) != NULL)
        continue;

      config = lanyard_provider_config_new (id, "demo mode");
      lanyard_provider_config_set (config, "type", "demo");
      lanyard_provider_config_set (config, "flavor", flavors[i]);
      /* Demo mode is asked for on the command line; of the policy, only
       * allow_demo_providers governs it. */
      add_config_from (self, config, FALSE);
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

/**
 * lanyard_provider_registry_get_policy:
 *
 * Returns: (transfer none): the administrator's `[policy]`, as read by
 *   lanyard_provider_registry_load()
 */
LanyardConfigPolicy *
lanyard_provider_registry_get_policy (LanyardProviderRegistry *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_REGISTRY (self), NULL);
  return self->policy;
}
