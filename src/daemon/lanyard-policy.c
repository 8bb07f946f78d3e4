/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-policy.h"

#include <glib/gi18n.h>

#include <string.h>

#include "lanyard-error.h"

/**
 * SECTION:lanyard-policy
 *
 * Who may call what: one table, one row per method and per property of
 * every interface the daemon serves, consulted for every call and every
 * property read before any handler runs. A member without a row is
 * refused and logged as a bug; tests/test-access-policy.c walks the
 * interfaces' introspection data and fails when one has no row.
 * docs/dbus-api.md, "Access policy", is this table in words.
 *
 * The gate. Each skeleton subclass (#LanyardManagerService,
 * #LanyardBusAccount, #LanyardBusFlow) overrides its class's get_vtable()
 * so that the method handler and the property getter call
 * lanyard_policy_authorize_method() and lanyard_policy_authorize_property()
 * first; no handler can be reached around it. Not
 * #GDBusInterfaceSkeleton::g-authorize-method: once a class overrides it,
 * GLib sends every call of that interface through a worker thread and back
 * (measured: GetCurrentIdentity 1.5–2.2× a Ping instead of the 1.2× the
 * daemon keeps), and GLib 2.74 does not emit it for property reads anyway,
 * so the getter would need its own gate all the same. The policy is
 * synchronous either way (a vtable must answer before it returns): the
 * caller comes from #LanyardCallerTracker's cache, or from one
 * `GetConnectionCredentials` round trip to the bus daemon the first time a
 * connection calls, which is the only wait on the main loop.
 *
 * Programs of another user never get anything: a session bus that lets
 * them in is misconfigured. Sandboxed programs (Flatpak, Snap, or not
 * identifiable) may learn who the user is, and nothing else yet: asking
 * the person for consent is still to come.
 */

#define MANAGER "io.github.lanyard.Manager"
#define ACCOUNT "io.github.lanyard.Account"
#define FLOW "io.github.lanyard.Flow"

#define METHOD(interface, member, who)                             \
  {                                                                \
    interface, LANYARD_POLICY_METHOD, member, LANYARD_POLICY_##who \
  }
#define PROPERTY(interface, member, who)                             \
  {                                                                  \
    interface, LANYARD_POLICY_PROPERTY, member, LANYARD_POLICY_##who \
  }

