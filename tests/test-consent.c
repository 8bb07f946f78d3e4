/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
/* Consent for real, on the daemon's side: the daemon on a private bus
 * with a real keyring and a real xdg-permission-store (started by hand on
 * that bus, its files in a temporary directory), called from Flatpak-like
 * sandboxes (bwrap with a /.flatpak-info naming the app id); this process
 * plays Lanyard's window (io.github.lanyard.ConsentPrompt under the
 * application id, a host program as the daemon requires) and answers as
 * each test says. tests/test-window.c answers in the real window. */

#include <libsecret/secret.h>
#include <string.h>
#include <unistd.h>

#include "consent-harness.h"
#include "daemon-harness.h"
#include "lanyard-consent-generated.h"

#define APP_A "org.example.Alpha"
#define APP_B "org.example.Beta"
#define KEY "work:4242"
#define DENIED "io.github.lanyard.Error.PermissionDenied"
#define PROMPT_PATH "/io/github/lanyard/Lanyard/ConsentPrompt"

static KeyringHarness harness;
static FakeProvider  *fake;
static Daemon         daemon_process;
static GSubprocess   *store;
static char          *store_home;
static char          *info_dir;
static char          *service_dir;
static gboolean       have_bwrap;

/* The window this process plays. */
static LanyardDBusConsentPrompt *prompt;
static const char               *answer = "allow"; /* NULL: never answers */
static guint                     n_asked;
static guint                     outstanding, most_outstanding;
static GPtrArray                *asked_apps;
static GPtrArray                *held; /* invocations not answered */

static gboolean
answer_later (gpointer data)
{
  GDBusMethodInvocation *invocation = data;

  outstanding--;
  lanyard_dbus_consent_prompt_complete_ask (prompt, invocation, answer);
  return G_SOURCE_REMOVE;
}

