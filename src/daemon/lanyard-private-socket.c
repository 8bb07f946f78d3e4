/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "config.h"

#include "lanyard-private-socket.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

/**
 * LanyardPrivateSocket:
 *
 * When the daemon runs in a Flatpak it cannot tell its callers on the
 * session bus apart (its /proc is its own PID namespace; see
 * docs/flatpak.md), so they are all "unknown" there and get only what any
 * program may have. Those who may act — Lanyard's own window and the
 * user's host programs — reach it here instead: a peer-to-peer D-Bus
 * socket in the application's runtime directory,
 * `$XDG_RUNTIME_DIR/app/APPLICATION_ID/daemon`, which Flatpak shows to
 * every instance of this application and to no other application, and
 * which is an ordinary directory of the user on the host. Only this user's
 * connections are accepted (the socket's peer credentials).
 *
 * Each connection is relayed to the daemon's own objects over a session
 * bus connection of its own, whose unique name the caller tracker knows
 * as a host program: the objects, the policy and the sign-ins being
 * private to their starter all stay as they are on the bus. Method calls
 * go to the daemon, their replies come back, and the daemon's signals
 * (broadcast, or sent to the relay's name) are passed on.
 */
struct _LanyardPrivateSocket
{
  GObject parent_instance;

  /* Owned references */
  GDBusServer          *server;
  GDBusAuthObserver    *observer;
  GDBusConnection      *bus;
  LanyardCallerTracker *callers;
  char                 *path;
  guint                 relays; /* how many so far, for their bus names */
};

G_DEFINE_FINAL_TYPE (LanyardPrivateSocket, lanyard_private_socket, G_TYPE_OBJECT)

typedef struct
{
  gatomicrefcount  ref;
  GDBusConnection *peer; /* the client, on the socket */
  GDBusConnection *relay; /* its stand-in on the session bus */
  char            *daemon_name;
  guint            subscription;
  guint            peer_filter;
  guint            relay_filter;
  gulong           closed_handler;
} Relay;

static Relay *
relay_ref (Relay *relay)
{
  g_atomic_ref_count_inc (&relay->ref);
  return relay;
}

static void
relay_unref (Relay *relay)
{
  if (!g_atomic_ref_count_dec (&relay->ref))
    return;
  g_clear_object (&relay->peer);
  g_clear_object (&relay->relay);
  g_free (relay->daemon_name);
  g_free (relay);
}

typedef struct
{
  Relay        *relay;
  GDBusMessage *message;
} Forward;

static void
forward_free (Forward *forward)
{
  relay_unref (forward->relay);
  g_object_unref (forward->message);
  g_free (forward);
}

static void
reply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Forward *forward = user_data;
  g_autoptr(GDBusMessage) reply = NULL;
  g_autoptr(GDBusMessage) answer = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_send_message_with_reply_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    answer = g_dbus_message_new_method_error_literal (forward->message, "org.freedesktop.DBus.Error.Failed",
                                                      error->message);
  else
    {
      answer = g_dbus_message_copy (reply, &error);
      if (answer == NULL)
        answer = g_dbus_message_new_method_error_literal (forward->message, "org.freedesktop.DBus.Error.Failed",
                                                          error->message);
      else
        {
          g_dbus_message_set_reply_serial (answer, g_dbus_message_get_serial (forward->message));
          g_dbus_message_set_sender (answer, NULL);
          g_dbus_message_set_destination (answer, NULL);
        }
    }
  g_dbus_connection_send_message (forward->relay->peer, answer, G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL, NULL);
  forward_free (forward);
}

