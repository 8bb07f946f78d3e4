/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-account-manager"
/* explicit_bzero(): a wipe the compiler may not drop as a dead store. */
#define _DEFAULT_SOURCE

#include "lanyard-account-manager.h"

#include <glib/gi18n.h>

#include <libsecret/secret.h>
#include <string.h>

#include "lanyard-account-store.h"
#include "lanyard-error.h"
#include "lanyard-refresh-scheduler.h"
#include "lanyard-token-store.h"

/* The API is documented in lanyard-account-manager.h. */

typedef struct _LockWatch LockWatch;

struct _LanyardAccountManager
{
  GObject parent_instance;

  /* Owned references */
  LanyardProviderRegistry *registry;
  LanyardAccountStore     *store;
  LanyardTokenStore       *tokens;
  LanyardRefreshScheduler *scheduler;
  GHashTable              *loads; /* key → TokenLoad, the one load or refresh running */
  GHashTable              *unlinking; /* keys of accounts being unlinked */
  GHashTable              *renewed_at; /* key → monotonic µs of its last refresh here */
  GHashTable              *fresh; /* key → CachedToken: access tokens handed out from memory */
  GHashTable              *checks; /* key → CredentialCheck: the last or running check at the provider */
  LockWatch               *lock_watch; /* NULL until a token is cached */

  /* Borrowed references: the store owns the accounts */
  GHashTable *by_key; /* key → LanyardAccount */

  gboolean loaded;
};

enum
{
  ACCOUNT_ADDED,
  ACCOUNT_REMOVED,
  CLIENT_REFUSED,
  ACCOUNT_CHANGED,
  CURRENT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LanyardAccountManager, lanyard_account_manager, G_TYPE_OBJECT)

/* Access tokens from memory.
 *
 * A fresh access token is handed out from here, without a keyring round
 * trip; the keyring stays the only place tokens are written, and the only
 * source of refresh tokens (lanyard_account_manager_get_tokens_async()
 * always reads it). A copy is kept only while it is fresh by the same
 * rule as the keyring's, and is wiped (zeroed, then freed):
 *
 * - with its account (removed, unlinked, linked again), and when its
 *   account is refreshed or fails to be;
 * - all of them at any keyring error (locked, gone), and as soon as a
 *   collection of the keyring reports itself locked (its "Locked"
 *   property, watched from the first copy on): nothing is handed out that
 *   the keyring would refuse;
 * - at dispose.
 */
/* An access token and its expiry, wiped when freed: the cache's entries,
 * and what lanyard_account_manager_get_access_token_async() returns. */
typedef struct
{
  char  *access_token;
  gint64 expires_at;
} CachedToken;

static void
cached_token_free (CachedToken *token)
{
  if (token->access_token != NULL)
    {
      explicit_bzero (token->access_token, strlen (token->access_token));
      g_free (token->access_token);
    }
  g_free (token);
}

static gboolean
cached_token_is_fresh (const CachedToken *token,
                       gint64             now)
{
  return token->expires_at == 0 || now + LANYARD_ACCOUNT_MANAGER_FRESH_MARGIN_SECONDS < token->expires_at;
}

/* A check of an account's access token at the provider
 * (lanyard_account_manager_check_credentials_async()). Kept after it ends,
 * so that checks asked for within LANYARD_ACCOUNT_MANAGER_CHECK_INTERVAL_SECONDS
 * get its answer without asking the provider again. */
typedef struct
{
  LanyardAccountManager *manager; /* owned while running, else NULL */
  LanyardAccount        *account; /* owned while running, else NULL */
  LanyardTokenSet       *tokens; /* what is being checked, while running */
  char                  *key;
  GPtrArray             *tasks; /* GTask: the callers waiting; NULL once done */
  gint64                 started; /* monotonic µs */
  gboolean               renewed; /* the one renewal after a refusal was tried */
  gboolean               accepted;
  GError                *error; /* how the last check failed, if it did */
} CredentialCheck;

static void
credential_check_free (CredentialCheck *check)
{
  g_assert (check->tasks == NULL);
  g_free (check->key);
  g_clear_error (&check->error);
  g_free (check);
}

struct _LockWatch
{
  GWeakRef          manager;
  GCancellable     *cancellable;
  SecretCollection *collection; /* the default one, with our notify::locked */
};

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
collection_locked_cb (SecretCollection *collection,
                      GParamSpec       *pspec,
                      LockWatch        *watch);

static void
lock_watch_free (LockWatch *watch)
{
  g_cancellable_cancel (watch->cancellable);
  g_object_set_data (G_OBJECT (watch->cancellable), "watch", NULL);
  g_object_unref (watch->cancellable);
  if (watch->collection != NULL)
    g_signal_handlers_disconnect_by_func (watch->collection, collection_locked_cb, watch);
  g_clear_object (&watch->collection);
  g_weak_ref_clear (&watch->manager);
  g_free (watch);
}

/* Every copy in memory, zeroed. The lock watch goes too: after a keyring
 * error the Secret Service may be another one when it comes back. */
static void
forget_all_tokens (LanyardAccountManager *self)
{
  if (g_hash_table_size (self->fresh) > 0)
    g_debug ("Wiping %u access tokens held in memory", g_hash_table_size (self->fresh));
  g_hash_table_remove_all (self->fresh);
  g_clear_pointer (&self->lock_watch, lock_watch_free);
}

static void
forget_token (LanyardAccountManager *self,
              const char            *key)
{
  g_hash_table_remove (self->fresh, key);
}

static void
collection_locked_cb (SecretCollection *collection,
                      GParamSpec       *pspec,
                      LockWatch        *watch)
{
  g_autoptr(LanyardAccountManager) self = g_weak_ref_get (&watch->manager);

  if (self != NULL && secret_collection_get_locked (collection))
    {
      g_debug ("A keyring collection was locked");
      forget_all_tokens (self); /* frees @watch */
    }
}

/* Each step of setting up the watch holds a reference to the watch's
 * cancellable, which points at the watch until it is cancelled (when the
 * watch is freed): a step that ends later touches nothing. */
static LockWatch *
lock_watch_step_done (GCancellable *cancellable)
{
  LockWatch *watch = g_cancellable_is_cancelled (cancellable) ? NULL : g_object_get_data (G_OBJECT (cancellable), "watch");

  g_object_unref (cancellable);
  return watch;
}

static void
lock_watch_collection_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GError) error = NULL;
  LockWatch *watch;

  collection = secret_collection_for_alias_finish (result, &error);
  watch = lock_watch_step_done (user_data);
  if (watch == NULL)
    return;
  if (collection == NULL)
    {
      /* Nothing to watch (no default collection yet, or no keyring): the
       * keyring calls say what is wrong when they are made. */
      g_debug ("Cannot watch the keyring for locking: %s", error != NULL ? error->message : "no default collection");
      return;
    }

  watch->collection = g_object_ref (collection);
  g_signal_connect (collection, "notify::locked", G_CALLBACK (collection_locked_cb), watch);
  if (secret_collection_get_locked (collection))
    {
      /* Locked already: nothing in memory may be used. */
      g_autoptr(LanyardAccountManager) self = g_weak_ref_get (&watch->manager);

      if (self != NULL)
        forget_all_tokens (self); /* frees @watch */
    }
}

static void
lock_watch_service_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) error = NULL;
  LockWatch *watch;

  service = secret_service_get_finish (result, &error);
  watch = lock_watch_step_done (user_data);
  if (watch == NULL)
    return;
  if (service == NULL)
    {
      g_debug ("Cannot watch the keyring for locking: %s", error->message);
      return;
    }

  /* Tokens are stored in the default collection, the one watched. */
  secret_collection_for_alias (service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE, watch->cancellable,
                               lock_watch_collection_cb, g_object_ref (watch->cancellable));
}

