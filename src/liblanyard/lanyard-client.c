/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "liblanyard"

#include "config.h"

#include "lanyard-client.h"

#include "lanyard-client-connection.h"
#include "lanyard-client-error.h"
#include "lanyard-client-private.h"

/**
 * LanyardClient:
 *
 * The person's linked accounts, as Lanyard's daemon serves them: the
 * current identity (the primary account, or the one linked first), every
 * linked account as a [iface@Gio.ListModel], kept up to date as the
 * person links, unlinks and renames accounts or picks another primary.
 *
 * There is one client per process, shared by everything in it: get it
 * with [func@Lanyard.Client.get_default_async] (or
 * [func@Lanyard.Client.get_default_sync] in a command-line tool), from
 * the main thread; its signals are delivered there.
 *
 * ```c
 * static void
 * got_client (GObject *source, GAsyncResult *result, gpointer user_data)
 * {
 *   g_autoptr(GError) error = NULL;
 *   g_autoptr(LanyardClient) client = lanyard_client_get_default_finish (result, &error);
 *   LanyardLinkedAccount *me;
 *
 *   if (client == NULL)
 *     {
 *       g_warning ("No Lanyard: %s", error->message);
 *       return;
 *     }
 *   me = lanyard_client_get_current_identity (client);
 *   if (me != NULL)
 *     g_print ("Hello, %s\n", lanyard_linked_account_get_username (me));
 * }
 * ```
 *
 * The daemon is started (D-Bus activation) when it is not running. When
 * it stops later, the account list empties, the current identity turns
 * %NULL (notified once), [property@Lanyard.Client:daemon-running] turns
 * %FALSE, and calls on the accounts it had fail with
 * %LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE; on the session bus the list
 * fills again when the daemon comes back. A daemon reached on its private
 * socket (Lanyard in a Flatpak) does not come back on that connection:
 * the client stops being the process's, and the next
 * [func@Lanyard.Client.get_default_async] connects again.
 */
struct _LanyardClient
{
  GObject                parent_instance;
  GDBusConnection       *connection;
  gboolean               peer; /* the daemon's private socket, not a bus */
  GDBusObjectManager    *objects;
  LanyardLibDBusManager *manager; /* NULL while the daemon is away */
  GListStore            *accounts;
  LanyardLinkedAccount  *current;
  gboolean               running; /* as last notified */
};

G_DEFINE_FINAL_TYPE (LanyardClient, lanyard_client, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ACCOUNTS,
  PROP_CURRENT_IDENTITY,
  PROP_DAEMON_RUNNING,
  PROP_DAEMON_VERSION,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

#define ROOT_PATH "/io/github/lanyard/Lanyard"
#define MANAGER_PATH ROOT_PATH "/Manager"

/* The one client of the process (a weak pointer: it goes when its last
 * user lets go), and the callers waiting while it is made. */
static LanyardClient *default_client;
static GPtrArray     *waiting_tasks;

static LanyardLinkedAccount *
find_by_path (LanyardClient *self,
              const char    *path,
              guint         *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LanyardLinkedAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      if (g_strcmp0 (_lanyard_linked_account_get_object_path (account), path) == 0)
        {
          if (position != NULL)
            *position = i;
          return account;
        }
    }
  return NULL;
}

/* The daemon's rule, for the moments when its CurrentIdentity and its
 * list of objects disagree: the primary account, else the one linked
 * first (the list is oldest first). */
static LanyardLinkedAccount *
guess_current (LanyardClient *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));
  g_autoptr(LanyardLinkedAccount) first = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LanyardLinkedAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      if (lanyard_linked_account_get_primary (account))
        return account;
    }
  first = n > 0 ? g_list_model_get_item (G_LIST_MODEL (self->accounts), 0) : NULL;
  return first;
}

/* The current identity is the account the manager's CurrentIdentity
 * names. That property and the objects change in separate messages, in
 * either order (an unlinked current account leaves the bus before the
 * daemon names the next one): until they agree, the daemon's rule
 * applied to the accounts there are, so that a change is notified once,
 * not as a passing NULL and then the new account. */
static void
update_current (LanyardClient *self)
{
  LanyardLinkedAccount *current = NULL;

  if (self->manager != NULL)
    {
      GVariant   *identity = lanyard_lib_dbus_manager_get_current_identity (self->manager);
      const char *path = NULL;

      if (identity != NULL && g_variant_lookup (identity, "account", "&o", &path))
        current = find_by_path (self, path, NULL);
      if (current == NULL)
        current = guess_current (self);
    }

  if (current == self->current)
    return;
  g_set_object (&self->current, current);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CURRENT_IDENTITY]);
}

