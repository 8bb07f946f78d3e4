/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lanyard-manager-service.h"

#include "lanyard-bus-account.h"
#include "lanyard-bus-flow.h"
#include "lanyard-dbus-enum-types.h"
#include "lanyard-dbus-enums.h"
#include "lanyard-dbus-errors.h"
#include "lanyard-error.h"
#include "lanyard-policy.h"
#include "lanyard-server-registrar.h"

/**
 * LanyardManagerService:
 *
 * `io.github.lanyard.Manager` on the bus: providers, sign-ins, and who the
 * user is. The sign-ins (#LanyardBusFlow) are its own, with the limits on
 * how many run at once. Every call and property read passes the access
 * policy first (lanyard-policy.c).
 */
struct _LanyardManagerService
{
  LanyardDBusManagerSkeleton parent_instance;

  /* Owned references */
  LanyardAccountManager  *accounts;
  LanyardServerRegistrar *servers;
  GHashTable             *reregistered; /* provider ids registered again in this run */
  LanyardCallerTracker   *callers;
  GHashTable             *flows; /* object path → LanyardBusFlow */
  GHashTable             *starting; /* sender ("" for a peer) → StartFlow calls not answered yet */
  guint                   n_starting;
  guint                   flow_serial;

  /* Borrowed references */
  GDBusObjectManagerServer *objects; /* the service's, which outlives us */
};

static void lanyard_manager_service_iface_init (LanyardDBusManagerIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LanyardManagerService, lanyard_manager_service, LANYARD_DBUS_TYPE_MANAGER_SKELETON, G_IMPLEMENT_INTERFACE (LANYARD_DBUS_TYPE_MANAGER, lanyard_manager_service_iface_init))

static void
lanyard_manager_service_dispose (GObject *object)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (object);

  /* The sign-ins end with the service: their listeners close now. */
  if (self->flows != NULL)
    {
      GHashTableIter iter;
      gpointer       flow;

      g_hash_table_iter_init (&iter, self->flows);
      while (g_hash_table_iter_next (&iter, NULL, &flow))
        g_object_run_dispose (flow);
    }
  g_clear_pointer (&self->flows, g_hash_table_unref);
  g_clear_object (&self->accounts);
  g_clear_object (&self->servers);
  g_clear_object (&self->callers);
  self->objects = NULL;

  G_OBJECT_CLASS (lanyard_manager_service_parent_class)->dispose (object);
}

static void
lanyard_manager_service_finalize (GObject *object)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (object);

  g_hash_table_unref (self->starting);
  g_hash_table_unref (self->reregistered);

  G_OBJECT_CLASS (lanyard_manager_service_parent_class)->finalize (object);
}

static GDBusInterfaceVTable *
lanyard_manager_service_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  static GDBusInterfaceVTable vtable;
  static gsize                once;

  /* Every call and property read passes the access policy first. */
  return lanyard_policy_guarded_vtable (skeleton, &vtable, &once);
}

static void
lanyard_manager_service_class_init (LanyardManagerServiceClass *klass)
{
  GObjectClass                *object_class = G_OBJECT_CLASS (klass);
  GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS (klass);

  object_class->dispose = lanyard_manager_service_dispose;
  object_class->finalize = lanyard_manager_service_finalize;
  skeleton_class->get_vtable = lanyard_manager_service_get_vtable;
}

static void
lanyard_manager_service_init (LanyardManagerService *self)
{
  self->flows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->starting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->reregistered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static const char *
browser_policy_nick (LanyardProvider *provider)
{
  return lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_BROWSER_POLICY,
                                    provider != NULL && lanyard_provider_get_browser_policy (provider) == LANYARD_BROWSER_POLICY_SYSTEM_ONLY
                                      ? LANYARD_DBUS_BROWSER_POLICY_SYSTEM
                                      : LANYARD_DBUS_BROWSER_POLICY_ANY);
}

/* The server of a provider that can be self-hosted (GitLab, OpenID
 * Connect), so that two of a kind can be told apart, as GNOME Online
 * Accounts shows them: "gitlab.example.com", "127.0.0.1:8080". Not for
 * gitlab.com, nor before an OpenID Connect provider's discovery. */
