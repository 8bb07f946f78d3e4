/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
/* lanyard-daemon for real: on a private bus with a real gnome-keyring,
 * driven through D-Bus and lanyardctl, against the fake provider. The
 * tests run in order and build on each other, like a person would. */

#include <libsecret/secret.h>
#include <string.h>

#include "daemon-harness.h"

static KeyringHarness harness;
static FakeProvider  *fake;
static Daemon         daemon_process;

static char *
file_contents (const char *path)
{
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, NULL);
  return contents != NULL ? contents : g_strdup ("");
}

static void
assert_nowhere_but_keyring (const char *secret)
{
  g_autofree char *log = file_contents (daemon_process.log_path);
  g_autofree char *command = g_strdup_printf ("grep -rlF --exclude=daemon.log -- '%s' '%s' '%s'; test $? -eq 1",
                                              secret, daemon_process.data_home, daemon_process.config_home);

  g_assert_null (strstr (log, secret));
  g_assert_cmpint (system (command), ==, 0);
}

static char *
access_token (const char *key,
              GError    **error)
{
  g_autofree char *path = daemon_account_path (key);
  g_autoptr(GVariant) reply = daemon_call (path, "io.github.lanyard.Account", "GetAccessToken", NULL,
                                            G_VARIANT_TYPE ("(sx)"), error);
  char *token = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(sx)", &token, NULL);
  return token;
}

static void
test_providers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "ListProviders", NULL,
                                            G_VARIANT_TYPE ("(aa{sv})"), &error);
  g_autofree char *printed = NULL;
  g_autoptr(CtlResult) listed = NULL;

  g_assert_no_error (error);
  printed = g_variant_print (reply, FALSE);
  g_assert_nonnull (strstr (printed, "'work'"));
  g_assert_nonnull (strstr (printed, "must use https://"));
  /* Client secrets never cross the bus. */
  g_assert_null (strstr (printed, FAKE_CLIENT_SECRET));

  listed = ctl ("providers", NULL);
  g_assert_cmpint (listed->status, ==, 0);
  g_assert_nonnull (strstr (listed->out, "broken"));
  g_assert_nonnull (strstr (listed->out, "not usable: Provider “broken”"));
}

static void
test_link_over_dbus (void)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) current = NULL;
  g_autoptr(GVariant) url = NULL;
  g_autoptr(GVariant) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GVariant) scopes = NULL;
  g_autoptr(GVariant) last_refresh = NULL;
  const char             *provider = NULL;
  const char             *granted[] = { "openid", "profile", "email", NULL };
  g_autofree const char **got = NULL;
  gint64                  started = g_get_real_time () / G_USEC_PER_SEC;

  reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "StartFlow",
                       g_variant_new ("(s@a{sv})", "work", g_variant_new ("a{sv}", NULL)), G_VARIANT_TYPE ("(o)"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(o)", &flow);

  url = daemon_get_property (flow, "io.github.lanyard.Flow", "AuthorizeUrl");
  page = test_browse ("GET", g_variant_get_string (url, NULL));
  g_assert_no_error (page->error);
  g_assert_cmpuint (page->status, ==, 200);

  /* Wait for the account to appear. */
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GVariant) status = daemon_get_property (flow, "io.github.lanyard.Flow", "Status");
      if (g_str_equal (g_variant_get_string (status, NULL), "succeeded"))
        break;
      g_usleep (20 * 1000);
    }

  current = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "GetCurrentIdentity", NULL,
                         G_VARIANT_TYPE ("(a{sv})"), &error);
  g_assert_no_error (error);
  identity = g_variant_get_child_value (current, 0);
  g_assert_true (g_variant_lookup (identity, "provider", "&s", &provider));
  g_assert_cmpstr (provider, ==, "work");

  /* What was granted (the fake grants the scopes asked for: GitLab's
   * defaults), and when the tokens were issued. */
  path = daemon_account_path ("work:4242");
  scopes = daemon_get_property (path, "io.github.lanyard.Account", "Scopes");
  got = g_variant_get_strv (scopes, NULL);
  g_assert_cmpstrv (got, granted);
  last_refresh = daemon_get_property (path, "io.github.lanyard.Account", "LastRefresh");
  g_assert_cmpint (g_variant_get_int64 (last_refresh), >=, started);
  g_assert_cmpint (g_variant_get_int64 (last_refresh), <=, g_get_real_time () / G_USEC_PER_SEC);

  /* The tokens are in the keyring, and nowhere else. */
  secret = keyring_secret ("work", "4242");
  g_assert_nonnull (secret);
  token = access_token ("work:4242", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (secret, token));
  assert_nowhere_but_keyring (token);
}

