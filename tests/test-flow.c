/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include <sys/resource.h>

#include "fake-provider.h"
#include "lanyard-account.h"
#include "lanyard-demo-server.h"
#include "lanyard-error.h"
#include "lanyard-flow.h"
#include "lanyard-provider-registry.h"
#include "flow-harness.h"
#include "listener-attacks.h"
#include "lanyard-loopback-server.h"
#include "test-util.h"

/* Everything every log line of this process said, to look for secrets. */
static GString *captured_log;

static void
assert_identity (LanyardFlow *flow,
                 const char  *provider_id,
                 const char  *account_id,
                 const char  *username,
                 const char  *display_name,
                 const char  *email)
{
  LanyardIdentity *identity = lanyard_flow_get_identity (flow);

  g_assert_cmpint (lanyard_flow_get_status (flow), ==, LANYARD_FLOW_STATUS_SUCCEEDED);
  g_assert_nonnull (identity);
  g_assert_nonnull (lanyard_flow_get_tokens (flow));
  g_assert_cmpstr (lanyard_identity_get_provider_id (identity), ==, provider_id);
  g_assert_cmpstr (lanyard_identity_get_account_id (identity), ==, account_id);
  g_assert_cmpstr (lanyard_identity_get_username (identity), ==, username);
  g_assert_cmpstr (lanyard_identity_get_display_name (identity), ==, display_name);
  g_assert_cmpstr (lanyard_identity_get_email (identity), ==, email);
}

static void
test_github (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "github", "github", &page, &error);
  GHashTable      *authorize = fake_provider_get_last_authorize (f->fake);
  LanyardTokenSet *tokens;

  g_assert_no_error (error);
  g_assert_true (strstr (page->body, "You can close this window") != NULL);
  /* The e-mail is private: it came from /user/emails. */
  assert_identity (flow, "github", "583231", "octocat", "The Octocat", "octocat@example.com");
  g_assert_cmpstr (lanyard_identity_get_avatar_url (lanyard_flow_get_identity (flow)), ==, "https://avatars.example/u/583231");

  tokens = lanyard_flow_get_tokens (flow);
  g_assert_true (g_str_has_prefix (lanyard_token_set_get_access_token (tokens), "fake_at_"));
  g_assert_null (lanyard_token_set_get_refresh_token (tokens));
  g_assert_cmpint (lanyard_token_set_get_expires_at (tokens), ==, 0);

  g_assert_cmpstr (g_hash_table_lookup (authorize, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (authorize, "state"), ==, lanyard_flow_get_state (flow));
  g_assert_null (g_hash_table_lookup (authorize, "nonce"));
  g_assert_cmpstr (g_hash_table_lookup (authorize, "scope"), ==, "read:user user:email");
  g_assert_true (g_str_has_prefix (lanyard_flow_get_redirect_uri (flow), "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (lanyard_flow_get_redirect_uri (flow), "/callback/github"));
}

static void
test_gitlab (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "work", "gitlab", NULL, &error);
  GHashTable      *authorize = fake_provider_get_last_authorize (f->fake);
  LanyardTokenSet *tokens;
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_no_error (error);
  assert_identity (flow, "work", "4242", "tanuki", "Tanu Ki", "tanuki@example.com");
  g_assert_nonnull (g_hash_table_lookup (authorize, "nonce"));
  g_assert_true (g_str_has_suffix (lanyard_flow_get_redirect_uri (flow), "/callback/work"));

  tokens = lanyard_flow_get_tokens (flow);
  g_assert_nonnull (lanyard_token_set_get_refresh_token (tokens));
  g_assert_nonnull (lanyard_token_set_get_id_token (tokens));
  g_assert_cmpint (lanyard_token_set_get_expires_at (tokens), >=, now + 3590);
  g_assert_cmpint (lanyard_token_set_get_expires_at (tokens), <=, now + 3610);
}

static void
test_google (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "google", "google", NULL, &error);
  GHashTable *authorize = fake_provider_get_last_authorize (f->fake);

  g_assert_no_error (error);
  /* No user name at Google: the e-mail stands in; the key is sub. */
  assert_identity (flow, "google", "4242", "tanuki@example.com", "Tanu Ki", "tanuki@example.com");
  g_assert_cmpstr (g_hash_table_lookup (authorize, "access_type"), ==, "offline");
  g_assert_cmpstr (g_hash_table_lookup (authorize, "prompt"), ==, "consent");
  g_assert_cmpint (lanyard_provider_get_browser_policy (lanyard_flow_get_provider (flow)), ==,
                   LANYARD_BROWSER_POLICY_SYSTEM_ONLY);
}

static void
test_microsoft (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "ms", "microsoft", NULL, &error);

  /* The fake refuses a secret, as Microsoft does for public clients, and
   * accepts only a localhost redirect. */
  g_assert_no_error (error);
  assert_identity (flow, "ms", "00000000-0000-0000-66f3-3332eca7ea81." FAKE_MS_TENANT_ID,
                   "ada@contoso.example", "Ada Lovelace", NULL);
  g_assert_true (g_str_has_prefix (lanyard_flow_get_redirect_uri (flow), "http://localhost:"));
  g_assert_cmpuint (fake_provider_get_count (f->fake, "userinfo"), ==, 0);
}

