/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lanyard-bench: lanyard-daemon with N accounts (fake tokens in a real
 * gnome-keyring) on a private bus; prints how fast it owns its name, how
 * the current-identity call compares with a bare Ping, its memory and its
 * idle CPU. When goa-daemon (GNOME Online Accounts) is installed, the same
 * figures for it with as many accounts, in the same run, side by side.
 * Figures, not pass/fail: see README.md for the targets. */

#include "config.h"

#include <libsecret/secret.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../tests/keyring-harness.h"

#define CALLS 2000
#define MANY 1000

#define LANYARD_MANAGER_PATH "/io/github/lanyard/Lanyard/Manager"
#define GOA_BUS_NAME "org.gnome.OnlineAccounts"

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

/* GNOME Online Accounts' accounts file with N Google accounts, none of
 * them with a secret in the keyring (GOA then marks them as needing
 * attention, without going to the network). */
static void
populate_goa (const char *config_home,
              guint       n)
{
  g_autoptr(GString) conf = g_string_new (NULL);
  g_autofree char *dir = g_build_filename (config_home, "goa-1.0", NULL);
  g_autofree char *path = g_build_filename (dir, "accounts.conf", NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (conf,
                            "[Account account_bench_%u]\n"
                            "Provider=google\n"
                            "Identity=user%u@example.com\n"
                            "PresentationIdentity=user%u@example.com\n"
                            "MailEnabled=true\nCalendarEnabled=true\nContactsEnabled=true\n"
                            "PhotosEnabled=false\nFilesEnabled=false\nPrintersEnabled=false\n\n",
                            100000 + i, i, i);

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, conf->str, -1, NULL));
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* One D-Bus method of one daemon. */
typedef struct
{
  const char *name;
  const char *path;
  const char *interface;
  const char *method;
  GVariant   *parameters; /* owned, not floating; NULL for none */
} Call;

static gint64
timed_call (GDBusConnection *connection,
            const Call      *call)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (connection, call->name, call->path, call->interface,
                                                            call->method, call->parameters, NULL,
                                                            G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);

  g_assert_nonnull (reply);
  return g_get_monotonic_time () - start;
}

typedef struct
{
  double median;
  double p99;
} Latency;

/* The calls alternate, so that whatever else the machine does weighs on
 * all alike. */
static void
latencies (GDBusConnection *connection,
           const Call      *calls,
           guint            n_calls,
           Latency         *out)
{
  g_autofree gint64 *samples = g_new (gint64, (gsize) CALLS * n_calls);

  for (guint i = 0; i < 200; i++)
    for (guint c = 0; c < n_calls; c++)
      timed_call (connection, &calls[c]);

  for (guint i = 0; i < CALLS; i++)
    for (guint c = 0; c < n_calls; c++)
      samples[(gsize) c * CALLS + i] = timed_call (connection, &calls[c]);

  for (guint c = 0; c < n_calls; c++)
    {
      gint64 *column = samples + (gsize) c * CALLS;

      qsort (column, CALLS, sizeof (gint64), compare_gint64);
      out[c].median = column[CALLS / 2];
      out[c].p99 = column[CALLS * 99 / 100];
    }
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

/* Work a daemon does by itself after owning its name (GOA checks every
 * account's credentials a second after start) would weigh on the
 * latencies: wait at least 3 s, then until it has used no CPU for a
 * whole second (at most a minute). Returns the seconds of the last
 * second it was busy, from when it owned its name. */
static double
settle (GPid pid)
{
  gint64 start = g_get_monotonic_time ();
  gint64 before = cpu_ticks (pid);
  double busy_until = 0;

  while (g_get_monotonic_time () - start < 60 * G_USEC_PER_SEC)
    {
      double elapsed;
      gint64 after;

      g_usleep (G_USEC_PER_SEC);
      after = cpu_ticks (pid);
      elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      if (after != before)
        busy_until = elapsed;
      else if (elapsed >= 3)
        break;
      before = after;
    }
  return busy_until;
}

typedef struct
{
  double   owned_ms;
  double   settled_s;
  guint    n_objects; /* what GetManagedObjects lists */
  Latency  ping;
  Latency  identity; /* the current identity; for GOA, one account's properties */
  Latency  account; /* one account's properties */
  double   rss_mb;
  double   anon_mb;
  double   idle_cpu;
  GString *per_method; /* Lanyard with one account: the table of every method */
} Figures;

typedef struct
{
  const char *label;
  const char *bus_name;
  Call        identity;
  Call        account;
} Daemon;

static GSubprocess *
spawn_owner (GSubprocessLauncher *launcher,
             const char *const   *argv,
             const char          *bus_name,
             double              *owned_ms)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  gint64       started = g_get_monotonic_time ();

  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  while (!keyring_harness_name_has_owner (bus_name))
    g_usleep (200);
  *owned_ms = (g_get_monotonic_time () - started) / 1000.0;
  return process;
}