/* The authorize URL of a sign-in started with these options, or the
 * refusal. The flow is cancelled: only its URL matters. */
static char *
authorize_url_with_options (const char *provider,
                            GVariant   *options,
                            GError    **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) url = NULL;
  g_autoptr(GVariant) cancelled = NULL;
  g_autofree char *flow = NULL;

  reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "StartFlow", g_variant_new ("(s@a{sv})", provider, options),
                       G_VARIANT_TYPE ("(o)"), error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(o)", &flow);
  url = daemon_get_property (flow, "io.github.lanyard.Flow", "AuthorizeUrl");
  cancelled = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "CancelFlow", g_variant_new ("(o)", flow), NULL, NULL);
  return g_variant_dup_string (url, NULL);
}

static GHashTable *
query_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  g_assert_nonnull (uri);
  return g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
}

/* StartFlow's login_hint reaches the provider in its own parameter (GitHub:
 * login; GitLab: none); a hint that is not a login is refused. */
static void
test_start_flow_login_hint (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *github = NULL;
  g_autofree char *gitlab = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *long_hint = g_strnfill (321, 'a');
  g_autoptr(GHashTable) github_query = NULL;
  g_autoptr(GHashTable) gitlab_query = NULL;
  g_autoptr(GHashTable) plain_query = NULL;
  GVariant *bad[] = {
    g_variant_new_parsed ("{'login_hint': <42>}"),
    g_variant_new_parsed ("{'login_hint': <'octo\\ncat'>}"),
    g_variant_new_parsed ("{'login_hint': <%s>}", long_hint),
  };

  github = authorize_url_with_options ("hub", g_variant_new_parsed ("{'login_hint': <'octocat'>}"), &error);
  g_assert_no_error (error);
  github_query = query_of (github);
  g_assert_cmpstr (g_hash_table_lookup (github_query, "login"), ==, "octocat");

  gitlab = authorize_url_with_options ("work", g_variant_new_parsed ("{'login_hint': <'tanuki'>}"), &error);
  g_assert_no_error (error);
  gitlab_query = query_of (gitlab);
  g_assert_null (g_hash_table_lookup (gitlab_query, "login_hint"));
  g_assert_null (g_hash_table_lookup (gitlab_query, "login"));

  /* Options it does not know are ignored; no hint, no login. */
  plain = authorize_url_with_options ("hub", g_variant_new_parsed ("{'future_option': <true>}"), &error);
  g_assert_no_error (error);
  plain_query = query_of (plain);
  g_assert_null (g_hash_table_lookup (plain_query, "login"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      refused = authorize_url_with_options ("hub", bad[i], &error);
      g_assert_null (refused);
      g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
      g_assert_nonnull (strstr (error->message, "login_hint"));
      g_clear_error (&error);
    }
}

static void
test_link_with_lanyardctl (void)
{
  g_autoptr(CtlResult) linked = link_with_ctl ("hub");
  g_autoptr(CtlResult) again = NULL;
  g_autoptr(CtlResult) listed = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (linked->status, ==, 0);
  g_assert_cmpstr (linked->out, ==, "Linked hub:583231 (octocat)\n");

  /* Linking the same account again updates it; no duplicate. */
  again = link_with_ctl ("hub");
  g_assert_cmpint (again->status, ==, 0);
  listed = ctl ("list", NULL);
  g_assert_cmpint (listed->status, ==, 0);
  lines = g_strsplit (listed->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);

  token = access_token ("hub:583231", &error);
  g_assert_no_error (error);
  assert_nowhere_but_keyring (token);
}

static void
test_whoami_and_primary (void)
{
  g_autoptr(CtlResult) before = ctl ("--json", "whoami", NULL);
  g_autoptr(CtlResult) primary = NULL;
  g_autoptr(CtlResult) after = NULL;
  g_autoptr(GVariant) current = NULL;
  const char *provider = NULL;

  /* No primary yet: the account linked first. */
  g_assert_cmpint (before->status, ==, 0);
  g_assert_nonnull (strstr (before->out, "\"provider\" : \"work\""));

  primary = ctl ("primary", "hub:583231", NULL);
  g_assert_cmpint (primary->status, ==, 0);
  after = ctl ("whoami", NULL);
  g_assert_true (g_str_has_prefix (after->out, "hub:583231\n"));

  current = daemon_get_property (MANAGER_PATH, "io.github.lanyard.Manager", "CurrentIdentity");
  g_assert_true (g_variant_lookup (current, "provider", "&s", &provider));
  g_assert_cmpstr (provider, ==, "hub");
}

static void
test_token_with_lanyardctl (void)
{
  g_autoptr(CtlResult) token = ctl ("token", "work:4242", NULL);
  g_autoptr(CtlResult) missing = ctl ("token", "work:999", NULL);
  g_autoptr(CtlResult) bad = ctl ("token", NULL);

  g_assert_cmpint (token->status, ==, 0);
  g_assert_true (g_str_has_prefix (token->out, "fake_at_"));
  g_assert_cmpint (missing->status, ==, 3);
  g_assert_nonnull (strstr (missing->err, "No linked account is called “work:999”"));
  g_assert_cmpint (bad->status, ==, 2);
}

/* 50 callers ask at once while the token needs renewing: one refresh. */
static void
test_concurrent_token_requests (void)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autofree char *path = NULL;
  GAsyncResult    *results[50] = { NULL };
  g_autoptr(CtlResult) relinked = NULL;
  guint before;

  /* Tokens that are stale on arrival (expire within the minute). */
  fake_provider_set_expires_in (fake, 30);
  relinked = link_with_ctl ("work");
  g_assert_cmpint (relinked->status, ==, 0);
  path = daemon_account_path ("work:4242");
  before = fake_provider_get_count (fake, "refresh");

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    g_dbus_connection_call (connection, DAEMON_NAME, path, "io.github.lanyard.Account", "GetAccessToken", NULL,
                            G_VARIANT_TYPE ("(sx)"), G_DBUS_CALL_FLAGS_NONE, 30000, NULL, test_store_result, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = g_dbus_connection_call_finish (connection, test_wait_result (&results[i]), &error);

      g_assert_no_error (error);
      g_object_unref (results[i]);
    }

  g_assert_cmpuint (fake_provider_get_count (fake, "refresh"), ==, before + 1);
  fake_provider_set_expires_in (fake, 3600);
}

