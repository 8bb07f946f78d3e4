/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-liblanyard"

/* liblanyard-1 as an app uses it (lanyard.h only), against the real
 * daemon on a private bus with a real keyring and the fake provider; and
 * its examples (docs/examples), in C and in Python, run against the same
 * daemon. */

#include <lanyard.h>
#include <string.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "daemon-harness.h"

static KeyringHarness harness;
static FakeProvider  *fake;
static Daemon         daemon_process;
static gboolean       daemon_started;

static void
ensure_daemon (void)
{
  if (daemon_started)
    return;
  daemon_start (&daemon_process, fake, NULL);
  daemon_started = TRUE;
}

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until @condition holds: the daemon's signals arrive
 * when they arrive (no sleeping, no deadline but the test's own). */
static void
wait_until (Condition condition,
            gpointer  data)
{
  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);
}

static LanyardClient *
get_client (GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_client_get_default_async (NULL, test_store_result, &result);
  return lanyard_client_get_default_finish (test_wait_result (&result), error);
}

static guint
n_accounts (LanyardClient *client)
{
  return g_list_model_get_n_items (lanyard_client_get_accounts (client));
}

typedef struct
{
  LanyardClient *client;
  guint          n;
} CountWanted;

static gboolean
has_n_accounts (gpointer data)
{
  CountWanted *wanted = data;

  return n_accounts (wanted->client) == wanted->n;
}

static void
wait_for_accounts (LanyardClient *client,
                   guint          n)
{
  CountWanted wanted = { client, n };

  wait_until (has_n_accounts, &wanted);
}

static void
ctl_ok (const char *command,
        const char *argument)
{
  g_autoptr(CtlResult) result = ctl (command, argument, NULL);

  if (result->status != 0)
    g_test_message ("lanyardctl %s %s: %s", command, argument, result->err);
  g_assert_cmpint (result->status, ==, 0);
}

static void
link_ok (const char *provider)
{
  g_autoptr(CtlResult) linked = link_with_ctl (provider);

  g_assert_cmpint (linked->status, ==, 0);
}

/* The daemon's own answer, asked directly: what the library must give. */
static char *
daemon_token (const char *key,
              gint64     *expires_at)
{
  g_autofree char *path = daemon_account_path (key);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = daemon_call (path, "io.github.lanyard.Account", "GetAccessToken", NULL,
                                            G_VARIANT_TYPE ("(sx)"), &error);
  char *token;

  g_assert_no_error (error);
  g_variant_get (reply, "(sx)", &token, expires_at);
  return token;
}

static void
count_cb (gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  count_cb (user_data);
}

static void
notify_count_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  count_cb (user_data);
}

/* No daemon on the bus, and none to start (the private bus has no
 * service files): a clear error, not a hang, both ways. */
static void
test_daemon_absent (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardClient) client = NULL;

  g_assert_false (daemon_started);
  client = get_client (&error);
  g_assert_null (client);
  g_assert_error (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "is not running and could not be started. Check that Lanyard is installed."));
  g_clear_error (&error);

  client = lanyard_client_get_default_sync (NULL, &error);
  g_assert_null (client);
  g_assert_error (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE);
}

/* The list model follows the daemon: items-changed on link and unlink,
 * the account's properties as the provider gave them. */
/* Callers that ask at the same time share one connection and get the
 * same client; once it is gone, the next caller makes a new one. */
static void
test_one_client (void)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardClient) one = NULL;
  g_autoptr(LanyardClient) other = NULL;

  ensure_daemon ();
  lanyard_client_get_default_async (NULL, test_store_result, &first);
  lanyard_client_get_default_async (NULL, test_store_result, &second);
  one = lanyard_client_get_default_finish (test_wait_result (&first), &error);
  g_assert_no_error (error);
  other = lanyard_client_get_default_finish (test_wait_result (&second), &error);
  g_assert_no_error (error);
  g_assert_true (one == other);
  g_clear_object (&other);
  g_assert_finalize_object (g_steal_pointer (&one));

  one = get_client (&error);
  g_assert_no_error (error);
  g_assert_true (LANYARD_IS_CLIENT (one));
  g_assert_finalize_object (g_steal_pointer (&one));
}