/* On the main thread: a call of the client, to the daemon. */
static gboolean
forward_call (gpointer user_data)
{
  Forward *forward = user_data;
  g_autoptr(GDBusMessage) call = NULL;
  g_autoptr(GError) error = NULL;

  call = g_dbus_message_copy (forward->message, &error);
  if (call == NULL)
    {
      forward_free (forward);
      return G_SOURCE_REMOVE;
    }
  g_dbus_message_set_destination (call, forward->relay->daemon_name);
  g_dbus_message_set_sender (call, NULL);
  if (g_dbus_message_get_flags (forward->message) & G_DBUS_MESSAGE_FLAGS_NO_REPLY_EXPECTED)
    {
      g_dbus_connection_send_message (forward->relay->relay, call, G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL, NULL);
      forward_free (forward);
      return G_SOURCE_REMOVE;
    }
  g_dbus_connection_send_message_with_reply (forward->relay->relay, call, G_DBUS_SEND_MESSAGE_FLAGS_NONE, -1, NULL,
                                             NULL, reply_cb, forward);
  return G_SOURCE_REMOVE;
}

/* GDBus's worker thread: method calls are taken (the peer connection has
 * no objects of its own, and would answer "unknown method") and sent on
 * from the main thread. */
static GDBusMessage *
peer_filter (GDBusConnection *connection,
             GDBusMessage    *message,
             gboolean         incoming,
             gpointer         user_data)
{
  Relay   *relay = user_data;
  Forward *forward;

  if (!incoming || g_dbus_message_get_message_type (message) != G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    return message;

  forward = g_new0 (Forward, 1);
  forward->relay = relay_ref (relay);
  forward->message = message; /* the filter's reference, taken */
  g_main_context_invoke (NULL, forward_call, forward);
  return NULL;
}

/* The daemon's signals that reach the relay (broadcasts it subscribed to,
 * and those sent to its name) go on to the client. */
static GDBusMessage *
relay_filter (GDBusConnection *connection,
              GDBusMessage    *message,
              gboolean         incoming,
              gpointer         user_data)
{
  Relay *relay = user_data;
  g_autoptr(GDBusMessage) copy = NULL;

  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_SIGNAL &&
      g_strcmp0 (g_dbus_message_get_sender (message), relay->daemon_name) == 0)
    {
      copy = g_dbus_message_copy (message, NULL);
      if (copy != NULL)
        {
          g_dbus_message_set_sender (copy, NULL);
          g_dbus_message_set_destination (copy, NULL);
          g_dbus_connection_send_message (relay->peer, copy, G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL, NULL);
        }
    }
  return message;
}

static void
ignore_signal_cb (GDBusConnection *connection,
                  const char      *sender,
                  const char      *path,
                  const char      *interface,
                  const char      *signal,
                  GVariant        *parameters,
                  gpointer         user_data)
{
}

static void
peer_closed_cb (GDBusConnection *connection,
                gboolean         remote_peer_vanished,
                GError          *error,
                gpointer         user_data)
{
  Relay *relay = user_data;

  /* The relay's name leaves the bus, and the caller tracker forgets it;
   * the filters and this handler give their references back. */
  g_dbus_connection_signal_unsubscribe (relay->relay, relay->subscription);
  g_dbus_connection_remove_filter (relay->relay, relay->relay_filter);
  g_dbus_connection_remove_filter (relay->peer, relay->peer_filter);
  g_dbus_connection_close (relay->relay, NULL, NULL, NULL);
  g_signal_handler_disconnect (relay->peer, relay->closed_handler);
}