/* Tokens that expire in seconds are renewed with nobody asking; the
 * rotated refresh token is what the keyring holds. */
static void
test_scheduled_refresh (void)
{
  g_autoptr(CtlResult) relinked = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GVariant) last_refresh = NULL;
  gint64 renewed_expiry = 0;
  guint  refreshes;

  fake_provider_set_expires_in (fake, 2);
  relinked = link_with_ctl ("work");
  g_assert_cmpint (relinked->status, ==, 0);
  fake_provider_set_expires_in (fake, 3600);
  before = keyring_secret ("work", "4242");
  refreshes = fake_provider_get_count (fake, "refresh");

  for (guint i = 0; i < 400 && fake_provider_get_count (fake, "refresh") == refreshes; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (25 * 1000);
    }
  g_assert_cmpuint (fake_provider_get_count (fake, "refresh"), ==, refreshes + 1);

  /* Stored before use: give the daemon its moment to answer the fake. */
  for (guint i = 0; i < 200; i++)
    {
      g_free (after);
      after = keyring_secret ("work", "4242");
      if (g_strcmp0 (after, before) != 0)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (25 * 1000);
    }
  g_assert_cmpstr (after, !=, before);
  g_assert_nonnull (strstr (after, "fake_rt_"));

  /* The bus says when: no earlier than the new hour-long token was issued
   * (its expiry is stamped on receipt, the renewal once it is stored). */
  path = daemon_account_path ("work:4242");
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GVariant) expires = daemon_get_property (path, "io.github.lanyard.Account", "ExpiresAt");

      g_clear_pointer (&last_refresh, g_variant_unref);
      last_refresh = daemon_get_property (path, "io.github.lanyard.Account", "LastRefresh");
      renewed_expiry = g_variant_get_int64 (expires);
      if (renewed_expiry > g_get_real_time () / G_USEC_PER_SEC + 60)
        break;
      g_usleep (25 * 1000);
    }
  g_assert_cmpint (renewed_expiry, >, g_get_real_time () / G_USEC_PER_SEC + 60);
  g_assert_cmpint (g_variant_get_int64 (last_refresh), >=, renewed_expiry - 3600);
  g_assert_cmpint (g_variant_get_int64 (last_refresh), <=, g_get_real_time () / G_USEC_PER_SEC);
}