static void
test_accounts_follow_links (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardClient) client = NULL;
  g_autoptr(LanyardClient) again = NULL;
  g_autoptr(LanyardLinkedAccount) account = NULL;
  GListModel *accounts;
  guint       changes = 0;

  ensure_daemon ();
  client = get_client (&error);
  g_assert_no_error (error);
  g_assert_true (lanyard_client_get_daemon_running (client));
  g_assert_cmpstr (lanyard_client_get_daemon_version (client), ==, PACKAGE_VERSION);
  /* One client per process, however it is asked for. */
  again = lanyard_client_get_default_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (again == client);
  g_clear_object (&again);

  accounts = lanyard_client_get_accounts (client);
  g_assert_true (g_list_model_get_item_type (accounts) == LANYARD_TYPE_LINKED_ACCOUNT);
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 0);
  g_assert_null (lanyard_client_get_current_identity (client));
  g_signal_connect (accounts, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  link_ok ("hub");
  wait_for_accounts (client, 1);
  g_assert_cmpuint (changes, ==, 1);
  account = g_list_model_get_item (accounts, 0);
  g_assert_cmpstr (lanyard_linked_account_get_key (account), ==, "hub:583231");
  g_assert_cmpstr (lanyard_linked_account_get_provider_id (account), ==, "hub");
  g_assert_cmpstr (lanyard_linked_account_get_account_id (account), ==, "583231");
  g_assert_cmpstr (lanyard_linked_account_get_username (account), ==, "octocat");
  g_assert_cmpstr (lanyard_linked_account_get_display_name (account), ==, "The Octocat");
  g_assert_cmpstr (lanyard_linked_account_get_email (account), ==, "octocat@example.com");
  g_assert_cmpstr (lanyard_linked_account_get_avatar_url (account), ==, "https://avatars.example/u/583231");
  g_assert_false (lanyard_linked_account_get_needs_attention (account));
  g_assert_null (lanyard_linked_account_get_attention_reason (account));
  g_assert_true (lanyard_linked_account_get_available (account));
  g_assert_cmpint (lanyard_linked_account_get_linked_at (account), >, 0);
  {
    g_autofree char *path = daemon_account_path ("hub:583231");
    g_autoptr(GVariant) expiry = daemon_get_property (path, "io.github.lanyard.Account", "ExpiresAt");

    g_assert_cmpint (lanyard_linked_account_get_expires_at (account), ==, g_variant_get_int64 (expiry));
  }
  g_assert_nonnull (lanyard_linked_account_get_scopes (account));
  g_assert_true (lanyard_client_find_account (client, "hub:583231") == account);
  g_assert_null (lanyard_client_find_account (client, "hub:1"));
  /* Linked first and alone: the current identity. */
  g_assert_true (lanyard_client_get_current_identity (client) == account);
  {
    g_autofree char *key = NULL;
    g_object_get (account, "key", &key, NULL);
    g_assert_cmpstr (key, ==, "hub:583231");
  }

  ctl_ok ("unlink", "hub:583231");
  wait_for_accounts (client, 0);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_null (lanyard_client_get_current_identity (client));
  g_signal_handlers_disconnect_by_data (accounts, &changes);

  g_clear_object (&account);
  g_assert_finalize_object (g_steal_pointer (&client));
}

static gboolean
current_is (gpointer data)
{
  gpointer *pair = data;

  return lanyard_client_get_current_identity (pair[0]) == pair[1];
}

/* The new primary is current, and says so itself: the manager's
 * CurrentIdentity and the account's Primary are two messages. */
static gboolean
current_is_primary (gpointer data)
{
  gpointer *pair = data;

  return current_is (data) && lanyard_linked_account_get_primary (pair[1]);
}

/* current-identity notifies when another account becomes current: a new
 * primary, the current one unlinked. */
