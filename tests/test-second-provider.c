/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a second real OpenID provider (glewlwyd) showed, played by the fake
 * provider: revocation refused (or accepted only with the access token), a
 * refresh refused without an error body, no username claim, a discovery
 * document that under-reports, a redirect URI matched port and all; and
 * access tokens handed out from memory while fresh. In-process, through
 * the account manager, with a real gnome-keyring on a private bus. */

#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "flow-harness.h"
#include "keyring-harness.h"
#include "lanyard-account-manager.h"
#include "lanyard-error.h"
#include "lanyard-token-store.h"

static KeyringHarness harness;

typedef struct
{
  Fixture                flow;
  char                  *dir;
  char                  *accounts_path;
  LanyardAccountManager *manager;
} SecondFixture;

static void
second_set_up (SecondFixture *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_set_up (&f->flow, data);
  f->dir = g_dir_make_tmp ("lanyard-second-XXXXXX", &error);
  g_assert_no_error (error);
  f->accounts_path = g_build_filename (f->dir, "accounts.json", NULL);
  f->manager = lanyard_account_manager_new (f->flow.registry, f->accounts_path, NULL);
  g_assert_true (lanyard_account_manager_load (f->manager, &error));
  g_assert_no_error (error);
}

static void
second_tear_down (SecondFixture *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->manager);
  g_unlink (f->accounts_path);
  g_rmdir (f->dir);
  g_free (f->accounts_path);
  g_free (f->dir);
  fixture_tear_down (&f->flow, data);
}

static LanyardProvider *
add_provider_config (SecondFixture *f,
                     const char    *id,
                     const char    *compound)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardProviderConfig) config = lanyard_provider_config_new_from_compound (id, "test", compound, &error);
  const LanyardProviderEntry *entry;

  g_assert_no_error (error);
  lanyard_provider_registry_add_config (f->flow.registry, config);
  entry = lanyard_provider_registry_get_entry (f->flow.registry, id);
  g_assert_null (entry->problem);
  return entry->provider;
}

static LanyardAccount *
link_through (SecondFixture   *f,
              LanyardProvider *provider)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = start_flow (provider, &error);
  g_autoptr(TestPage) page = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(LanyardAccount) account = NULL;

  g_assert_no_error (error);
  page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  g_assert_no_error (page->error);
  g_assert_true (wait_flow (flow, &error));
  g_assert_no_error (error);

  lanyard_account_manager_link_async (f->manager, lanyard_flow_get_identity (flow), lanyard_flow_get_tokens (flow),
                                      NULL, test_store_result, &result);
  account = lanyard_account_manager_link_finish (f->manager, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  return account; /* the manager keeps it */
}

static LanyardAccount *
sign_in_and_link (SecondFixture *f,
                  const char    *id,
                  const char    *dialect)
{
  LanyardProvider *provider = lanyard_provider_registry_lookup (f->flow.registry, id);

  return link_through (f, provider != NULL ? provider : add_provider (&f->flow, id, dialect));
}

static LanyardTokenSet *
get_tokens (SecondFixture  *f,
            LanyardAccount *account,
            gboolean        force,
            GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_account_manager_get_tokens_async (f->manager, account, force, NULL, test_store_result, &result);
  return lanyard_account_manager_get_tokens_finish (f->manager, test_wait_result (&result), error);
}

static char *
get_access_token (SecondFixture  *f,
                  LanyardAccount *account,
                  GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_account_manager_get_access_token_async (f->manager, account, NULL, test_store_result, &result);
  return lanyard_account_manager_get_access_token_finish (f->manager, test_wait_result (&result), NULL, error);
}

static gboolean
do_unlink (SecondFixture  *f,
           LanyardAccount *account,
           gboolean       *revoked,
           char          **message,
           GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_account_manager_unlink_async (f->manager, account, NULL, test_store_result, &result);
  return lanyard_account_manager_unlink_finish (f->manager, test_wait_result (&result), revoked, message, error);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” does not contain “%s”", haystack, needle);
}

static void
assert_lacks (const char *haystack,
              const char *needle)
{
  if (haystack != NULL && strstr (haystack, needle) != NULL)
    g_error ("“%s” contains “%s”", haystack, needle);
}