static void
ensure_lock_watch (LanyardAccountManager *self)
{
  LockWatch *watch;

  if (self->lock_watch != NULL)
    return;

  watch = g_new0 (LockWatch, 1);
  g_weak_ref_init (&watch->manager, self);
  watch->cancellable = g_cancellable_new ();
  g_object_set_data (G_OBJECT (watch->cancellable), "watch", watch);
  self->lock_watch = watch;
  secret_service_get (SECRET_SERVICE_NONE, watch->cancellable, lock_watch_service_cb, g_object_ref (watch->cancellable));
}

static void
remember_token (LanyardAccountManager *self,
                const char            *key,
                LanyardTokenSet       *tokens)
{
  const char  *access_token = lanyard_token_set_get_access_token (tokens);
  CachedToken *token;

  forget_token (self, key);
  if (access_token == NULL || lanyard_token_set_is_expired (tokens, now_seconds (), LANYARD_ACCOUNT_MANAGER_FRESH_MARGIN_SECONDS))
    return;

  token = g_new0 (CachedToken, 1);
  token->access_token = g_strdup (access_token);
  token->expires_at = lanyard_token_set_get_expires_at (tokens);
  g_hash_table_insert (self->fresh, g_strdup (key), token);
  ensure_lock_watch (self);
}

guint
lanyard_account_manager_get_n_cached_tokens (LanyardAccountManager *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self), 0);
  return g_hash_table_size (self->fresh);
}

static void
lanyard_account_manager_dispose (GObject *object)
{
  LanyardAccountManager *self = LANYARD_ACCOUNT_MANAGER (object);
  GPtrArray             *accounts = self->store != NULL ? lanyard_account_store_get_accounts (self->store) : NULL;

  /* The accounts may outlive us (a caller's reference). */
  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (accounts, i), self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  g_clear_object (&self->scheduler);
  if (self->fresh != NULL)
    forget_all_tokens (self);

  G_OBJECT_CLASS (lanyard_account_manager_parent_class)->dispose (object);
}

static void
lanyard_account_manager_finalize (GObject *object)
{
  LanyardAccountManager *self = LANYARD_ACCOUNT_MANAGER (object);

  /* Every load holds a reference to us, so none is running now. */
  g_assert (g_hash_table_size (self->loads) == 0);

  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->loads, g_hash_table_unref);
  g_clear_pointer (&self->unlinking, g_hash_table_unref);
  g_clear_pointer (&self->renewed_at, g_hash_table_unref);
  g_clear_pointer (&self->fresh, g_hash_table_unref);
  g_clear_pointer (&self->checks, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->tokens);
  g_clear_object (&self->registry);

  G_OBJECT_CLASS (lanyard_account_manager_parent_class)->finalize (object);
}

static void
lanyard_account_manager_class_init (LanyardAccountManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_account_manager_dispose;
  object_class->finalize = lanyard_account_manager_finalize;

  /**
   * LanyardAccountManager::account-added:
   * @account: the new account
   *
   * An account was linked for the first time, or read from the accounts
   * file by lanyard_account_manager_load().
   */
  signals[ACCOUNT_ADDED] = g_signal_new ("account-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, LANYARD_TYPE_ACCOUNT);
  /**
   * LanyardAccountManager::account-removed:
   * @account: the account, no longer in the list
   *
   * The account was unlinked and forgotten.
   */
  signals[ACCOUNT_REMOVED] = g_signal_new ("account-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, LANYARD_TYPE_ACCOUNT);
  /**
   * LanyardAccountManager::account-changed:
   * @account: the account
   * @pspec: the property that changed
   *
   * A property of one of the accounts changed.
   */
  /**
   * LanyardAccountManager::client-refused:
   * @account: the account whose renewal was refused
   *
   * The provider refused Lanyard's client id (`invalid_client`) when the
   * account's tokens were renewed: the account needs attention, and a
   * server that forgot Lanyard's registration may be registered again.
   */
  signals[CLIENT_REFUSED] = g_signal_new ("client-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, LANYARD_TYPE_ACCOUNT);
  signals[ACCOUNT_CHANGED] = g_signal_new ("account-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 2, LANYARD_TYPE_ACCOUNT,
                                           G_TYPE_PARAM);
  /**
   * LanyardAccountManager::current-changed:
   * @current: (nullable): the current account now
   *
   * What lanyard_account_manager_get_current() describes may have changed:
   * another account is current, or the current one changed.
   */
  signals[CURRENT_CHANGED] = g_signal_new ("current-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, LANYARD_TYPE_ACCOUNT);
}

static void
lanyard_account_manager_init (LanyardAccountManager *self)
{
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->loads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->unlinking = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->renewed_at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cached_token_free);
  self->checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) credential_check_free);
  self->tokens = lanyard_token_store_new ();
}

static void
emit_current_changed (LanyardAccountManager *self)
{
  g_signal_emit (self, signals[CURRENT_CHANGED], 0, lanyard_account_store_get_current (self->store));
}

static void
account_notify_cb (LanyardAccount        *account,
                   GParamSpec            *pspec,
                   LanyardAccountManager *self)
{
  g_signal_emit (self, signals[ACCOUNT_CHANGED], 0, account, pspec);
  if (account == lanyard_account_store_get_current (self->store))
    emit_current_changed (self);
}

static void
track (LanyardAccountManager *self,
       LanyardAccount        *account)
{
  g_hash_table_insert (self->by_key, lanyard_account_dup_key (account), account);
  g_signal_connect_object (account, "notify", G_CALLBACK (account_notify_cb), self, 0);
}

static void
store_account_added_cb (LanyardAccountStore   *store,
                        LanyardAccount        *account,
                        LanyardAccountManager *self)
{
  track (self, account);
  g_signal_emit (self, signals[ACCOUNT_ADDED], 0, account);
}

static void
store_account_removed_cb (LanyardAccountStore   *store,
                          LanyardAccount        *account,
                          LanyardAccountManager *self)
{
  g_autofree char *key = lanyard_account_dup_key (account);

  g_hash_table_remove (self->by_key, key);
  g_hash_table_remove (self->renewed_at, key);
  forget_token (self, key);
  {
    CredentialCheck *check = g_hash_table_lookup (self->checks, key);

    /* A running check ends by itself, finding the account gone. */
    if (check != NULL && check->tasks == NULL)
      g_hash_table_remove (self->checks, key);
  }
  g_signal_handlers_disconnect_by_func (account, account_notify_cb, self);
  lanyard_refresh_scheduler_remove (self->scheduler, key);
  g_signal_emit (self, signals[ACCOUNT_REMOVED], 0, account);
}

static void
store_current_changed_cb (LanyardAccountStore   *store,
                          LanyardAccountManager *self)
{
  emit_current_changed (self);
}

static void scheduled_refresh_due_cb (LanyardRefreshScheduler *scheduler,
                                      const char              *key,
                                      LanyardAccountManager   *self);

LanyardAccountManager *
lanyard_account_manager_new (LanyardProviderRegistry *registry,
                             const char              *accounts_path,
                             GNetworkMonitor         *monitor)
{
  LanyardAccountManager *self;

  g_return_val_if_fail (LANYARD_IS_PROVIDER_REGISTRY (registry), NULL);
  g_return_val_if_fail (accounts_path != NULL, NULL);
  g_return_val_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor), NULL);

  self = g_object_new (LANYARD_TYPE_ACCOUNT_MANAGER, NULL);
  self->registry = g_object_ref (registry);
  self->store = lanyard_account_store_new (accounts_path);
  self->scheduler = lanyard_refresh_scheduler_new (monitor);
  g_signal_connect_object (self->scheduler, "refresh-due", G_CALLBACK (scheduled_refresh_due_cb), self, 0);
  return self;
}

