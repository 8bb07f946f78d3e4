/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The daemon's notification when an account needs attention: once per
 * change of state, withdrawn when the account recovers or is unlinked, and
 * a click opens Lanyard at that account. The private test bus has no
 * notification server and no Lanyard window, so this test plays both on
 * its own connection and records what the real daemon asks of them. */

#include "config.h"

#include <string.h>

#include "daemon-harness.h"
#include "lanyard-token-store.h"

static KeyringHarness harness;
static FakeProvider  *fake;
static Daemon         daemon_process;

typedef struct
{
  guint32 id;
  char   *summary;
  char   *body;
  char   *desktop_entry;
  char  **actions;
} Notification;

static GPtrArray *notifications; /* of Notification, in order */
static GArray    *closed_ids; /* guint32 asked to close */
static GPtrArray *activations; /* "action path" strings */
/* When set, Notify is answered only when the test says so (a slow server). */
static gboolean               hold_notify_replies;
static GDBusMethodInvocation *held_reply;

static void
notification_free (gpointer data)
{
  Notification *n = data;

  g_free (n->summary);
  g_free (n->body);
  g_free (n->desktop_entry);
  g_strfreev (n->actions);
  g_free (n);
}

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "<signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "</interface>"
  "<interface name='org.freedesktop.Application'>"
  "<method name='ActivateAction'><arg type='s' direction='in'/><arg type='av' direction='in'/>"
  "<arg type='a{sv}' direction='in'/></method>"
  "</interface></node>";