/* Unlinking where the server will not revoke: the account goes all the
 * same, and the message says, in words, that the grant may live on. */
static char *
assert_unlinked_unrevoked (SecondFixture  *f,
                           LanyardAccount *account,
                           const char     *manual_page)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *key = lanyard_account_dup_key (account);
  g_autoptr(LanyardAccount) held = g_object_ref (account);
  gboolean revoked = TRUE;

  g_assert_true (do_unlink (f, account, &revoked, &message, &error));
  g_assert_no_error (error);
  g_assert_false (revoked);
  g_test_message ("%s: %s", key, message);
  assert_contains (message, "may still be valid");
  assert_contains (message, "forgotten here anyway");
  /* Not the words of a refused sign-in: nothing is to be signed in again. */
  assert_lacks (message, "Sign in again");
  assert_lacks (message, "no longer accepts");
  if (manual_page != NULL)
    assert_contains (message, manual_page);
  g_assert_null (lanyard_account_manager_lookup (f->manager, lanyard_account_get_provider_id (held),
                                                 lanyard_account_get_account_id (held)));
  return g_steal_pointer (&message);
}

typedef struct
{
  guint       status;
  const char *content_type;
  const char *body;
} Refusal;

static const Refusal refusals[] = {
  { 401, NULL, "" },
  { 403, NULL, "" },
  { 400, NULL, "" },
  { 401, "application/json", "{\"error\":\"invalid_client\"}" },
  { 403, "text/html", "<h1>Forbidden</h1>" },
  { 400, "application/json", "{\"error\":\"invalid_request\",\"error_description\":\"client not allowed\"}" },
};

static void
test_revocation_refused (SecondFixture *f,
                         gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *id = g_strdup_printf ("glew%u", i);
      LanyardAccount  *account = sign_in_and_link (f, id, "oidc");

      g_autofree char *message = NULL;
      g_autofree char *status = g_strdup_printf ("HTTP %u", refusals[i].status);

      fake_provider_set_raw_answer (f->flow.fake, "revoke", refusals[i].status, refusals[i].content_type, refusals[i].body);
      message = assert_unlinked_unrevoked (f, account, NULL);
      assert_contains (message, "refused to revoke");
      assert_contains (message, status);
    }
}

/* The words, for each kind of refusal, and the provider's own page where
 * access can be revoked by hand. */
static void
test_revocation_refused_words (SecondFixture *f,
                               gconstpointer  data)
{
  g_autofree char *gitlab_page = g_strdup_printf ("%s/gitlab/-/user_settings/applications",
                                                  fake_provider_get_base_url (f->flow.fake));
  g_autofree char *github_page = g_strdup_printf ("%s/github/settings/applications",
                                                  fake_provider_get_base_url (f->flow.fake));
  LanyardAccount  *account;

  fake_provider_set_raw_answer (f->flow.fake, "revoke", 401, NULL, "");

  account = sign_in_and_link (f, "glew", "oidc");
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *message = NULL;
    gboolean         revoked = TRUE;

    g_assert_true (do_unlink (f, account, &revoked, &message, &error));
    g_assert_false (revoked);
    assert_contains (message, "Example SSO refused to revoke");
    assert_contains (message, "HTTP 401");
    assert_contains (message, "may still be valid");
    assert_contains (message, "forgotten here anyway");
  }

  account = sign_in_and_link (f, "gh", "github");
  g_free (assert_unlinked_unrevoked (f, account, github_page));

  account = sign_in_and_link (f, "lab", "gitlab");
  g_free (assert_unlinked_unrevoked (f, account, gitlab_page));

  account = sign_in_and_link (f, "goo", "google");
  g_free (assert_unlinked_unrevoked (f, account, "https://myaccount.google.com/permissions"));

  /* No revocation endpoint at all. */
  account = sign_in_and_link (f, "ms", "microsoft");
  g_free (assert_unlinked_unrevoked (f, account, "https://myapps.microsoft.com"));
  /* Each RFC 7009 401 was tried once more with the access token (OpenID,
   * GitLab, Google: two each); GitHub's own API once. */
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "revoke"), ==, 7);
}

