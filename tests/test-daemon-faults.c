/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lanyard-daemon when things go wrong: a keyring that is locked, then
 * unlocked; a damaged accounts file; the daemon killed while linking and
 * while refreshing. Nothing is lost, nothing is written anywhere else. */

#include "config.h"

#include <libsecret/secret.h>
#include <string.h>

#include "daemon-harness.h"

static KeyringHarness harness;
static FakeProvider  *fake;
static Daemon         daemon_process;

static GVariant *
get_token (const char *key,
           GError    **error)
{
  g_autofree char *path = daemon_account_path (key);
  return daemon_call (path, "io.github.lanyard.Account", "GetAccessToken", NULL, G_VARIANT_TYPE ("(sx)"), error);
}

static void
lock_keyring (void)
{
  g_autoptr(SecretService) service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, NULL);
  g_autoptr(SecretCollection) collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                                              SECRET_COLLECTION_NONE, NULL, NULL);
  GList *objects = g_list_append (NULL, collection);

  g_assert_cmpint (secret_service_lock_sync (service, objects, NULL, NULL, NULL), ==, 1);
  g_list_free (objects);
}

static void
test_keyring_locked_then_unlocked (void)
{
  g_autoptr(CtlResult) linked = link_with_ctl ("work");
  g_autoptr(CtlResult) token = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) available = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *remote = NULL;

  g_assert_cmpint (linked->status, ==, 0);
  path = daemon_account_path ("work:4242");

  lock_keyring ();
  reply = get_token ("work:4242", &error);
  g_assert_null (reply);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, "io.github.lanyard.Error.KeyringLocked");
  available = daemon_get_property (path, "io.github.lanyard.Account", "Available");
  g_assert_false (g_variant_get_boolean (available));

  token = ctl ("token", "work:4242", NULL);
  g_assert_cmpint (token->status, ==, 5);
  g_assert_nonnull (strstr (token->err, "The keyring is locked"));

  /* Unlocked again (the keyring restarts with the session's password):
   * everything works, nothing had to be linked again. */
  keyring_harness_stop_keyring (&harness);
  secret_service_disconnect ();
  keyring_harness_start_keyring (&harness);
  g_clear_error (&error);
  g_clear_pointer (&reply, g_variant_unref);
  reply = get_token ("work:4242", &error);
  g_assert_no_error (error);
  g_clear_pointer (&available, g_variant_unref);
  available = daemon_get_property (path, "io.github.lanyard.Account", "Available");
  g_assert_true (g_variant_get_boolean (available));
}