static char *
provider_server (const LanyardProviderEntry *entry)
{
  const char *issuer;
  g_autoptr(GUri) uri = NULL;

  if (entry->provider == NULL ||
      !(g_strcmp0 (entry->type_name, "gitlab") == 0 || g_strcmp0 (entry->type_name, "oidc") == 0))
    return NULL;
  issuer = lanyard_provider_get_issuer (entry->provider);
  uri = issuer != NULL ? g_uri_parse (issuer, G_URI_FLAGS_NONE, NULL) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_ascii_strcasecmp (g_uri_get_host (uri), "gitlab.com") == 0)
    return NULL;
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup (g_uri_get_host (uri));
}

static gboolean
lanyard_manager_service_handle_list_providers (LanyardDBusManager    *manager,
                                               GDBusMethodInvocation *invocation)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (manager);
  GPtrArray             *entries = lanyard_provider_registry_get_entries (lanyard_account_manager_get_registry (self->accounts));
  GVariantBuilder        builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < entries->len; i++)
    {
      const LanyardProviderEntry *entry = g_ptr_array_index (entries, i);
      GVariantDict                dict;

      g_variant_dict_init (&dict, NULL);
      g_variant_dict_insert (&dict, "id", "s", entry->id);
      g_variant_dict_insert (&dict, "display-name", "s", entry->display_name);
      g_variant_dict_insert (&dict, "type", "s", entry->type_name);
      g_variant_dict_insert (&dict, "configured", "b", entry->provider != NULL);
      g_variant_dict_insert (&dict, "problem", "s", entry->problem ?: "");
      g_variant_dict_insert (&dict, "demo", "b", entry->provider != NULL && lanyard_provider_get_is_demo (entry->provider));
      g_variant_dict_insert (&dict, "managed", "b", entry->locked);
      g_variant_dict_insert (&dict, "browser-policy", "s", browser_policy_nick (entry->provider));
      g_variant_dict_insert (&dict, "added", "b", lanyard_server_registrar_is_added (self->servers, entry->id));
      if (entry->provider != NULL)
        {
          g_autofree char *device_problem = NULL;
          g_autoptr(GPtrArray) grants = g_ptr_array_new ();

          if (lanyard_provider_supports_grant (entry->provider, LANYARD_GRANT_AUTHORIZATION_CODE, NULL))
            g_ptr_array_add (grants, (char *) lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_GRANT, LANYARD_DBUS_GRANT_AUTHORIZATION_CODE));
          if (lanyard_provider_supports_grant (entry->provider, LANYARD_GRANT_DEVICE, &device_problem))
            g_ptr_array_add (grants, (char *) lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_GRANT, LANYARD_DBUS_GRANT_DEVICE));
          g_variant_dict_insert_value (&dict, "grants", g_variant_new_strv ((const char *const *) grants->pdata, grants->len));
          g_variant_dict_insert (&dict, "device-problem", "s", device_problem ?: "");
        }
      {
        g_autofree char *server = provider_server (entry);

        if (server != NULL)
          g_variant_dict_insert (&dict, "server", "s", server);
      }
      /* Where git-credential-lanyard answers for this provider. */
      if (entry->provider != NULL && lanyard_provider_get_web_url (entry->provider) != NULL)
        g_variant_dict_insert (&dict, "web-url", "s", lanyard_provider_get_web_url (entry->provider));
      g_variant_builder_add_value (&builder, g_variant_dict_end (&dict));
    }

  lanyard_dbus_manager_complete_list_providers (manager, invocation, g_variant_builder_end (&builder));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The hottest call other programs make: answered from the CurrentIdentity
 * property, which is kept up to date, rather than built anew. */
