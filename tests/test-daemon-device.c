/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
/* The device authorization grant through lanyard-daemon and lanyardctl,
 * on a private bus with a real keyring, against the fake provider:
 * ListProviders says who can do it, StartFlow's `grant` option, the flow's
 * properties, every ending of RFC 8628 §3.5 on the bus, a cancel and a
 * daemon restart in the middle of the polling (nothing half-stored), and
 * `lanyardctl link --device` from the first line to Ctrl-C. The daemon
 * runs one protocol second as 100 ms (LANYARD_DEVICE_SECOND_MS). */

#include <signal.h>
#include <string.h>

#include "daemon-harness.h"

#define SECOND_US (100 * 1000)

static KeyringHarness harness;
static FakeProvider  *fake;
static Daemon         daemon_process;
static char          *hub_env;

static void
start_daemon (void)
{
  const char *env[] = { hub_env, "LANYARD_DEVICE_SECOND_MS=100", NULL };

  daemon_start (&daemon_process, fake, env);
}

static GVariant *
provider_entry (const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "ListProviders", NULL,
                                            G_VARIANT_TYPE ("(aa{sv})"), &error);
  g_autoptr(GVariant) list = NULL;
  GVariantIter iter;
  GVariant    *entry;

  g_assert_no_error (error);
  list = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, list);
  while ((entry = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *entry_id = NULL;

      if (g_variant_lookup (entry, "id", "&s", &entry_id) && g_str_equal (entry_id, id))
        return entry;
      g_variant_unref (entry);
    }
  g_assert_not_reached ();
}

static char *
start_device_flow (const char *provider,
                   GError    **error)
{
  g_autoptr(GVariant) reply = NULL;
  char *flow = NULL;

  reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "StartFlow",
                       g_variant_new_parsed ("(%s, {'grant': <'device'>})", provider), G_VARIANT_TYPE ("(o)"), error);
  if (reply != NULL)
    g_variant_get (reply, "(o)", &flow);
  return flow;
}

static char *
flow_string (const char *flow,
             const char *name)
{
  g_autoptr(GVariant) value = daemon_get_property (flow, "io.github.lanyard.Flow", name);

  return g_variant_dup_string (value, NULL);
}

/* The flow's Status once it is no longer waiting or exchanging. */
static char *
wait_for_end (const char *flow)
{
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *status = flow_string (flow, "Status");

      if (g_str_equal (status, "succeeded") || g_str_equal (status, "failed"))
        return g_steal_pointer (&status);
      /* 20 ms with the main loop running: the fake provider answers from it. */
      g_timeout_add_once (20, (GSourceOnceFunc) g_main_context_wakeup, NULL);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_not_reached ();
}

static void
wait_for_polls (guint n)
{
  while (fake_provider_get_count (fake, "device-poll") < n)
    g_main_context_iteration (NULL, TRUE);
}

static void
spin_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_timeout_add_once (10, (GSourceOnceFunc) g_main_context_wakeup, NULL);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gint64
poll_gap (guint i)
{
  GArray *polls = fake_provider_get_device_polls (fake);

  g_assert_cmpuint (polls->len, >, i);
  return g_array_index (polls, gint64, i) - g_array_index (polls, gint64, i - 1);
}

static void
test_list_providers (void)
{
  g_autoptr(GVariant) hub = provider_entry ("hub");
  g_autoptr(GVariant) work = provider_entry ("work");
  g_autofree const char **hub_grants = NULL;
  g_autofree const char **work_grants = NULL;
  const char             *problem = NULL;
  const char             *both[] = { "authorization_code", "device", NULL };
  const char             *browser_only[] = { "authorization_code", NULL };
  g_autoptr(CtlResult) listed = NULL;

  g_assert_true (g_variant_lookup (hub, "grants", "^a&s", &hub_grants));
  g_assert_cmpstrv (hub_grants, both);
  g_assert_true (g_variant_lookup (hub, "device-problem", "&s", &problem));
  g_assert_cmpstr (problem, ==, "");

  /* A self-managed GitLab without device_flow=true: said, and why. */
  g_assert_true (g_variant_lookup (work, "grants", "^a&s", &work_grants));
  g_assert_cmpstrv (work_grants, browser_only);
  g_assert_true (g_variant_lookup (work, "device-problem", "&s", &problem));
  g_assert_nonnull (strstr (problem, "GitLab offers it since version 17.1"));

  listed = ctl ("providers", NULL);
  g_assert_cmpint (listed->status, ==, 0);
  g_assert_nonnull (strstr (listed->out, "also on another device"));
}