static void
test_oidc (Fixture      *f,
           gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "corp", "oidc", NULL, &error);
  g_autoptr(LanyardFlow) second = NULL;

  g_assert_no_error (error);
  assert_identity (flow, "corp", "4242", "tanuki", "Tanu Ki", "tanuki@example.com");
  g_assert_cmpstr (lanyard_provider_get_display_name (lanyard_flow_get_provider (flow)), ==, "Example SSO");
  g_assert_true (lanyard_provider_get_iss_parameter_supported (lanyard_flow_get_provider (flow)));

  /* A provider configured again discovers again. */
  second = sign_in (f, "corp", "oidc", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "discovery"), ==, 2);
}

static void
test_oauth2 (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "plain", "oauth2", NULL, &error);
  GHashTable *authorize = fake_provider_get_last_authorize (f->fake);

  g_assert_no_error (error);
  assert_identity (flow, "plain", "77", "plainuser", "Plain User", NULL);
  g_assert_null (g_hash_table_lookup (authorize, "scope"));
}

/* Signing in again to one account names it to the provider, in the
 * parameter each one takes; GitLab and a plain OAuth 2.0 server take none,
 * and get nothing (an unknown parameter may be refused). */
static void
test_login_hint (Fixture      *f,
                 gconstpointer data)
{
  struct
  {
    const char *id;
    const char *dialect;
    const char *parameter;
  } cases[] = {
    { "github", "github", "login" },
    { "google", "google", "login_hint" },
    { "ms", "microsoft", "login_hint" },
    { "corp", "oidc", "login_hint" },
    { "work", "gitlab", NULL },
    { "plain", "oauth2", NULL },
  };
  const char *hint = "tanuki@example.com";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LanyardFlow) flow = lanyard_flow_new (add_provider (f, cases[i].id, cases[i].dialect));
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(TestPage) page = NULL;
      g_autoptr(GUri) uri = NULL;
      g_autoptr(GHashTable) params = NULL;
      GHashTable *authorize;

      g_test_message ("%s", cases[i].dialect);
      lanyard_flow_set_login_hint (flow, hint);
      lanyard_flow_start_async (flow, NULL, test_store_result, &result);
      g_assert_true (lanyard_flow_start_finish (flow, test_wait_result (&result), &error));
      g_assert_no_error (error);

      uri = g_uri_parse (lanyard_flow_get_authorize_url (flow), G_URI_FLAGS_ENCODED, NULL);
      params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
      g_assert_nonnull (params);
      if (cases[i].parameter != NULL)
        g_assert_cmpstr (g_hash_table_lookup (params, cases[i].parameter), ==, hint);
      g_assert_cmpstr (g_hash_table_lookup (params, "login_hint"), ==,
                       g_strcmp0 (cases[i].parameter, "login_hint") == 0 ? hint : NULL);
      g_assert_cmpstr (g_hash_table_lookup (params, "login"), ==,
                       g_strcmp0 (cases[i].parameter, "login") == 0 ? hint : NULL);

      /* And the provider got it, in a sign-in that goes through as ever. */
      page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
      g_assert_no_error (page->error);
      g_assert_true (wait_flow (flow, &error));
      g_assert_no_error (error);
      authorize = fake_provider_get_last_authorize (f->fake);
      if (cases[i].parameter != NULL)
        g_assert_cmpstr (g_hash_table_lookup (authorize, cases[i].parameter), ==, hint);
      else
        g_assert_null (g_hash_table_lookup (authorize, "login_hint"));
    }

  /* Without a hint, no provider gets one. */
  {
    g_autoptr(TestPage) page = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(LanyardFlow) flow = sign_in (f, "corp2", "oidc", &page, &error);

    g_assert_no_error (error);
    g_assert_null (g_hash_table_lookup (fake_provider_get_last_authorize (f->fake), "login_hint"));
  }
}

static void
test_token_reply_form_encoded (Fixture      *f,
                               gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;

  fake_provider_set_failure (f->fake, FAKE_FAIL_TOKEN_FORM);
  flow = sign_in (f, "plain", "oauth2", NULL, &error);
  g_assert_no_error (error);
  assert_identity (flow, "plain", "77", "plainuser", "Plain User", NULL);
}

