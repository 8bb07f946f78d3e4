/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-service-private.h"

#include "lanyard-dbus-errors.h"
#include "lanyard-policy.h"

#include <glib/gi18n.h>
#include <string.h>

/* The object tree under /io/github/lanyard/Lanyard, by hand rather than
 * with GDBusObjectManagerServer: accounts are served from one subtree
 * registration that looks each one up when called, instead of a
 * registered skeleton per account. With a thousand accounts that is the
 * difference between a few hundred bytes and several kilobytes each (see
 * the benchmark in README.md). The wire protocol is the same:
 * org.freedesktop.DBus.ObjectManager at the root, properties with
 * PropertiesChanged, introspection. */

static const char object_manager_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.DBus.ObjectManager'>"
  "    <method name='GetManagedObjects'>"
  "      <arg type='a{oa{sa{sv}}}' name='objects' direction='out'/>"
  "    </method>"
  "    <signal name='InterfacesAdded'>"
  "      <arg type='o' name='object_path'/>"
  "      <arg type='a{sa{sv}}' name='interfaces_and_properties'/>"
  "    </signal>"
  "    <signal name='InterfacesRemoved'>"
  "      <arg type='o' name='object_path'/>"
  "      <arg type='as' name='interfaces'/>"
  "    </signal>"
  "  </interface>"
  "</node>";

#define ACCOUNT_INTERFACE "io.github.lanyard.Account"

static GVariant *
account_property (LanyardService *self,
                  LanyardAccount *account,
                  const char     *name)
{
  g_autofree char *key = lanyard_account_dup_key (account);
  const char      *attention = lanyard_account_get_attention (account);

#define STRING(value) g_variant_new_string ((value) != NULL ? (value) : "")
  if (g_str_equal (name, "Key"))
    return g_variant_new_string (key);
  if (g_str_equal (name, "ProviderId"))
    return STRING (lanyard_account_get_provider_id (account));
  if (g_str_equal (name, "AccountId"))
    return STRING (lanyard_account_get_account_id (account));
  if (g_str_equal (name, "Username"))
    return STRING (lanyard_account_get_username (account));
  if (g_str_equal (name, "DisplayName"))
    return STRING (lanyard_account_get_display_name (account));
  if (g_str_equal (name, "Email"))
    return STRING (lanyard_account_get_email (account));
  if (g_str_equal (name, "AvatarUrl"))
    return STRING (lanyard_account_get_avatar_url (account));
  if (g_str_equal (name, "Primary"))
    return g_variant_new_boolean (lanyard_account_get_primary (account));
  if (g_str_equal (name, "NeedsAttention"))
    return g_variant_new_boolean (attention != NULL);
  if (g_str_equal (name, "Available"))
    return g_variant_new_boolean (!g_hash_table_contains (self->unavailable, key));
  if (g_str_equal (name, "AttentionReason"))
    return STRING (attention);
  if (g_str_equal (name, "ExpiresAt"))
    return g_variant_new_int64 (lanyard_account_get_expires_at (account));
  if (g_str_equal (name, "LinkedAt"))
    return g_variant_new_int64 (lanyard_account_get_linked_at (account));
#undef STRING

  return NULL;
}

static GVariant *
account_properties (LanyardService *self,
                    LanyardAccount *account)
{
  GDBusInterfaceInfo *info = lanyard_dbus_account_interface_info ();
  GVariantBuilder     builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sv}"));
  for (guint i = 0; info->properties[i] != NULL; i++)
    g_variant_builder_add (&builder, "{sv}", info->properties[i]->name,
                           account_property (self, account, info->properties[i]->name));
  return g_variant_builder_end (&builder);
}

static void
emit (LanyardService *self,
      const char     *path,
      const char     *interface,
      const char     *signal,
      GVariant       *parameters)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (parameters);

  if (self->connection != NULL)
    g_dbus_connection_emit_signal (self->connection, NULL, path, interface, signal, owned, NULL);
}

static void
interfaces_added (LanyardService *self,
                  const char     *path,
                  const char     *interface,
                  GVariant       *properties)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sa{sv}}"));
  g_variant_builder_add (&builder, "{s@a{sv}}", interface, properties);
  emit (self, LANYARD_DAEMON_ROOT_PATH, "org.freedesktop.DBus.ObjectManager", "InterfacesAdded",
        g_variant_new ("(oa{sa{sv}})", path, &builder));
}

static void
interfaces_removed (LanyardService *self,
                    const char     *path,
                    const char     *interface)
{
  const char *interfaces[] = { interface, NULL };

  emit (self, LANYARD_DAEMON_ROOT_PATH, "org.freedesktop.DBus.ObjectManager", "InterfacesRemoved",
        g_variant_new ("(o^as)", path, interfaces));
}