static void
test_refused_options (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *flow = NULL;

  reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "StartFlow",
                       g_variant_new_parsed ("('hub', {'grant': <'password'>})"), G_VARIANT_TYPE ("(o)"), &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_assert_nonnull (strstr (error->message, "“grant” must be “authorization_code” or “device”"));
  g_clear_error (&error);

  reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "StartFlow",
                       g_variant_new_parsed ("('hub', {'grant': <42>})"), G_VARIANT_TYPE ("(o)"), &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);

  flow = start_device_flow ("work", &error);
  g_assert_null (flow);
  g_assert_nonnull (error);
  {
    g_autofree char *name = g_dbus_error_get_remote_error (error);
    g_assert_cmpstr (name, ==, "io.github.lanyard.Error.NotSupported");
  }
  g_assert_cmpuint (fake_provider_get_count (fake, "device-authorization"), ==, 0);
}

/* The daemon stops while it polls: it exits cleanly (the harness checks
 * its status and the sanitizers), and nothing was stored. */
static void
test_restart_mid_poll (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(CtlResult) listed = NULL;
  guint polls;

  fake_provider_set_device_script (fake, "pending");
  flow = start_device_flow ("hub", &error);
  g_assert_no_error (error);
  wait_for_polls (fake_provider_get_count (fake, "device-poll") + 2);

  daemon_stop (&daemon_process, SIGTERM);
  polls = fake_provider_get_count (fake, "device-poll");
  spin_ms (500);
  g_assert_cmpuint (fake_provider_get_count (fake, "device-poll"), ==, polls);

  start_daemon ();
  listed = ctl ("list", NULL);
  g_assert_cmpint (listed->status, ==, 0);
  g_assert_null (strstr (listed->out, "hub:"));
  secret = keyring_secret ("hub", "583231");
  g_assert_null (secret);
  /* The new daemon does not take the old sign-in up again. */
  spin_ms (500);
  g_assert_cmpuint (fake_provider_get_count (fake, "device-poll"), ==, polls);
}

static void
test_cancel_mid_poll (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *status = NULL;
  guint            polls;

  fake_provider_set_device_script (fake, "pending");
  flow = start_device_flow ("hub", &error);
  g_assert_no_error (error);
  wait_for_polls (fake_provider_get_count (fake, "device-poll") + 2);

  reply = daemon_call (flow, "io.github.lanyard.Flow", "Cancel", NULL, NULL, &error);
  g_assert_no_error (error);
  status = wait_for_end (flow);
  g_assert_cmpstr (status, ==, "failed");
  polls = fake_provider_get_count (fake, "device-poll");
  spin_ms (500);
  g_assert_cmpuint (fake_provider_get_count (fake, "device-poll"), ==, polls);
  g_assert_null (keyring_secret ("hub", "583231"));
}

static void
test_denied (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *status = NULL;
  g_autofree char *secret = NULL;

  fake_provider_set_device_script (fake, "pending,denied");
  flow = start_device_flow ("hub", &error);
  g_assert_no_error (error);
  status = wait_for_end (flow);
  g_assert_cmpstr (status, ==, "failed");
  secret = keyring_secret ("hub", "583231");
  g_assert_null (secret);
}

