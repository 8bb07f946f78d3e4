/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A private D-Bus session (GTestDBus, with no activatable services) and,
 * on demand, a real gnome-keyring-daemon on it, unlocked with an empty
 * password, keeping its files in a temporary directory. One per test
 * program: libsecret and GIO keep the bus for the process's life. */

#include <gio/gio.h>
#include <glib/gstdio.h>

G_BEGIN_DECLS

typedef struct
{
  GTestDBus   *bus;
  GSubprocess *keyring;
  char        *home;
} KeyringHarness;

static gboolean
keyring_harness_name_has_owner (const char *name)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", name),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

G_GNUC_UNUSED static void
keyring_harness_start_keyring (KeyringHarness *h)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  GOutputStream *stdin_pipe;

  /* A clean environment: the tests' G_DEBUG=fatal-warnings and malloc
   * debugging are for Lanyard, and make gnome-keyring-daemon abort on its
   * own warnings. */
  const char *clean[] = { NULL };
  g_subprocess_launcher_set_environ (launcher, (char **) clean);
  g_subprocess_launcher_setenv (launcher, "PATH", g_getenv ("PATH"), TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", g_getenv ("DBUS_SESSION_BUS_ADDRESS"), TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", h->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", h->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", h->home, TRUE);
  /* An empty password, with its newline, creates and unlocks the login
   * keyring; with no input at all the daemon wants a prompt. */
  h->keyring = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground",
                                            "--replace", "--unlock", "--components=secrets", NULL);
  g_assert_no_error (error);
  stdin_pipe = g_subprocess_get_stdin_pipe (h->keyring);
  g_output_stream_write_all (stdin_pipe, "\n", 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stdin_pipe, NULL, NULL);

  for (guint i = 0; i < 200 && !keyring_harness_name_has_owner ("org.freedesktop.secrets"); i++)
    g_usleep (50 * 1000);
  g_assert_true (keyring_harness_name_has_owner ("org.freedesktop.secrets"));
}

G_GNUC_UNUSED static void
keyring_harness_stop_keyring (KeyringHarness *h)
{
  if (h->keyring == NULL)
    return;
  g_subprocess_send_signal (h->keyring, SIGTERM);
  g_subprocess_wait (h->keyring, NULL, NULL);
  g_clear_object (&h->keyring);
  for (guint i = 0; i < 100 && keyring_harness_name_has_owner ("org.freedesktop.secrets"); i++)
    g_usleep (50 * 1000);
}

G_GNUC_UNUSED static void
keyring_harness_up (KeyringHarness *h,
                    gboolean        with_keyring)
{
  g_autoptr(GError) error = NULL;

  h->home = g_dir_make_tmp ("lanyard-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (h->home, 0700);

  h->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (h->bus);

  if (with_keyring)
    keyring_harness_start_keyring (h);
}

G_GNUC_UNUSED static void
keyring_harness_down (KeyringHarness *h)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", h->home);

  keyring_harness_stop_keyring (h);
  /* Not g_test_dbus_down(): libsecret keeps the bus connection for the
   * process's life, and that is fine at exit. */
  g_test_dbus_stop (h->bus);
  /* Kept, not unreffed: finalizing a GTestDBus that was stopped rather than
   * taken down would wait for that connection all the same. The harness
   * is static, so the object stays reachable until exit. */
  g_assert_cmpint (system (command), ==, 0);
  g_clear_pointer (&h->home, g_free);
}

G_END_DECLS
