/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
/* lanyard-daemon against a provider that is broken or hostile: empty and
 * deeply nested answers, short-lived tokens, redirects to another server,
 * answers that never end, smuggled control characters, tokens that cannot
 * be stored, markup in error descriptions. Each time the daemon survives
 * (it still answers), says what went wrong in words a person can act on,
 * and loses nothing it had stored. The tests run in order. */

#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "daemon-harness.h"

static KeyringHarness harness;
static FakeProvider  *fake;
static Daemon         daemon_process;
static char          *sso_config;

/* The harness's providers, and an OpenID Connect issuer with discovery. */
static void
start_daemon (const char *const *more_env)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) env = NULL;
  g_autofree char *sso = g_strconcat ("LANYARD_PROVIDER_SSO=", sso_config, NULL);

  g_strv_builder_add (builder, sso);
  g_strv_builder_add (builder, "LANYARD_HTTP_DEADLINE=3");
  if (more_env != NULL)
    g_strv_builder_addv (builder, (const char **) more_env);
  env = g_strv_builder_end (builder);
  daemon_start (&daemon_process, fake, (const char *const *) env);
}

static void
restart_daemon (const char *const *more_env)
{
  daemon_stop (&daemon_process, SIGTERM);
  start_daemon (more_env);
}

/* The daemon is still there and still answers. */
static void
assert_daemon_alive (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) pong = daemon_call (MANAGER_PATH, "org.freedesktop.DBus.Peer", "Ping", NULL, NULL, &error);
  g_autoptr(GVariant) providers = NULL;

  g_assert_no_error (error);
  providers = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "ListProviders", NULL,
                           G_VARIANT_TYPE ("(aa{sv})"), &error);
  g_assert_no_error (error);
  g_assert_nonnull (daemon_process.process);
  /* The same process as before, not one started by D-Bus activation. */
  g_assert_nonnull (g_subprocess_get_identifier (daemon_process.process));
}

static GVariant *
get_token (const char *key,
           GError    **error)
{
  g_autofree char *path = daemon_account_path (key);

  return daemon_call (path, "io.github.lanyard.Account", "GetAccessToken", NULL, G_VARIANT_TYPE ("(sx)"), error);
}

static void
assert_remote_error (const GError *error,
                     const char   *name,
                     const char   *words)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_test_message ("%s: %s", remote, error->message);
  g_assert_cmpstr (remote, ==, name);
  g_assert_nonnull (strstr (error->message, words));
}

static void
wait_for_count (const char *endpoint,
                guint       at_least)
{
  for (guint i = 0; i < 400 && fake_provider_get_count (fake, endpoint) < at_least; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (25 * 1000);
    }
  g_assert_cmpuint (fake_provider_get_count (fake, endpoint), >=, at_least);
}

/* Lets the daemon take in what the fake said. */
static void
settle (guint milliseconds)
{
  for (guint i = 0; i < milliseconds / 25; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (25 * 1000);
    }
}

/* `lanyardctl [--json] link PROVIDER`, the scripted browser opening the
 * printed URL; unlike link_with_ctl(), what it says on stderr is kept. */
static CtlResult *
link_provider (const char *provider,
               gboolean    json)
{
  const char *argv[] = { "--json", "link", provider, "--browser=none", NULL };
  g_autoptr(GSubprocess) process = ctl_spawn (json ? argv : argv + 1);
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autofree char *line = read_line (out);
  g_autoptr(TestPage) page = NULL;

  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "Open this URL to sign in: "));
  page = test_browse ("GET", line + strlen ("Open this URL to sign in: "));
  return ctl_finish (process);
}

static void
assert_listed (const char *key)
{
  g_autoptr(CtlResult) listed = ctl ("list", NULL);

  g_assert_cmpint (listed->status, ==, 0);
  g_assert_nonnull (strstr (listed->out, key));
}

/* Item 1: 200, form-encoded, empty: to a refresh (scheduled, asked for,
 * and again after a restart) and to a revocation. */