static void
test_demo (gconstpointer data)
{
  const char *flavor = data;
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  g_autofree char *id = g_strconcat ("demo-", flavor, NULL);
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(TestPage) consent = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *approve = NULL;
  LanyardIdentity *identity;

  lanyard_provider_registry_add_demo_providers (registry);
  flow = start_flow (lanyard_provider_registry_lookup (registry, id), &error);
  g_assert_no_error (error);

  /* What a person sees first: a consent page that says Demo. */
  consent = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  g_assert_cmpuint (consent->status, ==, 200);
  g_assert_true (strstr (consent->body, "Demo") != NULL);
  g_assert_true (strstr (consent->body, "Approve") != NULL);

  approve = lanyard_demo_approve_url (lanyard_flow_get_authorize_url (flow), "ada");
  page = test_browse ("GET", approve);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (wait_flow (flow, &error));
  g_assert_no_error (error);

  identity = lanyard_flow_get_identity (flow);
  g_assert_cmpstr (lanyard_identity_get_provider_id (identity), ==, id);
  g_assert_cmpstr (lanyard_identity_get_username (identity), ==, "ada");
  g_assert_cmpstr (lanyard_identity_get_email (identity), ==, "ada@demo.invalid");
  g_assert_nonnull (lanyard_identity_get_account_id (identity));

  /* The avatar is kept without the demo server's port: after a restart
   * the server listens on another one. */
  g_assert_cmpstr (lanyard_identity_get_avatar_url (identity), ==, LANYARD_DEMO_AVATAR_SCHEME ":avatar/ada.svg");
  {
    g_autoptr(LanyardAccount) account = lanyard_account_new_from_identity (identity, 1);
    g_autoptr(JsonNode) stored = lanyard_account_to_json (account);
    g_autoptr(LanyardAccount) reloaded = NULL;
    g_autofree char *base = lanyard_demo_server_dup_base_url (lanyard_demo_server_get_default (), flavor);
    g_autofree char *expected = NULL;
    g_autoptr(TestPage) avatar = NULL;

    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (stored), "avatar_url"), ==,
                     LANYARD_DEMO_AVATAR_SCHEME ":avatar/ada.svg");
    /* As read back by the next run: the URL on the demo server of this
     * process, which serves it. */
    reloaded = lanyard_account_new_from_json (json_node_get_object (stored), &error);
    g_assert_no_error (error);
    expected = g_strdup_printf ("%.*savatar/ada.svg", (int) (strlen (base) - strlen (flavor)), base);
    g_assert_cmpstr (lanyard_account_get_avatar_url (reloaded), ==, expected);
    avatar = test_browse ("GET", lanyard_account_get_avatar_url (reloaded));
    g_assert_cmpuint (avatar->status, ==, 200);
    g_assert_true (g_str_has_prefix (avatar->body, "<svg"));
  }
}