static const LanyardPolicyRule rules[] = {
  /* Who the user is, and what can be signed in with. */
  METHOD (MANAGER, "GetCurrentIdentity", ANY_PROGRAM),
  PROPERTY (MANAGER, "CurrentIdentity", ANY_PROGRAM),
  PROPERTY (MANAGER, "Version", ANY_PROGRAM),
  METHOD (MANAGER, "ListProviders", ANY_PROGRAM),
  METHOD (MANAGER, "FindAccount", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "Key", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "ProviderId", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "AccountId", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "Username", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "DisplayName", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "Email", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "AvatarUrl", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "Primary", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "NeedsAttention", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "Available", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "AttentionReason", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "ExpiresAt", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "LinkedAt", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "LastRefresh", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "Scopes", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "Orgs", ANY_PROGRAM),
  PROPERTY (ACCOUNT, "IdentityOnly", ANY_PROGRAM),

  /* The object manager at the root: the manager and the accounts (the
   * properties above), never a sign-in. GDBusObjectManagerServer answers it
   * with no hook for a policy, so another user on a session bus that lets
   * other users in (a misconfigured one) gets it too. */
  METHOD ("org.freedesktop.DBus.ObjectManager", "GetManagedObjects", BUS_ANSWERED),

  /* Acting as the person: host programs only. */
  METHOD (MANAGER, "StartFlow", HOST_PROGRAM),
  METHOD (MANAGER, "CancelFlow", HOST_PROGRAM), /* and only the starter's flows */
  METHOD (MANAGER, "SetPrimary", HOST_PROGRAM),
  METHOD (MANAGER, "AddServer", HOST_PROGRAM),
  METHOD (MANAGER, "AddServerWithClientId", HOST_PROGRAM),
  METHOD (MANAGER, "RenameProvider", HOST_PROGRAM),
  METHOD (MANAGER, "RemoveProvider", HOST_PROGRAM),
  METHOD (ACCOUNT, "Unlink", HOST_PROGRAM),
  METHOD (ACCOUNT, "EnsureCredentials", HOST_PROGRAM),
  METHOD (ACCOUNT, "CheckCredentials", HOST_PROGRAM),
  METHOD (ACCOUNT, "GetAccessToken", TOKEN_READER),
  METHOD (ACCOUNT, "RequestAccess", TOKEN_READER),

  /* A sign-in is private to the connection that started it. */
  METHOD (FLOW, "Cancel", FLOW_STARTER),
  PROPERTY (FLOW, "ProviderId", FLOW_STARTER),
  PROPERTY (FLOW, "AuthorizeUrl", FLOW_STARTER),
  PROPERTY (FLOW, "RedirectUri", FLOW_STARTER),
  PROPERTY (FLOW, "BrowserPolicy", FLOW_STARTER),
  PROPERTY (FLOW, "Status", FLOW_STARTER),
  PROPERTY (FLOW, "Account", FLOW_STARTER),
  PROPERTY (FLOW, "Grant", FLOW_STARTER),
  PROPERTY (FLOW, "UserCode", FLOW_STARTER),
  PROPERTY (FLOW, "VerificationUri", FLOW_STARTER),
  PROPERTY (FLOW, "VerificationUriComplete", FLOW_STARTER),
  PROPERTY (FLOW, "ExpiresAt", FLOW_STARTER),
};

/**
 * lanyard_policy_get_rules:
 * @n_rules: (out): how many
 *
 * Returns: (array length=n_rules): the table, for tests and documentation
 */
const LanyardPolicyRule *
lanyard_policy_get_rules (guint *n_rules)
{
  *n_rules = G_N_ELEMENTS (rules);
  return rules;
}

/**
 * lanyard_policy_lookup:
 *
 * Returns: (nullable): the row of @member, %NULL when it has none
 */
const LanyardPolicyRule *
lanyard_policy_lookup (const char         *interface,
                       LanyardPolicyMember kind,
                       const char         *member)
{
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    if (rules[i].kind == kind && g_strcmp0 (rules[i].interface, interface) == 0 &&
        g_strcmp0 (rules[i].member, member) == 0)
      return &rules[i];
  return NULL;
}

/**
 * lanyard_policy_allows:
 * @caller: who asks
 * @flow_starter: (nullable): for a sign-in's members, the unique name of
 *   the connection that started it
 *
 * Returns: whether @caller may call (or read) @member; when not,
 *   %LANYARD_ERROR_PERMISSION_DENIED with words that say why
 */
