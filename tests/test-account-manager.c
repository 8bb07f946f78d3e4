/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The account manager in-process, with no D-Bus adapter: real sign-ins
 * at the fake provider, tokens in a real gnome-keyring on a private bus. */

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
  GPtrArray             *added;
  GPtrArray             *removed;
  GPtrArray             *changed; /* property names, "provider:account property" */
  guint                  n_current_changed;
  LanyardAccount        *last_current;
} ManagerFixture;

static void
added_cb (LanyardAccountManager *manager,
          LanyardAccount        *account,
          ManagerFixture        *f)
{
  g_ptr_array_add (f->added, lanyard_account_dup_key (account));
}

static void
removed_cb (LanyardAccountManager *manager,
            LanyardAccount        *account,
            ManagerFixture        *f)
{
  g_ptr_array_add (f->removed, lanyard_account_dup_key (account));
}

static void
changed_cb (LanyardAccountManager *manager,
            LanyardAccount        *account,
            GParamSpec            *pspec,
            ManagerFixture        *f)
{
  g_autofree char *key = lanyard_account_dup_key (account);

  g_ptr_array_add (f->changed, g_strdup_printf ("%s %s", key, pspec->name));
}

static void
current_changed_cb (LanyardAccountManager *manager,
                    LanyardAccount        *current,
                    ManagerFixture        *f)
{
  f->n_current_changed++;
  f->last_current = current;
  g_assert_true (current == lanyard_account_manager_get_current (manager));
}

static gboolean
contains (GPtrArray  *strings,
          const char *string)
{
  return g_ptr_array_find_with_equal_func (strings, string, g_str_equal, NULL);
}

static void
clear_events (ManagerFixture *f)
{
  g_ptr_array_set_size (f->added, 0);
  g_ptr_array_set_size (f->removed, 0);
  g_ptr_array_set_size (f->changed, 0);
  f->n_current_changed = 0;
  f->last_current = NULL;
}

static LanyardAccountManager *
new_manager (ManagerFixture *f)
{
  LanyardAccountManager *manager = lanyard_account_manager_new (f->flow.registry, f->accounts_path, NULL);
  g_autoptr(GError) error = NULL;

  g_signal_connect (manager, "account-added", G_CALLBACK (added_cb), f);
  g_signal_connect (manager, "account-removed", G_CALLBACK (removed_cb), f);
  g_signal_connect (manager, "account-changed", G_CALLBACK (changed_cb), f);
  g_signal_connect (manager, "current-changed", G_CALLBACK (current_changed_cb), f);
  g_assert_true (lanyard_account_manager_load (manager, &error));
  g_assert_no_error (error);
  return manager;
}

static void
manager_set_up (ManagerFixture *f,
                gconstpointer   data)
{
  g_autoptr(GError) error = NULL;

  fixture_set_up (&f->flow, data);
  f->dir = g_dir_make_tmp ("lanyard-manager-XXXXXX", &error);
  g_assert_no_error (error);
  f->accounts_path = g_build_filename (f->dir, "accounts.json", NULL);
  f->added = g_ptr_array_new_with_free_func (g_free);
  f->removed = g_ptr_array_new_with_free_func (g_free);
  f->changed = g_ptr_array_new_with_free_func (g_free);
  f->manager = new_manager (f);
}

static void
manager_tear_down (ManagerFixture *f,
                   gconstpointer   data)
{
  /* Nothing running holds on to it (every load keeps it alive). */
  g_assert_finalize_object (f->manager);
  g_ptr_array_unref (f->added);
  g_ptr_array_unref (f->removed);
  g_ptr_array_unref (f->changed);
  g_unlink (f->accounts_path);
  g_rmdir (f->dir);
  g_free (f->accounts_path);
  g_free (f->dir);
  fixture_tear_down (&f->flow, data);
}

static LanyardProvider *
provider_for (ManagerFixture *f,
              const char     *id,
              const char     *dialect)
{
  LanyardProvider *provider = lanyard_provider_registry_lookup (f->flow.registry, id);

  return provider != NULL ? provider : add_provider (&f->flow, id, dialect);
}

static LanyardAccount *
do_link (ManagerFixture  *f,
         LanyardIdentity *identity,
         LanyardTokenSet *tokens,
         GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_account_manager_link_async (f->manager, identity, tokens, NULL, test_store_result, &result);
  return lanyard_account_manager_link_finish (f->manager, test_wait_result (&result), error);
}

/* A whole sign-in at the fake provider, then linking what it produced,
 * as the daemon does. */
