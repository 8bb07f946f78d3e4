/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lanyard-account.h"
#include "lanyard-identity.h"
#include "lanyard-provider-registry.h"
#include "lanyard-token-set.h"

G_BEGIN_DECLS

/**
 * LANYARD_ACCOUNT_MANAGER_FRESH_MARGIN_SECONDS:
 *
 * How long before its expiry a token counts as expired for a caller: a
 * token handed out lives at least this long.
 */
#define LANYARD_ACCOUNT_MANAGER_FRESH_MARGIN_SECONDS 60

/**
 * LANYARD_ACCOUNT_MANAGER_CHECK_INTERVAL_SECONDS:
 *
 * How often at most lanyard_account_manager_check_credentials_async()
 * asks the provider about one account; checks in between get the last
 * answer.
 */
#define LANYARD_ACCOUNT_MANAGER_CHECK_INTERVAL_SECONDS 60

/**
 * LanyardAccountManager:
 *
 * The linked accounts and their tokens, without D-Bus: the accounts file
 * (#LanyardAccountStore), the tokens in the Secret Service
 * (#LanyardTokenStore), the refresh scheduler, and one load or refresh
 * per account at a time, shared by everyone who asks meanwhile.
 *
 * #LanyardAccount is the handle for an account everywhere above this;
 * the `provider:account-id` string exists only where people or the bus
 * name an account, and is read with lanyard_account_key_parse() (or
 * lanyard_account_manager_lookup_key()).
 *
 * Nothing reads the keyring at lanyard_account_manager_load(): tokens are
 * loaded when asked for or when a refresh is due.
 *
 * Errors are %LANYARD_ERROR codes (or %G_IO_ERROR_CANCELLED) with messages
 * a person can act on; no token ever appears in one.
 *
 * Signals (all on the main context, after the change is made):
 *
 * - `account-added (LanyardAccount *account)`: a new account was linked,
 *   or read by lanyard_account_manager_load().
 * - `account-removed (LanyardAccount *account)`: the account was
 *   forgotten; it is no longer in lanyard_account_manager_get_accounts().
 * - `account-changed (LanyardAccount *account, GParamSpec *pspec)`: any
 *   property of the account changed (#GObject::notify forwarded, including
 *   #LanyardAccount:needs-attention, #LanyardAccount:attention-reason and
 *   #LanyardAccount:available). Bindings to the account's own properties
 *   (g_object_bind_property()) need no signal.
 * - `current-changed (LanyardAccount *current)`: what
 *   lanyard_account_manager_get_current() describes may have changed:
 *   another account (or none, %NULL) is current, or a property of the
 *   current account changed.
 */
#define LANYARD_TYPE_ACCOUNT_MANAGER (lanyard_account_manager_get_type ())
G_DECLARE_FINAL_TYPE (LanyardAccountManager, lanyard_account_manager, LANYARD, ACCOUNT_MANAGER, GObject)

/**
 * lanyard_account_manager_new:
 * @registry: the configured providers
 * @accounts_path: the accounts file (read by lanyard_account_manager_load())
 * @monitor: (nullable): pauses scheduled refreshes while offline; %NULL
 *   where "offline" says nothing (providers on loopback, tests)
 *
 * Returns: (transfer full): a manager with no accounts until
 *   lanyard_account_manager_load()
 */
LanyardAccountManager *lanyard_account_manager_new (LanyardProviderRegistry *registry,
                                                    const char              *accounts_path,
                                                    GNetworkMonitor         *monitor);

/**
 * lanyard_account_manager_set_refresh_timing:
 * @margin_seconds: refresh this long before expiry (default 300)
 * @backoff_seconds: first wait after a failed refresh, doubled each time
 *   (default 30)
 * @max_running: refreshes at once (default 3)
 *
 * Tuning for tests and the benchmark; see lanyard_refresh_scheduler_set_timing().
 */
void lanyard_account_manager_set_refresh_timing (LanyardAccountManager *self,
                                                 guint                  margin_seconds,
                                                 guint                  backoff_seconds,
                                                 guint                  max_running);

