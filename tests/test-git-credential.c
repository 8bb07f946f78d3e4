/* SPDX-License-Identifier: GPL-3.0-or-later */
/* git-credential-lanyard driven by a real git: `git ls-remote` and
 * `git push` over smart HTTP to the fake provider's git server (git
 * http-backend behind it), which wants the token it issued and the user
 * name the forge wants, with the real daemon and keyring. The fake plays
 * GitHub (two accounts) and, as a second fake, GitLab; a third serves
 * git at a host no provider serves. */

#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "daemon-harness.h"

static KeyringHarness harness;
static Daemon         daemon_process;
static FakeProvider  *hub; /* the provider "hub" (GitHub) and its git server */
static FakeProvider  *lab; /* "work" (GitLab) */
static FakeProvider  *stranger; /* a git server no provider serves */
static char          *work_dir;

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” does not contain “%s”", haystack, needle);
}

static char *
helper_path (void)
{
  return g_test_build_filename (G_TEST_BUILT, "..", "src", "git-credential", LANYARD_GIT_CREDENTIAL_PROGRAM, NULL);
}

/* Runs a program to its end with @input on its standard input, the main
 * loop running (the fakes answer from it). git gets no configuration but
 * what the test gives it, and never prompts. */
static CtlResult *
run (const char *const *argv,
     const char        *input)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CtlResult *ran = g_new0 (CtlResult, 1);

  g_subprocess_launcher_setenv (launcher, "HOME", work_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "GIT_CONFIG_NOSYSTEM", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GIT_CONFIG_GLOBAL", "/dev/null", TRUE);
  g_subprocess_launcher_setenv (launcher, "GIT_TERMINAL_PROMPT", "0", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "GIT_ASKPASS");
  g_subprocess_launcher_unsetenv (launcher, "SSH_ASKPASS");
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, input, NULL, test_store_result, &result);
  g_subprocess_communicate_utf8_finish (process, test_wait_result (&result), &ran->out, &ran->err, &error);
  g_assert_no_error (error);
  ran->status = g_subprocess_get_exit_status (process);
  return ran;
}

/* `git-credential-lanyard OPERATION` with git's request. */
static CtlResult *
helper (const char *operation,
        const char *request)
{
  g_autofree char *binary = helper_path ();

  return run ((const char *const[]){ binary, operation, NULL }, request);
}

/* `git ARGS…` with Lanyard as its only credential helper. */
static CtlResult *
git (const char *first,
     ...)
{
  g_autofree char *binary = helper_path ();
  g_autofree char *setting = g_strdup_printf ("credential.helper=%s", binary);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (argv, (char *) "git");
  /* An empty value first: no helper from elsewhere. */
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) "credential.helper=");
  /* The fakes serve each forge under a path (docs/git.md). */
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) "credential.useHttpPath=true");
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, setting);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return run ((const char *const *) argv->pdata, NULL);
}

/* "127.0.0.1:PORT" */
static const char *
host_of (FakeProvider *fake)
{
  return fake_provider_get_base_url (fake) + strlen ("http://");
}

static char *
repo_url (FakeProvider *fake,
          const char   *dialect,
          const char   *user)
{
  return g_strdup_printf ("http://%s%s%s/%s/octo/hello.git", user != NULL ? user : "", user != NULL ? "@" : "",
                          host_of (fake), dialect);
}

/* git's request for a repository of @fake, with its path: the fakes
 * serve each forge under a path of their host (/github, /gitlab), which
 * git sends with credential.useHttpPath, as git() sets it. */
static char *
request_for (FakeProvider *fake,
             const char   *extra)
{
  return g_strdup_printf (
    "capability[]=authtype\nprotocol=http\nhost=%s\npath=%s/octo/hello.git\n%swwwauth[]=Basic realm=\"fake git\"\n\n",
    host_of (fake), fake == lab ? "gitlab" : "github", extra != NULL ? extra : "");
}

