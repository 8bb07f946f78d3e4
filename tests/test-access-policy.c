/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <unistd.h>

#include "lanyard-access-policy.h"

static void
test_sandbox_detection (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *proc = g_dir_make_tmp ("lanyard-proc-XXXXXX", &error);
  g_autofree char *host_root = g_build_filename (proc, "100", "root", NULL);
  g_autofree char *flatpak_root = g_build_filename (proc, "200", "root", NULL);
  g_autofree char *flatpak_info = g_build_filename (flatpak_root, ".flatpak-info", NULL);
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", proc);

  g_assert_cmpint (g_mkdir_with_parents (host_root, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (flatpak_root, 0700), ==, 0);
  g_assert_true (g_file_set_contents (flatpak_info, "[Application]\nname=org.example.App\n", -1, NULL));

  g_assert_false (lanyard_access_policy_pid_is_sandboxed (100, proc));
  g_assert_true (lanyard_access_policy_pid_is_sandboxed (200, proc));
  /* Gone, or not to be looked at: refused. */
  g_assert_true (lanyard_access_policy_pid_is_sandboxed (300, proc));
  g_assert_true (lanyard_access_policy_pid_is_sandboxed (0, proc));

  /* This very process runs outside any sandbox. */
  g_assert_false (lanyard_access_policy_pid_is_sandboxed ((guint32) getpid (), "/proc"));

  g_assert_cmpint (system (command), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Lanyard/AccessPolicy/sandbox-detection", test_sandbox_detection);
  return g_test_run ();
}