/* Refused with client authentication (a public client sends only its
 * id), accepted with the access token as a bearer credential. */
static void
test_revocation_bearer (SecondFixture *f,
                        gconstpointer  data)
{
  LanyardAccount *account = sign_in_and_link (f, "glew", "oidc");
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean         revoked = FALSE;

  fake_provider_set_quirks (f->flow.fake, FAKE_QUIRK_BEARER_REVOCATION);
  g_assert_true (do_unlink (f, account, &revoked, &message, &error));
  g_assert_no_error (error);
  g_assert_true (revoked);
  g_assert_null (message);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "revoke"), ==, 2);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "revoke-bearer"), ==, 1);
}

/* glewlwyd answers a refresh with a dead refresh token by 400 and nothing
 * else: the grant is gone, the account needs a sign-in, the scheduler
 * stops trying. */
static void
test_refresh_refused_without_body (SecondFixture *f,
                                   gconstpointer  data)
{
  static const guint statuses[] = { 400, 401 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *id = g_strdup_printf ("glew%u", i);
      LanyardAccount  *account = sign_in_and_link (f, id, "oidc");
      g_autoptr(LanyardTokenSet) tokens = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *status = g_strdup_printf ("HTTP %u", statuses[i]);

      fake_provider_set_raw_answer (f->flow.fake, "token", statuses[i], NULL, "");
      tokens = get_tokens (f, account, TRUE, &error);
      g_assert_null (tokens);
      g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT);
      g_test_message ("%u: %s", statuses[i], error->message);
      assert_contains (error->message, "ended");
      assert_contains (error->message, status);
      assert_contains (error->message, "Sign in again");
      g_assert_true (lanyard_account_get_needs_attention (account));
      assert_contains (lanyard_account_get_attention_reason (account), "Sign in again");
      fake_provider_set_answer (f->flow.fake, "token", FAKE_ANSWER_NORMAL);
    }
}

/* A refusal with an OAuth error other than invalid_grant stays what it
 * was: not a lost grant. */
static void
test_refresh_refused_with_error_kept (SecondFixture *f,
                                      gconstpointer  data)
{
  LanyardAccount *account = sign_in_and_link (f, "glew", "oidc");
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GError) error = NULL;

  fake_provider_set_raw_answer (f->flow.fake, "token", 400, "application/json", "{\"error\":\"invalid_scope\"}");
  tokens = get_tokens (f, account, TRUE, &error);
  g_assert_null (tokens);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED);
  g_assert_false (lanyard_account_get_needs_attention (account));
  g_clear_error (&error);

  /* Nor is a page nobody can read (a proxy's, a web firewall's): it says
   * nothing of the grant. */
  fake_provider_set_raw_answer (f->flow.fake, "token", 400, "text/html", "<html><body>Request blocked</body></html>");
  tokens = get_tokens (f, account, TRUE, &error);
  g_assert_null (tokens);
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT));
  g_assert_false (lanyard_account_get_needs_attention (account));
  fake_provider_set_answer (f->flow.fake, "token", FAKE_ANSWER_NORMAL);
}

static void
test_username_fallback (SecondFixture *f,
                        gconstpointer  data)
{
  LanyardAccount *account;

  /* No preferred_username, no nickname: the e-mail's local part. */
  fake_provider_set_quirks (f->flow.fake, FAKE_QUIRK_NO_USERNAME);
  account = sign_in_and_link (f, "glew", "oidc");
  g_assert_cmpstr (lanyard_account_get_username (account), ==, "tanuki");

  /* No e-mail either: the display name. */
  fake_provider_set_quirks (f->flow.fake, FAKE_QUIRK_NO_USERNAME | FAKE_QUIRK_NO_EMAIL);
  account = sign_in_and_link (f, "glew2", "oidc");
  g_assert_cmpstr (lanyard_account_get_username (account), ==, "Tanu Ki");
}

