/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
/* The daemon's private socket (src/daemon/lanyard-private-socket.c) for
 * real, outside a sandbox: LANYARD_PRIVATE_SOCKET=1 makes the daemon behave
 * as it does in a Flatpak, where callers on the bus cannot be told apart
 * and get only the identity, and the window and host programs act through
 * the socket. lanyardctl finds the socket by itself. The Flatpak test
 * (tests/flatpak/) shows the same inside a real sandbox. */

#include <libsecret/secret.h>
#include <string.h>

#include "daemon-harness.h"

static KeyringHarness harness;
static FakeProvider  *fake;
static Daemon         daemon_process;

static char *
socket_path (void)
{
  return g_build_filename (g_get_user_runtime_dir (), "app", APPLICATION_ID, "daemon", NULL);
}

static GDBusConnection *
connect_socket (void)
{
  g_autofree char *path = socket_path ();
  g_autofree char *address = g_strconcat ("unix:path=", path, NULL);
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  connection = g_dbus_connection_new_for_address_sync (address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL,
                                                       NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static void
test_bus_is_identity_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) providers = NULL;
  g_autoptr(GVariant) flow = NULL;
  g_autofree char *remote = NULL;

  providers = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "ListProviders", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (providers);

  /* On the bus every caller is "unknown", as in the sandbox. */
  flow = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "StartFlow",
                      g_variant_new ("(sa{sv})", "hub", NULL), NULL, &error);
  g_assert_null (flow);
  g_assert_true (g_dbus_error_is_remote_error (error));
  remote = g_dbus_error_get_remote_error (error);
  g_assert_nonnull (strstr (remote, "PermissionDenied"));
}

static void
test_socket_acts (void)
{
  g_autofree char *path = socket_path ();
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(CtlResult) token = NULL;
  g_autoptr(CtlResult) primary = NULL;
  g_autoptr(CtlResult) unlinked = NULL;

  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  /* A sign-in: StartFlow, and the sign-in's signals, which the daemon sends
   * to its starter only, relayed back. */
  linked = link_with_ctl ("hub");
  g_assert_cmpint (linked->status, ==, 0);
  g_assert_cmpstr (linked->out, ==, "Linked hub:583231 (octocat)\n");
  token = ctl ("token", "hub:583231", NULL);
  g_assert_cmpint (token->status, ==, 0);
  g_assert_true (g_str_has_prefix (token->out, "fake_at_"));
  primary = ctl ("primary", "hub:583231", NULL);
  g_assert_cmpint (primary->status, ==, 0);
  unlinked = ctl ("unlink", "hub:583231", NULL);
  g_assert_cmpint (unlinked->status, ==, 0);
}

static void
test_socket_direct (void)
{
  g_autoptr(GDBusConnection) connection = connect_socket ();
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *remote = NULL;

  /* A peer-to-peer connection: no bus name, the objects at their paths. */
  reply = g_dbus_connection_call_sync (connection, NULL, MANAGER_PATH, "io.github.lanyard.Manager", "ListProviders",
                                       NULL, G_VARIANT_TYPE ("(aa{sv})"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) providers = g_variant_get_child_value (reply, 0);

    g_assert_cmpuint (g_variant_n_children (providers), >, 0);
  }
  g_clear_pointer (&reply, g_variant_unref);

  /* An error comes back as the daemon's. */
  reply = g_dbus_connection_call_sync (connection, NULL, MANAGER_PATH, "io.github.lanyard.Manager", "FindAccount",
                                       g_variant_new ("(s)", "hub:0"), NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL,
                                       &error);
  g_assert_null (reply);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_nonnull (strstr (remote, "NotFound"));

  /* When the client goes, so does its stand-in on the bus. */
  g_dbus_connection_close_sync (connection, NULL, NULL);
  for (guint i = 0; i < 100 && keyring_harness_name_has_owner (DAEMON_NAME ".Relay_1"); i++)
    g_usleep (50 * 1000);
  g_assert_false (keyring_harness_name_has_owner (DAEMON_NAME ".Relay_1"));
}

int
main (int   argc,
      char *argv[])
{
  const char      *env[] = { "LANYARD_PRIVATE_SOCKET=1", NULL };
  g_autofree char *runtime = NULL;
  int              status;

  g_test_init (&argc, &argv, NULL);
  keyring_harness_up (&harness, TRUE);
  /* The socket's directory, for the daemon and lanyardctl alike. */
  runtime = g_build_filename (harness.home, "runtime", NULL);
  g_mkdir_with_parents (runtime, 0700);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  fake = fake_provider_new ();
  daemon_start (&daemon_process, fake, env);

  g_test_add_func ("/Lanyard/PrivateSocket/bus-is-identity-only", test_bus_is_identity_only);
  g_test_add_func ("/Lanyard/PrivateSocket/direct", test_socket_direct);
  g_test_add_func ("/Lanyard/PrivateSocket/lanyardctl-acts", test_socket_acts);

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  return status;
}
