/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-bus-flow.h"

#include "lanyard-dbus-enum-types.h"
#include "lanyard-dbus-errors.h"
#include "lanyard-dbus-enums.h"
#include "lanyard-policy.h"

/**
 * LanyardBusFlow:
 *
 * One sign-in on the bus (`io.github.lanyard.Flow`), from StartFlow to
 * Succeeded or Failed. It owns its #LanyardFlow, the watch on the
 * starter's bus name, and the timer that removes it a while after it
 * ended (so that a client that looks late still sees how it ended).
 *
 * It is private to the connection that started it: the access policy lets
 * only that connection read its properties or call Cancel, it is not under
 * the object manager (so not in GetManagedObjects), and its signals —
 * Succeeded, Failed and PropertiesChanged — are sent to that connection
 * alone. The interface's properties are marked EmitsChangedSignal=false so
 * that the generated code never broadcasts them; this class sends the
 * changes itself.
 *
 * Signals for the service: #LanyardBusFlow::ready when the provider
 * answered and the account can be linked (the service then calls
 * lanyard_bus_flow_finish()), #LanyardBusFlow::done when it may be
 * dropped.
 */
struct _LanyardBusFlow
{
  LanyardDBusFlowSkeleton parent_instance;

  /* Owned references */
  LanyardFlow  *flow;
  GCancellable *cancellable;
  char         *starter;
  char         *path;
  guint         watch_id;
  guint         linger_id;
  gboolean      finished;
};

static void lanyard_bus_flow_iface_init (LanyardDBusFlowIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LanyardBusFlow, lanyard_bus_flow, LANYARD_DBUS_TYPE_FLOW_SKELETON, G_IMPLEMENT_INTERFACE (LANYARD_DBUS_TYPE_FLOW, lanyard_bus_flow_iface_init))

enum
{
  SIGNAL_READY,
  SIGNAL_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* How long a finished sign-in stays readable by its starter. */
#define FINISHED_FLOW_LIFETIME_SECONDS 30

static GDBusInterfaceSkeletonClass *skeleton_parent_class;

static void
lanyard_bus_flow_dispose (GObject *object)
{
  LanyardBusFlow *self = LANYARD_BUS_FLOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->flow != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->flow, self);
      lanyard_flow_cancel (self->flow);
    }
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  g_clear_handle_id (&self->linger_id, g_source_remove);
  if (g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self)) != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self));
  g_clear_object (&self->flow);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lanyard_bus_flow_parent_class)->dispose (object);
}

static void
lanyard_bus_flow_finalize (GObject *object)
{
  LanyardBusFlow *self = LANYARD_BUS_FLOW (object);

  g_free (self->starter);
  g_free (self->path);

  G_OBJECT_CLASS (lanyard_bus_flow_parent_class)->finalize (object);
}

static GDBusInterfaceVTable *
lanyard_bus_flow_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  static GDBusInterfaceVTable vtable;
  static gsize                once;

  /* Every call and property read passes the access policy first. */
  return lanyard_policy_guarded_vtable (skeleton, &vtable, &once);
}

static void
lanyard_bus_flow_class_init (LanyardBusFlowClass *klass)
{
  GObjectClass                *object_class = G_OBJECT_CLASS (klass);
  GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS (klass);

  skeleton_parent_class = G_DBUS_INTERFACE_SKELETON_CLASS (lanyard_bus_flow_parent_class);
  object_class->dispose = lanyard_bus_flow_dispose;
  object_class->finalize = lanyard_bus_flow_finalize;
  skeleton_class->get_vtable = lanyard_bus_flow_get_vtable;

  /**
   * LanyardBusFlow::ready:
   *
   * The provider answered: lanyard_flow_get_identity() and
   * lanyard_flow_get_tokens() of lanyard_bus_flow_get_flow() are ready to
   * be linked. The handler calls lanyard_bus_flow_finish() when done.
   */
  signals[SIGNAL_READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
  /**
   * LanyardBusFlow::done:
   *
   * Nobody will look at the sign-in any more: it may be dropped.
   */
  signals[SIGNAL_DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 0);
}

static void
lanyard_bus_flow_init (LanyardBusFlow *self)
{
  self->cancellable = g_cancellable_new ();
}

/* Signals to the starter alone, by the names in the interface's
 * introspection data. */
static void
emit_to_starter (LanyardBusFlow *self,
                 const char     *interface_name,
                 const char     *signal_name,
                 GVariant       *parameters)
{
  GDBusConnection *connection = g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self));
  g_autoptr(GVariant) owned = g_variant_ref_sink (parameters);
  g_autoptr(GError) error = NULL;

  if (connection == NULL)
    return;
  if (!g_dbus_connection_emit_signal (connection, self->starter, self->path, interface_name, signal_name, owned, &error))
    g_debug ("Could not tell %s about its sign-in: %s", self->starter, error->message);
}