/**
 * _lanyard_service_account_changed:
 *
 * Tells the bus that @account's properties changed.
 */
void
_lanyard_service_account_changed (LanyardService *self,
                                  LanyardAccount *account)
{
  g_autofree char *path = _lanyard_service_account_path (account);

  emit (self, path, "org.freedesktop.DBus.Properties", "PropertiesChanged",
        g_variant_new ("(s@a{sv}as)", ACCOUNT_INTERFACE, account_properties (self, account), NULL));
}

/* A notification when the account comes to need attention (and its
 * withdrawal when it no longer does). */
static void
update_attention (LanyardService *self,
                  LanyardAccount *account)
{
  const char      *attention = lanyard_account_get_attention (account);
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;

  if (self->notifier == NULL)
    return;
  path = _lanyard_service_account_path (account);
  /* Called on every property change: the words only when they are shown. */
  if (attention != NULL)
    {
      const char *who = lanyard_account_get_username (account);

      /* Translators: an account: a user name, then a provider ("octocat on GitHub") */
      name = g_strdup_printf (_ ("%s on %s"), who != NULL ? who : lanyard_account_get_account_id (account),
                              _lanyard_service_provider_name (self, lanyard_account_get_provider_id (account)));
    }
  lanyard_attention_notifier_update (self->notifier, path, name, attention);
}

static void
account_notify_cb (LanyardAccount *account,
                   GParamSpec     *pspec,
                   LanyardService *self)
{
  _lanyard_service_account_changed (self, account);
  update_attention (self, account);
  if (account == lanyard_account_store_get_current (self->accounts))
    _lanyard_service_update_current (self);
}

void
_lanyard_service_export_account (LanyardService *self,
                                 LanyardAccount *account)
{
  g_autofree char *path = _lanyard_service_account_path (account);

  if (g_hash_table_contains (self->account_paths, path))
    {
      _lanyard_service_account_changed (self, account);
      return;
    }

  g_hash_table_insert (self->account_paths, g_steal_pointer (&path), account);
  g_signal_connect_object (account, "notify", G_CALLBACK (account_notify_cb), self, 0);
  update_attention (self, account);
  {
    g_autofree char *added = _lanyard_service_account_path (account);
    interfaces_added (self, added, ACCOUNT_INTERFACE, account_properties (self, account));
  }
}

void
_lanyard_service_unexport_account (LanyardService *self,
                                   LanyardAccount *account)
{
  g_autofree char *path = _lanyard_service_account_path (account);
  g_autofree char *key = lanyard_account_dup_key (account);

  g_signal_handlers_disconnect_by_func (account, account_notify_cb, self);
  if (self->notifier != NULL)
    lanyard_attention_notifier_forget (self->notifier, path);
  g_hash_table_remove (self->account_paths, path);
  g_hash_table_remove (self->unavailable, key);
  interfaces_removed (self, path, ACCOUNT_INTERFACE);
}

static void
add_object (GVariantBuilder *objects,
            const char      *path,
            const char      *interface,
            GVariant        *properties)
{
  GVariantBuilder interfaces;

  g_variant_builder_init (&interfaces, G_VARIANT_TYPE ("a{sa{sv}}"));
  g_variant_builder_add (&interfaces, "{s@a{sv}}", interface, properties);
  g_variant_builder_add (objects, "{oa{sa{sv}}}", path, &interfaces);
}

static void
object_manager_method_call (GDBusConnection       *connection,
                            const char            *sender,
                            const char            *object_path,
                            const char            *interface_name,
                            const char            *method_name,
                            GVariant              *parameters,
                            GDBusMethodInvocation *invocation,
                            gpointer               user_data)
{
  LanyardService *self = user_data;
  GVariantBuilder objects;
  GHashTableIter  iter;
  gpointer        key, value;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCaller) caller = lanyard_caller_tracker_lookup (self->callers, sender, &error);

  /* Sign-ins are not among the objects: each is private to its starter. */
  if (caller == NULL || !lanyard_policy_allows (caller, interface_name, LANYARD_POLICY_METHOD, method_name, NULL, &error))
    {
      lanyard_dbus_errors_return (invocation, error);
      return;
    }

  g_variant_builder_init (&objects, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  add_object (&objects, LANYARD_DAEMON_ROOT_PATH "/Manager", "io.github.lanyard.Manager",
              g_dbus_interface_skeleton_get_properties (G_DBUS_INTERFACE_SKELETON (self->manager)));

  g_hash_table_iter_init (&iter, self->account_paths);
  while (g_hash_table_iter_next (&iter, &key, &value))
    add_object (&objects, key, ACCOUNT_INTERFACE, account_properties (self, value));

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a{oa{sa{sv}}})", &objects));
}

