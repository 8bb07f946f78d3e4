/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-service-private.h"

#include "lanyard-dbus-errors.h"
#include "lanyard-error.h"

#include <string.h>

/* Accounts on the bus, their tokens, and refreshing them. */

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

char *
_lanyard_service_account_path (LanyardAccount *account)
{
  g_autofree char *key = lanyard_account_dup_key (account);
  g_autofree char *escaped = g_dbus_escape_object_path (key);

  return g_strconcat (LANYARD_DAEMON_ROOT_PATH "/Accounts/", escaped, NULL);
}

char *
_lanyard_service_token_label (LanyardService  *self,
                              LanyardIdentity *identity)
{
  const char *who = lanyard_identity_get_username (identity);

  if (who == NULL)
    who = lanyard_identity_get_account_id (identity);
  return g_strdup_printf ("Lanyard: %s (%s)", _lanyard_service_provider_name (self, lanyard_identity_get_provider_id (identity)),
                          who);
}

/* What people call a provider: its display name, or its id when it is no
 * longer configured. */
const char *
_lanyard_service_provider_name (LanyardService *self,
                                const char     *provider_id)
{
  LanyardProvider *provider = lanyard_provider_registry_lookup (self->registry, provider_id);

  return provider != NULL ? lanyard_provider_get_display_name (provider) : provider_id;
}

static void
set_available (LanyardService *self,
               LanyardAccount *account,
               const GError   *error)
{
  g_autofree char *key = lanyard_account_dup_key (account);
  gboolean         keyring_trouble = g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_LOCKED) ||
    g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_UNAVAILABLE);
  gboolean changed;

  if (keyring_trouble)
    changed = g_hash_table_add (self->unavailable, g_steal_pointer (&key));
  else
    changed = g_hash_table_remove (self->unavailable, key);

  if (changed)
    _lanyard_service_account_changed (self, account);
}

typedef struct
{
  LanyardService        *service;
  LanyardAccount        *account;
  GDBusMethodInvocation *invocation;
  LanyardTokenSet       *tokens;
  gboolean               revoked;
  char                  *revoke_message;
} Call;

static Call *
call_new (LanyardService        *service,
          LanyardAccount        *account,
          GDBusMethodInvocation *invocation)
{
  Call *call = g_new0 (Call, 1);

  call->service = g_object_ref (service);
  call->account = g_object_ref (account);
  call->invocation = invocation != NULL ? g_object_ref (invocation) : NULL;
  return call;
}

static void
call_free (Call *call)
{
  g_object_unref (call->service);
  g_object_unref (call->account);
  g_clear_object (&call->invocation);
  g_clear_object (&call->tokens);
  g_free (call->revoke_message);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static void
access_token_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GError) error = NULL;

  tokens = _lanyard_service_get_tokens_finish (call->service, result, &error);
  if (tokens == NULL)
    {
      lanyard_dbus_errors_return (call->invocation, error);
      return;
    }

  g_dbus_method_invocation_return_value (call->invocation,
                                         g_variant_new ("(sx)", lanyard_token_set_get_access_token (tokens),
                                                        lanyard_token_set_get_expires_at (tokens)));
}

/* The access policy has let the caller in (lanyard-policy.c). */
static void
handle_get_access_token (LanyardService        *self,
                         LanyardAccount        *account,
                         GDBusMethodInvocation *invocation)
{
  _lanyard_service_get_tokens_async (self, account, FALSE, NULL, access_token_cb, call_new (self, account, invocation));
}

static void
ensure_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GError) error = NULL;

  tokens = _lanyard_service_get_tokens_finish (call->service, result, &error);
  if (tokens == NULL)
    lanyard_dbus_errors_return (call->invocation, error);
  else
    g_dbus_method_invocation_return_value (call->invocation, NULL);
}

static void
handle_ensure_credentials (LanyardService        *self,
                           LanyardAccount        *account,
                           GDBusMethodInvocation *invocation)
{
  _lanyard_service_get_tokens_async (self, account, FALSE, NULL, ensure_cb, call_new (self, account, invocation));
}

