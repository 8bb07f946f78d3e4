/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-caller-tracker.h"
#include "lanyard-dbus-generated.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_MANAGER_SERVICE (lanyard_manager_service_get_type ())
G_DECLARE_FINAL_TYPE (LanyardManagerService, lanyard_manager_service, LANYARD, MANAGER_SERVICE, LanyardDBusManagerSkeleton)

LanyardManagerService *lanyard_manager_service_new (void);
void                   lanyard_manager_service_set_callers (LanyardManagerService *self,
                                                            LanyardCallerTracker  *callers);

G_END_DECLS