gboolean
lanyard_policy_allows (const LanyardCaller *caller,
                       const char          *interface,
                       LanyardPolicyMember  kind,
                       const char          *member,
                       const char          *flow_starter,
                       GError             **error)
{
  const LanyardPolicyRule *rule = lanyard_policy_lookup (interface, kind, member);
  g_autofree char         *who = NULL;

  if (rule == NULL)
    {
      g_message ("BUG: %s.%s has no row in the access policy; refused", interface, member);
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                   _ ("Lanyard refuses this call because its access policy has no rule for it. "
                      "This is a bug in Lanyard; please report it."));
      return FALSE;
    }

  if (rule->who == LANYARD_POLICY_BUS_ANSWERED)
    return TRUE;

  if (lanyard_caller_get_kind (caller) == LANYARD_CALLER_OTHER_USER)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                   _ ("Lanyard answers only programs of the user it runs for, and this program runs as another user."));
      return FALSE;
    }

  switch (rule->who)
    {
    case LANYARD_POLICY_ANY_PROGRAM:
    case LANYARD_POLICY_BUS_ANSWERED:
      return TRUE;

    case LANYARD_POLICY_HOST_PROGRAM:
      if (!lanyard_caller_is_sandboxed (caller))
        return TRUE;
      who = lanyard_caller_describe (caller);
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                   _ ("%s runs in a sandbox, so Lanyard does not let it sign in, cancel sign-ins, choose the primary "
                      "account, unlink accounts or check their credentials; a sandboxed application may only learn "
                      "who you are (the current identity). Use Lanyard itself for these."),
                   who);
      return FALSE;

    case LANYARD_POLICY_TOKEN_READER:
      if (!lanyard_caller_is_sandboxed (caller))
        return TRUE;
      who = lanyard_caller_describe (caller);
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                   _ ("%s runs in a sandbox, and sandboxed applications cannot get access tokens from Lanyard yet: "
                      "there is no way yet to ask you for consent. Who you are (the current identity) is available to them."),
                   who);
      return FALSE;

    case LANYARD_POLICY_FLOW_STARTER:
      if (flow_starter != NULL && g_strcmp0 (lanyard_caller_get_name (caller), flow_starter) == 0)
        return TRUE;
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                   _ ("This sign-in belongs to the program that started it; no other program may look at it or cancel it."));
      return FALSE;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
argument_is_sane (GVariant *value,
                  guint     depth)
{
  const GVariantType *type = g_variant_get_type (value);
  gsize               n;

  if (g_variant_type_is_basic (type))
    {
      if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING) || g_variant_type_equal (type, G_VARIANT_TYPE_OBJECT_PATH) ||
          g_variant_type_equal (type, G_VARIANT_TYPE_SIGNATURE))
        {
          g_variant_get_string (value, &n);
          return n <= LANYARD_POLICY_MAX_STRING_LENGTH;
        }
      return TRUE;
    }

  /* Fixed arrays (bytes…) are one element as far as the limit goes. */
  if (g_variant_type_is_array (type) && g_variant_type_is_basic (g_variant_type_element (type)) &&
      !g_variant_type_is_subtype_of (g_variant_type_element (type), G_VARIANT_TYPE_STRING) &&
      !g_variant_type_equal (g_variant_type_element (type), G_VARIANT_TYPE_OBJECT_PATH) &&
      !g_variant_type_equal (g_variant_type_element (type), G_VARIANT_TYPE_SIGNATURE))
    return g_variant_get_size (value) <= LANYARD_POLICY_MAX_STRING_LENGTH;

  n = g_variant_n_children (value);
  if (n > LANYARD_POLICY_MAX_ELEMENTS || depth > 8)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (value, i);

      if (!argument_is_sane (child, depth + 1))
        return FALSE;
    }
  return TRUE;
}

/**
 * lanyard_policy_check_arguments:
 * @parameters: (nullable): a call's arguments
 *
 * Refuses strings longer than %LANYARD_POLICY_MAX_STRING_LENGTH bytes and
 * arrays of more than %LANYARD_POLICY_MAX_ELEMENTS elements, anywhere in
 * the arguments, without repeating them: no real provider id, key, path
 * or option is that long, and an error that echoed one would hand it back
 * to whoever reads the logs or the reply.
 */
gboolean
lanyard_policy_check_arguments (GVariant *parameters,
                                GError  **error)
{
  if (parameters == NULL || argument_is_sane (parameters, 0))
    return TRUE;

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
               _ ("An argument is too long (more than %d bytes, or more than %d elements); Lanyard did not read it."),
               LANYARD_POLICY_MAX_STRING_LENGTH, LANYARD_POLICY_MAX_ELEMENTS);
  return FALSE;
}

