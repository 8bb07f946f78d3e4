/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window for real, under Xvfb: a real daemon on a private bus with a
 * real gnome-keyring, providers played by the fake provider and the demo
 * provider, WebKitGTK loading their pages. Screenshots go to the build
 * directory (used in the README). */

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>
#include <gmodule.h>
#include <libsecret/secret.h>
#include <webkit/webkit.h>

#include "daemon-harness.h"
#include "lanyard-account-page.h"
#include "lanyard-account-row.h"
#include "lanyard-application.h"
#include "lanyard-device-dialog.h"
#include "lanyard-provider-row.h"
#include "lanyard-server-dialog.h"
#include "lanyard-signin-dialog.h"
#include "lanyard-window.h"

static KeyringHarness      harness;
static FakeProvider       *fake;
static Daemon              daemon_process;
static LanyardApplication *application;
static LanyardWindow      *window;
static char               *launched_uri;

static void
recording_launcher (GtkWindow          *parent,
                    const char         *uri,
                    GCancellable       *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (parent, cancellable, callback, user_data);

  g_free (launched_uri);
  launched_uri = g_strdup (uri);
  g_task_return_boolean (task, TRUE);
}

/* A desktop with no web browser at all. */
static void
failing_launcher (GtkWindow          *parent,
                  const char         *uri,
                  GCancellable       *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (parent, cancellable, callback, user_data);

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No application is registered as handling this file");
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

/* Widgets found the way a person finds them: by what they say. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
      (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0 ||
       g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), text) == 0))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
shows_text_containing (GtkWidget  *widget,
                       const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text_containing (child, text))
      return TRUE;
  return FALSE;
}

/* Read through GTK's accessibility API, as a screen reader gets it. */
static void
assert_accessible_label (GtkWidget  *widget,
                         const char *label)
{
  g_autofree char *mismatch = NULL;

  g_assert_nonnull (widget);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL));
  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  if (mismatch != NULL)
    g_error ("accessible label: %s, expected “%s”", mismatch, label);
}

static GtkWidget *
find_image (GtkWidget *widget)
{
  if (GTK_IS_IMAGE (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_image (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static int
minimum_width (GtkWidget *widget)
{
  int minimum = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return minimum;
}

static gboolean message_dialog_shown (gpointer data);
static char    *run_js (GtkWidget  *view,
                        const char *script);

/* As a click on a response button: the response, then the dialog closes. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_autoptr(AdwMessageDialog) held = g_object_ref (dialog); /* the response may destroy it */

  adw_message_dialog_response (held, response);
  gtk_window_destroy (GTK_WINDOW (held));
}

static AdwMessageDialog *find_message_dialog (void);

/* Run twice: in English with the other tests, and alone with LANGUAGE=de
 * (the window-de test), where the window must speak German. */
static void
test_translated (void)
{
  const char *language = g_getenv ("LANGUAGE");
  const char *linked = "Linked Accounts";
  const char *none = "No Linked Accounts";
  const char *not_set_up = "Not set up";
  const char *managed = "Managed";
  /* The daemon's words (src/core): why the provider is not set up. */
  const char *problem = "must use https://";

  if (language != NULL && g_str_has_prefix (language, "de"))
    {
      linked = "Verknüpfte Konten";
      none = "Keine verknüpften Konten";
      not_set_up = "Nicht eingerichtet";
      managed = "Verwaltet";
      problem = "muss https:// verwenden";
    }
  else if (language != NULL && g_str_has_prefix (language, "fr"))
    {
      linked = "Comptes liés";
      none = "Aucun compte lié";
      not_set_up = "Non configuré";
      managed = "Géré";
      problem = "doit utiliser https://";
    }
  g_assert_true (wait_for (window_ready, NULL, 20));
  g_test_message ("LANGUAGE=%s: expecting “%s”", language ? language : "", linked);
  g_assert_true (window_shows_text (GTK_WIDGET (window), linked));
  g_assert_true (window_shows_text (GTK_WIDGET (window), none));
  /* The new words of this window too (a misconfigured provider's row). */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (lanyard_window_find_provider_row (window, "broken"))),
                   ==, not_set_up);
  g_test_message ("The daemon says: %s",
                  lanyard_provider_row_get_problem (LANYARD_PROVIDER_ROW (lanyard_window_find_provider_row (window, "broken"))));
  g_assert_nonnull (strstr (lanyard_provider_row_get_problem (LANYARD_PROVIDER_ROW (lanyard_window_find_provider_row (window, "broken"))),
                            problem));
  /* The administrator's locked provider (a system file in
   * $XDG_CONFIG_DIRS) is tagged, the others are not. */
  g_assert_true (window_shows_text (lanyard_window_find_provider_row (window, "site"), managed));
  g_assert_false (window_shows_text (lanyard_window_find_provider_row (window, "work"), managed));
  if (language != NULL && language[0] != '\0')
    {
      /* window-de.png, window-fr.png: the runs may go at the same time. */
      g_autofree char *name = g_strdup_printf ("window-%.2s.png", language);

      screenshot (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)), name);
    }
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
  GtkWidget        *broken;
  GtkWidget        *connect;
  GtkWidget        *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  GtkIconTheme     *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));
  AdwMessageDialog *details;

  g_assert_true (wait_for (window_ready, NULL, 20));
  g_assert_nonnull (lanyard_window_find_provider_row (window, "work"));
  g_assert_nonnull (lanyard_window_find_provider_row (window, "demo-github"));

  broken = lanyard_window_find_provider_row (window, "broken");
  g_assert_nonnull (broken);
  /* A misconfigured provider says "Not set up" in the list; its
   * configuration error is one click away. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (broken)), ==, "Not set up");
  g_assert_false (gtk_widget_has_css_class (broken, "dim-label"));
  activate ("provider-problem", "broken");
  g_assert_true (wait_for (message_dialog_shown, NULL, 5));
  details = find_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (details), "must use https://"));
  respond (details, "close");
  g_assert_cmpuint (lanyard_window_get_n_accounts (window), ==, 0);
  assert_provider_icon ("work", "lanyard-provider-gitlab-symbolic");
  assert_provider_icon ("hub", "lanyard-provider-github-symbolic");
  assert_provider_icon ("goog", "lanyard-provider-google-symbolic");
  /* A self-hosted GitLab shows its server (the fake provider's). */
  {
    g_autoptr(GUri) base = g_uri_parse (fake_provider_get_base_url (fake), G_URI_FLAGS_NONE, NULL);
    g_autofree char *server = g_strdup_printf ("%s:%d", g_uri_get_host (base), g_uri_get_port (base));
    GtkWidget       *work = lanyard_window_find_provider_row (window, "work");

    g_assert_cmpstr (lanyard_provider_row_get_server (LANYARD_PROVIDER_ROW (work)), ==, server);
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (work)), server));
  }
  /* Each demo wears the logo of the provider it plays, tagged "Demo". */
  assert_provider_icon ("demo-github", "lanyard-provider-github-symbolic");
  assert_provider_icon ("demo-gitlab", "lanyard-provider-gitlab-symbolic");
  g_assert_true (window_shows_text (lanyard_window_find_provider_row (window, "demo-github"), "Demo"));

  /* Through the accessibility API: the logo is decoration (the title
   * names the provider), the button says "Connect" once, no underscore. */
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (find_image (lanyard_window_find_provider_row (window, "work"))),
                                   GTK_ACCESSIBLE_ROLE_PRESENTATION);
  connect = find_button (lanyard_window_find_provider_row (window, "work"), "_Connect");
  assert_accessible_label (connect, "Connect");

  /* F1 is help, which Lanyard does not have: it does not open About. */
  {
    g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application), "app.about");

    g_assert_cmpuint (g_strv_length (accels), ==, 0);
  }
  /* The About window's icon is found (in the resources). */
  g_assert_true (gtk_icon_theme_has_icon (theme, APPLICATION_ID));
  /* A phone-sized screen (360 px wide) holds the window. */
  g_assert_cmpint (minimum_width (GTK_WIDGET (window)), <=, 360);
  /* The empty state is a status page, the providers its content. */
  g_assert_cmpstr (lanyard_window_get_page (window), ==, "empty");
  g_assert_true (gtk_widget_get_ancestor (lanyard_window_find_provider_row (window, "work"), ADW_TYPE_STATUS_PAGE) != NULL);
  g_assert_true (window_shows_text (content, "No Linked Accounts"));
  screenshot (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)), "window-empty.png");
}

