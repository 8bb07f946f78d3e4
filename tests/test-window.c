/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window for real, under Xvfb: a real daemon on a private bus with a
 * real gnome-keyring, providers played by the fake provider and the demo
 * provider, WebKitGTK loading their pages. Screenshots go to the build
 * directory (used in the README). */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <webkit/webkit.h>

#include "daemon-harness.h"
#include "lanyard-application.h"
#include "lanyard-signin-dialog.h"
#include "lanyard-window.h"

static KeyringHarness      harness;
static FakeProvider       *fake;
static Daemon              daemon_process;
static LanyardApplication *application;
static LanyardWindow      *window;
static char               *launched_uri;

static void
recording_launcher (GtkWindow  *parent,
                    const char *uri)
{
  g_free (launched_uri);
  launched_uri = g_strdup (uri);
}

static gboolean
wait_for (gboolean (*condition) (gpointer),
          gpointer data,
          guint    seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  return TRUE;
}

static gboolean
window_ready (gpointer data)
{
  return lanyard_window_is_ready (window);
}

static gboolean
has_accounts (gpointer data)
{
  return lanyard_window_get_n_accounts (window) == GPOINTER_TO_UINT (data);
}

static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "screenshots", name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  GskRenderer     *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int              width, height;

  /* A few frames, so that what is shown is drawn. */
  for (guint i = 0; i < 50 || gtk_widget_get_width (widget) == 0; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

static LanyardSigninDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (LANYARD_IS_SIGNIN_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return LANYARD_SIGNIN_DIALOG (item);
    }
  return NULL;
}

static gboolean
dialog_gone (gpointer data)
{
  return find_dialog () == NULL;
}

static gboolean
dialog_on_page (gpointer data)
{
  LanyardSigninDialog *dialog = find_dialog ();
  return dialog != NULL && g_strcmp0 (lanyard_signin_dialog_get_page (dialog), data) == 0;
}

static gboolean
web_view_loaded (gpointer data)
{
  LanyardSigninDialog *dialog = find_dialog ();
  GtkWidget           *view = dialog != NULL ? lanyard_signin_dialog_get_web_view (dialog) : NULL;

  return view != NULL && !webkit_web_view_is_loading (WEBKIT_WEB_VIEW (view)) &&
    webkit_web_view_get_uri (WEBKIT_WEB_VIEW (view)) != NULL &&
    g_str_has_prefix (webkit_web_view_get_uri (WEBKIT_WEB_VIEW (view)), data);
}

static void
activate (const char *action,
          const char *target)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), action, g_variant_new_string (target));
}

static gboolean
window_shows_text (GtkWidget  *widget,
                   const char *text)
{
  const char *shown = NULL;

  if (GTK_IS_LABEL (widget))
    shown = gtk_label_get_label (GTK_LABEL (widget));
  else if (ADW_IS_PREFERENCES_GROUP (widget))
    shown = adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget));
  if (g_strcmp0 (shown, text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (window_shows_text (child, text))
      return TRUE;
  return FALSE;
}

/* Run twice: in English with the other tests, and alone with LANGUAGE=de
 * (the window-de test), where the window must speak German. */
static void
test_translated (void)
{
  const char *language = g_getenv ("LANGUAGE");
  const char *linked = "Linked Accounts";
  const char *none = "No Linked Accounts";

  if (language != NULL && g_str_has_prefix (language, "de"))
    {
      linked = "Verknüpfte Konten";
      none = "Keine verknüpften Konten";
    }
  else if (language != NULL && g_str_has_prefix (language, "fr"))
    {
      linked = "Comptes liés";
      none = "Aucun compte lié";
    }
  g_assert_true (wait_for (window_ready, NULL, 20));
  g_test_message ("LANGUAGE=%s: expecting “%s”", language ? language : "", linked);
  g_assert_true (window_shows_text (GTK_WIDGET (window), linked));
  g_assert_true (window_shows_text (GTK_WIDGET (window), none));
  if (language != NULL && language[0] != '\0')
    screenshot (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)), "window-translated.png");
}

static const char *
row_icon_name (GtkWidget *widget)
{
  if (GTK_IS_IMAGE (widget))
    return gtk_image_get_icon_name (GTK_IMAGE (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *name = row_icon_name (child);

      if (name != NULL)
        return name;
    }
  return NULL;
}

/* Each provider type shows Lanyard's own icon, and the icon is found (in
 * the application's resources), not a missing-image placeholder. */
static void
assert_provider_icon (const char *provider_id,
                      const char *icon)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));

  g_assert_cmpstr (row_icon_name (lanyard_window_find_provider_row (window, provider_id)), ==, icon);
  g_assert_true (gtk_icon_theme_has_icon (theme, icon));
}