static const char *
flow_signal_name (const char *name)
{
  GDBusSignalInfo *info = g_dbus_interface_info_lookup_signal (lanyard_dbus_flow_interface_info (), name);

  g_assert (info != NULL);
  return info->name;
}

static void
lanyard_bus_flow_succeeded (LanyardDBusFlow *flow,
                            const char      *account)
{
  LanyardBusFlow *self = LANYARD_BUS_FLOW (flow);

  emit_to_starter (self, lanyard_dbus_flow_interface_info ()->name, flow_signal_name ("Succeeded"),
                   g_variant_new ("(o)", account));
}

static void
lanyard_bus_flow_failed (LanyardDBusFlow *flow,
                         const char      *error_name,
                         const char      *message)
{
  LanyardBusFlow *self = LANYARD_BUS_FLOW (flow);

  emit_to_starter (self, lanyard_dbus_flow_interface_info ()->name, flow_signal_name ("Failed"),
                   g_variant_new ("(ss)", error_name, message));
}

static gboolean
lanyard_bus_flow_handle_cancel (LanyardDBusFlow       *flow,
                                GDBusMethodInvocation *invocation)
{
  lanyard_bus_flow_cancel (LANYARD_BUS_FLOW (flow));
  lanyard_dbus_flow_complete_cancel (flow, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
lanyard_bus_flow_iface_init (LanyardDBusFlowIface *iface)
{
  iface->handle_cancel = lanyard_bus_flow_handle_cancel;
  iface->succeeded = lanyard_bus_flow_succeeded;
  iface->failed = lanyard_bus_flow_failed;
}

/* "AuthorizeUrl" → "authorize-url": how gdbus-codegen names the GObject
 * property of a D-Bus one. */
static char *
hyphen_name (const char *dbus_name)
{
  GString *name = g_string_new (NULL);

  for (const char *p = dbus_name; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p) && p != dbus_name)
        g_string_append_c (name, '-');
      g_string_append_c (name, g_ascii_tolower (*p));
    }
  return g_string_free (name, FALSE);
}

/* A changed property, to the starter: the generated code sends none
 * (EmitsChangedSignal=false). */
static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  LanyardBusFlow     *self = LANYARD_BUS_FLOW (object);
  GDBusInterfaceInfo *info = lanyard_dbus_flow_interface_info ();
  GVariantBuilder     changed;

  if (g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self)) == NULL)
    return;

  g_variant_builder_init (&changed, G_VARIANT_TYPE ("a{sv}"));
  for (guint i = 0; info->properties[i] != NULL; i++)
    {
      g_autofree char *name = hyphen_name (info->properties[i]->name);
      GVariant        *value;

      if (!g_str_equal (name, pspec->name))
        continue;
      value = skeleton_parent_class->get_vtable (G_DBUS_INTERFACE_SKELETON (self))->get_property (NULL, NULL, self->path, info->name, info->properties[i]->name, NULL, self);
      g_variant_builder_add (&changed, "{s@v}", info->properties[i]->name, g_variant_new_variant (value));
      emit_to_starter (self, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                       g_variant_new ("(s@a{sv}as)", info->name, g_variant_builder_end (&changed), NULL));
      return;
    }
  g_variant_builder_clear (&changed);
}