static void
test_empty_form_answer (void)
{
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(CtlResult) unlinked = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint            refreshes;

  fake_provider_set_expires_in (fake, 1);
  linked = link_with_ctl ("work");
  g_assert_cmpint (linked->status, ==, 0);
  fake_provider_set_expires_in (fake, 3600);
  before = keyring_secret ("work", "4242");
  fake_provider_set_answer (fake, "token", FAKE_ANSWER_EMPTY_FORM);

  /* The scheduled refresh meets the empty answer. */
  refreshes = fake_provider_get_count (fake, "refresh");
  wait_for_count ("refresh", refreshes + 1);
  settle (300);
  assert_daemon_alive ();

  /* A caller hears what happened; it is the server's fault, and passing. */
  reply = get_token ("work:4242", &error);
  g_assert_null (reply);
  assert_remote_error (error, "io.github.lanyard.Error.ServerError", "token endpoint sent an empty answer");
  assert_daemon_alive ();
  after = keyring_secret ("work", "4242");
  g_assert_cmpstr (after, ==, before);

  /* A restart refreshes the expired token first: no crash loop. */
  restart_daemon (NULL);
  refreshes = fake_provider_get_count (fake, "refresh");
  wait_for_count ("refresh", refreshes + 1);
  settle (300);
  assert_daemon_alive ();
  assert_listed ("work:4242");
  g_free (after);
  after = keyring_secret ("work", "4242");
  g_assert_cmpstr (after, ==, before);

  /* The revocation answer goes through the same parser. */
  fake_provider_set_answer (fake, "token", FAKE_ANSWER_NORMAL);
  fake_provider_set_answer (fake, "revoke", FAKE_ANSWER_EMPTY_FORM);
  unlinked = ctl ("unlink", "work:4242", NULL);
  g_assert_cmpint (unlinked->status, ==, 0);
  assert_daemon_alive ();
  fake_provider_set_answer (fake, "revoke", FAKE_ANSWER_NORMAL);
}

/* Item 2: 100,000 "[" from every endpoint whose JSON Lanyard reads. */
static void
test_deep_nesting (void)
{
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(CtlResult) failed = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GVariant) email = NULL;
  const char *sign_ins[][3] = {
    /* provider, endpoint, what the person reads */
    { "work", "token", "GitLab's token endpoint sent an unreadable answer: it nests deeper than 32 levels" },
    { "hub", "userinfo", "GitHub sent an answer Lanyard cannot read: it nests deeper than 32 levels" },
    { "work", "jwks", "GitLab" },
    { "sso", "discovery", "Example SSO's discovery document cannot be read: it nests deeper than 32 levels" },
  };

  /* Nothing cached: the key set and discovery are fetched again. */
  restart_daemon (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sign_ins); i++)
    {
      g_clear_pointer (&failed, ctl_result_free);
      fake_provider_set_answer (fake, sign_ins[i][1], FAKE_ANSWER_DEEP_JSON);
      /* Without discovery, there is no sign-in page to open. */
      if (g_str_equal (sign_ins[i][1], "discovery"))
        failed = ctl ("link", sign_ins[i][0], "--browser=none", NULL);
      else
        failed = link_provider (sign_ins[i][0], FALSE);
      g_test_message ("%s: %s", sign_ins[i][1], failed->err);
      g_assert_cmpint (failed->status, !=, 0);
      g_assert_nonnull (strstr (failed->err, sign_ins[i][2]));
      fake_provider_set_answer (fake, sign_ins[i][1], FAKE_ANSWER_NORMAL);
      assert_daemon_alive ();
    }

  /* GitHub's e-mail list (an array) is a nicety: the account links
   * without the e-mail. */
  fake_provider_set_answer (fake, "emails", FAKE_ANSWER_DEEP_JSON);
  linked = link_with_ctl ("hub");
  g_assert_cmpint (linked->status, ==, 0);
  fake_provider_set_answer (fake, "emails", FAKE_ANSWER_NORMAL);
  assert_daemon_alive ();
  path = daemon_account_path ("hub:583231");
  email = daemon_get_property (path, "io.github.lanyard.Account", "Email");
  g_assert_cmpstr (g_variant_get_string (email, NULL), ==, "");

  /* A refresh that is answered so. */
  g_clear_pointer (&linked, ctl_result_free);
  fake_provider_set_expires_in (fake, 30);
  linked = link_with_ctl ("work");
  g_assert_cmpint (linked->status, ==, 0);
  fake_provider_set_expires_in (fake, 3600);
  before = keyring_secret ("work", "4242");
  fake_provider_set_answer (fake, "token", FAKE_ANSWER_DEEP_JSON);
  reply = get_token ("work:4242", &error);
  fake_provider_set_answer (fake, "token", FAKE_ANSWER_NORMAL);
  g_assert_null (reply);
  assert_remote_error (error, "io.github.lanyard.Error.InvalidResponse", "nests deeper than 32 levels");
  assert_daemon_alive ();
  after = keyring_secret ("work", "4242");
  g_assert_cmpstr (after, ==, before);
}

