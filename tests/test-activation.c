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

  status = g_test_run ();
  keyring_harness_down (&harness);
  return status;
}
