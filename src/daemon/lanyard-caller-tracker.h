/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-caller.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_CALLER_TRACKER (lanyard_caller_tracker_get_type ())
G_DECLARE_FINAL_TYPE (LanyardCallerTracker, lanyard_caller_tracker, LANYARD, CALLER_TRACKER, GObject)

LanyardCallerTracker *lanyard_caller_tracker_new (GDBusConnection *connection);
LanyardCaller        *lanyard_caller_tracker_lookup (LanyardCallerTracker *self,
                                                     const char           *sender,
                                                     GError              **error);
guint                 lanyard_caller_tracker_get_size (LanyardCallerTracker *self);
void                  lanyard_caller_tracker_trust (LanyardCallerTracker *self,
                                                    const char           *unique_name);

G_END_DECLS
