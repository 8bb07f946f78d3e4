/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
/* The access policy for real: the daemon on a private bus (that lets
 * other users in, as a misconfigured session bus would), with a real
 * keyring, called by gdbus from this user's host, from a Flatpak-like
 * sandbox (bwrap with a /.flatpak-info, as a real Flatpak has) and as
 * another user (runuser -u nobody); every row of the policy table from
 * each. Then what is private to a sign-in's starter, the limits on
 * sign-ins, and an argument far too long. */

#include <libsecret/secret.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "daemon-harness.h"
#include "lanyard-error.h"
#include "lanyard-policy.h"

#define ROOT_PATH "/io/github/lanyard/Lanyard"
#define FLATPAK_APP "org.example.Sandboxed"
#define DENIED "io.github.lanyard.Error.PermissionDenied"
#define LIMITS "org.freedesktop.DBus.Error.LimitsExceeded"
#define UNUSED_FLOW ROOT_PATH "/Flows/999999"

static KeyringHarness harness;
static FakeProvider  *fake;
static Daemon         daemon_process;
static GSubprocess   *bus;
static char          *bus_dir;
static char          *bus_address;
static char          *flatpak_info;
static gboolean       have_bwrap, have_runuser;

typedef enum
{
  AS_HOST,
  AS_FLATPAK,
  AS_OTHER_USER,
  /* Not among the table's rows: a sandbox that is not Flatpak, such as
   * `unshare -U` or bwrap with a user namespace, without /.flatpak-info. */
  AS_OWN_USER_NAMESPACE,
} As;

static const char *const as_names[] = { "a host program", "a Flatpak application", "another user",
                                        "a sandbox in its own user namespace" };

/* A bus like a session bus, but that lets every user connect: dbus-daemon's
 * session configuration admits only its own user. */
static void
bus_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autoptr(GDataInputStream) out = NULL;

  bus_dir = g_dir_make_tmp ("lanyard-policy-bus-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (bus_dir, 0755), ==, 0);
  config = g_strdup_printf ("<busconfig>"
                            "  <type>session</type>"
                            "  <listen>unix:dir=%s</listen>"
                            "  <auth>EXTERNAL</auth>"
                            "  <policy context='default'>"
                            "    <allow user='*'/>"
                            "    <allow send_destination='*'/>"
                            "    <allow receive_sender='*'/>"
                            "    <allow own='*'/>"
                            "  </policy>"
                            "  <limit name='max_message_size'>67108864</limit>"
                            "</busconfig>",
                            bus_dir);
  config_path = g_build_filename (bus_dir, "bus.conf", NULL);
  g_assert_true (g_file_set_contents (config_path, config, -1, NULL));

  bus = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "dbus-daemon", "--nofork", "--print-address=1",
                          "--config-file", config_path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  bus_address = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bus_address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus_address, TRUE);
}

static void
bus_down (void)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", bus_dir);

  /* The shared session connection (libsecret's too) would end this
   * process when its bus goes. */
  g_dbus_connection_set_exit_on_close (daemon_connection (), FALSE);
  g_subprocess_send_signal (bus, SIGTERM);
  g_subprocess_wait (bus, NULL, NULL);
  g_clear_object (&bus);
  g_assert_cmpint (system (command), ==, 0);
}

