/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lanyard-window-bench: the window under Xvfb with 20 linked accounts;
 * prints the time from process start to the first frame that shows them,
 * and the resident memory before and after the first sign-in dialog (the
 * first time WebKit is used). Run under xvfb-run; see README.md. */

#include "config.h"

#include <libsecret/secret.h>
#include <stdio.h>
#include <string.h>

#include "../tests/keyring-harness.h"

#define ACCOUNTS 20

static void
populate (const char *data_home)
{
  g_autoptr(GString) json = g_string_new ("{\"format\":1,\"accounts\":[");
  g_autofree char *dir = g_build_filename (data_home, LANYARD_USER_DIR_NAME, NULL);
  g_autofree char *path = g_build_filename (dir, "accounts.json", NULL);
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < ACCOUNTS; i++)
    g_string_append_printf (json, "%s{\"provider\":\"demo-github\",\"account_id\":\"%u\",\"username\":\"user%u\","
                                  "\"display_name\":\"User %u\",\"email\":\"user%u@example.com\",\"linked_at\":%" G_GINT64_FORMAT "}",
                            i > 0 ? "," : "", 100000 + i, i, i, i, now - ACCOUNTS + i);
  g_string_append (json, "]}");
  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, json->str, -1, NULL));
}

int
main (int   argc,
      char *argv[])
{
  KeyringHarness harness = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) daemon = NULL;
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  g_autofree char *data_home = NULL;

  if (argc != 5)
    {
      g_printerr ("usage: xvfb-run lanyard-window-bench DAEMON LANYARD SCHEMA-DIR MODULE-DIR\n");
      return 2;
    }

  keyring_harness_up (&harness, TRUE);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);

  data_home = g_dir_make_tmp ("lanyard-window-bench-XXXXXX", &error);
  populate (data_home);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_DIRS", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANYARD_DEMO", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", argv[3], TRUE);
  g_subprocess_launcher_setenv (launcher, "LANYARD_MODULE_DIR", argv[4], TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);
  g_subprocess_launcher_setenv (launcher, "WEBKIT_DISABLE_COMPOSITING_MODE", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS", "1", TRUE);
  daemon = g_subprocess_launcher_spawn (launcher, &error, argv[1], NULL);
  g_assert_no_error (error);
  while (!keyring_harness_name_has_owner (LANYARD_DAEMON_BUS_NAME))
    g_usleep (1000);

  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "LANYARD_BENCH", "1", TRUE);

  printf ("| renderer | accounts | first frame | RSS before any sign-in | RSS with the sign-in dialog open |\n");
  printf ("| --- | ---: | ---: | ---: | ---: |\n");

  /* Xvfb has no GPU: GTK's default GL renderer runs on Mesa's llvmpipe,
   * which alone costs some 150 MB and a second; both ways are shown. */
  for (guint mode = 0; mode < 2; mode++)
    {
      g_autoptr(GSubprocess) window = NULL;
      g_autofree char *out = NULL;
      g_auto(GStrv) lines = NULL;
      gint64 spawned, first_frame = 0;
      long   before = 0, after = 0;

      if (mode == 1)
        {
          g_subprocess_launcher_setenv (launcher, "GDK_DEBUG", "gl-disable", TRUE);
          g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", "cairo", TRUE);
        }

      spawned = g_get_monotonic_time ();
      window = g_subprocess_launcher_spawn (launcher, &error, argv[2], NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (window, NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);

      lines = g_strsplit (out, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          if (g_str_has_prefix (lines[i], "bench: first-frame "))
            first_frame = g_ascii_strtoll (lines[i] + strlen ("bench: first-frame "), NULL, 10);
          else if (g_str_has_prefix (lines[i], "bench: rss-before-dialog "))
            before = strtol (lines[i] + strlen ("bench: rss-before-dialog "), NULL, 10);
          else if (g_str_has_prefix (lines[i], "bench: rss-after-dialog "))
            after = strtol (lines[i] + strlen ("bench: rss-after-dialog "), NULL, 10);
        }

      printf ("| %s | %d | %.0f ms | %.1f MB | %.1f MB |\n",
              mode == 0 ? "GL (llvmpipe)" : "cairo, GL off", ACCOUNTS,
              (first_frame - spawned) / 1000.0, before / 1024.0, after / 1024.0);
      fflush (stdout);
    }

  g_subprocess_send_signal (daemon, SIGTERM);
  g_subprocess_wait (daemon, NULL, NULL);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", data_home);
    g_assert_cmpint (system (command), ==, 0);
  }
  return 0;
}