static void
measure (GSubprocess *process,
         Daemon      *daemon,
         Figures     *figures)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  GPid    pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10);
  Call    calls[3] = { { daemon->bus_name, daemon->identity.path, "org.freedesktop.DBus.Peer", "Ping", NULL },
                       daemon->identity,
                       daemon->account };
  Latency measured[3];
  gint64  ticks_before, ticks_after;

  figures->settled_s = settle (pid);
  latencies (connection, calls, G_N_ELEMENTS (calls), measured);
  figures->ping = measured[0];
  figures->identity = measured[1];
  figures->account = measured[2];

  ticks_before = cpu_ticks (pid);
  g_usleep (10 * G_USEC_PER_SEC);
  ticks_after = cpu_ticks (pid);

  figures->rss_mb = status_kib (pid, "VmRSS:") / 1024.0;
  figures->anon_mb = status_kib (pid, "RssAnon:") / 1024.0;
  figures->idle_cpu = 100.0 * (double) (ticks_after - ticks_before) / (double) sysconf (_SC_CLK_TCK) / 10.0;
}

/* How many objects the daemon exports: that GOA read every account. */
static guint
count_objects (const char *bus_name,
               const char *root)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (connection, bus_name, root,
                                                            "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
                                                            NULL, G_VARIANT_TYPE ("(a{oa{sa{sv}}})"),
                                                            G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_autoptr(GVariant) objects = NULL;

  g_assert_no_error (error);
  objects = g_variant_get_child_value (reply, 0);
  return (guint) g_variant_n_children (objects);
}

static void
stop (GSubprocess *process,
      const char  *bus_name)
{
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  while (keyring_harness_name_has_owner (bus_name))
    g_usleep (1000);
}

static char *
lanyard_account_path (const char *key)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (connection, LANYARD_DAEMON_BUS_NAME, LANYARD_MANAGER_PATH,
                                                            "io.github.lanyard.Manager", "FindAccount",
                                                            g_variant_new ("(s)", key), G_VARIANT_TYPE ("(o)"),
                                                            G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  char *path;

  g_assert_no_error (error);
  g_variant_get (reply, "(o)", &path);
  return path;
}

/* Every method of the daemon once more: its median latency against a
 * Ping's, and how much the daemon's resident memory grows per call over
 * GROWTH_CALLS calls after a warm-up (≈ 0 unless something is kept). */
#define GROWTH_CALLS 5000

static GString *
per_method (GPid        pid,
            const char *account_path)
{
  GString *table = g_string_new (NULL);
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  const char *manager = "io.github.lanyard.Manager";
  const char *account = "io.github.lanyard.Account";
  const char *properties = "org.freedesktop.DBus.Properties";
  Call        calls[] = {
           { LANYARD_DAEMON_BUS_NAME, LANYARD_MANAGER_PATH, "org.freedesktop.DBus.Peer", "Ping", NULL },
           { LANYARD_DAEMON_BUS_NAME, LANYARD_MANAGER_PATH, manager, "GetCurrentIdentity", NULL },
           { LANYARD_DAEMON_BUS_NAME, LANYARD_MANAGER_PATH, manager, "ListProviders", NULL },
           { LANYARD_DAEMON_BUS_NAME, LANYARD_MANAGER_PATH, manager, "FindAccount", g_variant_new ("(s)", "work:100000") },
           { LANYARD_DAEMON_BUS_NAME, LANYARD_MANAGER_PATH, manager, "SetPrimary", g_variant_new ("(o)", account_path) },
           { LANYARD_DAEMON_BUS_NAME, LANYARD_MANAGER_PATH, properties, "Get", g_variant_new ("(ss)", manager, "CurrentIdentity") },
           { LANYARD_DAEMON_BUS_NAME, "/io/github/lanyard/Lanyard", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
             NULL },
           { LANYARD_DAEMON_BUS_NAME, account_path, properties, "GetAll", g_variant_new ("(s)", account) },
           { LANYARD_DAEMON_BUS_NAME, account_path, account, "GetAccessToken", NULL },
           { LANYARD_DAEMON_BUS_NAME, account_path, account, "EnsureCredentials", NULL },
  };
  Latency measured[G_N_ELEMENTS (calls)];

  for (guint c = 0; c < G_N_ELEMENTS (calls); c++)
    if (calls[c].parameters != NULL)
      g_variant_ref_sink (calls[c].parameters);

  latencies (connection, calls, G_N_ELEMENTS (calls), measured);

  g_string_append_printf (table,
                          "\nEvery method, 1 account: median latency ÷ Ping's, and the daemon's growth over %d calls "
                          "after a warm-up\n\n",
                          GROWTH_CALLS);
  g_string_append (table, "| method | median | ÷ Ping | growth per call |\n");
  g_string_append (table, "| --- | ---: | ---: | ---: |\n");
  for (guint c = 0; c < G_N_ELEMENTS (calls); c++)
    {
      gint64 before, after;

      before = status_kib (pid, "VmRSS:");
      for (guint i = 0; i < GROWTH_CALLS; i++)
        timed_call (connection, &calls[c]);
      after = status_kib (pid, "VmRSS:");
      g_string_append_printf (table, "| %s.%s | %.0f µs | %.2f× | %.1f B |\n", strrchr (calls[c].interface, '.') + 1, calls[c].method,
                              measured[c].median, measured[c].median / measured[0].median,
                              after > before ? (after - before) * 1024.0 / GROWTH_CALLS : 0.0);
      g_clear_pointer (&calls[c].parameters, g_variant_unref);
    }
  return table;
}