static void
notifications_method (GDBusConnection       *connection,
                      const char            *sender,
                      const char            *path,
                      const char            *interface,
                      const char            *method,
                      GVariant              *parameters,
                      GDBusMethodInvocation *invocation,
                      gpointer               user_data)
{
  if (g_str_equal (method, "Notify"))
    {
      Notification *n = g_new0 (Notification, 1);
      g_autoptr(GVariant) hints = NULL;

      g_variant_get (parameters, "(&susss^as@a{sv}i)", NULL, NULL, NULL, &n->summary, &n->body, &n->actions, &hints,
                     NULL);
      g_variant_lookup (hints, "desktop-entry", "s", &n->desktop_entry);
      n->id = notifications->len + 100;
      g_ptr_array_add (notifications, n);
      if (hold_notify_replies)
        held_reply = invocation;
      else
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", n->id));
    }
  else if (g_str_equal (method, "CloseNotification"))
    {
      guint32 id;

      g_variant_get (parameters, "(u)", &id);
      g_array_append_val (closed_ids, id);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", (const char *[]){ "actions", NULL }));
}

static void
application_method (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *path,
                    const char            *interface,
                    const char            *method,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  const char *action;
  g_autoptr(GVariant) targets = NULL;
  g_autoptr(GVariant) platform = NULL;
  g_autoptr(GVariant) target = NULL;

  g_variant_get (parameters, "(&s@av@a{sv})", &action, &targets, &platform);
  g_assert_cmpuint (g_variant_n_children (targets), ==, 1);
  target = g_variant_get_child_value (targets, 0);
  {
    g_autoptr(GVariant) inner = g_variant_get_variant (target);

    g_assert_true (g_variant_is_of_type (inner, G_VARIANT_TYPE_OBJECT_PATH));
    g_ptr_array_add (activations, g_strdup_printf ("%s %s", action, g_variant_get_string (inner, NULL)));
  }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
play_server_and_application (void)
{
  GDBusConnection *connection = daemon_connection ();
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  const GDBusInterfaceVTable notifications_vtable = { notifications_method, NULL, NULL, { 0 } };
  const GDBusInterfaceVTable application_vtable = { application_method, NULL, NULL, { 0 } };
  g_auto(GStrv) parts = g_strsplit (APPLICATION_ID, ".", -1);
  g_autofree char *joined = g_strjoinv ("/", parts);
  g_autofree char *app_path = g_strconcat ("/", joined, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) owned = NULL;

  g_dbus_connection_register_object (connection, "/org/freedesktop/Notifications", info->interfaces[0],
                                     &notifications_vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (connection, app_path, info->interfaces[1], &application_vtable, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      owned = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "RequestName",
                                           g_variant_new ("(su)", i == 0 ? "org.freedesktop.Notifications" : APPLICATION_ID,
                                                          0),
                                           G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
      g_assert_no_error (error);
      g_clear_pointer (&owned, g_variant_unref);
    }
}

static gboolean
wait_until (guint *counter,
            guint  at_least)
{
  for (guint i = 0; i < 400; i++)
    {
      if (*counter >= at_least)
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  return FALSE;
}

/* Lets the daemon do whatever it would do; for "nothing happened". */
static void
settle (void)
{
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

/* The notification must not carry the account's tokens: read them from the
 * keyring (still there after invalid_grant) and look for them. */
static void
assert_no_token_in (const char *text)
{
  g_autoptr(LanyardTokenStore) store = lanyard_token_store_new ();
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  lanyard_token_store_load_async (store, "work", "4242", NULL, test_store_result, &result);
  tokens = lanyard_token_store_load_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_null (strstr (text, lanyard_token_set_get_access_token (tokens)));
  if (lanyard_token_set_get_refresh_token (tokens) != NULL)
    g_assert_null (strstr (text, lanyard_token_set_get_refresh_token (tokens)));
}

static void
make_it_need_attention (void)
{
  g_autofree char *path = daemon_account_path ("work:4242");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  fake_provider_set_failure (fake, FAKE_FAIL_TOKEN_INVALID_GRANT);
  reply = daemon_call (path, "io.github.lanyard.Account", "GetAccessToken", NULL, G_VARIANT_TYPE ("(sx)"), &error);
  g_assert_null (reply);
  fake_provider_set_failure (fake, FAKE_FAIL_NONE);
}

static void
test_once_per_state (void)
{
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(CtlResult) primary = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  Notification    *n;

  /* Tokens that expire at once, so that the next call must refresh. */
  fake_provider_set_expires_in (fake, 30);
  linked = link_with_ctl ("work");
  fake_provider_set_expires_in (fake, 3600);
  g_assert_cmpint (linked->status, ==, 0);
  settle ();
  g_assert_cmpuint (notifications->len, ==, 0);

  make_it_need_attention ();
  g_assert_true (wait_until (&notifications->len, 1));
  n = notifications->pdata[0];
  /* Says which account, in words, and opens Lanyard. */
  g_assert_nonnull (strstr (n->summary, "again"));
  g_assert_nonnull (strstr (n->summary, " on "));
  g_assert_cmpstr (n->desktop_entry, ==, APPLICATION_ID);
  g_assert_true (g_strv_contains ((const char *const *) n->actions, "default"));
  g_assert_cmpstr (n->body, !=, "");
  assert_no_token_in (n->summary);
  assert_no_token_in (n->body);

  /* Still failing, or another property changing (it becomes the primary
   * account): the same state, no second notification. */
  make_it_need_attention ();
  primary = ctl ("primary", "work:4242", NULL);
  g_assert_cmpint (primary->status, ==, 0);
  settle ();
  g_assert_cmpuint (notifications->len, ==, 1);

  /* A click opens Lanyard at the account. */
  path = daemon_account_path ("work:4242");
  g_dbus_connection_emit_signal (daemon_connection (), NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked", g_variant_new ("(us)", n->id, "default"),
                                 NULL);
  g_assert_true (wait_until (&activations->len, 1));
  expected = g_strdup_printf ("show-account %s", path);
  g_assert_cmpstr (activations->pdata[0], ==, expected);

  /* Signed in again: the notification is withdrawn. Short-lived tokens
   * again, for the next test. */
  g_clear_pointer (&linked, ctl_result_free);
  fake_provider_set_expires_in (fake, 30);
  linked = link_with_ctl ("work");
  fake_provider_set_expires_in (fake, 3600);
  g_assert_true (wait_until (&closed_ids->len, 1));
  g_assert_cmpuint (g_array_index (closed_ids, guint32, 0), ==, n->id);
}

static void
test_again_after_recovery_and_withdrawn_on_unlink (void)
{
  g_autoptr(CtlResult) unlinked = NULL;
  Notification *second;

  /* A new change of state: a new notification. */
  make_it_need_attention ();
  g_assert_true (wait_until (&notifications->len, 2));
  second = notifications->pdata[1];

  /* Another notification's click is not ours to act on. */
  g_dbus_connection_emit_signal (daemon_connection (), NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", second->id + 1000, "default"), NULL);
  settle ();
  g_assert_cmpuint (activations->len, ==, 1);

  unlinked = ctl ("unlink", "work:4242", NULL);
  g_assert_cmpint (unlinked->status, ==, 0);
  g_assert_true (wait_until (&closed_ids->len, 2));
  g_assert_cmpuint (g_array_index (closed_ids, guint32, 1), ==, second->id);
  g_assert_cmpuint (notifications->len, ==, 2);
}

/* The account recovers before a slow notification server has answered
 * Notify: the notification is withdrawn as soon as its id is known. */
static void
test_recovered_before_the_server_answered (void)
{
  g_autoptr(CtlResult) linked = NULL;
  Notification *n;

  fake_provider_set_expires_in (fake, 30);
  linked = link_with_ctl ("work");
  g_assert_cmpint (linked->status, ==, 0);
  hold_notify_replies = TRUE;
  make_it_need_attention ();
  g_assert_true (wait_until (&notifications->len, 3));
  g_assert_nonnull (held_reply);
  n = notifications->pdata[2];

  g_clear_pointer (&linked, ctl_result_free);
  linked = link_with_ctl ("work");
  fake_provider_set_expires_in (fake, 3600);
  settle ();
  g_assert_cmpuint (closed_ids->len, ==, 2);

  g_dbus_method_invocation_return_value (g_steal_pointer (&held_reply), g_variant_new ("(u)", n->id));
  hold_notify_replies = FALSE;
  g_assert_true (wait_until (&closed_ids->len, 3));
  g_assert_cmpuint (g_array_index (closed_ids, guint32, 2), ==, n->id);
}

/* Servers that render body-markup and body-hyperlinks would show the
 * provider's links inside a notification signed "Lanyard": whatever the
 * provider wrote goes into the body as text. */
static void
test_provider_text_is_escaped (void)
{
  g_autoptr(CtlResult) linked = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  Notification *n;
  guint         before = notifications->len;

  fake_provider_set_expires_in (fake, 30);
  linked = link_with_ctl ("work");
  fake_provider_set_expires_in (fake, 3600);
  g_assert_cmpint (linked->status, ==, 0);

  fake_provider_set_raw_answer (fake, "token", 400, "application/json",
                                "{\"error\":\"invalid_grant\",\"error_description\":"
                                "\"Session over. <a href=\\\"https://evil.example/login\\\">Sign in here</a> & <b>hurry</b>\"}");
  path = daemon_account_path ("work:4242");
  reply = daemon_call (path, "io.github.lanyard.Account", "GetAccessToken", NULL, G_VARIANT_TYPE ("(sx)"), &error);
  fake_provider_set_answer (fake, "token", FAKE_ANSWER_NORMAL);
  g_assert_null (reply);

  g_assert_true (wait_until (&notifications->len, before + 1));
  n = notifications->pdata[before];
  g_test_message ("body: %s", n->body);
  g_assert_null (strchr (n->body, '<'));
  g_assert_null (strchr (n->body, '>'));
  g_assert_nonnull (strstr (n->body, "&lt;a href=&quot;https://evil.example/login&quot;&gt;Sign in here&lt;/a&gt; &amp; &lt;b&gt;hurry&lt;/b&gt;"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  keyring_harness_up (&harness, TRUE);
  notifications = g_ptr_array_new_with_free_func (notification_free);
  closed_ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  activations = g_ptr_array_new_with_free_func (g_free);
  play_server_and_application ();
  fake = fake_provider_new ();
  daemon_start (&daemon_process, fake, NULL);

  /* In this order: the second continues from the first. */
  g_test_add_func ("/Lanyard/Notifications/1-once-per-state", test_once_per_state);
  g_test_add_func ("/Lanyard/Notifications/2-again-after-recovery-withdrawn-on-unlink",
                   test_again_after_recovery_and_withdrawn_on_unlink);
  g_test_add_func ("/Lanyard/Notifications/3-recovered-before-the-server-answered",
                   test_recovered_before_the_server_answered);
  g_test_add_func ("/Lanyard/Notifications/4-provider-text-is-escaped", test_provider_text_is_escaped);

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  keyring_harness_down (&harness);
  g_ptr_array_unref (notifications);
  g_array_unref (closed_ids);
  g_ptr_array_unref (activations);
  return status;
}
