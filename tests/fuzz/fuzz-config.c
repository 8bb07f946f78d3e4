/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: provider configuration, as the registry loads it: a
 * `providers.conf` (GKeyFile) in a configuration directory and a
 * `LANYARD_PROVIDER_FUZZ` variable in the compound form (shell quoting),
 * each instance validated by its provider type, under the file's own
 * [policy] and locks (it is read as a system file too). Every usable provider then
 * builds an authorize URL, as a sign-in does first.
 *
 * Input: the file; a line "@@env@@" may separate it from the variable's
 * value. */
#define G_LOG_DOMAIN "fuzz-config"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fuzz-common.h"
#include "lanyard-provider-registry.h"

#define ENV_SEPARATOR "\n@@env@@\n"

static char *config_dir;
static char *config_file;

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  if (config_dir != NULL)
    return;

  fuzz_init ();
  config_dir = g_dir_make_tmp ("lanyard-fuzz-config-XXXXXX", &error);
  g_assert_no_error (error);
  dir = g_build_filename (config_dir, LANYARD_USER_DIR_NAME, NULL);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  config_file = g_build_filename (dir, "providers.conf", NULL);
}

/* Removes the directory when the process ends normally; a crashed run
 * leaves it in the temporary directory. */
static void __attribute__ ((destructor))
teardown (void)
{
  if (config_dir == NULL)
    return;
  g_unlink (config_file);
  {
    g_autofree char *dir = g_path_get_dirname (config_file);
    g_rmdir (dir);
  }
  g_rmdir (config_dir);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LanyardProviderRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *variable = NULL;
  g_autofree char *text = NULL;
  const char      *dirs[] = { NULL, NULL, NULL };
  const char      *envp[] = { NULL, NULL };
  const char      *separator;
  gsize            file_length = size;
  GPtrArray       *entries;

  setup ();

  if (size > 64 * 1024)
    return 0;

  separator = g_strstr_len ((const char *) data, size, ENV_SEPARATOR);
  if (separator != NULL)
    {
      const char *value = separator + strlen (ENV_SEPARATOR);

      file_length = separator - (const char *) data;
      /* The environment holds C strings: the value ends at a NUL. */
      text = g_strndup (value, size - (value - (const char *) data));
      variable = g_strconcat ("LANYARD_PROVIDER_FUZZ=", text, NULL);
      envp[0] = variable;
    }

  if (!g_file_set_contents (config_file, (const char *) data, file_length, &error))
    g_error ("%s", error->message);

  /* The same file as the user's and as a system file: its [policy] and
   * locked providers are read, and the user's copy meets the locks. */
  dirs[0] = config_dir;
  dirs[1] = config_dir;
  registry = lanyard_provider_registry_new ();
  lanyard_provider_registry_load (registry, dirs, envp);

  entries = lanyard_provider_registry_get_entries (registry);
  for (guint i = 0; i < entries->len; i++)
    {
      const LanyardProviderEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char            *url = NULL;
      g_autofree char            *path = NULL;

      g_assert_true (lanyard_provider_id_is_valid (entry->id));
      g_assert_true ((entry->provider == NULL) != (entry->problem == NULL));
      /* The daemon lists these on the bus (ListProviders), where a string
       * that is not UTF-8 cannot go. */
      g_assert_true (g_utf8_validate (entry->display_name, -1, NULL));
      g_assert_true (g_utf8_validate (entry->type_name, -1, NULL));
      g_assert_true (entry->problem == NULL || g_utf8_validate (entry->problem, -1, NULL));
      if (entry->provider == NULL)
        continue;

      path = lanyard_provider_dup_redirect_path (entry->provider);
      /* OpenID Connect and the demo learn their endpoints in prepare. */
      if (g_str_equal (entry->type_name, "oidc") || g_str_equal (entry->type_name, "demo"))
        continue;
      url = lanyard_provider_build_authorize_url (entry->provider, "http://127.0.0.1:1/callback/x",
                                                  "state", "challenge",
                                                  lanyard_provider_get_uses_nonce (entry->provider) ? "nonce" : NULL, NULL);
      g_assert_nonnull (url);
    }

  return 0;
}