static void
test_account_linked_elsewhere_appears (void)
{
  g_autoptr(CtlResult) linked = link_with_ctl ("hub");

  g_assert_cmpint (linked->status, ==, 0);
  g_assert_true (wait_for (has_accounts, GUINT_TO_POINTER (1), 10));
  g_assert_cmpstr (lanyard_window_get_page (window), ==, "main");
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

static gboolean
is_primary (gpointer data)
{
  g_autoptr(GVariant) primary = daemon_get_property (data, "io.github.lanyard.Account", "Primary");

  return g_variant_get_boolean (primary);
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
  g_autoptr(CtlResult) relinked = NULL;
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

  /* Toasts name the account too, and are markup: the name is escaped
   * (unescaped, "&" fails to parse, a fatal warning here). */
  activate ("make-primary", path);
  g_assert_true (wait_for (is_primary, path, 10));
  for (guint i = 0; i < 20; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }

  /* The usual name again, for the screenshots that follow. */
  relinked = link_with_ctl ("hub");
  g_assert_cmpint (relinked->status, ==, 0);
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
  /* A title for the window manager and screen readers; fits a phone. */
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (dialog)), "Sign In to "));
  g_assert_cmpint (minimum_width (GTK_WIDGET (dialog)), <=, 360);

  view = lanyard_signin_dialog_get_web_view (dialog);
  /* The demo page's controls follow the dark style; Approve is the
   * suggested answer. */
  {
    g_autofree char *scheme = run_js (view, "getComputedStyle (document.documentElement).colorScheme");
    g_autofree char *approve = run_js (view, "document.querySelector ('button[value=approve]').className");

    g_assert_cmpstr (scheme, ==, "light dark");
    g_assert_cmpstr (approve, ==, "suggested");
  }

  /* The person presses Approve on the provider's page. */
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

static LanyardDeviceDialog *
find_device_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (LANYARD_IS_DEVICE_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return LANYARD_DEVICE_DIALOG (item);
    }
  return NULL;
}

static gboolean
device_dialog_on_page (gpointer data)
{
  LanyardDeviceDialog *dialog = find_device_dialog ();

  return dialog != NULL && g_strcmp0 (lanyard_device_dialog_get_page (dialog), data) == 0;
}

static gboolean
device_dialog_gone (gpointer data)
{
  return find_device_dialog () == NULL;
}

static char *
flow_string (const char *flow,
             const char *name)
{
  g_autoptr(GVariant) value = daemon_get_property (flow, "io.github.lanyard.Flow", name);

  return g_variant_dup_string (value, NULL);
}

static void
clipboard_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static gboolean
text_read (gpointer data)
{
  return *(char **) data != NULL;
}

/* "Sign In on Another Device": offered only where the provider can; the
 * code in large type, copied by its button, the address, a QR code and the
 * time left; approved on "another device" (the demo's page, fetched here),
 * the dialog closes and the account is there. Closing it cancels. */