static void
test_demo_deny (void)
{
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *approve = NULL;

  lanyard_provider_registry_add_demo_providers (registry);
  flow = start_flow (lanyard_provider_registry_lookup (registry, "demo-github"), &error);
  approve = lanyard_demo_approve_url (lanyard_flow_get_authorize_url (flow), "ada");
  {
    /* Replace the decision: what pressing Deny sends. */
    GString *s = g_string_new (approve);
    g_string_replace (s, "decision=approve", "decision=deny", 1);
    page = test_browse ("GET", s->str);
    g_string_free (s, TRUE);
  }
  g_assert_false (wait_flow (flow, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED);
  g_assert_true (strstr (page->body, "Sign-in failed") != NULL);
}

/* LANYARD_DEMO_AUTO_APPROVE: the consent page approves by itself, so a web
 * view that nobody clicks in (the Flatpak test's window) completes. */
static void
test_demo_auto_approve (void)
{
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autoptr(GError) error = NULL;

  lanyard_provider_registry_add_demo_providers (registry);
  flow = start_flow (lanyard_provider_registry_lookup (registry, "demo-gitlab"), &error);
  g_assert_no_error (error);

  /* Not a valid demo user name: the page asks, as without the variable. */
  g_setenv ("LANYARD_DEMO_AUTO_APPROVE", "no/such user", TRUE);
  page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (strstr (page->body, "Approve") != NULL);
  g_clear_pointer (&page, test_page_free);

  g_setenv ("LANYARD_DEMO_AUTO_APPROVE", "grace", TRUE);
  page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  g_unsetenv ("LANYARD_DEMO_AUTO_APPROVE");
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (wait_flow (flow, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_identity_get_username (lanyard_flow_get_identity (flow)), ==, "grace");
}

typedef struct
{
  FakeFailure failure;
  const char *dialect;
  GQuark      domain;
  int         code;
  const char *message;
} FailureCase;

static void
test_failure (Fixture      *f,
              gconstpointer data)
{
  const FailureCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(TestPage) page = NULL;

  fake_provider_set_failure (f->fake, c->failure);
  flow = sign_in (f, "subject", c->dialect, &page, &error);

  g_assert_error (error, c->domain, c->code);
  if (c->message != NULL)
    g_assert_cmpstr (error->message, ==, c->message);
  if (flow != NULL)
    {
      g_assert_cmpint (lanyard_flow_get_status (flow), ==, LANYARD_FLOW_STATUS_FAILED);
      g_assert_null (lanyard_flow_get_identity (flow));
      g_assert_null (lanyard_flow_get_tokens (flow));
    }
}

static void
test_wrong_client_secret (Fixture      *f,
                          gconstpointer data)
{
  g_autofree char *compound = g_strdup_printf ("github client_id=%s client_secret=wrong base_url=%s/github",
                                               FAKE_CLIENT_ID, fake_provider_get_base_url (f->fake));
  g_autoptr(LanyardProviderConfig) config = lanyard_provider_config_new_from_compound ("gh", "test", compound, NULL);
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autoptr(GError) error = NULL;

  lanyard_provider_registry_add_config (f->registry, config);
  flow = start_flow (lanyard_provider_registry_lookup (f->registry, "gh"), &error);
  page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  g_assert_false (wait_flow (flow, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED);
  g_assert_true (g_str_has_prefix (error->message, "GitHub rejected Lanyard's application settings (incorrect_client_credentials"));
}

/* Whether the flow still waits for its answer, once the listener has
 * answered what is in flight. */
static gboolean
still_waiting (LanyardFlow *flow)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return lanyard_flow_get_status (flow) == LANYARD_FLOW_STATUS_WAITING && lanyard_flow_is_listening (flow);
}

/* The answer the browser was sent back with, this flow's state put in:
 * what the provider's real redirect would have been. */
static char *
with_right_state (LanyardFlow *flow,
                  const char  *callback_url)
{
  g_autoptr(GUri) uri = g_uri_parse (callback_url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) answer = soup_form_decode (g_uri_get_query (uri));
  g_autoptr(GHashTable) fixed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *encoded = NULL;
  GHashTableIter   iter;
  gpointer         key, value;

  g_hash_table_iter_init (&iter, answer);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (fixed, key, value);
  g_hash_table_insert (fixed, (char *) "state", (char *) lanyard_flow_get_state (flow));
  encoded = soup_form_encode_hash (fixed);

  return g_strconcat (lanyard_flow_get_redirect_uri (flow), "?", encoded, NULL);
}

/* An answer with a wrong or missing state may come from anyone who found
 * the port: it gets a 4xx page and the flow waits on for the real one. */
static void
test_bad_state_keeps_waiting (Fixture      *f,
                              gconstpointer data)
{
  const FailureCase *c = data;
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(TestPage) refused = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *right = NULL;
  g_autofree char *expected = NULL;

  fake_provider_set_failure (f->fake, c->failure);
  flow = start_flow (add_provider (f, "subject", c->dialect), NULL);
  refused = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  g_assert_no_error (refused->error);
  g_assert_cmpuint (refused->status, ==, 400);
  expected = g_markup_escape_text (c->message, -1);
  g_assert_true (strstr (refused->body, expected) != NULL);
  g_assert_true (still_waiting (flow));
  g_assert_cmpuint (fake_provider_get_count (f->fake, "token"), ==, 0);

  right = with_right_state (flow, refused->final_uri);
  page = test_browse ("GET", right);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (wait_flow (flow, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lanyard_flow_get_status (flow), ==, LANYARD_FLOW_STATUS_SUCCEEDED);
  g_assert_nonnull (lanyard_flow_get_identity (flow));
}

/* Someone keeps sending answers that are not this sign-in's: however
 * many, the flow waits on (else any program that finds the port could
 * stop every sign-in), and when the person does not finish in time, the
 * timeout says what was refused meanwhile. */
static void
test_many_wrong_answers (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(LanyardFlow) flow = lanyard_flow_new (add_provider (f, "github", "github"));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  /* Long enough for the answers under a sanitizer on a loaded machine. */
  lanyard_flow_set_timeout (flow, 5);
  lanyard_flow_start_async (flow, NULL, test_store_result, &result);
  g_assert_true (lanyard_flow_start_finish (flow, test_wait_result (&result), NULL));
  url = g_strdup_printf ("%s?code=code_1&state=guess", lanyard_flow_get_redirect_uri (flow));

  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(TestPage) page = test_browse ("GET", url);

      g_assert_cmpuint (page->status, ==, 400);
      g_assert_true (still_waiting (flow));
    }

  g_assert_false (wait_flow (flow, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_TIMED_OUT);
  g_assert_cmpstr (error->message, ==,
                   "The sign-in with GitHub did not finish within 1 minutes and was stopped. Meanwhile Lanyard refused 6 "
                   "sign-in answers that did not belong to it: another program may be trying to interfere. Start again "
                   "when you are ready.");
  g_assert_false (lanyard_flow_is_listening (flow));
  g_assert_cmpuint (fake_provider_get_count (f->fake, "token"), ==, 0);
}

static void
test_replayed_state (Fixture      *f,
                     gconstpointer data)
{
  LanyardProvider *provider = add_provider (f, "github", "github");
  g_autoptr(LanyardFlow) first = start_flow (provider, NULL);
  g_autoptr(LanyardFlow) second = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autoptr(TestPage) replay = NULL;
  g_autoptr(TestPage) real = NULL;
  g_autoptr(TestPage) late = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *replay_url = NULL;
  g_autofree char *late_url = NULL;

  page = test_browse ("GET", lanyard_flow_get_authorize_url (first));
  g_assert_true (wait_flow (first, NULL));

  /* The first flow's state and a fresh code, sent to a second flow: not
   * this sign-in's answer, so not exchanged. */
  second = start_flow (provider, NULL);
  replay_url = g_strdup_printf ("%s?code=code_999&state=%s", lanyard_flow_get_redirect_uri (second),
                                lanyard_flow_get_state (first));
  replay = test_browse ("GET", replay_url);
  g_assert_cmpuint (replay->status, ==, 400);
  g_assert_true (strstr (replay->body, "not valid for the sign-in with GitHub in progress (wrong state)") != NULL);
  g_assert_true (still_waiting (second));

  real = test_browse ("GET", lanyard_flow_get_authorize_url (second));
  g_assert_cmpuint (real->status, ==, 200);
  g_assert_true (wait_flow (second, &error));
  g_assert_no_error (error);

  /* Its own state, after the end: nobody listens any more. */
  late_url = g_strdup_printf ("%s?code=code_999&state=%s", lanyard_flow_get_redirect_uri (second),
                              lanyard_flow_get_state (second));
  late = test_browse ("GET", late_url);
  g_assert_error (late->error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "token"), ==, 2);
}

/* Another user of the machine read the authorize URL, with its state,
 * from the browser's command line, and sends their own code for the
 * person's sign-in, on IPv4 and IPv6: refused before a byte is read. */
static void
test_other_user_refused (Fixture      *f,
                         gconstpointer data)
{
  const char *why_not = cannot_play_other_user ();
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(CurlResult) mine = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = NULL;
  const char      *hosts[] = { "127.0.0.1", "[::1]" };
  guint            port;

  if (why_not != NULL)
    {
      g_test_skip (why_not);
      return;
    }

  flow = start_flow (add_provider (f, "github", "github"), NULL);
  port = redirect_port (flow);

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *url = g_strdup_printf ("http://%s:%u/callback/github?code=code_from_attacker&state=%s",
                                              hosts[i], port, lanyard_flow_get_state (flow));
      g_autoptr(CurlResult) theirs = curl_get (url, TRUE);

      /* No answer at all: the connection was closed. */
      g_assert_cmpint (theirs->status, !=, 0);
      g_assert_cmpstr (theirs->out, ==, "000");
      g_assert_true (still_waiting (flow));
    }

  /* The same curl as this user is answered (a wrong state, so that it
   * does not end the flow): the refusal was for the user, not for curl. */
  wrong = g_strdup_printf ("%s?code=x&state=wrong", lanyard_flow_get_redirect_uri (flow));
  mine = curl_get (wrong, FALSE);
  g_assert_cmpstr (mine->out, ==, "400");
  g_assert_true (still_waiting (flow));

  page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (wait_flow (flow, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "token"), ==, 1);
}

/* 300 half-sent requests held open, with the default limits and a soft
 * limit on open files that 300 more descriptors would pass: the listener
 * keeps its 16, drops them at their deadline, and the sign-in completes. */
static void
test_half_sent_flood (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(LanyardFlow) flow = start_flow (add_provider (f, "github", "github"), NULL);
  g_autoptr(GPtrArray) flood = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autoptr(GError) error = NULL;
  const guint   n = 300;
  const guint   cap = LANYARD_LOOPBACK_MAX_CONNECTIONS;
  struct rlimit saved, limit;
  guint         before, closed;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  limit = saved;
  /* The attackers' own sockets are in this process too. */
  limit.rlim_cur = MIN (saved.rlim_max, highest_open_fd () + n + cap + 64);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  before = count_open_fds ();

  flood = open_half_sent_requests (redirect_port (flow), n);
  /* Well before the deadline: only the cap is at work. */
  closed = wait_closed_by_peer (flood, n - cap, 5000);
  g_assert_cmpuint (closed, ==, n - cap);
  g_assert_cmpuint (count_open_fds (), <=, before + n + cap + 4);
  g_assert_true (still_waiting (flow));

  closed = wait_closed_by_peer (flood, n, LANYARD_LOOPBACK_CONNECTION_TIMEOUT_MS + 3000);
  g_assert_cmpuint (closed, ==, n);
  g_assert_true (still_waiting (flow));

  page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (wait_flow (flow, &error));
  g_assert_no_error (error);

  g_clear_pointer (&flood, g_ptr_array_unref);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &saved), ==, 0);
}

