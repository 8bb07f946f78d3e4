/* SPDX-License-Identifier: GPL-3.0-or-later */
/* D-Bus activation: nobody starts lanyard-daemon, lanyardctl's call does. */

#include <signal.h>
#include <string.h>

#include "daemon-harness.h"

static KeyringHarness harness;

static void
test_activated_by_a_call (void)
{
  g_autoptr(CtlResult) providers = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 pid = 0;

  g_assert_false (keyring_harness_name_has_owner (DAEMON_NAME));

  providers = ctl ("providers", NULL);
  g_assert_cmpint (providers->status, ==, 0);
  g_assert_true (keyring_harness_name_has_owner (DAEMON_NAME));

  /* And it leaves cleanly on SIGTERM. */
  reply = g_dbus_connection_call_sync (daemon_connection (), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                       g_variant_new ("(s)", DAEMON_NAME), G_VARIANT_TYPE ("(u)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &pid);
  g_assert_cmpint (kill ((pid_t) pid, SIGTERM), ==, 0);
  g_assert_true (daemon_wait_name (FALSE));
}

/* git-credential-lanyard starts the daemon too (D-Bus activation is
 * allowed, within its 5 s), so that `git push` works before anything else
 * ran; with no provider serving the host it says nothing. */
static void
test_activated_by_git_credential (void)
{
  g_autofree char *binary = g_test_build_filename (G_TEST_BUILT, "..", "src", "git-credential",
                                                   LANYARD_GIT_CREDENTIAL_PROGRAM, NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  guint32          pid = 0;

  g_assert_false (keyring_harness_name_has_owner (DAEMON_NAME));

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, binary, "get", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, "protocol=https\nhost=git.example.com\n\n", NULL, test_store_result,
                                       &result);
  g_assert_true (g_subprocess_communicate_utf8_finish (process, test_wait_result (&result), &out, &err, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (keyring_harness_name_has_owner (DAEMON_NAME));

  reply = g_dbus_connection_call_sync (daemon_connection (), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                       g_variant_new ("(s)", DAEMON_NAME), G_VARIANT_TYPE ("(u)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &pid);
  g_assert_cmpint (kill ((pid_t) pid, SIGTERM), ==, 0);
  g_assert_true (daemon_wait_name (FALSE));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  harness.home = g_dir_make_tmp ("lanyard-activation-XXXXXX", NULL);
  harness.bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_add_service_dir (harness.bus, DEV_SERVICE_DIR);
  g_test_dbus_up (harness.bus);

  g_test_add_func ("/Lanyard/Activation/activated-by-a-call", test_activated_by_a_call);
  g_test_add_func ("/Lanyard/Activation/activated-by-git-credential", test_activated_by_git_credential);

  status = g_test_run ();
  keyring_harness_down (&harness);
  return status;
}