/* Where the real providers let a person revoke by hand. */
static void
test_revoke_pages (SecondFixture *f,
                   gconstpointer  data)
{
  static const struct
  {
    const char *compound;
    const char *page;
  } cases[] = {
    { "github client_id=x client_secret=y", "https://github.com/settings/applications" },
    { "gitlab client_id=x", "https://gitlab.com/-/user_settings/applications" },
    { "gitlab client_id=x base_url=https://git.example.org/", "https://git.example.org/-/user_settings/applications" },
    { "google client_id=x client_secret=y", "https://myaccount.google.com/permissions" },
    { "microsoft client_id=x", "https://myapps.microsoft.com (work or school account) or https://account.live.com/consent/Manage (personal account)" },
    { "microsoft client_id=x tenant=consumers", "https://account.live.com/consent/Manage" },
    { "microsoft client_id=x tenant=organizations", "https://myapps.microsoft.com" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      LanyardProvider *provider = add_provider_config (f, id, cases[i].compound);

      g_assert_cmpstr (lanyard_provider_get_revoke_page (provider), ==, cases[i].page);
    }
}

static void
test_username_fallback_identity (void)
{
  g_autoptr(LanyardIdentity) local = lanyard_identity_new ("p", "1", NULL, "Ada Lovelace", "ada@example.org", NULL);
  g_autoptr(LanyardIdentity) blank = lanyard_identity_new ("p", "1", "", "Ada Lovelace", NULL, NULL);
  g_autoptr(LanyardIdentity) control = lanyard_identity_new ("p", "1", "\x1b", NULL, "ada@example.org", NULL);
  g_autoptr(LanyardIdentity) nothing = lanyard_identity_new ("p", "1", NULL, NULL, NULL, NULL);
  g_autoptr(LanyardIdentity) kept = lanyard_identity_new ("p", "1", "ada", "Ada Lovelace", "countess@example.org", NULL);

  g_assert_cmpstr (lanyard_identity_get_username (local), ==, "ada");
  g_assert_cmpstr (lanyard_identity_get_username (blank), ==, "Ada Lovelace");
  g_assert_cmpstr (lanyard_identity_get_username (control), ==, "ada");
  g_assert_null (lanyard_identity_get_username (nothing));
  g_assert_cmpstr (lanyard_identity_get_username (kept), ==, "ada");
}

/* Discovery without "none" among the client authentication methods and
 * without "refresh_token" among the grant types: both are used anyway. */
static void
test_discovery_under_reports (SecondFixture *f,
                              gconstpointer  data)
{
  LanyardAccount *account;
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GError) error = NULL;

  fake_provider_set_quirks (f->flow.fake, FAKE_QUIRK_UNDER_REPORTING_DISCOVERY);
  account = sign_in_and_link (f, "glew", "oidc");
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "discovery"), >=, 1);
  tokens = get_tokens (f, account, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "refresh"), ==, 1);
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* A server that matches the whole redirect URI: refused with a random
 * port, signed in with the pinned one. */
static void
test_redirect_port_exact (SecondFixture *f,
                          gconstpointer  data)
{
  guint            port = free_port ();
  g_autofree char *exact = g_strdup_printf ("http://127.0.0.1:%u/callback/glew", port);
  g_autofree char *base = fake_provider_config (f->flow.fake, "oidc");
  g_autofree char *pinned = g_strdup_printf ("%s redirect_port=%u", base, port);
  LanyardProvider *provider;
  LanyardAccount  *account;

  fake_provider_set_exact_redirect (f->flow.fake, exact);

  /* Any port: the server refuses the sign-in. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LanyardFlow) flow = start_flow (add_provider (&f->flow, "loose", "oidc"), &error);
    g_autoptr(TestPage) page = NULL;

    g_assert_no_error (error);
    page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
    g_assert_cmpuint (page->status, ==, 403);
    g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "authorize-wrong-redirect"), ==, 1);
    lanyard_flow_cancel (flow);
  }

  provider = add_provider_config (f, "glew", pinned);
  account = link_through (f, provider);
  g_assert_nonnull (account);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "authorize-wrong-redirect"), ==, 1);

  /* And again: the port is free once the sign-in is over. */
  account = link_through (f, provider);
  g_assert_nonnull (account);
}