static void
test_timeout (Fixture      *f,
              gconstpointer data)
{
  g_autoptr(LanyardFlow) flow = lanyard_flow_new (add_provider (f, "github", "github"));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  lanyard_flow_set_timeout (flow, 1);
  lanyard_flow_start_async (flow, NULL, test_store_result, &result);
  g_assert_true (lanyard_flow_start_finish (flow, test_wait_result (&result), NULL));
  port = redirect_port (flow);
  g_assert_true (port_is_open (port));

  /* Nobody opens the URL. */
  g_assert_false (wait_flow (flow, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_TIMED_OUT);
  g_assert_cmpstr (error->message, ==, "The sign-in with GitHub did not finish within 1 minutes and was stopped. Start again when you are ready.");
  g_assert_false (lanyard_flow_is_listening (flow));
  g_assert_false (port_is_open (port));
}

static void
test_cancel (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(LanyardFlow) flow = start_flow (add_provider (f, "github", "github"), NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint port = redirect_port (flow);

  lanyard_flow_wait_async (flow, cancellable, test_store_result, &result);
  g_cancellable_cancel (cancellable);
  g_assert_false (lanyard_flow_wait_finish (flow, test_wait_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "The sign-in with GitHub was cancelled");
  g_assert_false (port_is_open (port));
}

static void
test_cancel_during_exchange (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPage) page = NULL;

  /* The token endpoint never answers; the person gives up. */
  fake_provider_set_failure (f->fake, FAKE_FAIL_TOKEN_NO_REPLY);
  g_object_set (lanyard_provider_registry_get_session (f->registry), "timeout", 30, NULL);
  flow = start_flow (add_provider (f, "github", "github"), NULL);
  page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  while (lanyard_flow_get_status (flow) != LANYARD_FLOW_STATUS_EXCHANGING)
    g_main_context_iteration (NULL, TRUE);

  lanyard_flow_wait_async (flow, NULL, test_store_result, &result);
  lanyard_flow_cancel (flow);
  g_assert_false (lanyard_flow_wait_finish (flow, test_wait_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_unreachable_provider (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(LanyardProviderConfig) config = NULL;
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GError) error = NULL;
  guint closed_port;

  /* A port nobody listens on: bind one, note it, close it. */
  {
    g_autoptr(GSocketListener) listener = g_socket_listener_new ();
    closed_port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
    g_socket_listener_close (listener);
  }
  {
    g_autofree char *compound = g_strdup_printf ("oidc client_id=x issuer=http://127.0.0.1:%u/oidc", closed_port);
    config = lanyard_provider_config_new_from_compound ("down", "test", compound, NULL);
  }
  lanyard_provider_registry_add_config (f->registry, config);

  flow = start_flow (lanyard_provider_registry_lookup (f->registry, "down"), &error);
  g_assert_null (flow);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (error->message, "The discovery document could not be fetched: Could not reach OpenID Connect (127.0.0.1): "));
}

static void
test_revoke (Fixture      *f,
             gconstpointer data)
{
  const char *dialect = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "subject", dialect, NULL, &error);
  LanyardTokenSet *tokens = lanyard_flow_get_tokens (flow);
  g_autoptr(GAsyncResult) result = NULL;
  const char *expected;

  g_assert_no_error (error);
  lanyard_provider_revoke_async (lanyard_flow_get_provider (flow), tokens, NULL, test_store_result, &result);
  g_assert_true (lanyard_provider_revoke_finish (lanyard_flow_get_provider (flow), test_wait_result (&result), &error));
  g_assert_no_error (error);

  /* The refresh token where there is one: it ends the whole grant. */
  expected = lanyard_token_set_get_refresh_token (tokens) != NULL
    ? lanyard_token_set_get_refresh_token (tokens)
    : lanyard_token_set_get_access_token (tokens);
  g_assert_cmpstr (fake_provider_get_last_revoked (f->fake), ==, expected);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "revoke"), ==, 1);
}