static void
test_lists_providers_and_accounts (void)
{
  GtkWidget *broken;

  g_assert_true (wait_for (window_ready, NULL, 20));
  g_assert_nonnull (lanyard_window_find_provider_row (window, "work"));
  g_assert_nonnull (lanyard_window_find_provider_row (window, "demo-github"));
  broken = lanyard_window_find_provider_row (window, "broken");
  g_assert_nonnull (broken);
  /* A misconfigured provider says why, in its row. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (broken)), "must use https://"));
  g_assert_cmpuint (lanyard_window_get_n_accounts (window), ==, 0);
  assert_provider_icon ("work", "lanyard-provider-gitlab-symbolic");
  assert_provider_icon ("hub", "lanyard-provider-github-symbolic");
  assert_provider_icon ("goog", "lanyard-provider-google-symbolic");
  screenshot (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)), "window-empty.png");
}

static void
test_account_linked_elsewhere_appears (void)
{
  g_autoptr(CtlResult) linked = link_with_ctl ("hub");

  g_assert_cmpint (linked->status, ==, 0);
  g_assert_true (wait_for (has_accounts, GUINT_TO_POINTER (1), 10));
}

/* What a click on the daemon's "sign in again" notification does: the
 * application's show-account action focuses that account's row. */
static void
test_show_account_action (void)
{
  g_autofree char *path = daemon_account_path ("hub:583231");
  GtkWidget       *row = lanyard_window_find_account_row (window, path);

  g_assert_nonnull (row);
  gtk_widget_grab_focus (GTK_WIDGET (lanyard_window_find_provider_row (window, "work")));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) != row);
  g_action_group_activate_action (G_ACTION_GROUP (application), "show-account", g_variant_new_object_path (path));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) == row);
  g_assert_true (gtk_widget_has_css_class (row, "highlighted"));
}

static gboolean
avatar_cached (gpointer data)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), LANYARD_USER_DIR_NAME, "avatars", NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);

  return listing != NULL && g_dir_read_name (listing) != NULL;
}

#define MARKUP_NAME "<b>Octo</b> & <span size='90000'>cat</span>"

static gboolean
row_titled (gpointer data)
{
  GtkWidget *row = lanyard_window_find_account_row (window, data);

  return row != NULL && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), MARKUP_NAME) == 0;
}

static gboolean
counted (gpointer data)
{
  return fake_provider_get_count (fake, data) > 0;
}

/* An avatar that never ends (one of 400 MB took the window to 618 MiB):
 * the download stops at 1 MiB, and nothing is cached. */
static void
test_endless_avatar (void)
{
  g_autofree char *userinfo = g_strdup_printf ("{\"id\":583231,\"login\":\"octocat\",\"avatar_url\":\"%s/avatars/endless\","
                                               "\"name\":\"%s\"}",
                                               fake_provider_get_base_url (fake), MARKUP_NAME);
  g_autoptr(CtlResult) linked = NULL;
  g_autofree char *path = NULL;
  GtkWidget       *row;

  fake_provider_set_raw_answer (fake, "userinfo", 200, "application/json", userinfo);
  linked = link_with_ctl ("hub");
  fake_provider_set_answer (fake, "userinfo", FAKE_ANSWER_NORMAL);
  g_assert_cmpint (linked->status, ==, 0);

  g_assert_true (wait_for (counted, (gpointer) "avatar", 10));
  g_assert_true (wait_for (counted, (gpointer) "avatar-closed", 10));
  g_test_message ("%u KiB sent before the window hung up", fake_provider_get_count (fake, "avatar-chunks") * 64);
  /* 1 MiB, and what the sockets' buffers held. */
  g_assert_cmpuint (fake_provider_get_count (fake, "avatar-chunks"), <, 16 * 1024 / 64);
  g_assert_false (avatar_cached (NULL));

  /* The provider's name for the account is text, not Pango markup (which
   * could restyle the window, or fail to parse and blank the row). */
  path = daemon_account_path ("hub:583231");
  g_assert_true (wait_for (row_titled, (gpointer) path, 10));
  row = lanyard_window_find_account_row (window, path);
  g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (row)));
}

