/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The daemon's memory does not grow with use: every D-Bus method is called
 * a few thousand times against the real daemon, and the daemon's resident
 * memory, read from /proc, must not grow by more than a small bound per
 * call. Leaks that LeakSanitizer cannot see (memory still referenced, such
 * as a builder that keeps what was added to it, or a cache that never
 * forgets) show here; those it can see fail daemon_stop(). */

#include "config.h"

#include <libsecret/secret.h>
#include <unistd.h>

#include "daemon-harness.h"

/* A leak of a few hundred bytes per call is what this is for (the two
 * found by the long benchmark were 4.7 KB and 1.5 KB per call); malloc's
 * own bookkeeping and GLib's caches settle during the warm-up. */
#ifdef __SANITIZE_ADDRESS__
/* AddressSanitizer's allocator and shadow memory make resident memory
 * say nothing about leaks (even Ping "grows" there), and each call is
 * twenty times slower: the sanitizer build makes fewer calls, for the
 * memory errors and the leaks LeakSanitizer reports at the daemon's
 * exit, and does not judge growth. */
#define CALLS 300
#define WARM_UP_CALLS 50
#define GROWTH_JUDGED FALSE
#else
#define CALLS 3000
#define WARM_UP_CALLS 600
#define GROWTH_JUDGED TRUE
#endif
#define IN_FLIGHT 32
#define MAX_BYTES_PER_CALL 64.0

static KeyringHarness harness;
static Daemon         daemon_process;
static FakeProvider  *fake;
static char          *account_path;

typedef struct
{
  const char *name;
  const char *path; /* NULL: the linked account's */
  const char *interface;
  const char *method;
  const char *parameters; /* GVariant text, "%o" for the account's path */
  gboolean    fails; /* the daemon answers with an error, on purpose */
} Call;

static const Call calls[] = {
  { "Ping", MANAGER_PATH, "org.freedesktop.DBus.Peer", "Ping", NULL, FALSE },
  { "GetCurrentIdentity", MANAGER_PATH, "io.github.lanyard.Manager", "GetCurrentIdentity", NULL, FALSE },
  { "ListProviders", MANAGER_PATH, "io.github.lanyard.Manager", "ListProviders", NULL, FALSE },
  { "FindAccount", MANAGER_PATH, "io.github.lanyard.Manager", "FindAccount", "('work:4242',)", FALSE },
  { "FindAccount (unknown)", MANAGER_PATH, "io.github.lanyard.Manager", "FindAccount", "('work:nobody',)", TRUE },
  { "SetPrimary", MANAGER_PATH, "io.github.lanyard.Manager", "SetPrimary", "%o", FALSE },
  { "CancelFlow (unknown)", MANAGER_PATH, "io.github.lanyard.Manager", "CancelFlow",
    "(objectpath '/io/github/lanyard/Lanyard/Flows/0',)", TRUE },
  { "Get CurrentIdentity", MANAGER_PATH, "org.freedesktop.DBus.Properties", "Get",
    "('io.github.lanyard.Manager', 'CurrentIdentity')", FALSE },
  { "GetManagedObjects", "/io/github/lanyard/Lanyard", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL,
    FALSE },
  { "Account GetAll", NULL, "org.freedesktop.DBus.Properties", "GetAll", "('io.github.lanyard.Account',)", FALSE },
  { "GetAccessToken", NULL, "io.github.lanyard.Account", "GetAccessToken", NULL, FALSE },
  { "EnsureCredentials", NULL, "io.github.lanyard.Account", "EnsureCredentials", NULL, FALSE },
  { "CheckCredentials", NULL, "io.github.lanyard.Account", "CheckCredentials", NULL, FALSE },
  { "Introspect", MANAGER_PATH, "org.freedesktop.DBus.Introspectable", "Introspect", NULL, FALSE },
  /* Servers added by their address: refused before any request leaves. */
  { "AddServer (plain http)", MANAGER_PATH, "io.github.lanyard.Manager", "AddServer",
    "('http://gitlab.example.com', @a{sv} {})", TRUE },
  { "RenameProvider (configured)", MANAGER_PATH, "io.github.lanyard.Manager", "RenameProvider", "('work', 'Work')", TRUE },
  { "RemoveProvider (configured)", MANAGER_PATH, "io.github.lanyard.Manager", "RemoveProvider", "('work',)", TRUE },
};

static gsize
daemon_rss (void)
{
  const char      *pid = g_subprocess_get_identifier (daemon_process.process);
  g_autofree char *path = g_strdup_printf ("/proc/%s/statm", pid);
  g_autofree char *contents = NULL;
  unsigned long    size = 0, resident = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpint (sscanf (contents, "%lu %lu", &size, &resident), ==, 2);
  return resident * (gsize) sysconf (_SC_PAGESIZE);
}

static GVariant *
call_parameters (const Call *call)
{
  if (call->parameters == NULL)
    return NULL;
  if (g_str_equal (call->parameters, "%o"))
    return g_variant_new ("(o)", account_path);
  return g_variant_new_parsed (call->parameters);
}

typedef struct
{
  guint sent;
  guint answered;
  guint failed;
} Batch;

static void
answered_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Batch *batch = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    batch->failed++;
  batch->answered++;
}

