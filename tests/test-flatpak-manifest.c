/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What can go wrong in the Flatpak manifest without building it (the
 * flatpak test, tests/flatpak/, builds and runs it on a runtime made from
 * the host's packages, since GNOME's cannot be downloaded here): that
 * it parses as flatpak-builder parses it (json-glib, comments allowed),
 * that it agrees with what meson installs (application ID, command, D-Bus
 * service files, the daemon's bus name), that its finish-args are the
 * least that work, each explained, and that every file it names exists. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define STABLE_ID "io.github.lanyard.Lanyard"

typedef struct
{
  char       *text;
  JsonParser *parser;
  JsonObject *manifest;
  char      **installed; /* tests/installed-files.txt, default profile */
} Manifest;

static Manifest manifest;

static char *
source_path (const char *relative)
{
  return g_test_build_filename (G_TEST_DIST, "..", relative, NULL);
}

static void
load_manifest (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = source_path ("flatpak/" STABLE_ID ".json");
  g_autofree char *list_path = source_path ("tests/installed-files.txt");
  g_autofree char *list = NULL;
  g_autoptr(GPtrArray) installed = g_ptr_array_new ();
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &manifest.text, NULL, &error));
  g_assert_no_error (error);
  manifest.parser = json_parser_new ();
  json_parser_load_from_data (manifest.parser, manifest.text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (manifest.parser)));
  manifest.manifest = json_node_get_object (json_parser_get_root (manifest.parser));

  /* The stable build's list: placeholders for the default profile. */
  g_assert_true (g_file_get_contents (list_path, &list, NULL, &error));
  lines = g_strsplit (list, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GString) line = NULL;
      char *bracket;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      line = g_string_new (lines[i]);
      /* Options in brackets: the manifest turns systemd_user_unit off. */
      bracket = strchr (line->str, '[');
      if (bracket != NULL)
        {
          if (strstr (bracket, "systemd_user_unit") != NULL)
            continue;
          g_string_truncate (line, bracket - line->str);
          g_strchomp (line->str);
        }
      g_string_replace (line, "APP_ID", STABLE_ID, 0);
      g_string_replace (line, "SUFFIX", "", 0);
      g_ptr_array_add (installed, g_string_free (g_steal_pointer (&line), FALSE));
    }
  g_ptr_array_add (installed, NULL);
  manifest.installed = (char **) g_ptr_array_free (g_steal_pointer (&installed), FALSE);
}

static gboolean
is_installed (const char *relative)
{
  return g_strv_contains ((const char *const *) manifest.installed, relative);
}

static JsonObject *
lanyard_module (void)
{
  JsonArray *modules = json_object_get_array_member (manifest.manifest, "modules");
  guint      n = json_array_get_length (modules);

  /* flatpak-builder builds modules in order; the application is last. */
  g_assert_cmpuint (n, >, 0);
  return json_array_get_object_element (modules, n - 1);
}