static void
test_redirect_port_taken (SecondFixture *f,
                          gconstpointer  data)
{
  g_autoptr(GSocketListener) squatter = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *base = fake_provider_config (f->flow.fake, "oidc");
  g_autofree char *pinned = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *pid_text = g_strdup_printf ("%d", (int) getpid ());
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = NULL;
  guint  port;
  gint64 started;

  /* Someone else listens there (this test). */
  port = free_port ();
  address = g_inet_socket_address_new (loopback, port);
  g_assert_true (g_socket_listener_add_address (squatter, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, NULL, &error));
  g_assert_no_error (error);
  pinned = g_strdup_printf ("%s redirect_port=%u", base, port);
  port_text = g_strdup_printf ("%u", port);

  flow = lanyard_flow_new (add_provider_config (f, "glew", pinned));
  started = g_get_monotonic_time ();
  lanyard_flow_start_async (flow, NULL, test_store_result, &result);
  g_assert_false (lanyard_flow_start_finish (flow, test_wait_result (&result), &error));
  g_assert_cmpint (g_get_monotonic_time () - started, <, 2 * G_USEC_PER_SEC);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED);
  g_test_message ("%s", error->message);
  assert_contains (error->message, port_text);
  assert_contains (error->message, "redirect_port");
  /* What holds it, found from /proc: this very process. */
  assert_contains (error->message, pid_text);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "authorize"), ==, 0);
}

static void
test_redirect_port_config (SecondFixture *f,
                           gconstpointer  data)
{
  static const char *bad[] = { "0", "65536", "-1", "port", "80x" };
  g_autofree char   *base = fake_provider_config (f->flow.fake, "oidc");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *compound = g_strdup_printf ("%s redirect_port=%s", base, bad[i]);
      g_autofree char *id = g_strdup_printf ("bad%u", i);
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardProviderConfig) config = lanyard_provider_config_new_from_compound (id, "test", compound, &error);
      const LanyardProviderEntry *entry;

      g_assert_no_error (error);
      lanyard_provider_registry_add_config (f->flow.registry, config);
      entry = lanyard_provider_registry_get_entry (f->flow.registry, id);
      g_assert_null (entry->provider);
      assert_contains (entry->problem, "“redirect_port” must be a port number from 1 to 65535");
    }
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
restart_keyring (void)
{
  keyring_harness_stop_keyring (&harness);
  secret_service_disconnect ();
  keyring_harness_start_keyring (&harness);
}

/* A fresh access token is handed out from memory: with the keyring gone
 * in between, the second call still has it. */
static void
test_token_from_memory (SecondFixture *f,
                        gconstpointer  data)
{
  LanyardAccount *account = sign_in_and_link (f, "glew", "oidc");
  g_autoptr(GError) error = NULL;
  g_autofree char *first = get_access_token (f, account, &error);
  g_autofree char *second = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (first);

  keyring_harness_stop_keyring (&harness);
  secret_service_disconnect ();
  second = get_access_token (f, account, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second, ==, first);
  g_assert_true (lanyard_account_get_available (account));

  /* The whole token set is not cached: that still needs the keyring. */
  g_assert_null (get_tokens (f, account, FALSE, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);
  keyring_harness_start_keyring (&harness);

  /* A keyring error wiped the copy in memory. */
  g_clear_pointer (&second, g_free);
  keyring_harness_stop_keyring (&harness);
  secret_service_disconnect ();
  second = get_access_token (f, account, &error);
  g_assert_null (second);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_UNAVAILABLE);
  keyring_harness_start_keyring (&harness);
}

/* Locking the keyring wipes the tokens in memory at once: nothing is
 * handed out that the keyring would not hand out. */