/* Pending, slow_down, approved: the properties, the pace, the account. */
static void
test_success_over_dbus (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *status = NULL;
  g_autofree char *grant = NULL;
  g_autofree char *user_code = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *complete = NULL;
  g_autofree char *authorize = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GVariant) expires = NULL;
  g_autoptr(GVariant) account = NULL;
  GArray *polls = fake_provider_get_device_polls (fake);
  guint   first;
  gint64  now = g_get_real_time () / G_USEC_PER_SEC;

  fake_provider_set_device_script (fake, "pending,slow_down,approve");
  flow = start_device_flow ("hub", &error);
  g_assert_no_error (error);
  first = polls->len;

  grant = flow_string (flow, "Grant");
  g_assert_cmpstr (grant, ==, "device");
  user_code = flow_string (flow, "UserCode");
  g_assert_cmpstr (user_code, ==, fake_provider_get_last_user_code (fake));
  uri = flow_string (flow, "VerificationUri");
  g_assert_true (g_str_has_suffix (uri, "/github/device"));
  complete = flow_string (flow, "VerificationUriComplete");
  g_assert_cmpstr (complete, ==, "");
  authorize = flow_string (flow, "AuthorizeUrl");
  g_assert_cmpstr (authorize, ==, "");
  expires = daemon_get_property (flow, "io.github.lanyard.Flow", "ExpiresAt");
  g_assert_cmpint (g_variant_get_int64 (expires), >=, now + 599);

  status = wait_for_end (flow);
  g_assert_cmpstr (status, ==, "succeeded");
  account = daemon_get_property (flow, "io.github.lanyard.Flow", "Account");
  g_assert_cmpstr (g_variant_get_string (account, NULL), ==, "/io/github/lanyard/Lanyard/Accounts/hub_3a583231");
  g_assert_cmpuint (polls->len, ==, first + 3);
  g_assert_cmpint (poll_gap (first + 1), >=, 1 * SECOND_US);
  g_assert_cmpint (poll_gap (first + 2), >=, 6 * SECOND_US);
  secret = keyring_secret ("hub", "583231");
  g_assert_nonnull (secret);

  /* The device code and the tokens are nowhere in the daemon's words. */
  {
    g_autofree char *log = daemon_read_log (&daemon_process);

    g_assert_null (strstr (log, "fake_dc_"));
    g_assert_null (strstr (log, "fake_at_"));
  }
}

/* The rest of its output, line by line (the data stream has buffered
 * past what was read), and its exit status. */
static CtlResult *
finish_reading (GSubprocess      *process,
                GDataInputStream *out)
{
  g_autoptr(GString) rest = g_string_new (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CtlResult *ctl_result = g_new0 (CtlResult, 1);
  char      *more;

  while ((more = read_line (out)) != NULL)
    {
      g_string_append_printf (rest, "%s\n", more);
      g_free (more);
    }
  g_subprocess_wait_async (process, NULL, test_store_result, &result);
  g_subprocess_wait_finish (process, test_wait_result (&result), &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    {
      g_autoptr(GBytes) err = g_input_stream_read_bytes (g_subprocess_get_stderr_pipe (process), 65536, NULL, NULL);
      g_error ("lanyardctl link --device was killed by signal %d: %.*s", g_subprocess_get_term_sig (process),
               err != NULL ? (int) g_bytes_get_size (err) : 0, err != NULL ? (const char *) g_bytes_get_data (err, NULL) : "");
    }
  ctl_result->status = g_subprocess_get_exit_status (process);
  ctl_result->out = g_string_free (g_steal_pointer (&rest), FALSE);
  {
    g_autoptr(GBytes) err = NULL;
    GInputStream *err_pipe = g_subprocess_get_stderr_pipe (process);

    err = g_input_stream_read_bytes (err_pipe, 65536, NULL, NULL);
    ctl_result->err = err != NULL ? g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err)) : g_strdup ("");
  }
  return ctl_result;
}