static gboolean
program_found (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

/* `gdbus call` as @as; the main loop runs meanwhile (the fake provider
 * answers from it). */
static CtlResult *
gdbus_as (As          as,
          const char *path,
          const char *method,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  if (as == AS_FLATPAK || as == AS_OWN_USER_NAMESPACE)
    {
      /* The host's top-level entries one by one on bwrap's own tmpfs root:
       * binding "/" itself would make bwrap create the mount point
       * /.flatpak-info in the host's real root. */
      g_autoptr(GDir) root = g_dir_open ("/", 0, NULL);
      const char *entry;

      g_assert_nonnull (root);
      g_ptr_array_add (argv, (char *) "bwrap");
      g_ptr_array_add (argv, (char *) "--unshare-pid");
      if (as == AS_OWN_USER_NAMESPACE)
        g_ptr_array_add (argv, (char *) "--unshare-user");
      g_ptr_array_add (argv, (char *) "--proc");
      g_ptr_array_add (argv, (char *) "/proc");
      while ((entry = g_dir_read_name (root)) != NULL)
        {
          char *host = g_build_filename ("/", entry, NULL);
          char *target = g_file_read_link (host, NULL);

          g_ptr_array_add (owned, host);
          if (g_str_equal (entry, "proc") || g_str_equal (entry, ".flatpak-info"))
            {
              g_free (target);
              continue;
            }
          if (target != NULL)
            {
              g_ptr_array_add (owned, target);
              g_ptr_array_add (argv, (char *) "--symlink");
              g_ptr_array_add (argv, target);
            }
          else if (g_file_test (host, G_FILE_TEST_IS_DIR))
            {
              g_ptr_array_add (argv, (char *) "--dev-bind");
              g_ptr_array_add (argv, host);
            }
          else
            continue;
          g_ptr_array_add (argv, host);
        }
      if (as == AS_FLATPAK)
        {
          g_ptr_array_add (argv, (char *) "--ro-bind");
          g_ptr_array_add (argv, (char *) flatpak_info);
          g_ptr_array_add (argv, (char *) "/.flatpak-info");
        }
    }
  else if (as == AS_OTHER_USER)
    {
      const char *other[] = { "runuser", "-u", "nobody", "--" };
      for (guint i = 0; i < G_N_ELEMENTS (other); i++)
        g_ptr_array_add (argv, (char *) other[i]);
    }
  {
    const char *call[] = { "gdbus", "call", "--session", "--dest", DAEMON_NAME, "--object-path", path, "--method", method };
    for (guint i = 0; i < G_N_ELEMENTS (call); i++)
      g_ptr_array_add (argv, (char *) call[i]);
  }
  va_start (args, method);
  for (const char *arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* The messages' quotation marks reach the pipe as UTF-8. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return ctl_finish (process);
}

static char *
start_flow (GDBusConnection *connection,
            GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GVariant) reply = NULL;
  char *path = NULL;

  g_dbus_connection_call (connection, DAEMON_NAME, MANAGER_PATH, "io.github.lanyard.Manager", "StartFlow",
                          g_variant_new ("(s@a{sv})", "work", g_variant_new ("a{sv}", NULL)), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, 30000, NULL, test_store_result, &result);
  reply = g_dbus_connection_call_finish (connection, test_wait_result (&result), error);
  if (reply != NULL)
    g_variant_get (reply, "(o)", &path);
  return path;
}

static GVariant *
call_on (GDBusConnection    *connection,
         const char         *path,
         const char         *interface,
         const char         *method,
         GVariant           *parameters,
         const GVariantType *reply_type,
         GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_dbus_connection_call (connection, DAEMON_NAME, path, interface, method, parameters, reply_type,
                          G_DBUS_CALL_FLAGS_NONE, 30000, NULL, test_store_result, &result);
  return g_dbus_connection_call_finish (connection, test_wait_result (&result), error);
}

static GDBusConnection *
new_connection (void)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection = g_dbus_connection_new_for_address_sync (bus_address,
                                                                        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                                        NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static void
assert_remote_error (const GError *error,
                     const char   *name)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, name);
}

static gboolean
allowed_for (const LanyardPolicyRule *rule,
             As                       as)
{
  if (rule->who == LANYARD_POLICY_BUS_ANSWERED)
    return TRUE;
  if (as == AS_OTHER_USER)
    return FALSE;
  switch (rule->who)
    {
    case LANYARD_POLICY_ANY_PROGRAM: return TRUE;
    case LANYARD_POLICY_HOST_PROGRAM: return as == AS_HOST;
    /* Let through to consent, which this bus cannot give: it has no
     * permission store (tests/test-consent.c has one). */
    case LANYARD_POLICY_TOKEN_READER: return as == AS_HOST;
    /* gdbus is never the starter: the flow is this process's. */
    case LANYARD_POLICY_FLOW_STARTER: return FALSE;
    default: g_assert_not_reached ();
    }
}