static char *
access_token (const char *key,
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

static gboolean
needs_attention (const char *key)
{
  g_autofree char *path = daemon_account_path (key);
  g_autoptr(GVariant) value = daemon_get_property (path, "io.github.lanyard.Account", "NeedsAttention");

  return g_variant_get_boolean (value);
}

static void
test_one_account (void)
{
  g_autoptr(CtlResult) linked = link_with_ctl ("hub");
  g_autoptr(CtlResult) got = NULL;
  g_autoptr(CtlResult) listed = NULL;
  g_autoptr(CtlResult) pushed = NULL;
  g_autofree char *request = request_for (hub, NULL);
  g_autofree char *url = repo_url (hub, "github", NULL);
  g_autofree char *token = NULL;
  g_autofree char *expected = NULL;
  gint64           expires_at = 0;

  g_assert_cmpint (linked->status, ==, 0);
  token = access_token ("hub:583231", &expires_at);

  /* GitHub: the login and the token; a GitHub OAuth app's token does not
   * expire, so there is no expiry to tell. */
  got = helper ("get", request);
  g_assert_cmpint (got->status, ==, 0);
  expected = g_strdup_printf ("username=octocat\npassword=%s\n", token);
  g_assert_cmpstr (got->out, ==, expected);
  g_assert_cmpstr (got->err, ==, "");

  listed = git ("ls-remote", url, NULL);
  g_assert_cmpint (listed->status, ==, 0);
  assert_contains (listed->out, "refs/heads/main");
  /* Asked without credentials first, then with Lanyard's. */
  g_assert_cmpuint (fake_provider_get_count (hub, "git-refused"), ==, 1);
  g_assert_cmpuint (fake_provider_get_count (hub, "git-accepted"), >=, 1);

  {
    g_autofree char *clone = g_build_filename (work_dir, "clone", NULL);
    g_autoptr(CtlResult) cloned = git ("clone", "--quiet", url, clone, NULL);
    g_autoptr(CtlResult) committed = NULL;

    g_assert_cmpint (cloned->status, ==, 0);
    committed = git ("-C", clone, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit",
                     "--quiet", "--allow-empty", "-m", "pushed with Lanyard", NULL);
    g_assert_cmpint (committed->status, ==, 0);
    pushed = git ("-C", clone, "push", "--quiet", "origin", "HEAD:refs/heads/pushed", NULL);
    g_assert_cmpint (pushed->status, ==, 0);
  }
  {
    g_autoptr(CtlResult) again = git ("ls-remote", url, NULL);
    assert_contains (again->out, "refs/heads/pushed");
  }

  /* store: nothing to do, nothing said; an operation a newer git may
   * send: ignored. */
  {
    g_autoptr(CtlResult) stored = helper ("store", request);
    g_autoptr(CtlResult) other = helper ("frobnicate", request);

    g_assert_cmpint (stored->status, ==, 0);
    g_assert_cmpstr (stored->out, ==, "");
    g_assert_cmpint (other->status, ==, 0);
    g_assert_cmpstr (other->out, ==, "");
  }
}

static void
test_gitlab (void)
{
  g_autoptr(CtlResult) linked = link_with_ctl ("work");
  g_autoptr(CtlResult) got = NULL;
  g_autoptr(CtlResult) listed = NULL;
  g_autofree char *request = request_for (lab, NULL);
  g_autofree char *url = repo_url (lab, "gitlab", NULL);
  g_autofree char *token = NULL;
  g_autofree char *expected = NULL;
  gint64           expires_at = 0;

  g_assert_cmpint (linked->status, ==, 0);
  token = access_token ("work:4242", &expires_at);
  g_assert_cmpint (expires_at, >, 0);

  /* GitLab: "oauth2" and the token, with its expiry. */
  got = helper ("get", request);
  g_assert_cmpint (got->status, ==, 0);
  expected = g_strdup_printf ("username=oauth2\npassword=%s\npassword_expiry_utc=%" G_GINT64_FORMAT "\n", token, expires_at);
  g_assert_cmpstr (got->out, ==, expected);

  listed = git ("ls-remote", url, NULL);
  g_assert_cmpint (listed->status, ==, 0);
  assert_contains (listed->out, "refs/heads/main");
  g_assert_cmpuint (fake_provider_get_count (lab, "git-accepted"), >=, 1);

  /* Pinned by login (credential.<url>.username=tanuki): GitLab still
   * wants "oauth2"; another login is not Lanyard's. */
  {
    g_autofree char *pinned = request_for (lab, "username=tanuki\n");
    g_autofree char *other = request_for (lab, "username=someone-else\n");
    g_autoptr(CtlResult) pinned_got = helper ("get", pinned);
    g_autoptr(CtlResult) other_got = helper ("get", other);

    g_assert_cmpstr (pinned_got->out, ==, expected);
    g_assert_cmpstr (other_got->out, ==, "");
  }

  /* The GitLab is under a path of its host (/gitlab): without the path
   * (no credential.useHttpPath), git could mean anything on that host,
   * and gets no token but a hint. */
  {
    g_autofree char *no_path = g_strdup_printf ("protocol=http\nhost=%s\n\n", host_of (lab));
    g_autofree char *hint = g_strdup_printf ("git config --global credential.http://%s.useHttpPath true", host_of (lab));
    g_autoptr(CtlResult) no_path_got = helper ("get", no_path);
    g_autoptr(CtlResult) no_path_listed = git ("-c", "credential.useHttpPath=false", "ls-remote", url, NULL);

    g_assert_cmpint (no_path_got->status, ==, 0);
    g_assert_cmpstr (no_path_got->out, ==, "");
    assert_contains (no_path_got->err, hint);
    g_assert_cmpint (no_path_listed->status, !=, 0);
    assert_contains (no_path_listed->err, hint);
  }

  /* A path that leaves the GitLab's (git decodes %2e%2e before it hands
   * it over), or has empty or "." segments, or a "%": nothing. */
  {
    const char *const paths[] = { "gitlab/../evil/r.git", "gitlab/./octo/hello.git", "gitlab//octo/hello.git",
                                  "gitlab/%2e%2e/evil/r.git", "gitlab/octo/../../evil.git" };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autofree char *sneaky = g_strdup_printf ("protocol=http\nhost=%s\npath=%s\n\n", host_of (lab), paths[i]);
        g_autoptr(CtlResult) sneaky_got = helper ("get", sneaky);

        g_assert_cmpint (sneaky_got->status, ==, 0);
        g_assert_cmpstr (sneaky_got->out, ==, "");
      }
  }

  /* The GitHub provider's host is not GitLab's: each answers its own. */
  {
    g_autofree char *hub_request = request_for (hub, NULL);
    g_autoptr(CtlResult) hub_got = helper ("get", hub_request);

    assert_contains (hub_got->out, "username=octocat\n");
  }
}