static void
test_sign_in_on_another_device (void)
{
  LanyardDeviceDialog *dialog;
  guint                accounts = lanyard_window_get_n_accounts (window);
  g_autofree char     *flow = NULL;
  g_autofree char     *code = NULL;
  g_autofree char     *complete = NULL;
  g_autofree char     *uri = NULL;
  g_autofree char     *copied = NULL;
  g_autofree char     *approve = NULL;
  g_autoptr(TestPage) page = NULL;
  GdkPaintable *qr;

  g_assert_true (lanyard_provider_row_get_offers_device (LANYARD_PROVIDER_ROW (lanyard_window_find_provider_row (window, "demo-github"))));
  /* A self-managed GitLab that did not say it has the device grant. */
  g_assert_false (lanyard_provider_row_get_offers_device (LANYARD_PROVIDER_ROW (lanyard_window_find_provider_row (window, "work"))));
  g_assert_nonnull (find_button (lanyard_window_find_provider_row (window, "demo-github"), "_Connect"));

  activate ("connect-device", "demo-github");
  g_assert_true (wait_for (device_dialog_on_page, (gpointer) "code", 20));
  dialog = find_device_dialog ();
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Sign In to GitHub (Demo) on Another Device");
  g_assert_cmpint (minimum_width (GTK_WIDGET (dialog)), <=, 360);

  flow = g_strdup (lanyard_device_dialog_get_flow_path (dialog));
  code = flow_string (flow, "UserCode");
  uri = flow_string (flow, "VerificationUri");
  complete = flow_string (flow, "VerificationUriComplete");
  g_assert_cmpstr (lanyard_device_dialog_get_code (dialog), ==, code);
  g_assert_cmpstr (lanyard_device_dialog_get_uri (dialog), ==, uri);
  g_assert_true (window_shows_text (GTK_WIDGET (dialog), code));
  g_assert_true (g_str_has_prefix (lanyard_device_dialog_get_remaining (dialog), "The code expires in "));
#if HAVE_QRENCODE
  qr = lanyard_device_dialog_get_qr_code (dialog);
  g_assert_nonnull (qr);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (qr), >=, 21 * 8);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (qr), ==, gdk_paintable_get_intrinsic_height (qr));
#else
  (void) qr;
#endif

  lanyard_device_dialog_copy_code (dialog);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), NULL, clipboard_read_cb, &copied);
  g_assert_true (wait_for (text_read, &copied, 5));
  g_assert_cmpstr (copied, ==, code);
  screenshot (adw_window_get_content (ADW_WINDOW (dialog)), "device-dialog.png");

  /* On the other device: the code is in the QR code's address. */
  approve = g_strdup_printf ("%s&username=grace&decision=approve", complete);
  page = test_browse ("GET", approve);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (wait_for (device_dialog_gone, NULL, 20));
  g_assert_true (wait_for (has_accounts, GUINT_TO_POINTER (accounts + 1), 10));

  /* Closing the dialog cancels the sign-in at the daemon. */
  activate ("connect-device", "demo-gitlab");
  g_assert_true (wait_for (device_dialog_on_page, (gpointer) "code", 20));
  dialog = find_device_dialog ();
  g_free (flow);
  flow = g_strdup (lanyard_device_dialog_get_flow_path (dialog));
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (device_dialog_gone, NULL, 10));
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    for (;;)
      {
        g_autofree char *status = flow_string (flow, "Status");

        if (g_str_equal (status, "failed"))
          break;
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
  }
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

/* A denial is the person's choice: said so, without protocol words; the
 * finished flow's buttons are insensitive; Try Again is a new sign-in. */
static void
test_provider_error_page (void)
{
  LanyardSigninDialog *dialog;
  GtkWidget           *content;
  GtkWidget           *retry;

  fake_provider_set_failure (fake, FAKE_FAIL_ACCESS_DENIED);
  activate ("connect", "work");
  g_assert_true (wait_for (dialog_on_page, (gpointer) "error", 30));
  dialog = find_dialog ();
  content = adw_window_get_content (ADW_WINDOW (dialog));
  g_assert_cmpstr (lanyard_signin_dialog_get_error_title (dialog), ==, "Access Not Granted");
  g_assert_nonnull (strstr (lanyard_signin_dialog_get_error (dialog), "You did not give Lanyard access to your GitLab"));
  /* Words, never a D-Bus error name nor an OAuth code. */
  g_assert_null (strstr (lanyard_signin_dialog_get_error (dialog), "io.github.lanyard"));
  g_assert_null (strstr (lanyard_signin_dialog_get_error (dialog), "access_denied"));
  g_assert_false (shows_text_containing (content, "Sign-In Failed"));
  /* The text names the button there is. */
  g_assert_nonnull (strstr (lanyard_signin_dialog_get_error (dialog), "“Try Again”"));
  retry = find_button (content, "_Try Again");
  assert_accessible_label (retry, "Try Again");
  g_assert_false (gtk_widget_get_sensitive (find_button (content, "Open in Browser")));
  g_assert_false (gtk_widget_get_sensitive (find_button (content, "Copy Link")));
  screenshot (content, "signin-denied.png");

  fake_provider_set_failure (fake, FAKE_FAIL_NONE);
  /* The fake provider approves at once: the new attempt links GitLab. */
  gtk_widget_activate (retry);
  g_assert_true (wait_for (dialog_gone, NULL, 30));
  g_assert_true (wait_for (has_accounts, GUINT_TO_POINTER (3), 10));
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
  g_assert_true (wait_for (has_accounts, GUINT_TO_POINTER (4), 10));
  lanyard_signin_dialog_set_uri_launcher (NULL);
}