static void
test_transient_failures_back_off (void)
{
  g_autoptr(CtlResult) relinked = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GVariant) attention = NULL;
  guint refreshes;

  fake_provider_set_expires_in (fake, 1);
  relinked = link_with_ctl ("work");
  fake_provider_set_expires_in (fake, 3600);
  fake_provider_set_failure (fake, FAKE_FAIL_TOKEN_500);
  refreshes = fake_provider_get_count (fake, "refresh");

  /* Two failed tries (1 s, then about 2 s later)… */
  for (guint i = 0; i < 400 && fake_provider_get_count (fake, "refresh") < refreshes + 2; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (25 * 1000);
    }
  g_assert_cmpuint (fake_provider_get_count (fake, "refresh"), >=, refreshes + 2);

  /* …then the provider recovers, and so does the account. */
  fake_provider_set_failure (fake, FAKE_FAIL_NONE);
  refreshes = fake_provider_get_count (fake, "refresh");
  for (guint i = 0; i < 400 && fake_provider_get_count (fake, "refresh") == refreshes; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (25 * 1000);
    }
  g_assert_cmpuint (fake_provider_get_count (fake, "refresh"), >, refreshes);
  path = daemon_account_path ("work:4242");
  attention = daemon_get_property (path, "io.github.lanyard.Account", "NeedsAttention");
  g_assert_false (g_variant_get_boolean (attention));
}

static void
test_invalid_grant_needs_attention (void)
{
  g_autoptr(CtlResult) relinked = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *path = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GVariant) attention = NULL;
  g_autoptr(CtlResult) listed = NULL;

  fake_provider_set_expires_in (fake, 30);
  relinked = link_with_ctl ("work");
  fake_provider_set_expires_in (fake, 3600);
  fake_provider_set_failure (fake, FAKE_FAIL_TOKEN_INVALID_GRANT);

  token = access_token ("work:4242", &error);
  g_assert_null (token);
  g_assert_true (g_dbus_error_is_remote_error (error));
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, "io.github.lanyard.Error.InvalidGrant");
  fake_provider_set_failure (fake, FAKE_FAIL_NONE);

  path = daemon_account_path ("work:4242");
  attention = daemon_get_property (path, "io.github.lanyard.Account", "NeedsAttention");
  g_assert_true (g_variant_get_boolean (attention));
  listed = ctl ("list", NULL);
  g_assert_nonnull (strstr (listed->out, "needs attention"));

  /* Nothing deleted: the tokens are still in the keyring. */
  secret = keyring_secret ("work", "4242");
  g_assert_nonnull (secret);

  /* Signing in again clears it. */
  g_clear_pointer (&relinked, ctl_result_free);
  relinked = link_with_ctl ("work");
  g_clear_pointer (&attention, g_variant_unref);
  attention = daemon_get_property (path, "io.github.lanyard.Account", "NeedsAttention");
  g_assert_false (g_variant_get_boolean (attention));
}

