/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-dbus-errors.h"

#include "lanyard-error.h"

/* Every #LanyardError crosses the bus as `io.github.lanyard.Error.<Name>`
 * with its message, so that clients can act on the name and show the
 * words (docs/dbus-api.md, "Errors"). The one place the names are
 * spelled: GDBus maps both ways from here. */
static const GDBusErrorEntry lanyard_error_entries[] = {
  { LANYARD_ERROR_MISCONFIGURED, "io.github.lanyard.Error.Misconfigured" },
  { LANYARD_ERROR_ACCESS_DENIED, "io.github.lanyard.Error.AccessDenied" },
  { LANYARD_ERROR_INVALID_GRANT, "io.github.lanyard.Error.InvalidGrant" },
  { LANYARD_ERROR_PROVIDER, "io.github.lanyard.Error.ProviderError" },
  { LANYARD_ERROR_SERVER, "io.github.lanyard.Error.ServerError" },
  { LANYARD_ERROR_NETWORK, "io.github.lanyard.Error.Network" },
  { LANYARD_ERROR_INVALID_RESPONSE, "io.github.lanyard.Error.InvalidResponse" },
  { LANYARD_ERROR_STATE_MISMATCH, "io.github.lanyard.Error.StateMismatch" },
  { LANYARD_ERROR_ISSUER_MISMATCH, "io.github.lanyard.Error.IssuerMismatch" },
  { LANYARD_ERROR_INVALID_CALLBACK, "io.github.lanyard.Error.InvalidCallback" },
  { LANYARD_ERROR_TIMED_OUT, "io.github.lanyard.Error.TimedOut" },
  { LANYARD_ERROR_NOT_SUPPORTED, "io.github.lanyard.Error.NotSupported" },
  { LANYARD_ERROR_FAILED, "io.github.lanyard.Error.Failed" },
  { LANYARD_ERROR_KEYRING_UNAVAILABLE, "io.github.lanyard.Error.KeyringUnavailable" },
  { LANYARD_ERROR_KEYRING_LOCKED, "io.github.lanyard.Error.KeyringLocked" },
  { LANYARD_ERROR_NOT_FOUND, "io.github.lanyard.Error.NotFound" },
  { LANYARD_ERROR_PERMISSION_DENIED, "io.github.lanyard.Error.PermissionDenied" },
};

#define CANCELLED_NAME "io.github.lanyard.Error.Cancelled"

/**
 * lanyard_dbus_errors_register:
 *
 * Registers the names, once per process.
 */
void
lanyard_dbus_errors_register (void)
{
  static gsize quark;
  static gsize cancelled;

  G_STATIC_ASSERT (G_N_ELEMENTS (lanyard_error_entries) == LANYARD_ERROR_PERMISSION_DENIED + 1);
  /* By the quark's own string, however lanyard-error.c spells it. */
  g_dbus_error_register_error_domain (g_quark_to_string (LANYARD_ERROR), &quark, lanyard_error_entries,
                                      G_N_ELEMENTS (lanyard_error_entries));

  /* Cancellation is GIO's, as everywhere in GIO; on the bus it is ours. */
  if (g_once_init_enter (&cancelled))
    {
      g_dbus_error_register_error (G_IO_ERROR, G_IO_ERROR_CANCELLED, CANCELLED_NAME);
      g_once_init_leave (&cancelled, 1);
    }
}

/* Errors that have no name of their own cross as Failed, with their words. */
static GError *
to_bus_error (const GError *error)
{
  if (error->domain == LANYARD_ERROR || error->domain == G_DBUS_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  return g_error_new_literal (LANYARD_ERROR, LANYARD_ERROR_FAILED, error->message);
}

/**
 * lanyard_dbus_errors_return:
 *
 * Answers @invocation with @error under its registered name.
 */
void
lanyard_dbus_errors_return (GDBusMethodInvocation *invocation,
                            const GError          *error)
{
  g_autoptr(GError) bus_error = to_bus_error (error);

  g_dbus_method_invocation_return_gerror (invocation, bus_error);
}

/**
 * lanyard_dbus_errors_encode:
 *
 * Returns: (transfer full): the D-Bus name of @error, for signals such
 *   as `Flow.Failed`
 */
char *
lanyard_dbus_errors_encode (const GError *error)
{
  g_autoptr(GError) bus_error = to_bus_error (error);

  return g_dbus_error_encode_gerror (bus_error);
}