static void
test_two_accounts (void)
{
  g_autoptr(CtlResult) linked = NULL;
  g_autofree char *octocat_token = NULL;
  g_autofree char *hubot_token = NULL;
  gint64           expires_at;

  fake_provider_set_github_user (hub, 9001, "hubot");
  linked = link_with_ctl ("hub");
  g_assert_cmpint (linked->status, ==, 0);
  octocat_token = access_token ("hub:583231", &expires_at);
  hubot_token = access_token ("hub:9001", &expires_at);

  /* By user name, as git sends it from the URL or credential.<url>.username
   * (GitHub logins are not case-sensitive). */
  {
    g_autofree char *request = request_for (hub, "username=HuBot\n");
    g_autoptr(CtlResult) got = helper ("get", request);
    g_autofree char *expected = g_strdup_printf ("username=hubot\npassword=%s\n", hubot_token);

    g_assert_cmpstr (got->out, ==, expected);
  }
  /* Without one: no account is primary, so the one linked first. */
  {
    g_autofree char *request = request_for (hub, NULL);
    g_autoptr(CtlResult) got = helper ("get", request);

    assert_contains (got->out, "username=octocat\n");
  }
  /* A user name Lanyard has no account of: not Lanyard's to answer. */
  {
    g_autofree char *request = request_for (hub, "username=nobody\n");
    g_autoptr(CtlResult) got = helper ("get", request);

    g_assert_cmpint (got->status, ==, 0);
    g_assert_cmpstr (got->out, ==, "");
  }

  /* The primary account, when there is one. */
  {
    g_autofree char *path = daemon_account_path ("hub:9001");
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "SetPrimary",
                                              g_variant_new ("(o)", path), NULL, &error);
    g_autofree char *request = request_for (hub, NULL);
    g_autoptr(CtlResult) got = NULL;

    g_assert_no_error (error);
    got = helper ("get", request);
    assert_contains (got->out, "username=hubot\n");
  }

  /* A token the provider accepts but a git server refused (a token
   * without the scope for repositories): nothing marked, and a hint. */
  {
    g_autofree char *request = g_strdup_printf ("protocol=http\nhost=%s\npath=github/octo/hello.git\nusername=hubot\npassword=%s\n\n",
                                                host_of (hub), hubot_token);
    guint            userinfo = fake_provider_get_count (hub, "userinfo");
    g_autoptr(CtlResult) erased = helper ("erase", request);

    g_assert_cmpint (erased->status, ==, 0);
    g_assert_cmpstr (erased->out, ==, "");
    assert_contains (erased->err, "accepts the token of the account “hubot”, but the git server refused it");
    g_assert_cmpuint (fake_provider_get_count (hub, "userinfo"), ==, userinfo + 1);
    g_assert_false (needs_attention ("hub:9001"));
  }

  /* git, pinned to an account by the URL's user name and by
   * credential.<url>.username; the server checks both. */
  {
    g_autofree char *url = repo_url (hub, "github", "octocat");
    g_autoptr(CtlResult) listed = git ("ls-remote", url, NULL);

    g_assert_cmpint (listed->status, ==, 0);
    assert_contains (listed->out, "refs/heads/main");
  }
  {
    g_autofree char *url = repo_url (hub, "github", NULL);
    g_autofree char *pin = g_strdup_printf ("credential.http://%s.username=octocat", host_of (hub));
    g_autoptr(CtlResult) listed = git ("-c", pin, "ls-remote", url, NULL);

    g_assert_cmpint (listed->status, ==, 0);
  }
}