void
lanyard_account_manager_set_refresh_timing (LanyardAccountManager *self,
                                            guint                  margin_seconds,
                                            guint                  backoff_seconds,
                                            guint                  max_running)
{
  g_return_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self));
  lanyard_refresh_scheduler_set_timing (self->scheduler, margin_seconds, backoff_seconds, max_running);
}

gboolean
lanyard_account_manager_load (LanyardAccountManager *self,
                              GError               **error)
{
  GPtrArray *accounts;

  g_return_val_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self), FALSE);
  /* Loading again would drop the accounts others hold handles to. */
  g_return_val_if_fail (!self->loaded, FALSE);

  if (!lanyard_account_store_load (self->store, error))
    return FALSE;
  self->loaded = TRUE;

  accounts = lanyard_account_store_get_accounts (self->store);
  for (guint i = 0; i < accounts->len; i++)
    {
      LanyardAccount  *account = g_ptr_array_index (accounts, i);
      g_autofree char *key = lanyard_account_dup_key (account);

      track (self, account);
      if (!lanyard_account_get_needs_attention (account) && !lanyard_account_get_identity_only (account))
        lanyard_refresh_scheduler_schedule (self->scheduler, key, lanyard_account_get_expires_at (account));
      g_signal_emit (self, signals[ACCOUNT_ADDED], 0, account);
    }

  g_signal_connect_object (self->store, "account-added", G_CALLBACK (store_account_added_cb), self, 0);
  g_signal_connect_object (self->store, "account-removed", G_CALLBACK (store_account_removed_cb), self, 0);
  g_signal_connect_object (self->store, "current-changed", G_CALLBACK (store_current_changed_cb), self, 0);
  emit_current_changed (self);
  return TRUE;
}

void
lanyard_account_manager_recheck (LanyardAccountManager *self)
{
  g_return_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self));
  lanyard_refresh_scheduler_recheck (self->scheduler);
}

LanyardProviderRegistry *
lanyard_account_manager_get_registry (LanyardAccountManager *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self), NULL);
  return self->registry;
}

const char *
lanyard_account_manager_get_problem (LanyardAccountManager *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self), NULL);
  return lanyard_account_store_get_problem (self->store);
}

gboolean
lanyard_account_manager_is_read_only (LanyardAccountManager *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self), TRUE);
  return lanyard_account_store_is_read_only (self->store);
}

const char *
lanyard_account_manager_get_provider_name (LanyardAccountManager *self,
                                           const char            *provider_id)
{
  LanyardProvider *provider;

  g_return_val_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self), NULL);

  provider = lanyard_provider_registry_lookup (self->registry, provider_id);
  return provider != NULL ? lanyard_provider_get_display_name (provider) : provider_id;
}

/* What the keyring shows, e.g. "Lanyard: GitHub (octocat)". */
static char *
token_label (LanyardAccountManager *self,
             const char            *provider_id,
             const char            *account_id,
             const char            *username)
{
  return g_strdup_printf ("Lanyard: %s (%s)", lanyard_account_manager_get_provider_name (self, provider_id),
                          username != NULL ? username : account_id);
}

GPtrArray *
lanyard_account_manager_get_accounts (LanyardAccountManager *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self), NULL);
  return lanyard_account_store_get_accounts (self->store);
}

LanyardAccount *
lanyard_account_manager_get_current (LanyardAccountManager *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self), NULL);
  return lanyard_account_store_get_current (self->store);
}

LanyardAccount *
lanyard_account_manager_lookup (LanyardAccountManager *self,
                                const char            *provider_id,
                                const char            *account_id)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self), NULL);

  if (provider_id == NULL || account_id == NULL)
    return NULL;
  /* Provider ids have no colon, so the key names one pair only. */
  key = g_strconcat (provider_id, ":", account_id, NULL);
  return g_hash_table_lookup (self->by_key, key);
}

LanyardAccount *
lanyard_account_manager_lookup_key (LanyardAccountManager *self,
                                    const char            *key,
                                    GError               **error)
{
  g_autofree char *provider_id = NULL;
  g_autofree char *account_id = NULL;
  LanyardAccount  *account;

  g_return_val_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self), NULL);

  if (!lanyard_account_key_parse (key, &provider_id, &account_id, error))
    return NULL;

  account = lanyard_account_manager_lookup (self, provider_id, account_id);
  if (account == NULL)
    g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                 _ ("No linked account is called “%s”; `lanyardctl list` shows the linked accounts"), key);
  return account;
}

static gboolean
save_accounts (LanyardAccountManager *self,
               GError               **error)
{
  return lanyard_account_store_save (self->store, error);
}

/* The change stands in memory; a file that cannot be written is the
 * person's to fix, and the next write tries again. */
static void
save_accounts_or_log (LanyardAccountManager *self)
{
  g_autoptr(GError) error = NULL;

  if (!save_accounts (self, &error))
    g_message ("The accounts file could not be written: %s", error->message);
}

static gboolean
check_writable (LanyardAccountManager *self,
                GError               **error)
{
  if (!lanyard_account_store_is_read_only (self->store))
    return TRUE;
  g_set_error_literal (error, LANYARD_ERROR, LANYARD_ERROR_FAILED, lanyard_account_store_get_problem (self->store));
  return FALSE;
}

static gboolean
is_ours (LanyardAccountManager *self,
         LanyardAccount        *account)
{
  g_autofree char *key = lanyard_account_dup_key (account);

  return g_hash_table_lookup (self->by_key, key) == account;
}

/* Whether @account (or, for NULL, no account) is marked primary already. */
static gboolean
primary_already (LanyardAccountManager *self,
                 LanyardAccount        *account)
{
  GHashTableIter iter;
  gpointer       value;

  g_hash_table_iter_init (&iter, self->by_key);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (lanyard_account_get_primary (value) != (value == account))
      return FALSE;
  return TRUE;
}

gboolean
lanyard_account_manager_set_primary (LanyardAccountManager *self,
                                     LanyardAccount        *account,
                                     GError               **error)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (account == NULL || LANYARD_IS_ACCOUNT (account), FALSE);

  if (account != NULL && !is_ours (self, account))
    {
      g_set_error_literal (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND, _ ("This account is no longer linked"));
      return FALSE;
    }
  /* Nothing changes, nothing is written: a program may set its choice at
   * every start, and each write of the accounts file is synced to disk. */
  if (primary_already (self, account))
    return TRUE;
  if (!check_writable (self, error))
    return FALSE;

  lanyard_account_store_set_primary (self->store, account);
  return save_accounts (self, error);
}

/* Whether the keyring could be used, from how the last call to it went:
 * locked or gone makes the account unavailable, anything else (including
 * "no tokens stored") means the keyring answered. */
static void
update_available (LanyardAccountManager *self,
                  LanyardAccount        *account,
                  const GError          *error)
{
  gboolean keyring_trouble = g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_LOCKED) ||
    g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_UNAVAILABLE);

  /* A call given up says nothing about the keyring. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* What the keyring will not hand out, memory does not either. */
  if (keyring_trouble)
    forget_all_tokens (self);
  lanyard_account_set_available (account, !keyring_trouble);
}

/* Getting tokens, refreshing when needed: one load or refresh per account
 * at a time, shared by every caller who asks meanwhile. */

typedef struct
{
  LanyardAccountManager *manager;
  LanyardAccount        *account;
  char                  *key;
  GPtrArray             *waiters; /* Waiter */
  LanyardTokenSet       *refreshed;
  gboolean               force;
} TokenLoad;