/* Which object a row is tried on, and with what arguments. */
static CtlResult *
try_row (const LanyardPolicyRule *rule,
         As                       as,
         const char              *account,
         const char              *unlink_account,
         const char              *flow)
{
  const char *path;

  if (g_str_equal (rule->interface, "io.github.lanyard.Manager"))
    path = MANAGER_PATH;
  else if (g_str_equal (rule->interface, "io.github.lanyard.Account"))
    path = g_str_equal (rule->member, "Unlink") && as == AS_HOST ? unlink_account : account;
  else if (g_str_equal (rule->interface, "io.github.lanyard.Flow"))
    path = flow;
  else
    path = ROOT_PATH;

  if (rule->kind == LANYARD_POLICY_PROPERTY)
    return gdbus_as (as, path, "org.freedesktop.DBus.Properties.Get", rule->interface, rule->member, NULL);

  {
    g_autofree char *method = g_strconcat (rule->interface, ".", rule->member, NULL);
    g_autofree char *quoted_account = g_strdup_printf ("'%s'", account);

    if (g_str_equal (rule->member, "StartFlow"))
      return gdbus_as (as, path, method, "'work'", "{}", NULL);
    if (g_str_equal (rule->member, "CancelFlow"))
      return gdbus_as (as, path, method, "'" UNUSED_FLOW "'", NULL);
    if (g_str_equal (rule->member, "FindAccount"))
      return gdbus_as (as, path, method, "'work:4242'", NULL);
    if (g_str_equal (rule->member, "SetAppAccess"))
      return gdbus_as (as, path, method, "'" FLATPAK_APP "'", "false", NULL);
    if (g_str_equal (rule->member, "SetPrimary"))
      return gdbus_as (as, path, method, quoted_account, NULL);
    /* Servers added by their address: an address nobody answers at, and
     * ids that are no such server, so that a host's call changes nothing. */
    if (g_str_equal (rule->member, "AddServer"))
      return gdbus_as (as, path, method, "'https://127.0.0.1:9/nobody'", "{}", NULL);
    if (g_str_equal (rule->member, "AddServerWithClientId"))
      return gdbus_as (as, path, method, "'https://127.0.0.1:9/nobody'", "'client'", "{}", NULL);
    if (g_str_equal (rule->member, "RenameProvider"))
      return gdbus_as (as, path, method, "'work'", "'Work'", NULL);
    if (g_str_equal (rule->member, "RemoveProvider"))
      return gdbus_as (as, path, method, "'work'", NULL);
    return gdbus_as (as, path, method, NULL);
  }
}

static void
test_every_row (void)
{
  g_autoptr(CtlResult) work = NULL;
  g_autoptr(CtlResult) hub = NULL;
  g_autofree char *account = NULL;
  g_autofree char *unlink_account = NULL;
  g_autofree char *flow = NULL;
  g_autoptr(GError) error = NULL;
  guint                    n_rules;
  const LanyardPolicyRule *rules = lanyard_policy_get_rules (&n_rules);

  if (!have_bwrap || !have_runuser)
    {
      g_test_skip ("bwrap and runuser are needed to call from a sandbox and as another user");
      return;
    }

  work = link_with_ctl ("work");
  g_assert_cmpint (work->status, ==, 0);
  hub = link_with_ctl ("hub");
  g_assert_cmpint (hub->status, ==, 0);
  account = daemon_account_path ("work:4242");
  unlink_account = daemon_account_path ("hub:583231");
  flow = start_flow (daemon_connection (), &error);
  g_assert_no_error (error);

  for (guint r = 0; r < n_rules; r++)
    for (As as = AS_HOST; as <= AS_OTHER_USER; as++)
      {
        g_autoptr(CtlResult) result = try_row (&rules[r], as, account, unlink_account, flow);
        gboolean refused = result->status != 0 && strstr (result->err, DENIED) != NULL;

        g_test_message ("%s.%s by %s: %s", rules[r].interface, rules[r].member, as_names[as],
                        result->status == 0 ? "answered" : result->err);
        if (allowed_for (&rules[r], as) == refused)
          g_error ("%s.%s by %s: %s, and the table says otherwise (%s%s)", rules[r].interface, rules[r].member,
                   as_names[as], refused ? "refused" : "let in", result->out, result->err);

        /* The refusal says why, and knows the sandbox. */
        if (refused && as == AS_OTHER_USER)
          g_assert_nonnull (strstr (result->err, "another user"));
        else if (refused && as == AS_FLATPAK && rules[r].who != LANYARD_POLICY_FLOW_STARTER)
          g_assert_nonnull (strstr (result->err, "“" FLATPAK_APP "”"));
        else if (refused)
          g_assert_nonnull (strstr (result->err, "belongs to the program that started it"));
        if (refused && as == AS_FLATPAK && rules[r].who == LANYARD_POLICY_TOKEN_READER)
          g_assert_nonnull (strstr (result->err, "consent"));
      }

  /* What the host's rows did: a new primary, one account fewer. */
  {
    g_autoptr(CtlResult) listed = ctl ("list", NULL);
    g_assert_nonnull (strstr (listed->out, "work:4242 (primary)"));
    g_assert_null (strstr (listed->out, "hub:583231"));
  }

  /* This process started the flow: to it, everything is readable. */
  {
    g_autoptr(GVariant) url = daemon_get_property (flow, "io.github.lanyard.Flow", "AuthorizeUrl");
    g_assert_true (g_str_has_prefix (g_variant_get_string (url, NULL), "http"));
  }
  g_clear_pointer (&error, g_error_free);
  {
    g_autoptr(GVariant) reply = daemon_call (flow, "io.github.lanyard.Flow", "Cancel", NULL, NULL, &error);
    g_assert_no_error (error);
  }
}