static gboolean
authorize (LanyardCallerTracker *callers,
           const char           *sender,
           const char           *interface,
           LanyardPolicyMember   kind,
           const char           *member,
           const char           *flow_starter,
           GError              **error)
{
  g_autoptr(LanyardCaller) caller = lanyard_caller_tracker_lookup (callers, sender, error);

  return caller != NULL && lanyard_policy_allows (caller, interface, kind, member, flow_starter, error);
}

/**
 * lanyard_policy_authorize_method:
 * @callers: who is who
 * @invocation: the call
 * @flow_starter: (nullable): for a sign-in, who started it
 *
 * For a skeleton's method handler. Should GLib route property calls
 * (`org.freedesktop.DBus.Properties`) through it, as newer versions can,
 * those are checked per property.
 *
 * Returns: %TRUE when the call may go on; otherwise the call has been
 *   answered with the refusal
 */
gboolean
lanyard_policy_authorize_method (LanyardCallerTracker  *callers,
                                 GDBusMethodInvocation *invocation,
                                 const char            *flow_starter)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  const char *interface = g_dbus_method_invocation_get_interface_name (invocation);
  const char *method = g_dbus_method_invocation_get_method_name (invocation);
  GVariant   *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr(GError) error = NULL;
  gboolean allowed;

  if (!lanyard_policy_check_arguments (parameters, &error))
    allowed = FALSE;
  else if (g_strcmp0 (interface, "org.freedesktop.DBus.Properties") == 0)
    {
      const GDBusPropertyInfo *property = g_dbus_method_invocation_get_property_info (invocation);
      const char              *target = NULL;

      g_variant_get_child (parameters, 0, "&s", &target);
      if (property != NULL)
        allowed = authorize (callers, sender, target, LANYARD_POLICY_PROPERTY, property->name, flow_starter, &error);
      else if (g_strcmp0 (method, "GetAll") == 0)
        {
          /* All or nothing: the first property refused refuses the call. */
          allowed = TRUE;
          for (guint i = 0; allowed && i < G_N_ELEMENTS (rules); i++)
            if (rules[i].kind == LANYARD_POLICY_PROPERTY && g_strcmp0 (rules[i].interface, target) == 0)
              allowed = authorize (callers, sender, target, LANYARD_POLICY_PROPERTY, rules[i].member, flow_starter, &error);
        }
      else
        {
          g_set_error (&error, G_DBUS_ERROR, G_DBUS_ERROR_PROPERTY_READ_ONLY, _ ("Every property of Lanyard is read-only."));
          allowed = FALSE;
        }
    }
  else
    allowed = authorize (callers, sender, interface, LANYARD_POLICY_METHOD, method, flow_starter, &error);

  if (!allowed)
    {
      g_debug ("Refused %s.%s to %s: %s", interface, method, sender ?: "a peer", error->message);
      g_dbus_method_invocation_return_gerror (invocation, error);
    }
  return allowed;
}

/**
 * lanyard_policy_authorize_property:
 *
 * For a skeleton's property getter (see lanyard_policy_authorize_method()
 * for calls).
 */
gboolean
lanyard_policy_authorize_property (LanyardCallerTracker *callers,
                                   const char           *sender,
                                   const char           *interface,
                                   const char           *property,
                                   const char           *flow_starter,
                                   GError              **error)
{
  return authorize (callers, sender, interface, LANYARD_POLICY_PROPERTY, property, flow_starter, error);
}

/* What a guarded skeleton is checked against. */
typedef struct
{
  LanyardCallerTracker        *callers; /* owned */
  char                        *flow_starter; /* owned; NULL but for a sign-in */
  GDBusInterfaceSkeletonClass *unguarded; /* borrowed: the generated skeleton's class */
} Guard;

G_DEFINE_QUARK (lanyard - policy - guard, guard)

static void
guard_free (gpointer data)
{
  Guard *guard = data;

  g_object_unref (guard->callers);
  g_free (guard->flow_starter);
  g_free (guard);
}