static void
run_lanyard (const char *daemon_binary,
             guint       n,
             Figures    *figures)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = g_dir_make_tmp ("lanyard-bench-XXXXXX", &error);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", data_home);
  g_autofree char *account_path = NULL;
  const char      *argv[] = { daemon_binary, NULL };
  Daemon           daemon = { "Lanyard", LANYARD_DAEMON_BUS_NAME };

  populate (data_home, n);

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_DIRS", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANYARD_PROVIDER_WORK", "gitlab client_id=bench base_url=http://127.0.0.1:9", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");

  process = spawn_owner (launcher, argv, LANYARD_DAEMON_BUS_NAME, &figures->owned_ms);

  account_path = lanyard_account_path ("work:100000");
  daemon.identity = (Call){ LANYARD_DAEMON_BUS_NAME, LANYARD_MANAGER_PATH, "io.github.lanyard.Manager",
                            "GetCurrentIdentity", NULL };
  daemon.account = (Call){ LANYARD_DAEMON_BUS_NAME, account_path, "org.freedesktop.DBus.Properties", "GetAll",
                           g_variant_ref_sink (g_variant_new ("(s)", "io.github.lanyard.Account")) };
  measure (process, &daemon, figures);
  g_variant_unref (daemon.account.parameters);
  if (n == 1)
    figures->per_method = per_method ((GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10),
                                      account_path);

  stop (process, LANYARD_DAEMON_BUS_NAME);
  g_assert_cmpint (system (command), ==, 0);
}

static void
run_goa (const char *goa_binary,
         guint       n,
         Figures    *figures)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_dir_make_tmp ("lanyard-bench-goa-XXXXXX", &error);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", home);
  g_autofree char *account_path = g_strdup_printf ("/org/gnome/OnlineAccounts/Accounts/account_bench_%u", 100000);
  const char      *argv[] = { goa_binary, NULL };
  Daemon           daemon = { "GNOME Online Accounts", GOA_BUS_NAME };

  populate_goa (home, n);

  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", home, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");

  process = spawn_owner (launcher, argv, GOA_BUS_NAME, &figures->owned_ms);

  /* GOA has no current identity: what a program asks to know who an
   * account is, is that account's properties. */
  daemon.identity = (Call){ GOA_BUS_NAME, account_path, "org.freedesktop.DBus.Properties", "GetAll",
                            g_variant_ref_sink (g_variant_new ("(s)", "org.gnome.OnlineAccounts.Account")) };
  daemon.account = daemon.identity;
  measure (process, &daemon, figures);
  g_variant_unref (daemon.identity.parameters);
  figures->n_objects = count_objects (GOA_BUS_NAME, "/org/gnome/OnlineAccounts");

  stop (process, GOA_BUS_NAME);
  g_assert_cmpint (system (command), ==, 0);
}