static void
test_revoke_not_supported (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "ms", "microsoft", NULL, &error);
  g_autoptr(GAsyncResult) result = NULL;
  LanyardProvider *provider = lanyard_flow_get_provider (flow);

  lanyard_provider_revoke_async (provider, lanyard_flow_get_tokens (flow), NULL, test_store_result, &result);
  g_assert_false (lanyard_provider_revoke_finish (provider, test_wait_result (&result), &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (error->message, ==, "Microsoft offers no way for Lanyard to revoke its access. Lanyard's access may still be valid at Microsoft: "
                                       "revoke it by hand at https://myapps.microsoft.com (work or school account) or "
                                       "https://account.live.com/consent/Manage (personal account).");
  g_assert_cmpuint (fake_provider_get_count (f->fake, "revoke"), ==, 0);
}

static void
test_refresh_rotation (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "work", "gitlab", NULL, &error);
  LanyardProvider *provider = lanyard_flow_get_provider (flow);
  LanyardTokenSet *original = lanyard_flow_get_tokens (flow);
  g_autoptr(LanyardTokenSet) refreshed = NULL;
  g_autoptr(LanyardTokenSet) again = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;

  lanyard_provider_refresh_async (provider, original, NULL, test_store_result, &result);
  refreshed = lanyard_provider_refresh_finish (provider, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_token_set_get_access_token (refreshed), !=, lanyard_token_set_get_access_token (original));
  g_assert_cmpstr (lanyard_token_set_get_refresh_token (refreshed), !=, lanyard_token_set_get_refresh_token (original));

  /* The old refresh token died with its use. */
  lanyard_provider_refresh_async (provider, original, NULL, test_store_result, &result2);
  again = lanyard_provider_refresh_finish (provider, test_wait_result (&result2), &error);
  g_assert_null (again);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "refresh"), ==, 2);
}

static void
test_refresh_without_refresh_token (Fixture      *f,
                                    gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "github", "github", NULL, &error);
  g_autoptr(LanyardTokenSet) refreshed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  LanyardProvider *provider = lanyard_flow_get_provider (flow);

  lanyard_provider_refresh_async (provider, lanyard_flow_get_tokens (flow), NULL, test_store_result, &result);
  refreshed = lanyard_provider_refresh_finish (provider, test_wait_result (&result), &error);
  g_assert_null (refreshed);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "refresh"), ==, 0);
}

/* Run last: everything this process logged (with debug output on) is
 * searched for tokens, codes, PKCE secrets and the client secret. */