/**
 * lanyard_policy_guard:
 * @skeleton: an instance of a class that derives directly from a skeleton
 *   gdbus-codegen generated, and whose get_vtable is
 *   lanyard_policy_guarded_vtable()
 * @callers: who is who
 * @flow_starter: (nullable): for a sign-in, the unique name of the
 *   connection that started it
 *
 * Puts @skeleton behind the policy: before it is exported, once.
 */
void
lanyard_policy_guard (GDBusInterfaceSkeleton *skeleton,
                      LanyardCallerTracker   *callers,
                      const char             *flow_starter)
{
  Guard *guard = g_new0 (Guard, 1);

  g_return_if_fail (G_IS_DBUS_INTERFACE_SKELETON (skeleton));
  g_return_if_fail (g_object_get_qdata (G_OBJECT (skeleton), guard_quark ()) == NULL);

  guard->callers = g_object_ref (callers);
  guard->flow_starter = g_strdup (flow_starter);
  guard->unguarded = g_type_class_peek_parent (G_OBJECT_GET_CLASS (skeleton));
  g_object_set_qdata_full (G_OBJECT (skeleton), guard_quark (), guard, guard_free);
}

/* A skeleton that was never guarded answers nothing: failing closed. */
static Guard *
guard_of (gpointer skeleton)
{
  return g_object_get_qdata (G_OBJECT (skeleton), guard_quark ());
}

/* Every call passes the access policy before its handler, on the main
 * thread; not in g-authorize-method, which GLib 2.74 does not emit for
 * property reads and which sends every call through a worker thread. */
static void
guarded_method_call (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *object_path,
                     const char            *interface_name,
                     const char            *method_name,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  Guard *guard = guard_of (user_data);

  if (guard == NULL)
    {
      g_dbus_method_invocation_return_error_literal (invocation, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                                                     _ ("This object is not ready to answer yet"));
      return;
    }
  if (!lanyard_policy_authorize_method (guard->callers, invocation, guard->flow_starter))
    return;
  guard->unguarded->get_vtable (user_data)->method_call (connection, sender, object_path, interface_name, method_name,
                                                         parameters, invocation, user_data);
}

/* Property reads (Get, and each property of GetAll) pass it too. */
static GVariant *
guarded_get_property (GDBusConnection *connection,
                      const char      *sender,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *property_name,
                      GError         **error,
                      gpointer         user_data)
{
  Guard *guard = guard_of (user_data);
  g_autoptr(GError) local_error = NULL;

  if (guard == NULL)
    return NULL;
  if (!lanyard_policy_authorize_property (guard->callers, sender, interface_name, property_name, guard->flow_starter,
                                          &local_error))
    {
      /* GetAll passes no error: the property is left out. */
      if (error != NULL)
        *error = g_steal_pointer (&local_error);
      return NULL;
    }
  return guard->unguarded->get_vtable (user_data)->get_property (connection, sender, object_path, interface_name,
                                                                 property_name, error, user_data);
}

/**
 * lanyard_policy_guarded_vtable:
 * @storage: the class's own vtable, filled once
 * @once: the class's own once-guard
 *
 * The get_vtable of a guarded skeleton class: the generated vtable with
 * its calls and property reads behind the policy and no property writes.
 */
GDBusInterfaceVTable *
lanyard_policy_guarded_vtable (GDBusInterfaceSkeleton *skeleton,
                               GDBusInterfaceVTable   *storage,
                               gsize                  *once)
{
  if (g_once_init_enter (once))
    {
      GDBusInterfaceSkeletonClass *unguarded = g_type_class_peek_parent (G_OBJECT_GET_CLASS (skeleton));

      *storage = *unguarded->get_vtable (skeleton);
      storage->method_call = guarded_method_call;
      storage->get_property = guarded_get_property;
      storage->set_property = NULL;
      g_once_init_leave (once, 1);
    }
  return storage;
}