static void
test_killed_while_linking (void)
{
  const char *argv[] = { "link", "hub", "--browser=none", NULL };
  g_autoptr(GSubprocess) process = ctl_spawn (argv);
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autofree char *line = read_line (out);
  g_autofree char *accounts_file = g_build_filename (daemon_process.data_home, LANYARD_USER_DIR_NAME, "accounts.json", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(CtlResult) listed = NULL;
  g_autoptr(CtlResult) finished = NULL;

  g_assert_true (g_str_has_prefix (line, "Open this URL to sign in: "));
  g_file_get_contents (accounts_file, &before, NULL, NULL);

  /* The daemon dies while the person is signing in. */
  daemon_stop (&daemon_process, SIGKILL);
  finished = ctl_finish (process);
  g_test_message ("lanyardctl said: %s", finished->err);
  g_assert_cmpint (finished->status, ==, 4);
  g_assert_nonnull (strstr (finished->err, "lanyard-daemon stopped during the sign-in"));

  g_file_get_contents (accounts_file, &after, NULL, NULL);
  g_assert_cmpstr (after, ==, before);
  daemon_start (&daemon_process, fake, NULL);
  listed = ctl ("list", NULL);
  g_assert_nonnull (strstr (listed->out, "work:4242"));
}

static void
test_killed_while_refreshing (void)
{
  g_autoptr(CtlResult) relinked = NULL;
  g_autoptr(CtlResult) listed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint            refreshes;

  fake_provider_set_expires_in (fake, 30);
  relinked = link_with_ctl ("work");
  fake_provider_set_expires_in (fake, 3600);
  fake_provider_set_failure (fake, FAKE_FAIL_TOKEN_NO_REPLY);
  refreshes = fake_provider_get_count (fake, "refresh");

  /* A caller asks; the refresh hangs at the provider; the daemon dies. */
  path = daemon_account_path ("work:4242");
  g_dbus_connection_call (daemon_connection (), DAEMON_NAME, path, "io.github.lanyard.Account", "GetAccessToken",
                          NULL, G_VARIANT_TYPE ("(sx)"), G_DBUS_CALL_FLAGS_NONE, 30000, NULL, test_store_result, &result);
  while (fake_provider_get_count (fake, "refresh") == refreshes)
    g_main_context_iteration (NULL, TRUE);
  daemon_stop (&daemon_process, SIGKILL);
  reply = g_dbus_connection_call_finish (daemon_connection (), test_wait_result (&result), &error);
  g_assert_null (reply);
  g_clear_error (&error);

  /* Back: the account and its (old, still valid) tokens are all there. */
  fake_provider_set_failure (fake, FAKE_FAIL_NONE);
  daemon_start (&daemon_process, fake, NULL);
  listed = ctl ("list", NULL);
  g_assert_nonnull (strstr (listed->out, "work:4242"));
  g_clear_pointer (&reply, g_variant_unref);
  reply = get_token ("work:4242", &error);
  g_assert_no_error (error);
}

static void
test_corrupt_accounts_file (void)
{
  g_autofree char *accounts_file = g_build_filename (daemon_process.data_home, LANYARD_USER_DIR_NAME, "accounts.json", NULL);
  g_autofree char *dir = g_path_get_dirname (accounts_file);
  g_autoptr(CtlResult) listed = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  gboolean    kept = FALSE;

  daemon_stop (&daemon_process, SIGTERM);
  g_assert_true (g_file_set_contents (accounts_file, "{\"format\":1,\"accounts\":[{\"provi", -1, NULL));
  daemon_start (&daemon_process, fake, NULL);

  /* Starts with no accounts; the damaged file is kept aside, not lost. */
  listed = ctl ("list", NULL);
  g_assert_cmpint (listed->status, ==, 0);
  g_assert_cmpstr (listed->out, ==, "");
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    kept |= g_str_has_prefix (name, "accounts.json.unreadable-");
  g_assert_true (kept);
}

static void
test_keyring_absent (void)
{
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(CtlResult) listed = NULL;
  g_autofree char *accounts_file = g_build_filename (daemon_process.data_home, LANYARD_USER_DIR_NAME, "accounts.json", NULL);
  g_autofree char *contents = NULL;

  /* No Secret Service at all: the sign-in fails with words a person can
   * act on, and no account (nor token) is written anywhere. */
  keyring_harness_stop_keyring (&harness);
  secret_service_disconnect ();
  daemon_stop (&daemon_process, SIGTERM);
  daemon_start (&daemon_process, fake, NULL);

  linked = link_with_ctl ("hub");
  g_assert_cmpint (linked->status, ==, 5);
  listed = ctl ("list", NULL);
  g_assert_null (strstr (listed->out, "hub:"));
  g_file_get_contents (accounts_file, &contents, NULL, NULL);
  g_assert_null (contents != NULL ? strstr (contents, "583231") : NULL);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  keyring_harness_up (&harness, TRUE);
  fake = fake_provider_new ();
  daemon_start (&daemon_process, fake, NULL);

  /* In this order: each leaves the stage for the next. */
  g_test_add_func ("/Lanyard/DaemonFaults/1-keyring-locked-then-unlocked", test_keyring_locked_then_unlocked);
  g_test_add_func ("/Lanyard/DaemonFaults/2-killed-while-linking", test_killed_while_linking);
  g_test_add_func ("/Lanyard/DaemonFaults/3-killed-while-refreshing", test_killed_while_refreshing);
  g_test_add_func ("/Lanyard/DaemonFaults/4-corrupt-accounts-file", test_corrupt_accounts_file);
  g_test_add_func ("/Lanyard/DaemonFaults/5-keyring-absent", test_keyring_absent);

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  return status;
}
