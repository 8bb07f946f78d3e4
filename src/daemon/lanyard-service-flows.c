/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-service-private.h"

#include "lanyard-dbus-errors.h"
#include "lanyard-error.h"
#include "lanyard-flow.h"

/* Sign-ins on the bus: one object per flow, from StartFlow to Succeeded or
 * Failed. A finished flow object stays a little while, so that a client
 * that looks late still sees how it ended. */

#define FINISHED_FLOW_LIFETIME_SECONDS 30

typedef struct
{
  LanyardService  *service; /* unowned; the service owns us */
  LanyardFlow     *flow;
  LanyardDBusFlow *iface;
  char            *path;
  guint            watch_id;
  guint            remove_id;
} FlowExport;

static void
flow_export_free (FlowExport *export)
{
  if (export->flow != NULL)
    {
      g_signal_handlers_disconnect_by_data (export->flow, export);
      lanyard_flow_cancel (export->flow);
    }
  g_clear_handle_id (&export->watch_id, g_bus_unwatch_name);
  g_clear_handle_id (&export->remove_id, g_source_remove);
  g_clear_object (&export->flow);
  g_clear_object (&export->iface);
  g_free (export->path);
  g_free (export);
}

void
_lanyard_service_flows_free (LanyardService *self)
{
  g_clear_pointer (&self->flows, g_hash_table_unref);
}

static gboolean
remove_finished_cb (gpointer user_data)
{
  FlowExport *export = user_data;
  LanyardService *self = export->service;

  export->remove_id = 0;
  _lanyard_service_unexport_flow (self, export->iface, export->path);
  g_hash_table_remove (self->flows, export->path);
  return G_SOURCE_REMOVE;
}

static char *
error_name (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup (LANYARD_DBUS_ERROR_PREFIX "Cancelled");
  if (error->domain == LANYARD_ERROR)
    return g_strconcat (LANYARD_DBUS_ERROR_PREFIX, lanyard_error_code_to_nick (error->code), NULL);
  return g_strdup (LANYARD_DBUS_ERROR_PREFIX "Failed");
}

static void
finish_export (FlowExport *export,
               const GError *error,
               const char   *account_path)
{
  g_clear_handle_id (&export->watch_id, g_bus_unwatch_name);

  if (error == NULL)
    {
      lanyard_dbus_flow_set_account (export->iface, account_path);
      lanyard_dbus_flow_set_status (export->iface, "succeeded");
      lanyard_dbus_flow_emit_succeeded (export->iface, account_path);
    }
  else
    {
      g_autofree char *name = error_name (error);

      lanyard_dbus_flow_set_status (export->iface, "failed");
      lanyard_dbus_flow_emit_failed (export->iface, name, error->message);
    }

  export->remove_id = g_timeout_add_seconds (FINISHED_FLOW_LIFETIME_SECONDS, remove_finished_cb, export);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  FlowExport *export = user_data;
  LanyardService  *self = export->service;
  LanyardIdentity *identity = lanyard_flow_get_identity (export->flow);
  LanyardTokenSet *tokens = lanyard_flow_get_tokens (export->flow);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;
  LanyardAccount  *account;

  /* No keyring, no account: a linked account without its tokens would be
   * a lie, and the tokens go nowhere else. */
  if (!lanyard_token_store_save_finish (LANYARD_TOKEN_STORE (object), result, &error))
    {
      finish_export (export, error, NULL);
      return;
    }

  account = lanyard_account_store_link (self->accounts, identity, g_get_real_time () / G_USEC_PER_SEC, NULL);
  lanyard_account_set_expires_at (account, lanyard_token_set_get_expires_at (tokens));
  lanyard_account_set_last_refresh (account, g_get_real_time () / G_USEC_PER_SEC);
  lanyard_account_set_attention (account, NULL);
  if (!_lanyard_service_save_accounts (self, &error))
    g_message ("The accounts file could not be written: %s", error->message);

  _lanyard_service_export_account (self, account);
  key = lanyard_account_dup_key (account);
  lanyard_refresh_scheduler_schedule (self->scheduler, key, lanyard_token_set_get_expires_at (tokens));
  _lanyard_service_update_current (self);

  path = _lanyard_service_account_path (account);
  g_message ("Linked %s", key);
  finish_export (export, NULL, path);
}

static void
flow_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  FlowExport *export = user_data;
  LanyardService *self = export->service;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;

  if (!lanyard_flow_wait_finish (LANYARD_FLOW (object), result, &error))
    {
      finish_export (export, error, NULL);
      return;
    }

  lanyard_dbus_flow_set_status (export->iface, "exchanging");
  label = _lanyard_service_token_label (self, lanyard_flow_get_identity (export->flow));
  lanyard_token_store_save_async (self->tokens,
                                  lanyard_identity_get_provider_id (lanyard_flow_get_identity (export->flow)),
                                  lanyard_identity_get_account_id (lanyard_flow_get_identity (export->flow)),
                                  label, lanyard_flow_get_tokens (export->flow), NULL, stored_cb, export);
}

static void
flow_status_cb (LanyardFlow *flow,
                GParamSpec  *pspec,
                FlowExport *export)
{
  if (lanyard_flow_get_status (flow) == LANYARD_FLOW_STATUS_EXCHANGING)
    lanyard_dbus_flow_set_status (export->iface, "exchanging");
}