static void
test_current_identity_follows_primary (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardClient) client = NULL;
  LanyardLinkedAccount *hub;
  LanyardLinkedAccount *work;
  guint                 notified = 0;
  guint                 primary_notified = 0;
  gpointer              wanted[2];

  ensure_daemon ();
  client = get_client (&error);
  g_assert_no_error (error);
  g_signal_connect (client, "notify::current-identity", G_CALLBACK (notify_count_cb), &notified);

  link_ok ("hub");
  wait_for_accounts (client, 1);
  link_ok ("work");
  wait_for_accounts (client, 2);
  hub = lanyard_client_find_account (client, "hub:583231");
  work = lanyard_client_find_account (client, "work:4242");
  g_assert_nonnull (hub);
  g_assert_nonnull (work);
  /* None primary: the one linked first. */
  g_assert_true (lanyard_client_get_current_identity (client) == hub);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_false (lanyard_linked_account_get_primary (work));

  g_signal_connect (work, "notify::primary", G_CALLBACK (notify_count_cb), &primary_notified);
  ctl_ok ("primary", "work:4242");
  wanted[0] = client;
  wanted[1] = work;
  wait_until (current_is_primary, wanted);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_true (lanyard_linked_account_get_primary (work));
  g_assert_cmpuint (primary_notified, ==, 1);
  g_assert_cmpstr (lanyard_linked_account_get_username (lanyard_client_get_current_identity (client)), ==, "tanuki");
  g_signal_handlers_disconnect_by_data (work, &primary_notified);

  /* The current one unlinked: the other one. */
  ctl_ok ("unlink", "work:4242");
  wanted[1] = hub;
  wait_until (current_is, wanted);
  g_assert_cmpuint (notified, ==, 3);

  ctl_ok ("unlink", "hub:583231");
  wanted[1] = NULL;
  wait_until (current_is, wanted);
  g_assert_cmpuint (notified, ==, 4);
  g_signal_handlers_disconnect_by_data (client, &notified);
  g_assert_finalize_object (g_steal_pointer (&client));
}

static char *
token_of (LanyardLinkedAccount *account,
          gint64               *expires_at,
          GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_linked_account_get_access_token_async (account, NULL, test_store_result, &result);
  return lanyard_linked_account_get_access_token_finish (account, test_wait_result (&result), expires_at, error);
}

static gboolean
request_access (LanyardLinkedAccount *account,
                GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_linked_account_request_access_async (account, NULL, test_store_result, &result);
  return lanyard_linked_account_request_access_finish (account, test_wait_result (&result), error);
}

/* This test program is a host program: access is granted at once, and
 * the token is the daemon's. */
static void
test_access_token (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardClient) client = NULL;
  g_autofree char      *token = NULL;
  g_autofree char      *expected = NULL;
  gint64                expires_at = 0;
  gint64                expected_expiry = 0;
  LanyardLinkedAccount *account;

  ensure_daemon ();
  client = get_client (&error);
  g_assert_no_error (error);
  link_ok ("hub");
  wait_for_accounts (client, 1);
  account = lanyard_client_find_account (client, "hub:583231");

  g_assert_true (request_access (account, &error));
  g_assert_no_error (error);

  token = token_of (account, &expires_at, &error);
  g_assert_no_error (error);
  expected = daemon_token ("hub:583231", &expected_expiry);
  g_assert_cmpstr (token, ==, expected);
  g_assert_cmpint (expires_at, ==, expected_expiry);
  g_assert_cmpint (expires_at, ==, lanyard_linked_account_get_expires_at (account));
  /* The expiry may be left out. */
  g_clear_pointer (&token, g_free);
  token = token_of (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, expected);

  ctl_ok ("unlink", "hub:583231");
  wait_for_accounts (client, 0);
  g_assert_finalize_object (g_steal_pointer (&client));
}

/* Errors are LANYARD_CLIENT_ERROR: an account unlinked while the app
 * held it; the daemon's own refusal (no such account) by its name. */
