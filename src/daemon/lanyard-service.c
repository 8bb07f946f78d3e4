/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "config.h"

#include "lanyard-service-private.h"

#include "lanyard-dbus-enum-types.h"
#include "lanyard-dbus-enums.h"
#include "lanyard-dbus-errors.h"
#include "lanyard-error.h"

#include <string.h>

/**
 * LanyardService:
 *
 * All of lanyard-daemon's state and its D-Bus face: the provider registry,
 * the accounts file, the tokens in the Secret Service, the refresh
 * scheduler, running sign-ins, and the objects under
 * `/io/github/lanyard/Lanyard`.
 *
 * Nothing reads the keyring at start: tokens are loaded when someone asks
 * for one or a refresh is due, so the bus name is owned quickly and a
 * locked keyring does not stop the daemon.
 */

G_DEFINE_FINAL_TYPE (LanyardService, lanyard_service, G_TYPE_OBJECT)

static void
lanyard_service_dispose (GObject *object)
{
  LanyardService *self = LANYARD_SERVICE (object);

  _lanyard_service_flows_free (self);
  g_clear_pointer (&self->account_paths, g_hash_table_unref);
  g_clear_pointer (&self->unavailable, g_hash_table_unref);
  self->manager = NULL;
  g_clear_object (&self->manager_service);
  g_clear_object (&self->callers);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->notifier);

  G_OBJECT_CLASS (lanyard_service_parent_class)->dispose (object);
}

static void
lanyard_service_finalize (GObject *object)
{
  LanyardService *self = LANYARD_SERVICE (object);

  g_clear_object (&self->connection);
  g_clear_object (&self->registry);
  g_clear_object (&self->accounts);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->refreshes, g_hash_table_unref);
  g_clear_pointer (&self->starting, g_hash_table_unref);

  G_OBJECT_CLASS (lanyard_service_parent_class)->finalize (object);
}

static void
lanyard_service_class_init (LanyardServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_service_dispose;
  object_class->finalize = lanyard_service_finalize;
}

static void
lanyard_service_init (LanyardService *self)
{
  self->account_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->unavailable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->refreshes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->tokens = lanyard_token_store_new ();
  self->starting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static GVariant *
identity_variant (LanyardService *self,
                  LanyardAccount *account)
{
  GVariantDict     dict;
  g_autofree char *path = NULL;

  g_variant_dict_init (&dict, NULL);
  if (account == NULL)
    return g_variant_dict_end (&dict);

  path = _lanyard_service_account_path (account);
  g_variant_dict_insert (&dict, "provider", "s", lanyard_account_get_provider_id (account));
  g_variant_dict_insert (&dict, "account-id", "s", lanyard_account_get_account_id (account));
  g_variant_dict_insert (&dict, "username", "s", lanyard_account_get_username (account) ?: "");
  g_variant_dict_insert (&dict, "display-name", "s", lanyard_account_get_display_name (account) ?: "");
  g_variant_dict_insert (&dict, "email", "s", lanyard_account_get_email (account) ?: "");
  g_variant_dict_insert (&dict, "avatar-url", "s", lanyard_account_get_avatar_url (account) ?: "");
  g_variant_dict_insert (&dict, "account", "o", path);
  g_variant_dict_insert (&dict, "needs-attention", "b", lanyard_account_get_attention (account) != NULL);
  return g_variant_dict_end (&dict);
}

/**
 * _lanyard_service_update_current:
 *
 * Refreshes the CurrentIdentity property; GDBus sends PropertiesChanged
 * when it differs.
 */
void
_lanyard_service_update_current (LanyardService *self)
{
  LanyardAccount *current = lanyard_account_store_get_current (self->accounts);

  lanyard_dbus_manager_set_current_identity (self->manager, identity_variant (self, current));
}

gboolean
_lanyard_service_save_accounts (LanyardService *self,
                                GError        **error)
{
  return lanyard_account_store_save (self->accounts, error);
}

static gboolean
handle_list_providers (LanyardDBusManager    *manager,
                       GDBusMethodInvocation *invocation,
                       LanyardService        *self)
{
  GPtrArray      *entries = lanyard_provider_registry_get_entries (self->registry);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < entries->len; i++)
    {
      const LanyardProviderEntry *entry = g_ptr_array_index (entries, i);
      GVariantDict                dict;

      g_variant_dict_init (&dict, NULL);
      g_variant_dict_insert (&dict, "id", "s", entry->id);
      g_variant_dict_insert (&dict, "display-name", "s", entry->display_name);
      g_variant_dict_insert (&dict, "type", "s", entry->type_name);
      g_variant_dict_insert (&dict, "configured", "b", entry->provider != NULL);
      g_variant_dict_insert (&dict, "problem", "s", entry->problem ?: "");
      g_variant_dict_insert (&dict, "demo", "b", entry->provider != NULL && lanyard_provider_get_is_demo (entry->provider));
      g_variant_dict_insert (&dict, "browser-policy", "s",
                             lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_BROWSER_POLICY,
                                                        entry->provider != NULL &&
                                                            lanyard_provider_get_browser_policy (entry->provider) == LANYARD_BROWSER_POLICY_SYSTEM_ONLY
                                                          ? LANYARD_DBUS_BROWSER_POLICY_SYSTEM
                                                          : LANYARD_DBUS_BROWSER_POLICY_ANY));
      g_variant_builder_add_value (&builder, g_variant_dict_end (&dict));
    }

  lanyard_dbus_manager_complete_list_providers (manager, invocation, g_variant_builder_end (&builder));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The hottest call other programs make: answered from the CurrentIdentity
 * property, which is kept up to date, rather than built anew. */