static LanyardAccount *
sign_in_and_link (ManagerFixture *f,
                  const char     *id,
                  const char     *dialect)
{
  LanyardProvider *provider = provider_for (f, id, dialect);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = start_flow (provider, &error);
  g_autoptr(TestPage) page = NULL;
  g_autoptr(LanyardAccount) account = NULL;

  g_assert_no_error (error);
  page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  g_assert_no_error (page->error);
  g_assert_true (wait_flow (flow, &error));
  g_assert_no_error (error);

  account = do_link (f, lanyard_flow_get_identity (flow), lanyard_flow_get_tokens (flow), &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  /* The manager's own handle, not a copy. */
  g_assert_true (account == lanyard_account_manager_lookup (f->manager, lanyard_account_get_provider_id (account), lanyard_account_get_account_id (account)));
  return account; /* the manager keeps it */
}

static LanyardTokenSet *
get_tokens (ManagerFixture *f,
            LanyardAccount *account,
            gboolean        force,
            GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_account_manager_get_tokens_async (f->manager, account, force, NULL, test_store_result, &result);
  return lanyard_account_manager_get_tokens_finish (f->manager, test_wait_result (&result), error);
}

static LanyardTokenSet *
keyring_tokens (LanyardAccount *account,
                GError        **error)
{
  g_autoptr(LanyardTokenStore) store = lanyard_token_store_new ();
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_token_store_load_async (store, lanyard_account_get_provider_id (account),
                                  lanyard_account_get_account_id (account), NULL, test_store_result, &result);
  return lanyard_token_store_load_finish (store, test_wait_result (&result), error);
}

static gboolean
do_unlink (ManagerFixture *f,
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
lock_keyring (void)
{
  g_autoptr(SecretService) service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, NULL);
  g_autoptr(SecretCollection) collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                                              SECRET_COLLECTION_NONE, NULL, NULL);
  GList *objects = g_list_append (NULL, collection);

  g_assert_cmpint (secret_service_lock_sync (service, objects, NULL, NULL, NULL), ==, 1);
  g_list_free (objects);
}

/* The session's keyring restarts with its password: unlocked, same items. */
static void
restart_keyring (void)
{
  keyring_harness_stop_keyring (&harness);
  secret_service_disconnect ();
  keyring_harness_start_keyring (&harness);
}

static void
test_link_then_get_token (ManagerFixture *f,
                          gconstpointer   data)
{
  LanyardAccount *account = sign_in_and_link (f, "work", "gitlab");
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(LanyardTokenSet) stored = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *access_token = NULL;
  gint64           expires_at = 0;

  g_assert_cmpstr (lanyard_account_get_provider_id (account), ==, "work");
  g_assert_cmpstr (lanyard_account_get_account_id (account), ==, "4242");
  g_assert_cmpstr (lanyard_account_get_username (account), ==, "tanuki");
  g_assert_true (lanyard_account_get_available (account));
  g_assert_false (lanyard_account_get_needs_attention (account));
  g_assert_true (contains (f->added, "work:4242"));
  g_assert_true (lanyard_account_manager_get_current (f->manager) == account);
  g_assert_true (f->last_current == account);

  /* Fresh: straight from the keyring, no request to the provider. */
  tokens = get_tokens (f, account, FALSE, &error);
  g_assert_no_error (error);
  stored = keyring_tokens (account, &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_token_set_equal (tokens, stored));
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "refresh"), ==, 0);

  lanyard_account_manager_get_access_token_async (f->manager, account, NULL, test_store_result, &result);
  access_token = lanyard_account_manager_get_access_token_finish (f->manager, test_wait_result (&result), &expires_at,
                                                                  &error);
  g_assert_no_error (error);
  g_assert_cmpstr (access_token, ==, lanyard_token_set_get_access_token (stored));
  g_assert_cmpint (expires_at, ==, lanyard_token_set_get_expires_at (stored));
  g_assert_cmpint (lanyard_account_get_expires_at (account), ==, expires_at);

  /* The accounts file has it: another manager reads the same account. */
  {
    g_autoptr(LanyardAccountManager) other = lanyard_account_manager_new (f->flow.registry, f->accounts_path, NULL);

    g_assert_true (lanyard_account_manager_load (other, &error));
    g_assert_nonnull (lanyard_account_manager_lookup (other, "work", "4242"));
  }
}

static void
concurrent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GPtrArray *results = user_data;
  g_autoptr(GError) error = NULL;
  LanyardTokenSet *tokens = lanyard_account_manager_get_tokens_finish (LANYARD_ACCOUNT_MANAGER (object), result, &error);

  g_assert_no_error (error);
  g_ptr_array_add (results, tokens);
}