static gboolean
new_connection_cb (GDBusServer     *server,
                   GDBusConnection *connection,
                   gpointer         user_data)
{
  LanyardPrivateSocket *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  Relay           *relay;

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  relay = g_new0 (Relay, 1);
  g_atomic_ref_count_init (&relay->ref);
  relay->peer = g_object_ref (connection);
  relay->daemon_name = g_strdup (g_dbus_connection_get_unique_name (self->bus));
  if (address != NULL)
    relay->relay = g_dbus_connection_new_for_address_sync (address,
                                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                             G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                           NULL, NULL, &error);
  if (relay->relay == NULL)
    {
      g_warning ("A connection on the private socket could not be relayed: %s", error->message);
      relay_unref (relay);
      return FALSE;
    }

  /* The sandbox's bus proxy passes the daemon's signals to a unique name
   * (a sign-in's, sent to its starter) only if that name owns one the
   * sandbox may talk to: names under the application ID are. */
  {
    g_autofree char *relay_name = g_strdup_printf (LANYARD_DAEMON_BUS_NAME ".Relay_%u", ++self->relays);
    g_autoptr(GVariant) owned = NULL;

    guint32 reply = 0;

    owned = g_dbus_connection_call_sync (relay->relay, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                         "org.freedesktop.DBus", "RequestName", g_variant_new ("(su)", relay_name, 4),
                                         G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    if (owned != NULL)
      g_variant_get (owned, "(u)", &reply);
    /* 1: the primary owner. Anything else (the name taken by another
     * program) would leave the relay deaf to its sign-ins' signals. */
    if (owned != NULL && reply != 1)
      g_set_error (&error, G_DBUS_ERROR, G_DBUS_ERROR_ADDRESS_IN_USE, "%s is owned by another program", relay_name);
    if (owned == NULL || reply != 1)
      {
        g_warning ("A connection on the private socket could not be relayed: %s", error->message);
        g_dbus_connection_close_sync (relay->relay, NULL, NULL);
        relay_unref (relay);
        return FALSE;
      }
  }

  /* Known as a host program before its first call gets there. */
  lanyard_caller_tracker_trust (self->callers, g_dbus_connection_get_unique_name (relay->relay));
  relay->subscription = g_dbus_connection_signal_subscribe (relay->relay, relay->daemon_name, NULL, NULL, NULL, NULL,
                                                            G_DBUS_SIGNAL_FLAGS_NONE, ignore_signal_cb, NULL, NULL);
  relay->relay_filter = g_dbus_connection_add_filter (relay->relay, relay_filter, relay_ref (relay),
                                                      (GDestroyNotify) relay_unref);
  relay->peer_filter = g_dbus_connection_add_filter (relay->peer, peer_filter, relay_ref (relay),
                                                     (GDestroyNotify) relay_unref);
  /* The handler holds the last reference: until the client goes. */
  relay->closed_handler = g_signal_connect_data (relay->peer, "closed", G_CALLBACK (peer_closed_cb), relay,
                                                 (GClosureNotify) relay_unref, 0);
  g_debug ("Private socket: a connection, relayed as %s", g_dbus_connection_get_unique_name (relay->relay));
  return TRUE;
}

/* Only this user. The socket's directory keeps others out (it is this
 * user's, 0700, on the host; no other sandbox has it); the peer's
 * credentials are checked too where the kernel can say them. A host
 * program's EXTERNAL authentication fails inside the sandbox's namespaces,
 * so ANONYMOUS is allowed, and who connected is asked of the socket. */
static gboolean
authorize_cb (GDBusAuthObserver *observer,
              GIOStream         *stream,
              GCredentials      *credentials,
              gpointer           user_data)
{
  g_autoptr(GCredentials) peer = NULL;
  g_autoptr(GError) error = NULL;
  uid_t uid;

  if (!G_IS_SOCKET_CONNECTION (stream))
    return FALSE;
  peer = g_socket_get_credentials (g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)), &error);
  if (peer == NULL)
    {
      g_message ("Private socket: a connection refused, its user unknown: %s", error->message);
      return FALSE;
    }
  uid = g_credentials_get_unix_user (peer, NULL);
  /* Inside the sandbox's user namespace the kernel cannot name a host
   * peer's user (it answers -1, or the overflow user): then the socket's
   * directory, this user's and 0700 on the host, is what keeps others out. */
  if (uid != getuid () && uid != (uid_t) -1 && uid != 65534)
    {
      g_message ("Private socket: a connection of user %d refused", (int) uid);
      return FALSE;
    }
  return TRUE;
}

static gboolean
allow_mechanism_cb (GDBusAuthObserver *observer,
                    const char        *mechanism,
                    gpointer           user_data)
{
  return g_str_equal (mechanism, "EXTERNAL") || g_str_equal (mechanism, "ANONYMOUS");
}