static void
test_no_secrets_in_logs (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = sign_in (f, "github", "github", NULL, &error);
  g_autoptr(LanyardFlow) failing = NULL;
  g_autoptr(GError) failing_error = NULL;
  LanyardTokenSet *tokens = lanyard_flow_get_tokens (flow);
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_no_error (error);
  lanyard_provider_revoke_async (lanyard_flow_get_provider (flow), tokens, NULL, test_store_result, &result);
  g_assert_true (lanyard_provider_revoke_finish (lanyard_flow_get_provider (flow), test_wait_result (&result), NULL));
  fake_provider_set_failure (f->fake, FAKE_FAIL_TOKEN_INVALID_GRANT);
  failing = sign_in (f, "work", "gitlab", NULL, &failing_error);
  g_assert_nonnull (failing_error);

  g_assert_cmpuint (captured_log->len, >, 0);
  g_assert_true (strstr (captured_log->str, "Sign-in with github succeeded") != NULL);
  g_assert_null (strstr (captured_log->str, "fake_at_"));
  g_assert_null (strstr (captured_log->str, "fake_rt_"));
  g_assert_null (strstr (captured_log->str, "code_"));
  g_assert_null (strstr (captured_log->str, FAKE_CLIENT_SECRET));
  g_assert_null (strstr (captured_log->str, lanyard_flow_get_state (flow)));
  g_assert_null (strstr (failing_error->message, FAKE_CLIENT_SECRET));
  g_assert_null (strstr (failing_error->message, "code_"));
}

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      {
        if (fields[i].length < 0)
          g_string_append (captured_log, fields[i].value);
        else
          g_string_append_len (captured_log, fields[i].value, fields[i].length);
        g_string_append_c (captured_log, '\n');
      }

  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO | G_LOG_LEVEL_MESSAGE))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

