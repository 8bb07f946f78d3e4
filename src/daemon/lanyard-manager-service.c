/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-manager-service.h"

#include "lanyard-policy.h"

/**
 * LanyardManagerService:
 *
 * `io.github.lanyard.Manager` on the bus, every call and property read
 * passing the access policy first (lanyard-policy.c).
 */
struct _LanyardManagerService
{
  LanyardDBusManagerSkeleton parent_instance;

  /* Owned references */
  LanyardCallerTracker *callers;
};

G_DEFINE_FINAL_TYPE (LanyardManagerService, lanyard_manager_service, LANYARD_DBUS_TYPE_MANAGER_SKELETON)

static GDBusInterfaceSkeletonClass *skeleton_parent_class;

static void
lanyard_manager_service_dispose (GObject *object)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (object);

  g_clear_object (&self->callers);

  G_OBJECT_CLASS (lanyard_manager_service_parent_class)->dispose (object);
}

/* In a worker thread (GLib's choice): self->callers is set before export. */
static gboolean
lanyard_manager_service_authorize_method (GDBusInterfaceSkeleton *skeleton,
                                          GDBusMethodInvocation  *invocation)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (skeleton);

  return lanyard_policy_authorize_method (self->callers, invocation, NULL);
}

/* Property reads do not emit g-authorize-method on GLib 2.74. */
static GVariant *
guarded_get_property (GDBusConnection *connection,
                      const char      *sender,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *property_name,
                      GError         **error,
                      gpointer         user_data)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (user_data);
  g_autoptr(GError) local_error = NULL;

  if (!lanyard_policy_authorize_property (self->callers, sender, interface_name, property_name, NULL, &local_error))
    {
      if (error != NULL)
        *error = g_steal_pointer (&local_error);
      return NULL;
    }
  return skeleton_parent_class->get_vtable (G_DBUS_INTERFACE_SKELETON (self))->get_property (connection, sender, object_path, interface_name, property_name, error, user_data);
}

static GDBusInterfaceVTable *
lanyard_manager_service_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  static GDBusInterfaceVTable vtable;
  static gsize                once;

  if (g_once_init_enter (&once))
    {
      vtable = *skeleton_parent_class->get_vtable (skeleton);
      vtable.get_property = guarded_get_property;
      vtable.set_property = NULL;
      g_once_init_leave (&once, 1);
    }
  return &vtable;
}

static void
lanyard_manager_service_class_init (LanyardManagerServiceClass *klass)
{
  GObjectClass                *object_class = G_OBJECT_CLASS (klass);
  GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS (klass);

  skeleton_parent_class = G_DBUS_INTERFACE_SKELETON_CLASS (lanyard_manager_service_parent_class);
  object_class->dispose = lanyard_manager_service_dispose;
  skeleton_class->g_authorize_method = lanyard_manager_service_authorize_method;
  skeleton_class->get_vtable = lanyard_manager_service_get_vtable;
}

static void
lanyard_manager_service_init (LanyardManagerService *self)
{
}

LanyardManagerService *
lanyard_manager_service_new (void)
{
  return g_object_new (LANYARD_TYPE_MANAGER_SERVICE, NULL);
}

/**
 * lanyard_manager_service_set_callers:
 *
 * Before the export: who is who, for the policy.
 */
void
lanyard_manager_service_set_callers (LanyardManagerService *self,
                                     LanyardCallerTracker  *callers)
{
  g_set_object (&self->callers, callers);
}
