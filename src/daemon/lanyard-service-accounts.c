/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-service-private.h"

#include <glib/gi18n.h>

#include "lanyard-bus-account.h"

/* A satellite of lanyard-service.c: one object per account under the
 * object manager, following the account manager's signals, and the
 * desktop notification of an account that needs attention. */

/* A notification when the account comes to need attention (and its
 * withdrawal when it no longer does). */
static void
update_attention (LanyardService *self,
                  LanyardAccount *account)
{
  const char      *attention = lanyard_account_get_attention_reason (account);
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;

  if (self->notifier == NULL)
    return;
  path = lanyard_bus_account_path (account);
  /* Called on every change of the account: the words only when shown. */
  if (lanyard_account_get_needs_attention (account))
    {
      const char *who = lanyard_account_get_username (account);

      /* Translators: an account: a user name, then a provider ("octocat on GitHub") */
      name = g_strdup_printf (_ ("%s on %s"), who != NULL ? who : lanyard_account_get_account_id (account),
                              lanyard_account_manager_get_provider_name (self->accounts, lanyard_account_get_provider_id (account)));
    }
  lanyard_attention_notifier_update (self->notifier, path, name,
                                     lanyard_account_get_needs_attention (account) ? attention : NULL);
}

static void
export_account (LanyardService *self,
                LanyardAccount *account)
{
  g_autofree char *path = lanyard_bus_account_path (account);
  g_autoptr(GDBusObjectSkeleton) object = NULL;
  g_autoptr(LanyardBusAccount) iface = NULL;

  /* Before the bus, nothing to show: lanyard_service_export() comes back. */
  if (self->callers == NULL)
    return;
  object = g_dbus_object_skeleton_new (path);
  iface = lanyard_bus_account_new (self->accounts, account, self->callers, self->consent);
  g_dbus_object_skeleton_add_interface (object, G_DBUS_INTERFACE_SKELETON (iface));
  g_dbus_object_manager_server_export (self->objects, object);
  update_attention (self, account);
}

static void
account_added_cb (LanyardAccountManager *accounts,
                  LanyardAccount        *account,
                  LanyardService        *self)
{
  export_account (self, account);
}

static void
account_removed_cb (LanyardAccountManager *accounts,
                    LanyardAccount        *account,
                    LanyardService        *self)
{
  g_autofree char *path = lanyard_bus_account_path (account);
  g_autofree char *key = lanyard_account_dup_key (account);

  if (self->notifier != NULL)
    lanyard_attention_notifier_forget (self->notifier, path);
  /* Unlinked: what sandboxed applications were allowed goes with it. */
  if (self->consent != NULL)
    lanyard_consent_forget_account (self->consent, key);
  g_dbus_object_manager_server_unexport (self->objects, path);
}

static void
account_changed_cb (LanyardAccountManager *accounts,
                    LanyardAccount        *account,
                    GParamSpec            *pspec,
                    LanyardService        *self)
{
  /* The properties follow by themselves (bound); the notification not. */
  update_attention (self, account);
}

static void
current_changed_cb (LanyardAccountManager *accounts,
                    LanyardAccount        *current,
                    LanyardService        *self)
{
  if (self->manager != NULL)
    lanyard_manager_service_update_current (self->manager);
}

void
_lanyard_service_accounts_init (LanyardService *self)
{
  g_signal_connect_object (self->accounts, "account-added", G_CALLBACK (account_added_cb), self, 0);
  g_signal_connect_object (self->accounts, "account-removed", G_CALLBACK (account_removed_cb), self, 0);
  g_signal_connect_object (self->accounts, "account-changed", G_CALLBACK (account_changed_cb), self, 0);
  g_signal_connect_object (self->accounts, "current-changed", G_CALLBACK (current_changed_cb), self, 0);
}

/* Once on the bus: the accounts read before it. */
void
_lanyard_service_accounts_export (LanyardService *self)
{
  GPtrArray *accounts = lanyard_account_manager_get_accounts (self->accounts);

  for (guint i = 0; i < accounts->len; i++)
    export_account (self, g_ptr_array_index (accounts, i));
}