/**
 * lanyard_account_manager_load:
 *
 * Reads the accounts file (never the keyring) and arms the refresh timer
 * from the stored expiry times. Emits #LanyardAccountManager::account-added
 * for each account, then #LanyardAccountManager::current-changed. A damaged
 * file is moved aside (see lanyard_account_manager_get_problem()); this
 * fails only when the file can neither be read nor moved aside.
 *
 * Returns: whether the accounts could be read
 */
gboolean lanyard_account_manager_load (LanyardAccountManager *self,
                                       GError               **error);

/**
 * lanyard_account_manager_recheck:
 *
 * The wall clock moved (resume from suspend): refresh what is due now.
 */
void lanyard_account_manager_recheck (LanyardAccountManager *self);

/**
 * lanyard_account_manager_get_registry:
 *
 * Returns: (transfer none): the providers
 */
LanyardProviderRegistry *lanyard_account_manager_get_registry (LanyardAccountManager *self);

/**
 * lanyard_account_manager_get_problem:
 *
 * Returns: (nullable): what went wrong with the accounts file at load
 *   (moved aside, written by a newer version), for the person; %NULL when
 *   nothing did
 */
const char *lanyard_account_manager_get_problem (LanyardAccountManager *self);

/**
 * lanyard_account_manager_is_read_only:
 *
 * A newer Lanyard wrote the accounts file: linking, unlinking and choosing
 * the primary account fail with lanyard_account_manager_get_problem() as
 * the message. Refuse to start a sign-in when this is %TRUE.
 */
gboolean lanyard_account_manager_is_read_only (LanyardAccountManager *self);

/**
 * lanyard_account_manager_get_provider_name:
 * @provider_id: a provider id, configured or not
 *
 * Returns: (transfer none): what people call the provider: its display
 *   name, or @provider_id when it is no longer configured
 */
const char *lanyard_account_manager_get_provider_name (LanyardAccountManager *self,
                                                       const char            *provider_id);

/**
 * lanyard_account_manager_get_accounts:
 *
 * Returns: (transfer none) (element-type LanyardAccount): the linked
 *   accounts in linking order; do not modify
 */
GPtrArray *lanyard_account_manager_get_accounts (LanyardAccountManager *self);

/**
 * lanyard_account_manager_get_current:
 *
 * The current identity: the primary account; when none is primary, the
 * account linked first (the oldest linked-at, then the first in the
 * file), as docs/dbus-api.md says.
 *
 * Returns: (transfer none) (nullable): the current account, or %NULL when
 *   none is linked
 */
LanyardAccount *lanyard_account_manager_get_current (LanyardAccountManager *self);

/**
 * lanyard_account_manager_lookup:
 *
 * Returns: (transfer none) (nullable): the linked account, or %NULL
 */
LanyardAccount *lanyard_account_manager_lookup (LanyardAccountManager *self,
                                                const char            *provider_id,
                                                const char            *account_id);

/**
 * lanyard_account_manager_lookup_key:
 * @key: `provider:account-id`, as a caller wrote it (any length, any bytes)
 *
 * lanyard_account_key_parse(), then lanyard_account_manager_lookup(). A key
 * that cannot be parsed, and a well-formed key of no linked account, are
 * both %LANYARD_ERROR_NOT_FOUND; the message repeats the key only when it
 * parsed (so it is short and valid UTF-8).
 *
 * Returns: (transfer none) (nullable): the account, or %NULL with @error set
 */
LanyardAccount *lanyard_account_manager_lookup_key (LanyardAccountManager *self,
                                                    const char            *key,
                                                    GError               **error);

/**
 * lanyard_account_manager_set_primary:
 * @account: (nullable): the new primary account (one of this manager's),
 *   or %NULL for none
 *
 * Makes @account the primary one and writes the accounts file. Emits
 * #LanyardAccountManager::account-changed for each account whose
 * #LanyardAccount:primary changed, and
 * #LanyardAccountManager::current-changed when the current identity is
 * another account now.
 *
 * Returns: whether the accounts file was written (the change stands in
 *   memory either way)
 */
gboolean lanyard_account_manager_set_primary (LanyardAccountManager *self,
                                              LanyardAccount        *account,
                                              GError               **error);