static void
test_restart_keeps_everything (void)
{
  g_autoptr(CtlResult) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GVariant) scopes = NULL;
  g_autoptr(GVariant) last_refresh = NULL;
  g_autofree const char **got = NULL;
  const char             *granted[] = { "openid", "profile", "email", NULL };

  /* A clean exit on SIGTERM (checked by daemon_stop). */
  daemon_stop (&daemon_process, SIGTERM);
  daemon_start (&daemon_process, fake, NULL);

  /* What was granted, and when, came back from the accounts file. */
  path = daemon_account_path ("work:4242");
  scopes = daemon_get_property (path, "io.github.lanyard.Account", "Scopes");
  got = g_variant_get_strv (scopes, NULL);
  g_assert_cmpstrv (got, granted);
  last_refresh = daemon_get_property (path, "io.github.lanyard.Account", "LastRefresh");
  g_assert_cmpint (g_variant_get_int64 (last_refresh), >, 0);

  listed = ctl ("list", NULL);
  g_assert_nonnull (strstr (listed->out, "work:4242"));
  g_assert_nonnull (strstr (listed->out, "hub:583231 (primary)"));
  token = access_token ("hub:583231", &error);
  g_assert_no_error (error);
}

/* By default nobody takes the name over: whoever owned it would answer
 * every program's questions about the identity and run its sign-ins. */
static void
test_replace_refused (void)
{
  g_autofree char *binary = g_test_build_filename (G_TEST_BUILT, "..", "src", "daemon", LANYARD_DAEMON_PROGRAM, NULL);
  g_autoptr(GSubprocess) usurper = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(CtlResult) listed = NULL;
  g_autoptr(GError) error = NULL;

  usurper = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, binary,
                              "--replace", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_async (usurper, NULL, NULL, test_store_result, &result);
  g_subprocess_communicate_finish (usurper, test_wait_result (&result), NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (usurper));
  g_assert_cmpint (g_subprocess_get_exit_status (usurper), ==, 1);
  g_assert_nonnull (strstr (g_bytes_get_data (err, NULL), "is owned by another process"));

  /* The daemon that was there is still the one answering. */
  g_assert_nonnull (g_subprocess_get_identifier (daemon_process.process));
  listed = ctl ("list", NULL);
  g_assert_nonnull (strstr (listed->out, "work:4242"));
}

static void
test_replace (void)
{
  g_autoptr(GSubprocess) old = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CtlResult) listed = NULL;

  /* A daemon started --replaceable (development) may be replaced: --replace
   * takes the name over and the old daemon leaves cleanly. */
  daemon_stop (&daemon_process, SIGTERM);
  daemon_start_full (&daemon_process, fake, NULL, "--replaceable");
  old = g_steal_pointer (&daemon_process.process);
  daemon_start_full (&daemon_process, fake, NULL, "--replace");
  g_subprocess_wait_async (old, NULL, test_store_result, &result);
  g_subprocess_wait_finish (old, test_wait_result (&result), NULL);
  g_assert_true (g_subprocess_get_if_exited (old));
  g_assert_cmpint (g_subprocess_get_exit_status (old), ==, 0);

  listed = ctl ("list", NULL);
  g_assert_nonnull (strstr (listed->out, "work:4242"));
}

/* After a restart the timer is armed again from the accounts file. */
static void
test_restart_rearms_refresh (void)
{
  g_autoptr(CtlResult) relinked = NULL;
  guint refreshes;

  fake_provider_set_expires_in (fake, 3);
  relinked = link_with_ctl ("work");
  fake_provider_set_expires_in (fake, 3600);
  daemon_stop (&daemon_process, SIGTERM);
  refreshes = fake_provider_get_count (fake, "refresh");
  daemon_start (&daemon_process, fake, NULL);

  for (guint i = 0; i < 400 && fake_provider_get_count (fake, "refresh") == refreshes; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (25 * 1000);
    }
  g_assert_cmpuint (fake_provider_get_count (fake, "refresh"), ==, refreshes + 1);
}