#define ADD_FLOW_TEST(path, func, data) \
  g_test_add ("/Lanyard/Flow/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

/* Not failures: the page the browser shows, and the flow waits on. */
static FailureCase bad_states[] = {
  { FAKE_FAIL_WRONG_STATE, "github", 0, LANYARD_ERROR_STATE_MISMATCH,
    "This sign-in link is not valid for the sign-in with GitHub in progress (wrong state), so Lanyard ignored it. The sign-in is still waiting: finish it in the window Lanyard opened." },
  { FAKE_FAIL_MISSING_STATE, "gitlab", 0, LANYARD_ERROR_STATE_MISMATCH,
    "This sign-in link is not valid for the sign-in with GitLab in progress (missing state), so Lanyard ignored it. The sign-in is still waiting: finish it in the window Lanyard opened." },
};

static FailureCase failures[] = {
  { FAKE_FAIL_ACCESS_DENIED, "github", 0, LANYARD_ERROR_ACCESS_DENIED,
    "Access was not granted at GitHub (access_denied: The user denied the request). Connect again and approve the request to link this account." },
  { FAKE_FAIL_MISSING_CODE, "github", 0, LANYARD_ERROR_INVALID_CALLBACK,
    "The answer from GitHub carries no authorization code. Start the sign-in again." },
  { FAKE_FAIL_WRONG_ISS, "oidc", 0, LANYARD_ERROR_ISSUER_MISMATCH,
    "The answer came from another server (“https://evil.example”) than the one this sign-in went to (Example SSO). It was refused." },
  { FAKE_FAIL_WRONG_ISS, "github", 0, LANYARD_ERROR_ISSUER_MISMATCH,
    "The answer came from another server (“https://evil.example”) than the one this sign-in went to (GitHub). It was refused." },
  { FAKE_FAIL_MISSING_ISS, "oidc", 0, LANYARD_ERROR_ISSUER_MISMATCH,
    "The answer does not say which server sent it, although Example SSO always does. It was refused." },
  { FAKE_FAIL_TOKEN_500, "gitlab", 0, LANYARD_ERROR_SERVER,
    "GitLab is having trouble (HTTP 500 Internal Server Error). Try again later." },
  { FAKE_FAIL_TOKEN_INVALID_JSON, "gitlab", 0, LANYARD_ERROR_INVALID_RESPONSE,
    "GitLab's token endpoint sent an unreadable answer: it is not valid JSON" },
  { FAKE_FAIL_TOKEN_INVALID_GRANT, "google", 0, LANYARD_ERROR_INVALID_GRANT,
    "Google no longer accepts this sign-in (invalid_grant: The provided authorization grant is invalid, expired or revoked). Sign in again." },
  { FAKE_FAIL_TOKEN_SLOW, "gitlab", 0, LANYARD_ERROR_TIMED_OUT, NULL },
  { FAKE_FAIL_TOKEN_NO_REPLY, "microsoft", 0, LANYARD_ERROR_TIMED_OUT, NULL },
  { FAKE_FAIL_USERINFO_500, "github", 0, LANYARD_ERROR_SERVER,
    "GitHub is having trouble (HTTP 500 Internal Server Error). Try again later." },
  { FAKE_FAIL_USERINFO_OTHER_SUB, "gitlab", 0, LANYARD_ERROR_INVALID_RESPONSE,
    "GitLab described another account than the one that signed in (userinfo “sub” differs from the ID token's); the sign-in was refused" },
  { FAKE_FAIL_ID_TOKEN_NONCE, "google", 0, LANYARD_ERROR_INVALID_RESPONSE,
    "The ID token from Google does not belong to this sign-in (nonce mismatch); the sign-in was refused" },
  { FAKE_FAIL_ID_TOKEN_AUDIENCE, "oidc", 0, LANYARD_ERROR_INVALID_RESPONSE,
    "The ID token from Example SSO is meant for another application (its audience does not contain this client ID)" },
  { FAKE_FAIL_ID_TOKEN_ISSUER, "microsoft", 0, LANYARD_ERROR_ISSUER_MISMATCH, NULL },
  { FAKE_FAIL_ID_TOKEN_ISSUER, "gitlab", 0, LANYARD_ERROR_ISSUER_MISMATCH, NULL },
  { FAKE_FAIL_DISCOVERY_ISSUER, "oidc", 0, LANYARD_ERROR_ISSUER_MISMATCH, NULL },
};

int
main (int   argc,
      char *argv[])
{
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_log_set_debug_enabled (TRUE);

  g_test_init (&argc, &argv, NULL);

  ADD_FLOW_TEST ("github", test_github, NULL);
  ADD_FLOW_TEST ("gitlab", test_gitlab, NULL);
  ADD_FLOW_TEST ("google", test_google, NULL);
  ADD_FLOW_TEST ("microsoft", test_microsoft, NULL);
  ADD_FLOW_TEST ("oidc", test_oidc, NULL);
  ADD_FLOW_TEST ("oauth2", test_oauth2, NULL);
  ADD_FLOW_TEST ("token-reply-form-encoded", test_token_reply_form_encoded, NULL);
  ADD_FLOW_TEST ("login-hint", test_login_hint, NULL);
  g_test_add_data_func ("/Lanyard/Flow/demo-github", "github", test_demo);
  g_test_add_data_func ("/Lanyard/Flow/demo-gitlab", "gitlab", test_demo);
  g_test_add_func ("/Lanyard/Flow/demo-deny", test_demo_deny);
  g_test_add_func ("/Lanyard/Flow/demo-auto-approve", test_demo_auto_approve);

  for (guint i = 0; i < G_N_ELEMENTS (failures); i++)
    {
      g_autofree char   *path = NULL;
      static const char *names[] = {
        [FAKE_FAIL_ACCESS_DENIED] = "access-denied",
        [FAKE_FAIL_MISSING_CODE] = "missing-code",
        [FAKE_FAIL_WRONG_ISS] = "wrong-iss",
        [FAKE_FAIL_MISSING_ISS] = "missing-iss",
        [FAKE_FAIL_TOKEN_500] = "token-http-500",
        [FAKE_FAIL_TOKEN_INVALID_JSON] = "token-invalid-json",
        [FAKE_FAIL_TOKEN_INVALID_GRANT] = "token-invalid-grant",
        [FAKE_FAIL_TOKEN_SLOW] = "token-slow",
        [FAKE_FAIL_TOKEN_NO_REPLY] = "token-no-reply",
        [FAKE_FAIL_USERINFO_500] = "userinfo-http-500",
        [FAKE_FAIL_USERINFO_OTHER_SUB] = "userinfo-other-sub",
        [FAKE_FAIL_ID_TOKEN_NONCE] = "id-token-nonce",
        [FAKE_FAIL_ID_TOKEN_AUDIENCE] = "id-token-audience",
        [FAKE_FAIL_ID_TOKEN_ISSUER] = "id-token-issuer",
        [FAKE_FAIL_DISCOVERY_ISSUER] = "discovery-issuer",
      };

      failures[i].domain = LANYARD_ERROR;
      path = g_strdup_printf ("/Lanyard/Flow/failure/%s/%s", names[failures[i].failure], failures[i].dialect);
      g_test_add (path, Fixture, &failures[i], fixture_set_up, test_failure, fixture_tear_down);
    }

  ADD_FLOW_TEST ("failure/wrong-client-secret", test_wrong_client_secret, NULL);
  ADD_FLOW_TEST ("security/wrong-state-keeps-waiting", test_bad_state_keeps_waiting, &bad_states[0]);
  ADD_FLOW_TEST ("security/missing-state-keeps-waiting", test_bad_state_keeps_waiting, &bad_states[1]);
  ADD_FLOW_TEST ("security/many-wrong-answers", test_many_wrong_answers, NULL);
  ADD_FLOW_TEST ("security/replayed-state", test_replayed_state, NULL);
  ADD_FLOW_TEST ("security/other-user-refused", test_other_user_refused, NULL);
  ADD_FLOW_TEST ("security/half-sent-flood", test_half_sent_flood, NULL);
  ADD_FLOW_TEST ("timeout", test_timeout, NULL);
  ADD_FLOW_TEST ("cancel", test_cancel, NULL);
  ADD_FLOW_TEST ("cancel-during-exchange", test_cancel_during_exchange, NULL);
  ADD_FLOW_TEST ("failure/unreachable", test_unreachable_provider, NULL);
  ADD_FLOW_TEST ("revoke/github", test_revoke, "github");
  ADD_FLOW_TEST ("revoke/gitlab", test_revoke, "gitlab");
  ADD_FLOW_TEST ("revoke/google", test_revoke, "google");
  ADD_FLOW_TEST ("revoke/oidc", test_revoke, "oidc");
  ADD_FLOW_TEST ("revoke/oauth2", test_revoke, "oauth2");
  ADD_FLOW_TEST ("revoke/microsoft-not-supported", test_revoke_not_supported, NULL);
  ADD_FLOW_TEST ("refresh/rotation", test_refresh_rotation, NULL);
  ADD_FLOW_TEST ("refresh/without-refresh-token", test_refresh_without_refresh_token, NULL);
  ADD_FLOW_TEST ("security/no-secrets-in-logs", test_no_secrets_in_logs, NULL);

  return g_test_run ();
}