/* Item 3: tokens that live no longer than the refresh margin (Keycloak's
 * 300 s against Lanyard's default 5 minutes; expires_in 0) were refreshed
 * in a tight loop, each refresh a token request and a keyring write. */
static void
test_short_lifetimes (void)
{
  const char  *env[] = { "LANYARD_REFRESH_MARGIN=300", NULL };
  const gint64 lifetimes[] = { 0, 300 };

  restart_daemon (env);
  for (guint i = 0; i < G_N_ELEMENTS (lifetimes); i++)
    {
      g_autoptr(CtlResult) linked = NULL;
      guint refreshes = fake_provider_get_count (fake, "refresh");

      fake_provider_set_expires_in (fake, lifetimes[i]);
      linked = link_with_ctl ("work");
      g_assert_cmpint (linked->status, ==, 0);

      settle (3000);
      g_test_message ("expires_in %" G_GINT64_FORMAT ": %u refreshes in 3 s", lifetimes[i],
                      fake_provider_get_count (fake, "refresh") - refreshes);
      /* An expired token is renewed once; then not for 30 s. */
      g_assert_cmpuint (fake_provider_get_count (fake, "refresh") - refreshes, <=, lifetimes[i] == 0 ? 1 : 0);
      assert_daemon_alive ();
      assert_listed ("work:4242");
    }

  fake_provider_set_expires_in (fake, 3600);
  restart_daemon (NULL);
}

/* Links @provider while @endpoint misbehaves as @answer; the sign-in must
 * fail saying @words, and the daemon must survive. */
static void
assert_sign_in_fails (const char *provider,
                      const char *endpoint,
                      FakeAnswer  answer,
                      const char *words)
{
  g_autoptr(CtlResult) failed = NULL;

  fake_provider_set_answer (fake, endpoint, answer);
  /* Without discovery, there is no sign-in page to open. */
  if (g_str_equal (endpoint, "discovery"))
    failed = ctl ("link", provider, "--browser=none", NULL);
  else
    failed = link_provider (provider, FALSE);
  fake_provider_set_answer (fake, endpoint, FAKE_ANSWER_NORMAL);
  g_test_message ("%s at %s: %s", provider, endpoint, failed->err);
  g_assert_cmpint (failed->status, !=, 0);
  g_assert_nonnull (strstr (failed->err, words));
  assert_daemon_alive ();
}

/* Links "work" with tokens that are stale on arrival, so that the next
 * GetAccessToken refreshes; returns what the keyring holds. */
static char *
link_stale_work (void)
{
  g_autoptr(CtlResult) linked = NULL;

  fake_provider_set_expires_in (fake, 30);
  linked = link_with_ctl ("work");
  g_assert_cmpint (linked->status, ==, 0);
  fake_provider_set_expires_in (fake, 3600);
  return keyring_secret ("work", "4242");
}