static LanyardAccountRow *
find_row_of_provider (GtkWidget  *widget,
                      const char *provider)
{
  if (LANYARD_IS_ACCOUNT_ROW (widget) &&
      g_strcmp0 (lanyard_dbus_account_get_provider_id (lanyard_account_row_get_account (LANYARD_ACCOUNT_ROW (widget))),
                 provider) == 0)
    return LANYARD_ACCOUNT_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      LanyardAccountRow *found = find_row_of_provider (child, provider);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The row of the (only) account at that provider. */
static LanyardAccountRow *
account_row (const char *provider)
{
  LanyardAccountRow *row = find_row_of_provider (GTK_WIDGET (window), provider);

  g_assert_nonnull (row);
  return row;
}

static gboolean
tag_shown (gpointer data)
{
  return gtk_widget_get_visible (lanyard_account_row_get_primary_tag (account_row (data)));
}

static gboolean
tag_hidden (gpointer data)
{
  return !tag_shown (data);
}

/* The only account is the current identity every app gets: the window
 * says so, without the account being marked Primary. */
static void
test_primary_follows_current_identity (void)
{
  g_autofree char *path = daemon_account_path ("hub:583231");
  g_autoptr(GVariant) primary = daemon_get_property (path, "io.github.lanyard.Account", "Primary");

  g_assert_false (g_variant_get_boolean (primary));
  g_assert_true (wait_for (tag_shown, (gpointer) "hub", 10));
  /* A tag, not a button. */
  g_assert_false (GTK_IS_BUTTON (lanyard_account_row_get_primary_tag (account_row ("hub"))));
}

/* After the second account: the tag stays where CurrentIdentity is, and
 * moves when another account is made primary. */
static void
test_make_primary_moves_the_tag (void)
{
  g_assert_true (tag_shown ((gpointer) "hub"));
  g_assert_true (tag_hidden ((gpointer) "demo-github"));
  activate ("make-primary", lanyard_account_row_get_path (account_row ("demo-github")));
  g_assert_true (wait_for (tag_shown, (gpointer) "demo-github", 10));
  g_assert_true (wait_for (tag_hidden, (gpointer) "hub", 10));
}

static gboolean
window_on_page (gpointer data)
{
  return g_strcmp0 (lanyard_window_get_page (window), data) == 0;
}

/* Clicking an account opens its page: who, where, since when, and what
 * can be done; Escape goes back to the list. */
static void
test_account_page (void)
{
  LanyardAccountRow  *row = account_row ("hub");
  LanyardAccountPage *page = LANYARD_ACCOUNT_PAGE (lanyard_window_get_account_page (window));
  GtkWidget          *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));

  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (row)), "row-activated", row);
  g_assert_true (wait_for (window_on_page, (gpointer) "account", 5));
  g_assert_true (lanyard_account_page_get_account (page) == lanyard_account_row_get_account (row));
  for (guint i = 0; i < 30; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_true (shows_text_containing (content, "octocat"));
  g_assert_true (shows_text_containing (content, "Connected"));
  g_assert_true (shows_text_containing (content, "Today at"));
  g_assert_true (shows_text_containing (content, "Access Token"));
  /* When the tokens were last renewed, and what GitHub granted (the fake
   * grants what was asked for: Lanyard's GitHub scopes), from the bus. */
  g_assert_true (shows_text_containing (content, "Last Renewed"));
  g_assert_true (shows_text_containing (content, "Permissions Granted"));
  g_assert_true (shows_text_containing (content, "read:user, user:email"));
  /* Not the current identity (the demo account is): Make Primary is
   * offered; Remove is there, destructive. */
  g_assert_true (gtk_widget_get_visible (lanyard_account_page_get_make_primary_button (page)));
  g_assert_true (gtk_widget_has_css_class (lanyard_account_page_get_remove_button (page), "destructive-action"));
  assert_accessible_label (lanyard_account_page_get_remove_button (page), "Remove Account");
  g_assert_nonnull (find_button (content, "Copy Account ID"));
  /* Without the toasts still queued from the tests before. */
  screenshot (adw_toast_overlay_get_child (ADW_TOAST_OVERLAY (content)), "window-account.png");

  activate ("show-account-page", lanyard_account_row_get_path (account_row ("demo-github")));
  g_assert_false (gtk_widget_get_visible (lanyard_account_page_get_make_primary_button (page)));

  g_action_group_activate_action (G_ACTION_GROUP (window), "back", NULL);
  g_assert_true (wait_for (window_on_page, (gpointer) "main", 5));
}

/* The last renewal in words, as the page says it. */
static void
test_account_page_refresh_words (void)
{
  gint64 now = 1800000000;
  struct
  {
    gint64      last_refresh;
    const char *words;
  } cases[] = {
    { 0, "Never" },
    { now - 5, "Just now" },
    { now + 30, "Just now" }, /* a clock set back */
    { now - 60, "1 minute ago" },
    { now - 125, "2 minutes ago" },
    { now - 3 * 3600 - 10, "3 hours ago" },
    { now - 3 * 86400, "3 days ago" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *words = lanyard_account_page_format_refresh (cases[i].last_refresh, now);

      g_assert_cmpstr (words, ==, cases[i].words);
    }
}

/* Keys through the X server (XTest), as a person types them: GTK routes
 * them to the focused web view, WebKit to the focused field. */
typedef int (*FakeKeyFunc) (Display *display, unsigned int keycode, int press, unsigned long delay);

static void
type_keys (const guint *keyvals,
           guint        n)
{
  static FakeKeyFunc fake_key;
  Display           *display = gdk_x11_display_get_xdisplay (gdk_display_get_default ());

  if (fake_key == NULL)
    {
      GModule *module = g_module_open ("libXtst.so.6", G_MODULE_BIND_LAZY);

      g_assert_nonnull (module);
      g_assert_true (g_module_symbol (module, "XTestFakeKeyEvent", (gpointer *) &fake_key));
      g_module_make_resident (module);
    }
  for (guint i = 0; i < n; i++)
    {
      unsigned int code = XKeysymToKeycode (display, keyvals[i]);

      fake_key (display, code, True, 0);
      fake_key (display, code, False, 0);
      XFlush (display);
      for (guint j = 0; j < 20; j++)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (10000);
        }
    }
}

static void
js_string_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **out = user_data;
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (object), result, NULL);

  *out = value != NULL ? jsc_value_to_string (value) : g_strdup ("");
}