static void
lanyard_private_socket_dispose (GObject *object)
{
  LanyardPrivateSocket *self = LANYARD_PRIVATE_SOCKET (object);

  if (self->server != NULL)
    {
      g_dbus_server_stop (self->server);
      g_unlink (self->path);
    }
  g_clear_object (&self->server);
  g_clear_object (&self->observer);
  g_clear_object (&self->bus);
  g_clear_object (&self->callers);

  G_OBJECT_CLASS (lanyard_private_socket_parent_class)->dispose (object);
}

static void
lanyard_private_socket_finalize (GObject *object)
{
  g_free (LANYARD_PRIVATE_SOCKET (object)->path);
  G_OBJECT_CLASS (lanyard_private_socket_parent_class)->finalize (object);
}

static void
lanyard_private_socket_class_init (LanyardPrivateSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_private_socket_dispose;
  object_class->finalize = lanyard_private_socket_finalize;
}

static void
lanyard_private_socket_init (LanyardPrivateSocket *self)
{
}

/**
 * lanyard_private_socket_is_wanted:
 *
 * Whether the daemon runs in a Flatpak sandbox (`/.flatpak-info` at its
 * root), where the private socket is the way in for those who may act, or
 * LANYARD_PRIVATE_SOCKET=1 asks for it (tests).
 */
gboolean
lanyard_private_socket_is_wanted (void)
{
  /* LANYARD_PRIVATE_SOCKET=1: as in a Flatpak outside one too (the
   * socket, and callers on the bus taken for unknown), for tests. */
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ||
    g_strcmp0 (g_getenv ("LANYARD_PRIVATE_SOCKET"), "1") == 0;
}

/**
 * lanyard_private_socket_dup_path:
 *
 * Returns: (transfer full): `$XDG_RUNTIME_DIR/app/APPLICATION_ID/daemon`
 */
char *
lanyard_private_socket_dup_path (void)
{
  return g_build_filename (g_get_user_runtime_dir (), "app", APPLICATION_ID, "daemon", NULL);
}

/**
 * lanyard_private_socket_new:
 * @bus: the daemon's session bus connection (which owns its name)
 * @callers: the daemon's caller tracker, told about each relay
 *
 * Listens on the private socket until disposed.
 */
LanyardPrivateSocket *
lanyard_private_socket_new (GDBusConnection      *bus,
                            LanyardCallerTracker *callers,
                            GError              **error)
{
  g_autoptr(LanyardPrivateSocket) self = g_object_new (LANYARD_TYPE_PRIVATE_SOCKET, NULL);
  g_autofree char *dir = NULL;
  g_autofree char *address = NULL;
  g_autofree char *guid = g_dbus_generate_guid ();

  self->bus = g_object_ref (bus);
  self->callers = g_object_ref (callers);
  self->path = lanyard_private_socket_dup_path ();
  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "Cannot make %s", dir);
      return NULL;
    }
  /* A socket left by a daemon that did not end cleanly. */
  g_unlink (self->path);

  self->observer = g_dbus_auth_observer_new ();
  g_signal_connect (self->observer, "authorize-authenticated-peer", G_CALLBACK (authorize_cb), NULL);
  g_signal_connect (self->observer, "allow-mechanism", G_CALLBACK (allow_mechanism_cb), NULL);
  address = g_dbus_address_escape_value (self->path);
  {
    g_autofree char *full = g_strconcat ("unix:path=", address, NULL);
    self->server = g_dbus_server_new_sync (full, G_DBUS_SERVER_FLAGS_AUTHENTICATION_ALLOW_ANONYMOUS, guid,
                                           self->observer, NULL, error);
  }
  if (self->server == NULL)
    return NULL;
  g_signal_connect (self->server, "new-connection", G_CALLBACK (new_connection_cb), self);
  g_dbus_server_start (self->server);
  g_message ("Listening on %s for the window and host programs", self->path);
  return g_steal_pointer (&self);
}
