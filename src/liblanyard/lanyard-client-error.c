/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "liblanyard"

#include "config.h"

#include <gio/gio.h>
#include <libintl.h>
#include <string.h>

#include "lanyard-client-error.h"
#include "lanyard-client-private.h"

/* clang-format off */
G_DEFINE_QUARK (lanyard-client-error-quark, lanyard_client_error)
/* clang-format on */

const char *
_lanyard_gettext (const char *msgid)
{
  static gsize bound;

  if (g_once_init_enter (&bound))
    {
      bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&bound, 1);
    }
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

/* The daemon's error names (docs/dbus-api.md, "Errors";
 * src/daemon/lanyard-dbus-errors.c sends them), every one of them
 * (tests/check-liblanyard.sh compares). Mapped here rather than
 * registered with g_dbus_error_register_error_domain(): registration is
 * global to the process and one D-Bus name maps to one code only, while
 * several of the daemon's names (those of a sign-in) mean nothing more to
 * an app than FAILED. */
static const struct
{
  const char        *name;
  LanyardClientError code;
} daemon_errors[] = {
  { "io.github.lanyard.Error.Misconfigured", LANYARD_CLIENT_ERROR_MISCONFIGURED },
  { "io.github.lanyard.Error.AccessDenied", LANYARD_CLIENT_ERROR_ACCESS_DENIED },
  { "io.github.lanyard.Error.InvalidGrant", LANYARD_CLIENT_ERROR_INVALID_GRANT },
  { "io.github.lanyard.Error.ProviderError", LANYARD_CLIENT_ERROR_PROVIDER },
  { "io.github.lanyard.Error.ServerError", LANYARD_CLIENT_ERROR_SERVER },
  { "io.github.lanyard.Error.Network", LANYARD_CLIENT_ERROR_NETWORK },
  { "io.github.lanyard.Error.InvalidResponse", LANYARD_CLIENT_ERROR_INVALID_RESPONSE },
  { "io.github.lanyard.Error.TimedOut", LANYARD_CLIENT_ERROR_TIMED_OUT },
  { "io.github.lanyard.Error.NotSupported", LANYARD_CLIENT_ERROR_NOT_SUPPORTED },
  { "io.github.lanyard.Error.KeyringUnavailable", LANYARD_CLIENT_ERROR_KEYRING_UNAVAILABLE },
  { "io.github.lanyard.Error.KeyringLocked", LANYARD_CLIENT_ERROR_KEYRING_LOCKED },
  { "io.github.lanyard.Error.NotFound", LANYARD_CLIENT_ERROR_NOT_FOUND },
  { "io.github.lanyard.Error.PermissionDenied", LANYARD_CLIENT_ERROR_PERMISSION_DENIED },
  /* A sign-in's, which apps do not start: nothing more than FAILED to them. */
  { "io.github.lanyard.Error.StateMismatch", LANYARD_CLIENT_ERROR_FAILED },
  { "io.github.lanyard.Error.IssuerMismatch", LANYARD_CLIENT_ERROR_FAILED },
  { "io.github.lanyard.Error.InvalidCallback", LANYARD_CLIENT_ERROR_FAILED },
  { "io.github.lanyard.Error.Failed", LANYARD_CLIENT_ERROR_FAILED },
  /* The bus's own: the daemon is gone, or its object is. */
  { "org.freedesktop.DBus.Error.ServiceUnknown", LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE },
  { "org.freedesktop.DBus.Error.NameHasNoOwner", LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE },
  { "org.freedesktop.DBus.Error.NoReply", LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE },
  { "org.freedesktop.DBus.Error.UnknownObject", LANYARD_CLIENT_ERROR_NOT_FOUND },
  { "org.freedesktop.DBus.Error.UnknownMethod", LANYARD_CLIENT_ERROR_NOT_SUPPORTED },
};

#define CANCELLED_NAME "io.github.lanyard.Error.Cancelled"

static void
replace (GError    **error,
         GQuark      domain,
         int         code,
         const char *message)
{
  GError *mapped = g_error_new_literal (domain, code, message);

  g_clear_error (error);
  *error = mapped;
}

/*
 * _lanyard_client_error_from_dbus:
 * @error: (inout): an error from a call to the daemon
 *
 * Turns @error into the #LANYARD_CLIENT_ERROR domain, keeping the
 * daemon's message without GDBus's prefix. Cancellation stays
 * G_IO_ERROR_CANCELLED.
 */
void
_lanyard_client_error_from_dbus (GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  GError          *e = *error;

  if (e->domain == LANYARD_CLIENT_ERROR || g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CLOSED) || g_error_matches (e, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (e, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) || g_error_matches (e, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
      g_error_matches (e, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED))
    {
      g_dbus_error_strip_remote_error (e);
      message = g_strdup_printf (_ ("Lanyard’s account service could not be reached: %s"), e->message);
      replace (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE, message);
      return;
    }

  if (!g_dbus_error_is_remote_error (e))
    {
      message = g_strdup (e->message);
      replace (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_FAILED, message);
      return;
    }

  name = g_dbus_error_get_remote_error (e);
  g_dbus_error_strip_remote_error (e);
  message = g_strdup (e->message);

  if (g_strcmp0 (name, CANCELLED_NAME) == 0)
    {
      replace (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, message);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (daemon_errors); i++)
    if (g_strcmp0 (name, daemon_errors[i].name) == 0)
      {
        if (daemon_errors[i].code == LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE)
          {
            g_autofree char *words = g_strdup_printf (_ ("Lanyard’s account service could not be reached: %s"), message);

            replace (error, LANYARD_CLIENT_ERROR, daemon_errors[i].code, words);
          }
        else
          replace (error, LANYARD_CLIENT_ERROR, daemon_errors[i].code, message);
        return;
      }
  replace (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_FAILED, message);
}
