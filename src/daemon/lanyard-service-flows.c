/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-service-private.h"

#include "lanyard-bus-flow.h"
#include "lanyard-dbus-errors.h"
#include "lanyard-error.h"
#include "lanyard-flow.h"

/* Sign-ins on the bus: one #LanyardBusFlow per sign-in, private to the
 * connection that started it, with limits on how many run at once. */

static guint
count_running (LanyardService *self,
               const char     *starter)
{
  GHashTableIter iter;
  gpointer       value;
  guint          n = 0;

  if (self->flows == NULL)
    return 0;
  g_hash_table_iter_init (&iter, self->flows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!lanyard_bus_flow_is_finished (value) &&
        (starter == NULL || g_strcmp0 (lanyard_bus_flow_get_starter (value), starter) == 0))
      n++;
  return n;
}

/* The sign-ins end with the service: their listeners close now. */
void
_lanyard_service_flows_free (LanyardService *self)
{
  GHashTableIter iter;
  gpointer       value;

  if (self->flows == NULL)
    return;
  g_hash_table_iter_init (&iter, self->flows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_object_run_dispose (value);
  g_clear_pointer (&self->flows, g_hash_table_unref);
}

static void
flow_done_cb (LanyardBusFlow *flow,
              LanyardService *self)
{
  g_hash_table_remove (self->flows, lanyard_bus_flow_get_path (flow));
}

typedef struct
{
  LanyardService *service;
  LanyardBusFlow *flow;
} Link;

static void
link_free (Link *link)
{
  g_object_unref (link->service);
  g_object_unref (link->flow);
  g_free (link);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Link, link_free)

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Link) link = user_data;
  LanyardService  *self = link->service;
  LanyardBusFlow  *bus_flow = link->flow;
  LanyardFlow     *flow = lanyard_bus_flow_get_flow (bus_flow);
  LanyardIdentity *identity = lanyard_flow_get_identity (flow);
  LanyardTokenSet *tokens = lanyard_flow_get_tokens (flow);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;
  LanyardAccount  *account;

  if (lanyard_bus_flow_is_finished (bus_flow))
    return;

  /* No keyring, no account: a linked account without its tokens would be
   * a lie, and the tokens go nowhere else. */
  if (!lanyard_token_store_save_finish (LANYARD_TOKEN_STORE (object), result, &error))
    {
      lanyard_bus_flow_finish (bus_flow, NULL, error);
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
  lanyard_bus_flow_finish (bus_flow, path, NULL);
}

static void
flow_ready_cb (LanyardBusFlow *bus_flow,
               LanyardService *self)
{
  LanyardFlow     *flow = lanyard_bus_flow_get_flow (bus_flow);
  LanyardIdentity *identity = lanyard_flow_get_identity (flow);
  g_autofree char *label = _lanyard_service_token_label (self, identity);
  Link            *link = g_new0 (Link, 1);

  link->service = g_object_ref (self);
  link->flow = g_object_ref (bus_flow);

  lanyard_token_store_save_async (self->tokens, lanyard_identity_get_provider_id (identity),
                                  lanyard_identity_get_account_id (identity), label, lanyard_flow_get_tokens (flow),
                                  NULL, stored_cb, link);
}

typedef struct
{
  LanyardService        *service;
  GDBusMethodInvocation *invocation;
  LanyardFlow           *flow;
} Start;

static void
start_free (Start *start)
{
  LanyardService *self = start->service;
  const char     *sender = g_dbus_method_invocation_get_sender (start->invocation);
  guint           n = GPOINTER_TO_UINT (g_hash_table_lookup (self->starting, sender ?: ""));

  if (n > 1)
    g_hash_table_insert (self->starting, g_strdup (sender ?: ""), GUINT_TO_POINTER (n - 1));
  else
    g_hash_table_remove (self->starting, sender ?: "");
  self->n_starting--;

  g_object_unref (start->service);
  g_object_unref (start->invocation);
  g_object_unref (start->flow);
  g_free (start);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Start, start_free)

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Start) start = user_data;
  LanyardService *self = start->service;
  LanyardFlow    *flow = LANYARD_FLOW (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardBusFlow) bus_flow = NULL;
  g_autofree char *path = NULL;
  const char      *sender = g_dbus_method_invocation_get_sender (start->invocation);

  if (!lanyard_flow_start_finish (flow, result, &error))
    {
      lanyard_dbus_errors_return (start->invocation, error);
      return;
    }

  path = g_strdup_printf (LANYARD_DAEMON_ROOT_PATH "/Flows/%u", ++self->flow_serial);
  bus_flow = lanyard_bus_flow_new (flow, self->callers, sender, path);
  g_signal_connect_object (bus_flow, "ready", G_CALLBACK (flow_ready_cb), self, 0);
  g_signal_connect_object (bus_flow, "done", G_CALLBACK (flow_done_cb), self, 0);
  if (!lanyard_bus_flow_export (bus_flow, g_dbus_method_invocation_get_connection (start->invocation), &error))
    {
      lanyard_flow_cancel (flow);
      lanyard_dbus_errors_return (start->invocation, error);
      return;
    }
  g_hash_table_insert (self->flows, g_strdup (path), g_object_ref (bus_flow));
  lanyard_dbus_manager_complete_start_flow (self->manager, start->invocation, path);
}

gboolean
_lanyard_service_handle_start_flow (LanyardDBusManager    *manager,
                                    GDBusMethodInvocation *invocation,
                                    const char            *provider_id,
                                    GVariant              *options,
                                    LanyardService        *self)
{
  const LanyardProviderEntry *entry = lanyard_provider_registry_get_entry (self->registry, provider_id);
  const char                 *sender = g_dbus_method_invocation_get_sender (invocation);
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

  /* Each sign-in holds a listening socket for up to ten minutes. Sign-ins
   * still being started count too (self->starting). */
  if (count_running (self, sender) + GPOINTER_TO_UINT (g_hash_table_lookup (self->starting, sender ?: "")) >=
      LANYARD_MAX_FLOWS_PER_CALLER)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
                                             "This program already has %d sign-ins going; finish or cancel one "
                                             "before starting another.",
                                             LANYARD_MAX_FLOWS_PER_CALLER);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (count_running (self, NULL) + self->n_starting >= LANYARD_MAX_FLOWS)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
                                             "Lanyard already has %d sign-ins going, its limit; try again when "
                                             "one has finished.",
                                             LANYARD_MAX_FLOWS);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  if (self->flows == NULL)
    self->flows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  g_hash_table_insert (self->starting, g_strdup (sender ?: ""),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->starting, sender ?: "")) + 1));
  self->n_starting++;
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
  LanyardBusFlow *flow = self->flows != NULL ? g_hash_table_lookup (self->flows, path) : NULL;

  if (flow == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                                             "No sign-in at %s", path);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  /* The same words as for the flow's own Cancel (lanyard-policy.c). */
  if (g_strcmp0 (lanyard_bus_flow_get_starter (flow), g_dbus_method_invocation_get_sender (invocation)) != 0)
    {
      g_dbus_method_invocation_return_error (invocation, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                                             "This sign-in belongs to the program that started it; no other program "
                                             "may look at it or cancel it.");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  lanyard_bus_flow_cancel (flow);
  lanyard_dbus_manager_complete_cancel_flow (manager, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}