static char *
run_js (GtkWidget  *view,
        const char *script)
{
  char  *out = NULL;
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  webkit_web_view_evaluate_javascript (WEBKIT_WEB_VIEW (view), script, -1, NULL, NULL, NULL, js_string_cb, &out);
  while (out == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (out);
  return out;
}

static gboolean
field_holds (gpointer data)
{
  GtkWidget       *view = lanyard_signin_dialog_get_web_view (find_dialog ());
  g_autofree char *value = run_js (view, "document.querySelector('input[name=username]').value");

  return g_strcmp0 (value, data) == 0;
}

static gboolean
message_dialog_gone (gpointer data)
{
  return !message_dialog_shown (data);
}

static gboolean
page_saw_escape (gpointer data)
{
  g_autofree char *seen = run_js (data, "String (window.escapeSeen === true)");

  return g_strcmp0 (seen, "true") == 0;
}

/* Escape while typing on the provider's page does not throw the typing
 * away: the window asks first. */
static void
test_escape_in_a_focused_field (void)
{
  const guint          letters[] = { GDK_KEY_a, GDK_KEY_d, GDK_KEY_a };
  const guint          escape[] = { GDK_KEY_Escape };
  LanyardSigninDialog *dialog;
  GtkWidget           *view;
  g_autofree char     *focused = NULL;

  activate ("connect", "demo-gitlab");
  g_assert_true (wait_for (dialog_on_page, (gpointer) "web", 20));
  dialog = find_dialog ();
  g_assert_true (wait_for (web_view_loaded, (gpointer) "http://127.0.0.1:", 30));
  view = lanyard_signin_dialog_get_web_view (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (view);
  focused = run_js (view, "document.querySelector('input[name=username]').focus();"
                          "document.activeElement.name");
  g_assert_cmpstr (focused, ==, "username");

  /* A page that uses Escape itself keeps it: the dialog stays. */
  g_free (run_js (view, "window.lanyardTest = function (e) { if (e.key === 'Escape') { e.preventDefault (); "
                        "window.escapeSeen = true; } };"
                        "document.addEventListener ('keydown', window.lanyardTest); 'ok'"));
  type_keys (escape, 1);
  g_assert_true (wait_for (page_saw_escape, view, 5));
  g_assert_true (find_dialog () == dialog);
  g_assert_false (message_dialog_shown (NULL));
  g_free (run_js (view, "document.removeEventListener ('keydown', window.lanyardTest); 'ok'"));

  type_keys (letters, G_N_ELEMENTS (letters));
  g_assert_true (wait_for (field_holds, (gpointer) "ada", 10));

  type_keys (escape, 1);
  g_assert_true (wait_for (message_dialog_shown, NULL, 5));
  /* Still there, still signing in. */
  g_assert_true (find_dialog () == dialog);
  g_assert_true (field_holds ((gpointer) "ada"));
  respond (find_message_dialog (), "continue");
  g_assert_true (wait_for (message_dialog_gone, NULL, 5));
  g_assert_true (find_dialog () == dialog);
  g_assert_cmpstr (lanyard_signin_dialog_get_page (dialog), ==, "web");

  /* Asked again, the person stops. */
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (message_dialog_shown, NULL, 5));
  respond (find_message_dialog (), "stop");
  g_assert_true (wait_for (dialog_gone, NULL, 10));
}

/* No web browser: the window says so, and the link can still be used. */
static void
test_no_browser (void)
{
  LanyardSigninDialog *dialog;
  GtkWidget           *content;

  lanyard_signin_dialog_set_uri_launcher (failing_launcher);
  activate ("connect", "goog");
  g_assert_true (wait_for (dialog_on_page, (gpointer) "no-browser", 20));
  dialog = find_dialog ();
  content = adw_window_get_content (ADW_WINDOW (dialog));
  g_assert_true (shows_text_containing (content, "could not open a web browser"));
  g_assert_true (gtk_widget_get_sensitive (find_button (content, "Copy Link")));
  /* Copy Link answers. */
  gtk_widget_activate (find_button (content, "_Copy Link"));
  for (guint i = 0; i < 20 && !shows_text_containing (content, "Link copied"); i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_true (shows_text_containing (content, "Link copied"));
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (dialog_gone, NULL, 10));
  lanyard_signin_dialog_set_uri_launcher (NULL);
}

/* The last toast, shown or waiting its turn. */
static gboolean
window_says (gpointer data)
{
  const char *said = lanyard_window_get_last_toast (window);

  return said != NULL && strstr (said, data) != NULL;
}

static gboolean
needs_attention_shown (gpointer data)
{
  LanyardAccountRow *row = LANYARD_ACCOUNT_ROW (lanyard_window_find_account_row (window, data));

  return row != NULL && gtk_widget_get_visible (lanyard_account_row_get_sign_in_button (row));
}

static gboolean
attention_cleared (gpointer data)
{
  return !needs_attention_shown (data);
}

/* An account whose grant was revoked: the reason is in the row, with a
 * Sign In… button, which signs in again to that account. */
static void
test_account_needs_attention (void)
{
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(GVariant) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char   *path = NULL;
  LanyardAccountRow *row;
  GtkWidget         *button;

  fake_provider_set_expires_in (fake, 30);
  linked = link_with_ctl ("work");
  g_assert_cmpint (linked->status, ==, 0);
  fake_provider_set_expires_in (fake, 3600);
  path = daemon_account_path ("work:4242");
  g_assert_true (wait_for (needs_attention_shown, path, 1) == FALSE);

  fake_provider_set_failure (fake, FAKE_FAIL_TOKEN_INVALID_GRANT);
  token = daemon_call (path, "io.github.lanyard.Account", "GetAccessToken", NULL, NULL, &error);
  g_assert_null (token);
  fake_provider_set_failure (fake, FAKE_FAIL_NONE);

  g_assert_true (wait_for (needs_attention_shown, path, 10));
  row = LANYARD_ACCOUNT_ROW (lanyard_window_find_account_row (window, path));
  /* The reason, in the row itself, not in a tooltip. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "no longer accepts"));
  /* Without the OAuth code (that is for the debug log). */
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "invalid_grant"));
  button = lanyard_account_row_get_sign_in_button (row);
  g_assert_true (gtk_widget_get_mapped (button));
  assert_accessible_label (button, "Sign In Again");
  screenshot (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)), "window-attention.png");

  /* Signing in again as the same account clears it, and says so. */
  gtk_widget_activate (button);
  g_assert_true (wait_for (attention_cleared, path, 30));
  g_assert_true (wait_for (dialog_gone, NULL, 30));
  g_assert_true (wait_for (window_says, (gpointer) "was already connected: you are signed in again", 10));
}

/* Sign In… for one account, and the provider signs in someone else: both
 * are linked (the daemon cannot refuse), and the window says so. */
static void
test_sign_in_again_as_someone_else (void)
{
  g_autofree char *path = daemon_account_path ("hub:583231");
  guint            before = lanyard_window_get_n_accounts (window);

  fake_provider_set_raw_answer (fake, "userinfo", 200, "application/json",
                                "{\"id\":777,\"login\":\"someone\",\"name\":\"Someone Else\"}");
  activate ("sign-in-again", path);
  g_assert_true (wait_for (dialog_gone, NULL, 30));
  /* GitHub was told which account was meant, in its own parameter. */
  g_assert_cmpstr (g_hash_table_lookup (fake_provider_get_last_authorize (fake), "login"), ==, "octocat");
  fake_provider_set_answer (fake, "userinfo", FAKE_ANSWER_NORMAL);
  g_assert_true (wait_for (has_accounts, GUINT_TO_POINTER (before + 1), 10));
  g_assert_true (wait_for (window_says, (gpointer) "You signed in as Someone Else on GitHub, not as The Octocat on GitHub", 10));
}

