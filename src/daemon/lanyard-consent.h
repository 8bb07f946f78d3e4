/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-account.h"
#include "lanyard-caller-tracker.h"

G_BEGIN_DECLS

/* The permission store's table, and the answers it keeps (docs/dbus-api.md). */
#define LANYARD_CONSENT_TABLE "lanyard"
#define LANYARD_CONSENT_YES "yes"
#define LANYARD_CONSENT_NO "no"

#define LANYARD_TYPE_CONSENT (lanyard_consent_get_type ())
G_DECLARE_FINAL_TYPE (LanyardConsent, lanyard_consent, LANYARD, CONSENT, GObject)

LanyardConsent *lanyard_consent_new (GDBusConnection      *connection,
                                     LanyardCallerTracker *callers,
                                     const char           *usage_path,
                                     const char           *window_id);
char           *lanyard_consent_dup_app_id (const LanyardCaller *caller);
void            lanyard_consent_check_async (LanyardConsent      *self,
                                             const LanyardCaller *caller,
                                             LanyardAccount      *account,
                                             GVariant            *shown,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean        lanyard_consent_check_finish (LanyardConsent *self,
                                              GAsyncResult   *result,
                                              GError        **error);
void            lanyard_consent_record_token (LanyardConsent      *self,
                                              const LanyardCaller *caller,
                                              LanyardAccount      *account);
void            lanyard_consent_list_apps_async (LanyardConsent     *self,
                                                 LanyardAccount     *account,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
GVariant       *lanyard_consent_list_apps_finish (LanyardConsent *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);
void            lanyard_consent_set_access_async (LanyardConsent     *self,
                                                  LanyardAccount     *account,
                                                  const char         *app_id,
                                                  gboolean            allowed,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
gboolean        lanyard_consent_set_access_finish (LanyardConsent *self,
                                                   GAsyncResult   *result,
                                                   GError        **error);
void            lanyard_consent_forget_account (LanyardConsent *self,
                                                const char     *key);

G_END_DECLS