static GSubprocess *
spawn_link_device (GDataInputStream **out)
{
  const char  *argv[] = { "link", "--device", "hub", NULL };
  GSubprocess *process = ctl_spawn (argv);

  *out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  return process;
}

/* Ctrl-C while it waits: it says so, exits 1, and the sign-in is over. */
static void
test_ctl_interrupted (void)
{
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(CtlResult) result = NULL;
  g_autofree char *line = NULL;
  guint            polls;

  fake_provider_set_device_script (fake, "pending");
  process = spawn_link_device (&out);
  line = read_line (out);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "Open this URL on any device: "));
  wait_for_polls (fake_provider_get_count (fake, "device-poll") + 1);

  g_subprocess_send_signal (process, SIGINT);
  result = finish_reading (process, out);
  g_assert_cmpint (result->status, ==, 1);
  g_assert_nonnull (strstr (result->err, "Cancelled."));
  polls = fake_provider_get_count (fake, "device-poll");
  spin_ms (500);
  g_assert_cmpuint (fake_provider_get_count (fake, "device-poll"), ==, polls);
}

static void
test_ctl_link_device (void)
{
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(CtlResult) result = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *expected = NULL;

  /* Unlinked first, so that this sign-in links it anew. */
  g_autoptr(CtlResult) unlinked = ctl ("unlink", "hub:583231", NULL);
  g_assert_cmpint (unlinked->status, ==, 0);

  fake_provider_set_device_script (fake, "pending,approve");
  process = spawn_link_device (&out);
  first = read_line (out);
  second = read_line (out);
  g_assert_nonnull (first);
  g_assert_true (g_str_has_prefix (first, "Open this URL on any device: "));
  g_assert_true (g_str_has_suffix (first, "/github/device"));
  expected = g_strdup_printf ("Enter the code: %s", fake_provider_get_last_user_code (fake));
  g_assert_cmpstr (second, ==, expected);

  result = finish_reading (process, out);
  g_assert_cmpint (result->status, ==, 0);
#if HAVE_QRENCODE
  /* Into a pipe: the QR code in half blocks, without escapes. */
  g_assert_nonnull (strstr (result->out, "Or scan this QR code:\n"));
  g_assert_nonnull (strstr (result->out, "▀"));
  g_assert_nonnull (strstr (result->out, "▄"));
  g_assert_null (strstr (result->out, "\033["));
#endif
  g_assert_nonnull (strstr (result->out, "The code expires in 10 minutes."));
  g_assert_true (g_str_has_suffix (result->out, "Linked hub:583231 (octocat)\n"));
  {
    g_autofree char *secret = keyring_secret ("hub", "583231");
    g_assert_nonnull (secret);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  keyring_harness_up (&harness, TRUE);
  fake = fake_provider_new ();
  {
    g_autofree char *hub = fake_provider_config (fake, "github");
    hub_env = g_strdup_printf ("LANYARD_PROVIDER_HUB=%s device_flow=true", hub);
  }
  start_daemon ();

  g_test_add_func ("/Lanyard/DaemonDevice/list-providers", test_list_providers);
  g_test_add_func ("/Lanyard/DaemonDevice/refused-options", test_refused_options);
  g_test_add_func ("/Lanyard/DaemonDevice/restart-mid-poll", test_restart_mid_poll);
  g_test_add_func ("/Lanyard/DaemonDevice/cancel-mid-poll", test_cancel_mid_poll);
  g_test_add_func ("/Lanyard/DaemonDevice/denied", test_denied);
  g_test_add_func ("/Lanyard/DaemonDevice/ctl-interrupted", test_ctl_interrupted);
  g_test_add_func ("/Lanyard/DaemonDevice/success-over-dbus", test_success_over_dbus);
  g_test_add_func ("/Lanyard/DaemonDevice/ctl-link-device", test_ctl_link_device);

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  g_free (hub_env);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  return status;
}