/* Item 4: a 302 to another server, from every endpoint Lanyard asks. */
static void
test_redirects (void)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtlResult) linked = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *token_endpoint = g_strdup_printf ("GitLab's endpoint %s/gitlab/oauth/token answered with a redirect (HTTP 302)",
                                                     fake_provider_get_base_url (fake));

  /* Nothing cached: the key set and discovery are fetched again. */
  restart_daemon (NULL);
  assert_sign_in_fails ("work", "jwks", FAKE_ANSWER_REDIRECT, "answered with a redirect (HTTP 302)");
  assert_sign_in_fails ("work", "token", FAKE_ANSWER_REDIRECT, token_endpoint);
  assert_sign_in_fails ("work", "userinfo", FAKE_ANSWER_REDIRECT, "/gitlab/oauth/userinfo answered with a redirect (HTTP 302)");
  assert_sign_in_fails ("hub", "userinfo", FAKE_ANSWER_REDIRECT, "/github/api/v3/user answered with a redirect (HTTP 302)");
  assert_sign_in_fails ("sso", "discovery", FAKE_ANSWER_REDIRECT, "/oidc/.well-known/openid-configuration answered with a redirect (HTTP 302)");
  g_assert_cmpuint (fake_provider_get_elsewhere_count (fake), ==, 0);

  /* GitHub's e-mail list is optional: linked, without the other host's say. */
  fake_provider_set_answer (fake, "emails", FAKE_ANSWER_REDIRECT);
  linked = link_with_ctl ("hub");
  fake_provider_set_answer (fake, "emails", FAKE_ANSWER_NORMAL);
  g_assert_cmpint (linked->status, ==, 0);

  /* A refresh: the other host's tokens are not taken, the old ones kept. */
  before = link_stale_work ();
  fake_provider_set_answer (fake, "token", FAKE_ANSWER_REDIRECT);
  reply = get_token ("work:4242", &error);
  fake_provider_set_answer (fake, "token", FAKE_ANSWER_NORMAL);
  g_assert_null (reply);
  assert_remote_error (error, "io.github.lanyard.Error.Misconfigured", token_endpoint);
  assert_daemon_alive ();
  after = keyring_secret ("work", "4242");
  g_assert_cmpstr (after, ==, before);
  g_assert_null (strstr (after, "elsewhere"));
  g_assert_cmpuint (fake_provider_get_elsewhere_count (fake), ==, 0);
}

/* Item 5: an answer that never ends, one byte a second (libsoup's timeout
 * is per read). The daemon runs with a 3 s deadline. */
static void
test_trickle (void)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64           start;

  start = g_get_monotonic_time ();
  assert_sign_in_fails ("work", "token", FAKE_ANSWER_TRICKLE, "did not finish its answer within 3 seconds");
  assert_sign_in_fails ("hub", "userinfo", FAKE_ANSWER_TRICKLE, "did not finish its answer within 3 seconds");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);

  /* A refresh that passes the deadline is a transient failure. */
  before = link_stale_work ();
  fake_provider_set_answer (fake, "token", FAKE_ANSWER_TRICKLE);
  start = g_get_monotonic_time ();
  reply = get_token ("work:4242", &error);
  fake_provider_set_answer (fake, "token", FAKE_ANSWER_NORMAL);
  g_assert_null (reply);
  assert_remote_error (error, "io.github.lanyard.Error.TimedOut", "did not finish its answer within 3 seconds");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  assert_daemon_alive ();
  after = keyring_secret ("work", "4242");
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&reply, g_variant_unref);
  g_clear_error (&error);
  reply = get_token ("work:4242", &error);
  g_assert_no_error (error);
}

static char *
account_string (const char *key,
                const char *property)
{
  g_autofree char *path = daemon_account_path (key);
  g_autoptr(GVariant) value = daemon_get_property (path, "io.github.lanyard.Account", property);

  return g_variant_dup_string (value, NULL);
}

/* Item 6: control characters, direction overrides, a NUL in the id, a
 * two-line e-mail and a file:// avatar in the userinfo. */
