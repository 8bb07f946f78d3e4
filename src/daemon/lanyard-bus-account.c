/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-bus-account.h"

#include <glib/gi18n.h>

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
 * property read passes the access policy first, and a sandboxed
 * application's GetAccessToken and RequestAccess the person's consent
 * (#LanyardConsent) after it.
 */
struct _LanyardBusAccount
{
  LanyardDBusAccountSkeleton parent_instance;

  /* Owned references */
  LanyardAccountManager *manager;
  LanyardAccount        *account;
  LanyardCallerTracker  *callers;
  LanyardConsent        *consent;
};

static void lanyard_bus_account_iface_init (LanyardDBusAccountIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LanyardBusAccount, lanyard_bus_account, LANYARD_DBUS_TYPE_ACCOUNT_SKELETON, G_IMPLEMENT_INTERFACE (LANYARD_DBUS_TYPE_ACCOUNT, lanyard_bus_account_iface_init))

static void
lanyard_bus_account_dispose (GObject *object)
{
  LanyardBusAccount *self = LANYARD_BUS_ACCOUNT (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->account);
  g_clear_object (&self->callers);
  g_clear_object (&self->consent);

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

/* What the window shows of the account when it asks the person
 * (data/io.github.lanyard.ConsentPrompt.xml). */
static GVariant *
shown_account (LanyardBusAccount *self)
{
  g_autofree char   *path = lanyard_bus_account_path (self->account);
  g_autofree char   *key = lanyard_account_dup_key (self->account);
  const char        *provider = lanyard_account_get_provider_id (self->account);
  const char        *username = lanyard_account_get_username (self->account);
  const char        *display_name = lanyard_account_get_display_name (self->account);
  const char        *avatar = lanyard_account_get_avatar_url (self->account);
  const char *const *scopes = lanyard_account_get_scopes (self->account);
  const char *const  none[] = { NULL };
  GVariantBuilder    builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "path", g_variant_new_object_path (path));
  g_variant_builder_add (&builder, "{sv}", "key", g_variant_new_string (key));
  g_variant_builder_add (&builder, "{sv}", "provider-name",
                         g_variant_new_string (lanyard_account_manager_get_provider_name (self->manager, provider)));
  g_variant_builder_add (&builder, "{sv}", "username", g_variant_new_string (username ?: ""));
  g_variant_builder_add (&builder, "{sv}", "display-name", g_variant_new_string (display_name ?: ""));
  g_variant_builder_add (&builder, "{sv}", "avatar-url", g_variant_new_string (avatar ?: ""));
  g_variant_builder_add (&builder, "{sv}", "scopes", g_variant_new_strv (scopes != NULL ? scopes : none, -1));
  return g_variant_builder_end (&builder);
}

/* A call of GetAccessToken or RequestAccess, on its way through consent. */
typedef struct
{
  LanyardBusAccount     *self; /* owned */
  GDBusMethodInvocation *invocation; /* owned */
  LanyardCaller         *caller; /* owned */
  gboolean               wants_token;
} TokenCall;

static void
token_call_free (TokenCall *call)
{
  g_object_unref (call->self);
  g_object_unref (call->invocation);
  lanyard_caller_unref (call->caller);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TokenCall, token_call_free)

static void
access_token_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TokenCall) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64           expires_at = 0;

  token = lanyard_account_manager_get_access_token_finish (LANYARD_ACCOUNT_MANAGER (object), result, &expires_at, &error);
  if (token == NULL)
    {
      lanyard_dbus_errors_return (call->invocation, error);
      return;
    }
  lanyard_consent_record_token (call->self->consent, call->caller, call->self->account);
  g_dbus_method_invocation_return_value (call->invocation, g_variant_new ("(sx)", token, expires_at));
}