static gboolean
strv_has (JsonArray  *array,
          const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

static void
test_identity_and_runtime (void)
{
  const char *version;
  guint64     major = 0;

  g_assert_cmpstr (json_object_get_string_member (manifest.manifest, "id"), ==, STABLE_ID);
  g_assert_cmpstr (json_object_get_string_member (manifest.manifest, "runtime"), ==, "org.gnome.Platform");
  g_assert_cmpstr (json_object_get_string_member (manifest.manifest, "sdk"), ==, "org.gnome.Sdk");

  /* WebKitGTK 6.0 is in the GNOME runtime from 44 on. */
  version = json_object_get_string_member (manifest.manifest, "runtime-version");
  g_assert_true (g_ascii_string_to_unsigned (version, 10, 44, 1000, &major, NULL));
}

static void
test_command_is_installed (void)
{
  const char      *command = json_object_get_string_member (manifest.manifest, "command");
  g_autofree char *path = g_build_filename ("bin", command, NULL);

  g_assert_true (is_installed (path));
}

/* docs/git.md tells git on the host to run
 * `flatpak run --command=git-credential-lanyard`: the helper must be in
 * /app/bin and survive the manifest's cleanup. */
static void
test_git_helper_is_kept (void)
{
  JsonArray *cleanup = json_object_get_array_member (manifest.manifest, "cleanup");

  g_assert_true (is_installed ("bin/git-credential-lanyard"));
  for (guint i = 0; cleanup != NULL && i < json_array_get_length (cleanup); i++)
    {
      const char *pattern = json_array_get_string_element (cleanup, i);

      g_assert_false (g_str_equal (pattern, "/bin") || g_str_equal (pattern, "/bin/git-credential-lanyard") ||
                      g_str_equal (pattern, "/bin/*") || g_str_equal (pattern, "git-credential-*"));
    }
}

static void
test_service_files_are_exported (void)
{
  guint services = 0;

  /* Flatpak exports a D-Bus service file only when its name is the
   * application ID or starts with it followed by a dot. */
  for (guint i = 0; manifest.installed[i] != NULL; i++)
    {
      const char      *path = manifest.installed[i];
      const char      *name;
      g_autofree char *bus_name = NULL;

      if (!g_str_has_prefix (path, "share/dbus-1/services/"))
        continue;
      name = path + strlen ("share/dbus-1/services/");
      g_assert_true (g_str_has_suffix (name, ".service"));
      bus_name = g_strndup (name, strlen (name) - strlen (".service"));
      g_assert_true (g_str_equal (bus_name, STABLE_ID) || g_str_has_prefix (bus_name, STABLE_ID "."));
      services++;
    }
  /* The application and the daemon. */
  g_assert_cmpuint (services, ==, 2);
  g_assert_true (is_installed ("share/dbus-1/services/" STABLE_ID ".Daemon.service"));
}

static void
test_finish_args_are_the_least (void)
{
  JsonArray        *args = json_object_get_array_member (manifest.manifest, "finish-args");
  const char *const needed[] = {
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
    "--own-name=" STABLE_ID ".Daemon",
  };
  /* Each would give the sandbox more than Lanyard needs, or (secrets)
   * bypass the Secret portal and expose every password of the user. */
  const char *const refused_prefixes[] = {
    "--talk-name=org.freedesktop.secrets",
    "--socket=session-bus",
    "--socket=x11",
    "--filesystem",
    "--device=all",
    "--talk-name=org.freedesktop.Flatpak",
    "--socket=system-bus",
  };

  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    {
      g_test_message ("needs %s", needed[i]);
      g_assert_true (strv_has (args, needed[i]));
    }
  for (guint i = 0; i < json_array_get_length (args); i++)
    {
      const char *arg = json_array_get_string_element (args, i);

      for (guint j = 0; j < G_N_ELEMENTS (refused_prefixes); j++)
        g_assert_false (g_str_has_prefix (arg, refused_prefixes[j]));
      /* Any bus name it owns is under the application ID. */
      if (g_str_has_prefix (arg, "--own-name="))
        g_assert_true (g_str_has_prefix (arg + strlen ("--own-name="), STABLE_ID "."));
    }
  /* Nothing beyond what is needed. */
  g_assert_cmpuint (json_array_get_length (args), ==, G_N_ELEMENTS (needed));
}

static void
test_finish_args_are_explained (void)
{
  /* Every finish-arg has its own comment saying why. The parser drops
   * comments, so this reads the text: between an argument and the one
   * before it (or the array's start) there is a comment. */
  const char *start = strstr (manifest.text, "\"finish-args\"");
  const char *end;
  const char *previous;
  guint       explained = 0;

  g_assert_nonnull (start);
  end = strchr (start, ']');
  g_assert_nonnull (end);
  previous = strchr (start, '[');
  for (const char *p = strstr (previous, "\"--"); p != NULL && p < end; p = strstr (p + 1, "\"--"))
    {
      g_autofree char *between = g_strndup (previous, p - previous);
      g_autofree char *arg = g_strndup (p, strcspn (p, ",\n"));

      g_test_message ("%s", arg);
      g_assert_nonnull (strstr (between, "*/"));
      previous = p + 1;
      explained++;
    }
  g_assert_cmpuint (explained, ==, json_array_get_length (json_object_get_array_member (manifest.manifest, "finish-args")));
}

static void
test_module_builds_with_meson (void)
{
  JsonObject *module = lanyard_module ();
  JsonArray  *opts = json_object_get_array_member (module, "config-opts");

  g_assert_cmpstr (json_object_get_string_member (module, "buildsystem"), ==, "meson");
  g_assert_true (strv_has (opts, "-Dprofile=default"));
  /* The host cannot start a systemd unit inside the sandbox. */
  g_assert_true (strv_has (opts, "-Dsystemd_user_unit=false"));
}

static void
test_every_named_file_exists (void)
{
  g_autofree char *flatpak_dir = source_path ("flatpak");
  JsonArray       *modules = json_object_get_array_member (manifest.manifest, "modules");
  guint            checked = 0;

  for (guint m = 0; m < json_array_get_length (modules); m++)
    {
      JsonArray *sources = json_object_get_array_member (json_array_get_object_element (modules, m), "sources");

      for (guint s = 0; s < json_array_get_length (sources); s++)
        {
          JsonObject      *source = json_array_get_object_element (sources, s);
          const char      *path = json_object_get_string_member_with_default (source, "path", NULL);
          g_autofree char *full = NULL;

          if (path == NULL)
            continue;
          full = g_build_filename (flatpak_dir, path, NULL);
          g_test_message ("%s", full);
          g_assert_true (g_file_test (full, G_FILE_TEST_EXISTS));
          checked++;
        }
    }
  /* The project's own tree, at least. */
  g_assert_cmpuint (checked, >=, 1);
  {
    g_autofree char *tree = g_build_filename (flatpak_dir, "..", "meson.build", NULL);
    g_assert_true (g_file_test (tree, G_FILE_TEST_IS_REGULAR));
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  load_manifest ();

  g_test_add_func ("/Lanyard/Flatpak/identity-and-runtime", test_identity_and_runtime);
  g_test_add_func ("/Lanyard/Flatpak/command-is-installed", test_command_is_installed);
  g_test_add_func ("/Lanyard/Flatpak/git-helper-is-kept", test_git_helper_is_kept);
  g_test_add_func ("/Lanyard/Flatpak/service-files-are-exported", test_service_files_are_exported);
  g_test_add_func ("/Lanyard/Flatpak/finish-args-are-the-least", test_finish_args_are_the_least);
  g_test_add_func ("/Lanyard/Flatpak/finish-args-are-explained", test_finish_args_are_explained);
  g_test_add_func ("/Lanyard/Flatpak/module-builds-with-meson", test_module_builds_with_meson);
  g_test_add_func ("/Lanyard/Flatpak/every-named-file-exists", test_every_named_file_exists);

  status = g_test_run ();
  g_clear_object (&manifest.parser);
  g_clear_pointer (&manifest.text, g_free);
  g_clear_pointer (&manifest.installed, g_strfreev);
  return status;
}