static void
test_unknown_host (void)
{
  g_autofree char *request = request_for (stranger, NULL);
  g_autofree char *url = repo_url (stranger, "github", NULL);
  g_autoptr(CtlResult) got = helper ("get", request);
  g_autoptr(CtlResult) listed = NULL;

  g_assert_cmpint (got->status, ==, 0);
  g_assert_cmpstr (got->out, ==, "");
  g_assert_cmpstr (got->err, ==, "");

  /* git goes on as without Lanyard: no credentials, no prompt, refused. */
  listed = git ("ls-remote", url, NULL);
  g_assert_cmpint (listed->status, !=, 0);
  assert_contains (listed->err, "terminal prompts disabled");
  g_assert_cmpuint (fake_provider_get_count (stranger, "git-accepted"), ==, 0);

  /* The empty line ends the request: the helper does not wait for the
   * end of its input (a caller may keep it open). */
  {
    g_autofree char *binary = helper_path ();
    g_autoptr(GSubprocess) process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                                        NULL, binary, "get", NULL);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    GOutputStream *in = g_subprocess_get_stdin_pipe (process);

    g_assert_true (g_output_stream_write_all (in, request, strlen (request), NULL, NULL, &error));
    g_assert_no_error (error);
    g_subprocess_wait_async (process, NULL, test_store_result, &result);
    g_assert_true (g_subprocess_wait_finish (process, test_wait_result (&result), &error));
    g_assert_true (g_subprocess_get_if_exited (process));
    g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  }

  /* Not http(s), or another scheme at the same host: not Lanyard's. */
  {
    g_autofree char *ssh = g_strdup_printf ("protocol=ssh\nhost=%s\n\n", host_of (hub));
    g_autofree char *https = g_strdup_printf ("protocol=https\nhost=%s\n\n", host_of (hub));
    g_autoptr(CtlResult) ssh_got = helper ("get", ssh);
    g_autoptr(CtlResult) https_got = helper ("get", https);

    g_assert_cmpstr (ssh_got->out, ==, "");
    g_assert_cmpstr (https_got->out, ==, "");
  }
}

