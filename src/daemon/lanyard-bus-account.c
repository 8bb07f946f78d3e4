/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-bus-account.h"

#include "lanyard-dbus-errors.h"
#include "lanyard-policy.h"

/**
 * LanyardBusAccount:
 *
 * One linked account on the bus (`io.github.lanyard.Account`), one per
 * #LanyardAccount, exported in an object skeleton under the object
 * manager. Its properties follow the account's own (one notify handler
 * doing what a binding per property would), so GDBus sends only what
 * changed; its methods are the account manager's. Every call and
 * property read passes the access policy first.
 */
struct _LanyardBusAccount
{
  LanyardDBusAccountSkeleton parent_instance;

  /* Owned references */
  LanyardAccountManager *manager;
  LanyardAccount        *account;
};

static void lanyard_bus_account_iface_init (LanyardDBusAccountIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LanyardBusAccount, lanyard_bus_account, LANYARD_DBUS_TYPE_ACCOUNT_SKELETON, G_IMPLEMENT_INTERFACE (LANYARD_DBUS_TYPE_ACCOUNT, lanyard_bus_account_iface_init))

static void
lanyard_bus_account_dispose (GObject *object)
{
  LanyardBusAccount *self = LANYARD_BUS_ACCOUNT (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (lanyard_bus_account_parent_class)->dispose (object);
}

static GDBusInterfaceVTable *
lanyard_bus_account_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  static GDBusInterfaceVTable vtable;
  static gsize                once;

  /* Every call and property read passes the access policy first. */
  return lanyard_policy_guarded_vtable (skeleton, &vtable, &once);
}

static void
lanyard_bus_account_class_init (LanyardBusAccountClass *klass)
{
  GObjectClass                *object_class = G_OBJECT_CLASS (klass);
  GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS (klass);

  object_class->dispose = lanyard_bus_account_dispose;
  skeleton_class->get_vtable = lanyard_bus_account_get_vtable;
}

static void
lanyard_bus_account_init (LanyardBusAccount *self)
{
}

static void
access_token_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64           expires_at = 0;

  token = lanyard_account_manager_get_access_token_finish (LANYARD_ACCOUNT_MANAGER (object), result, &expires_at, &error);
  if (token == NULL)
    {
      lanyard_dbus_errors_return (invocation, error);
      return;
    }
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(sx)", token, expires_at));
}