static void
test_killed_daemon_loses_nothing (void)
{
  g_autoptr(CtlResult) listed = NULL;
  g_autofree char *accounts = NULL;
  g_autofree char *path = g_build_filename (daemon_process.data_home, LANYARD_USER_DIR_NAME, "accounts.json", NULL);

  daemon_stop (&daemon_process, SIGKILL);
  accounts = file_contents (path);
  g_assert_nonnull (strstr (accounts, "\"format\" : 1"));
  daemon_start (&daemon_process, fake, NULL);
  listed = ctl ("list", NULL);
  g_assert_nonnull (strstr (listed->out, "work:4242"));
}

static void
test_unlink (void)
{
  g_autoptr(CtlResult) unlinked = NULL;
  g_autoptr(CtlResult) whoami = NULL;
  g_autofree char *secret = NULL;
  guint            revokes = fake_provider_get_count (fake, "revoke");

  unlinked = ctl ("unlink", "hub:583231", NULL);
  g_assert_cmpint (unlinked->status, ==, 0);
  g_assert_cmpstr (unlinked->out, ==, "Unlinked hub:583231; its access was revoked at the provider.\n");
  g_assert_cmpuint (fake_provider_get_count (fake, "revoke"), ==, revokes + 1);

  secret = keyring_secret ("hub", "583231");
  g_assert_null (secret);

  whoami = ctl ("whoami", NULL);
  g_assert_true (g_str_has_prefix (whoami->out, "work:4242\n"));
}

static void
test_provider_gone_from_config (void)
{
  const char *env[] = { "LANYARD_PROVIDER_WORK=", NULL };
  g_autoptr(CtlResult) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  /* The account stays, with a clear reason why its token cannot be
   * renewed; nothing is deleted. */
  daemon_stop (&daemon_process, SIGTERM);
  fake_provider_set_expires_in (fake, 3600);
  daemon_start (&daemon_process, fake, env);
  listed = ctl ("list", NULL);
  g_assert_nonnull (strstr (listed->out, "work:4242"));
  daemon_stop (&daemon_process, SIGTERM);
  daemon_start (&daemon_process, fake, NULL);
  token = access_token ("work:4242", &error);
  g_assert_no_error (error);
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

  g_test_add_func ("/Lanyard/Daemon/providers", test_providers);
  g_test_add_func ("/Lanyard/Daemon/link-over-dbus", test_link_over_dbus);
  g_test_add_func ("/Lanyard/Daemon/start-flow-login-hint", test_start_flow_login_hint);
  g_test_add_func ("/Lanyard/Daemon/link-with-lanyardctl", test_link_with_lanyardctl);
  g_test_add_func ("/Lanyard/Daemon/whoami-and-primary", test_whoami_and_primary);
  g_test_add_func ("/Lanyard/Daemon/token-with-lanyardctl", test_token_with_lanyardctl);
  g_test_add_func ("/Lanyard/Daemon/refresh/concurrent-requests-share-one", test_concurrent_token_requests);
  g_test_add_func ("/Lanyard/Daemon/refresh/scheduled", test_scheduled_refresh);
  g_test_add_func ("/Lanyard/Daemon/refresh/transient-failures-back-off", test_transient_failures_back_off);
  g_test_add_func ("/Lanyard/Daemon/refresh/invalid-grant-needs-attention", test_invalid_grant_needs_attention);
  g_test_add_func ("/Lanyard/Daemon/restart-keeps-everything", test_restart_keeps_everything);
  g_test_add_func ("/Lanyard/Daemon/killed-daemon-loses-nothing", test_killed_daemon_loses_nothing);
  g_test_add_func ("/Lanyard/Daemon/replace-refused", test_replace_refused);
  g_test_add_func ("/Lanyard/Daemon/replace", test_replace);
  g_test_add_func ("/Lanyard/Daemon/refresh/restart-rearms", test_restart_rearms_refresh);
  g_test_add_func ("/Lanyard/Daemon/unlink", test_unlink);
  g_test_add_func ("/Lanyard/Daemon/provider-gone-from-config", test_provider_gone_from_config);

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  return status;
}