static void
forget (Call *call)
{
  LanyardService  *self = call->service;
  g_autofree char *key = lanyard_account_dup_key (call->account);
  g_autoptr(GError) error = NULL;

  lanyard_refresh_scheduler_remove (self->scheduler, key);
  _lanyard_service_unexport_account (self, call->account);
  lanyard_account_store_remove (self->accounts, call->account);
  if (!_lanyard_service_save_accounts (self, &error))
    g_message ("The accounts file could not be written: %s", error->message);

  g_dbus_method_invocation_return_value (call->invocation,
                                         g_variant_new ("(bs)", call->revoked, call->revoke_message ?: ""));
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;

  /* A token that cannot be deleted (keyring locked) keeps the account: it
   * would otherwise stay in the keyring with nothing pointing at it. */
  if (!lanyard_token_store_delete_finish (LANYARD_TOKEN_STORE (object), result, &error))
    {
      lanyard_dbus_errors_return (call->invocation, error);
      return;
    }

  forget (call);
}

static void
delete_tokens (Call *call)
{
  lanyard_token_store_delete_async (call->service->tokens, lanyard_account_get_provider_id (call->account),
                                    lanyard_account_get_account_id (call->account), NULL, delete_cb, call);
}

static void
revoke_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;

  call->revoked = lanyard_provider_revoke_finish (LANYARD_PROVIDER (object), result, &error);
  if (!call->revoked)
    {
      /* The person asked to disconnect: forget locally all the same, and
       * say what could not be done at the provider. */
      call->revoke_message = g_strdup (error->message);
      g_message ("Revocation failed: %s", error->message);
    }

  delete_tokens (call);
}

static void
unlink_tokens_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  LanyardProvider *provider;

  call->tokens = lanyard_token_store_load_finish (LANYARD_TOKEN_STORE (object), result, &error);
  if (call->tokens == NULL && !g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND))
    {
      set_available (call->service, call->account, error);
      lanyard_dbus_errors_return (call->invocation, error);
      call_free (call);
      return;
    }

  provider = lanyard_provider_registry_lookup (call->service->registry, lanyard_account_get_provider_id (call->account));
  if (call->tokens == NULL || provider == NULL)
    {
      call->revoke_message = g_strdup (provider == NULL
                                         ? "The provider is no longer configured; the token was forgotten but not revoked."
                                         : "No token was stored; nothing to revoke.");
      delete_tokens (call);
      return;
    }

  lanyard_provider_revoke_async (provider, call->tokens, NULL, revoke_cb, call);
}

static void
handle_unlink (LanyardService        *self,
               LanyardAccount        *account,
               GDBusMethodInvocation *invocation)
{
  Call *call = call_new (self, account, invocation);

  if (lanyard_account_store_is_read_only (call->service->accounts))
    {
      lanyard_dbus_errors_return (invocation, &(GError){ LANYARD_ERROR, LANYARD_ERROR_FAILED, (char *) lanyard_account_store_get_problem (call->service->accounts) });
      call_free (call);
      return;
    }

  /* Revoke first (it needs the token), then forget. */
  lanyard_token_store_load_async (call->service->tokens, lanyard_account_get_provider_id (call->account),
                                  lanyard_account_get_account_id (call->account), NULL, unlink_tokens_cb, call);
}

void
_lanyard_service_account_method (LanyardService        *self,
                                 LanyardAccount        *account,
                                 const char            *method,
                                 GDBusMethodInvocation *invocation)
{
  if (g_str_equal (method, "GetAccessToken"))
    handle_get_access_token (self, account, invocation);
  else if (g_str_equal (method, "EnsureCredentials"))
    handle_ensure_credentials (self, account, invocation);
  else if (g_str_equal (method, "Unlink"))
    handle_unlink (self, account, invocation);
  else
    g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.DBus.Error.UnknownMethod", method);
}

/* Getting tokens, refreshing when needed; one refresh per account at a
 * time, shared by every caller who asks meanwhile. */

typedef struct
{
  LanyardAccount  *account;
  LanyardProvider *provider;
  char            *key;
  LanyardTokenSet *refreshed;
  gboolean         force;
} TokenRequest;