static void
test_bad_request (void)
{
  g_autoptr(CtlResult) not_pair = helper ("get", "protocol=http\nhost\n\n");
  g_autoptr(GString) long_line = g_string_new ("protocol=http\npath=");
  g_autoptr(CtlResult) too_long = NULL;

  g_assert_cmpint (not_pair->status, ==, 1);
  g_assert_cmpstr (not_pair->out, ==, "");
  assert_contains (not_pair->err, "Line 2 of git's request is not a key=value pair");

  for (guint i = 0; i < 9000; i++)
    g_string_append_c (long_line, 'a');
  g_string_append (long_line, "\n\n");
  too_long = helper ("get", long_line->str);
  g_assert_cmpint (too_long->status, ==, 1);
  assert_contains (too_long->err, "Line 2 of git's request is longer than 8192 bytes");
}

static void
test_rejected_token (void)
{
  g_autofree char *url = repo_url (hub, "github", "octocat");
  g_autofree char *secret_before = keyring_secret ("hub", "583231");
  g_autofree char *secret_after = NULL;
  g_autoptr(CtlResult) listed = NULL;
  g_autoptr(CtlResult) got = NULL;
  guint userinfo;

  /* The person revoked Lanyard's access at GitHub. */
  fake_provider_forget_access_tokens (hub);
  userinfo = fake_provider_get_count (hub, "userinfo");

  /* git is refused, tells the helper (erase), which asks the daemon to
   * check: GitHub refuses the token, there is no refresh token, so the
   * account needs attention. */
  listed = git ("ls-remote", url, NULL);
  g_assert_cmpint (listed->status, !=, 0);
  assert_contains (listed->err, "refused the token of the account “octocat”");
  g_assert_cmpuint (fake_provider_get_count (hub, "userinfo"), ==, userinfo + 1);
  g_assert_true (needs_attention ("hub:583231"));
  {
    g_autofree char *path = daemon_account_path ("hub:583231");
    g_autoptr(GVariant) reason = daemon_get_property (path, "io.github.lanyard.Account", "AttentionReason");

    assert_contains (g_variant_get_string (reason, NULL), "HTTP 401");
  }
  /* Only the account whose token was refused. */
  g_assert_false (needs_attention ("hub:9001"));
  /* Nothing deleted: the account and its tokens are where they were. */
  secret_after = keyring_secret ("hub", "583231");
  g_assert_cmpstr (secret_after, ==, secret_before);

  /* Now the helper says so and gives nothing; the provider is not asked
   * again. */
  {
    g_autofree char *request = request_for (hub, "username=octocat\n");

    got = helper ("get", request);
    g_assert_cmpint (got->status, ==, 0);
    g_assert_cmpstr (got->out, ==, "");
    assert_contains (got->err, "needs you to sign in again");
  }
  {
    g_autoptr(CtlResult) again = git ("ls-remote", url, NULL);

    g_assert_cmpint (again->status, !=, 0);
    g_assert_cmpuint (fake_provider_get_count (hub, "userinfo"), ==, userinfo + 1);
  }

  /* A password that is not the account's current token (another
   * helper's, an old one): nothing is checked. */
  {
    g_autofree char *request = request_for (hub, "username=hubot\npassword=not-lanyards\n");
    g_autoptr(CtlResult) erased = helper ("erase", request);

    g_assert_cmpint (erased->status, ==, 0);
    g_assert_cmpuint (fake_provider_get_count (hub, "userinfo"), ==, userinfo + 1);
    g_assert_false (needs_attention ("hub:9001"));
  }
}