/**
 * lanyard_bus_flow_new:
 * @flow: a started sign-in (its authorize URL ready)
 * @callers: who is who, for the access policy
 * @starter: (nullable): the unique bus name of the connection that
 *   started it; %NULL on a peer-to-peer connection
 * @path: where it will be on the bus
 */
LanyardBusFlow *
lanyard_bus_flow_new (LanyardFlow          *flow,
                      LanyardCallerTracker *callers,
                      const char           *starter,
                      const char           *path)
{
  LanyardBusFlow  *self = g_object_new (LANYARD_TYPE_BUS_FLOW, NULL);
  LanyardProvider *provider = lanyard_flow_get_provider (flow);
  LanyardDBusFlow *iface = LANYARD_DBUS_FLOW (self);

  self->flow = g_object_ref (flow);
  self->starter = g_strdup (starter);
  lanyard_policy_guard (G_DBUS_INTERFACE_SKELETON (self), callers, starter);
  self->path = g_strdup (path);

  lanyard_dbus_flow_set_provider_id (iface, lanyard_provider_get_id (provider));
  lanyard_dbus_flow_set_authorize_url (iface, lanyard_flow_get_authorize_url (flow) ?: "");
  lanyard_dbus_flow_set_redirect_uri (iface, lanyard_flow_get_redirect_uri (flow) ?: "");
  lanyard_dbus_flow_set_browser_policy (iface, lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_BROWSER_POLICY, lanyard_provider_get_browser_policy (provider) == LANYARD_BROWSER_POLICY_SYSTEM_ONLY ? LANYARD_DBUS_BROWSER_POLICY_SYSTEM : LANYARD_DBUS_BROWSER_POLICY_ANY));
  lanyard_dbus_flow_set_status (iface, lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_FLOW_STATUS, LANYARD_DBUS_FLOW_STATUS_WAITING));
  lanyard_dbus_flow_set_account (iface, "/");
  lanyard_dbus_flow_set_grant (iface, lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_GRANT, lanyard_flow_get_grant (flow) == LANYARD_GRANT_DEVICE ? LANYARD_DBUS_GRANT_DEVICE : LANYARD_DBUS_GRANT_AUTHORIZATION_CODE));
  lanyard_dbus_flow_set_user_code (iface, lanyard_flow_get_user_code (flow) ?: "");
  lanyard_dbus_flow_set_verification_uri (iface, lanyard_flow_get_verification_uri (flow) ?: "");
  lanyard_dbus_flow_set_verification_uri_complete (iface, lanyard_flow_get_verification_uri_complete (flow) ?: "");
  lanyard_dbus_flow_set_expires_at (iface, lanyard_flow_get_device_expires_at (flow));
  return self;
}

static void
set_status (LanyardBusFlow       *self,
            LanyardDBusFlowStatus status)
{
  lanyard_dbus_flow_set_status (LANYARD_DBUS_FLOW (self), lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_FLOW_STATUS, status));
}

static gboolean
linger_over_cb (gpointer user_data)
{
  LanyardBusFlow *self = user_data;

  self->linger_id = 0;
  g_signal_emit (self, signals[SIGNAL_DONE], 0);
  return G_SOURCE_REMOVE;
}

/* The program that started the sign-in left the bus: nobody will show the
 * result, so the listener closes now rather than at the timeout; and a
 * finished sign-in nobody else may read is dropped at once. */
static void
starter_vanished_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  LanyardBusFlow *self = user_data;

  g_debug ("%s left the bus; its sign-in ends", name);
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  if (!self->finished)
    {
      lanyard_bus_flow_cancel (self);
      return;
    }
  g_clear_handle_id (&self->linger_id, g_source_remove);
  g_signal_emit (self, signals[SIGNAL_DONE], 0);
}

static void
flow_status_cb (LanyardFlow    *flow,
                GParamSpec     *pspec,
                LanyardBusFlow *self)
{
  if (lanyard_flow_get_status (flow) == LANYARD_FLOW_STATUS_EXCHANGING)
    set_status (self, LANYARD_DBUS_FLOW_STATUS_EXCHANGING);
}