/* A caller waiting for a load; one who gives up is answered at once and
 * leaves the others waiting. */
typedef struct
{
  GTask     *task;
  GSource   *cancelled; /* owned; NULL without a cancellable */
  TokenLoad *load; /* borrowed: the load owns us */
} Waiter;

static void
waiter_free (Waiter *waiter)
{
  if (waiter->cancelled != NULL)
    {
      g_source_destroy (waiter->cancelled);
      g_source_unref (waiter->cancelled);
    }
  g_object_unref (waiter->task);
  g_free (waiter);
}

static gboolean
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  Waiter *waiter = user_data;
  g_autoptr(GTask) task = g_object_ref (waiter->task);

  /* Frees the waiter; the load goes on for the others. */
  g_ptr_array_remove_fast (waiter->load->waiters, waiter);
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

static void
add_waiter (TokenLoad *load,
            GTask     *task)
{
  Waiter       *waiter = g_new0 (Waiter, 1);
  GCancellable *cancellable = g_task_get_cancellable (task);

  waiter->task = task;
  waiter->load = load;
  if (cancellable != NULL)
    {
      waiter->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancelled, G_SOURCE_FUNC (waiter_cancelled_cb), waiter, NULL);
      g_source_attach (waiter->cancelled, g_task_get_context (task));
    }
  g_ptr_array_add (load->waiters, waiter);
}

static void
token_load_free (TokenLoad *load)
{
  g_object_unref (load->manager);
  g_object_unref (load->account);
  g_free (load->key);
  g_ptr_array_unref (load->waiters);
  g_clear_object (&load->refreshed);
  g_free (load);
}

/* Ends the load: every waiter gets the same answer (or, if it gave up
 * meanwhile, G_IO_ERROR_CANCELLED through its task). */
static void
token_load_finish (TokenLoad       *load,
                   LanyardTokenSet *tokens,
                   const GError    *error)
{
  LanyardAccountManager *self = load->manager;
  gboolean               removed = g_hash_table_remove (self->loads, load->key);

  g_assert (removed);
  /* The copy in memory is what the keyring just said, or nothing. */
  if (tokens != NULL && is_ours (self, load->account) && !g_hash_table_contains (self->unlinking, load->key))
    remember_token (self, load->key, tokens);
  else
    forget_token (self, load->key);
  for (guint i = 0; i < load->waiters->len; i++)
    {
      GTask *task = ((Waiter *) g_ptr_array_index (load->waiters, i))->task;

      if (tokens != NULL)
        g_task_return_pointer (task, g_object_ref (tokens), g_object_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
  token_load_free (load);
}

/* What the account was granted: RFC 6749 §3.3 lets a token response
 * leave the scope out when it is the one asked for, and the provider's
 * configured scopes are that. */
static void
set_granted_scopes (LanyardAccountManager *self,
                    LanyardAccount        *account,
                    LanyardTokenSet       *tokens)
{
  const char *const *scopes = lanyard_token_set_get_scopes (tokens);
  LanyardProvider   *provider;

  if (scopes == NULL || scopes[0] == NULL)
    {
      provider = lanyard_provider_registry_lookup (self->registry, lanyard_account_get_provider_id (account));
      if (provider != NULL)
        scopes = lanyard_provider_get_scopes (provider);
    }
  lanyard_account_set_scopes (account, scopes);
}

/* The tokens of an account that no longer qualifies: revoked at the
 * provider and dropped from the keyring, so that nothing hands them out;
 * the account stays, needing attention with the reason. The load ends
 * when both are done. */
typedef struct
{
  TokenLoad *load;
  GError    *reason;
} Disqualified;

static void
disqualified_deleted_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Disqualified *gone = user_data;
  g_autoptr(GError) error = NULL;

  if (!lanyard_token_store_delete_finish (LANYARD_TOKEN_STORE (object), result, &error))
    g_message ("Dropping the tokens of an account that no longer qualifies failed: %s", error->message);
  token_load_finish (gone->load, NULL, gone->reason);
  g_error_free (gone->reason);
  g_free (gone);
}

static void
disqualified_revoked_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Disqualified          *gone = user_data;
  LanyardAccountManager *self = gone->load->manager;
  g_autoptr(GError) error = NULL;

  if (!lanyard_provider_revoke_finish (LANYARD_PROVIDER (object), result, &error))
    g_message ("Revoking the tokens of an account that no longer qualifies failed: %s", error->message);
  lanyard_token_store_delete_async (self->tokens, lanyard_account_get_provider_id (gone->load->account),
                                    lanyard_account_get_account_id (gone->load->account), NULL,
                                    disqualified_deleted_cb, gone);
}

static void
rechecked_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  TokenLoad             *load = user_data;
  LanyardAccountManager *self = load->manager;
  LanyardProvider       *provider = LANYARD_PROVIDER (object);
  g_autoptr(LanyardIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;

  identity = lanyard_provider_recheck_finish (provider, result, &error);
  if (identity != NULL && g_strcmp0 (lanyard_identity_get_account_id (identity), lanyard_account_get_account_id (load->account)) != 0)
    {
      g_clear_object (&identity);
      error = g_error_new (LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                           _ ("%s described another account than this one when its membership was checked"),
                           lanyard_provider_get_display_name (provider));
    }
  if (identity == NULL)
    {
      if (g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED))
        {
          g_message ("%s no longer qualifies: %s", load->key, error->message);
          lanyard_account_set_attention (load->account, error->message);
          lanyard_refresh_scheduler_report (self->scheduler, load->key, LANYARD_REFRESH_NEEDS_ATTENTION, 0);
          save_accounts_or_log (self);
          forget_token (self, load->key);
          {
            Disqualified *gone = g_new0 (Disqualified, 1);

            gone->load = load;
            gone->reason = g_steal_pointer (&error);
            lanyard_provider_revoke_async (provider, load->refreshed, NULL, disqualified_revoked_cb, gone);
          }
          return;
        }
      /* Otherwise (the provider could not be asked) the tokens are not
       * handed out either, and the scheduler tries again. */
      token_load_finish (load, NULL, error);
      return;
    }

  /* Membership can change the organisations the identity carries. */
  lanyard_account_update_identity (load->account, identity);
  save_accounts_or_log (self);
  lanyard_refresh_scheduler_report (self->scheduler, load->key, LANYARD_REFRESH_SUCCEEDED,
                                    lanyard_token_set_get_expires_at (load->refreshed));
  token_load_finish (load, load->refreshed, NULL);
}