static gboolean
lanyard_bus_account_handle_get_access_token (LanyardDBusAccount    *iface,
                                             GDBusMethodInvocation *invocation)
{
  LanyardBusAccount *self = LANYARD_BUS_ACCOUNT (iface);

  lanyard_account_manager_get_access_token_async (self->manager, self->account, NULL, access_token_cb,
                                                  g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
ensured_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (!lanyard_account_manager_ensure_credentials_finish (LANYARD_ACCOUNT_MANAGER (object), result, &error))
    lanyard_dbus_errors_return (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static gboolean
lanyard_bus_account_handle_ensure_credentials (LanyardDBusAccount    *iface,
                                               GDBusMethodInvocation *invocation)
{
  LanyardBusAccount *self = LANYARD_BUS_ACCOUNT (iface);

  lanyard_account_manager_ensure_credentials_async (self->manager, self->account, NULL, ensured_cb,
                                                    g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;
  gboolean accepted = FALSE;

  if (!lanyard_account_manager_check_credentials_finish (LANYARD_ACCOUNT_MANAGER (object), result, &accepted, &error))
    lanyard_dbus_errors_return (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", accepted));
}

static gboolean
lanyard_bus_account_handle_check_credentials (LanyardDBusAccount    *iface,
                                              GDBusMethodInvocation *invocation)
{
  LanyardBusAccount *self = LANYARD_BUS_ACCOUNT (iface);

  lanyard_account_manager_check_credentials_async (self->manager, self->account, NULL, checked_cb,
                                                   g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The policy let the caller through (TOKEN_READER): a host program,
 * which needs nobody's consent, so there is nothing left to ask. */
static gboolean
lanyard_bus_account_handle_request_access (LanyardDBusAccount    *iface,
                                           GDBusMethodInvocation *invocation)
{
  lanyard_dbus_account_complete_request_access (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
unlinked_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean         revoked = FALSE;

  if (!lanyard_account_manager_unlink_finish (LANYARD_ACCOUNT_MANAGER (object), result, &revoked, &message, &error))
    {
      lanyard_dbus_errors_return (invocation, error);
      return;
    }
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(bs)", revoked, message ?: ""));
}

static gboolean
lanyard_bus_account_handle_unlink (LanyardDBusAccount    *iface,
                                   GDBusMethodInvocation *invocation)
{
  LanyardBusAccount *self = LANYARD_BUS_ACCOUNT (iface);

  lanyard_account_manager_unlink_async (self->manager, self->account, NULL, unlinked_cb, g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
lanyard_bus_account_iface_init (LanyardDBusAccountIface *iface)
{
  iface->handle_get_access_token = lanyard_bus_account_handle_get_access_token;
  iface->handle_ensure_credentials = lanyard_bus_account_handle_ensure_credentials;
  iface->handle_check_credentials = lanyard_bus_account_handle_check_credentials;
  iface->handle_unlink = lanyard_bus_account_handle_unlink;
  iface->handle_request_access = lanyard_bus_account_handle_request_access;
}

/* The account's properties that the interface has, by the same names. */
static const char *const followed[] = {
  "username",
  "display-name",
  "email",
  "avatar-url",
  "attention-reason",
  "primary",
  "needs-attention",
  "available",
  "expires-at",
  "last-refresh",
  "scopes",
};

/* One property of the account onto the skeleton's (which sends
 * PropertiesChanged when the value differs); D-Bus strings cannot be NULL. */
static void
follow (LanyardBusAccount *self,
        const char        *name)
{
  GValue value = G_VALUE_INIT;

  g_object_get_property (G_OBJECT (self->account), name, &value);
  if (G_VALUE_HOLDS_STRING (&value) && g_value_get_string (&value) == NULL)
    g_value_set_static_string (&value, "");
  g_object_set_property (G_OBJECT (self), name, &value);
  g_value_unset (&value);
}

/* A binding of every followed property, in one handler: eleven GBinding
 * objects per account cost about 2 KB, a thousand accounts 2 MB. */
static void
account_notify_cb (LanyardAccount    *account,
                   GParamSpec        *pspec,
                   LanyardBusAccount *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (followed); i++)
    if (g_str_equal (pspec->name, followed[i]))
      {
        follow (self, followed[i]);
        return;
      }
}

/**
 * lanyard_bus_account_path:
 *
 * Returns: (transfer full): where @account is on the bus
 */
char *
lanyard_bus_account_path (LanyardAccount *account)
{
  g_autofree char *key = lanyard_account_dup_key (account);
  g_autofree char *escaped = g_dbus_escape_object_path (key);

  return g_strconcat (LANYARD_DAEMON_ACCOUNTS_PATH "/", escaped, NULL);
}

/**
 * lanyard_bus_account_new:
 * @manager: the account manager that has @account
 * @callers: who is who, for the policy
 */
LanyardBusAccount *
lanyard_bus_account_new (LanyardAccountManager *manager,
                         LanyardAccount        *account,
                         LanyardCallerTracker  *callers)
{
  LanyardBusAccount *self = g_object_new (LANYARD_TYPE_BUS_ACCOUNT, NULL);
  g_autofree char   *key = lanyard_account_dup_key (account);

  self->manager = g_object_ref (manager);
  self->account = g_object_ref (account);
  lanyard_policy_guard (G_DBUS_INTERFACE_SKELETON (self), callers, NULL);

  lanyard_dbus_account_set_key (LANYARD_DBUS_ACCOUNT (self), key);
  lanyard_dbus_account_set_provider_id (LANYARD_DBUS_ACCOUNT (self), lanyard_account_get_provider_id (account));
  lanyard_dbus_account_set_account_id (LANYARD_DBUS_ACCOUNT (self), lanyard_account_get_account_id (account));
  lanyard_dbus_account_set_linked_at (LANYARD_DBUS_ACCOUNT (self), lanyard_account_get_linked_at (account));
  for (guint i = 0; i < G_N_ELEMENTS (followed); i++)
    follow (self, followed[i]);
  g_signal_connect_object (account, "notify", G_CALLBACK (account_notify_cb), self, 0);
  return self;
}

LanyardAccount *
lanyard_bus_account_get_account (LanyardBusAccount *self)
{
  return self->account;
}
