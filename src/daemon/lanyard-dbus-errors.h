/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void  lanyard_dbus_errors_register (void);
void  lanyard_dbus_errors_return (GDBusMethodInvocation *invocation,
                                  const GError          *error);
char *lanyard_dbus_errors_encode (const GError *error);

G_END_DECLS