static void
stored_refreshed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  TokenLoad             *load = user_data;
  LanyardAccountManager *self = load->manager;
  gint64                 expires_at = lanyard_token_set_get_expires_at (load->refreshed);
  g_autoptr(GError) error = NULL;
  LanyardProvider *provider;

  /* Rotation: the new pair is in the keyring before anyone uses it. If it
   * cannot be stored, it is not handed out; the old refresh token may
   * already be dead, so the account may want a sign-in. */
  if (!lanyard_token_store_save_finish (LANYARD_TOKEN_STORE (object), result, &error))
    {
      update_available (self, load->account, error);
      token_load_finish (load, NULL, error);
      return;
    }

  update_available (self, load->account, NULL);
  g_object_freeze_notify (G_OBJECT (load->account));
  lanyard_account_set_expires_at (load->account, expires_at);
  lanyard_account_set_last_refresh (load->account, now_seconds ());
  set_granted_scopes (self, load->account, load->refreshed);
  lanyard_account_set_attention (load->account, NULL);
  g_object_thaw_notify (G_OBJECT (load->account));
  save_accounts_or_log (self);
  g_hash_table_insert (self->renewed_at, g_strdup (load->key), g_memdup2 (&(gint64){ g_get_monotonic_time () }, sizeof (gint64)));

  /* Membership can end: the administrator's rules are checked again, with
   * the new token, before it is handed out. */
  provider = lanyard_provider_registry_lookup (self->registry, lanyard_account_get_provider_id (load->account));
  if (provider != NULL && lanyard_provider_has_rules (provider))
    {
      lanyard_provider_recheck_async (provider, load->refreshed, NULL, rechecked_cb, load);
      return;
    }

  lanyard_refresh_scheduler_report (self->scheduler, load->key, LANYARD_REFRESH_SUCCEEDED, expires_at);
  token_load_finish (load, load->refreshed, NULL);
}

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  TokenLoad             *load = user_data;
  LanyardAccountManager *self = load->manager;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;

  load->refreshed = lanyard_provider_refresh_finish (LANYARD_PROVIDER (object), result, &error);
  if (load->refreshed == NULL)
    {
      /* The server no longer knows the client (a registration it
       * forgot, an application deleted there): its refresh tokens are
       * dead too. lanyard_http_oauth_error() writes the OAuth code first,
       * in parentheses. */
      gboolean client_refused = g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED) &&
        strstr (error->message, "(invalid_client") != NULL;

      if (g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT) || client_refused)
        {
          /* Nothing is deleted: the person signs in again and the same
           * account comes back. */
          lanyard_account_set_attention (load->account, error->message);
          lanyard_refresh_scheduler_report (self->scheduler, load->key, LANYARD_REFRESH_NEEDS_ATTENTION, 0);
          save_accounts_or_log (self);
          if (client_refused)
            g_signal_emit (self, signals[CLIENT_REFUSED], 0, load->account);
        }
      token_load_finish (load, NULL, error);
      return;
    }

  /* Being unlinked meanwhile: the new tokens must not land in the keyring
   * after the unlink deleted the old ones. A store sent before the unlink
   * began reaches the keyring before its delete does. */
  if (!is_ours (self, load->account) || g_hash_table_contains (self->unlinking, load->key))
    {
      g_autoptr(GError) gone = g_error_new_literal (LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                                                     "This account was unlinked meanwhile");
      token_load_finish (load, NULL, gone);
      return;
    }

  label = token_label (self, lanyard_account_get_provider_id (load->account),
                       lanyard_account_get_account_id (load->account), lanyard_account_get_username (load->account));
  lanyard_token_store_save_async (self->tokens, lanyard_account_get_provider_id (load->account),
                                  lanyard_account_get_account_id (load->account), label, load->refreshed,
                                  NULL, stored_refreshed_cb, load);
}

/* Whether this account's tokens were renewed here less than the
 * scheduler's floor ago. A new sign-in does not count: its tokens are
 * renewed on demand like any others. */
static gboolean
renewed_recently (LanyardAccountManager *self,
                  const char            *key)
{
  const gint64 *renewed = g_hash_table_lookup (self->renewed_at, key);

  return renewed != NULL && g_get_monotonic_time () - *renewed < LANYARD_REFRESH_MIN_INTERVAL_SECONDS * G_USEC_PER_SEC;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TokenLoad             *load = user_data;
  LanyardAccountManager *self = load->manager;
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GError) error = NULL;
  LanyardProvider *provider;

  tokens = lanyard_token_store_load_finish (LANYARD_TOKEN_STORE (object), result, &error);
  update_available (self, load->account, error);
  if (tokens == NULL)
    {
      /* A reason already given (the account no longer qualifies, and its
       * tokens were dropped for it) says more than "none stored". */
      if (g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND) && !lanyard_account_get_needs_attention (load->account))
        lanyard_account_set_attention (load->account, error->message);
      token_load_finish (load, NULL, error);
      return;
    }

  /* Fresh enough, or renewed less than the scheduler's floor ago: a
   * provider whose tokens live under the fresh margin (expires_in: 0)
   * would otherwise be asked again at every call of a polling client. */
  if (!load->force &&
      (!lanyard_token_set_is_expired (tokens, now_seconds (), LANYARD_ACCOUNT_MANAGER_FRESH_MARGIN_SECONDS) ||
       renewed_recently (self, load->key)))
    {
      token_load_finish (load, tokens, NULL);
      return;
    }

  provider = lanyard_provider_registry_lookup (self->registry, lanyard_account_get_provider_id (load->account));
  if (provider == NULL)
    {
      g_autoptr(GError) gone = g_error_new (LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                                             _ ("The provider “%s” is no longer configured, so this account's token cannot be renewed. "
                                                "Configure it again; the account and its tokens were kept."),
                                             lanyard_account_get_provider_id (load->account));
      token_load_finish (load, NULL, gone);
      return;
    }

  g_debug ("Refreshing the tokens of %s", load->key);
  lanyard_provider_refresh_async (provider, tokens, NULL, refreshed_cb, load);
}

void
lanyard_account_manager_get_tokens_async (LanyardAccountManager *self,
                                          LanyardAccount        *account,
                                          gboolean               force_refresh,
                                          GCancellable          *cancellable,
                                          GAsyncReadyCallback    callback,
                                          gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  TokenLoad       *load;

  g_return_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (LANYARD_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_account_manager_get_tokens_async);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!is_ours (self, account))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND, _ ("This account is no longer linked"));
      return;
    }
  if (lanyard_account_get_identity_only (account))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED,
                               _ ("This account is linked for who you are only (store_tokens=false): Lanyard keeps no token for it, so it has none to give"));
      return;
    }

  key = lanyard_account_dup_key (account);
  /* A forced refresh is about to replace the token: the old one is not
   * handed out from memory meanwhile. */
  if (force_refresh)
    forget_token (self, key);
  load = g_hash_table_lookup (self->loads, key);
  if (load != NULL)
    {
      /* A forced refresh (the scheduler's) joining a plain load still
       * refreshes, as long as the tokens have not been judged yet. */
      load->force |= force_refresh;
      add_waiter (load, g_steal_pointer (&task));
      return;
    }

  load = g_new0 (TokenLoad, 1);
  load->manager = g_object_ref (self);
  load->account = g_object_ref (account);
  load->key = g_strdup (key);
  load->waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) waiter_free);
  load->force = force_refresh;
  add_waiter (load, g_steal_pointer (&task));
  g_hash_table_insert (self->loads, g_steal_pointer (&key), load);

  /* No cancellable: the load is shared, and a refresh that reached the
   * provider must be stored whoever still waits. */
  lanyard_token_store_load_async (self->tokens, lanyard_account_get_provider_id (account),
                                  lanyard_account_get_account_id (account), NULL, loaded_cb, load);
}

