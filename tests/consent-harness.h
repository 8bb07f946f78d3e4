/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For consent tests: a real xdg-permission-store on the private bus of
 * keyring-harness.h (started by hand, its files in @home), and `gdbus
 * call` to an account from a Flatpak-like sandbox (bwrap with a
 * /.flatpak-info naming the app id), as tests/test-daemon-policy.c does. */

#include "config.h"
#include "keyring-harness.h"

G_BEGIN_DECLS

G_GNUC_UNUSED static GSubprocess *
consent_store_up (const char *home)
{
  GSubprocess *store;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  const char *clean[] = { NULL };

  /* Its own environment: the tests' fatal warnings are for Lanyard. */
  g_subprocess_launcher_set_environ (launcher, (char **) clean);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", g_getenv ("DBUS_SESSION_BUS_ADDRESS"), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  store = g_subprocess_launcher_spawn (launcher, &error, "/usr/libexec/xdg-permission-store", "--replace", NULL);
  g_assert_no_error (error);
  for (guint i = 0; i < 200 && !keyring_harness_name_has_owner ("org.freedesktop.impl.portal.PermissionStore"); i++)
    g_usleep (25 * 1000);
  g_assert_true (keyring_harness_name_has_owner ("org.freedesktop.impl.portal.PermissionStore"));
  return store;
}

G_GNUC_UNUSED static void
consent_store_down (GSubprocess **store)
{
  if (*store == NULL)
    return;
  g_subprocess_send_signal (*store, SIGTERM);
  g_subprocess_wait (*store, NULL, NULL);
  g_clear_object (store);
  for (guint i = 0; i < 200 && keyring_harness_name_has_owner ("org.freedesktop.impl.portal.PermissionStore"); i++)
    g_usleep (25 * 1000);
}

/* `gdbus call` from a Flatpak-like sandbox of @app_id: the host's
 * top-level entries one by one on bwrap's own tmpfs root (binding "/"
 * itself would create /.flatpak-info in the host's real root). */
G_GNUC_UNUSED static GSubprocess *
consent_sandboxed_spawn (const char *info_dir,
                         const char *app_id,
                         const char *path,
                         const char *method)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDir) root = g_dir_open ("/", 0, NULL);
  g_autofree char *info = g_build_filename (info_dir, app_id, NULL);
  g_autofree char *contents = g_strdup_printf ("[Application]\nname=%s\n", app_id);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char  *entry;

  g_assert_true (g_file_set_contents (info, contents, -1, NULL));
  g_assert_nonnull (root);
  g_ptr_array_add (argv, g_strdup ("bwrap"));
  g_ptr_array_add (argv, g_strdup ("--unshare-pid"));
  g_ptr_array_add (argv, g_strdup ("--proc"));
  g_ptr_array_add (argv, g_strdup ("/proc"));
  while ((entry = g_dir_read_name (root)) != NULL)
    {
      g_autofree char *host = g_build_filename ("/", entry, NULL);
      g_autofree char *target = g_file_read_link (host, NULL);

      if (g_str_equal (entry, "proc") || g_str_equal (entry, ".flatpak-info"))
        continue;
      if (target != NULL)
        {
          g_ptr_array_add (argv, g_strdup ("--symlink"));
          g_ptr_array_add (argv, g_steal_pointer (&target));
          g_ptr_array_add (argv, g_strdup (host));
        }
      else if (g_file_test (host, G_FILE_TEST_IS_DIR))
        {
          g_ptr_array_add (argv, g_strdup ("--dev-bind"));
          g_ptr_array_add (argv, g_strdup (host));
          g_ptr_array_add (argv, g_strdup (host));
        }
    }
  g_ptr_array_add (argv, g_strdup ("--ro-bind"));
  g_ptr_array_add (argv, g_strdup (info));
  g_ptr_array_add (argv, g_strdup ("/.flatpak-info"));
  g_ptr_array_add (argv, g_strdup ("gdbus"));
  g_ptr_array_add (argv, g_strdup ("call"));
  g_ptr_array_add (argv, g_strdup ("--session"));
  g_ptr_array_add (argv, g_strdup ("--dest"));
  g_ptr_array_add (argv, g_strdup (LANYARD_DAEMON_BUS_NAME));
  g_ptr_array_add (argv, g_strdup ("--object-path"));
  g_ptr_array_add (argv, g_strdup (path));
  g_ptr_array_add (argv, g_strdup ("--timeout"));
  g_ptr_array_add (argv, g_strdup ("300"));
  g_ptr_array_add (argv, g_strconcat ("--method=io.github.lanyard.Account.", method, NULL));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

G_END_DECLS