/* The program that started the sign-in left the bus: nobody will show the
 * result, so the listener closes now rather than at the timeout. */
static void
starter_vanished_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  FlowExport *export = user_data;

  g_debug ("%s left the bus; cancelling its sign-in", name);
  lanyard_flow_cancel (export->flow);
}

static gboolean
handle_flow_cancel (LanyardDBusFlow       *iface,
                    GDBusMethodInvocation *invocation,
                    FlowExport *export)
{
  lanyard_flow_cancel (export->flow);
  lanyard_dbus_flow_complete_cancel (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

typedef struct
{
  LanyardService        *service;
  GDBusMethodInvocation *invocation;
  LanyardFlow           *flow;
} Start;

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Start           *start = user_data;
  LanyardService  *self = start->service;
  LanyardFlow     *flow = LANYARD_FLOW (object);
  LanyardProvider *provider = lanyard_flow_get_provider (flow);
  g_autoptr(GError) error = NULL;
  const char *sender = g_dbus_method_invocation_get_sender (start->invocation);
  FlowExport *export;

  if (!lanyard_flow_start_finish (flow, result, &error))
    {
      _lanyard_service_return_error (start->invocation, error);
      goto out;
    }

  export = g_new0 (FlowExport, 1);
  export->service = self;
  export->flow = g_object_ref (flow);
  export->path = g_strdup_printf (LANYARD_DAEMON_ROOT_PATH "/Flows/%u", ++self->flow_serial);
  export->iface = lanyard_dbus_flow_skeleton_new ();
  lanyard_dbus_flow_set_provider_id (export->iface, lanyard_provider_get_id (provider));
  lanyard_dbus_flow_set_authorize_url (export->iface, lanyard_flow_get_authorize_url (flow));
  lanyard_dbus_flow_set_redirect_uri (export->iface, lanyard_flow_get_redirect_uri (flow));
  lanyard_dbus_flow_set_browser_policy (export->iface,
                                        lanyard_provider_get_browser_policy (provider) == LANYARD_BROWSER_POLICY_SYSTEM_ONLY
                                          ? "system"
                                          : "any");
  lanyard_dbus_flow_set_status (export->iface, "waiting");
  lanyard_dbus_flow_set_account (export->iface, "/");
  g_signal_connect (export->iface, "handle-cancel", G_CALLBACK (handle_flow_cancel), export);
  g_signal_connect (flow, "notify::status", G_CALLBACK (flow_status_cb), export);

  g_hash_table_insert (self->flows, g_strdup (export->path), export);
  _lanyard_service_export_flow (self, export->iface, export->path);

  if (sender != NULL)
    export->watch_id = g_bus_watch_name_on_connection (g_dbus_method_invocation_get_connection (start->invocation),
                                                       sender, G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
                                                       starter_vanished_cb, export, NULL);

  lanyard_flow_wait_async (flow, NULL, flow_done_cb, export);
  lanyard_dbus_manager_complete_start_flow (self->manager, start->invocation, export->path);

out:
  g_object_unref (start->service);
  g_object_unref (start->invocation);
  g_object_unref (start->flow);
  g_free (start);
}

gboolean
_lanyard_service_handle_start_flow (LanyardDBusManager    *manager,
                                    GDBusMethodInvocation *invocation,
                                    const char            *provider_id,
                                    GVariant              *options,
                                    LanyardService        *self)
{
  const LanyardProviderEntry *entry = lanyard_provider_registry_get_entry (self->registry, provider_id);
  Start                      *start;

  if (entry == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                                             "No provider is called “%s”", provider_id);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (entry->provider == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                                             "%s", entry->problem);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (lanyard_account_store_is_read_only (self->accounts))
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_FAILED,
                                             "%s", lanyard_account_store_get_problem (self->accounts));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  if (self->flows == NULL)
    self->flows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) flow_export_free);

  start = g_new0 (Start, 1);
  start->service = g_object_ref (self);
  start->invocation = g_object_ref (invocation);
  start->flow = lanyard_flow_new (entry->provider);
  lanyard_flow_start_async (start->flow, NULL, started_cb, start);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
_lanyard_service_handle_cancel_flow (LanyardDBusManager    *manager,
                                     GDBusMethodInvocation *invocation,
                                     const char            *path,
                                     LanyardService        *self)
{
  FlowExport *export = self->flows != NULL ? g_hash_table_lookup (self->flows, path) : NULL;

  if (export == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                                             "No sign-in at %s", path);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  lanyard_flow_cancel (export->flow);
  lanyard_dbus_manager_complete_cancel_flow (manager, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The sign-ins, for GetManagedObjects. */
void
_lanyard_service_add_flow_objects (LanyardService  *self,
                                   GVariantBuilder *objects)
{
  GHashTableIter iter;
  gpointer       value;

  if (self->flows == NULL)
    return;

  g_hash_table_iter_init (&iter, self->flows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      FlowExport *export = value;
      GVariantBuilder interfaces;

      g_variant_builder_init (&interfaces, G_VARIANT_TYPE ("a{sa{sv}}"));
      g_variant_builder_add (&interfaces, "{s@a{sv}}", "io.github.lanyard.Flow",
                             g_dbus_interface_skeleton_get_properties (G_DBUS_INTERFACE_SKELETON (export->iface)));
      g_variant_builder_add (objects, "{oa{sa{sv}}}", export->path, &interfaces);
    }
}