static void
test_renewed_after_refusal (void)
{
  g_autofree char *old_token = NULL;
  g_autofree char *new_token = NULL;
  g_autofree char *request = NULL;
  g_autoptr(CtlResult) erased = NULL;
  guint  refreshes = fake_provider_get_count (lab, "refresh");
  guint  userinfo;
  gint64 expires_at;

  old_token = access_token ("work:4242", &expires_at);
  fake_provider_forget_access_tokens (lab);
  userinfo = fake_provider_get_count (lab, "userinfo");

  /* GitLab refuses the token, the refresh token still works: renewed,
   * accepted, nothing to attend to. */
  request = g_strdup_printf ("protocol=http\nhost=%s\npath=gitlab/octo/hello.git\nusername=oauth2\npassword=%s\n\n", host_of (lab), old_token);
  erased = helper ("erase", request);
  g_assert_cmpint (erased->status, ==, 0);
  g_assert_cmpstr (erased->out, ==, "");
  assert_contains (erased->err, "The token of the account “tanuki” at GitLab was renewed; run the git command again.");
  g_assert_cmpuint (fake_provider_get_count (lab, "refresh"), ==, refreshes + 1);
  g_assert_cmpuint (fake_provider_get_count (lab, "userinfo"), ==, userinfo + 2);
  g_assert_false (needs_attention ("work:4242"));
  new_token = access_token ("work:4242", &expires_at);
  g_assert_cmpstr (new_token, !=, old_token);

  /* A loop of erases costs the provider nothing more within the minute. */
  {
    g_autofree char *again = g_strdup_printf ("protocol=http\nhost=%s\npath=gitlab/octo/hello.git\nusername=oauth2\npassword=%s\n\n",
                                              host_of (lab), new_token);

    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(CtlResult) looped = helper ("erase", again);
        g_assert_cmpint (looped->status, ==, 0);
      }
    g_assert_cmpuint (fake_provider_get_count (lab, "userinfo"), ==, userinfo + 2);
  }

  /* And git works with the renewed token. */
  {
    g_autofree char *url = repo_url (lab, "gitlab", NULL);
    g_autoptr(CtlResult) listed = git ("ls-remote", url, NULL);

    g_assert_cmpint (listed->status, ==, 0);
  }
}

/* Two providers at the same address (a second GitLab configured with the
 * same base_url, no account linked there): the configuration does not
 * say whose token it is, so neither is sent. */
static void
test_ambiguous_providers (void)
{
  g_autofree char *work = fake_provider_config (lab, "gitlab");
  g_autofree char *setting = g_strconcat ("LANYARD_PROVIDER_WORK=", work, NULL);
  g_autofree char *twin = g_strconcat ("LANYARD_PROVIDER_TWIN=", work, NULL);
  g_autofree char *request = request_for (lab, NULL);
  g_autoptr(CtlResult) got = NULL;

  daemon_stop (&daemon_process, SIGTERM);
  daemon_start (&daemon_process, hub, (const char *const[]){ setting, twin, NULL });

  got = helper ("get", request);
  g_assert_cmpint (got->status, ==, 0);
  g_assert_cmpstr (got->out, ==, "");
  assert_contains (got->err, "Several providers in Lanyard serve");

  daemon_stop (&daemon_process, SIGTERM);
  daemon_start (&daemon_process, hub, (const char *const[]){ setting, NULL });
}

static void
test_no_daemon (void)
{
  g_autofree char *request = request_for (lab, NULL);
  g_autofree char *url = repo_url (lab, "gitlab", NULL);
  g_autoptr(CtlResult) got = NULL;
  g_autoptr(CtlResult) listed = NULL;

  daemon_stop (&daemon_process, SIGTERM);

  /* Nobody owns the name and nothing can start it on this bus: silent,
   * at once (the bus says so; no timeout is waited for). */
  got = helper ("get", request);
  g_assert_cmpint (got->status, ==, 0);
  g_assert_cmpstr (got->out, ==, "");
  g_assert_cmpstr (got->err, ==, "");

  listed = git ("ls-remote", url, NULL);
  g_assert_cmpint (listed->status, !=, 0);
  assert_contains (listed->err, "terminal prompts disabled");

  /* No session bus at all: silent too, and no bus is launched. */
  {
    g_autofree char *binary = helper_path ();
    g_autofree char *runtime = g_build_filename (work_dir, "no-runtime", NULL);
    g_autoptr(CtlResult) alone = run ((const char *const[]){ "env", "-u", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR=/nonexistent",
                                                              binary, "get", NULL },
                                       request);

    g_assert_cmpint (alone->status, ==, 0);
    g_assert_cmpstr (alone->out, ==, "");
    g_assert_cmpstr (alone->err, ==, "");
  }

  /* A private socket whose owner never answers (a daemon that hangs, or
   * anyone's listener at that path): the helper gives up within its
   * bound, silently (the test's timeout is only the watchdog). */
  {
    g_autofree char *directory = g_build_filename (g_get_user_runtime_dir (), "app", APPLICATION_ID, NULL);
    g_autofree char *path = g_build_filename (directory, "daemon", NULL);
    g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
    g_autoptr(GSocket) listener = NULL;
    g_autoptr(CtlResult) hung = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
    listener = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
    g_assert_no_error (error);
    g_socket_bind (listener, address, TRUE, &error);
    g_assert_no_error (error);
    g_socket_listen (listener, &error);
    g_assert_no_error (error);

    hung = helper ("get", request);
    g_assert_cmpint (hung->status, ==, 0);
    g_assert_cmpstr (hung->out, ==, "");
    g_assert_cmpstr (hung->err, ==, "");

    g_socket_close (listener, NULL);
    g_assert_cmpint (g_unlink (path), ==, 0);
  }
}

