/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-client"

#include "config.h"

#include "lanyard-client-connection.h"

/**
 * SECTION:lanyard-client-connection
 *
 * How lanyardctl and the window reach the daemon. Natively: the session
 * bus. When the daemon runs in a Flatpak, it cannot tell its callers on the
 * bus apart and gives them only the identity; those who may act (the
 * window, host programs) use its private socket,
 * `$XDG_RUNTIME_DIR/app/APPLICATION_ID/daemon` (docs/flatpak.md), which
 * exists only while such a daemon runs. The daemon is started on the bus
 * first (D-Bus activation), which is when that socket appears.
 */

static char *
socket_path (void)
{
  return g_build_filename (g_get_user_runtime_dir (), "app", APPLICATION_ID, "daemon", NULL);
}

static GDBusConnection *
connect_socket (const char   *path,
                GCancellable *cancellable)
{
  g_autofree char *escaped = g_dbus_address_escape_value (path);
  g_autofree char *address = g_strconcat ("unix:path=", escaped, NULL);
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  connection = g_dbus_connection_new_for_address_sync (address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL,
                                                       cancellable, &error);
  if (connection == NULL)
    g_debug ("The daemon's private socket %s: %s", path, error->message);
  return connection;
}

/**
 * lanyard_client_connect:
 * @name: (out) (transfer none): the daemon's bus name, or %NULL on the
 *   private socket (a peer-to-peer connection)
 *
 * Returns: (transfer full) (nullable): the connection to make the daemon's
 *   proxies on, with @name
 */
GDBusConnection *
lanyard_client_connect (const char  **name,
                        GCancellable *cancellable,
                        GError      **error)
{
  return lanyard_client_connect_full (name, -1, cancellable, error);
}

/**
 * lanyard_client_connect_full:
 * @start_timeout_msec: how long starting the daemon (D-Bus activation) may
 *   take, -1 for D-Bus's default (25 s); git-credential-lanyard, which
 *   must not hold up git, waits less
 *
 * lanyard_client_connect() with a bound on the start.
 */
GDBusConnection *
lanyard_client_connect_full (const char  **name,
                             int           start_timeout_msec,
                             GCancellable *cancellable,
                             GError      **error)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, cancellable, error);
  g_autoptr(GVariant) started = NULL;
  g_autofree char *path = socket_path ();
  GDBusConnection *connection;

  if (bus == NULL)
    return NULL;

  connection = connect_socket (path, cancellable);
  if (connection == NULL)
    {
      /* Started (or found running): a sandboxed one has its socket by
       * the time it owns the name. A failure here shows on the first
       * call, in the callers' own words. */
      started = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus", "StartServiceByName",
                                             g_variant_new ("(su)", LANYARD_DAEMON_BUS_NAME, 0), NULL,
                                             G_DBUS_CALL_FLAGS_NONE, start_timeout_msec, cancellable, NULL);
      if (started != NULL)
        connection = connect_socket (path, cancellable);
    }

  if (connection != NULL)
    {
      *name = NULL;
      return connection;
    }
  *name = LANYARD_DAEMON_BUS_NAME;
  return g_steal_pointer (&bus);
}

static void
connect_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError          *error = NULL;
  const char      *name = NULL;
  GDBusConnection *connection = lanyard_client_connect (&name, cancellable, &error);

  if (connection == NULL)
    g_task_return_error (task, error);
  else
    {
      g_task_set_task_data (task, (gpointer) name, NULL);
      g_task_return_pointer (task, connection, g_object_unref);
    }
}

/**
 * lanyard_client_connect_async:
 *
 * lanyard_client_connect() without blocking the caller (in a thread).
 */
void
lanyard_client_connect_async (GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, lanyard_client_connect_async);
  g_task_run_in_thread (task, connect_thread);
}

GDBusConnection *
lanyard_client_connect_finish (GAsyncResult *result,
                               const char  **name,
                               GError      **error)
{
  GDBusConnection *connection = g_task_propagate_pointer (G_TASK (result), error);

  *name = connection != NULL ? g_task_get_task_data (G_TASK (result)) : NULL;
  return connection;
}