static void
approve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (object), result, NULL);
}

static void
test_embedded_sign_in (void)
{
  LanyardSigninDialog *dialog;
  GtkWidget           *view;

  activate ("connect", "demo-github");
  g_assert_true (wait_for (dialog_on_page, (gpointer) "web", 20));
  dialog = find_dialog ();
  g_assert_true (wait_for (web_view_loaded, (gpointer) "http://127.0.0.1:", 30));
  screenshot (adw_window_get_content (ADW_WINDOW (dialog)), "signin-dialog.png");

  /* The person presses Approve on the provider's page. */
  view = lanyard_signin_dialog_get_web_view (dialog);
  webkit_web_view_evaluate_javascript (WEBKIT_WEB_VIEW (view),
                                       "document.querySelector('input[name=username]').value = 'ada';"
                                       "document.querySelector('button[value=approve]').click();",
                                       -1, NULL, NULL, NULL, approve_cb, NULL);

  /* The redirect reaches the daemon, the dialog closes, the account is
   * in the list. */
  g_assert_true (wait_for (dialog_gone, NULL, 30));
  g_assert_true (wait_for (has_accounts, GUINT_TO_POINTER (2), 10));

  /* The demo account's picture was downloaded once, into the cache. */
  g_assert_true (wait_for (avatar_cached, NULL, 10));
  screenshot (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)), "window-accounts.png");
}

static void
test_closing_the_dialog_cancels (void)
{
  LanyardSigninDialog *dialog;
  g_autofree char     *flow = NULL;
  gint64               end;

  activate ("connect", "demo-gitlab");
  g_assert_true (wait_for (dialog_on_page, (gpointer) "web", 20));
  dialog = find_dialog ();
  g_assert_true (wait_for (web_view_loaded, (gpointer) "http://127.0.0.1:", 30));
  flow = g_strdup (lanyard_signin_dialog_get_flow_path (dialog));

  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (dialog_gone, NULL, 10));

  /* The daemon's flow ended, cancelled. */
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(GVariant) status = daemon_get_property (flow, "io.github.lanyard.Flow", "Status");

      if (g_str_equal (g_variant_get_string (status, NULL), "failed"))
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static void
test_provider_error_page (void)
{
  LanyardSigninDialog *dialog;

  fake_provider_set_failure (fake, FAKE_FAIL_ACCESS_DENIED);
  activate ("connect", "work");
  g_assert_true (wait_for (dialog_on_page, (gpointer) "error", 30));
  dialog = find_dialog ();
  /* Words, never a D-Bus error name. */
  g_assert_nonnull (strstr (lanyard_signin_dialog_get_error (dialog), "Access was not granted at GitLab"));
  g_assert_null (strstr (lanyard_signin_dialog_get_error (dialog), "io.github.lanyard"));
  fake_provider_set_failure (fake, FAKE_FAIL_NONE);
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (dialog_gone, NULL, 10));
}

static void
test_page_cannot_load (void)
{
  LanyardSigninDialog *dialog;

  g_assert_nonnull (lanyard_window_find_provider_row (window, "down"));
  activate ("connect", "down");
  g_assert_true (wait_for (dialog_on_page, (gpointer) "error", 30));
  dialog = find_dialog ();
  g_assert_nonnull (strstr (lanyard_signin_dialog_get_error (dialog), "The sign-in page could not be loaded"));
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (dialog_gone, NULL, 10));
}

static void
test_system_browser_provider (void)
{
  g_autoptr(TestPage) page = NULL;

  lanyard_signin_dialog_set_uri_launcher (recording_launcher);
  activate ("connect", "goog");
  g_assert_true (wait_for (dialog_on_page, (gpointer) "browser", 20));
  g_assert_nonnull (launched_uri);
  g_assert_nonnull (strstr (launched_uri, "/google/authorize?"));
  g_assert_null (lanyard_signin_dialog_get_web_view (find_dialog ()));

  /* The person's browser does the rest. */
  page = test_browse ("GET", launched_uri);
  g_assert_true (wait_for (dialog_gone, NULL, 30));
  g_assert_true (wait_for (has_accounts, GUINT_TO_POINTER (3), 10));
  lanyard_signin_dialog_set_uri_launcher (NULL);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return ADW_MESSAGE_DIALOG (item);
    }
  return NULL;
}

static gboolean
message_dialog_shown (gpointer data)
{
  return find_message_dialog () != NULL;
}

