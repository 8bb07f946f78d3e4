/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-caller-tracker.h"
#include "lanyard-dbus-generated.h"
#include "lanyard-flow.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_BUS_FLOW (lanyard_bus_flow_get_type ())
G_DECLARE_FINAL_TYPE (LanyardBusFlow, lanyard_bus_flow, LANYARD, BUS_FLOW, LanyardDBusFlowSkeleton)

LanyardBusFlow *lanyard_bus_flow_new (LanyardFlow          *flow,
                                      LanyardCallerTracker *callers,
                                      const char           *starter,
                                      const char           *path);
gboolean        lanyard_bus_flow_export (LanyardBusFlow  *self,
                                         GDBusConnection *connection,
                                         GError         **error);
LanyardFlow    *lanyard_bus_flow_get_flow (LanyardBusFlow *self);
const char     *lanyard_bus_flow_get_path (LanyardBusFlow *self);
const char     *lanyard_bus_flow_get_starter (LanyardBusFlow *self);
gboolean        lanyard_bus_flow_is_finished (LanyardBusFlow *self);
void            lanyard_bus_flow_cancel (LanyardBusFlow *self);
void            lanyard_bus_flow_finish (LanyardBusFlow *self,
                                         const char     *account_path,
                                         const GError   *error);

G_END_DECLS