static void
waited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LanyardBusFlow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lanyard_flow_wait_finish (LANYARD_FLOW (object), result, &error))
    {
      if (!self->finished)
        lanyard_bus_flow_finish (self, NULL, error);
      return;
    }
  if (self->finished)
    return;
  set_status (self, LANYARD_DBUS_FLOW_STATUS_EXCHANGING);
  g_signal_emit (self, signals[SIGNAL_READY], 0);
}

/**
 * lanyard_bus_flow_export:
 *
 * Puts the sign-in on @connection at its path (outside the object
 * manager), watches its starter and waits for the browser.
 */
gboolean
lanyard_bus_flow_export (LanyardBusFlow  *self,
                         GDBusConnection *connection,
                         GError         **error)
{
  g_return_val_if_fail (LANYARD_IS_BUS_FLOW (self), FALSE);

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self), connection, self->path, error))
    return FALSE;

  g_signal_connect (self, "notify", G_CALLBACK (notify_cb), NULL);
  g_signal_connect (self->flow, "notify::status", G_CALLBACK (flow_status_cb), self);
  if (self->starter != NULL)
    self->watch_id = g_bus_watch_name_on_connection (connection, self->starter, G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
                                                     starter_vanished_cb, self, NULL);
  lanyard_flow_wait_async (self->flow, self->cancellable, waited_cb, g_object_ref (self));
  return TRUE;
}

LanyardFlow *
lanyard_bus_flow_get_flow (LanyardBusFlow *self)
{
  return self->flow;
}

const char *
lanyard_bus_flow_get_path (LanyardBusFlow *self)
{
  return self->path;
}

/**
 * lanyard_bus_flow_get_starter:
 *
 * Returns: (nullable): the unique name of the connection that started it
 */
const char *
lanyard_bus_flow_get_starter (LanyardBusFlow *self)
{
  return self->starter;
}

/**
 * lanyard_bus_flow_is_finished:
 *
 * Returns: whether it succeeded or failed (it no longer counts against
 *   the limits on sign-ins)
 */
gboolean
lanyard_bus_flow_is_finished (LanyardBusFlow *self)
{
  return self->finished;
}

/**
 * lanyard_bus_flow_cancel:
 *
 * Ends a sign-in that has not finished: its listener closes, and it
 * fails with %G_IO_ERROR_CANCELLED.
 */
void
lanyard_bus_flow_cancel (LanyardBusFlow *self)
{
  if (self->finished)
    return;
  lanyard_flow_cancel (self->flow);
}

/**
 * lanyard_bus_flow_finish:
 * @account_path: (nullable): the linked account, on success
 * @error: (nullable): why it failed
 *
 * Ends the sign-in: the status, then Succeeded or Failed to the starter;
 * #LanyardBusFlow::done follows after a while.
 */
void
lanyard_bus_flow_finish (LanyardBusFlow *self,
                         const char     *account_path,
                         const GError   *error)
{
  LanyardDBusFlow *iface = LANYARD_DBUS_FLOW (self);

  g_return_if_fail (!self->finished);
  g_return_if_fail ((account_path == NULL) != (error == NULL));

  self->finished = TRUE;
  /* Disposed (the service is leaving): nobody to tell, nothing to time. */
  if (self->flow == NULL)
    return;
  if (error == NULL)
    {
      lanyard_dbus_flow_set_account (iface, account_path);
      set_status (self, LANYARD_DBUS_FLOW_STATUS_SUCCEEDED);
      lanyard_dbus_flow_emit_succeeded (iface, account_path);
    }
  else
    {
      g_autofree char *name = lanyard_dbus_errors_encode (error);

      set_status (self, LANYARD_DBUS_FLOW_STATUS_FAILED);
      lanyard_dbus_flow_emit_failed (iface, name, error->message);
    }

  if (self->watch_id == 0 && self->starter != NULL)
    self->linger_id = g_idle_add (linger_over_cb, self);
  else
    self->linger_id = g_timeout_add_seconds (FINISHED_FLOW_LIFETIME_SECONDS, linger_over_cb, self);
}