static gboolean
lanyard_manager_service_handle_get_current_identity (LanyardDBusManager    *manager,
                                                     GDBusMethodInvocation *invocation)
{
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new_tuple ((GVariant *[]){ lanyard_dbus_manager_get_current_identity (manager) }, 1));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
lanyard_manager_service_handle_find_account (LanyardDBusManager    *manager,
                                             GDBusMethodInvocation *invocation,
                                             const char            *key)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (manager);
  g_autoptr(GError) error = NULL;
  LanyardAccount  *account = lanyard_account_manager_lookup_key (self->accounts, key, &error);
  g_autofree char *path = NULL;

  if (account == NULL)
    {
      lanyard_dbus_errors_return (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  path = lanyard_bus_account_path (account);
  lanyard_dbus_manager_complete_find_account (manager, invocation, path);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static LanyardAccount *
account_at (LanyardManagerService *self,
            const char            *path)
{
  g_autoptr(GDBusInterface) iface = g_dbus_object_manager_get_interface (G_DBUS_OBJECT_MANAGER (self->objects), path,
                                                                          "io.github.lanyard.Account");

  return LANYARD_IS_BUS_ACCOUNT (iface) ? lanyard_bus_account_get_account (LANYARD_BUS_ACCOUNT (iface)) : NULL;
}

static gboolean
lanyard_manager_service_handle_set_primary (LanyardDBusManager    *manager,
                                            GDBusMethodInvocation *invocation,
                                            const char            *path)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (manager);
  LanyardAccount        *account = account_at (self, path);
  g_autoptr(GError) error = NULL;

  if (account == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                                             _ ("No linked account at %s"), path);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (!lanyard_account_manager_set_primary (self->accounts, account, &error))
    {
      lanyard_dbus_errors_return (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  lanyard_dbus_manager_complete_set_primary (manager, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Sign-ins. */

static guint
count_running (LanyardManagerService *self,
               const char            *starter)
{
  GHashTableIter iter;
  gpointer       flow;
  guint          n = 0;

  g_hash_table_iter_init (&iter, self->flows);
  while (g_hash_table_iter_next (&iter, NULL, &flow))
    if (!lanyard_bus_flow_is_finished (flow) &&
        (starter == NULL || g_strcmp0 (lanyard_bus_flow_get_starter (flow), starter) == 0))
      n++;
  return n;
}

static void
flow_done_cb (LanyardBusFlow        *flow,
              LanyardManagerService *self)
{
  g_hash_table_remove (self->flows, lanyard_bus_flow_get_path (flow));
}

static void
linked_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LanyardBusFlow) flow = user_data;
  g_autoptr(LanyardAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *key = NULL;

  account = lanyard_account_manager_link_finish (LANYARD_ACCOUNT_MANAGER (object), result, &error);
  if (lanyard_bus_flow_is_finished (flow))
    return;
  if (account == NULL)
    {
      lanyard_bus_flow_finish (flow, NULL, error);
      return;
    }
  key = lanyard_account_dup_key (account);
  path = lanyard_bus_account_path (account);
  g_message ("Linked %s", key);
  lanyard_bus_flow_finish (flow, path, NULL);
}

static void
flow_ready_cb (LanyardBusFlow        *bus_flow,
               LanyardManagerService *self)
{
  LanyardFlow *flow = lanyard_bus_flow_get_flow (bus_flow);

  lanyard_account_manager_link_async (self->accounts, lanyard_flow_get_identity (flow), lanyard_flow_get_tokens (flow),
                                      NULL, linked_cb, g_object_ref (bus_flow));
}

typedef struct
{
  LanyardManagerService *service;
  GDBusMethodInvocation *invocation;
  char                  *sender; /* "" for a peer */
} Start;

static void
start_free (Start *start)
{
  LanyardManagerService *self = start->service;
  guint                  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->starting, start->sender));

  if (n > 1)
    g_hash_table_insert (self->starting, g_strdup (start->sender), GUINT_TO_POINTER (n - 1));
  else
    g_hash_table_remove (self->starting, start->sender);
  self->n_starting--;

  g_object_unref (start->service);
  g_object_unref (start->invocation);
  g_free (start->sender);
  g_free (start);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Start, start_free)

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Start) start = user_data;
  LanyardManagerService *self = start->service;
  LanyardFlow           *flow = LANYARD_FLOW (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardBusFlow) bus_flow = NULL;
  g_autofree char *path = NULL;

  if (!lanyard_flow_start_finish (flow, result, &error))
    {
      lanyard_dbus_errors_return (start->invocation, error);
      return;
    }
  if (self->callers == NULL)
    {
      /* The service went away meanwhile. */
      lanyard_flow_cancel (flow);
      g_dbus_method_invocation_return_error (start->invocation, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             _ ("Lanyard is leaving."));
      return;
    }

  path = g_strdup_printf (LANYARD_DAEMON_FLOWS_PATH "/%u", ++self->flow_serial);
  bus_flow = lanyard_bus_flow_new (flow, self->callers, g_dbus_method_invocation_get_sender (start->invocation), path);
  g_signal_connect_object (bus_flow, "ready", G_CALLBACK (flow_ready_cb), self, 0);
  g_signal_connect_object (bus_flow, "done", G_CALLBACK (flow_done_cb), self, 0);
  if (!lanyard_bus_flow_export (bus_flow, g_dbus_method_invocation_get_connection (start->invocation), &error))
    {
      lanyard_flow_cancel (flow);
      lanyard_dbus_errors_return (start->invocation, error);
      return;
    }
  g_hash_table_insert (self->flows, g_strdup (path), g_object_ref (bus_flow));
  lanyard_dbus_manager_complete_start_flow (LANYARD_DBUS_MANAGER (self), start->invocation, path);
}