static void
token_request_free (TokenRequest *request)
{
  g_clear_object (&request->account);
  g_clear_object (&request->provider);
  g_free (request->key);
  g_clear_object (&request->refreshed);
  g_free (request);
}

static void
finish_waiters (LanyardService  *self,
                const char      *key,
                LanyardTokenSet *tokens,
                const GError    *error)
{
  g_autoptr(GPtrArray) waiting = NULL;
  gpointer stolen_key = NULL;

  if (!g_hash_table_steal_extended (self->refreshes, key, &stolen_key, (gpointer *) &waiting))
    return;
  g_free (stolen_key);

  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (tokens != NULL)
        g_task_return_pointer (task, g_object_ref (tokens), g_object_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

static void
stored_refreshed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardService *self = g_task_get_source_object (task);
  TokenRequest   *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gint64 expires_at = lanyard_token_set_get_expires_at (request->refreshed);

  /* Rotation: the new pair is in the keyring before anyone uses it. If it
   * cannot be stored, it is not handed out; the old refresh token may
   * already be dead, so the account will want a sign-in. */
  if (!lanyard_token_store_save_finish (LANYARD_TOKEN_STORE (object), result, &error))
    {
      set_available (self, request->account, error);
      finish_waiters (self, request->key, NULL, error);
      return;
    }

  set_available (self, request->account, NULL);
  lanyard_account_set_expires_at (request->account, expires_at);
  lanyard_account_set_last_refresh (request->account, now_seconds ());
  lanyard_account_set_attention (request->account, NULL);
  if (!_lanyard_service_save_accounts (self, &error))
    g_message ("The accounts file could not be written: %s", error->message);

  lanyard_refresh_scheduler_report (self->scheduler, request->key, LANYARD_REFRESH_SUCCEEDED, expires_at);
  finish_waiters (self, request->key, request->refreshed, NULL);
}

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardService *self = g_task_get_source_object (task);
  TokenRequest   *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autoptr(LanyardIdentity) identity = NULL;

  request->refreshed = lanyard_provider_refresh_finish (LANYARD_PROVIDER (object), result, &error);
  if (request->refreshed == NULL)
    {
      if (g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT))
        {
          /* Nothing is deleted: the person signs in again and the same
           * account comes back. */
          lanyard_account_set_attention (request->account, error->message);
          lanyard_refresh_scheduler_report (self->scheduler, request->key, LANYARD_REFRESH_NEEDS_ATTENTION, 0);
          _lanyard_service_save_accounts (self, NULL);
        }
      finish_waiters (self, request->key, NULL, error);
      return;
    }

  identity = lanyard_identity_new (lanyard_account_get_provider_id (request->account),
                                   lanyard_account_get_account_id (request->account),
                                   lanyard_account_get_username (request->account), NULL, NULL, NULL);
  label = _lanyard_service_token_label (self, identity);
  lanyard_token_store_save_async (self->tokens, lanyard_account_get_provider_id (request->account),
                                  lanyard_account_get_account_id (request->account), label, request->refreshed,
                                  NULL, stored_refreshed_cb, g_object_ref (task));
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardService *self = g_task_get_source_object (task);
  TokenRequest   *request = g_task_get_task_data (task);
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GError) error = NULL;

  tokens = lanyard_token_store_load_finish (LANYARD_TOKEN_STORE (object), result, &error);
  if (tokens == NULL)
    {
      set_available (self, request->account, error);
      if (g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND))
        lanyard_account_set_attention (request->account, error->message);
      finish_waiters (self, request->key, NULL, error);
      return;
    }
  set_available (self, request->account, NULL);

  if (!request->force && !lanyard_token_set_is_expired (tokens, now_seconds (), LANYARD_TOKEN_FRESH_MARGIN_SECONDS))
    {
      finish_waiters (self, request->key, tokens, NULL);
      return;
    }

  if (request->provider == NULL)
    {
      g_autoptr(GError) gone = g_error_new (LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                                             "The provider “%s” is no longer configured, so this account's token cannot be renewed. "
                                             "Configure it again; the account and its tokens were kept.",
                                             lanyard_account_get_provider_id (request->account));
      finish_waiters (self, request->key, NULL, gone);
      return;
    }

  g_debug ("Refreshing the tokens of %s", request->key);
  lanyard_provider_refresh_async (request->provider, tokens, NULL, refreshed_cb, g_object_ref (task));
}

