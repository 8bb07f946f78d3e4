/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-caller-tracker.h"

#include <glib/gi18n.h>

#include <unistd.h>

#include "lanyard-error.h"
#include "lanyard-private-socket.h"

/**
 * LanyardCallerTracker:
 *
 * Who each bus name is, asked once per unique name and forgotten when
 * the name leaves the bus (`NameOwnerChanged`, one subscription for all).
 *
 * Synchronous on purpose: the policy's gate sits in each skeleton's
 * vtable (lanyard-policy.c says why), which must answer before it returns,
 * so the caller has to be known by then. A connection's first call waits
 * on the main thread for one `GetConnectionCredentials` round trip to the
 * bus daemon (well under a millisecond, and bounded by
 * %LOOKUP_TIMEOUT_MS); every later one is a lookup here. Resolving from a
 * #GDBusConnection filter instead would not help: a filter cannot hold a
 * message back until an asynchronous answer comes. The lock is there
 * because nothing stops a caller from another thread.
 */
struct _LanyardCallerTracker
{
  GObject parent_instance;

  /* Owned references */
  GDBusConnection *connection;
  GHashTable      *callers; /* unique name → LanyardCaller */
  GMutex           lock;
  guint            subscription;
  gboolean         sandboxed; /* the daemon itself, in a Flatpak (or as if: LANYARD_PRIVATE_SOCKET=1) */
};

G_DEFINE_FINAL_TYPE (LanyardCallerTracker, lanyard_caller_tracker, G_TYPE_OBJECT)

/* The bus daemon answers at once; one that does not is not waited for. */
#define LOOKUP_TIMEOUT_MS 5000

static void
lanyard_caller_tracker_dispose (GObject *object)
{
  LanyardCallerTracker *self = LANYARD_CALLER_TRACKER (object);

  if (self->subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->connection, self->subscription);
  self->subscription = 0;
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (lanyard_caller_tracker_parent_class)->dispose (object);
}

static void
lanyard_caller_tracker_finalize (GObject *object)
{
  LanyardCallerTracker *self = LANYARD_CALLER_TRACKER (object);

  g_hash_table_unref (self->callers);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (lanyard_caller_tracker_parent_class)->finalize (object);
}

static void
lanyard_caller_tracker_class_init (LanyardCallerTrackerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_caller_tracker_dispose;
  object_class->finalize = lanyard_caller_tracker_finalize;
}

static void
lanyard_caller_tracker_init (LanyardCallerTracker *self)
{
  g_mutex_init (&self->lock);
  self->callers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) lanyard_caller_unref);
}

static void
name_owner_changed_cb (GDBusConnection *connection,
                       const char      *sender,
                       const char      *path,
                       const char      *interface,
                       const char      *signal,
                       GVariant        *parameters,
                       gpointer         user_data)
{
  LanyardCallerTracker *self = user_data;
  const char           *name, *old_owner, *new_owner;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sss)")))
    return;
  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (name[0] != ':' || new_owner[0] != '\0')
    return;

  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->callers, name);
  g_mutex_unlock (&self->lock);
}

/**
 * lanyard_caller_tracker_new:
 * @connection: the bus the daemon serves on
 */
LanyardCallerTracker *
lanyard_caller_tracker_new (GDBusConnection *connection)
{
  LanyardCallerTracker *self = g_object_new (LANYARD_TYPE_CALLER_TRACKER, NULL);

  self->connection = g_object_ref (connection);
  self->sandboxed = lanyard_private_socket_is_wanted ();
  /* Only the bus daemon may send it: the sender is checked by GDBus. */
  self->subscription = g_dbus_connection_signal_subscribe (connection, "org.freedesktop.DBus", "org.freedesktop.DBus",
                                                           "NameOwnerChanged", "/org/freedesktop/DBus", NULL,
                                                           G_DBUS_SIGNAL_FLAGS_NONE, name_owner_changed_cb, self, NULL);
  return self;
}