static void
test_concurrent_one_refresh (ManagerFixture *f,
                             gconstpointer   data)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(LanyardTokenSet) before = NULL;
  g_autoptr(LanyardTokenSet) stored = NULL;
  g_autoptr(LanyardTokenSet) again = NULL;
  g_autoptr(GError) error = NULL;
  LanyardAccount *account;
  gint64          linked_expiry;

  /* Tokens that are already within the fresh margin when issued; the
   * scheduler must not refresh them meanwhile (not due before expiry). */
  lanyard_account_manager_set_refresh_timing (f->manager, 0, 30, 3);
  fake_provider_set_expires_in (f->flow.fake, 30);
  account = sign_in_and_link (f, "work", "gitlab");
  linked_expiry = lanyard_account_get_expires_at (account);
  before = keyring_tokens (account, &error);
  g_assert_no_error (error);
  fake_provider_set_expires_in (f->flow.fake, 3600);

  for (guint i = 0; i < 50; i++)
    lanyard_account_manager_get_tokens_async (f->manager, account, FALSE, NULL, concurrent_cb, results);
  while (results->len < 50)
    g_main_context_iteration (NULL, TRUE);

  /* One request to the provider, the same new tokens for everyone. */
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "refresh"), ==, 1);
  for (guint i = 0; i < results->len; i++)
    g_assert_true (lanyard_token_set_equal (g_ptr_array_index (results, i), g_ptr_array_index (results, 0)));
  g_assert_cmpstr (lanyard_token_set_get_access_token (g_ptr_array_index (results, 0)), !=,
                   lanyard_token_set_get_access_token (before));

  /* Rotation: the keyring holds the new pair, and the account its expiry. */
  stored = keyring_tokens (account, &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_token_set_equal (stored, g_ptr_array_index (results, 0)));
  g_assert_cmpstr (lanyard_token_set_get_refresh_token (stored), !=, lanyard_token_set_get_refresh_token (before));
  g_assert_cmpint (lanyard_account_get_expires_at (account), >, linked_expiry);
  g_assert_true (contains (f->changed, "work:4242 expires-at"));

  /* Now fresh: no further request. Forced: one more, which works only
   * because the rotated refresh token was stored (the old one is dead). */
  g_clear_object (&again);
  again = get_tokens (f, account, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "refresh"), ==, 1);
  g_clear_object (&again);
  again = get_tokens (f, account, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "refresh"), ==, 2);
  g_assert_false (lanyard_account_get_needs_attention (account));
}

/* A provider whose tokens live no longer than the fresh margin
 * (expires_in: 0): a client asking in a loop gets the latest token, and
 * the provider is asked at most once per floor, not at every call. */
static void
test_short_lived_no_storm (ManagerFixture *f,
                           gconstpointer   data)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  LanyardAccount *account;

  lanyard_account_manager_set_refresh_timing (f->manager, 0, 30, 3);
  fake_provider_set_expires_in (f->flow.fake, 0);
  account = sign_in_and_link (f, "work", "gitlab");

  for (guint i = 0; i < 20; i++)
    {
      guint wanted = i + 1;

      lanyard_account_manager_get_tokens_async (f->manager, account, FALSE, NULL, concurrent_cb, results);
      while (results->len < wanted)
        g_main_context_iteration (NULL, TRUE);
    }

  /* The first call renews the expired token; the other 19 are served it. */
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "refresh"), ==, 1);
  for (guint i = 1; i < results->len; i++)
    g_assert_true (lanyard_token_set_equal (g_ptr_array_index (results, i), g_ptr_array_index (results, 0)));
}

static void
test_cancel_one_waiter (ManagerFixture *f,
                        gconstpointer   data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) cancelled = NULL;
  g_autoptr(GAsyncResult) waited = NULL;
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GError) error = NULL;
  LanyardAccount *account = sign_in_and_link (f, "work", "gitlab");

  /* A provider that never answers the refresh (the session gives up
   * after a second). */
  fake_provider_set_failure (f->flow.fake, FAKE_FAIL_TOKEN_NO_REPLY);
  lanyard_account_manager_get_tokens_async (f->manager, account, TRUE, cancellable, test_store_result, &cancelled);
  lanyard_account_manager_get_tokens_async (f->manager, account, FALSE, NULL, test_store_result, &waited);
  while (fake_provider_get_count (f->flow.fake, "refresh") == 0)
    g_main_context_iteration (NULL, TRUE);

  /* The one who gives up is answered at once; the other still waits. */
  g_cancellable_cancel (cancellable);
  tokens = lanyard_account_manager_get_tokens_finish (f->manager, test_wait_result (&cancelled), &error);
  g_assert_null (tokens);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (waited);
  g_clear_error (&error);

  tokens = lanyard_account_manager_get_tokens_finish (f->manager, test_wait_result (&waited), &error);
  g_assert_null (tokens);
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "refresh"), ==, 1);
  /* Nothing was learnt about the grant. */
  g_assert_false (lanyard_account_get_needs_attention (account));
}