/**
 * lanyard_account_manager_get_tokens_async:
 * @account: one of this manager's accounts
 * @force_refresh: refresh even when the token is still fresh
 * @cancellable: (nullable): gives up waiting (the call ends at once with
 *   %G_IO_ERROR_CANCELLED); a load or refresh already under way goes on
 *   for the others waiting, and new tokens are kept
 * @callback: (scope async):
 *
 * The account's tokens from the keyring, refreshed at the provider when
 * they expire within %LANYARD_ACCOUNT_MANAGER_FRESH_MARGIN_SECONDS.
 * Calls that arrive while a load or refresh of the same account runs
 * wait for it: 50 concurrent calls mean one request to the provider.
 * Rotated tokens are in the keyring before anyone gets them.
 *
 * On `invalid_grant` the account needs attention (#LanyardAccount:attention-reason
 * says why) and nothing is deleted. When the keyring is locked or gone
 * the account is unavailable (#LanyardAccount:available) until the next
 * call that reaches the keyring; nothing is lost.
 */
void lanyard_account_manager_get_tokens_async (LanyardAccountManager *self,
                                               LanyardAccount        *account,
                                               gboolean               force_refresh,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);

/**
 * lanyard_account_manager_get_tokens_finish:
 *
 * Returns: (transfer full): the tokens, or %NULL with @error set
 */
LanyardTokenSet *lanyard_account_manager_get_tokens_finish (LanyardAccountManager *self,
                                                            GAsyncResult          *result,
                                                            GError               **error);

/**
 * lanyard_account_manager_get_access_token_async:
 * @account: one of this manager's accounts
 * @cancellable: (nullable):
 * @callback: (scope async):
 *
 * lanyard_account_manager_get_tokens_async() without forcing, for
 * `GetAccessToken`: only the access token and its expiry. A fresh token
 * handed out before comes from memory, without a keyring round trip (see
 * "Access tokens from memory" in lanyard-account-manager.c for when the
 * copy is wiped).
 */
void lanyard_account_manager_get_access_token_async (LanyardAccountManager *self,
                                                     LanyardAccount        *account,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);

/**
 * lanyard_account_manager_get_access_token_finish:
 * @expires_at: (out) (optional): wall-clock seconds, 0 when unknown
 *
 * Returns: (transfer full): the access token (a secret: never log it), or
 *   %NULL with @error set
 */
char *lanyard_account_manager_get_access_token_finish (LanyardAccountManager *self,
                                                       GAsyncResult          *result,
                                                       gint64                *expires_at,
                                                       GError               **error);

/**
 * lanyard_account_manager_get_n_cached_tokens:
 *
 * Returns: how many access tokens are held in memory, to be handed out
 *   without a keyring round trip while fresh (for tests and the benchmark)
 */
guint lanyard_account_manager_get_n_cached_tokens (LanyardAccountManager *self);

/**
 * lanyard_account_manager_ensure_credentials_async:
 * @account: one of this manager's accounts
 * @cancellable: (nullable):
 * @callback: (scope async):
 *
 * Makes sure the account has a token that works for a while (refreshing
 * it if needed), revealing none, for `EnsureCredentials`.
 */
void lanyard_account_manager_ensure_credentials_async (LanyardAccountManager *self,
                                                       LanyardAccount        *account,
                                                       GCancellable          *cancellable,
                                                       GAsyncReadyCallback    callback,
                                                       gpointer               user_data);

/**
 * lanyard_account_manager_ensure_credentials_finish:
 *
 * Returns: %TRUE when the account has a fresh token
 */
gboolean lanyard_account_manager_ensure_credentials_finish (LanyardAccountManager *self,
                                                            GAsyncResult          *result,
                                                            GError               **error);

