/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-access-policy.h"

#include <unistd.h>

#include "lanyard-error.h"

/**
 * SECTION:lanyard-access-policy
 *
 * Who may read an access token. For now: programs of the same user that
 * run outside a sandbox. A Flatpak application is refused, with a message
 * that says so, until a consent mechanism (a portal-style dialog) exists;
 * identity (who the user is) stays readable by everyone on the session
 * bus. See docs/dbus-api.md.
 */

/**
 * lanyard_access_policy_pid_is_sandboxed:
 * @proc_root: where procfs is mounted, `/proc` but for tests
 *
 * A Flatpak sandbox has `/.flatpak-info` at its root; seen from outside,
 * that is `/proc/PID/root/.flatpak-info`. When the process is gone or its
 * root cannot be looked at, the answer is "sandboxed": refusing is the safe
 * side.
 */
gboolean
lanyard_access_policy_pid_is_sandboxed (guint32     pid,
                                        const char *proc_root)
{
  g_autofree char *pid_str = g_strdup_printf ("%u", pid);
  g_autofree char *root = g_build_filename (proc_root, pid_str, "root", NULL);
  g_autofree char *info = g_build_filename (root, ".flatpak-info", NULL);

  if (pid == 0 || !g_file_test (root, G_FILE_TEST_IS_DIR))
    return TRUE;

  return g_file_test (info, G_FILE_TEST_EXISTS);
}

static void
credentials_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) credentials = NULL;
  g_autoptr(GError) error = NULL;
  guint32 pid = 0, uid = G_MAXUINT32;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                               "Lanyard could not tell which program is asking, so it keeps the token to itself");
      return;
    }

  g_variant_get (reply, "(@a{sv})", &credentials);
  g_variant_lookup (credentials, "ProcessID", "u", &pid);
  g_variant_lookup (credentials, "UnixUserID", "u", &uid);

  if (uid != getuid ())
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                               "Only programs of the same user may get access tokens");
      return;
    }

  if (lanyard_access_policy_pid_is_sandboxed (pid, "/proc"))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                               "Sandboxed applications cannot get access tokens from Lanyard yet: "
                               "there is no way yet to ask you for consent. Who you are (the current "
                               "identity) is available to them.");
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * lanyard_access_policy_check_async:
 * @sender: the caller's unique bus name
 *
 * Decides whether @sender may have an access token.
 */
void
lanyard_access_policy_check_async (GDBusConnection    *connection,
                                   const char         *sender,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  GTask *task = g_task_new (connection, cancellable, callback, user_data);

  g_task_set_source_tag (task, lanyard_access_policy_check_async);

  /* A direct (peer-to-peer) connection has no bus to ask: only this user. */
  if (sender == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  g_dbus_connection_call (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionCredentials",
                          g_variant_new ("(s)", sender), G_VARIANT_TYPE ("(a{sv})"),
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable, credentials_cb, task);
}

gboolean
lanyard_access_policy_check_finish (GAsyncResult *result,
                                    GError      **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
