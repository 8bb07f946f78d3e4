/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A real lanyard-daemon from the build tree on the private bus of
 * keyring-harness.h, configured with providers played by the fake
 * provider in this process; and helpers that call it without blocking
 * this process's main loop (the fake provider answers from it).
 *
 * The daemon is a subprocess: what the sanitizers find in it is written
 * to its own stderr (the log file) and shows in its exit status, not in
 * the test program's. So the harness reads both: a test fails when the
 * daemon it started exits before it was told to, exits with an error
 * status, or says "ERROR: AddressSanitizer", "ERROR: LeakSanitizer" or
 * "runtime error:" (UBSan) in its log. */

#include <libsecret/secret.h>
#include <string.h>

#include "config.h"
#include "fake-provider.h"
#include "keyring-harness.h"
#include "test-util.h"

G_BEGIN_DECLS

#define DAEMON_NAME LANYARD_DAEMON_BUS_NAME
#define MANAGER_PATH "/io/github/lanyard/Lanyard/Manager"

typedef struct
{
  GSubprocess *process;
  char        *data_home;
  char        *config_home;
  char        *log_path;
  goffset      log_start; /* where this run's output begins in the log */
  gboolean     stopping; /* the exit that follows was asked for */
} Daemon;

/* Fails the running test; outside one (the daemon stopped after
 * g_test_run()), fails the test program, since g_test_fail() would be
 * lost there. */
G_GNUC_UNUSED G_GNUC_PRINTF (1, 2) static void daemon_fail (const char *format,
                                                            ...)
{
  g_autofree char *message = NULL;
  const char      *path = g_test_get_path ();
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (path != NULL && path[0] != '\0')
    g_test_fail_printf ("%s", message);
  else
    g_error ("%s", message);
}

/* This run's part of the log: the daemon's stdout and stderr. */
G_GNUC_UNUSED static char *
daemon_read_log (Daemon *daemon)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;

  if (daemon->log_path == NULL || !g_file_get_contents (daemon->log_path, &contents, &length, NULL))
    return g_strdup ("");
  if ((gsize) daemon->log_start >= length)
    return g_strdup ("");
  return g_strndup (contents + daemon->log_start, length - daemon->log_start);
}

/* Fails the test, with the daemon's own words, when a sanitizer spoke. */
G_GNUC_UNUSED static gboolean
daemon_check_log (Daemon *daemon)
{
  /* What the sanitizers print when they find something (and nothing else
   * prints). */
  static const char *const daemon_sanitizer_markers[] = {
    "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer",
    "runtime error:",
    "SUMMARY: UndefinedBehaviorSanitizer",
    NULL,
  };
  g_autofree char *log = daemon_read_log (daemon);

  for (guint i = 0; daemon_sanitizer_markers[i] != NULL; i++)
    {
      const char *found = strstr (log, daemon_sanitizer_markers[i]);

      if (found != NULL)
        {
          g_test_message ("lanyard-daemon reported a sanitizer error:\n%s", found);
          daemon_fail ("lanyard-daemon reported “%s” (its report is above)", daemon_sanitizer_markers[i]);
          return FALSE;
        }
    }
  return TRUE;
}

G_GNUC_UNUSED static char *
daemon_describe_exit (GSubprocess *process)
{
  if (g_subprocess_get_if_exited (process))
    return g_strdup_printf ("exited with status %d", g_subprocess_get_exit_status (process));
  if (g_subprocess_get_if_signaled (process))
    return g_strdup_printf ("was killed by signal %d (%s)", g_subprocess_get_term_sig (process),
                            g_strsignal (g_subprocess_get_term_sig (process)));
  return g_strdup ("ended");
}

/* The daemon ended without being told to: a crash, an abort from a
 * sanitizer, an exit with an error. The test fails now, not at the next
 * call that finds nobody on the bus. */
G_GNUC_UNUSED static void
daemon_exited_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Daemon          *daemon = user_data;
  GSubprocess     *process = G_SUBPROCESS (object);
  g_autofree char *how = NULL;
  g_autofree char *log = NULL;

  if (!g_subprocess_wait_finish (process, result, NULL) || process != daemon->process || daemon->stopping)
    return;

  how = daemon_describe_exit (process);
  log = daemon_read_log (daemon);
  daemon_check_log (daemon);
  g_test_message ("lanyard-daemon's output:\n%s", log);
  daemon_fail ("lanyard-daemon %s while the test was running", how);
}

static gboolean
daemon_wait_name (gboolean owned)
{
  for (guint i = 0; i < 400; i++)
    {
      if (keyring_harness_name_has_owner (DAEMON_NAME) == owned)
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (25 * 1000);
    }
  return FALSE;
}

/**
 * daemon_start_full:
 * @env: (nullable): more NAME=VALUE settings
 * @option: (nullable): one command-line option, such as --replace
 */