static void
waiter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  /* The shared worker task has no caller of its own. */
}

/**
 * _lanyard_service_get_tokens_async:
 * @force_refresh: refresh even when the token is still fresh (the
 *   scheduler's call)
 *
 * The account's tokens, refreshed when they expire within a minute. Calls
 * that arrive while a load or refresh runs wait for it: 50 concurrent
 * calls mean one request to the provider.
 */
void
_lanyard_service_get_tokens_async (LanyardService     *self,
                                   LanyardAccount     *account,
                                   gboolean            force_refresh,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autofree char *key = lanyard_account_dup_key (account);
  GTask           *caller = g_task_new (self, cancellable, callback, user_data);
  GPtrArray       *waiting = g_hash_table_lookup (self->refreshes, key);
  g_autoptr(GTask) worker = NULL;
  TokenRequest    *request;
  LanyardProvider *provider;

  g_task_set_source_tag (caller, _lanyard_service_get_tokens_async);

  if (waiting != NULL)
    {
      g_ptr_array_add (waiting, caller);
      return;
    }

  waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (waiting, caller);
  g_hash_table_insert (self->refreshes, g_strdup (key), waiting);

  provider = lanyard_provider_registry_lookup (self->registry, lanyard_account_get_provider_id (account));
  request = g_new0 (TokenRequest, 1);
  request->account = g_object_ref (account);
  request->provider = provider != NULL ? g_object_ref (provider) : NULL;
  request->key = g_strdup (key);
  request->force = force_refresh;

  worker = g_task_new (self, NULL, waiter_cb, NULL);
  g_task_set_task_data (worker, request, (GDestroyNotify) token_request_free);
  lanyard_token_store_load_async (self->tokens, lanyard_account_get_provider_id (account),
                                  lanyard_account_get_account_id (account), NULL, loaded_cb,
                                  g_steal_pointer (&worker));
}

LanyardTokenSet *
_lanyard_service_get_tokens_finish (LanyardService *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Whatever happened to a refresh the scheduler asked for, it hears back:
 * the worker reports successes and lost grants itself (also for refreshes
 * a caller caused); transient failures are reported here, once. */
static void
scheduled_refresh_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  LanyardService  *self = LANYARD_SERVICE (object);
  g_autofree char *key = user_data;
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GError) error = NULL;
  const char      *colon = strchr (key, ':');
  g_autofree char *provider = g_strndup (key, colon - key);
  LanyardAccount  *account = lanyard_account_store_lookup (self->accounts, provider, colon + 1);

  tokens = _lanyard_service_get_tokens_finish (self, result, &error);
  if (tokens != NULL)
    {
      lanyard_refresh_scheduler_report (self->scheduler, key, LANYARD_REFRESH_SUCCEEDED,
                                        lanyard_token_set_get_expires_at (tokens));
      return;
    }

  g_message ("Refreshing %s failed: %s", key, error->message);
  if (account != NULL && lanyard_account_get_attention (account) != NULL)
    lanyard_refresh_scheduler_report (self->scheduler, key, LANYARD_REFRESH_NEEDS_ATTENTION, 0);
  else
    lanyard_refresh_scheduler_report (self->scheduler, key, LANYARD_REFRESH_TRANSIENT, 0);
}

void
_lanyard_service_refresh_due (LanyardService *self,
                              const char     *key)
{
  const char      *colon = strchr (key, ':');
  g_autofree char *provider = g_strndup (key, colon - key);
  LanyardAccount  *account = lanyard_account_store_lookup (self->accounts, provider, colon + 1);

  if (account == NULL)
    {
      lanyard_refresh_scheduler_remove (self->scheduler, key);
      return;
    }

  _lanyard_service_get_tokens_async (self, account, TRUE, NULL, scheduled_refresh_cb, g_strdup (key));
}
