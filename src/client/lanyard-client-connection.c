/* SPDX-License-Identifier: LGPL-2.1-or-later */
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

/* What is left until @deadline (monotonic), at least a millisecond:
 * GDBus takes 0 and -1 for "its default". */
static int
remaining_msec (gint64 deadline)
{
  return (int) CLAMP ((deadline - g_get_monotonic_time ()) / 1000, 1, G_MAXINT);
}

static char *
socket_path (void)
{
  return g_build_filename (g_get_user_runtime_dir (), "app", APPLICATION_ID, "daemon", NULL);
}

/* How long reaching the daemon on its private socket may take when the
 * caller gives no bound: the connection and D-Bus's authentication
 * handshake together. A socket whose owner never answers (a stale or
 * hostile listener) must not hold the caller forever. */
#define SOCKET_TIMEOUT_MSEC 10000

/* A watchdog for the D-Bus handshake: cancels it when the time is up. A
 * thread rather than a timeout source, so that the connection is made in
 * the caller's thread with its main context, where GDBus delivers the
 * connection's own signals (GDBusConnection::closed). */
typedef struct
{
  GMutex        lock;
  GCond         cond;
  gboolean      done;
  gint64        deadline; /* g_get_monotonic_time () */
  GCancellable *cancellable;
} Watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *watchdog = data;

  g_mutex_lock (&watchdog->lock);
  while (!watchdog->done)
    if (!g_cond_wait_until (&watchdog->cond, &watchdog->lock, watchdog->deadline))
      {
        if (!watchdog->done)
          g_cancellable_cancel (watchdog->cancellable);
        break;
      }
  g_mutex_unlock (&watchdog->lock);
  return NULL;
}

static void
forward_cancel (GCancellable *cancellable,
                gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

/* The D-Bus handshake on @stream, within @timeout_msec (or until
 * @cancellable is cancelled). */
static GDBusConnection *
handshake (GIOStream    *stream,
           int           timeout_msec,
           GCancellable *cancellable,
           GError      **error)
{
  g_autoptr(GCancellable) bounded = g_cancellable_new ();
  g_autoptr(GError) local = NULL;
  Watchdog         watchdog = { 0 };
  GThread         *thread;
  GDBusConnection *connection;
  gulong           forwarded = 0;

  g_mutex_init (&watchdog.lock);
  g_cond_init (&watchdog.cond);
  watchdog.deadline = g_get_monotonic_time () + (gint64) MAX (timeout_msec, 1) * 1000;
  watchdog.cancellable = bounded;
  if (cancellable != NULL)
    forwarded = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel), g_object_ref (bounded),
                                       g_object_unref);
  thread = g_thread_new ("lanyard-handshake", watchdog_thread, &watchdog);

  connection = g_dbus_connection_new_sync (stream, NULL, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, bounded,
                                           &local);

  g_mutex_lock (&watchdog.lock);
  watchdog.done = TRUE;
  g_cond_signal (&watchdog.cond);
  g_mutex_unlock (&watchdog.lock);
  g_thread_join (thread);
  g_mutex_clear (&watchdog.lock);
  g_cond_clear (&watchdog.cond);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, forwarded);

  if (connection == NULL && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "The daemon's private socket does not answer");
      return NULL;
    }
  if (connection == NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return connection;
}

/* The daemon on its private socket at @path, within @timeout_msec. */
static GDBusConnection *
connect_socket (const char   *path,
                int           timeout_msec,
                GCancellable *cancellable)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection = NULL;
  gint64           deadline = g_get_monotonic_time () + (gint64) timeout_msec * 1000;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  /* GSocketClient counts in whole seconds, and leaves its timeout on the
   * socket, which the connection must not keep (it would drop an idle
   * connection): the handshake has its own bound. */
  g_socket_client_set_timeout (client, (guint) MAX ((timeout_msec + 999) / 1000, 1));
  stream = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), cancellable, &error);
  if (stream != NULL)
    {
      g_socket_set_timeout (g_socket_connection_get_socket (stream), 0);
      connection = handshake (G_IO_STREAM (stream), (int) MAX ((deadline - g_get_monotonic_time ()) / 1000, 1),
                              cancellable, &error);
    }
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
 * @timeout_msec: how long reaching the daemon may take in all: its
 *   private socket, starting it (D-Bus activation), its socket again; -1
 *   for the defaults (10 s for each handshake on the socket, D-Bus's
 *   25 s for the start). git-credential-lanyard, which must not hold up
 *   git, gives its own bound.
 *
 * lanyard_client_connect() with a bound on the whole.
 */
GDBusConnection *
lanyard_client_connect_full (const char  **name,
                             int           timeout_msec,
                             GCancellable *cancellable,
                             GError      **error)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, cancellable, error);
  g_autoptr(GVariant) started = NULL;
  g_autofree char *path = socket_path ();
  GDBusConnection *connection;
  gint64           deadline = g_get_monotonic_time () + (gint64) timeout_msec * 1000;

  if (bus == NULL)
    return NULL;

  connection = connect_socket (path, timeout_msec < 0 ? SOCKET_TIMEOUT_MSEC : remaining_msec (deadline), cancellable);
  if (connection == NULL)
    {
      /* Started (or found running): a sandboxed one has its socket by
       * the time it owns the name. A failure here shows on the first
       * call, in the callers' own words. */
      started = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus", "StartServiceByName",
                                             g_variant_new ("(su)", LANYARD_DAEMON_BUS_NAME, 0), NULL,
                                             G_DBUS_CALL_FLAGS_NONE, timeout_msec < 0 ? -1 : remaining_msec (deadline),
                                             cancellable, NULL);
      if (started != NULL)
        connection =
          connect_socket (path, timeout_msec < 0 ? SOCKET_TIMEOUT_MSEC : remaining_msec (deadline), cancellable);
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