static void
manager_notify_cb (GObject    *manager,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  LanyardClient *self = user_data;

  if (g_str_equal (pspec->name, "current-identity"))
    update_current (self);
  else if (g_str_equal (pspec->name, "version"))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DAEMON_VERSION]);
}

static void
set_manager (LanyardClient         *self,
             LanyardLibDBusManager *manager)
{
  if (self->manager == manager)
    return;
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_set_object (&self->manager, manager);
  if (manager != NULL)
    g_signal_connect (manager, "notify", G_CALLBACK (manager_notify_cb), self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DAEMON_VERSION]);
}

/* Oldest first, as the person linked them; the key breaks ties. */
static int
compare_accounts (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  LanyardLinkedAccount *first = (LanyardLinkedAccount *) a;
  LanyardLinkedAccount *second = (LanyardLinkedAccount *) b;
  gint64                when_first = lanyard_linked_account_get_linked_at (first);
  gint64                when_second = lanyard_linked_account_get_linked_at (second);

  if (when_first != when_second)
    return when_first < when_second ? -1 : 1;
  return g_strcmp0 (lanyard_linked_account_get_key (first), lanyard_linked_account_get_key (second));
}

static void
add_object (LanyardClient *self,
            GDBusObject   *object)
{
  LanyardLibDBusAccount *proxy = lanyard_lib_dbus_object_peek_account (LANYARD_LIB_DBUS_OBJECT (object));
  LanyardLibDBusManager *manager = lanyard_lib_dbus_object_peek_manager (LANYARD_LIB_DBUS_OBJECT (object));

  if (manager != NULL)
    set_manager (self, manager);
  if (proxy != NULL && find_by_path (self, g_dbus_object_get_object_path (object), NULL) == NULL)
    {
      g_autoptr(LanyardLinkedAccount) account = _lanyard_linked_account_new (proxy);

      g_list_store_insert_sorted (self->accounts, account, compare_accounts, NULL);
    }
}

static void
object_added_cb (GDBusObjectManager *objects,
                 GDBusObject        *object,
                 gpointer            user_data)
{
  LanyardClient *self = user_data;

  add_object (self, object);
  update_current (self);
}

static void
object_removed_cb (GDBusObjectManager *objects,
                   GDBusObject        *object,
                   gpointer            user_data)
{
  LanyardClient        *self = user_data;
  const char           *path = g_dbus_object_get_object_path (object);
  LanyardLinkedAccount *account;
  guint                 position;

  if (g_strcmp0 (path, MANAGER_PATH) == 0)
    set_manager (self, NULL);
  account = find_by_path (self, path, &position);
  if (account != NULL)
    {
      _lanyard_linked_account_set_gone (account, !lanyard_client_get_daemon_running (self));
      g_list_store_remove (self->accounts, position);
    }
  update_current (self);
}

/* The daemon went away (its name has no owner, or its private socket
 * closed): its accounts are gone, for that reason. The identity first,
 * so that it is notified once (to %NULL), not once for each account
 * removed after it. */
static void
daemon_left (LanyardClient *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  set_manager (self, NULL);
  if (self->current != NULL)
    {
      g_clear_object (&self->current);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CURRENT_IDENTITY]);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LanyardLinkedAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      _lanyard_linked_account_set_gone (account, TRUE);
    }
  g_list_store_remove_all (self->accounts);
}

static void
name_owner_cb (GObject    *objects,
               GParamSpec *pspec,
               gpointer    user_data)
{
  LanyardClient *self = user_data;
  gboolean       running = lanyard_client_get_daemon_running (self);

  /* GDBus may say the owner changed more than once for one arrival. */
  if (running == self->running)
    return;
  self->running = running;
  /* GDBus says the owner left before it removes the objects. */
  if (!running)
    daemon_left (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DAEMON_RUNNING]);
}

static void
default_client_gone (gpointer data,
                     GObject *where_the_object_was);

/* The daemon's private socket closed: a peer connection does not come
 * back (the daemon's next start makes a new socket), so this client no
 * longer is the process's: the next lanyard_client_get_default_async()
 * connects again. */
static void
connection_closed_cb (GDBusConnection *connection,
                      gboolean         remote_peer_vanished,
                      GError          *error,
                      gpointer         user_data)
{
  LanyardClient *self = user_data;

  daemon_left (self);
  if (default_client == self)
    {
      g_object_weak_unref (G_OBJECT (self), default_client_gone, NULL);
      default_client = NULL;
    }
  if (self->running)
    {
      self->running = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DAEMON_RUNNING]);
    }
}