static void
test_scheduled_refresh (ManagerFixture *f,
                        gconstpointer   data)
{
  g_autoptr(LanyardTokenSet) before = NULL;
  g_autoptr(LanyardTokenSet) after = NULL;
  g_autoptr(GError) error = NULL;
  LanyardAccount *account;

  /* Due soon after linking (a two-second token is due once half of its
   * lifetime has passed): the manager refreshes by itself. */
  lanyard_account_manager_set_refresh_timing (f->manager, 2 * 3600, 30, 3);
  fake_provider_set_expires_in (f->flow.fake, 2);
  account = sign_in_and_link (f, "work", "gitlab");
  /* The new tokens will not be due at once again. */
  fake_provider_set_expires_in (f->flow.fake, 5 * 3600);
  before = keyring_tokens (account, &error);
  g_assert_no_error (error);

  while (fake_provider_get_count (f->flow.fake, "refresh") == 0 ||
         lanyard_account_get_expires_at (account) == lanyard_token_set_get_expires_at (before))
    g_main_context_iteration (NULL, TRUE);
  /* Let the rest of that refresh finish before looking. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  after = keyring_tokens (account, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_token_set_get_refresh_token (after), !=, lanyard_token_set_get_refresh_token (before));
  g_assert_cmpint (lanyard_account_get_expires_at (account), ==, lanyard_token_set_get_expires_at (after));
  g_assert_cmpint (lanyard_account_get_last_refresh (account), >, 0);
}

static void
test_invalid_grant_needs_attention (ManagerFixture *f,
                                    gconstpointer   data)
{
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(LanyardTokenSet) stored = NULL;
  g_autoptr(GError) error = NULL;
  LanyardAccount *account;
  LanyardAccount *relinked;

  account = sign_in_and_link (f, "work", "gitlab");
  clear_events (f);

  fake_provider_set_failure (f->flow.fake, FAKE_FAIL_TOKEN_INVALID_GRANT);
  tokens = get_tokens (f, account, TRUE, &error);
  g_assert_null (tokens);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT);

  g_assert_true (lanyard_account_get_needs_attention (account));
  g_assert_cmpstr (lanyard_account_get_attention_reason (account), ==, error->message);
  g_assert_true (contains (f->changed, "work:4242 needs-attention"));
  g_assert_true (contains (f->changed, "work:4242 attention-reason"));
  /* The current account changed: its identity says so. */
  g_assert_cmpuint (f->n_current_changed, >, 0);
  /* The keyring is fine: the account stays available. */
  g_assert_true (lanyard_account_get_available (account));
  g_clear_error (&error);

  /* Nothing deleted: the tokens, the account, in memory and on disk. */
  stored = keyring_tokens (account, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_true (lanyard_account_manager_lookup (f->manager, "work", "4242") == account);
  g_assert_cmpuint (f->removed->len, ==, 0);
  {
    g_autoptr(LanyardAccountManager) other = lanyard_account_manager_new (f->flow.registry, f->accounts_path, NULL);
    LanyardAccount *read;

    g_assert_true (lanyard_account_manager_load (other, &error));
    read = lanyard_account_manager_lookup (other, "work", "4242");
    g_assert_nonnull (read);
    g_assert_true (lanyard_account_get_needs_attention (read));
  }

  /* Signing in again brings the same account back, attention cleared,
   * nothing duplicated. */
  fake_provider_set_failure (f->flow.fake, FAKE_FAIL_NONE);
  clear_events (f);
  relinked = sign_in_and_link (f, "work", "gitlab");
  g_assert_true (relinked == account);
  g_assert_false (lanyard_account_get_needs_attention (account));
  g_assert_null (lanyard_account_get_attention_reason (account));
  g_assert_cmpuint (lanyard_account_manager_get_accounts (f->manager)->len, ==, 1);
  g_assert_cmpuint (f->added->len, ==, 0);
  g_assert_true (contains (f->changed, "work:4242 needs-attention"));
}

typedef struct
{
  guint   answered;
  guint   accepted;
  GError *error;
} Checks;

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Checks  *checks = user_data;
  gboolean accepted = FALSE;

  checks->answered++;
  g_clear_error (&checks->error);
  if (lanyard_account_manager_check_credentials_finish (LANYARD_ACCOUNT_MANAGER (object), result, &accepted,
                                                        &checks->error) &&
      accepted)
    checks->accepted++;
}

/* @n checks at once, answered. */
static void
check_credentials (ManagerFixture *f,
                   LanyardAccount *account,
                   guint           n,
                   Checks         *checks)
{
  guint expected = checks->answered + n;

  for (guint i = 0; i < n; i++)
    lanyard_account_manager_check_credentials_async (f->manager, account, NULL, checked_cb, checks);
  while (checks->answered < expected)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_check_accepted_limited (ManagerFixture *f,
                             gconstpointer   data)
{
  LanyardAccount *account = sign_in_and_link (f, "work", "gitlab");
  guint           userinfo = fake_provider_get_count (f->flow.fake, "userinfo");
  Checks          checks = { 0 };

  /* Three at once: one request to the provider, three answers. */
  check_credentials (f, account, 3, &checks);
  g_assert_no_error (checks.error);
  g_assert_cmpuint (checks.accepted, ==, 3);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "userinfo"), ==, userinfo + 1);
  /* Within the interval: the same answer, not asked again. */
  check_credentials (f, account, 2, &checks);
  g_assert_cmpuint (checks.accepted, ==, 5);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "userinfo"), ==, userinfo + 1);
  g_assert_false (lanyard_account_get_needs_attention (account));
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "refresh"), ==, 0);
}