/* A bare repository with one commit on main, at ROOT/octo/hello.git. */
static char *
make_repositories (void)
{
  g_autofree char *root = g_build_filename (work_dir, "repositories", NULL);
  g_autofree char *seed = g_build_filename (work_dir, "seed", NULL);
  g_autofree char *bare = g_build_filename (root, "octo", "hello.git", NULL);
  g_autofree char *command = g_strdup_printf (
    "set -e; git init --quiet -b main '%s'; git -C '%s' -c user.name=Test -c user.email=test@example.com "
    "commit --quiet --allow-empty -m first; git clone --quiet --bare '%s' '%s'; "
    "git -C '%s' config http.receivepack true",
    seed, seed, seed, bare, bare);

  g_setenv ("GIT_CONFIG_NOSYSTEM", "1", TRUE);
  g_setenv ("GIT_CONFIG_GLOBAL", "/dev/null", TRUE);
  g_assert_cmpint (system (command), ==, 0);
  return g_steal_pointer (&root);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *root = NULL;
  g_autofree char *work = NULL;
  g_autofree char *setting = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  work_dir = g_dir_make_tmp ("lanyard-git-XXXXXX", &error);
  g_assert_no_error (error);
  /* A runtime directory of this test's own, for the helper too (where it
   * looks for the daemon's private socket): no other test's is found. */
  {
    g_autofree char *runtime = g_build_filename (work_dir, "runtime", NULL);

    g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
    g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
    g_assert_cmpstr (g_get_user_runtime_dir (), ==, runtime);
  }
  keyring_harness_up (&harness, TRUE);
  root = make_repositories ();

  hub = fake_provider_new ();
  lab = fake_provider_new ();
  stranger = fake_provider_new ();
  fake_provider_serve_git (hub, root);
  fake_provider_serve_git (lab, root);
  fake_provider_serve_git (stranger, root);
  work = fake_provider_config (lab, "gitlab");
  setting = g_strconcat ("LANYARD_PROVIDER_WORK=", work, NULL);
  daemon_start (&daemon_process, hub, (const char *const[]){ setting, NULL });

  /* In this order: each leaves the stage for the next. */
  g_test_add_func ("/Lanyard/GitCredential/1-one-account", test_one_account);
  g_test_add_func ("/Lanyard/GitCredential/2-gitlab", test_gitlab);
  g_test_add_func ("/Lanyard/GitCredential/3-two-accounts", test_two_accounts);
  g_test_add_func ("/Lanyard/GitCredential/4-unknown-host", test_unknown_host);
  g_test_add_func ("/Lanyard/GitCredential/5-bad-request", test_bad_request);
  g_test_add_func ("/Lanyard/GitCredential/6-rejected-token", test_rejected_token);
  g_test_add_func ("/Lanyard/GitCredential/7-renewed-after-refusal", test_renewed_after_refusal);
  g_test_add_func ("/Lanyard/GitCredential/7b-ambiguous-providers", test_ambiguous_providers);
  g_test_add_func ("/Lanyard/GitCredential/8-no-daemon", test_no_daemon);

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&hub);
  g_clear_object (&lab);
  g_clear_object (&stranger);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", work_dir);
    g_assert_cmpint (system (command), ==, 0);
  }
  g_free (work_dir);
  return status;
}