/* GetAll gives nothing of a sign-in to anyone but its starter (refused on
 * GLib that routes it through the policy, empty on 2.74). */
/* A sandbox that shows no /.flatpak-info is not a host program for that:
 * in a user namespace of its own it may read the identity, like any
 * sandboxed app, and change nothing. */
static void
test_own_user_namespace (void)
{
  g_autoptr(CtlResult) identity = NULL;
  g_autoptr(CtlResult) started = NULL;

  if (!have_bwrap)
    {
      g_test_skip ("bwrap is needed to call from a sandbox");
      return;
    }

  identity = gdbus_as (AS_OWN_USER_NAMESPACE, MANAGER_PATH, "io.github.lanyard.Manager.GetCurrentIdentity", NULL);
  g_assert_cmpint (identity->status, ==, 0);
  started = gdbus_as (AS_OWN_USER_NAMESPACE, MANAGER_PATH, "io.github.lanyard.Manager.StartFlow", "'work'", "{}", NULL);
  g_assert_cmpint (started->status, !=, 0);
  g_assert_nonnull (strstr (started->err, DENIED));
}

static void
test_get_all_of_a_flow (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *flow = start_flow (daemon_connection (), &error);

  g_assert_no_error (error);
  for (As as = AS_HOST; as <= AS_OTHER_USER; as++)
    {
      g_autoptr(CtlResult) all = NULL;

      if (as != AS_HOST && (!have_bwrap || !have_runuser))
        continue;
      all = gdbus_as (as, flow, "org.freedesktop.DBus.Properties.GetAll", "io.github.lanyard.Flow", NULL);
      /* Answered (with nothing) or refused: not a caller that never got
       * to ask, whose empty output would prove nothing. */
      if (all->status != 0 && strstr (all->err, DENIED) == NULL)
        g_error ("GetAll by %s did not reach the daemon: %s", as_names[as], all->err);
      g_assert_null (strstr (all->out, "http"));
      g_assert_null (strstr (all->out, "Status"));
    }
  {
    g_autoptr(GVariant) reply = daemon_call (flow, "io.github.lanyard.Flow", "Cancel", NULL, NULL, &error);
    g_assert_no_error (error);
  }
}

typedef struct
{
  guint flow_signals;
  char *succeeded;
} Seen;

static void
signal_cb (GDBusConnection *connection,
           const char      *sender,
           const char      *path,
           const char      *interface,
           const char      *signal,
           GVariant        *parameters,
           gpointer         user_data)
{
  Seen *seen = user_data;

  if (g_str_has_prefix (path, ROOT_PATH "/Flows/"))
    seen->flow_signals++;
  if (g_str_equal (signal, "Succeeded"))
    g_variant_get (parameters, "(o)", &seen->succeeded);
}