static void
consented_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TokenCall) call = user_data;
  g_autoptr(GError) error = NULL;

  if (!lanyard_consent_check_finish (LANYARD_CONSENT (object), result, &error))
    {
      lanyard_dbus_errors_return (call->invocation, error);
      return;
    }
  if (!call->wants_token)
    {
      g_dbus_method_invocation_return_value (call->invocation, NULL);
      return;
    }
  {
    LanyardBusAccount *self = call->self;

    lanyard_account_manager_get_access_token_async (self->manager, self->account, NULL, access_token_cb,
                                                    g_steal_pointer (&call));
  }
}

/* The policy let every program of the user through (TOKEN_READER): a
 * host program goes on at once, a sandboxed one after the person's
 * consent. */
static void
with_consent (LanyardBusAccount     *self,
              GDBusMethodInvocation *invocation,
              gboolean               wants_token)
{
  g_autoptr(GError) error = NULL;
  LanyardCaller *caller = lanyard_caller_tracker_lookup (self->callers, g_dbus_method_invocation_get_sender (invocation),
                                                         &error);
  TokenCall     *call;

  if (caller == NULL)
    {
      lanyard_dbus_errors_return (invocation, error);
      return;
    }
  call = g_new0 (TokenCall, 1);
  call->self = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  call->caller = caller;
  call->wants_token = wants_token;
  lanyard_consent_check_async (self->consent, caller, self->account, shown_account (self), NULL, consented_cb, call);
}

static gboolean
lanyard_bus_account_handle_get_access_token (LanyardDBusAccount    *iface,
                                             GDBusMethodInvocation *invocation)
{
  with_consent (LANYARD_BUS_ACCOUNT (iface), invocation, TRUE);
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

/* As GetAccessToken, without the token: for an application that asks
 * when its user chooses the account rather than at its first token. */
static gboolean
lanyard_bus_account_handle_request_access (LanyardDBusAccount    *iface,
                                           GDBusMethodInvocation *invocation)
{
  with_consent (LANYARD_BUS_ACCOUNT (iface), invocation, FALSE);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) apps = lanyard_consent_list_apps_finish (LANYARD_CONSENT (object), result, &error);

  if (apps == NULL)
    lanyard_dbus_errors_return (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new_tuple (&apps, 1));
}

static gboolean
lanyard_bus_account_handle_list_apps (LanyardDBusAccount    *iface,
                                      GDBusMethodInvocation *invocation)
{
  LanyardBusAccount *self = LANYARD_BUS_ACCOUNT (iface);

  lanyard_consent_list_apps_async (self->consent, self->account, listed_cb, g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
set_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (!lanyard_consent_set_access_finish (LANYARD_CONSENT (object), result, &error))
    lanyard_dbus_errors_return (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static gboolean
lanyard_bus_account_handle_set_app_access (LanyardDBusAccount    *iface,
                                           GDBusMethodInvocation *invocation,
                                           const char            *app_id,
                                           gboolean               allowed)
{
  LanyardBusAccount *self = LANYARD_BUS_ACCOUNT (iface);

  lanyard_consent_set_access_async (self->consent, self->account, app_id, allowed, set_cb, g_object_ref (invocation));
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
  iface->handle_list_apps = lanyard_bus_account_handle_list_apps;
  iface->handle_set_app_access = lanyard_bus_account_handle_set_app_access;
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
  "orgs",
  "identity-only",
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

/* A binding of every followed property, in one handler: thirteen GBinding
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
 * @consent: what sandboxed applications may have
 */
LanyardBusAccount *
lanyard_bus_account_new (LanyardAccountManager *manager,
                         LanyardAccount        *account,
                         LanyardCallerTracker  *callers,
                         LanyardConsent        *consent)
{
  LanyardBusAccount *self = g_object_new (LANYARD_TYPE_BUS_ACCOUNT, NULL);
  g_autofree char   *key = lanyard_account_dup_key (account);

  self->manager = g_object_ref (manager);
  self->account = g_object_ref (account);
  self->callers = g_object_ref (callers);
  self->consent = g_object_ref (consent);
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