static void
test_check_refused (ManagerFixture *f,
                    gconstpointer   data)
{
  LanyardAccount *account = sign_in_and_link (f, "work", "gitlab");
  g_autoptr(LanyardTokenSet) stored = NULL;
  g_autoptr(GError) error = NULL;
  guint  userinfo, refreshes;
  Checks checks = { 0 };

  /* The token is refused and so is the renewal: the account needs
   * attention, with the renewal's refusal as the reason. */
  fake_provider_forget_access_tokens (f->flow.fake);
  fake_provider_set_failure (f->flow.fake, FAKE_FAIL_TOKEN_INVALID_GRANT);
  userinfo = fake_provider_get_count (f->flow.fake, "userinfo");
  refreshes = fake_provider_get_count (f->flow.fake, "refresh");
  check_credentials (f, account, 1, &checks);
  g_assert_no_error (checks.error);
  g_assert_cmpuint (checks.accepted, ==, 0);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "userinfo"), ==, userinfo + 1);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "refresh"), ==, refreshes + 1);
  g_assert_true (lanyard_account_get_needs_attention (account));
  g_assert_nonnull (strstr (lanyard_account_get_attention_reason (account), "invalid_grant"));

  /* Nothing deleted; the provider is not asked again. */
  stored = keyring_tokens (account, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  check_credentials (f, account, 1, &checks);
  g_assert_cmpuint (checks.accepted, ==, 0);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "userinfo"), ==, userinfo + 1);
  fake_provider_set_failure (f->flow.fake, FAKE_FAIL_NONE);
}

static void
test_check_unreachable (ManagerFixture *f,
                        gconstpointer   data)
{
  LanyardAccount *account = sign_in_and_link (f, "work", "gitlab");
  Checks          checks = { 0 };

  /* The provider cannot say: an error, nothing marked. */
  fake_provider_set_raw_answer (f->flow.fake, "userinfo", 503, "text/plain", "down for maintenance");
  check_credentials (f, account, 1, &checks);
  g_assert_error (checks.error, LANYARD_ERROR, LANYARD_ERROR_SERVER);
  g_assert_false (lanyard_account_get_needs_attention (account));
  g_clear_error (&checks.error);
  fake_provider_set_answer (f->flow.fake, "userinfo", FAKE_ANSWER_NORMAL);
}

static void
test_keyring_locked_unavailable (ManagerFixture *f,
                                 gconstpointer   data)
{
  LanyardAccount *account = sign_in_and_link (f, "locked", "gitlab");
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GError) error = NULL;
  gboolean revoked = TRUE;

  clear_events (f);
  lock_keyring ();

  tokens = get_tokens (f, account, FALSE, &error);
  g_assert_null (tokens);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_LOCKED);
  g_assert_false (lanyard_account_get_available (account));
  g_assert_false (lanyard_account_get_needs_attention (account));
  g_assert_true (contains (f->changed, "locked:4242 available"));
  g_clear_error (&error);

  /* Unlinking cannot read the tokens to revoke them: nothing is done. */
  g_assert_false (do_unlink (f, account, &revoked, NULL, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_LOCKED);
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "revoke"), ==, 0);
  g_assert_true (lanyard_account_manager_lookup (f->manager, "locked", "4242") == account);
  g_assert_cmpuint (f->removed->len, ==, 0);
  g_clear_error (&error);

  /* Unlocked: available again, with the same tokens, nothing relinked. */
  restart_keyring ();
  clear_events (f);
  tokens = get_tokens (f, account, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  g_assert_true (lanyard_account_get_available (account));
  g_assert_true (contains (f->changed, "locked:4242 available"));
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "refresh"), ==, 0);
}