/* Another connection of the same user, outside any sandbox: it does not
 * see the sign-in among the objects, cannot read or cancel it, and hears
 * none of its signals; the starter hears them all. */
static void
test_flow_is_private (void)
{
  g_autoptr(GDBusConnection) other = new_connection ();
  g_autoptr(GError) error = NULL;
  g_autofree char *flow = start_flow (daemon_connection (), &error);
  g_autoptr(GVariant) objects = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) url = NULL;
  g_autoptr(GVariant) status = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autofree char *printed = NULL;
  Seen             to_starter = { 0 }, to_other = { 0 };
  guint            starter_id, other_id;

  g_assert_no_error (error);
  starter_id = g_dbus_connection_signal_subscribe (daemon_connection (), DAEMON_NAME, NULL, NULL, NULL, NULL,
                                                   G_DBUS_SIGNAL_FLAGS_NONE, signal_cb, &to_starter, NULL);
  other_id = g_dbus_connection_signal_subscribe (other, DAEMON_NAME, NULL, NULL, NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                 signal_cb, &to_other, NULL);

  /* Not among the objects, for anyone. */
  objects = call_on (other, ROOT_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL, NULL, &error);
  g_assert_no_error (error);
  printed = g_variant_print (objects, FALSE);
  g_assert_null (strstr (printed, "/Flows/"));
  g_assert_null (strstr (printed, "AuthorizeUrl"));
  g_assert_null (strstr (printed, "state="));
  g_clear_pointer (&objects, g_variant_unref);
  g_free (printed);
  objects = daemon_call (ROOT_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL, NULL, &error);
  g_assert_no_error (error);
  printed = g_variant_print (objects, FALSE);
  g_assert_null (strstr (printed, "/Flows/"));

  /* Not to be read… */
  reply = call_on (other, flow, "org.freedesktop.DBus.Properties", "Get",
                   g_variant_new ("(ss)", "io.github.lanyard.Flow", "AuthorizeUrl"), NULL, &error);
  g_assert_null (reply);
  assert_remote_error (error, DENIED);
  g_clear_error (&error);

  /* …nor cancelled, either way. */
  reply = call_on (other, flow, "io.github.lanyard.Flow", "Cancel", NULL, NULL, &error);
  g_assert_null (reply);
  assert_remote_error (error, DENIED);
  g_clear_error (&error);
  reply = call_on (other, MANAGER_PATH, "io.github.lanyard.Manager", "CancelFlow", g_variant_new ("(o)", flow), NULL,
                   &error);
  g_assert_null (reply);
  assert_remote_error (error, DENIED);
  g_clear_error (&error);
  status = daemon_get_property (flow, "io.github.lanyard.Flow", "Status");
  g_assert_cmpstr (g_variant_get_string (status, NULL), ==, "waiting");

  /* The starter signs in; only it hears about it. */
  url = daemon_get_property (flow, "io.github.lanyard.Flow", "AuthorizeUrl");
  page = test_browse ("GET", g_variant_get_string (url, NULL));
  g_assert_cmpuint (page->status, ==, 200);
  while (to_starter.succeeded == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_str_has_prefix (to_starter.succeeded, ROOT_PATH "/Accounts/"));
  /* Status and Account changed, then Succeeded. */
  g_assert_cmpuint (to_starter.flow_signals, >=, 3);
  for (guint i = 0; i < 20; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_assert_cmpuint (to_other.flow_signals, ==, 0);
  g_assert_null (to_other.succeeded);

  g_dbus_connection_signal_unsubscribe (daemon_connection (), starter_id);
  g_dbus_connection_signal_unsubscribe (other, other_id);
  g_free (to_starter.succeeded);
  g_dbus_connection_close_sync (other, NULL, NULL);
}