G_GNUC_UNUSED static void
daemon_start_full (Daemon            *daemon,
                   FakeProvider      *fake,
                   const char *const *env,
                   const char        *option)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *work = fake_provider_config (fake, "gitlab");
  g_autofree char *hub = fake_provider_config (fake, "github");
  g_autofree char *binary = g_test_build_filename (G_TEST_BUILT, "..", "src", "daemon", LANYARD_DAEMON_PROGRAM, NULL);
  g_autoptr(GError) error = NULL;

  if (daemon->data_home == NULL)
    {
      daemon->data_home = g_dir_make_tmp ("lanyard-daemon-data-XXXXXX", &error);
      daemon->config_home = g_dir_make_tmp ("lanyard-daemon-config-XXXXXX", &error);
      daemon->log_path = g_build_filename (daemon->data_home, "daemon.log", NULL);
      g_assert_no_error (error);
    }
  {
    GStatBuf st;

    /* The log is appended to across restarts; this run starts here. */
    daemon->log_start = g_stat (daemon->log_path, &st) == 0 ? st.st_size : 0;
  }

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", daemon->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", daemon->config_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_DIRS", daemon->config_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANYARD_PROVIDER_WORK", work, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANYARD_PROVIDER_HUB", hub, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANYARD_PROVIDER_BROKEN", "gitlab base_url=http://gitlab.example.com", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANYARD_NETWORK_MONITOR", "none", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANYARD_REFRESH_MARGIN", "0", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANYARD_REFRESH_BACKOFF", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);
      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }

  /* Everything the daemon says goes to a file, searched for secrets. */
  {
    g_autofree char *append = g_strdup_printf ("exec \"$0\" \"$@\" >> '%s' 2>&1", daemon->log_path);
    daemon->process = g_subprocess_launcher_spawn (launcher, &error, "sh", "-c", append, binary, option, NULL);
  }
  g_assert_no_error (error);
  daemon->stopping = FALSE;
  g_subprocess_wait_async (daemon->process, NULL, daemon_exited_cb, daemon);
  g_assert_true (daemon_wait_name (TRUE));
}

G_GNUC_UNUSED static void
daemon_start (Daemon            *daemon,
              FakeProvider      *fake,
              const char *const *env)
{
  daemon_start_full (daemon, fake, env, NULL);
}

/**
 * daemon_stop:
 * @signal_number: SIGTERM for a clean exit, which must end with status 0
 *   (LeakSanitizer reports at exit and makes the status non-zero); SIGKILL
 *   to play a crash
 *
 * Stops the daemon and fails the test when it had already ended, did not
 * end as @signal_number says it must, or a sanitizer spoke in its log.
 */
G_GNUC_UNUSED static void
daemon_stop (Daemon *daemon,
             int     signal_number)
{
  g_autofree char *how = NULL;
  gboolean         clean;

  if (daemon->process == NULL)
    return;
  /* Ended already (daemon_exited_cb said so): nothing to signal. */
  if (g_subprocess_get_identifier (daemon->process) != NULL)
    {
      daemon->stopping = TRUE;
      g_subprocess_send_signal (daemon->process, signal_number);
    }
  {
    g_autoptr(GAsyncResult) result = NULL;

    g_subprocess_wait_async (daemon->process, NULL, test_store_result, &result);
    g_subprocess_wait_finish (daemon->process, test_wait_result (&result), NULL);
  }

  how = daemon_describe_exit (daemon->process);
  if (signal_number == SIGTERM)
    clean = g_subprocess_get_if_exited (daemon->process) && g_subprocess_get_exit_status (daemon->process) == 0;
  else
    clean = g_subprocess_get_if_signaled (daemon->process) &&
      g_subprocess_get_term_sig (daemon->process) == signal_number;
  if (!clean)
    {
      g_autofree char *log = daemon_read_log (daemon);

      g_test_message ("lanyard-daemon's output:\n%s", log);
      daemon_fail ("lanyard-daemon %s when stopped with signal %d", how, signal_number);
    }
  daemon_check_log (daemon);

  g_clear_object (&daemon->process);
  g_assert_true (daemon_wait_name (FALSE));
}

/* Removes the daemon's data and configuration directories. */
G_GNUC_UNUSED static void
daemon_remove_files (Daemon *daemon)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s' '%s'", daemon->data_home, daemon->config_home);

  g_assert_cmpint (system (command), ==, 0);
  g_clear_pointer (&daemon->data_home, g_free);
  g_clear_pointer (&daemon->config_home, g_free);
  g_clear_pointer (&daemon->log_path, g_free);
}

/* One connection for the whole test: a sign-in is cancelled when the
 * connection that started it leaves the bus. */
static GDBusConnection *
daemon_connection (void)
{
  static GDBusConnection *connection;

  if (connection == NULL)
    connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  return connection;
}