static gboolean
other_ready (gpointer data)
{
  return lanyard_window_is_ready (data);
}

/* A phone-sized window (360×640), in the dark style: nothing overflows. */
static void
test_narrow_and_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  LanyardWindow   *other = lanyard_window_new (application);
  GtkWidget       *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (other));

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_window_set_default_size (GTK_WINDOW (other), 360, 640);
  gtk_window_present (GTK_WINDOW (other));
  g_assert_true (wait_for (other_ready, other, 20));
  /* The window itself: its background is what turns dark. */
  screenshot (GTK_WIDGET (other), "window-narrow-dark.png");
  g_assert_cmpint (gtk_widget_get_width (content), <=, 360);

  gtk_window_destroy (GTK_WINDOW (other));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_window_size_remembered (void)
{
  GSettings     *settings = lanyard_application_get_settings (application);
  LanyardWindow *other = lanyard_window_new (application);
  int            width, height;

  gtk_window_set_default_size (GTK_WINDOW (other), 420, 500);
  gtk_window_present (GTK_WINDOW (other));
  gtk_window_close (GTK_WINDOW (other));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 420);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 500);

  other = lanyard_window_new (application);
  gtk_window_get_default_size (GTK_WINDOW (other), &width, &height);
  g_assert_cmpint (width, ==, 420);
  g_assert_cmpint (height, ==, 500);
  gtk_window_destroy (GTK_WINDOW (other));
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
test_remove (void)
{
  g_autofree char  *path = daemon_account_path ("hub:583231");
  guint             before = lanyard_window_get_n_accounts (window);
  AdwMessageDialog *dialog;

  /* From the account's page, as a person does. */
  activate ("show-account-page", path);
  g_assert_true (wait_for (window_on_page, (gpointer) "account", 5));
  activate ("remove", path);
  g_assert_true (wait_for (message_dialog_shown, NULL, 5));
  dialog = find_message_dialog ();
  /* It says what will happen. */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "revoke"));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Remove The Octocat?");
  respond (dialog, "remove");

  g_assert_true (wait_for (has_accounts, GUINT_TO_POINTER (before - 1), 10));
  /* Its page went with it. */
  g_assert_cmpstr (lanyard_window_get_page (window), ==, "main");
  g_assert_true (wait_for (window_says, (gpointer) "was removed, and its access at GitHub revoked", 10));
}

static gboolean
window_unreachable (gpointer data)
{
  return !lanyard_window_is_ready (window);
}

static void
test_daemon_goes_away_and_comes_back (void)
{
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));

  /* From an account's page: the page and its Back button go. */
  activate ("show-account-page", lanyard_account_row_get_path (account_row ("demo-github")));
  g_assert_true (wait_for (window_on_page, (gpointer) "account", 5));
  g_assert_nonnull (find_button (content, "Back"));

  daemon_stop (&daemon_process, SIGTERM);
  g_assert_true (wait_for (window_unreachable, NULL, 10));
  g_assert_cmpstr (lanyard_window_get_page (window), ==, "unreachable");
  for (guint i = 0; i < 20; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_null (find_button (content, "Back"));

  daemon_start (&daemon_process, fake, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (window), "reconnect", NULL);
  g_assert_true (wait_for (window_ready, NULL, 20));
  g_assert_nonnull (lanyard_window_find_provider_row (window, "work"));
}

static gboolean
has_row_of (gpointer data)
{
  return find_row_of_provider (GTK_WIDGET (window), data) != NULL;
}

static gboolean
identity_only_tag_shown (gpointer data)
{
  LanyardAccountRow *row = find_row_of_provider (GTK_WIDGET (window), data);

  return row != NULL && gtk_widget_get_visible (lanyard_account_row_get_identity_only_tag (row));
}

/* An account linked for who the person is only wears the tag; the others
 * do not. */
static void
test_identity_only (void)
{
  g_autoptr(CtlResult) linked = link_with_ctl ("whois");
  LanyardAccountRow *row;

  g_assert_cmpint (linked->status, ==, 0);
  g_assert_true (wait_for (has_row_of, (gpointer) "whois", 10));
  g_assert_true (wait_for (identity_only_tag_shown, (gpointer) "whois", 10));
  row = account_row ("whois");
  g_assert_false (GTK_IS_BUTTON (lanyard_account_row_get_identity_only_tag (row)));
  for (GtkWidget *other = gtk_widget_get_first_child (gtk_widget_get_parent (GTK_WIDGET (row))); other != NULL;
       other = gtk_widget_get_next_sibling (other))
    if (LANYARD_IS_ACCOUNT_ROW (other) && other != GTK_WIDGET (row))
      g_assert_false (gtk_widget_get_visible (lanyard_account_row_get_identity_only_tag (LANYARD_ACCOUNT_ROW (other))));
}

static LanyardServerDialog *
find_server_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (LANYARD_IS_SERVER_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return LANYARD_SERVER_DIALOG (item);
    }
  return NULL;
}

static gboolean
server_dialog_on_page (gpointer data)
{
  LanyardServerDialog *dialog = find_server_dialog ();

  return dialog != NULL && g_strcmp0 (lanyard_server_dialog_get_page (dialog), data) == 0;
}

static gboolean
server_dialog_gone (gpointer data)
{
  return find_server_dialog () == NULL;
}

static gboolean
provider_listed (gpointer data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (gtk_widget_get_parent (lanyard_window_find_provider_row (window, "work"))));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (LANYARD_IS_PROVIDER_ROW (child) && g_str_has_prefix (lanyard_provider_row_get_provider_id (LANYARD_PROVIDER_ROW (child)), "server-") &&
        g_str_has_suffix (lanyard_provider_row_get_provider_id (LANYARD_PROVIDER_ROW (child)), data))
      return TRUE;
  return FALSE;
}