/* Longer than any login or e-mail address (RFC 5321 allows 254 bytes),
 * shorter than the policy's bound for any argument. */
#define LOGIN_HINT_MAX_LENGTH 320

/* StartFlow's options: `login_hint` (s), the account to suggest to the
 * provider. Others are ignored, so that a program written for a newer
 * daemon still signs in here. */
static gboolean
read_start_options (GVariant     *options,
                    char        **login_hint,
                    LanyardGrant *grant,
                    GError      **error)
{
  g_autoptr(GVariant) hint = g_variant_lookup_value (options, "login_hint", NULL);
  g_autoptr(GVariant) grant_value = g_variant_lookup_value (options, "grant", NULL);
  const char *value;

  /* `grant` (s): "authorization_code" (the browser, the default) or
   * "device". An unknown one is refused, not ignored: a program asking
   * for a kind of sign-in must not silently get another. */
  *grant = LANYARD_GRANT_AUTHORIZATION_CODE;
  if (grant_value != NULL)
    {
      int nick = g_variant_is_of_type (grant_value, G_VARIANT_TYPE_STRING)
        ? lanyard_dbus_enum_from_nick (LANYARD_TYPE_DBUS_GRANT, g_variant_get_string (grant_value, NULL), -1)
        : -1;

      if (nick < 0)
        {
          g_set_error_literal (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                               _ ("The sign-in option “grant” must be “authorization_code” or “device”."));
          return FALSE;
        }
      *grant = nick == LANYARD_DBUS_GRANT_DEVICE ? LANYARD_GRANT_DEVICE : LANYARD_GRANT_AUTHORIZATION_CODE;
    }

  if (hint == NULL)
    return TRUE;
  if (!g_variant_is_of_type (hint, G_VARIANT_TYPE_STRING))
    {
      g_set_error_literal (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                           _ ("The sign-in option “login_hint” must be a string (the account's login or e-mail address)."));
      return FALSE;
    }
  value = g_variant_get_string (hint, NULL);
  for (const char *p = value; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      {
        g_set_error_literal (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                             _ ("The sign-in option “login_hint” contains control characters; no login or e-mail address does."));
        return FALSE;
      }
  if (strlen (value) > LOGIN_HINT_MAX_LENGTH)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                   _ ("The sign-in option “login_hint” is longer than %d bytes; no login or e-mail address is."),
                   LOGIN_HINT_MAX_LENGTH);
      return FALSE;
    }
  *login_hint = value[0] != '\0' ? g_strdup (value) : NULL;
  return TRUE;
}