static void
test_unlinked_account_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardClient) client = NULL;
  g_autoptr(LanyardLinkedAccount) account = NULL;
  g_autofree char *token = NULL;

  ensure_daemon ();
  client = get_client (&error);
  g_assert_no_error (error);
  link_ok ("hub");
  wait_for_accounts (client, 1);
  account = g_object_ref (lanyard_client_find_account (client, "hub:583231"));

  ctl_ok ("unlink", "hub:583231");
  wait_for_accounts (client, 0);
  token = token_of (account, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "The account hub:583231 is no longer linked in Lanyard."));
  g_clear_error (&error);
  g_assert_false (request_access (account, &error));
  g_assert_error (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_NOT_FOUND);

  g_clear_object (&account);
  g_assert_finalize_object (g_steal_pointer (&client));
}

static gboolean
needs_attention_is (gpointer data)
{
  gpointer *pair = data;

  gboolean wanted = GPOINTER_TO_INT (pair[1]);

  /* Its reason may come in a message of its own. */
  return lanyard_linked_account_get_needs_attention (pair[0]) == wanted &&
    (lanyard_linked_account_get_attention_reason (pair[0]) != NULL) == wanted;
}

/* The provider no longer accepts the sign-in: INVALID_GRANT, and the
 * account's needs-attention (with its reason) notified; signing in again
 * clears it. */
static void
test_invalid_grant (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardClient) client = NULL;
  g_autofree char      *token = NULL;
  LanyardLinkedAccount *work;
  guint                 notified = 0;
  gpointer              wanted[2];

  ensure_daemon ();
  client = get_client (&error);
  g_assert_no_error (error);
  /* Short-lived: the next token request renews it, and fails. */
  fake_provider_set_expires_in (fake, 30);
  link_ok ("work");
  fake_provider_set_expires_in (fake, 3600);
  wait_for_accounts (client, 1);
  work = lanyard_client_find_account (client, "work:4242");
  g_assert_false (lanyard_linked_account_get_needs_attention (work));
  g_signal_connect (work, "notify::needs-attention", G_CALLBACK (notify_count_cb), &notified);

  fake_provider_set_failure (fake, FAKE_FAIL_TOKEN_INVALID_GRANT);
  token = token_of (work, NULL, &error);
  fake_provider_set_failure (fake, FAKE_FAIL_NONE);
  g_assert_null (token);
  g_assert_error (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_INVALID_GRANT);
  g_assert_false (g_str_has_prefix (error->message, "GDBus.Error"));
  g_clear_error (&error);

  wanted[0] = work;
  wanted[1] = GINT_TO_POINTER (TRUE);
  wait_until (needs_attention_is, wanted);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_nonnull (lanyard_linked_account_get_attention_reason (work));

  link_ok ("work");
  wanted[1] = GINT_TO_POINTER (FALSE);
  wait_until (needs_attention_is, wanted);
  g_assert_cmpuint (notified, ==, 2);
  /* The same object all along: relinking updates the account. */
  g_assert_true (lanyard_client_find_account (client, "work:4242") == work);
  token = token_of (work, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  g_signal_handlers_disconnect_by_data (work, &notified);
  ctl_ok ("unlink", "work:4242");
  wait_for_accounts (client, 0);
  g_assert_finalize_object (g_steal_pointer (&client));
}

static gboolean
daemon_gone (gpointer data)
{
  return !lanyard_client_get_daemon_running (data) && n_accounts (data) == 0;
}

static gboolean
daemon_back (gpointer data)
{
  return lanyard_client_get_daemon_running (data) && n_accounts (data) == 1 &&
    lanyard_client_get_current_identity (data) != NULL && lanyard_client_get_daemon_version (data) != NULL;
}

/* The daemon stops: the list empties, calls on the accounts it had fail
 * in words; it comes back: the list fills again, tokens flow. */