LanyardTokenSet *
lanyard_account_manager_get_tokens_finish (LanyardAccountManager *self,
                                           GAsyncResult          *result,
                                           GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_account_manager_get_tokens_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
access_token_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(LanyardTokenSet) tokens = NULL;
  GError      *error = NULL;
  CachedToken *token;

  tokens = lanyard_account_manager_get_tokens_finish (LANYARD_ACCOUNT_MANAGER (object), result, &error);
  if (tokens == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  token = g_new0 (CachedToken, 1);
  token->access_token = g_strdup (lanyard_token_set_get_access_token (tokens));
  token->expires_at = lanyard_token_set_get_expires_at (tokens);
  g_task_return_pointer (task, token, (GDestroyNotify) cached_token_free);
}

void
lanyard_account_manager_get_access_token_async (LanyardAccountManager *self,
                                                LanyardAccount        *account,
                                                GCancellable          *cancellable,
                                                GAsyncReadyCallback    callback,
                                                gpointer               user_data)
{
  g_autofree char *key = NULL;
  CachedToken     *cached;
  GTask           *task;

  g_return_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (LANYARD_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_account_manager_get_access_token_async);

  /* Fresh in memory: no keyring round trip. */
  key = lanyard_account_dup_key (account);
  cached = g_hash_table_lookup (self->fresh, key);
  if (cached != NULL && is_ours (self, account) && !g_hash_table_contains (self->unlinking, key) &&
      !lanyard_account_get_needs_attention (account) && cached_token_is_fresh (cached, now_seconds ()) &&
      !g_task_return_error_if_cancelled (task))
    {
      CachedToken *token = g_new0 (CachedToken, 1);

      token->access_token = g_strdup (cached->access_token);
      token->expires_at = cached->expires_at;
      g_task_return_pointer (task, token, (GDestroyNotify) cached_token_free);
      g_object_unref (task);
      return;
    }
  if (g_task_had_error (task))
    {
      g_object_unref (task);
      return;
    }

  lanyard_account_manager_get_tokens_async (self, account, FALSE, cancellable, access_token_cb, task);
}

char *
lanyard_account_manager_get_access_token_finish (LanyardAccountManager *self,
                                                 GAsyncResult          *result,
                                                 gint64                *expires_at,
                                                 GError               **error)
{
  CachedToken *token;
  char        *access_token;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_account_manager_get_access_token_async, NULL);

  token = g_task_propagate_pointer (G_TASK (result), error);
  if (token == NULL)
    return NULL;
  access_token = g_steal_pointer (&token->access_token);
  if (expires_at != NULL)
    *expires_at = token->expires_at;
  cached_token_free (token);
  return access_token;
}

static void
ensure_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autofree char *token = NULL;
  GError          *error = NULL;

  token = lanyard_account_manager_get_access_token_finish (LANYARD_ACCOUNT_MANAGER (object), result, NULL, &error);
  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  explicit_bzero (token, strlen (token));
  g_task_return_boolean (task, TRUE);
}

void
lanyard_account_manager_ensure_credentials_async (LanyardAccountManager *self,
                                                  LanyardAccount        *account,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data)
{
  GTask *task;

  g_return_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (LANYARD_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_account_manager_ensure_credentials_async);
  /* A fresh access token in memory is enough: the keyring is read only
   * when the tokens must be renewed. */
  lanyard_account_manager_get_access_token_async (self, account, cancellable, ensure_cb, task);
}

gboolean
lanyard_account_manager_ensure_credentials_finish (LanyardAccountManager *self,
                                                   GAsyncResult          *result,
                                                   GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_account_manager_ensure_credentials_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Checking an access token a program says was refused (git's "erase"):
 * the provider's word, one renewal when it refuses, and the account needs
 * attention when that does not help. */

static void
check_finish (CredentialCheck *check,
              gboolean         accepted,
              const GError    *error)
{
  g_autoptr(GPtrArray) tasks = g_steal_pointer (&check->tasks);
  g_autoptr(LanyardAccountManager) manager = g_steal_pointer (&check->manager);
  g_autoptr(LanyardAccount) account = g_steal_pointer (&check->account);
  g_autofree char *key = g_strdup (check->key);

  g_clear_object (&check->tokens);
  check->accepted = accepted;
  g_clear_error (&check->error);
  if (error != NULL)
    check->error = g_error_copy (error);
  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, accepted);
    }
  /* The account went while the check ran: nothing to remember it for. */
  if (!is_ours (manager, account))
    g_hash_table_remove (manager->checks, key);
}

/* The provider refused the access token, renewed or not: the person has
 * to sign in again. Nothing is deleted. */
static void
check_refused (CredentialCheck *check,
               const GError    *refusal)
{
  LanyardAccountManager *self = check->manager;

  if (is_ours (self, check->account) && !g_hash_table_contains (self->unlinking, check->key))
    {
      g_message ("The provider refused the access token of %s: %s", check->key, refusal->message);
      forget_token (self, check->key);
      lanyard_account_set_attention (check->account, refusal->message);
      lanyard_refresh_scheduler_report (self->scheduler, check->key, LANYARD_REFRESH_NEEDS_ATTENTION, 0);
      save_accounts_or_log (self);
    }
  check_finish (check, FALSE, NULL);
}

static void check_tokens_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data);

static void
check_answered_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  CredentialCheck *check = user_data;
  g_autoptr(GError) error = NULL;
  LanyardTokenSet *tokens = check->tokens;

  if (lanyard_provider_check_access_token_finish (LANYARD_PROVIDER (object), result, &error))
    {
      check_finish (check, TRUE, NULL);
      return;
    }
  if (!g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT))
    {
      check_finish (check, FALSE, error);
      return;
    }

  /* Refused: renewed once, when there is a refresh token, and asked
   * again; the renewal's own refusal (invalid_grant) marks the account. */
  if (!check->renewed && tokens != NULL && lanyard_token_set_get_refresh_token (tokens) != NULL &&
      is_ours (check->manager, check->account))
    {
      check->renewed = TRUE;
      lanyard_account_manager_get_tokens_async (check->manager, check->account, TRUE, NULL, check_tokens_cb, check);
      return;
    }
  check_refused (check, error);
}

static void
check_tokens_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CredentialCheck       *check = user_data;
  LanyardAccountManager *self = LANYARD_ACCOUNT_MANAGER (object);
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GError) error = NULL;
  LanyardProvider *provider;

  tokens = lanyard_account_manager_get_tokens_finish (self, result, &error);
  if (tokens == NULL)
    {
      /* A renewal refused (invalid_grant) marked the account already. */
      if (g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT))
        check_finish (check, FALSE, NULL);
      else
        check_finish (check, FALSE, error);
      return;
    }

  provider = lanyard_provider_registry_lookup (self->registry, lanyard_account_get_provider_id (check->account));
  if (provider == NULL)
    {
      g_autoptr(GError) gone = g_error_new (LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                                             _ ("The provider “%s” is no longer configured, so this account's token cannot be checked."),
                                             lanyard_account_get_provider_id (check->account));
      check_finish (check, FALSE, gone);
      return;
    }
  /* Kept for the decision to renew. */
  g_set_object (&check->tokens, tokens);
  lanyard_provider_check_access_token_async (provider, tokens, NULL, check_answered_cb, check);
}

void
lanyard_account_manager_check_credentials_async (LanyardAccountManager *self,
                                                 LanyardAccount        *account,
                                                 GCancellable          *cancellable,
                                                 GAsyncReadyCallback    callback,
                                                 gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  CredentialCheck *check;
  gint64           now = g_get_monotonic_time ();

  g_return_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (LANYARD_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_account_manager_check_credentials_async);
  if (!is_ours (self, account))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND, _ ("This account is no longer linked"));
      return;
    }
  /* Refused already: the provider is not asked until the person signed
   * in again. */
  if (lanyard_account_get_needs_attention (account))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  key = lanyard_account_dup_key (account);
  check = g_hash_table_lookup (self->checks, key);
  if (check != NULL && check->tasks != NULL)
    {
      g_ptr_array_add (check->tasks, g_steal_pointer (&task));
      return;
    }
  /* A loop of checks (a script retrying, git erasing at every failure)
   * costs the provider one request per interval. A refusal remembered
   * from before a new sign-in does not count: the account was fine. */
  if (check != NULL && now - check->started < LANYARD_ACCOUNT_MANAGER_CHECK_INTERVAL_SECONDS * G_USEC_PER_SEC &&
      (check->accepted || check->error != NULL))
    {
      g_debug ("The token of %s was checked less than %d s ago", key, LANYARD_ACCOUNT_MANAGER_CHECK_INTERVAL_SECONDS);
      if (check->error != NULL)
        g_task_return_error (task, g_error_copy (check->error));
      else
        g_task_return_boolean (task, check->accepted);
      return;
    }

  if (check == NULL)
    {
      check = g_new0 (CredentialCheck, 1);
      check->key = g_strdup (key);
      g_hash_table_insert (self->checks, g_strdup (key), check);
    }
  check->manager = g_object_ref (self);
  check->account = g_object_ref (account);
  check->tasks = g_ptr_array_new_with_free_func (g_object_unref);
  check->started = now;
  check->renewed = FALSE;
  g_ptr_array_add (check->tasks, g_steal_pointer (&task));
  lanyard_account_manager_get_tokens_async (self, account, FALSE, NULL, check_tokens_cb, check);
}