static void
test_smuggled_identity (void)
{
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(CtlResult) listed = NULL;
  g_autofree char *username = NULL;
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;
  g_autofree char *avatar = NULL;

  /* A terminal escape (colour, window title), a bell, C1 controls and a
   * right-to-left override in the names. */
  fake_provider_set_raw_answer (fake, "userinfo", 200, "application/json",
                                "{\"sub\":\"4242\","
                                "\"nickname\":\"tan\\u001b[31muki\\u001b]0;owned\\u0007\","
                                "\"name\":\"Tanu\\u202e\\u2066Ki\\u0085\\u009b\\r\\nBoss\","
                                "\"email\":\"tanuki@example.com\\r\\nBcc: all@example.com\","
                                "\"picture\":\"file:///etc/passwd\"}");
  linked = link_provider ("work", FALSE);
  fake_provider_set_answer (fake, "userinfo", FAKE_ANSWER_NORMAL);
  g_assert_cmpint (linked->status, ==, 0);
  assert_daemon_alive ();

  username = account_string ("work:4242", "Username");
  name = account_string ("work:4242", "DisplayName");
  email = account_string ("work:4242", "Email");
  avatar = account_string ("work:4242", "AvatarUrl");
  g_assert_cmpstr (username, ==, "tan[31muki]0;owned");
  g_assert_cmpstr (name, ==, "TanuKi  Boss");
  g_assert_cmpstr (email, ==, "");
  g_assert_cmpstr (avatar, ==, "");

  /* The demo avatar's stored form, from a provider that is no demo: it
   * would make the daemon start the demo server. */
  fake_provider_set_raw_answer (fake, "userinfo", 200, "application/json",
                                "{\"sub\":\"4242\",\"nickname\":\"tanuki\",\"picture\":\"lanyard-demo:avatar/x.svg\"}");
  g_clear_pointer (&linked, ctl_result_free);
  linked = link_provider ("work", FALSE);
  g_assert_cmpint (linked->status, ==, 0);
  g_clear_pointer (&avatar, g_free);
  avatar = account_string ("work:4242", "AvatarUrl");
  g_assert_cmpstr (avatar, ==, "");
  fake_provider_set_raw_answer (fake, "userinfo", 200, "application/json",
                                "{\"sub\":\"4242\","
                                "\"nickname\":\"tan\\u001b[31muki\\u001b]0;owned\\u0007\","
                                "\"name\":\"Tanu\\u202e\\u2066Ki\\u0085\\u009b\\r\\nBoss\"}");
  g_clear_pointer (&linked, ctl_result_free);
  linked = link_provider ("work", FALSE);
  fake_provider_set_answer (fake, "userinfo", FAKE_ANSWER_NORMAL);
  g_assert_cmpint (linked->status, ==, 0);

  listed = ctl ("list", NULL);
  g_assert_null (strchr (listed->out, '\033'));
  g_assert_null (strstr (listed->out, "Bcc"));
  for (const char *p = listed->out; *p != '\0'; p++)
    g_assert_true ((guchar) *p >= 0x20 || *p == '\n');

  /* "4\u00002" would read as "4": another account. Refused, as is an id
   * with a control character. */
  fake_provider_set_raw_answer (fake, "userinfo", 200, "application/json", "{\"id\":\"4\\u00002\",\"login\":\"mallory\"}");
  g_clear_pointer (&linked, ctl_result_free);
  linked = link_provider ("hub", FALSE);
  g_test_message ("%s", linked->err);
  g_assert_cmpint (linked->status, !=, 0);
  g_assert_nonnull (strstr (linked->err, "GitHub sent an answer Lanyard cannot read: it contains a NUL character"));

  fake_provider_set_raw_answer (fake, "userinfo", 200, "application/json", "{\"id\":\"58\\u001b3231\",\"login\":\"mallory\"}");
  g_clear_pointer (&linked, ctl_result_free);
  linked = link_provider ("hub", FALSE);
  fake_provider_set_answer (fake, "userinfo", FAKE_ANSWER_NORMAL);
  g_test_message ("%s", linked->err);
  g_assert_cmpint (linked->status, !=, 0);
  g_assert_nonnull (strstr (linked->err, "GitHub described the account without a usable “id”"));
  assert_daemon_alive ();

  g_clear_pointer (&listed, ctl_result_free);
  listed = ctl ("list", NULL);
  g_assert_null (strstr (listed->out, "hub:4 "));
  g_assert_null (strstr (listed->out, "mallory"));
}

/* Item 7: tokens that are not RFC 6749 VSCHAR once decoded. Bytes that are
 * not UTF-8 linked the account and made its tokens unreadable ever
 * after; %00 cut the token short. */
