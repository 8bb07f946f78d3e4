/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-caller-tracker.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_PRIVATE_SOCKET (lanyard_private_socket_get_type ())
G_DECLARE_FINAL_TYPE (LanyardPrivateSocket, lanyard_private_socket, LANYARD, PRIVATE_SOCKET, GObject)

gboolean              lanyard_private_socket_is_wanted (void);
char                 *lanyard_private_socket_dup_path (void);
LanyardPrivateSocket *lanyard_private_socket_new (GDBusConnection      *bus,
                                                  LanyardCallerTracker *callers,
                                                  GError              **error);

G_END_DECLS