static void
test_token_memory_wiped_on_lock (SecondFixture *f,
                                 gconstpointer  data)
{
  LanyardAccount *account = sign_in_and_link (f, "glew", "oidc");
  g_autoptr(GError) error = NULL;
  g_autofree char *first = get_access_token (f, account, &error);
  g_autofree char *second = NULL;

  g_assert_no_error (error);
  /* Let the manager start watching the keyring (a few round trips; some
   * time on a loaded machine under a sanitizer). */
  for (guint i = 0; i < 100; i++)
    {
      g_usleep (20000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_assert_cmpuint (lanyard_account_manager_get_n_cached_tokens (f->manager), ==, 1);
  lock_keyring ();
  /* The change of the collection's Locked property reaches the manager,
   * with no call from it to the keyring. */
  for (guint i = 0; i < 500 && lanyard_account_manager_get_n_cached_tokens (f->manager) > 0; i++)
    {
      g_usleep (20000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_assert_cmpuint (lanyard_account_manager_get_n_cached_tokens (f->manager), ==, 0);
  second = get_access_token (f, account, &error);
  g_assert_null (second);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_LOCKED);
  restart_keyring ();
}

/* A refresh replaces the copy in memory; an unlink wipes it. */
/* What memory saves: a fresh access token from memory against one read
 * from the keyring (the whole token set, as before). Printed for the
 * record; memory must win. */
static void
test_token_memory_cost (SecondFixture *f,
                        gconstpointer  data)
{
  LanyardAccount *account = sign_in_and_link (f, "glew", "oidc");
  g_autoptr(GError) error = NULL;
  const guint n = 200;
  gint64      started, memory_us, keyring_us;

  g_free (get_access_token (f, account, &error));
  g_assert_no_error (error);

  started = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    g_free (get_access_token (f, account, NULL));
  memory_us = g_get_monotonic_time () - started;

  started = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      LanyardTokenSet *tokens = get_tokens (f, account, FALSE, NULL);

      g_clear_object (&tokens);
    }
  keyring_us = g_get_monotonic_time () - started;

  g_test_message ("fresh access token: %.1f µs from memory, %.1f µs from the keyring",
                  (double) memory_us / n, (double) keyring_us / n);
  g_assert_cmpint (memory_us, <, keyring_us);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "refresh"), ==, 0);
}

static void
test_token_memory_refresh_unlink (SecondFixture *f,
                                  gconstpointer  data)
{
  LanyardAccount *account = sign_in_and_link (f, "glew", "oidc");
  g_autoptr(LanyardTokenSet) renewed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = get_access_token (f, account, &error);
  g_autofree char *second = NULL;
  gboolean         revoked = FALSE;

  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_account_manager_get_n_cached_tokens (f->manager), ==, 1);
  renewed = get_tokens (f, account, TRUE, &error);
  g_assert_no_error (error);
  second = get_access_token (f, account, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second, !=, first);
  g_assert_cmpstr (second, ==, lanyard_token_set_get_access_token (renewed));

  g_assert_true (do_unlink (f, account, &revoked, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_account_manager_get_n_cached_tokens (f->manager), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Lanyard/SecondProvider/username-fallback-identity", test_username_fallback_identity);
#define ADD(path, func) \
  g_test_add ("/Lanyard/SecondProvider/" path, SecondFixture, NULL, second_set_up, func, second_tear_down)
  ADD ("revocation-refused", test_revocation_refused);
  ADD ("revocation-refused-words", test_revocation_refused_words);
  ADD ("revocation-bearer", test_revocation_bearer);
  ADD ("revoke-pages", test_revoke_pages);
  ADD ("refresh-refused-without-body", test_refresh_refused_without_body);
  ADD ("refresh-refused-with-error-kept", test_refresh_refused_with_error_kept);
  ADD ("username-fallback", test_username_fallback);
  ADD ("discovery-under-reports", test_discovery_under_reports);
  ADD ("redirect-port-exact", test_redirect_port_exact);
  ADD ("redirect-port-taken", test_redirect_port_taken);
  ADD ("redirect-port-config", test_redirect_port_config);
  ADD ("token-from-memory", test_token_from_memory);
  ADD ("token-memory-wiped-on-lock", test_token_memory_wiped_on_lock);
  ADD ("token-memory-refresh-unlink", test_token_memory_refresh_unlink);
  ADD ("token-memory-cost", test_token_memory_cost);
#undef ADD

  keyring_harness_up (&harness, TRUE);
  status = g_test_run ();
  keyring_harness_down (&harness);
  return status;
}