gboolean
lanyard_account_manager_check_credentials_finish (LanyardAccountManager *self,
                                                  GAsyncResult          *result,
                                                  gboolean              *accepted,
                                                  GError               **error)
{
  GError  *local = NULL;
  gboolean answer;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_account_manager_check_credentials_async, FALSE);

  answer = g_task_propagate_boolean (G_TASK (result), &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (accepted != NULL)
    *accepted = answer;
  return TRUE;
}

/* The scheduler hears back whatever happened to a refresh it asked for:
 * the load reports what it learnt at the provider or the keyring; a load
 * that ended before (the tokens could not be read) is reported here. */
static void
scheduled_refresh_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  LanyardAccountManager *self = LANYARD_ACCOUNT_MANAGER (object);
  g_autoptr(LanyardAccount) account = user_data;
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = lanyard_account_dup_key (account);

  /* A scheduled load is forced: on success it refreshed, and the refresh
   * told the scheduler already (reporting again would re-arm the timer
   * with new jitter). */
  tokens = lanyard_account_manager_get_tokens_finish (self, result, &error);
  if (tokens != NULL)
    return;

  g_message ("Refreshing %s failed: %s", key, error->message);
  if (!is_ours (self, account))
    lanyard_refresh_scheduler_remove (self->scheduler, key);
  else if (lanyard_account_get_needs_attention (account))
    lanyard_refresh_scheduler_report (self->scheduler, key, LANYARD_REFRESH_NEEDS_ATTENTION, 0);
  else
    lanyard_refresh_scheduler_report (self->scheduler, key, LANYARD_REFRESH_TRANSIENT, 0);
}

static void
scheduled_refresh_due_cb (LanyardRefreshScheduler *scheduler,
                          const char              *key,
                          LanyardAccountManager   *self)
{
  LanyardAccount *account = g_hash_table_lookup (self->by_key, key);

  if (account == NULL)
    {
      lanyard_refresh_scheduler_remove (self->scheduler, key);
      return;
    }

  lanyard_account_manager_get_tokens_async (self, account, TRUE, NULL, scheduled_refresh_cb, g_object_ref (account));
}

/* Linking: tokens first, then the account. */

typedef struct
{
  LanyardIdentity *identity;
  LanyardTokenSet *tokens;
} Link;

static void
link_free (Link *link)
{
  g_clear_object (&link->identity);
  g_clear_object (&link->tokens);
  g_free (link);
}