static void
print_row (guint          n,
           const Figures *f)
{
  printf ("| %4u | %7.1f ms | %6.0f µs / %6.0f µs | %6.0f µs / %6.0f µs | %4.2f× / %4.2f× | %6.1f MB (%.1f anonymous) | %5.2f %% |\n",
          n, f->owned_ms, f->identity.median, f->identity.p99, f->ping.median, f->ping.p99,
          f->identity.median / f->ping.median, f->identity.p99 / f->ping.p99, f->rss_mb, f->anon_mb, f->idle_cpu);
  fflush (stdout);
}

static void
print_comparison (const Figures *lanyard,
                  const Figures *goa)
{
  printf ("\nThe same queries against GNOME Online Accounts (goa-daemon, exporting %u objects for %d Google accounts), "
          "same bus and keyring\n\n",
          goa->n_objects, MANY);
  printf ("| | Lanyard | GOA | Lanyard ÷ GOA |\n");
  printf ("| --- | ---: | ---: | ---: |\n");
  printf ("| bus name owned, %d accounts | %.1f ms | %.1f ms | %.2f× |\n", MANY, lanyard->owned_ms, goa->owned_ms,
          lanyard->owned_ms / goa->owned_ms);
  printf ("| busy by itself after owning its name, until | %.0f s | %.0f s | |\n", lanyard->settled_s, goa->settled_s);
  printf ("| Ping, median | %.0f µs | %.0f µs | %.2f× |\n", lanyard->ping.median, goa->ping.median,
          lanyard->ping.median / goa->ping.median);
  printf ("| identity (Lanyard: GetCurrentIdentity; GOA: an account's properties), median | %.0f µs | %.0f µs | %.2f× |\n",
          lanyard->identity.median, goa->identity.median, lanyard->identity.median / goa->identity.median);
  printf ("| identity ÷ Ping, median | %.2f× | %.2f× | %.2f× |\n", lanyard->identity.median / lanyard->ping.median,
          goa->identity.median / goa->ping.median,
          (lanyard->identity.median / lanyard->ping.median) / (goa->identity.median / goa->ping.median));
  printf ("| an account's properties (GetAll), median | %.0f µs | %.0f µs | %.2f× |\n", lanyard->account.median,
          goa->account.median, lanyard->account.median / goa->account.median);
  printf ("| an account's properties ÷ Ping, median | %.2f× | %.2f× | %.2f× |\n",
          lanyard->account.median / lanyard->ping.median, goa->account.median / goa->ping.median,
          (lanyard->account.median / lanyard->ping.median) / (goa->account.median / goa->ping.median));
  printf ("| RSS, %d accounts | %.1f MB | %.1f MB | %.2f× |\n", MANY, lanyard->rss_mb, goa->rss_mb,
          lanyard->rss_mb / goa->rss_mb);
  printf ("| anonymous RSS, %d accounts | %.1f MB | %.1f MB | %.2f× |\n", MANY, lanyard->anon_mb, goa->anon_mb,
          lanyard->anon_mb / goa->anon_mb);
  printf ("| idle CPU over 10 s | %.2f %% | %.2f %% | |\n", lanyard->idle_cpu, goa->idle_cpu);
  fflush (stdout);
}

/* goa-daemon where Debian and Fedora put it, or LANYARD_BENCH_GOA_DAEMON. */
static char *
find_goa_daemon (void)
{
  const char *candidates[] = { g_getenv ("LANYARD_BENCH_GOA_DAEMON"), "/usr/libexec/goa-daemon",
                               "/usr/lib/goa-daemon", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] != NULL && g_file_test (candidates[i], G_FILE_TEST_IS_EXECUTABLE))
      return g_strdup (candidates[i]);
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  KeyringHarness   harness = { 0 };
  g_autofree char *daemon_binary = NULL;
  g_autofree char *goa_binary = find_goa_daemon ();
  Figures          one = { 0 }, many = { 0 }, goa = { 0 };

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
  run_lanyard (daemon_binary, 1, &one);
  print_row (1, &one);
  run_lanyard (daemon_binary, MANY, &many);
  print_row (MANY, &many);
  printf ("%s", one.per_method->str);
  g_string_free (one.per_method, TRUE);

  if (goa_binary != NULL)
    {
      run_goa (goa_binary, MANY, &goa);
      print_comparison (&many, &goa);
    }
  else
    printf ("\ngoa-daemon is not installed (Debian: gnome-online-accounts); no comparison with GNOME Online Accounts.\n");

  secret_service_disconnect ();
  keyring_harness_down (&harness);
  return 0;
}