static gboolean
lanyard_manager_service_handle_start_flow (LanyardDBusManager    *manager,
                                           GDBusMethodInvocation *invocation,
                                           const char            *provider_id,
                                           GVariant              *options)
{
  LanyardManagerService      *self = LANYARD_MANAGER_SERVICE (manager);
  LanyardProviderRegistry    *registry = lanyard_account_manager_get_registry (self->accounts);
  const LanyardProviderEntry *entry = lanyard_provider_registry_get_entry (registry, provider_id);
  const char                 *sender = g_dbus_method_invocation_get_sender (invocation) ?: "";
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *login_hint = NULL;
  g_autofree char *problem = NULL;
  LanyardGrant     grant;
  Start           *start;

  if (!read_start_options (options, &login_hint, &grant, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (entry == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                                             _ ("No provider is called “%s”"), provider_id);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (entry->provider == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED, "%s", entry->problem);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (!lanyard_provider_supports_grant (entry->provider, grant, &problem))
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED, "%s", problem);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (lanyard_account_manager_is_read_only (self->accounts))
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_FAILED, "%s",
                                             lanyard_account_manager_get_problem (self->accounts));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  /* Each sign-in holds a listening socket for up to ten minutes. Those
   * still starting count too. */
  if (count_running (self, sender[0] != '\0' ? sender : NULL) + GPOINTER_TO_UINT (g_hash_table_lookup (self->starting, sender)) >=
      LANYARD_MAX_FLOWS_PER_CALLER)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
                                             _ ("This program already has %d sign-ins going; finish or cancel one "
                                                "before starting another."),
                                             LANYARD_MAX_FLOWS_PER_CALLER);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (count_running (self, NULL) + self->n_starting >= LANYARD_MAX_FLOWS)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
                                             _ ("Lanyard already has %d sign-ins going, its limit; try again when one "
                                                "has finished."),
                                             LANYARD_MAX_FLOWS);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  /* Finished ones stay readable a while for their starters; a program
   * that starts and cancels in a loop must not pile them up. */
  if (g_hash_table_size (self->flows) + self->n_starting >= LANYARD_MAX_FLOWS_KEPT)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
                                             _ ("Too many sign-ins were started in the last half minute; try again "
                                                "in a moment."));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  g_hash_table_insert (self->starting, g_strdup (sender),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->starting, sender)) + 1));
  self->n_starting++;
  start = g_new0 (Start, 1);
  start->service = g_object_ref (self);
  start->invocation = g_object_ref (invocation);
  start->sender = g_strdup (sender);
  flow = lanyard_flow_new (entry->provider);
  lanyard_flow_set_login_hint (flow, login_hint);
  lanyard_flow_set_grant (flow, grant);
  lanyard_flow_start_async (flow, NULL, started_cb, start);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
lanyard_manager_service_handle_cancel_flow (LanyardDBusManager    *manager,
                                            GDBusMethodInvocation *invocation,
                                            const char            *path)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (manager);
  LanyardBusFlow        *flow = g_hash_table_lookup (self->flows, path);

  if (flow == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND, _ ("No sign-in at %s"), path);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  /* The policy's own check for the flow's Cancel, with the same words. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LanyardCaller) caller = lanyard_caller_tracker_lookup (self->callers, g_dbus_method_invocation_get_sender (invocation), &error);

    if (caller == NULL || !lanyard_policy_allows (caller, "io.github.lanyard.Flow", LANYARD_POLICY_METHOD, "Cancel", lanyard_bus_flow_get_starter (flow), &error))
      {
        lanyard_dbus_errors_return (invocation, error);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
      }
  }

  lanyard_bus_flow_cancel (flow);
  lanyard_dbus_manager_complete_cancel_flow (manager, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Servers added by their address (issue 17). */

typedef struct
{
  LanyardManagerService *service;
  GDBusMethodInvocation *invocation;
} Call;

static Call *
call_new (LanyardManagerService *self,
          GDBusMethodInvocation *invocation)
{
  Call *call = g_new0 (Call, 1);

  call->service = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  return call;
}

static void
call_free (Call *call)
{
  g_object_unref (call->service);
  g_object_unref (call->invocation);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

/* An address a person typed, or a client id: the registrar checks the
 * address itself; here only what any argument must be. */
static gboolean
check_text_argument (const char *value,
                     const char *what,
                     gsize       max,
                     gboolean    ascii,
                     GError    **error)
{
  gsize length = strlen (value);

  if (length == 0 || length > max)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, _ ("“%s” must be 1 to %u bytes long."), what,
                   (guint) max);
      return FALSE;
    }
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT || (ascii && (c <= 0x20 || c > 0x7e)))
        {
          g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                       ascii ? _ ("“%s” must be printable ASCII without spaces.")
                             : _ ("“%s” must not contain control or formatting characters."),
                       what);
          return FALSE;
        }
    }
  return TRUE;
}

/* Errors of the registrar that are the caller's: an unusable address. */
static void
return_server_error (GDBusMethodInvocation *invocation,
                     GError                *error)
{
  if (error->domain == LANYARD_ERROR && error->code == LANYARD_ERROR_MISCONFIGURED)
    g_dbus_method_invocation_return_error_literal (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, error->message);
  else
    lanyard_dbus_errors_return (invocation, error);
}