/**
 * lanyard_account_manager_check_credentials_async:
 * @account: one of this manager's accounts
 * @cancellable: (nullable): unused, for the shape (a check under way goes
 *   on for the others waiting)
 * @callback: (scope async):
 *
 * A program says the account's access token was refused (git's `erase`):
 * asks the provider's userinfo endpoint whether it accepts the token.
 * When it refuses (HTTP 401), the tokens are renewed once, where there is
 * a refresh token, and the provider asked again; when it still refuses,
 * or the renewal is refused, the account needs attention, with the
 * provider's refusal as the reason. Nothing is deleted. An account that
 * needs attention already is answered at once, without asking. At most
 * one check per account per %LANYARD_ACCOUNT_MANAGER_CHECK_INTERVAL_SECONDS
 * reaches the provider; checks in between, and those that arrive while
 * one runs, get its answer.
 */
void lanyard_account_manager_check_credentials_async (LanyardAccountManager *self,
                                                      LanyardAccount        *account,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);

/**
 * lanyard_account_manager_check_credentials_finish:
 * @accepted: (out) (optional): whether the provider accepts the account's
 *   (possibly renewed) token; %FALSE when the account needs attention
 *
 * Returns: %TRUE when the provider answered (accepting or refusing);
 *   %FALSE with @error set when it could not be asked (network, HTTP 5xx,
 *   the keyring), in which case nothing was marked
 */
gboolean lanyard_account_manager_check_credentials_finish (LanyardAccountManager *self,
                                                           GAsyncResult          *result,
                                                           gboolean              *accepted,
                                                           GError               **error);

/**
 * lanyard_account_manager_link_async:
 * @identity: who signed in (from lanyard_flow_get_identity())
 * @tokens: what the sign-in got (from lanyard_flow_get_tokens())
 * @cancellable: (nullable): stops before the tokens are stored
 * @callback: (scope async):
 *
 * Links the account a sign-in produced: the tokens go to the keyring
 * first, then the account to the accounts file (no keyring, no account:
 * an account without its tokens would be a lie). The same (provider,
 * account id) linked again is updated, never duplicated, and no longer
 * needs attention. Schedules the refresh. Emits
 * #LanyardAccountManager::account-added for a new account,
 * #LanyardAccountManager::account-changed for an updated one, and
 * #LanyardAccountManager::current-changed when the current identity is
 * another account or was updated. Fails when the accounts file is
 * read-only or the keyring cannot store the tokens.
 */
void lanyard_account_manager_link_async (LanyardAccountManager *self,
                                         LanyardIdentity       *identity,
                                         LanyardTokenSet       *tokens,
                                         GCancellable          *cancellable,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data);

/**
 * lanyard_account_manager_link_finish:
 *
 * Returns: (transfer full): the linked account, or %NULL with @error set
 */
LanyardAccount *lanyard_account_manager_link_finish (LanyardAccountManager *self,
                                                     GAsyncResult          *result,
                                                     GError               **error);

/**
 * lanyard_account_manager_unlink_async:
 * @account: one of this manager's accounts
 * @cancellable: (nullable): stops before anything is revoked
 * @callback: (scope async):
 *
 * Disconnects the account: loads its tokens, revokes them at the provider
 * when it can, deletes them from the keyring, then forgets the account
 * (#LanyardAccountManager::account-removed, and
 * #LanyardAccountManager::current-changed when it was the current one).
 * A revocation that fails does not stop the rest: the person asked to
 * disconnect, and lanyard_account_manager_unlink_finish() says what could
 * not be done. When the keyring cannot load or delete the tokens (locked,
 * gone), the account is kept, so that the tokens are not left in the
 * keyring with nothing pointing at them, and the call fails.
 */
void lanyard_account_manager_unlink_async (LanyardAccountManager *self,
                                           LanyardAccount        *account,
                                           GCancellable          *cancellable,
                                           GAsyncReadyCallback    callback,
                                           gpointer               user_data);

/**
 * lanyard_account_manager_unlink_finish:
 * @revoked: (out) (optional): whether the provider revoked the token
 * @message: (out) (optional) (transfer full) (nullable): when not
 *   revoked, why, for the person; %NULL when revoked
 *
 * Returns: %TRUE when the account was forgotten (revoked or not)
 */
gboolean lanyard_account_manager_unlink_finish (LanyardAccountManager *self,
                                                GAsyncResult          *result,
                                                gboolean              *revoked,
                                                char                 **message,
                                                GError               **error);

G_END_DECLS