/* @n calls of @call, @IN_FLIGHT at a time; returns the seconds it took. */
static double
call_many (const Call *call,
           guint       n)
{
  GDBusConnection *connection = daemon_connection ();
  Batch            batch = { 0 };
  gint64           start = g_get_monotonic_time ();

  while (batch.answered < n)
    {
      while (batch.sent < n && batch.sent - batch.answered < IN_FLIGHT)
        {
          g_dbus_connection_call (connection, DAEMON_NAME, call->path != NULL ? call->path : account_path,
                                  call->interface, call->method, call_parameters (call), NULL,
                                  G_DBUS_CALL_FLAGS_NONE, 30000, NULL, answered_cb, &batch);
          batch.sent++;
        }
      g_main_context_iteration (NULL, TRUE);
    }

  if (call->fails)
    g_assert_cmpuint (batch.failed, ==, n);
  else
    g_assert_cmpuint (batch.failed, ==, 0);
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
test_method (gconstpointer data)
{
  const Call *call = data;
  gsize       before, after;
  double      per_call, seconds;

  call_many (call, WARM_UP_CALLS);
  before = daemon_rss ();
  seconds = call_many (call, CALLS);
  after = daemon_rss ();
  per_call = after > before ? (after - before) / (double) CALLS : 0.0;

  /* Growth that is the allocator settling (a new arena page, a cache
   * filling) happens once; a leak grows again in a second round. */
  if (per_call > MAX_BYTES_PER_CALL)
    {
      g_test_message ("%s: %.1f bytes per call in a first round; once more", call->name, per_call);
      before = daemon_rss ();
      seconds = call_many (call, CALLS);
      after = daemon_rss ();
      per_call = after > before ? (after - before) / (double) CALLS : 0.0;
    }
  g_test_message ("%s: %.1f bytes per call (%zu → %zu KiB), %.0f µs per call", call->name, per_call, before / 1024,
                  after / 1024, seconds * G_USEC_PER_SEC / CALLS);
  if (GROWTH_JUDGED && per_call > MAX_BYTES_PER_CALL)
    g_test_fail_printf ("the daemon grew by %.1f bytes per %s call (%zu KiB → %zu KiB over %u calls)", per_call,
                        call->name, before / 1024, after / 1024, CALLS);
}

/* A sign-in started and cancelled from a connection that then leaves the
 * bus: the flow, its loopback listener, the caller's entry in the tracker
 * and the name watch are all let go. */
static void
test_start_cancel_flow (void)
{
  const guint      rounds = 200;
  gsize            before = 0, after;
  double           per_call;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  for (guint round = 0; round < rounds + 50; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDBusConnection) connection = NULL;
      g_autoptr(GVariant) started = NULL;
      g_autoptr(GVariant) cancelled = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      const char *flow_path;

      /* The first 50 rounds warm up. */
      if (round == 50)
        before = daemon_rss ();

      connection = g_dbus_connection_new_for_address_sync (address,
                                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                             G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                           NULL, NULL, &error);
      g_assert_no_error (error);
      g_dbus_connection_call (connection, DAEMON_NAME, MANAGER_PATH, "io.github.lanyard.Manager", "StartFlow",
                              g_variant_new_parsed ("('work', @a{sv} {})"), G_VARIANT_TYPE ("(o)"),
                              G_DBUS_CALL_FLAGS_NONE, 30000, NULL, test_store_result, &result);
      started = g_dbus_connection_call_finish (connection, test_wait_result (&result), &error);
      g_assert_no_error (error);
      g_variant_get (started, "(&o)", &flow_path);
      g_clear_object (&result);
      g_dbus_connection_call (connection, DAEMON_NAME, MANAGER_PATH, "io.github.lanyard.Manager", "CancelFlow",
                              g_variant_new ("(o)", flow_path), NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL,
                              test_store_result, &result);
      cancelled = g_dbus_connection_call_finish (connection, test_wait_result (&result), &error);
      g_assert_no_error (error);
      g_dbus_connection_close_sync (connection, NULL, &error);
      g_assert_no_error (error);
    }
  /* Let the daemon see the last connections go. */
  g_assert_true (daemon_call (MANAGER_PATH, "org.freedesktop.DBus.Peer", "Ping", NULL, NULL, NULL) != NULL);

  after = daemon_rss ();
  per_call = after > before ? (after - before) / (double) rounds : 0.0;
  g_test_message ("StartFlow + CancelFlow: %.1f bytes per sign-in (%zu → %zu KiB)", per_call, before / 1024,
                  after / 1024);
  /* A sign-in allocates far more than a call (a listener, PKCE, a URL):
   * a leaked flow would be kilobytes. */
  if (GROWTH_JUDGED && per_call > 16 * MAX_BYTES_PER_CALL)
    g_test_fail_printf ("the daemon grew by %.1f bytes per sign-in started and cancelled", per_call);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  keyring_harness_up (&harness, TRUE);
  fake = fake_provider_new ();
  /* Tokens that stay fresh for the whole run: GetAccessToken is served
   * without a refresh, as it is all day for a client that polls. */
  fake_provider_set_expires_in (fake, 24 * 3600);
  daemon_start (&daemon_process, fake, NULL);
  {
    g_autoptr(CtlResult) linked = link_with_ctl ("work");

    g_assert_cmpint (linked->status, ==, 0);
  }
  account_path = daemon_account_path ("work:4242");

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autofree char *path = g_strdup_printf ("/Lanyard/DaemonMemory/%s", calls[i].name);

      g_strdelimit (path, " ()", '-');
      g_test_add_data_func (path, &calls[i], test_method);
    }
  g_test_add_func ("/Lanyard/DaemonMemory/StartFlow-CancelFlow", test_start_cancel_flow);

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_pointer (&account_path, g_free);
  g_clear_object (&fake);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  return status;
}