static GVariant *
outcome_details (LanyardServerOutcome *outcome)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "kind", "s", outcome->kind);
  g_variant_dict_insert (&dict, "server-name", "s", outcome->server_name);
  g_variant_dict_insert (&dict, "problem", "s", outcome->problem ?: "");
  g_variant_dict_insert (&dict, "redirect-uri", "s", outcome->redirect_uri);
  g_variant_dict_insert (&dict, "scopes", "s", outcome->scopes);
  g_variant_dict_insert (&dict, "client-type", "s",
                         _ ("public (not confidential): a desktop application, which cannot keep a secret; "
                            "authorization code with PKCE, and refresh tokens"));
  if (outcome->applications_url != NULL)
    g_variant_dict_insert (&dict, "applications-url", "s", outcome->applications_url);
  g_variant_dict_insert (&dict, "provider-id", "s", outcome->suggested_id);
  g_variant_dict_insert (&dict, "redirect-port", "u", outcome->redirect_port);
  g_variant_dict_insert (&dict, "registered", "b", outcome->registered);
  g_variant_dict_insert (&dict, "existing", "b", outcome->existing);
  return g_variant_dict_end (&dict);
}

static void
server_added_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(LanyardServerOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;

  outcome = lanyard_server_registrar_add_finish (LANYARD_SERVER_REGISTRAR (object), result, &error);
  if (outcome == NULL)
    {
      return_server_error (call->invocation, error);
      return;
    }
  lanyard_dbus_manager_complete_add_server (LANYARD_DBUS_MANAGER (call->service), call->invocation,
                                            outcome->provider_id ?: "", outcome_details (outcome));
}