static void
test_daemon_goes_and_returns (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardClient) client = NULL;
  g_autoptr(LanyardLinkedAccount) before = NULL;
  g_autofree char *token = NULL;
  guint            running_notified = 0;

  ensure_daemon ();
  client = get_client (&error);
  g_assert_no_error (error);
  link_ok ("hub");
  wait_for_accounts (client, 1);
  before = g_object_ref (lanyard_client_find_account (client, "hub:583231"));
  g_signal_connect (client, "notify::daemon-running", G_CALLBACK (notify_count_cb), &running_notified);

  daemon_stop (&daemon_process, SIGTERM);
  wait_until (daemon_gone, client);
  g_assert_null (lanyard_client_get_current_identity (client));
  g_assert_null (lanyard_client_get_daemon_version (client));
  /* Not "no longer linked": the daemon went away, as documented. */
  token = token_of (before, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE);
  g_clear_error (&error);

  daemon_start (&daemon_process, fake, NULL);
  wait_until (daemon_back, client);
  g_assert_cmpuint (running_notified, ==, 2);
  g_assert_true (lanyard_client_get_current_identity (client) != before);
  token = token_of (lanyard_client_get_current_identity (client), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  g_signal_handlers_disconnect_by_data (client, &running_notified);

  /* With several accounts, the identity goes once (to NULL), not once for
   * each account removed after it. */
  {
    guint current_notified = 0;

    link_ok ("work");
    wait_for_accounts (client, 2);
    g_signal_connect (client, "notify::current-identity", G_CALLBACK (notify_count_cb), &current_notified);
    daemon_stop (&daemon_process, SIGTERM);
    wait_until (daemon_gone, client);
    g_assert_cmpuint (current_notified, ==, 1);
    g_assert_null (lanyard_client_get_current_identity (client));
    g_signal_handlers_disconnect_by_data (client, &current_notified);
    daemon_start (&daemon_process, fake, NULL);
    wait_for_accounts (client, 2);
  }

  ctl_ok ("unlink", "hub:583231");
  ctl_ok ("unlink", "work:4242");
  wait_for_accounts (client, 0);
  g_clear_object (&before);
  g_assert_finalize_object (g_steal_pointer (&client));
}

/* What both examples must print with hub then work linked, neither
 * primary, asked for @key's token (the current identity's when NULL):
 * the token's length and expiry are the daemon's. hub's tokens never
 * expire (GitHub's do not), work's do. */
static char *
expected_example_output (const char *key)
{
  g_autofree char *token = NULL;
  gint64           expires_at = 0;
  g_autoptr(GDateTime) expiry = NULL;
  g_autofree char *when = NULL;

  token = daemon_token (key != NULL ? key : "hub:583231", &expires_at);
  if (expires_at != 0)
    {
      expiry = g_date_time_new_from_unix_utc (expires_at);
      when = g_date_time_format_iso8601 (expiry);
    }
  return g_strdup_printf ("Current identity: hub:583231 (octocat, The Octocat)\n"
                          "Linked accounts: 2\n"
                          "  hub:583231 octocat <octocat@example.com>\n"
                          "  work:4242 tanuki <tanuki@example.com>\n"
                          "Token for %s: %zu characters, expires %s\n",
                          key != NULL ? key : "hub:583231", strlen (token), when != NULL ? when : "never");
}

/* Runs an example (@program, and its argument @argument when not NULL)
 * to its end, the main loop running (the fake provider answers from it). */
static CtlResult *
run_example_full (const char *const *program,
                  const char        *argument,
                  const char        *bus_address)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *preload = g_getenv ("LANYARD_TEST_PYTHON_PRELOAD");

  for (guint i = 0; program[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) program[i]);
  if (argument != NULL)
    g_ptr_array_add (argv, (char *) argument);
  g_ptr_array_add (argv, NULL);

  /* UTF-8 out, whatever the test's locale (the messages have ’). */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  /* The build tree's library and typelib, found as installed ones are. */
  g_subprocess_launcher_setenv (launcher, "GI_TYPELIB_PATH", LIBLANYARD_BUILD_DIR, TRUE);
  g_subprocess_launcher_setenv (launcher, "LD_LIBRARY_PATH", LIBLANYARD_BUILD_DIR, TRUE);
  /* A sanitized build's library loaded into an interpreter that is not:
   * the sanitizers' runtimes first; the interpreter's own allocations are
   * not Lanyard's to judge. */
  if (preload != NULL && preload[0] != '\0' && g_str_equal (program[0], PYTHON))
    {
      g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", preload, TRUE);
      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
    }
  if (bus_address != NULL)
    g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus_address, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return ctl_finish (process);
}

