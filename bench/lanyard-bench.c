/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lanyard-bench: lanyard-daemon with N accounts (fake tokens in a real
 * gnome-keyring) on a private bus; prints how fast it owns its name, how
 * the current-identity call compares with a bare Ping, its memory and its
 * idle CPU. Figures, not pass/fail: see README.md for the targets. */

#include "config.h"

#include <libsecret/secret.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../tests/keyring-harness.h"

#define CALLS 2000

static const SecretSchema schema = {
  LANYARD_TOKEN_SCHEMA,
  SECRET_SCHEMA_NONE,
  { { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING }, { "account", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  0,
  NULL,
  NULL,
  NULL,
  NULL,
  NULL,
  NULL,
  NULL
};

static void
populate (const char *data_home,
          guint       n)
{
  g_autoptr(GString) json = g_string_new ("{\"format\":1,\"accounts\":[");
  g_autofree char *dir = g_build_filename (data_home, LANYARD_USER_DIR_NAME, NULL);
  g_autofree char *path = g_build_filename (dir, "accounts.json", NULL);
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *account = g_strdup_printf ("%u", 100000 + i);
      g_autofree char *secret = g_strdup_printf ("{\"format\":1,\"access_token\":\"bench_at_%u\",\"token_type\":\"Bearer\","
                                                 "\"refresh_token\":\"bench_rt_%u\",\"expires_at\":%" G_GINT64_FORMAT ",\"scopes\":[]}",
                                                 i, i, now + 86400);
      g_autoptr(GError) error = NULL;

      g_string_append_printf (json, "%s{\"provider\":\"work\",\"account_id\":\"%s\",\"username\":\"user%u\","
                                    "\"display_name\":\"User %u\",\"email\":\"user%u@example.com\",\"linked_at\":%" G_GINT64_FORMAT ","
                                    "\"last_refresh\":%" G_GINT64_FORMAT ",\"expires_at\":%" G_GINT64_FORMAT ",\"primary\":%s}",
                              i > 0 ? "," : "", account, i, i, i, now - n + i, now, now + 86400, i == 0 ? "true" : "false");
      secret_password_store_sync (&schema, SECRET_COLLECTION_DEFAULT, "Lanyard bench", secret, NULL, &error,
                                  "provider", "work", "account", account, NULL);
      g_assert_no_error (error);
    }
  g_string_append (json, "]}");

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, json->str, -1, NULL));
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static gint64
timed_call (GDBusConnection *connection,
            const char      *interface,
            const char      *method)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (connection, LANYARD_DAEMON_BUS_NAME,
                                                            "/io/github/lanyard/Lanyard/Manager", interface, method,
                                                            NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);

  g_assert_nonnull (reply);
  return g_get_monotonic_time () - start;
}

/* Ping and the identity call alternate, so that whatever else the machine
 * does weighs on both alike. */
static void
latencies (GDBusConnection *connection,
           double          *identity_median,
           double          *identity_p99,
           double          *ping_median,
           double          *ping_p99)
{
  g_autofree gint64 *identity = g_new (gint64, CALLS);
  g_autofree gint64 *ping = g_new (gint64, CALLS);

  for (guint i = 0; i < 200; i++)
    timed_call (connection, "org.freedesktop.DBus.Peer", "Ping");

  for (guint i = 0; i < CALLS; i++)
    {
      ping[i] = timed_call (connection, "org.freedesktop.DBus.Peer", "Ping");
      identity[i] = timed_call (connection, "io.github.lanyard.Manager", "GetCurrentIdentity");
    }

  qsort (identity, CALLS, sizeof (gint64), compare_gint64);
  qsort (ping, CALLS, sizeof (gint64), compare_gint64);
  *identity_median = identity[CALLS / 2];
  *identity_p99 = identity[CALLS * 99 / 100];
  *ping_median = ping[CALLS / 2];
  *ping_p99 = ping[CALLS * 99 / 100];
}

static gint64
cpu_ticks (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return -1;
  after_name = strrchr (stat, ')') + 2;
  fields = g_strsplit (after_name, " ", -1);
  /* utime and stime: fields 14 and 15 of stat, 12 and 13 after the name. */
  return g_ascii_strtoll (fields[11], NULL, 10) + g_ascii_strtoll (fields[12], NULL, 10);
}

static long
status_kib (GPid        pid,
            const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents (path, &status, NULL, NULL) || (line = strstr (status, field)) == NULL)
    return -1;
  return strtol (line + strlen (field), NULL, 10);
}

static void
run (const char *daemon_binary,
     guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = g_dir_make_tmp ("lanyard-bench-XXXXXX", &error);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", data_home);
  double           identity_median, identity_p99, ping_median, ping_p99;
  gint64           started, owned = 0, ticks_before, ticks_after;
  GPid             pid;

  populate (data_home, n);

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_DIRS", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANYARD_PROVIDER_WORK", "gitlab client_id=bench base_url=http://127.0.0.1:9", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");

  started = g_get_monotonic_time ();
  daemon = g_subprocess_launcher_spawn (launcher, &error, daemon_binary, NULL);
  g_assert_no_error (error);
  while (!keyring_harness_name_has_owner (LANYARD_DAEMON_BUS_NAME))
    g_usleep (200);
  owned = g_get_monotonic_time () - started;
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (daemon), NULL, 10);

  latencies (connection, &identity_median, &identity_p99, &ping_median, &ping_p99);

  ticks_before = cpu_ticks (pid);
  g_usleep (10 * G_USEC_PER_SEC);
  ticks_after = cpu_ticks (pid);

  printf ("| %4u | %7.1f ms | %6.0f µs / %6.0f µs | %6.0f µs / %6.0f µs | %4.2f× / %4.2f× | %6.1f MB (%.1f anonymous) | %5.2f %% |\n",
          n, owned / 1000.0, identity_median, identity_p99, ping_median, ping_p99,
          identity_median / ping_median, identity_p99 / ping_p99,
          status_kib (pid, "VmRSS:") / 1024.0, status_kib (pid, "RssAnon:") / 1024.0,
          100.0 * (double) (ticks_after - ticks_before) / (double) sysconf (_SC_CLK_TCK) / 10.0);
  fflush (stdout);

  g_subprocess_send_signal (daemon, SIGTERM);
  g_subprocess_wait (daemon, NULL, NULL);
  while (keyring_harness_name_has_owner (LANYARD_DAEMON_BUS_NAME))
    g_usleep (1000);
  g_assert_cmpint (system (command), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  KeyringHarness   harness = { 0 };
  g_autofree char *daemon_binary = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: lanyard-bench PATH-TO-lanyard-daemon\n");
      return 2;
    }
  daemon_binary = g_canonicalize_filename (argv[1], NULL);

  keyring_harness_up (&harness, TRUE);

  printf ("lanyard-daemon, %d identity calls alternating with %d Pings, idle CPU over 10 s\n\n", CALLS, CALLS);
  printf ("|    N | name owned | identity median / p99 | Ping median / p99 | identity ÷ Ping (median / p99) | RSS | idle CPU |\n");
  printf ("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  run (daemon_binary, 1);
  run (daemon_binary, 1000);

  secret_service_disconnect ();
  keyring_harness_down (&harness);
  return 0;
}
