/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LANYARD_DBUS_ERROR_PREFIX "io.github.lanyard.Error."

void lanyard_dbus_errors_register (void);

G_END_DECLS