static CtlResult *
run_example (const char *const *program,
             const char        *argument)
{
  return run_example_full (program, argument, NULL);
}

static void
check_example_run (const char *const *program,
                   const char        *key)
{
  g_autoptr(CtlResult) result = run_example (program, key);
  g_autofree char *expected = expected_example_output (key);

  if (result->status != 0)
    g_test_message ("%s: %s", program[0], result->err);
  g_assert_cmpint (result->status, ==, 0);
  g_assert_cmpstr (result->out, ==, expected);
  g_assert_cmpstr (result->err, ==, "");
}

static void
check_example (const char *const *program)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardClient) client = NULL;
  g_autoptr(CtlResult) missing = NULL;
  g_autoptr(CtlResult) nothing = NULL;
  g_autoptr(CtlResult) unreachable = NULL;
  g_autoptr(CtlResult) no_bus = NULL;

  ensure_daemon ();
  client = get_client (&error);
  g_assert_no_error (error);

  /* Nothing linked: said, and no token asked for. */
  nothing = run_example (program, NULL);
  g_assert_cmpint (nothing->status, ==, 0);
  g_assert_cmpstr (nothing->out, ==, "Current identity: none\nLinked accounts: 0\n");

  link_ok ("hub");
  wait_for_accounts (client, 1);
  link_ok ("work");
  wait_for_accounts (client, 2);

  check_example_run (program, NULL);
  check_example_run (program, "work:4242");

  /* An account that is not linked: said, with status 1. */
  missing = run_example (program, "hub:1");
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_cmpstr (missing->err, ==, "No linked account hub:1\n");

  /* No token (the provider refuses the renewal): said in one line, with
   * status 1 — the example's error path, GError or GLib.Error. */
  {
    g_autoptr(CtlResult) refused = NULL;

    fake_provider_set_expires_in (fake, 30);
    link_ok ("work");
    fake_provider_set_expires_in (fake, 3600);
    fake_provider_set_failure (fake, FAKE_FAIL_TOKEN_INVALID_GRANT);
    refused = run_example (program, "work:4242");
    fake_provider_set_failure (fake, FAKE_FAIL_NONE);
    g_assert_cmpint (refused->status, ==, 1);
    g_assert_true (g_str_has_prefix (refused->err, "No token for work:4242: "));
    /* One line: its first newline is its end (no traceback). */
    g_assert_true (strchr (refused->err, '\n') == refused->err + strlen (refused->err) - 1);
  }

  ctl_ok ("unlink", "work:4242");
  ctl_ok ("unlink", "hub:583231");
  wait_for_accounts (client, 0);

  /* No daemon: status 2 and the library's words. */
  daemon_stop (&daemon_process, SIGTERM);
  daemon_started = FALSE;
  unreachable = run_example (program, NULL);
  g_assert_cmpint (unreachable->status, ==, 2);
  g_assert_true (g_str_has_prefix (unreachable->err, "Lanyard is not available: Lanyard’s account service (" DAEMON_NAME ") is not running"));
  g_assert_cmpstr (unreachable->out, ==, "");

  /* No session bus at all: the same status, and why. */
  no_bus = run_example_full (program, NULL, "unix:path=/nonexistent/lanyard-test-bus");
  g_assert_cmpint (no_bus->status, ==, 2);
  g_assert_true (g_str_has_prefix (no_bus->err, "Lanyard is not available: Lanyard’s account service could not be reached: "));

  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_example_c (void)
{
  const char *program[] = { LANYARD_WHOAMI, NULL };

  check_example (program);
}

