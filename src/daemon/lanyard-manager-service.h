/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-account-manager.h"
#include "lanyard-caller-tracker.h"
#include "lanyard-dbus-generated.h"
#include "lanyard-server-registrar.h"

G_BEGIN_DECLS

#define LANYARD_DAEMON_ROOT_PATH "/io/github/lanyard/Lanyard"
#define LANYARD_DAEMON_MANAGER_PATH LANYARD_DAEMON_ROOT_PATH "/Manager"
#define LANYARD_DAEMON_FLOWS_PATH LANYARD_DAEMON_ROOT_PATH "/Flows"

/* Sign-ins at once: for one connection, and in all; and sign-ins kept,
 * running or finished (a finished one stays 30 s for its starter). */
#define LANYARD_MAX_FLOWS_PER_CALLER 3
#define LANYARD_MAX_FLOWS 16
#define LANYARD_MAX_FLOWS_KEPT 64

#define LANYARD_TYPE_MANAGER_SERVICE (lanyard_manager_service_get_type ())
G_DECLARE_FINAL_TYPE (LanyardManagerService, lanyard_manager_service, LANYARD, MANAGER_SERVICE, LanyardDBusManagerSkeleton)

LanyardManagerService *lanyard_manager_service_new (LanyardAccountManager    *accounts,
                                                    LanyardServerRegistrar   *servers,
                                                    LanyardCallerTracker     *callers,
                                                    GDBusObjectManagerServer *objects);
void                   lanyard_manager_service_update_current (LanyardManagerService *self);

G_END_DECLS