static LanyardCaller *
resolve (LanyardCallerTracker *self,
         const char           *sender,
         GError              **error)
{
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) credentials = NULL;
  g_autoptr(GError) local_error = NULL;

  reply = g_dbus_connection_call_with_unix_fd_list_sync (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                         "org.freedesktop.DBus", "GetConnectionCredentials",
                                                         g_variant_new ("(s)", sender), G_VARIANT_TYPE ("(a{sv})"),
                                                         G_DBUS_CALL_FLAGS_NONE, LOOKUP_TIMEOUT_MS, NULL, &fds, NULL,
                                                         &local_error);
  if (reply == NULL)
    {
      g_debug ("Could not tell who %s is: %s", sender, local_error->message);
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                   _ ("Lanyard could not tell which program is asking, so it refuses."));
      return NULL;
    }

  g_variant_get (reply, "(@a{sv})", &credentials);
  /* A daemon in a Flatpak sandbox has a PID namespace of its own: the
   * bus's process ID of a caller names no process in its /proc, or an
   * unrelated one there. It does not look (docs/flatpak.md); those who may
   * act come through the private socket (lanyard-private-socket.c). */
  if (self->sandboxed)
    {
      g_auto(GVariantDict) only_uid = G_VARIANT_DICT_INIT (NULL);
      guint32 uid = G_MAXUINT32;

      g_variant_lookup (credentials, "UnixUserID", "u", &uid);
      g_variant_dict_insert (&only_uid, "UnixUserID", "u", uid);
      return lanyard_caller_new_from_credentials (sender, g_variant_dict_end (&only_uid), NULL, "/proc", getuid ());
    }
  return lanyard_caller_new_from_credentials (sender, credentials, fds, "/proc", getuid ());
}

/**
 * lanyard_caller_tracker_lookup:
 * @sender: (nullable): a unique bus name; %NULL on a peer-to-peer
 *   connection
 *
 * Who @sender is: from the cache, or asked of the bus (see the comment at
 * the top for why synchronously). May be called from any thread.
 *
 * Returns: (transfer full): the caller, or %NULL with
 *   %LANYARD_ERROR_PERMISSION_DENIED when the bus does not know @sender
 *   (it has left)
 */
LanyardCaller *
lanyard_caller_tracker_lookup (LanyardCallerTracker *self,
                               const char           *sender,
                               GError              **error)
{
  LanyardCaller *caller;

  /* A peer-to-peer connection can be opened only by this user. */
  if (sender == NULL)
    return lanyard_caller_new_host (NULL);

  g_mutex_lock (&self->lock);
  caller = g_hash_table_lookup (self->callers, sender);
  if (caller != NULL)
    lanyard_caller_ref (caller);
  g_mutex_unlock (&self->lock);
  if (caller != NULL)
    return caller;

  caller = resolve (self, sender, error);
  if (caller == NULL)
    return NULL;

  /* Another thread may have resolved it meanwhile: either answer is the
   * same. A name that left between the answer and here stays until the
   * daemon exits; names are never reused, so it can be taken for no one. */
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->callers, g_strdup (sender), lanyard_caller_ref (caller));
  g_mutex_unlock (&self->lock);
  g_debug ("%s is kind %d (%s)", sender, lanyard_caller_get_kind (caller), lanyard_caller_get_app_id (caller) ?: "no app id");
  return caller;
}

/**
 * lanyard_caller_tracker_get_size:
 *
 * Returns: how many names are remembered (for tests: they are forgotten)
 */
guint
lanyard_caller_tracker_get_size (LanyardCallerTracker *self)
{
  guint size;

  g_mutex_lock (&self->lock);
  size = g_hash_table_size (self->callers);
  g_mutex_unlock (&self->lock);
  return size;
}

/**
 * lanyard_caller_tracker_trust:
 * @unique_name: a unique bus name of the daemon's own making
 *
 * Takes @unique_name for a host program: the private socket's relay of a
 * connection that only Lanyard's own instances and host programs can open.
 */
void
lanyard_caller_tracker_trust (LanyardCallerTracker *self,
                              const char           *unique_name)
{
  g_return_if_fail (LANYARD_IS_CALLER_TRACKER (self));
  g_return_if_fail (unique_name != NULL && unique_name[0] == ':');

  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->callers, g_strdup (unique_name), lanyard_caller_new_host (unique_name));
  g_mutex_unlock (&self->lock);
}