static void
link_stored_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardAccountManager *self = g_task_get_source_object (task);
  Link                  *link = g_task_get_task_data (task);
  gint64                 expires_at = lanyard_token_set_get_expires_at (link->tokens);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  LanyardAccount  *account;
  gboolean         created;

  /* No keyring, no account: a linked account without its tokens would be
   * a lie, and the tokens go nowhere else. */
  if (!lanyard_token_store_save_finish (LANYARD_TOKEN_STORE (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A newer Lanyard may have taken the file over meanwhile; the tokens
   * are stored and a later sign-in finds them replaced. */
  if (!check_writable (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  account = lanyard_account_store_link (self->store, link->identity, now_seconds (), &created);
  g_object_freeze_notify (G_OBJECT (account));
  lanyard_account_set_expires_at (account, expires_at);
  lanyard_account_set_last_refresh (account, now_seconds ());
  set_granted_scopes (self, account, link->tokens);
  lanyard_account_set_attention (account, NULL);
  lanyard_account_set_available (account, TRUE);
  lanyard_account_set_identity_only (account, FALSE);
  g_object_thaw_notify (G_OBJECT (account));
  save_accounts_or_log (self);

  key = lanyard_account_dup_key (account);
  g_hash_table_remove (self->renewed_at, key);
  forget_token (self, key);
  lanyard_refresh_scheduler_schedule (self->scheduler, key, expires_at);
  g_message ("Linked %s", key);
  g_task_return_pointer (task, g_object_ref (account), g_object_unref);
}

static void
identity_only_dropped_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lanyard_token_store_delete_finish (LANYARD_TOKEN_STORE (object), result, &error) &&
      !g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND))
    g_message ("Dropping the tokens of an identity-only account failed: %s", error->message);
}

/* An identity-only link (store_tokens=false): the account from the
 * sign-in's answer, no token anywhere, nothing to renew. */
static void
link_identity_only (GTask *task)
{
  LanyardAccountManager *self = g_task_get_source_object (task);
  Link                  *link = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  LanyardAccount  *account;

  if (!check_writable (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  account = lanyard_account_store_link (self->store, link->identity, now_seconds (), NULL);
  g_object_freeze_notify (G_OBJECT (account));
  lanyard_account_set_identity_only (account, TRUE);
  lanyard_account_set_expires_at (account, 0);
  lanyard_account_set_last_refresh (account, now_seconds ());
  set_granted_scopes (self, account, link->tokens);
  lanyard_account_set_attention (account, NULL);
  lanyard_account_set_available (account, TRUE);
  g_object_thaw_notify (G_OBJECT (account));
  save_accounts_or_log (self);

  key = lanyard_account_dup_key (account);
  forget_token (self, key);
  lanyard_refresh_scheduler_remove (self->scheduler, key);
  /* Linked with tokens before: those go too. */
  lanyard_token_store_delete_async (self->tokens, lanyard_account_get_provider_id (account),
                                    lanyard_account_get_account_id (account), NULL, identity_only_dropped_cb, NULL);
  g_message ("Linked %s for its identity only", key);
  g_task_return_pointer (task, g_object_ref (account), g_object_unref);
  g_object_unref (task);
}

static void
identity_only_revoked_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The token is never kept, revoked or not: the person is told nothing
   * more, the log says it. */
  if (!lanyard_provider_revoke_finish (LANYARD_PROVIDER (object), result, &error))
    g_message ("Revoking the token of an identity-only sign-in failed: %s", error->message);
  link_identity_only (user_data);
}

void
lanyard_account_manager_link_async (LanyardAccountManager *self,
                                    LanyardIdentity       *identity,
                                    LanyardTokenSet       *tokens,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  Link            *link;
  LanyardProvider *provider;

  g_return_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (LANYARD_IS_IDENTITY (identity));
  g_return_if_fail (LANYARD_IS_TOKEN_SET (tokens));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_account_manager_link_async);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!check_writable (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  link = g_new0 (Link, 1);
  link->identity = g_object_ref (identity);
  link->tokens = g_object_ref (tokens);
  g_task_set_task_data (task, link, (GDestroyNotify) link_free);

  provider = lanyard_provider_registry_lookup (self->registry, lanyard_identity_get_provider_id (identity));
  if (provider != NULL && !lanyard_provider_get_store_tokens (provider))
    {
      /* Revoked first, where the provider can: once linked, nobody holds
       * the token that could. */
      if (lanyard_provider_can_revoke (provider))
        lanyard_provider_revoke_async (provider, tokens, NULL, identity_only_revoked_cb, g_steal_pointer (&task));
      else
        link_identity_only (g_steal_pointer (&task));
      return;
    }

  label = token_label (self, lanyard_identity_get_provider_id (identity), lanyard_identity_get_account_id (identity),
                       lanyard_identity_get_username (identity));
  lanyard_token_store_save_async (self->tokens, lanyard_identity_get_provider_id (identity),
                                  lanyard_identity_get_account_id (identity), label, tokens, cancellable,
                                  link_stored_cb, g_steal_pointer (&task));
}

LanyardAccount *
lanyard_account_manager_link_finish (LanyardAccountManager *self,
                                     GAsyncResult          *result,
                                     GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_account_manager_link_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Unlinking, one step after the other: load the tokens, revoke them at
 * the provider, delete them from the keyring, forget the account. */

typedef enum
{
  UNLINK_LOAD,
  UNLINK_REVOKE,
  UNLINK_DELETE,
  UNLINK_FORGET,
} UnlinkStep;

typedef struct
{
  LanyardAccountManager *manager;
  LanyardAccount        *account;
  char                  *key;
  LanyardTokenSet       *tokens;
  UnlinkStep             step;
  gboolean               revoked;
  char                  *message;
} Unlink;

typedef struct
{
  gboolean revoked;
  char    *message;
} UnlinkResult;

static void
unlink_free (Unlink *unlink)
{
  g_hash_table_remove (unlink->manager->unlinking, unlink->key);
  g_object_unref (unlink->manager);
  g_free (unlink->key);
  g_clear_object (&unlink->account);
  g_clear_object (&unlink->tokens);
  g_free (unlink->message);
  g_free (unlink);
}

static void
unlink_result_free (UnlinkResult *result)
{
  g_free (result->message);
  g_free (result);
}

static void unlink_step (GTask *task);

static void
unlink_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Unlink *unlink = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_assert (unlink->step == UNLINK_LOAD);

  unlink->tokens = lanyard_token_store_load_finish (LANYARD_TOKEN_STORE (object), result, &error);
  if (unlink->tokens == NULL && !g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND))
    {
      /* Locked or gone: keep everything, say why. */
      update_available (unlink->manager, unlink->account, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  update_available (unlink->manager, unlink->account, NULL);

  if (unlink->tokens == NULL)
    {
      unlink->message = g_strdup ("No token was stored; nothing to revoke.");
      unlink->step = UNLINK_DELETE;
    }
  else
    unlink->step = UNLINK_REVOKE;
  unlink_step (g_steal_pointer (&task));
}

static void
unlink_revoked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Unlink *unlink = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_assert (unlink->step == UNLINK_REVOKE);

  unlink->revoked = lanyard_provider_revoke_finish (LANYARD_PROVIDER (object), result, &error);
  if (!unlink->revoked)
    {
      /* The person asked to disconnect: forget locally all the same, and
       * say what could not be done at the provider. */
      unlink->message = g_strconcat (error->message, " The account was forgotten here anyway.", NULL);
      g_message ("Revocation failed: %s", error->message);
    }

  unlink->step = UNLINK_DELETE;
  unlink_step (g_steal_pointer (&task));
}

static void
unlink_deleted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Unlink *unlink = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_assert (unlink->step == UNLINK_DELETE);

  /* A token that cannot be deleted (keyring locked) keeps the account: it
   * would otherwise stay in the keyring with nothing pointing at it. */
  if (!lanyard_token_store_delete_finish (LANYARD_TOKEN_STORE (object), result, &error))
    {
      update_available (unlink->manager, unlink->account, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  unlink->step = UNLINK_FORGET;
  unlink_step (g_steal_pointer (&task));
}

static void
unlink_step (GTask *task)
{
  LanyardAccountManager *self = g_task_get_source_object (task);
  Unlink                *unlink = g_task_get_task_data (task);
  LanyardAccount        *account = unlink->account;
  const char            *provider_id = lanyard_account_get_provider_id (account);
  const char            *account_id = lanyard_account_get_account_id (account);

  switch (unlink->step)
    {
    case UNLINK_LOAD:
      g_assert (unlink->tokens == NULL);
      lanyard_token_store_load_async (self->tokens, provider_id, account_id, g_task_get_cancellable (task),
                                      unlink_loaded_cb, task);
      break;

    case UNLINK_REVOKE:
      {
        LanyardProvider *provider = lanyard_provider_registry_lookup (self->registry, provider_id);

        g_assert (unlink->tokens != NULL);
        /* Past this point the account goes, whatever the caller's
         * cancellable says: half an unlink helps nobody. */
        if (provider == NULL)
          {
            unlink->message = g_strdup_printf (_ ("The provider “%s” is no longer configured, so Lanyard's access could not be revoked and may still be valid there. "
                                                  "The account was forgotten here anyway."),
                                               provider_id);
            unlink->step = UNLINK_DELETE;
            unlink_step (task);
            break;
          }
        lanyard_provider_revoke_async (provider, unlink->tokens, NULL, unlink_revoked_cb, task);
        break;
      }

    case UNLINK_DELETE:
      lanyard_token_store_delete_async (self->tokens, provider_id, account_id, NULL, unlink_deleted_cb, task);
      break;

    case UNLINK_FORGET:
      {
        UnlinkResult    *result = g_new0 (UnlinkResult, 1);
        g_autofree char *key = lanyard_account_dup_key (account);

        lanyard_account_store_remove (self->store, account);
        save_accounts_or_log (self);
        g_message ("Unlinked %s", key);

        result->revoked = unlink->revoked;
        result->message = g_steal_pointer (&unlink->message);
        g_task_return_pointer (task, result, (GDestroyNotify) unlink_result_free);
        g_object_unref (task);
        break;
      }

    default:
      g_assert_not_reached ();
    }
}

void
lanyard_account_manager_unlink_async (LanyardAccountManager *self,
                                      LanyardAccount        *account,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  Unlink          *unlink;

  g_return_if_fail (LANYARD_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (LANYARD_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_account_manager_unlink_async);
  /* Once revoked, the account is forgotten even if the caller gave up. */
  g_task_set_check_cancellable (task, FALSE);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!is_ours (self, account))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND, _ ("This account is no longer linked"));
      return;
    }
  if (!check_writable (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  key = lanyard_account_dup_key (account);
  if (g_hash_table_contains (self->unlinking, key))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_FAILED, _ ("This account is already being disconnected"));
      return;
    }

  g_hash_table_add (self->unlinking, g_strdup (key));
  forget_token (self, key);
  unlink = g_new0 (Unlink, 1);
  unlink->manager = g_object_ref (self);
  unlink->key = g_steal_pointer (&key);
  unlink->account = g_object_ref (account);
  unlink->step = UNLINK_LOAD;
  g_task_set_task_data (task, unlink, (GDestroyNotify) unlink_free);
  unlink_step (g_steal_pointer (&task));
}

gboolean
lanyard_account_manager_unlink_finish (LanyardAccountManager *self,
                                       GAsyncResult          *result,
                                       gboolean              *revoked,
                                       char                 **message,
                                       GError               **error)
{
  UnlinkResult *outcome;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_account_manager_unlink_async, FALSE);

  outcome = g_task_propagate_pointer (G_TASK (result), error);
  if (outcome == NULL)
    return FALSE;
  if (revoked != NULL)
    *revoked = outcome->revoked;
  if (message != NULL)
    *message = g_steal_pointer (&outcome->message);
  unlink_result_free (outcome);
  return TRUE;
}
