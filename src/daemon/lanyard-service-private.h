/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* LanyardService is split over three files: the service and its manager
 * interface (lanyard-service.c), accounts and tokens
 * (lanyard-service-accounts.c), sign-ins (lanyard-service-flows.c). */

#include "lanyard-account-store.h"
#include "lanyard-attention-notifier.h"
#include "lanyard-caller-tracker.h"
#include "lanyard-manager-service.h"
#include "lanyard-dbus-generated.h"
#include "lanyard-refresh-scheduler.h"
#include "lanyard-service.h"
#include "lanyard-token-store.h"

G_BEGIN_DECLS

struct _LanyardService
{
  GObject parent_instance;

  GDBusConnection          *connection;
  LanyardManagerService    *manager_service;
  LanyardDBusManager       *manager; /* the same object */
  LanyardProviderRegistry  *registry;
  LanyardAccountStore      *accounts;
  LanyardTokenStore        *tokens;
  LanyardRefreshScheduler  *scheduler;
  GHashTable               *account_paths; /* object path → LanyardAccount (the store owns it) */
  GHashTable               *unavailable; /* keys of accounts whose keyring cannot be used */
  GHashTable               *refreshes; /* key → GPtrArray of waiting GTask */
  GHashTable               *flows; /* object path → LanyardBusFlow */
  GHashTable               *starting; /* sender ("" for a peer) → StartFlow calls still starting */
  guint                     n_starting;
  LanyardCallerTracker     *callers; /* once on the bus */
  LanyardAttentionNotifier *notifier; /* once on the bus */
  guint                     flow_serial;
};

/* Sign-ins at once: for one connection, and in all. */
#define LANYARD_MAX_FLOWS_PER_CALLER 3
#define LANYARD_MAX_FLOWS 16

/* How long before expiry a token counts as expired for a caller. */
#define LANYARD_TOKEN_FRESH_MARGIN_SECONDS 60

void             _lanyard_service_export_account (LanyardService *self,
                                                  LanyardAccount *account);
void             _lanyard_service_unexport_account (LanyardService *self,
                                                    LanyardAccount *account);
char            *_lanyard_service_account_path (LanyardAccount *account);
gboolean         _lanyard_service_save_accounts (LanyardService *self,
                                                 GError        **error);
void             _lanyard_service_update_current (LanyardService *self);
void             _lanyard_service_get_tokens_async (LanyardService     *self,
                                                    LanyardAccount     *account,
                                                    gboolean            force_refresh,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
LanyardTokenSet *_lanyard_service_get_tokens_finish (LanyardService *self,
                                                     GAsyncResult   *result,
                                                     GError        **error);
void             _lanyard_service_refresh_due (LanyardService *self,
                                               const char     *key);
const char      *_lanyard_service_provider_name (LanyardService *self,
                                                 const char     *provider_id);
char            *_lanyard_service_token_label (LanyardService  *self,
                                               LanyardIdentity *identity);
gboolean         _lanyard_service_handle_start_flow (LanyardDBusManager    *manager,
                                                     GDBusMethodInvocation *invocation,
                                                     const char            *provider_id,
                                                     GVariant              *options,
                                                     LanyardService        *self);
gboolean         _lanyard_service_handle_cancel_flow (LanyardDBusManager    *manager,
                                                      GDBusMethodInvocation *invocation,
                                                      const char            *path,
                                                      LanyardService        *self);
void             _lanyard_service_flows_free (LanyardService *self);
gboolean         _lanyard_service_export_objects (LanyardService *self,
                                                  GError        **error);
void             _lanyard_service_account_changed (LanyardService *self,
                                                   LanyardAccount *account);
void             _lanyard_service_account_method (LanyardService        *self,
                                                  LanyardAccount        *account,
                                                  const char            *method,
                                                  GDBusMethodInvocation *invocation);

G_END_DECLS