static gboolean
handle_get_current_identity (LanyardDBusManager    *manager,
                             GDBusMethodInvocation *invocation,
                             LanyardService        *self)
{
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new_tuple ((GVariant *[]){ lanyard_dbus_manager_get_current_identity (manager) }, 1));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static LanyardAccount *
account_for_key (LanyardService *self,
                 const char     *key)
{
  const char      *colon = key != NULL ? strchr (key, ':') : NULL;
  g_autofree char *provider = NULL;

  if (colon == NULL)
    return NULL;
  provider = g_strndup (key, colon - key);
  return lanyard_account_store_lookup (self->accounts, provider, colon + 1);
}

static LanyardAccount *
account_for_path (LanyardService *self,
                  const char     *path)
{
  return g_hash_table_lookup (self->account_paths, path);
}

static gboolean
handle_find_account (LanyardDBusManager    *manager,
                     GDBusMethodInvocation *invocation,
                     const char            *key,
                     LanyardService        *self)
{
  LanyardAccount  *account = account_for_key (self, key);
  g_autofree char *path = NULL;

  if (account == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                                             "No linked account is called “%s” (write it as provider:account-id)", key);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  path = _lanyard_service_account_path (account);
  lanyard_dbus_manager_complete_find_account (manager, invocation, path);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_set_primary (LanyardDBusManager    *manager,
                    GDBusMethodInvocation *invocation,
                    const char            *path,
                    LanyardService        *self)
{
  LanyardAccount *account = account_for_path (self, path);
  g_autoptr(GError) error = NULL;

  if (account == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                                             "No linked account at %s", path);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  lanyard_account_store_set_primary (self->accounts, account);
  if (!_lanyard_service_save_accounts (self, &error))
    {
      lanyard_dbus_errors_return (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  lanyard_dbus_manager_complete_set_primary (manager, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
refresh_due_cb (LanyardRefreshScheduler *scheduler,
                const char              *key,
                LanyardService          *self)
{
  _lanyard_service_refresh_due (self, key);
}

static guint
env_seconds (const char *name,
             guint       fallback)
{
  const char *value = g_getenv (name);
  guint64     seconds;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 0, 24 * 60 * 60, &seconds, NULL))
    return (guint) seconds;
  return fallback;
}

/**
 * lanyard_service_new:
 * @accounts_path: the accounts file
 */
LanyardService *
lanyard_service_new (LanyardProviderRegistry *registry,
                     const char              *accounts_path)
{
  LanyardService  *self = g_object_new (LANYARD_TYPE_SERVICE, NULL);
  GNetworkMonitor *monitor = NULL;

  self->registry = g_object_ref (registry);
  self->accounts = lanyard_account_store_new (accounts_path);

  /* LANYARD_NETWORK_MONITOR=none: for machines (and tests) whose providers
   * are on loopback, where "no network" says nothing. */
  if (g_strcmp0 (g_getenv ("LANYARD_NETWORK_MONITOR"), "none") != 0)
    monitor = g_network_monitor_get_default ();
  self->scheduler = lanyard_refresh_scheduler_new (monitor);
  /* Tuning for tests and for the benchmark; see docs/dbus-api.md. */
  lanyard_refresh_scheduler_set_timing (self->scheduler,
                                        env_seconds ("LANYARD_REFRESH_MARGIN", 5 * 60),
                                        env_seconds ("LANYARD_REFRESH_BACKOFF", 30),
                                        3);
  g_signal_connect_object (self->scheduler, "refresh-due", G_CALLBACK (refresh_due_cb), self, 0);

  self->manager_service = lanyard_manager_service_new ();
  self->manager = LANYARD_DBUS_MANAGER (self->manager_service);
  lanyard_dbus_manager_set_version (self->manager, PACKAGE_VERSION);
  g_signal_connect_object (self->manager, "handle-list-providers", G_CALLBACK (handle_list_providers), self, 0);
  g_signal_connect_object (self->manager, "handle-start-flow", G_CALLBACK (_lanyard_service_handle_start_flow), self, 0);
  g_signal_connect_object (self->manager, "handle-cancel-flow", G_CALLBACK (_lanyard_service_handle_cancel_flow), self, 0);
  g_signal_connect_object (self->manager, "handle-get-current-identity", G_CALLBACK (handle_get_current_identity), self, 0);
  g_signal_connect_object (self->manager, "handle-find-account", G_CALLBACK (handle_find_account), self, 0);
  g_signal_connect_object (self->manager, "handle-set-primary", G_CALLBACK (handle_set_primary), self, 0);

  return self;
}

static void
current_changed_cb (LanyardAccountStore *store,
                    LanyardService      *self)
{
  _lanyard_service_update_current (self);
}

/**
 * lanyard_service_load_async:
 *
 * Reads the accounts file (never the keyring) and arms the refresh
 * timer from the stored expiry times.
 */
void
lanyard_service_load_async (LanyardService     *self,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GError) error = NULL;
  GPtrArray *accounts;

  g_task_set_source_tag (task, lanyard_service_load_async);

  if (!lanyard_account_store_load (self->accounts, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  accounts = lanyard_account_store_get_accounts (self->accounts);
  for (guint i = 0; i < accounts->len; i++)
    {
      LanyardAccount  *account = g_ptr_array_index (accounts, i);
      g_autofree char *key = lanyard_account_dup_key (account);

      _lanyard_service_export_account (self, account);
      if (lanyard_account_get_attention (account) == NULL)
        lanyard_refresh_scheduler_schedule (self->scheduler, key, lanyard_account_get_expires_at (account));
    }

  g_signal_connect_object (self->accounts, "current-changed", G_CALLBACK (current_changed_cb), self, 0);
  _lanyard_service_update_current (self);

  g_task_return_boolean (task, TRUE);
}

gboolean
lanyard_service_load_finish (LanyardService *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * lanyard_service_export:
 *
 * Puts the object tree on @connection.
 */
void
lanyard_service_export (LanyardService  *self,
                        GDBusConnection *connection)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (LANYARD_IS_SERVICE (self));

  lanyard_dbus_errors_register ();
  g_set_object (&self->connection, connection);
  g_clear_object (&self->callers);
  self->callers = lanyard_caller_tracker_new (connection);
  lanyard_manager_service_set_callers (self->manager_service, self->callers);
  g_clear_object (&self->notifier);
  self->notifier = lanyard_attention_notifier_new (connection, APPLICATION_ID);

  if (!_lanyard_service_export_objects (self, &error))
    g_error ("The objects could not be put on the bus: %s", error->message);
}

/**
 * lanyard_service_recheck:
 *
 * The wall clock moved (resume from suspend): refresh what is due now.
 */
void
lanyard_service_recheck (LanyardService *self)
{
  g_return_if_fail (LANYARD_IS_SERVICE (self));
  lanyard_refresh_scheduler_recheck (self->scheduler);
}