static void
test_unstorable_tokens (void)
{
  const char *answers[][3] = {
    /* content type, body, what the person reads */
    { "application/x-www-form-urlencoded", "access_token=%AA%BB%CC&token_type=bearer", "the value of “access_token” is not UTF-8 text" },
    { "application/x-www-form-urlencoded", "access_token=abc%00def&token_type=bearer", "the value of “access_token” holds a NUL byte (%00)" },
    { "application/json", "{\"access_token\":\"caf\\u00e9\",\"token_type\":\"bearer\"}", "“access_token” contains characters a token cannot have" },
    { "application/json", "{\"access_token\":\"at\",\"refresh_token\":\"r\\u0000t\",\"token_type\":\"bearer\"}", "it contains a NUL character" },
  };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(CtlResult) failed = NULL;

      fake_provider_set_raw_answer (fake, "token", 200, answers[i][0], answers[i][1]);
      failed = link_provider ("hub", FALSE);
      g_test_message ("%s: %s", answers[i][1], failed->err);
      g_assert_cmpint (failed->status, !=, 0);
      g_assert_nonnull (strstr (failed->err, answers[i][2]));
      assert_daemon_alive ();
    }
  fake_provider_set_answer (fake, "token", FAKE_ANSWER_NORMAL);

  /* The same at a refresh: the stored tokens stay as they were. */
  before = link_stale_work ();
  fake_provider_set_raw_answer (fake, "token", 200, "application/x-www-form-urlencoded", "access_token=%AA%BB%CC&token_type=bearer");
  reply = get_token ("work:4242", &error);
  fake_provider_set_answer (fake, "token", FAKE_ANSWER_NORMAL);
  g_assert_null (reply);
  assert_remote_error (error, "io.github.lanyard.Error.InvalidResponse", "the value of “access_token” is not UTF-8 text");
  assert_daemon_alive ();
  after = keyring_secret ("work", "4242");
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&reply, g_variant_unref);
  g_clear_error (&error);
  reply = get_token ("work:4242", &error);
  g_assert_no_error (error);
}

/* Item 9: provider strings in `lanyardctl --json` output are data: a
 * user name made to look like more JSON does not change the provider a
 * script reads. */
static void
test_json_output (void)
{
  const char *login = "octo\", \"provider\": \"work\", \"account-id\": \"4242";
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(CtlResult) listed = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonArray  *array;
  gboolean    found = FALSE;

  fake_provider_set_raw_answer (fake, "userinfo", 200, "application/json",
                                "{\"id\":583231,\"login\":\"octo\\\", \\\"provider\\\": \\\"work\\\", \\\"account-id\\\": \\\"4242\","
                                "\"name\":\"The Octocat\"}");
  linked = link_provider ("hub", TRUE);
  fake_provider_set_answer (fake, "userinfo", FAKE_ANSWER_NORMAL);
  g_test_message ("%s", linked->out);
  g_assert_cmpint (linked->status, ==, 0);

  json_parser_load_from_data (parser, linked->out, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "provider"), ==, "hub");
  g_assert_cmpstr (json_object_get_string_member (object, "account-id"), ==, "583231");
  g_assert_cmpstr (json_object_get_string_member (object, "username"), ==, login);

  listed = ctl ("--json", "list", NULL);
  g_assert_cmpint (listed->status, ==, 0);
  json_parser_load_from_data (parser, listed->out, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *account = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (account, "username"), login) == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (account, "provider"), ==, "hub");
          found = TRUE;
        }
    }
  g_assert_true (found);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  keyring_harness_up (&harness, TRUE);
  fake = fake_provider_new ();
  sso_config = fake_provider_config (fake, "oidc");
  start_daemon (NULL);

  g_test_add_func ("/Lanyard/HostileProvider/1-empty-form-answer", test_empty_form_answer);
  g_test_add_func ("/Lanyard/HostileProvider/2-deep-nesting", test_deep_nesting);
  g_test_add_func ("/Lanyard/HostileProvider/3-short-lifetimes", test_short_lifetimes);
  g_test_add_func ("/Lanyard/HostileProvider/4-redirects", test_redirects);
  g_test_add_func ("/Lanyard/HostileProvider/5-trickle", test_trickle);
  g_test_add_func ("/Lanyard/HostileProvider/6-smuggled-identity", test_smuggled_identity);
  g_test_add_func ("/Lanyard/HostileProvider/7-unstorable-tokens", test_unstorable_tokens);
  g_test_add_func ("/Lanyard/HostileProvider/9-json-output", test_json_output);

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  g_free (sso_config);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  return status;
}