/* A D-Bus call whose reply is waited for with the main loop running. */
G_GNUC_UNUSED static GVariant *
daemon_call (const char         *path,
             const char         *interface,
             const char         *method,
             GVariant           *parameters,
             const GVariantType *reply_type,
             GError            **error)
{
  GDBusConnection *connection = daemon_connection ();
  g_autoptr(GAsyncResult) result = NULL;

  g_dbus_connection_call (connection, DAEMON_NAME, path, interface, method, parameters, reply_type,
                          G_DBUS_CALL_FLAGS_NONE, 30000, NULL, test_store_result, &result);
  return g_dbus_connection_call_finish (connection, test_wait_result (&result), error);
}

G_GNUC_UNUSED static GVariant *
daemon_get_property (const char *path,
                     const char *interface,
                     const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = daemon_call (path, "org.freedesktop.DBus.Properties", "Get",
                                            g_variant_new ("(ss)", interface, name), G_VARIANT_TYPE ("(v)"), &error);
  GVariant *value;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

/* What the keyring holds for an account, as the daemon stored it: the
 * serialised token set (a secret; tests compare it, never print it). */
G_GNUC_UNUSED static char *
keyring_secret (const char *provider,
                const char *account)
{
  static const SecretSchema schema = {
    LANYARD_TOKEN_SCHEMA, SECRET_SCHEMA_NONE, { { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING }, { "account", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (&schema, NULL, &error, "provider", provider, "account", account, NULL);

  g_assert_no_error (error);
  return secret;
}

/* The object path of the account "provider:account-id". */
G_GNUC_UNUSED static char *
daemon_account_path (const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "FindAccount",
                                            g_variant_new ("(s)", key), G_VARIANT_TYPE ("(o)"), &error);
  char *path;

  g_assert_no_error (error);
  g_variant_get (reply, "(o)", &path);
  return path;
}

typedef struct
{
  int   status;
  char *out;
  char *err;
} CtlResult;

static inline void
ctl_result_free (CtlResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtlResult, ctl_result_free)

static GSubprocess *
ctl_spawn (const char *const *argv)
{
  g_autofree char *binary = g_test_build_filename (G_TEST_BUILT, "..", "src", "cli", LANYARDCTL_PROGRAM, NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (args, binary);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_newv ((const char *const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  return process;
}

static CtlResult *
ctl_finish (GSubprocess *process)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CtlResult *ctl = g_new0 (CtlResult, 1);

  g_subprocess_communicate_utf8_async (process, NULL, NULL, test_store_result, &result);
  g_subprocess_communicate_utf8_finish (process, test_wait_result (&result), &ctl->out, &ctl->err, &error);
  g_assert_no_error (error);
  ctl->status = g_subprocess_get_exit_status (process);
  return ctl;
}

/**
 * ctl:
 *
 * Runs `lanyardctl ARGS…` to its end, the main loop running.
 */
G_GNUC_UNUSED static CtlResult *
ctl (const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = ctl_spawn ((const char *const *) argv->pdata);
  return ctl_finish (process);
}

/* Reads one line from a pipe, the main loop running. */
G_GNUC_UNUSED static char *
read_line (GDataInputStream *stream)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, NULL, test_store_result, &result);
  return g_data_input_stream_read_line_finish_utf8 (stream, test_wait_result (&result), NULL, NULL);
}

/**
 * link_with_ctl:
 *
 * `lanyardctl link PROVIDER --browser=none`, the scripted browser opening
 * the printed URL.
 */
G_GNUC_UNUSED static CtlResult *
link_with_ctl (const char *provider)
{
  const char *argv[] = { "link", provider, "--browser=none", NULL };
  g_autoptr(GSubprocess) process = ctl_spawn (argv);
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autofree char *line = read_line (out);
  g_autoptr(TestPage) page = NULL;
  g_autoptr(GString) rest = g_string_new (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CtlResult *ctl_result = g_new0 (CtlResult, 1);
  char      *more;

  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "Open this URL to sign in: "));
  page = test_browse ("GET", line + strlen ("Open this URL to sign in: "));

  while ((more = read_line (out)) != NULL)
    {
      g_string_append_printf (rest, "%s\n", more);
      g_free (more);
    }
  g_subprocess_wait_async (process, NULL, test_store_result, &result);
  g_subprocess_wait_finish (process, test_wait_result (&result), &error);
  ctl_result->status = g_subprocess_get_exit_status (process);
  ctl_result->out = g_string_free (g_steal_pointer (&rest), FALSE);
  /* What it said went wrong: a few lines, in the pipe since it ended. */
  {
    char  buffer[16384];
    gsize n = 0;

    g_input_stream_read_all (g_subprocess_get_stderr_pipe (process), buffer, sizeof buffer - 1, &n, NULL, NULL);
    ctl_result->err = g_strndup (buffer, n);
  }
  return ctl_result;
}

G_END_DECLS