/* At most 3 sign-ins per connection and 16 in all, refused with words. */
static void
test_flow_limits (void)
{
  GDBusConnection *connections[6];
  g_autoptr(GError) error = NULL;
  guint started = 0;

  for (guint c = 0; c < G_N_ELEMENTS (connections); c++)
    {
      connections[c] = new_connection ();
      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *flow = start_flow (connections[c], &error);

          if (started < 16)
            {
              g_assert_no_error (error);
              started++;
              continue;
            }
          assert_remote_error (error, LIMITS);
          g_assert_nonnull (strstr (error->message, "16 sign-ins"));
          g_clear_error (&error);
        }
      if (c == 0)
        {
          g_autofree char *fourth = start_flow (connections[0], &error);

          g_assert_null (fourth);
          assert_remote_error (error, LIMITS);
          g_assert_nonnull (strstr (error->message, "already has 3 sign-ins"));
          g_clear_error (&error);
        }
    }

  /* A connection that leaves takes its sign-ins along: room again. */
  for (guint c = 0; c < G_N_ELEMENTS (connections); c++)
    {
      g_dbus_connection_close_sync (connections[c], NULL, NULL);
      g_object_unref (connections[c]);
    }
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *flow = NULL;

      g_main_context_iteration (NULL, FALSE);
      g_usleep (20 * 1000);
      if (i % 10 != 9)
        continue;
      flow = start_flow (daemon_connection (), &error);
      if (flow != NULL)
        {
          g_autoptr(GVariant) reply = daemon_call (flow, "io.github.lanyard.Flow", "Cancel", NULL, NULL, NULL);
          return;
        }
      g_clear_error (&error);
    }
  g_assert_not_reached ();
}

/* Started and cancelled in a loop: finished sign-ins stay a while for
 * their starter, but not without bound; they go with their starter. */
static void
test_finished_flows_bounded (void)
{
  g_autoptr(GDBusConnection) looper = new_connection ();
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  guint            n;

  for (n = 0; n < 100; n++)
    {
      g_autofree char *flow = start_flow (looper, &error);
      g_autoptr(GVariant) reply = NULL;

      if (flow == NULL)
        break;
      reply = call_on (looper, flow, "io.github.lanyard.Flow", "Cancel", NULL, NULL, NULL);
    }
  g_assert_cmpuint (n, <=, 64);
  assert_remote_error (error, LIMITS);
  g_assert_nonnull (strstr (error->message, "half minute"));
  g_clear_error (&error);

  g_dbus_connection_close_sync (looper, NULL, NULL);
  for (guint i = 0; i < 100 && after == NULL; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20 * 1000);
      g_clear_error (&error);
      after = start_flow (daemon_connection (), &error);
    }
  g_assert_nonnull (after);
  {
    g_autoptr(GVariant) reply = daemon_call (after, "io.github.lanyard.Flow", "Cancel", NULL, NULL, NULL);
  }
}

/* 10 MiB to FindAccount: refused, and not repeated. */
static void
test_long_argument (void)
{
  gsize            size = 10 * 1024 * 1024;
  g_autofree char *key = g_strnfill (size, 'k');
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *log = NULL;

  memcpy (key, "work:", 5);
  reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "FindAccount", g_variant_new ("(s)", key), NULL,
                       &error);
  g_assert_null (reply);
  assert_remote_error (error, "org.freedesktop.DBus.Error.InvalidArgs");
  g_assert_cmpuint (strlen (error->message), <, 300);
  g_assert_null (strstr (error->message, "kkkkkkkk"));

  g_file_get_contents (daemon_process.log_path, &log, NULL, NULL);
  g_assert_null (strstr (log, "kkkkkkkk"));
}

static void
changed_cb (GDBusConnection *connection,
            const char      *sender,
            const char      *path,
            const char      *interface,
            const char      *signal,
            GVariant        *parameters,
            gpointer         user_data)
{
  GPtrArray *changes = user_data;
  g_autoptr(GVariant) changed = NULL;
  const char *changed_interface;

  g_variant_get (parameters, "(&s@a{sv}@as)", &changed_interface, &changed, NULL);
  if (g_str_equal (changed_interface, "io.github.lanyard.Account"))
    g_ptr_array_add (changes, g_variant_print (changed, FALSE));
}

/* An account's object sends only what changed: a new primary account is
 * one property on each of two accounts. */