static gboolean
lanyard_manager_service_handle_add_server (LanyardDBusManager    *manager,
                                           GDBusMethodInvocation *invocation,
                                           const char            *address,
                                           GVariant              *options)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (manager);
  g_autoptr(GError) error = NULL;

  if (!check_text_argument (address, "address", 512, FALSE, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  lanyard_server_registrar_add_async (self->servers, address, NULL, NULL, 0, NULL, server_added_cb,
                                      call_new (self, invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
server_added_by_hand_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(LanyardServerOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;

  outcome = lanyard_server_registrar_add_finish (LANYARD_SERVER_REGISTRAR (object), result, &error);
  if (outcome == NULL)
    {
      return_server_error (call->invocation, error);
      return;
    }
  lanyard_dbus_manager_complete_add_server_with_client_id (LANYARD_DBUS_MANAGER (call->service), call->invocation,
                                                           outcome->provider_id);
}

static gboolean
lanyard_manager_service_handle_add_server_with_client_id (LanyardDBusManager    *manager,
                                                          GDBusMethodInvocation *invocation,
                                                          const char            *address,
                                                          const char            *client_id,
                                                          GVariant              *options)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (manager);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) id_option = g_variant_lookup_value (options, "provider_id", NULL);
  g_autoptr(GVariant) port_option = g_variant_lookup_value (options, "redirect_port", NULL);
  const char *provider_id = NULL;
  guint32     port = 0;

  if (!check_text_argument (address, "address", 512, FALSE, &error) ||
      !check_text_argument (client_id, "client_id", 256, TRUE, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (id_option != NULL && g_variant_is_of_type (id_option, G_VARIANT_TYPE_STRING))
    provider_id = g_variant_get_string (id_option, NULL);
  if (port_option != NULL && g_variant_is_of_type (port_option, G_VARIANT_TYPE_UINT32))
    port = g_variant_get_uint32 (port_option);
  if ((id_option != NULL && provider_id == NULL) || (port_option != NULL && port == 0) ||
      (provider_id != NULL && !lanyard_provider_id_is_valid (provider_id)) || port > 65535)
    {
      g_dbus_method_invocation_return_error_literal (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                                     _ ("The option “provider_id” must be a provider id (lower-case "
                                                        "letters, digits and dashes, starting with a letter) and "
                                                        "“redirect_port” a port number (u)."));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  lanyard_server_registrar_add_async (self->servers, address, client_id, provider_id, port, NULL,
                                      server_added_by_hand_cb, call_new (self, invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
lanyard_manager_service_handle_rename_provider (LanyardDBusManager    *manager,
                                                GDBusMethodInvocation *invocation,
                                                const char            *provider_id,
                                                const char            *display_name)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (manager);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strstrip (g_strdup (display_name));

  if (!check_text_argument (name, "display_name", 100, FALSE, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (!lanyard_server_registrar_rename (self->servers, provider_id, name, &error))
    {
      lanyard_dbus_errors_return (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  lanyard_dbus_manager_complete_rename_provider (manager, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static guint
count_accounts (LanyardManagerService *self,
                const char            *provider_id)
{
  GPtrArray *accounts = lanyard_account_manager_get_accounts (self->accounts);
  guint      n = 0;

  for (guint i = 0; i < accounts->len; i++)
    if (g_strcmp0 (lanyard_account_get_provider_id (g_ptr_array_index (accounts, i)), provider_id) == 0)
      n++;
  return n;
}

static void
provider_removed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean         deleted;

  deleted = lanyard_server_registrar_remove_finish (LANYARD_SERVER_REGISTRAR (object), result, &message, &error);
  if (error != NULL)
    {
      lanyard_dbus_errors_return (call->invocation, error);
      return;
    }
  lanyard_dbus_manager_complete_remove_provider (LANYARD_DBUS_MANAGER (call->service), call->invocation, deleted,
                                                 message ?: "");
}

static gboolean
lanyard_manager_service_handle_remove_provider (LanyardDBusManager    *manager,
                                                GDBusMethodInvocation *invocation,
                                                const char            *provider_id)
{
  LanyardManagerService *self = LANYARD_MANAGER_SERVICE (manager);
  guint                  n = count_accounts (self, provider_id);

  if (n > 0 && lanyard_server_registrar_is_added (self->servers, provider_id))
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_FAILED,
                                             g_dngettext (GETTEXT_PACKAGE,
                                                          "“%s” still has %u linked account; disconnect it first "
                                                          "(the server is then removed with it).",
                                                          "“%s” still has %u linked accounts; disconnect them first "
                                                          "(the server is then removed with the last one).",
                                                          n),
                                             provider_id, n);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  lanyard_server_registrar_remove_async (self->servers, provider_id, NULL, provider_removed_cb,
                                         call_new (self, invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
removed_after_unlink_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  lanyard_server_registrar_remove_finish (LANYARD_SERVER_REGISTRAR (object), result, &message, &error);
  if (error != NULL)
    g_message ("The server could not be removed after its last account: %s", error->message);
  else if (message != NULL)
    g_message ("%s", message);
}

/* A server added by its address goes with its last account, as it came
 * with the first: nothing is left registered that nobody uses. */
static void
account_removed_cb (LanyardAccountManager *accounts,
                    LanyardAccount        *account,
                    LanyardManagerService *self)
{
  const char *provider_id = lanyard_account_get_provider_id (account);

  if (!lanyard_server_registrar_is_added (self->servers, provider_id) || count_accounts (self, provider_id) > 0)
    return;
  lanyard_server_registrar_remove_async (self->servers, provider_id, NULL, removed_after_unlink_cb, NULL);
}

typedef struct
{
  LanyardManagerService *service;
  char                  *provider_id;
  char                  *server_name;
} Reregister;

static void
reregistered_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Reregister            *reregister = user_data;
  LanyardManagerService *self = reregister->service;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  GPtrArray       *accounts;

  if (lanyard_server_registrar_reregister_finish (LANYARD_SERVER_REGISTRAR (object), result, &error))
    reason = g_strdup_printf (_ ("%s had forgotten Lanyard's registration, so Lanyard registered itself there again. "
                                 "Sign in again."),
                              reregister->server_name);
  else
    reason = g_strdup_printf (_ ("%s has forgotten Lanyard's registration, and registering again failed: %s"),
                              reregister->server_name, error->message);
  g_message ("%s", reason);

  /* Every account of the server signs in again, with the new client. */
  accounts = self->accounts != NULL ? lanyard_account_manager_get_accounts (self->accounts) : NULL;
  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      LanyardAccount *account = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (lanyard_account_get_provider_id (account), reregister->provider_id) == 0)
        lanyard_account_set_attention (account, reason);
    }

  g_object_unref (reregister->service);
  g_free (reregister->provider_id);
  g_free (reregister->server_name);
  g_free (reregister);
}

/* A server that forgot Lanyard's registration (its client id now
 * refused) is registered again, once per run of the daemon: a server that
 * keeps forgetting would otherwise be registered with over and over. */
static void
client_refused_cb (LanyardAccountManager *accounts,
                   LanyardAccount        *account,
                   LanyardManagerService *self)
{
  const char *provider_id = lanyard_account_get_provider_id (account);
  Reregister *reregister;

  if (!lanyard_server_registrar_is_registered (self->servers, provider_id) ||
      g_hash_table_contains (self->reregistered, provider_id))
    return;
  g_hash_table_add (self->reregistered, g_strdup (provider_id));

  reregister = g_new0 (Reregister, 1);
  reregister->service = g_object_ref (self);
  reregister->provider_id = g_strdup (provider_id);
  reregister->server_name = g_strdup (lanyard_account_manager_get_provider_name (self->accounts, provider_id));
  lanyard_server_registrar_reregister_async (self->servers, provider_id, NULL, reregistered_cb, reregister);
}

static void
lanyard_manager_service_iface_init (LanyardDBusManagerIface *iface)
{
  iface->handle_add_server = lanyard_manager_service_handle_add_server;
  iface->handle_add_server_with_client_id = lanyard_manager_service_handle_add_server_with_client_id;
  iface->handle_rename_provider = lanyard_manager_service_handle_rename_provider;
  iface->handle_remove_provider = lanyard_manager_service_handle_remove_provider;
  iface->handle_list_providers = lanyard_manager_service_handle_list_providers;
  iface->handle_start_flow = lanyard_manager_service_handle_start_flow;
  iface->handle_cancel_flow = lanyard_manager_service_handle_cancel_flow;
  iface->handle_get_current_identity = lanyard_manager_service_handle_get_current_identity;
  iface->handle_find_account = lanyard_manager_service_handle_find_account;
  iface->handle_set_primary = lanyard_manager_service_handle_set_primary;
}

/**
 * lanyard_manager_service_new:
 * @objects: (transfer none): where the accounts are on the bus; must
 *   outlive the service
 */
LanyardManagerService *
lanyard_manager_service_new (LanyardAccountManager    *accounts,
                             LanyardServerRegistrar   *servers,
                             LanyardCallerTracker     *callers,
                             GDBusObjectManagerServer *objects)
{
  LanyardManagerService *self = g_object_new (LANYARD_TYPE_MANAGER_SERVICE, NULL);

  self->accounts = g_object_ref (accounts);
  self->servers = g_object_ref (servers);
  g_signal_connect_object (accounts, "account-removed", G_CALLBACK (account_removed_cb), self, 0);
  g_signal_connect_object (accounts, "client-refused", G_CALLBACK (client_refused_cb), self, 0);
  g_signal_connect_object (servers, "changed", G_CALLBACK (lanyard_dbus_manager_emit_providers_changed), self,
                           G_CONNECT_SWAPPED);
  self->callers = g_object_ref (callers);
  lanyard_policy_guard (G_DBUS_INTERFACE_SKELETON (self), callers, NULL);
  self->objects = objects;
  lanyard_dbus_manager_set_version (LANYARD_DBUS_MANAGER (self), PACKAGE_VERSION);
  lanyard_manager_service_update_current (self);
  return self;
}

/**
 * lanyard_manager_service_update_current:
 *
 * Refreshes CurrentIdentity from the account manager; GDBus sends
 * PropertiesChanged when it differs.
 */
void
lanyard_manager_service_update_current (LanyardManagerService *self)
{
  LanyardAccount  *account = lanyard_account_manager_get_current (self->accounts);
  GVariantDict     dict;
  g_autofree char *path = NULL;

  g_variant_dict_init (&dict, NULL);
  if (account != NULL)
    {
      path = lanyard_bus_account_path (account);
      g_variant_dict_insert (&dict, "provider", "s", lanyard_account_get_provider_id (account));
      g_variant_dict_insert (&dict, "account-id", "s", lanyard_account_get_account_id (account));
      g_variant_dict_insert (&dict, "username", "s", lanyard_account_get_username (account) ?: "");
      g_variant_dict_insert (&dict, "display-name", "s", lanyard_account_get_display_name (account) ?: "");
      g_variant_dict_insert (&dict, "email", "s", lanyard_account_get_email (account) ?: "");
      g_variant_dict_insert (&dict, "avatar-url", "s", lanyard_account_get_avatar_url (account) ?: "");
      g_variant_dict_insert_value (&dict, "orgs", g_variant_new_strv (lanyard_account_get_orgs (account), -1));
      g_variant_dict_insert (&dict, "account", "o", path);
      g_variant_dict_insert (&dict, "needs-attention", "b", lanyard_account_get_needs_attention (account));
    }
  lanyard_dbus_manager_set_current_identity (LANYARD_DBUS_MANAGER (self), g_variant_dict_end (&dict));
}