static void
test_unlink_revokes_deletes_forgets (ManagerFixture *f,
                                     gconstpointer   data)
{
  LanyardAccount *account = sign_in_and_link (f, "work", "gitlab");
  g_autoptr(LanyardAccount) held = g_object_ref (account);
  g_autoptr(LanyardTokenSet) stored = NULL;
  g_autoptr(LanyardTokenSet) gone = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean         revoked = FALSE;

  stored = keyring_tokens (account, &error);
  g_assert_no_error (error);
  clear_events (f);

  g_assert_true (do_unlink (f, account, &revoked, &message, &error));
  g_assert_no_error (error);
  g_assert_true (revoked);
  g_assert_null (message);

  /* Revoked with the stored tokens, deleted from the keyring, forgotten. */
  g_assert_cmpuint (fake_provider_get_count (f->flow.fake, "revoke"), ==, 1);
  g_assert_true (g_strcmp0 (fake_provider_get_last_revoked (f->flow.fake), lanyard_token_set_get_refresh_token (stored)) == 0 ||
                 g_strcmp0 (fake_provider_get_last_revoked (f->flow.fake), lanyard_token_set_get_access_token (stored)) == 0);
  gone = keyring_tokens (held, &error);
  g_assert_null (gone);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (lanyard_account_manager_lookup (f->manager, "work", "4242"));
  g_assert_cmpuint (lanyard_account_manager_get_accounts (f->manager)->len, ==, 0);
  g_assert_true (contains (f->removed, "work:4242"));
  g_assert_cmpuint (f->n_current_changed, >, 0);
  g_assert_null (lanyard_account_manager_get_current (f->manager));
  {
    g_autoptr(LanyardAccountManager) other = lanyard_account_manager_new (f->flow.registry, f->accounts_path, NULL);

    g_assert_true (lanyard_account_manager_load (other, &error));
    g_assert_cmpuint (lanyard_account_manager_get_accounts (other)->len, ==, 0);
  }

  /* An account that is gone cannot be asked for tokens. */
  g_assert_null (get_tokens (f, held, FALSE, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND);
}

static void
test_unlink_keeps_account_when_delete_fails (ManagerFixture *f,
                                             gconstpointer   data)
{
  LanyardAccount *account = sign_in_and_link (f, "stuck", "gitlab");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(LanyardTokenSet) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean         revoked = FALSE;

  clear_events (f);
  lanyard_account_manager_unlink_async (f->manager, account, NULL, test_store_result, &result);

  /* The keyring goes away while the provider revokes: the tokens were
   * read, but cannot be deleted. */
  while (fake_provider_get_count (f->flow.fake, "revoke") == 0)
    g_main_context_iteration (NULL, TRUE);
  keyring_harness_stop_keyring (&harness);

  g_assert_false (lanyard_account_manager_unlink_finish (f->manager, test_wait_result (&result), &revoked, &message,
                                                         &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Kept, so the tokens left in the keyring are not orphaned. */
  g_assert_true (lanyard_account_manager_lookup (f->manager, "stuck", "4242") == account);
  g_assert_cmpuint (f->removed->len, ==, 0);
  g_assert_false (lanyard_account_get_available (account));

  /* With the keyring back, the tokens are still there, and unlinking
   * finishes. */
  secret_service_disconnect ();
  keyring_harness_start_keyring (&harness);
  stored = keyring_tokens (account, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_true (do_unlink (f, account, &revoked, &message, &error));
  g_assert_no_error (error);
  g_assert_null (lanyard_account_manager_lookup (f->manager, "stuck", "4242"));
  g_assert_true (contains (f->removed, "stuck:4242"));
}

static LanyardAccount *
link_by_hand (ManagerFixture *f,
              const char     *provider_id,
              const char     *account_id,
              const char     *username)
{
  g_autoptr(LanyardIdentity) identity = lanyard_identity_new (provider_id, account_id, username, NULL, NULL, NULL);
  g_autoptr(LanyardTokenSet) tokens = lanyard_token_set_new ("at-by-hand", "Bearer", "rt-by-hand",
                                                              g_get_real_time () / G_USEC_PER_SEC + 3600, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardAccount) account = do_link (f, identity, tokens, &error);

  g_assert_no_error (error);
  return account;
}

static void
test_primary_and_current (ManagerFixture *f,
                          gconstpointer   data)
{
  LanyardAccount *first = link_by_hand (f, "gone", "1", "one");
  LanyardAccount *second = link_by_hand (f, "gone", "2", "two");
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean         revoked = TRUE;

  g_assert_true (lanyard_account_manager_get_current (f->manager) == first);
  g_assert_cmpuint (lanyard_account_manager_get_accounts (f->manager)->len, ==, 2);

  clear_events (f);
  g_assert_true (lanyard_account_manager_set_primary (f->manager, second, &error));
  g_assert_no_error (error);
  g_assert_true (lanyard_account_manager_get_current (f->manager) == second);
  g_assert_true (lanyard_account_get_primary (second));
  g_assert_false (lanyard_account_get_primary (first));
  g_assert_cmpuint (f->n_current_changed, >, 0);
  g_assert_true (f->last_current == second);
  g_assert_true (contains (f->changed, "gone:2 primary"));

  /* Kept on disk. */
  {
    g_autoptr(LanyardAccountManager) other = lanyard_account_manager_new (f->flow.registry, f->accounts_path, NULL);

    g_assert_true (lanyard_account_manager_load (other, &error));
    g_assert_cmpstr (lanyard_account_get_account_id (lanyard_account_manager_get_current (other)), ==, "2");
  }

  /* Setting it again changes nothing, and says nothing. */
  clear_events (f);
  g_assert_true (lanyard_account_manager_set_primary (f->manager, second, &error));
  g_assert_cmpuint (f->n_current_changed, ==, 0);
  g_assert_cmpuint (f->changed->len, ==, 0);

  /* No primary: the first linked is current again. */
  g_assert_true (lanyard_account_manager_set_primary (f->manager, NULL, &error));
  g_assert_true (lanyard_account_manager_get_current (f->manager) == first);
  g_assert_true (f->last_current == first);

  /* Unlinking the current one: the other is current. Its provider is not
   * configured, so nothing is revoked, and the result says so. */
  clear_events (f);
  g_assert_true (do_unlink (f, first, &revoked, &message, &error));
  g_assert_no_error (error);
  g_assert_false (revoked);
  g_assert_nonnull (strstr (message, "no longer configured"));
  g_assert_true (lanyard_account_manager_get_current (f->manager) == second);
  g_assert_true (f->last_current == second);
  g_assert_true (contains (f->removed, "gone:1"));
  g_clear_pointer (&message, g_free);

  g_assert_true (do_unlink (f, second, &revoked, &message, &error));
  g_assert_null (lanyard_account_manager_get_current (f->manager));
  g_assert_null (f->last_current);
}

static void
test_relink_updates (ManagerFixture *f,
                     gconstpointer   data)
{
  LanyardAccount *account = link_by_hand (f, "gone", "7", "old-name");
  LanyardAccount *again;

  g_assert_cmpuint (f->added->len, ==, 1);
  clear_events (f);
  again = link_by_hand (f, "gone", "7", "new-name");
  g_assert_true (again == account);
  g_assert_cmpstr (lanyard_account_get_username (account), ==, "new-name");
  g_assert_cmpuint (lanyard_account_manager_get_accounts (f->manager)->len, ==, 1);
  g_assert_cmpuint (f->added->len, ==, 0);
  g_assert_true (contains (f->changed, "gone:7 username"));
  /* The current account's identity changed. */
  g_assert_cmpuint (f->n_current_changed, >, 0);
}

static void
test_read_only_file (ManagerFixture *f,
                     gconstpointer   data)
{
  g_autoptr(LanyardIdentity) identity = lanyard_identity_new ("gone", "9", "nine", NULL, NULL, NULL);
  g_autoptr(LanyardTokenSet) tokens = lanyard_token_set_new ("at-9", "Bearer", "rt-9", 0, NULL, NULL);
  g_autoptr(LanyardAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_finalize_object (f->manager);
  g_assert_true (g_file_set_contents (f->accounts_path, "{\"format\": 99, \"accounts\": []}", -1, &error));
  f->manager = new_manager (f);
  g_assert_true (lanyard_account_manager_is_read_only (f->manager));
  g_assert_nonnull (lanyard_account_manager_get_problem (f->manager));

  /* Refused before anything reaches the keyring. */
  account = do_link (f, identity, tokens, &error);
  g_assert_null (account);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, lanyard_account_manager_get_problem (f->manager));
  g_clear_error (&error);
  {
    g_autoptr(LanyardAccount) probe = lanyard_account_new_from_identity (identity, 0);
    g_autoptr(LanyardTokenSet) none = keyring_tokens (probe, &error);

    g_assert_null (none);
    g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND);
  }
}

static void
test_lookup_key (ManagerFixture *f,
                 gconstpointer   data)
{
  LanyardAccount *account = link_by_hand (f, "gone", "a:b", "colon");
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_malloc (10 * 1024 * 1024 + 1);

  g_assert_true (lanyard_account_manager_lookup_key (f->manager, "gone:a:b", &error) == account);
  g_assert_no_error (error);

  g_assert_null (lanyard_account_manager_lookup_key (f->manager, "gone:nobody", &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "gone:nobody"));
  g_clear_error (&error);

  memset (huge, 'x', 10 * 1024 * 1024);
  memcpy (huge, "gone:", 5);
  huge[10 * 1024 * 1024] = '\0';
  g_assert_null (lanyard_account_manager_lookup_key (f->manager, huge, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND);
  g_assert_cmpuint (strlen (error->message), <, 300);
  g_assert_null (strstr (error->message, "xxxx"));
}

/* Key parsing needs no keyring. */

static void
assert_refused (const char *key,
                gboolean    echoed)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *provider = g_strdup ("untouched");
  g_autofree char *account = g_strdup ("untouched");

  g_assert_false (lanyard_account_key_parse (key, &provider, &account, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND);
  g_assert_cmpstr (provider, ==, "untouched");
  g_assert_cmpstr (account, ==, "untouched");
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), <, LANYARD_ACCOUNT_KEY_MAX_LENGTH + 200);
  if (echoed)
    g_assert_nonnull (strstr (error->message, key));
  g_test_message ("%s", error->message);
}

static void
test_key_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *account = NULL;
  g_autofree char *huge = NULL;
  g_autofree char *longest = NULL;
  g_autofree char *too_long = NULL;
  const gsize      mib10 = 10 * 1024 * 1024;

  g_assert_true (lanyard_account_key_parse ("github:583231", &provider, &account, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (provider, ==, "github");
  g_assert_cmpstr (account, ==, "583231");
  g_clear_pointer (&provider, g_free);
  g_clear_pointer (&account, g_free);

  /* At the first colon: account ids may have colons, provider ids never. */
  g_assert_true (lanyard_account_key_parse ("corp-sso:urn:x:42", &provider, &account, &error));
  g_assert_cmpstr (provider, ==, "corp-sso");
  g_assert_cmpstr (account, ==, "urn:x:42");
  g_assert_true (lanyard_account_key_parse ("work:4242", NULL, NULL, &error));

  assert_refused (NULL, FALSE);
  assert_refused ("", TRUE);
  assert_refused ("github", TRUE);
  assert_refused (":583231", TRUE);
  assert_refused ("github:", TRUE);
  assert_refused ("GitHub:583231", TRUE);
  assert_refused ("git hub:583231", TRUE);
  assert_refused ("github\xff:583231", FALSE);

  /* The bound, exactly. */
  longest = g_strnfill (LANYARD_ACCOUNT_KEY_MAX_LENGTH, 'a');
  memcpy (longest, "github:", 7);
  g_assert_true (lanyard_account_key_parse (longest, NULL, NULL, &error));
  g_assert_no_error (error);
  too_long = g_strnfill (LANYARD_ACCOUNT_KEY_MAX_LENGTH + 1, 'a');
  memcpy (too_long, "github:", 7);
  assert_refused (too_long, FALSE);

  /* 10 MiB: refused, and not repeated. */
  huge = g_strnfill (mib10, 'z');
  memcpy (huge, "github:", 7);
  assert_refused (huge, FALSE);
  g_assert_false (lanyard_account_key_parse (huge, NULL, NULL, &error));
  g_assert_null (strstr (error->message, "zzzz"));
  g_clear_error (&error);
  /* Not even a colon in all of it. */
  memset (huge, 'z', mib10);
  assert_refused (huge, FALSE);
}

static void
test_key_round_trip (void)
{
  g_autoptr(LanyardIdentity) identity = lanyard_identity_new ("corp-sso", "urn:x:42", NULL, NULL, NULL, NULL);
  g_autoptr(LanyardAccount) account = lanyard_account_new_from_identity (identity, 0);
  g_autofree char *key = lanyard_account_dup_key (account);
  g_autofree char *provider = NULL;
  g_autofree char *account_id = NULL;

  g_assert_cmpstr (key, ==, "corp-sso:urn:x:42");
  g_assert_true (lanyard_account_key_parse (key, &provider, &account_id, NULL));
  g_assert_cmpstr (provider, ==, lanyard_account_get_provider_id (account));
  g_assert_cmpstr (account_id, ==, lanyard_account_get_account_id (account));
}

static void
notify_count_cb (GObject    *object,
                 GParamSpec *pspec,
                 GPtrArray  *names)
{
  g_ptr_array_add (names, g_strdup (pspec->name));
}

static void
test_account_properties (void)
{
  g_autoptr(LanyardIdentity) identity = lanyard_identity_new ("work", "1", NULL, NULL, NULL, NULL);
  g_autoptr(LanyardAccount) account = lanyard_account_new_from_identity (identity, 0);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gboolean needs = TRUE;
  gboolean available = FALSE;

  g_signal_connect (account, "notify", G_CALLBACK (notify_count_cb), names);
  g_object_get (account, "needs-attention", &needs, "available", &available, NULL);
  g_assert_false (needs);
  g_assert_true (available);

  lanyard_account_set_attention (account, "Sign in again.");
  g_assert_true (contains (names, "needs-attention"));
  g_assert_true (contains (names, "attention-reason"));
  g_assert_true (lanyard_account_get_needs_attention (account));

  /* Another reason: the reason changes, needing attention does not. */
  g_ptr_array_set_size (names, 0);
  lanyard_account_set_attention (account, "Sign in again, please.");
  g_assert_true (contains (names, "attention-reason"));
  g_assert_false (contains (names, "needs-attention"));

  /* Unchanged: silent. */
  g_ptr_array_set_size (names, 0);
  lanyard_account_set_attention (account, "Sign in again, please.");
  lanyard_account_set_available (account, TRUE);
  g_assert_cmpuint (names->len, ==, 0);

  lanyard_account_set_available (account, FALSE);
  g_assert_true (contains (names, "available"));
  g_assert_false (lanyard_account_get_available (account));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Lanyard/AccountManager/key-parse", test_key_parse);
  g_test_add_func ("/Lanyard/AccountManager/key-round-trip", test_key_round_trip);
  g_test_add_func ("/Lanyard/AccountManager/account-properties", test_account_properties);
#define ADD(path, func) \
  g_test_add ("/Lanyard/AccountManager/" path, ManagerFixture, NULL, manager_set_up, func, manager_tear_down)
  ADD ("link-then-get-token", test_link_then_get_token);
  ADD ("concurrent-one-refresh", test_concurrent_one_refresh);
  ADD ("cancel-one-waiter", test_cancel_one_waiter);
  ADD ("short-lived-no-storm", test_short_lived_no_storm);
  ADD ("scheduled-refresh", test_scheduled_refresh);
  ADD ("invalid-grant-needs-attention", test_invalid_grant_needs_attention);
  ADD ("keyring-locked-unavailable", test_keyring_locked_unavailable);
  ADD ("check-accepted-limited", test_check_accepted_limited);
  ADD ("check-refused", test_check_refused);
  ADD ("check-unreachable", test_check_unreachable);
  ADD ("unlink-revokes-deletes-forgets", test_unlink_revokes_deletes_forgets);
  ADD ("unlink-keeps-account-when-delete-fails", test_unlink_keeps_account_when_delete_fails);
  ADD ("primary-and-current", test_primary_and_current);
  ADD ("relink-updates", test_relink_updates);
  ADD ("read-only-file", test_read_only_file);
  ADD ("lookup-key", test_lookup_key);
#undef ADD

  keyring_harness_up (&harness, TRUE);
  status = g_test_run ();
  keyring_harness_down (&harness);
  return status;
}