static void
test_account_sends_only_changes (void)
{
  g_autoptr(CtlResult) hub = link_with_ctl ("hub");
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CtlResult) primary = NULL;
  guint id;

  g_assert_cmpint (hub->status, ==, 0);
  id = g_dbus_connection_signal_subscribe (daemon_connection (), DAEMON_NAME, "org.freedesktop.DBus.Properties",
                                           "PropertiesChanged", NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE, changed_cb, changes,
                                           NULL);
  primary = ctl ("primary", "hub:583231", NULL);
  g_assert_cmpint (primary->status, ==, 0);
  while (changes->len < 2)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < 10; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_assert_cmpuint (changes->len, ==, 2);
  for (guint i = 0; i < changes->len; i++)
    g_assert_true (g_str_equal (changes->pdata[i], "{'Primary': <true>}") ||
                   g_str_equal (changes->pdata[i], "{'Primary': <false>}"));
  g_dbus_connection_signal_unsubscribe (daemon_connection (), id);
}

/* The tracker asks once per name and forgets a name that left the bus. */
static void
test_tracker_forgets (void)
{
  g_autoptr(LanyardCallerTracker) tracker = lanyard_caller_tracker_new (daemon_connection ());
  g_autoptr(GDBusConnection) other = new_connection ();
  g_autofree char *name = g_strdup (g_dbus_connection_get_unique_name (other));
  g_autoptr(LanyardCaller) caller = lanyard_caller_tracker_lookup (tracker, name, NULL);
  g_autoptr(LanyardCaller) again = lanyard_caller_tracker_lookup (tracker, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCaller) gone = NULL;

  g_assert_nonnull (caller);
  g_assert_cmpint (lanyard_caller_get_kind (caller), ==, LANYARD_CALLER_HOST);
  g_assert_true (caller == again);
  g_assert_cmpuint (lanyard_caller_tracker_get_size (tracker), ==, 1);

  g_dbus_connection_close_sync (other, NULL, NULL);
  while (lanyard_caller_tracker_get_size (tracker) > 0)
    g_main_context_iteration (NULL, TRUE);

  /* A name no longer on the bus is nobody: refused. */
  gone = lanyard_caller_tracker_lookup (tracker, name, &error);
  g_assert_null (gone);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  have_bwrap = program_found ("bwrap");
  have_runuser = program_found ("runuser") && getuid () == 0 && getpwnam ("nobody") != NULL;

  bus_up ();
  harness.home = g_dir_make_tmp ("lanyard-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  keyring_harness_start_keyring (&harness);
  flatpak_info = g_build_filename (bus_dir, "flatpak-info", NULL);
  g_assert_true (g_file_set_contents (flatpak_info, "[Application]\nname=" FLATPAK_APP "\n", -1, NULL));
  fake = fake_provider_new ();
  daemon_start (&daemon_process, fake, NULL);

  g_test_add_func ("/Lanyard/DaemonPolicy/every-row", test_every_row);
  g_test_add_func ("/Lanyard/DaemonPolicy/own-user-namespace", test_own_user_namespace);
  g_test_add_func ("/Lanyard/DaemonPolicy/get-all-of-a-flow", test_get_all_of_a_flow);
  g_test_add_func ("/Lanyard/DaemonPolicy/flow-is-private", test_flow_is_private);
  g_test_add_func ("/Lanyard/DaemonPolicy/flow-limits", test_flow_limits);
  g_test_add_func ("/Lanyard/DaemonPolicy/finished-flows-bounded", test_finished_flows_bounded);
  g_test_add_func ("/Lanyard/DaemonPolicy/long-argument", test_long_argument);
  g_test_add_func ("/Lanyard/DaemonPolicy/tracker-forgets", test_tracker_forgets);
  g_test_add_func ("/Lanyard/DaemonPolicy/account-sends-only-changes", test_account_sends_only_changes);

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  secret_service_disconnect ();
  keyring_harness_stop_keyring (&harness);
  bus_down ();
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", harness.home);
    g_assert_cmpint (system (command), ==, 0);
  }
  g_free (harness.home);
  g_free (bus_dir);
  g_free (bus_address);
  g_free (flatpak_info);
  return status;
}