static void
test_disconnect (void)
{
  g_autofree char  *path = daemon_account_path ("hub:583231");
  guint             before = lanyard_window_get_n_accounts (window);
  AdwMessageDialog *dialog;

  activate ("disconnect", path);
  g_assert_true (wait_for (message_dialog_shown, NULL, 5));
  dialog = find_message_dialog ();
  /* It says what will happen. */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "revoke"));
  adw_message_dialog_response (dialog, "disconnect");

  g_assert_true (wait_for (has_accounts, GUINT_TO_POINTER (before - 1), 10));
}

static gboolean
window_unreachable (gpointer data)
{
  return !lanyard_window_is_ready (window);
}

static void
test_daemon_goes_away_and_comes_back (void)
{
  daemon_stop (&daemon_process, SIGTERM);
  g_assert_true (wait_for (window_unreachable, NULL, 10));

  daemon_start (&daemon_process, fake, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (window), "reconnect", NULL);
  g_assert_true (wait_for (window_ready, NULL, 20));
  g_assert_nonnull (lanyard_window_find_provider_row (window, "work"));
}

int
main (int   argc,
      char *argv[])
{
  const char *env[] = {
    "LANYARD_DEMO=1",
    NULL,
    NULL,
    NULL,
  };
  g_autofree char *google = NULL;
  g_autofree char *google_env = NULL;
  g_autofree char *down_env = NULL;
  int              status;

  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));

  g_test_init (&argc, &argv, NULL);
  {
    /* Each run starts with no cached pictures. */
    g_autofree char *command = g_strdup_printf ("rm -rf '%s/lanyard'", g_get_user_cache_dir ());
    g_assert_cmpint (system (command), ==, 0);
  }
  keyring_harness_up (&harness, TRUE);
  /* GTestDBus unsets DISPLAY (against X11 bus autolaunch); the window
   * needs Xvfb's. */
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
  fake = fake_provider_new ();
  google = fake_provider_config (fake, "google");
  google_env = g_strconcat ("LANYARD_PROVIDER_GOOG=", google, NULL);
  env[1] = google_env;
  {
    /* A port nobody listens on: the sign-in page cannot load. */
    g_autoptr(GSocketListener) listener = g_socket_listener_new ();
    guint port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);

    g_socket_listener_close (listener);
    down_env = g_strdup_printf ("LANYARD_PROVIDER_DOWN=oauth2 client_id=x authorize_url=http://127.0.0.1:%u/authorize "
                                "token_url=http://127.0.0.1:%u/token userinfo_url=http://127.0.0.1:%u/me id_field=id "
                                "display_name=Unreachable",
                                port, port, port);
    env[2] = down_env;
  }
  daemon_start (&daemon_process, fake, env);

  /* The translations built in the build tree (po/), as installed ones
   * would be used. */
  bindtextdomain (GETTEXT_PACKAGE, LANYARD_TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_init ();
  adw_init ();
  application = lanyard_application_new ();
  g_application_register (G_APPLICATION (application), NULL, NULL);
  window = lanyard_window_new (application);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/Lanyard/Window/0-translated", test_translated);
  g_test_add_func ("/Lanyard/Window/1-lists-providers-and-accounts", test_lists_providers_and_accounts);
  g_test_add_func ("/Lanyard/Window/2-account-linked-elsewhere-appears", test_account_linked_elsewhere_appears);
  g_test_add_func ("/Lanyard/Window/2b-show-account-action", test_show_account_action);
  g_test_add_func ("/Lanyard/Window/2c-endless-avatar", test_endless_avatar);
  g_test_add_func ("/Lanyard/Window/3-embedded-sign-in", test_embedded_sign_in);
  g_test_add_func ("/Lanyard/Window/4-closing-the-dialog-cancels", test_closing_the_dialog_cancels);
  g_test_add_func ("/Lanyard/Window/5-provider-error-page", test_provider_error_page);
  g_test_add_func ("/Lanyard/Window/5b-page-cannot-load", test_page_cannot_load);
  g_test_add_func ("/Lanyard/Window/6-system-browser-provider", test_system_browser_provider);
  g_test_add_func ("/Lanyard/Window/7-disconnect", test_disconnect);
  g_test_add_func ("/Lanyard/Window/8-daemon-goes-away-and-comes-back", test_daemon_goes_away_and_comes_back);

  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&application);
  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  g_free (launched_uri);
  return status;
}