static gboolean
has_menu_button (GtkWidget  *widget,
                 const char *tooltip)
{
  if (GTK_IS_MENU_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (has_menu_button (child, tooltip))
      return TRUE;
  return FALSE;
}

static gboolean
provider_not_listed (gpointer data)
{
  return !provider_listed (data);
}

/* The id of the one provider added by its address whose id ends so. */
static char *
added_provider_id (const char *suffix)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (gtk_widget_get_parent (lanyard_window_find_provider_row (window, "work"))));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (LANYARD_IS_PROVIDER_ROW (child) && g_str_has_prefix (lanyard_provider_row_get_provider_id (LANYARD_PROVIDER_ROW (child)), "server-") &&
        g_str_has_suffix (lanyard_provider_row_get_provider_id (LANYARD_PROVIDER_ROW (child)), suffix))
      return g_strdup (lanyard_provider_row_get_provider_id (LANYARD_PROVIDER_ROW (child)));
  g_error ("no provider ends with %s", suffix);
  return NULL;
}

static gboolean
provider_named (gpointer data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (gtk_widget_get_parent (lanyard_window_find_provider_row (window, "work"))));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (LANYARD_IS_PROVIDER_ROW (child) && g_strcmp0 (lanyard_provider_row_get_display_name (LANYARD_PROVIDER_ROW (child)), data) == 0)
      return TRUE;
  return FALSE;
}

/* "Other Server…": the address, then straight on to the sign-in where
 * the server lets Lanyard register; else the values to register by hand
 * and the client ID. */