static gboolean
handle_ask (LanyardDBusConsentPrompt *iface,
            GDBusMethodInvocation    *invocation,
            const char               *app_id,
            GVariant                 *account,
            guint                     timeout)
{
  const char *key = NULL;

  n_asked++;
  g_ptr_array_add (asked_apps, g_strdup (app_id));
  g_assert_true (g_variant_lookup (account, "key", "&s", &key));
  g_assert_cmpstr (key, ==, KEY);
  g_assert_cmpuint (timeout, >, 0);
  outstanding++;
  most_outstanding = MAX (most_outstanding, outstanding);
  if (answer == NULL)
    {
      g_ptr_array_add (held, g_object_ref (invocation));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  /* Answered a little later, as a person does: a second question would
   * arrive meanwhile if the daemon stacked them. */
  g_timeout_add (200, answer_later, g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
prompt_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  prompt = LANYARD_DBUS_CONSENT_PROMPT (lanyard_dbus_consent_prompt_skeleton_new ());
  g_signal_connect (prompt, "handle-ask", G_CALLBACK (handle_ask), NULL);
  g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (prompt), daemon_connection (), PROMPT_PATH, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (daemon_connection (), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName", g_variant_new ("(su)", APPLICATION_ID, 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (keyring_harness_name_has_owner (APPLICATION_ID));
}

static void
prompt_down (void)
{
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (daemon_connection (), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "ReleaseName", g_variant_new ("(s)", APPLICATION_ID),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (prompt));
  g_clear_object (&prompt);
}

static void
store_up (void)
{
  store = consent_store_up (store_home);
}

static void
store_down (void)
{
  consent_store_down (&store);
}

static GSubprocess *
sandboxed_spawn (const char *app_id,
                 const char *method)
{
  g_autofree char *path = daemon_account_path (KEY);

  return consent_sandboxed_spawn (info_dir, app_id, path, method);
}

static CtlResult *
sandboxed (const char *app_id,
           const char *method)
{
  g_autoptr(GSubprocess) process = sandboxed_spawn (app_id, method);

  return ctl_finish (process);
}

/* The store's entry for the account, or NULL when it has none. */
static GVariant *
store_entry (void)
{
  g_autoptr(GVariant) reply = NULL;
  GVariant *permissions = NULL;

  reply = g_dbus_connection_call_sync (daemon_connection (), "org.freedesktop.impl.portal.PermissionStore",
                                       "/org/freedesktop/impl/portal/PermissionStore",
                                       "org.freedesktop.impl.portal.PermissionStore", "Lookup",
                                       g_variant_new ("(ss)", "lanyard", KEY), G_VARIANT_TYPE ("(a{sas}v)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply == NULL)
    return NULL;
  g_variant_get_child (reply, 0, "@a{sas}", &permissions);
  return permissions;
}

static void
reset (void)
{
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (daemon_connection (), "org.freedesktop.impl.portal.PermissionStore",
                                       "/org/freedesktop/impl/portal/PermissionStore",
                                       "org.freedesktop.impl.portal.PermissionStore", "Delete",
                                       g_variant_new ("(ss)", "lanyard", KEY), NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       NULL);
  n_asked = 0;
  most_outstanding = 0;
  answer = "allow";
  g_ptr_array_set_size (asked_apps, 0);
}

static gboolean
skip_without_bwrap (void)
{
  if (!have_bwrap)
    g_test_skip ("bwrap is needed to call from a sandbox");
  return !have_bwrap;
}

static void
test_allow (void)
{
  g_autoptr(CtlResult) first = NULL;
  g_autoptr(CtlResult) again = NULL;
  g_autoptr(GVariant) entry = NULL;
  g_autofree const char **values = NULL;

  if (skip_without_bwrap ())
    return;
  reset ();
  first = sandboxed (APP_A, "GetAccessToken");
  g_test_message ("%s%s", first->out, first->err);
  g_assert_cmpint (first->status, ==, 0);
  g_assert_nonnull (strstr (first->out, "("));
  g_assert_cmpuint (n_asked, ==, 1);
  entry = store_entry ();
  g_assert_nonnull (entry);
  g_assert_true (g_variant_lookup (entry, APP_A, "^a&s", &values));
  g_assert_cmpstr (values[0], ==, "yes");

  /* Decided: not asked again. */
  again = sandboxed (APP_A, "GetAccessToken");
  g_assert_cmpint (again->status, ==, 0);
  g_assert_cmpuint (n_asked, ==, 1);
}

static void
test_deny (void)
{
  g_autoptr(CtlResult) first = NULL;
  g_autoptr(CtlResult) again = NULL;
  g_autoptr(CtlResult) ahead = NULL;

  if (skip_without_bwrap ())
    return;
  reset ();
  answer = "deny";
  first = sandboxed (APP_A, "GetAccessToken");
  g_assert_cmpint (first->status, !=, 0);
  g_assert_nonnull (strstr (first->err, DENIED));
  g_assert_nonnull (strstr (first->err, "did not allow"));
  g_assert_cmpuint (n_asked, ==, 1);

  again = sandboxed (APP_A, "GetAccessToken");
  g_assert_nonnull (strstr (again->err, DENIED));
  ahead = sandboxed (APP_A, "RequestAccess");
  g_assert_nonnull (strstr (ahead->err, DENIED));
  g_assert_cmpuint (n_asked, ==, 1);
}

static void
test_permission_set (void)
{
  g_autoptr(CtlResult) result = NULL;
  g_autoptr(GSubprocess) set = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *flatpak = g_find_program_in_path ("flatpak");

  if (skip_without_bwrap ())
    return;
  if (flatpak == NULL)
    {
      g_test_skip ("flatpak is needed for flatpak permission-set");
      return;
    }
  reset ();
  set = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "flatpak", "permission-set", "lanyard", KEY, APP_B, "yes",
                          NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (set, NULL, &error));
  g_assert_no_error (error);

  result = sandboxed (APP_B, "GetAccessToken");
  g_assert_cmpint (result->status, ==, 0);
  g_assert_cmpuint (n_asked, ==, 0);
}

static void
test_request_access_then_revoke (void)
{
  g_autoptr(CtlResult) ahead = NULL;
  g_autoptr(CtlResult) refused = NULL;
  g_autoptr(GVariant) listed = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = daemon_account_path (KEY);
  const char      *app_id;
  gboolean         allowed;
  gint64           last;

  if (skip_without_bwrap ())
    return;
  reset ();
  ahead = sandboxed (APP_A, "RequestAccess");
  g_assert_cmpint (ahead->status, ==, 0);
  g_assert_cmpuint (n_asked, ==, 1);
  {
    g_autoptr(CtlResult) token = sandboxed (APP_A, "GetAccessToken");
    g_assert_cmpint (token->status, ==, 0);
  }

  listed = daemon_call (path, "io.github.lanyard.Account", "ListApps", NULL, G_VARIANT_TYPE ("(a(sbx))"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (g_variant_get_child_value (listed, 0)), ==, 1);
  g_variant_get_child (g_variant_get_child_value (listed, 0), 0, "(&sbx)", &app_id, &allowed, &last);
  g_assert_cmpstr (app_id, ==, APP_A);
  g_assert_true (allowed);
  g_assert_cmpint (last, >, 0);

  {
    g_autoptr(CtlResult) apps = ctl ("apps", KEY, NULL);
    g_assert_cmpint (apps->status, ==, 0);
    g_assert_nonnull (strstr (apps->out, APP_A "\tallowed"));
  }

  /* Taken back, as the window's switch does (SetAppAccess). */
  {
    g_autoptr(CtlResult) revoked = ctl ("revoke", KEY, APP_A, NULL);
    g_autoptr(CtlResult) apps = NULL;

    g_assert_cmpint (revoked->status, ==, 0);
    apps = ctl ("apps", KEY, NULL);
    g_assert_nonnull (strstr (apps->out, APP_A "\tnot allowed"));
  }
  refused = sandboxed (APP_A, "GetAccessToken");
  g_assert_nonnull (strstr (refused->err, DENIED));
  g_assert_cmpuint (n_asked, ==, 1);

  g_clear_pointer (&reply, g_variant_unref);
  reply = daemon_call (path, "io.github.lanyard.Account", "SetAppAccess", g_variant_new ("(sb)", "not an id", FALSE),
                       NULL, &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
}

static void
test_two_apps_in_turn (void)
{
  g_autoptr(GSubprocess) alpha = NULL;
  g_autoptr(GSubprocess) beta = NULL;
  g_autoptr(CtlResult) a = NULL;
  g_autoptr(CtlResult) b = NULL;

  if (skip_without_bwrap ())
    return;
  reset ();
  alpha = sandboxed_spawn (APP_A, "GetAccessToken");
  beta = sandboxed_spawn (APP_B, "GetAccessToken");
  a = ctl_finish (alpha);
  b = ctl_finish (beta);
  g_assert_cmpint (a->status, ==, 0);
  g_assert_cmpint (b->status, ==, 0);
  g_assert_cmpuint (n_asked, ==, 2);
  /* One after the other, never two open at once. */
  g_assert_cmpuint (most_outstanding, ==, 1);
  g_assert_true (g_ptr_array_find_with_equal_func (asked_apps, APP_A, g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (asked_apps, APP_B, g_str_equal, NULL));
}

static void
test_nobody_answers (void)
{
  g_autoptr(CtlResult) result = NULL;

  if (skip_without_bwrap ())
    return;
  reset ();
  answer = NULL;
  result = sandboxed (APP_A, "GetAccessToken");
  g_assert_nonnull (strstr (result->err, DENIED));
  g_assert_nonnull (strstr (result->err, "Nobody answered"));
  /* Nothing was decided: asked again next time. */
  g_assert_null (store_entry ());
  for (guint i = 0; i < held->len; i++)
    lanyard_dbus_consent_prompt_complete_ask (prompt, g_ptr_array_index (held, i), "unanswered");
  g_ptr_array_set_size (held, 0);
  outstanding = 0;
}

/* Nobody has the window's name: the bus starts the real window, which
 * finds no display and exits. */
static void
test_no_display (void)
{
  g_autoptr(CtlResult) result = NULL;

  if (skip_without_bwrap ())
    return;
  reset ();
  prompt_down ();
  result = sandboxed (APP_A, "GetAccessToken");
  g_test_message ("%s", result->err);
  prompt_up ();
  g_assert_nonnull (strstr (result->err, DENIED));
  g_assert_nonnull (strstr (result->err, "display"));
  g_assert_cmpuint (n_asked, ==, 0);
}

static void
test_unlink_forgets (void)
{
  g_autoptr(CtlResult) token = NULL;
  g_autoptr(CtlResult) unlinked = NULL;
  g_autoptr(GVariant) entry = NULL;

  if (skip_without_bwrap ())
    return;
  reset ();
  token = sandboxed (APP_A, "GetAccessToken");
  g_assert_cmpint (token->status, ==, 0);
  entry = store_entry ();
  g_assert_nonnull (entry);
  unlinked = ctl ("unlink", KEY, NULL);
  g_assert_cmpint (unlinked->status, ==, 0);
  /* The daemon deletes it as the account goes; wait for the store. */
  for (guint i = 0; i < 200 && entry != NULL; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_clear_pointer (&entry, g_variant_unref);
      entry = store_entry ();
    }
  g_assert_null (entry);
  {
    g_autoptr(CtlResult) relinked = link_with_ctl ("work");
    g_assert_cmpint (relinked->status, ==, 0);
  }
}

static void
test_no_store (void)
{
  g_autoptr(CtlResult) result = NULL;

  if (skip_without_bwrap ())
    return;
  reset ();
  store_down ();
  result = sandboxed (APP_A, "GetAccessToken");
  store_up ();
  g_assert_nonnull (strstr (result->err, DENIED));
  g_assert_nonnull (strstr (result->err, "permission store"));
  g_assert_cmpuint (n_asked, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const char *env[] = { "LANYARD_CONSENT_TIMEOUT=3", NULL };
  int         status;

  g_test_init (&argc, &argv, NULL);
  {
    g_autofree char *bwrap = g_find_program_in_path ("bwrap");
    have_bwrap = bwrap != NULL && g_file_test ("/usr/libexec/xdg-permission-store", G_FILE_TEST_IS_EXECUTABLE);
  }
  asked_apps = g_ptr_array_new_with_free_func (g_free);
  held = g_ptr_array_new_with_free_func (g_object_unref);

  /* The bus can start the real window (D-Bus activation), as a session
   * would, but with no display to show it on. */
  harness.home = g_dir_make_tmp ("lanyard-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  service_dir = g_dir_make_tmp ("lanyard-services-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autofree char *service = g_strdup_printf ("[D-BUS Service]\nName=%s\nExec=/usr/bin/env -u DISPLAY -u WAYLAND_DISPLAY "
                                                "GDK_BACKEND=x11 GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=%s %s "
                                                "--gapplication-service\n",
                                                APPLICATION_ID, LANYARD_TEST_SCHEMA_DIR, LANYARD_TEST_APP);
    g_autofree char *file = g_strdup_printf ("%s/%s.service", service_dir, APPLICATION_ID);

    g_assert_true (g_file_set_contents (file, service, -1, NULL));
  }
  harness.bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_add_service_dir (harness.bus, service_dir);
  g_test_dbus_up (harness.bus);
  keyring_harness_start_keyring (&harness);
  store_home = g_dir_make_tmp ("lanyard-store-XXXXXX", &error);
  g_assert_no_error (error);
  info_dir = g_dir_make_tmp ("lanyard-info-XXXXXX", &error);
  g_assert_no_error (error);
  if (have_bwrap)
    store_up ();
  prompt_up ();
  fake = fake_provider_new ();
  daemon_start (&daemon_process, fake, env);
  {
    g_autoptr(CtlResult) linked = link_with_ctl ("work");
    g_assert_cmpint (linked->status, ==, 0);
  }

  g_test_add_func ("/Lanyard/Consent/allow", test_allow);
  g_test_add_func ("/Lanyard/Consent/deny", test_deny);
  g_test_add_func ("/Lanyard/Consent/permission-set", test_permission_set);
  g_test_add_func ("/Lanyard/Consent/request-access-then-revoke", test_request_access_then_revoke);
  g_test_add_func ("/Lanyard/Consent/two-apps-in-turn", test_two_apps_in_turn);
  g_test_add_func ("/Lanyard/Consent/nobody-answers", test_nobody_answers);
  g_test_add_func ("/Lanyard/Consent/no-display", test_no_display);
  g_test_add_func ("/Lanyard/Consent/unlink-forgets", test_unlink_forgets);
  g_test_add_func ("/Lanyard/Consent/no-store", test_no_store);

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  prompt_down ();
  store_down ();
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  /* After the bus, which watches the service directory. */
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s' '%s' '%s'", store_home, info_dir, service_dir);
    g_assert_cmpint (system (command), ==, 0);
  }
  g_free (store_home);
  g_free (service_dir);
  g_free (info_dir);
  g_ptr_array_unref (asked_apps);
  g_ptr_array_unref (held);
  return status;
}
