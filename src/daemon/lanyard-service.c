/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "config.h"

#include "lanyard-service-private.h"

#include "lanyard-dbus-errors.h"

/**
 * LanyardService:
 *
 * lanyard-daemon on the bus: a thin adapter over #LanyardAccountManager,
 * which keeps the accounts, their tokens and their refreshes. Under
 * `/io/github/lanyard/Lanyard` a #GDBusObjectManagerServer has the manager
 * (#LanyardManagerService) and one object per account
 * (#LanyardBusAccount, lanyard-service-accounts.c); sign-ins
 * (#LanyardBusFlow) are the manager's and are not under the object
 * manager, being private to their starters. Every call and property read
 * passes the access policy (lanyard-policy.c), which knows who is calling
 * from #LanyardCallerTracker.
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

  if (self->manager != NULL)
    g_object_run_dispose (G_OBJECT (self->manager));
  g_clear_object (&self->manager);
  g_clear_object (&self->objects);
  g_clear_object (&self->notifier);
  if (self->consent != NULL)
    g_object_run_dispose (G_OBJECT (self->consent));
  g_clear_object (&self->consent);
  g_clear_object (&self->callers);
  g_clear_object (&self->accounts);
  g_clear_object (&self->servers);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (lanyard_service_parent_class)->dispose (object);
}

static void
lanyard_service_finalize (GObject *object)
{
  LanyardService *self = LANYARD_SERVICE (object);

  g_free (self->usage_path);

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

  /* LANYARD_NETWORK_MONITOR=none: for machines (and tests) whose providers
   * are on loopback, where "no network" says nothing. */
  if (g_strcmp0 (g_getenv ("LANYARD_NETWORK_MONITOR"), "none") != 0)
    monitor = g_network_monitor_get_default ();
  /* Servers added by their address, next to the accounts (issue 17). */
  {
    g_autofree char *dir = g_path_get_dirname (accounts_path);
    g_autofree char *servers_path = g_build_filename (dir, "servers.conf", NULL);
    g_autoptr(LanyardServerStore) store = lanyard_server_store_new (servers_path);

    self->servers = lanyard_server_registrar_new (registry, store);
    lanyard_server_registrar_load (self->servers);
  }
  self->accounts = lanyard_account_manager_new (registry, accounts_path, monitor);
  {
    g_autofree char *directory = g_path_get_dirname (accounts_path);

    self->usage_path = g_build_filename (directory, "app-access.ini", NULL);
  }
  /* Tuning for tests and for the benchmark; see docs/dbus-api.md. */
  lanyard_account_manager_set_refresh_timing (self->accounts, env_seconds ("LANYARD_REFRESH_MARGIN", 5 * 60),
                                              env_seconds ("LANYARD_REFRESH_BACKOFF", 30), 3);
  self->objects = g_dbus_object_manager_server_new (LANYARD_DAEMON_ROOT_PATH);
  _lanyard_service_accounts_init (self);
  return self;
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

  g_task_set_source_tag (task, lanyard_service_load_async);
  if (!lanyard_account_manager_load (self->accounts, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
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
  g_autoptr(GDBusObjectSkeleton) manager_object = NULL;

  g_return_if_fail (LANYARD_IS_SERVICE (self));
  g_return_if_fail (self->connection == NULL);

  lanyard_dbus_errors_register ();
  self->connection = g_object_ref (connection);
  self->callers = lanyard_caller_tracker_new (connection);
  self->notifier = lanyard_attention_notifier_new (connection, APPLICATION_ID);
  self->consent = lanyard_consent_new (connection, self->callers, self->usage_path, APPLICATION_ID);
  self->manager = lanyard_manager_service_new (self->accounts, self->servers, self->callers, self->objects);

  manager_object = g_dbus_object_skeleton_new (LANYARD_DAEMON_MANAGER_PATH);
  g_dbus_object_skeleton_add_interface (manager_object, G_DBUS_INTERFACE_SKELETON (self->manager));
  g_dbus_object_manager_server_export (self->objects, manager_object);
  _lanyard_service_accounts_export (self);
  g_dbus_object_manager_server_set_connection (self->objects, connection);
}

/**
 * lanyard_service_get_callers:
 *
 * Returns: (transfer none): who is calling, once exported
 */
LanyardCallerTracker *
lanyard_service_get_callers (LanyardService *self)
{
  g_return_val_if_fail (LANYARD_IS_SERVICE (self), NULL);
  return self->callers;
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
  lanyard_account_manager_recheck (self->accounts);
}