static const GDBusInterfaceVTable object_manager_vtable = {
  object_manager_method_call,
  NULL,
  NULL,
  { 0 }
};

static LanyardAccount *
account_at (LanyardService *self,
            const char     *object_path)
{
  return g_hash_table_lookup (self->account_paths, object_path);
}

static void
account_method_call (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *object_path,
                     const char            *interface_name,
                     const char            *method_name,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  LanyardService *self = user_data;
  LanyardAccount *account = account_at (self, object_path);

  /* Until accounts are skeletons of their own, the gate is called here. */
  if (!lanyard_policy_authorize_method (self->callers, invocation, NULL))
    return;
  if (account == NULL)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.DBus.Error.UnknownObject",
                                                  "That account was unlinked");
      return;
    }

  _lanyard_service_account_method (self, account, method_name, invocation);
}

static GVariant *
account_get_property (GDBusConnection *connection,
                      const char      *sender,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *property_name,
                      GError         **error,
                      gpointer         user_data)
{
  LanyardService *self = user_data;
  LanyardAccount *account = account_at (self, object_path);
  GVariant       *value;

  if (!lanyard_policy_authorize_property (self->callers, sender, interface_name, property_name, NULL, error))
    return NULL;
  value = account != NULL ? account_property (self, account, property_name) : NULL;
  if (value == NULL)
    g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property_name);
  return value;
}

static const GDBusInterfaceVTable account_vtable = {
  account_method_call,
  account_get_property,
  NULL,
  { 0 }
};

static char **
subtree_enumerate (GDBusConnection *connection,
                   const char      *sender,
                   const char      *object_path,
                   gpointer         user_data)
{
  LanyardService *self = user_data;
  GPtrArray      *nodes = g_ptr_array_new ();
  GHashTableIter  iter;
  gpointer        key;

  g_hash_table_iter_init (&iter, self->account_paths);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (nodes, g_strdup (strrchr (key, '/') + 1));
  g_ptr_array_add (nodes, NULL);
  return (char **) g_ptr_array_free (nodes, FALSE);
}

static GDBusInterfaceInfo **
subtree_introspect (GDBusConnection *connection,
                    const char      *sender,
                    const char      *object_path,
                    const char      *node,
                    gpointer         user_data)
{
  LanyardService  *self = user_data;
  GPtrArray       *infos = g_ptr_array_new ();
  g_autofree char *path = node != NULL ? g_strconcat (object_path, "/", node, NULL) : NULL;

  /* GLib passes the subtree's path with the node, or (as 2.74 does for
   * child nodes) the node's full path; either names the account. */
  if (node != NULL && (account_at (self, path) != NULL || account_at (self, object_path) != NULL))
    g_ptr_array_add (infos, g_dbus_interface_info_ref (lanyard_dbus_account_interface_info ()));
  g_ptr_array_add (infos, NULL);
  return (GDBusInterfaceInfo **) g_ptr_array_free (infos, FALSE);
}

static const GDBusInterfaceVTable *
subtree_dispatch (GDBusConnection *connection,
                  const char      *sender,
                  const char      *object_path,
                  const char      *interface_name,
                  const char      *node,
                  gpointer        *out_user_data,
                  gpointer         user_data)
{
  *out_user_data = user_data;
  return g_strcmp0 (interface_name, ACCOUNT_INTERFACE) == 0 ? &account_vtable : NULL;
}

static const GDBusSubtreeVTable subtree_vtable = {
  subtree_enumerate,
  subtree_introspect,
  subtree_dispatch,
  { 0 }
};

/**
 * _lanyard_service_export_objects:
 *
 * Puts the object manager, the manager and the accounts on @connection.
 */
gboolean
_lanyard_service_export_objects (LanyardService *self,
                                 GError        **error)
{
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (object_manager_xml, error);

  if (node == NULL ||
      !g_dbus_connection_register_object (self->connection, LANYARD_DAEMON_ROOT_PATH, node->interfaces[0],
                                          &object_manager_vtable, self, NULL, error) ||
      !g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->manager), self->connection,
                                         LANYARD_DAEMON_ROOT_PATH "/Manager", error))
    return FALSE;

  return g_dbus_connection_register_subtree (self->connection, LANYARD_DAEMON_ROOT_PATH "/Accounts",
                                             &subtree_vtable, G_DBUS_SUBTREE_FLAGS_NONE, self, NULL, error) != 0;
}
