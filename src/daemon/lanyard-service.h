/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lanyard-caller-tracker.h"
#include "lanyard-provider-registry.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_SERVICE (lanyard_service_get_type ())
G_DECLARE_FINAL_TYPE (LanyardService, lanyard_service, LANYARD, SERVICE, GObject)

LanyardService       *lanyard_service_new (LanyardProviderRegistry *registry,
                                           const char              *accounts_path);
void                  lanyard_service_export (LanyardService  *self,
                                              GDBusConnection *connection);
LanyardCallerTracker *lanyard_service_get_callers (LanyardService *self);
void                  lanyard_service_load_async (LanyardService     *self,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
gboolean              lanyard_service_load_finish (LanyardService *self,
                                                   GAsyncResult   *result,
                                                   GError        **error);
void                  lanyard_service_recheck (LanyardService *self);

G_END_DECLS