static void
lanyard_client_dispose (GObject *object)
{
  LanyardClient *self = LANYARD_CLIENT (object);

  if (self->objects != NULL)
    g_signal_handlers_disconnect_by_data (self->objects, self);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  /* Not set_manager (): nobody is told of a change while the client goes. */
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_clear_object (&self->manager);
  g_clear_object (&self->current);
  if (self->accounts != NULL)
    g_list_store_remove_all (self->accounts);
  g_clear_object (&self->accounts);
  g_clear_object (&self->objects);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (lanyard_client_parent_class)->dispose (object);
}

static void
lanyard_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LanyardClient *self = LANYARD_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS: g_value_set_object (value, lanyard_client_get_accounts (self)); break;
    case PROP_CURRENT_IDENTITY: g_value_set_object (value, lanyard_client_get_current_identity (self)); break;
    case PROP_DAEMON_RUNNING: g_value_set_boolean (value, lanyard_client_get_daemon_running (self)); break;
    case PROP_DAEMON_VERSION: g_value_set_string (value, lanyard_client_get_daemon_version (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_client_class_init (LanyardClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_client_dispose;
  object_class->get_property = lanyard_client_get_property;

  /**
   * LanyardClient:accounts: (getter get_accounts)
   *
   * Every linked account, a [class@Lanyard.LinkedAccount] each, oldest
   * first; [signal@Gio.ListModel::items-changed] when one is linked or
   * unlinked.
   */
  props[PROP_ACCOUNTS] = g_param_spec_object ("accounts", NULL, NULL, G_TYPE_LIST_MODEL,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * LanyardClient:current-identity: (getter get_current_identity)
   *
   * Who the user is: the primary account, or the account linked first
   * when none is primary; %NULL when nothing is linked. Notified when
   * another account becomes the current identity (a new primary, the
   * current one unlinked); the account's own properties notify their
   * changes.
   */
  props[PROP_CURRENT_IDENTITY] = g_param_spec_object ("current-identity", NULL, NULL, LANYARD_TYPE_LINKED_ACCOUNT,
                                                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * LanyardClient:daemon-running: (getter get_daemon_running)
   *
   * Whether the daemon answers now. While it does not, there are no
   * accounts.
   */
  props[PROP_DAEMON_RUNNING] = g_param_spec_boolean ("daemon-running", NULL, NULL, FALSE,
                                                     G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * LanyardClient:daemon-version: (getter get_daemon_version)
   *
   * The version of the running daemon, or %NULL while it is away.
   */
  props[PROP_DAEMON_VERSION] = g_param_spec_string ("daemon-version", NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lanyard_client_init (LanyardClient *self)
{
  self->accounts = g_list_store_new (LANYARD_TYPE_LINKED_ACCOUNT);
}

static LanyardClient *
client_new (GDBusConnection    *connection,
            gboolean            peer,
            GDBusObjectManager *objects)
{
  LanyardClient *self = g_object_new (LANYARD_TYPE_CLIENT, NULL);
  GList         *list = g_dbus_object_manager_get_objects (objects);

  self->connection = g_object_ref (connection);
  self->peer = peer;
  self->objects = g_object_ref (objects);
  self->running = lanyard_client_get_daemon_running (self);
  for (GList *l = list; l != NULL; l = l->next)
    add_object (self, l->data);
  g_list_free_full (list, g_object_unref);
  update_current (self);

  g_signal_connect (objects, "object-added", G_CALLBACK (object_added_cb), self);
  g_signal_connect (objects, "object-removed", G_CALLBACK (object_removed_cb), self);
  g_signal_connect (objects, "notify::name-owner", G_CALLBACK (name_owner_cb), self);
  if (peer)
    g_signal_connect (connection, "closed", G_CALLBACK (connection_closed_cb), self);
  return self;
}

/* A name with no owner after the connection started it: the daemon is
 * not installed, or failed to start. Said at once, not at the first
 * call. */
static gboolean
check_owner (GDBusObjectManager *objects,
             gboolean            peer,
             GError            **error)
{
  g_autofree char *owner = NULL;

  if (peer)
    return TRUE;
  owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (objects));
  if (owner != NULL)
    return TRUE;
  g_set_error (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE,
               /* Translators: %s is the service's D-Bus name */
               _ ("Lanyard’s account service (%s) is not running and could not be started. Check that Lanyard is installed."),
               LANYARD_DAEMON_BUS_NAME);
  return FALSE;
}

/* No connection at all (no session bus, a private socket that refuses):
 * the daemon cannot be reached, in those words. */
static void
unreachable (GError **error)
{
  g_autofree char *message = NULL;

  if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  message = g_strdup_printf (_ ("Lanyard’s account service could not be reached: %s"), (*error)->message);
  g_clear_error (error);
  g_set_error_literal (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE, message);
}

static void
default_client_gone (gpointer data,
                     GObject *where_the_object_was)
{
  if (default_client == (LanyardClient *) where_the_object_was)
    default_client = NULL;
}

/* Makes @client the process's client, or gives the one that already is. */
static LanyardClient *
adopt (LanyardClient *client)
{
  if (default_client != NULL)
    {
      g_object_unref (client);
      return g_object_ref (default_client);
    }
  default_client = client;
  g_object_weak_ref (G_OBJECT (client), default_client_gone, NULL);
  return client;
}

/* A waiting caller's cancellable is connected to this, and the handler's
 * id kept on its task. */
#define CANCEL_HANDLER_KEY "lanyard-cancel-handler"

static void
stop_watching_cancel (GTask *task)
{
  gulong handler = GPOINTER_TO_SIZE (g_object_steal_data (G_OBJECT (task), CANCEL_HANDLER_KEY));

  if (handler != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), handler);
}

/* A waiting caller cancelled: answered now, in its own context, while
 * the shared connection goes on for the others. */
static gboolean
waiting_cancelled_cb (gpointer user_data)
{
  GTask *task = user_data;

  /* Answered meanwhile, or already. */
  if (waiting_tasks == NULL || !g_ptr_array_find (waiting_tasks, task, NULL))
    return G_SOURCE_REMOVE;
  stop_watching_cancel (task);
  g_object_ref (task);
  g_ptr_array_remove (waiting_tasks, task);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* In whichever thread cancelled: not in the handler itself, where the
 * handler cannot be disconnected. */
static void
waiting_cancel_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_source_set_callback (idle, waiting_cancelled_cb, g_object_ref (task), g_object_unref);
  g_source_attach (idle, g_task_get_context (task));
}

static void
wait_for_client (GTask *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_ptr_array_add (waiting_tasks, task);
  if (cancellable != NULL)
    {
      gulong handler = g_cancellable_connect (cancellable, G_CALLBACK (waiting_cancel_cb), task, NULL);

      if (handler != 0)
        g_object_set_data (G_OBJECT (task), CANCEL_HANDLER_KEY, GSIZE_TO_POINTER (handler));
    }
}

static void
answer_waiting (LanyardClient *client,
                const GError  *error)
{
  g_autoptr(GPtrArray) tasks = g_steal_pointer (&waiting_tasks);

  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      stop_watching_cancel (task);

      if (client != NULL)
        g_task_return_pointer (task, g_object_ref (client), g_object_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

static void
objects_ready_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GDBusConnection) connection = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusObjectManager) objects = lanyard_lib_dbus_object_manager_client_new_finish (result, &error);
  g_autoptr(LanyardClient) client = NULL;
  gboolean peer = g_object_get_data (G_OBJECT (connection), "lanyard-peer") != NULL;

  if (objects == NULL)
    _lanyard_client_error_from_dbus (&error);
  else if (check_owner (objects, peer, &error))
    client = adopt (client_new (connection, peer, objects));

  answer_waiting (client, error);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  const char      *name = NULL;
  GDBusConnection *connection = lanyard_client_connect_finish (result, &name, &error);

  if (connection == NULL)
    {
      unreachable (&error);
      answer_waiting (NULL, error);
      return;
    }
  if (name == NULL)
    g_object_set_data (G_OBJECT (connection), "lanyard-peer", GINT_TO_POINTER (TRUE));
  lanyard_lib_dbus_object_manager_client_new (connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, name,
                                              ROOT_PATH, NULL, objects_ready_cb, connection);
}

/**
 * lanyard_client_get_default_async:
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the client
 * @user_data: (closure): data for @callback
 *
 * Gets the process's client, connecting to Lanyard's daemon (and starting
 * it) the first time. Call it from the main thread. Cancelling
 * @cancellable answers this caller at once with %G_IO_ERROR_CANCELLED;
 * the connection goes on for other callers waiting for it.
 */
void
lanyard_client_get_default_async (GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_client_get_default_async);
  if (default_client != NULL)
    {
      g_task_return_pointer (task, g_object_ref (default_client), g_object_unref);
      g_object_unref (task);
      return;
    }
  /* One connection for every caller that asks meanwhile. */
  if (waiting_tasks != NULL)
    {
      wait_for_client (task);
      return;
    }
  waiting_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  wait_for_client (task);
  /* Not the caller's cancellable: others may wait for the same. */
  lanyard_client_connect_async (NULL, connected_cb, NULL);
}

/**
 * lanyard_client_get_default_finish:
 * @result: the result passed to the callback
 * @error: where to put an error
 *
 * The client, or %LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE when the daemon
 * cannot be reached or started.
 *
 * Returns: (transfer full): the process's client, or %NULL with @error set
 */
LanyardClient *
lanyard_client_get_default_finish (GAsyncResult *result,
                                   GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, lanyard_client_get_default_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * lanyard_client_get_default_sync:
 * @cancellable: (nullable): a #GCancellable
 * @error: where to put an error
 *
 * [func@Lanyard.Client.get_default_async], blocking the calling thread:
 * for command-line tools and scripts. Call it from the main thread.
 *
 * Returns: (transfer full): the process's client, or %NULL with @error set
 */
LanyardClient *
lanyard_client_get_default_sync (GCancellable *cancellable,
                                 GError      **error)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GDBusObjectManager) objects = NULL;
  GError     *local = NULL;
  const char *name = NULL;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (default_client != NULL)
    return g_object_ref (default_client);

  connection = lanyard_client_connect (&name, cancellable, &local);
  if (connection == NULL)
    {
      unreachable (&local);
      g_propagate_error (error, local);
      return NULL;
    }
  objects = lanyard_lib_dbus_object_manager_client_new_sync (connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                                             name, ROOT_PATH, cancellable, &local);
  if (objects == NULL)
    {
      _lanyard_client_error_from_dbus (&local);
      g_propagate_error (error, local);
      return NULL;
    }
  if (!check_owner (objects, name == NULL, error))
    return NULL;
  return adopt (client_new (connection, name == NULL, objects));
}

/**
 * lanyard_client_get_accounts: (get-property accounts)
 * @self: the client
 *
 * Returns: (transfer none): the linked accounts, a #GListModel of
 *   [class@Lanyard.LinkedAccount]
 */
GListModel *
lanyard_client_get_accounts (LanyardClient *self)
{
  g_return_val_if_fail (LANYARD_IS_CLIENT (self), NULL);
  return G_LIST_MODEL (self->accounts);
}

/**
 * lanyard_client_get_current_identity: (get-property current-identity)
 * @self: the client
 *
 * Returns: (transfer none) (nullable): the primary account, or the one
 *   linked first; %NULL when nothing is linked
 */
LanyardLinkedAccount *
lanyard_client_get_current_identity (LanyardClient *self)
{
  g_return_val_if_fail (LANYARD_IS_CLIENT (self), NULL);
  return self->current;
}

/**
 * lanyard_client_find_account:
 * @self: the client
 * @key: `provider:account-id`, such as `github:583231`
 *
 * Returns: (transfer none) (nullable): the linked account with @key, or
 *   %NULL when there is none
 */
LanyardLinkedAccount *
lanyard_client_find_account (LanyardClient *self,
                             const char    *key)
{
  guint n;

  g_return_val_if_fail (LANYARD_IS_CLIENT (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LanyardLinkedAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      if (g_strcmp0 (lanyard_linked_account_get_key (account), key) == 0)
        return account;
    }
  return NULL;
}

/**
 * lanyard_client_get_daemon_running: (get-property daemon-running)
 * @self: the client
 *
 * Returns: whether the daemon answers now
 */
gboolean
lanyard_client_get_daemon_running (LanyardClient *self)
{
  g_autofree char *owner = NULL;

  g_return_val_if_fail (LANYARD_IS_CLIENT (self), FALSE);
  if (self->peer)
    return !g_dbus_connection_is_closed (self->connection);
  owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (self->objects));
  return owner != NULL;
}

/**
 * lanyard_client_get_daemon_version: (get-property daemon-version)
 * @self: the client
 *
 * Returns: (nullable): the running daemon's version
 */
const char *
lanyard_client_get_daemon_version (LanyardClient *self)
{
  g_return_val_if_fail (LANYARD_IS_CLIENT (self), NULL);
  return self->manager != NULL ? lanyard_lib_dbus_manager_get_version (self->manager) : NULL;
}