static void
test_example_python (void)
{
  const char *program[] = { PYTHON, LANYARD_WHOAMI_PY, NULL };

  check_example (program);
}

/* A daemon that serves its private socket (as in Lanyard's Flatpak,
 * docs/flatpak.md; LANYARD_PRIVATE_SOCKET=1 outside one): a host program
 * reaches it there, as lanyardctl does, with no bus name. The examples run
 * with the socket's runtime directory; this process keeps its own (GLib
 * reads it once). */
static void
test_private_socket (void)
{
  const char        *env[] = { "LANYARD_PRIVATE_SOCKET=1", NULL };
  g_autofree char   *saved = g_strdup (g_getenv ("XDG_RUNTIME_DIR"));
  g_autofree char   *runtime = g_build_filename (harness.home, "runtime", NULL);
  const char        *c_program[] = { LANYARD_WHOAMI, NULL };
  const char        *python_program[] = { PYTHON, LANYARD_WHOAMI_PY, NULL };
  const char *const *programs[] = { c_program, python_program };

  if (daemon_started)
    daemon_stop (&daemon_process, SIGTERM);
  g_mkdir_with_parents (runtime, 0700);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  daemon_start (&daemon_process, fake, env);
  daemon_started = TRUE;

  link_ok ("hub");
  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      g_autoptr(CtlResult) result = run_example (programs[i], NULL);

      if (result->status != 0)
        g_test_message ("%s: %s", programs[i][0], result->err);
      g_assert_cmpint (result->status, ==, 0);
      g_assert_true (g_str_has_prefix (result->out, "Current identity: hub:583231 (octocat, The Octocat)\n"
                                                    "Linked accounts: 1\n"
                                                    "  hub:583231 octocat <octocat@example.com>\n"
                                                    "Token for hub:583231: "));
      g_assert_nonnull (strstr (result->out, " characters, expires never\n"));
    }

  /* A client that outlives the daemon on its socket (the connection
   * closes; no bus name tells): its accounts go, with the error that says
   * why, the properties say so, and the next client connects again. The
   * daemon gets this process's runtime directory, where it looks. */
  daemon_stop (&daemon_process, SIGTERM);
  g_setenv ("XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  daemon_start (&daemon_process, fake, env);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LanyardClient) client = get_client (&error);
    g_autoptr(LanyardClient) again = NULL;
    g_autoptr(LanyardLinkedAccount) before = NULL;
    g_autofree char *token = NULL;
    guint            running_notified = 0;
    guint            version_notified = 0;
    guint            current_notified = 0;

    g_assert_no_error (error);
    wait_for_accounts (client, 1);
    g_assert_true (lanyard_client_get_daemon_running (client));
    before = g_object_ref (lanyard_client_find_account (client, "hub:583231"));
    g_signal_connect (client, "notify::daemon-running", G_CALLBACK (notify_count_cb), &running_notified);
    g_signal_connect (client, "notify::daemon-version", G_CALLBACK (notify_count_cb), &version_notified);
    g_signal_connect (client, "notify::current-identity", G_CALLBACK (notify_count_cb), &current_notified);

    daemon_stop (&daemon_process, SIGTERM);
    wait_until (daemon_gone, client);
    /* GDBus delivers ::closed after the connection says it is closed. */
    while (running_notified == 0)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (running_notified, ==, 1);
    g_assert_cmpuint (version_notified, >=, 1);
    g_assert_cmpuint (current_notified, ==, 1);
    g_assert_null (lanyard_client_get_current_identity (client));
    g_assert_null (lanyard_client_get_daemon_version (client));
    token = token_of (before, NULL, &error);
    g_assert_null (token);
    g_assert_error (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE);
    g_clear_error (&error);
    g_signal_handlers_disconnect_by_data (client, &running_notified);
    g_signal_handlers_disconnect_by_data (client, &version_notified);
    g_signal_handlers_disconnect_by_data (client, &current_notified);

    daemon_start (&daemon_process, fake, env);
    again = get_client (&error);
    g_assert_no_error (error);
    g_assert_true (again != client);
    wait_for_accounts (again, 1);
    token = token_of (lanyard_client_find_account (again, "hub:583231"), NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (token);
  }
  ctl_ok ("unlink", "hub:583231");

  daemon_stop (&daemon_process, SIGTERM);
  daemon_started = FALSE;
  if (saved != NULL)
    g_setenv ("XDG_RUNTIME_DIR", saved, TRUE);
  else
    g_unsetenv ("XDG_RUNTIME_DIR");
}

