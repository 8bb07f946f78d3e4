/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-dbus-errors.h"

#include "lanyard-error.h"

/**
 * lanyard_dbus_errors_register:
 *
 * Every #LanyardError crosses the bus as `io.github.lanyard.Error.<Nick>`
 * (AccessDenied, InvalidGrant, KeyringLocked, …) with its message, so that
 * clients can act on the name and show the words.
 */
void
lanyard_dbus_errors_register (void)
{
  static gsize           registered;
  static GDBusErrorEntry entries[LANYARD_ERROR_PERMISSION_DENIED + 1];

  if (!g_once_init_enter (&registered))
    return;

  for (int code = 0; code <= LANYARD_ERROR_PERMISSION_DENIED; code++)
    {
      entries[code].error_code = code;
      entries[code].dbus_error_name = g_strconcat (LANYARD_DBUS_ERROR_PREFIX, lanyard_error_code_to_nick (code), NULL);
    }

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    g_dbus_error_register_error (LANYARD_ERROR, entries[i].error_code, entries[i].dbus_error_name);

  g_once_init_leave (&registered, 1);
}