static void
test_other_server (void)
{
  g_autofree char     *oidc = g_strdup_printf ("%s/oidc", fake_provider_get_base_url (fake));
  g_autofree char     *gitlab = g_strdup_printf ("%s/gitlab", fake_provider_get_base_url (fake));
  guint                accounts = lanyard_window_get_n_accounts (window);
  LanyardServerDialog *dialog;
  GtkWidget           *content;

  g_assert_true (wait_for (window_ready, NULL, 20));
  g_assert_true (window_shows_text (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)), "Other Server…"));

  /* Registration open: the sign-in follows at once. */
  fake_provider_set_registration (fake, FAKE_REGISTRATION_OPEN);
  g_action_group_activate_action (G_ACTION_GROUP (window), "other-server", NULL);
  g_assert_true (wait_for (server_dialog_on_page, (gpointer) "address", 10));
  dialog = find_server_dialog ();
  gtk_editable_set_text (lanyard_server_dialog_get_address_entry (dialog), oidc);
  screenshot (adw_window_get_content (ADW_WINDOW (dialog)), "server-dialog.png");
  gtk_widget_activate (find_button (adw_window_get_content (ADW_WINDOW (dialog)), "_Connect"));
  g_assert_true (wait_for (server_dialog_gone, NULL, 20));
  g_assert_true (wait_for (provider_listed, (gpointer) "-oidc", 20));
  g_assert_true (wait_for (has_accounts, GUINT_TO_POINTER (accounts + 1), 30));
  g_assert_true (wait_for (dialog_gone, NULL, 30));
  g_assert_nonnull (strstr (lanyard_window_get_last_toast (window), "is connected"));

  /* Not offered: the manual path, then the sign-in. */
  fake_provider_set_registration (fake, FAKE_REGISTRATION_NOT_OFFERED);
  g_action_group_activate_action (G_ACTION_GROUP (window), "other-server", NULL);
  g_assert_true (wait_for (server_dialog_on_page, (gpointer) "address", 10));
  dialog = find_server_dialog ();
  content = adw_window_get_content (ADW_WINDOW (dialog));
  gtk_editable_set_text (lanyard_server_dialog_get_address_entry (dialog), gitlab);
  gtk_widget_activate (find_button (content, "_Connect"));
  g_assert_true (wait_for (server_dialog_on_page, (gpointer) "manual", 20));
  g_assert_true (shows_text_containing (content, "does not let applications register themselves."));
  g_assert_true (shows_text_containing (content, "http://127.0.0.1/callback/server-127-0-0-1-"));
  g_assert_true (shows_text_containing (content, "openid profile email"));
  g_assert_nonnull (find_button (content, "Open the Server's Applications Page"));
  screenshot (content, "server-dialog-manual.png");
  gtk_editable_set_text (lanyard_server_dialog_get_client_id_entry (dialog), FAKE_CLIENT_ID);
  gtk_widget_activate (find_button (content, "_Add"));
  g_assert_true (wait_for (server_dialog_gone, NULL, 20));
  g_assert_true (wait_for (provider_listed, (gpointer) "-gitlab", 20));
  g_assert_true (wait_for (has_accounts, GUINT_TO_POINTER (accounts + 2), 30));
  g_assert_true (wait_for (dialog_gone, NULL, 30));

  /* Renamed from its menu. */
  {
    g_autofree char  *id = added_provider_id ("-gitlab");
    AdwMessageDialog *rename;

    g_assert_true (has_menu_button (lanyard_window_find_provider_row (window, id), "Server Menu"));
    /* A configured provider has none. */
    g_assert_false (has_menu_button (lanyard_window_find_provider_row (window, "work"), "Server Menu"));
    activate ("rename-provider", id);
    g_assert_true (wait_for (message_dialog_shown, NULL, 5));
    rename = find_message_dialog ();
    gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (rename)), "Our GitLab");
    respond (rename, "rename");
    g_assert_true (wait_for (provider_named, (gpointer) "Our GitLab", 20));
  }

  /* Added, the sign-in left, and removed from its menu: the registration
   * is deleted at the server. */
  {
    g_autofree char  *third = g_strdup_printf ("%s/oidc", fake_provider_get_base_url (fake));
    g_autofree char  *id = NULL;
    guint             deleted = fake_provider_get_count (fake, "register-deleted");
    AdwMessageDialog *confirm;

    /* The first one goes with its account, then it is added again. */
    id = added_provider_id ("-oidc");
    {
      g_autofree char *key = g_strdup_printf ("%s:4242", id);
      g_autoptr(CtlResult) unlinked = ctl ("unlink", key, NULL);

      g_assert_cmpint (unlinked->status, ==, 0);
    }
    g_assert_true (wait_for (provider_not_listed, (gpointer) "-oidc", 20));
    g_assert_cmpuint (fake_provider_get_count (fake, "register-deleted"), ==, deleted + 1);

    fake_provider_set_registration (fake, FAKE_REGISTRATION_OPEN);
    g_action_group_activate_action (G_ACTION_GROUP (window), "other-server", NULL);
    g_assert_true (wait_for (server_dialog_on_page, (gpointer) "address", 10));
    dialog = find_server_dialog ();
    gtk_editable_set_text (lanyard_server_dialog_get_address_entry (dialog), third);
    gtk_widget_activate (find_button (adw_window_get_content (ADW_WINDOW (dialog)), "_Connect"));
    g_assert_true (wait_for (server_dialog_gone, NULL, 20));
    g_assert_true (wait_for (dialog_on_page, (gpointer) "web", 20));
    gtk_window_close (GTK_WINDOW (find_dialog ()));
    g_assert_true (wait_for (dialog_gone, NULL, 10));

    g_free (id);
    id = added_provider_id ("-oidc");
    activate ("remove-provider", id);
    g_assert_true (wait_for (message_dialog_shown, NULL, 5));
    confirm = find_message_dialog ();
    respond (confirm, "remove");
    g_assert_true (wait_for (provider_not_listed, (gpointer) "-oidc", 20));
    g_assert_cmpuint (fake_provider_get_count (fake, "register-deleted"), ==, deleted + 2);
    g_assert_nonnull (strstr (lanyard_window_get_last_toast (window), "and Lanyard's registration there deleted."));
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *env[] = {
    "LANYARD_DEMO=1",
    NULL,
    NULL,
    /* The demo's device sign-in polls every 5 s; here every 0.5 s. */
    "LANYARD_DEVICE_SECOND_MS=100",
    NULL,
    NULL,
    NULL,
  };
  g_autofree char *whois_env = NULL;
  g_autofree char *system_dir = NULL;
  g_autofree char *system_env = NULL;
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
  {
    /* A provider the administrator locked, in a system file. */
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autofree char *contents = NULL;

    system_dir = g_dir_make_tmp ("lanyard-window-system-XXXXXX", &error);
    g_assert_no_error (error);
    dir = g_build_filename (system_dir, LANYARD_USER_DIR_NAME, NULL);
    g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
    path = g_build_filename (dir, "providers.conf", NULL);
    contents = g_strdup_printf ("[provider site]\ntype=gitlab\nclient_id=x\nbase_url=%s/gitlab\n"
                                "display_name=Acme GitLab\nlocked=true\n",
                                fake_provider_get_base_url (fake));
    g_file_set_contents (path, contents, -1, &error);
    g_assert_no_error (error);
    system_env = g_strdup_printf ("XDG_CONFIG_DIRS=%s", system_dir);
    env[3] = system_env;
  }
  {
    /* Identity-only links (store_tokens=false). */
    g_autofree char *gitlab = fake_provider_config (fake, "gitlab");

    whois_env = g_strdup_printf ("LANYARD_PROVIDER_WHOIS=%s store_tokens=false display_name=Who", gitlab);
    env[4] = whois_env;
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
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/Lanyard/Window/0-translated", test_translated);
  g_test_add_func ("/Lanyard/Window/1-lists-providers-and-accounts", test_lists_providers_and_accounts);
  g_test_add_func ("/Lanyard/Window/2-account-linked-elsewhere-appears", test_account_linked_elsewhere_appears);
  g_test_add_func ("/Lanyard/Window/2b-show-account-action", test_show_account_action);
  g_test_add_func ("/Lanyard/Window/2c-primary-follows-current-identity", test_primary_follows_current_identity);
  g_test_add_func ("/Lanyard/Window/2d-endless-avatar", test_endless_avatar);
  g_test_add_func ("/Lanyard/Window/3-embedded-sign-in", test_embedded_sign_in);
  g_test_add_func ("/Lanyard/Window/3b-make-primary-moves-the-tag", test_make_primary_moves_the_tag);
  g_test_add_func ("/Lanyard/Window/3c-account-page", test_account_page);
  g_test_add_func ("/Lanyard/Window/3c-account-page-refresh-words", test_account_page_refresh_words);
  g_test_add_func ("/Lanyard/Window/4-closing-the-dialog-cancels", test_closing_the_dialog_cancels);
  g_test_add_func ("/Lanyard/Window/4b-escape-in-a-focused-field", test_escape_in_a_focused_field);
  g_test_add_func ("/Lanyard/Window/5-provider-error-page", test_provider_error_page);
  g_test_add_func ("/Lanyard/Window/5b-page-cannot-load", test_page_cannot_load);
  g_test_add_func ("/Lanyard/Window/6-system-browser-provider", test_system_browser_provider);
  g_test_add_func ("/Lanyard/Window/6b-no-browser", test_no_browser);
  g_test_add_func ("/Lanyard/Window/6c-account-needs-attention", test_account_needs_attention);
  g_test_add_func ("/Lanyard/Window/6d-sign-in-again-as-someone-else", test_sign_in_again_as_someone_else);
  g_test_add_func ("/Lanyard/Window/6e-sign-in-on-another-device", test_sign_in_on_another_device);
  g_test_add_func ("/Lanyard/Window/7-remove", test_remove);
  /* Before 8, whose daemon comes back without this one's providers. */
  g_test_add_func ("/Lanyard/Window/7b-identity-only", test_identity_only);
  g_test_add_func ("/Lanyard/Window/8-daemon-goes-away-and-comes-back", test_daemon_goes_away_and_comes_back);
  g_test_add_func ("/Lanyard/Window/9-window-size-remembered", test_window_size_remembered);
  g_test_add_func ("/Lanyard/Window/9b-narrow-and-dark", test_narrow_and_dark);
  g_test_add_func ("/Lanyard/Window/9c-other-server", test_other_server);

  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&application);
  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  g_free (launched_uri);
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", system_dir);
    g_assert_cmpint (system (command), ==, 0);
  }
  return status;
}