/* Two callers wait for the one connection; one cancels: it is answered
 * at once, with G_IO_ERROR_CANCELLED, while the connection goes on for
 * the other. The connection is held up by a private socket whose owner
 * never answers (the handshake waits for its bound), so the other is
 * still waiting when the cancelled one is answered; closing that socket
 * lets the connection go on to the bus. */
static void
test_cancelled_while_connecting (void)
{
  g_autofree char *directory = g_build_filename (g_get_user_runtime_dir (), "app", APPLICATION_ID, NULL);
  g_autofree char *path = g_build_filename (directory, "daemon", NULL);
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GAsyncResult) other_result = NULL;
  g_autoptr(LanyardClient) cancelled = NULL;
  g_autoptr(LanyardClient) other = NULL;
  g_autoptr(GError) error = NULL;

  ensure_daemon ();
  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  g_unlink (path);
  listener = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  g_socket_bind (listener, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (listener, &error);
  g_assert_no_error (error);

  lanyard_client_get_default_async (cancellable, test_store_result, &cancelled_result);
  lanyard_client_get_default_async (NULL, test_store_result, &other_result);
  g_cancellable_cancel (cancellable);
  cancelled = lanyard_client_get_default_finish (test_wait_result (&cancelled_result), &error);
  g_assert_null (cancelled);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (other_result);

  g_socket_close (listener, NULL);
  g_assert_cmpint (g_unlink (path), ==, 0);
  other = lanyard_client_get_default_finish (test_wait_result (&other_result), &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_client_get_daemon_running (other));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  keyring_harness_up (&harness, TRUE);
  /* A runtime directory of this test's own (GLib reads it once, from
   * here on): the daemon's private socket is there, and no other test
   * running meanwhile must find it. */
  {
    g_autofree char *runtime = g_build_filename (harness.home, "process-runtime", NULL);

    g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
    g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
    g_assert_cmpstr (g_get_user_runtime_dir (), ==, runtime);
  }
  fake = fake_provider_new ();

  g_test_add_func ("/Lanyard/Liblanyard/daemon-absent", test_daemon_absent);
  g_test_add_func ("/Lanyard/Liblanyard/one-client", test_one_client);
  g_test_add_func ("/Lanyard/Liblanyard/accounts-follow-links", test_accounts_follow_links);
  g_test_add_func ("/Lanyard/Liblanyard/current-identity-follows-primary", test_current_identity_follows_primary);
  g_test_add_func ("/Lanyard/Liblanyard/access-token", test_access_token);
  g_test_add_func ("/Lanyard/Liblanyard/unlinked-account-errors", test_unlinked_account_errors);
  g_test_add_func ("/Lanyard/Liblanyard/invalid-grant", test_invalid_grant);
  g_test_add_func ("/Lanyard/Liblanyard/daemon-goes-and-returns", test_daemon_goes_and_returns);
  g_test_add_func ("/Lanyard/Liblanyard/example-c", test_example_c);
  g_test_add_func ("/Lanyard/Liblanyard/example-python", test_example_python);
  g_test_add_func ("/Lanyard/Liblanyard/private-socket", test_private_socket);
  g_test_add_func ("/Lanyard/Liblanyard/cancelled-while-connecting", test_cancelled_while_connecting);

  status = g_test_run ();

  if (daemon_started)
    {
      daemon_stop (&daemon_process, SIGTERM);
      daemon_remove_files (&daemon_process);
    }
  g_clear_object (&fake);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  return status;
}
