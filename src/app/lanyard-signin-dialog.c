/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include "lanyard-signin-dialog.h"

#include <glib/gi18n.h>

#include "lanyard-dbus-enum-types.h"
#include "lanyard-dbus-enums.h"
#include "lanyard-text.h"
#include "lanyard-webview.h"

/**
 * LanyardSigninDialog:
 *
 * One sign-in, shown to the person. It asks the daemon for a flow, then
 * shows the provider's page in a WebKitGTK view on an **ephemeral** network
 * session made for this sign-in alone (no cookie survives it), or — for
 * providers that refuse embedded views, and when the person prefers — hands
 * the page to the web browser and waits. "Open in Browser" and "Copy Link"
 * are there while the sign-in can still be finished, and insensitive once it
 * has ended: then "Try Again" starts a new one. Closing the dialog cancels
 * the flow at the daemon; when the person has typed into the page, it asks
 * first.
 *
 * WebKit is touched only here, when a sign-in starts: the main window opens
 * without it.
 */
struct _LanyardSigninDialog
{
  AdwWindow parent_instance;

  LanyardDBusManager *manager;
  LanyardDBusFlow    *flow;
  GCancellable       *cancellable;
  char               *provider_id;
  char               *display_name;
  char               *login_hint;
  char               *error;
  gboolean            use_browser;
  gboolean            finished;
  gboolean            typed;
  gboolean            close_confirmed;

  GtkWidget                 *toasts;
  GtkWidget                 *title;
  GtkWidget                 *progress;
  GtkWidget                 *stack;
  GtkWidget                 *web_box;
  GtkWidget                 *browser_page;
  GtkWidget                 *error_page;
  GtkWidget                 *no_browser_page;
  GtkWidget                 *retry_button;
  GtkWidget                 *open_button;
  GtkWidget                 *copy_button;
  const LanyardWebviewFuncs *web;
  GtkWidget                 *web_view;
};

enum
{
  LINKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LanyardSigninDialog, lanyard_signin_dialog, ADW_TYPE_WINDOW)

static void
launched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Through the OpenURI portal when sandboxed (GLib does that). Unlike
 * gtk_show_uri, it says when no browser could be started. */
static void
default_launcher (GtkWindow          *parent,
                  const char         *uri,
                  GCancellable       *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer            user_data)
{
  GTask *task = g_task_new (parent, cancellable, callback, user_data);
  g_autoptr(GdkAppLaunchContext) context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (parent)));

  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), cancellable, launched_cb, task);
}

static LanyardUriLauncher uri_launcher = default_launcher;

/**
 * lanyard_signin_dialog_set_uri_launcher:
 * @launcher: (nullable): %NULL for the default
 */
void
lanyard_signin_dialog_set_uri_launcher (LanyardUriLauncher launcher)
{
  uri_launcher = launcher != NULL ? launcher : default_launcher;
}

static const char *
authorize_url (LanyardSigninDialog *self)
{
  return self->flow != NULL ? lanyard_dbus_flow_get_authorize_url (self->flow) : NULL;
}

/* AdwToast titles are Pango markup (libadwaita 1.2). */
static void
toast (LanyardSigninDialog *self,
       const char          *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), adw_toast_new (escaped));
}

/* Open in Browser and Copy Link act on the flow: only while it can still
 * be finished. */
static void
update_link_buttons (LanyardSigninDialog *self)
{
  gboolean usable = authorize_url (self) != NULL && !self->finished;

  gtk_widget_set_sensitive (self->open_button, usable);
  gtk_widget_set_sensitive (self->copy_button, usable);
}

static void
show_error_page (LanyardSigninDialog *self,
                 const char          *icon,
                 const char          *title,
                 const char          *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->error_page), icon);
  adw_status_page_set_title (ADW_STATUS_PAGE (self->error_page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->error_page), message);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "error");
  gtk_widget_set_visible (self->progress, FALSE);
  update_link_buttons (self);
  gtk_widget_grab_focus (self->retry_button);
}

static void
show_error (LanyardSigninDialog *self,
            const char          *message)
{
  show_error_page (self, "dialog-error-symbolic", _ ("Sign-In Failed"), message);
}

static void
launch_finished_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(LanyardSigninDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!self->finished)
        gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "browser");
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->finished)
    return;

  /* The flow still waits: any browser the person opens by hand can finish
   * it, from the copied link. */
  g_debug ("No browser: %s", error->message);
  message = g_strdup_printf (_ ("Lanyard could not open a web browser (%s). Copy the link and open it in a web "
                                "browser yourself: this window closes by itself once you have signed in."),
                             error->message);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->no_browser_page), message);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "no-browser");
}

static void
open_in_browser (LanyardSigninDialog *self)
{
  if (authorize_url (self) != NULL && !self->finished)
    uri_launcher (GTK_WINDOW (self), authorize_url (self), self->cancellable, launch_finished_cb, g_object_ref (self));
}

static void
open_clicked_cb (LanyardSigninDialog *self)
{
  open_in_browser (self);
}

static void
copy_clicked_cb (LanyardSigninDialog *self)
{
  if (authorize_url (self) == NULL || self->finished)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), authorize_url (self));
  toast (self, _ ("Link copied. Open it in a web browser to sign in."));
}

static void
progress_cb (LanyardSigninDialog *self)
{
  double progress = self->web->get_progress (self->web_view);

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), progress);
  gtk_widget_set_visible (self->progress, progress < 1.0);
}

/* Where the person types their password: shown, always. */
static void
uri_changed_cb (LanyardSigninDialog *self)
{
  const char *uri = self->web->get_uri (self->web_view);
  g_autoptr(GUri) parsed = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_NONE, NULL) : NULL;

  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->title),
                                 parsed != NULL && g_uri_get_host (parsed) != NULL ? g_uri_get_host (parsed) : "");
}

static gboolean
load_failed_cb (GtkWidget           *view,
                int                  event,
                const char          *uri,
                GError              *error,
                LanyardSigninDialog *self)
{
  g_autofree char *message = NULL;

  /* A navigation replaced by another (the redirect home) is no failure. */
  if (self->web->error_is_benign (error) || self->finished)
    return TRUE;

  message = g_strdup_printf (_ ("The sign-in page could not be loaded: %s. Check your connection and try again, or open the page in your web browser."),
                             error->message);
  show_error (self, message);
  return TRUE;
}

static gboolean
tls_error_cb (GtkWidget           *view,
              const char          *uri,
              GTlsCertificate     *certificate,
              GTlsCertificateFlags errors,
              LanyardSigninDialog *self)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  g_autofree char *message = g_strdup_printf (_ ("The connection to %s is not secure: its certificate cannot be trusted. "
                                                 "Lanyard does not sign in over it. Someone may be intercepting your traffic."),
                                              parsed != NULL ? g_uri_get_host (parsed) : uri);

  show_error (self, message);
  return TRUE;
}

static void
web_process_terminated_cb (GtkWidget           *view,
                           int                  reason,
                           LanyardSigninDialog *self)
{
  if (!self->finished)
    show_error (self, _ ("The sign-in page stopped working. Try again, or open it in your web browser."));
}

static void
open_externally_cb (const char *uri,
                    gpointer    user_data)
{
  LanyardSigninDialog *self = user_data;

  uri_launcher (GTK_WINDOW (self), uri, self->cancellable, NULL, NULL);
}

static void
show_web (LanyardSigninDialog *self)
{
  if (self->web_view == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->web = lanyard_webview_load (&error);
      if (self->web == NULL)
        {
          show_error (self, error->message);
          return;
        }
      self->web_view = self->web->new_view (open_externally_cb, self);
      gtk_widget_set_vexpand (self->web_view, TRUE);
      gtk_box_append (GTK_BOX (self->web_box), self->web_view);
      g_signal_connect_object (self->web_view, "notify::estimated-load-progress", G_CALLBACK (progress_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->web_view, "notify::uri", G_CALLBACK (uri_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->web_view, "load-failed", G_CALLBACK (load_failed_cb), self, 0);
      g_signal_connect_object (self->web_view, "load-failed-with-tls-errors", G_CALLBACK (tls_error_cb), self, 0);
      g_signal_connect_object (self->web_view, "web-process-terminated", G_CALLBACK (web_process_terminated_cb), self, 0);
    }

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "web");
  self->web->load_uri (self->web_view, authorize_url (self));
}

static void
succeeded_cb (LanyardDBusFlow     *flow,
              const char          *account_path,
              LanyardSigninDialog *self)
{
  self->finished = TRUE;
  g_signal_emit (self, signals[LINKED], 0, account_path);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
failed_cb (LanyardDBusFlow     *flow,
           const char          *error_name,
           const char          *message,
           LanyardSigninDialog *self)
{
  self->finished = TRUE;
  /* A denial is the person's choice, not a failure: no protocol words.
   * The daemon's message (with the provider's code) is for the log. */
  if (g_str_has_suffix (error_name, ".AccessDenied"))
    {
      g_autofree char *text = g_strdup_printf (_ ("You did not give Lanyard access to your %s account, so nothing "
                                                  "was connected. Choose “Try Again” if you change your mind."),
                                               self->display_name);

      g_debug ("Access denied: %s", message);
      show_error_page (self, "action-unavailable-symbolic", _ ("Access Not Granted"), text);
      return;
    }
  if (g_str_has_suffix (error_name, ".Cancelled"))
    {
      show_error_page (self, "dialog-information-symbolic", _ ("Sign-In Stopped"),
                       _ ("This sign-in was stopped before it finished. Choose “Try Again” to start a new one."));
      return;
    }
  {
    g_autofree char *plain = lanyard_text_without_protocol_codes (message);

    show_error (self, plain);
  }
}

static void
flow_ready_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(LanyardSigninDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->flow = lanyard_dbus_flow_proxy_new_finish (result, &error);
  if (self->flow == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }

  g_signal_connect_object (self->flow, "succeeded", G_CALLBACK (succeeded_cb), self, 0);
  g_signal_connect_object (self->flow, "failed", G_CALLBACK (failed_cb), self, 0);
  update_link_buttons (self);

  /* The "browser" page only once a browser did open. */
  if (self->use_browser ||
      lanyard_dbus_enum_from_nick (LANYARD_TYPE_DBUS_BROWSER_POLICY, lanyard_dbus_flow_get_browser_policy (self->flow),
                                   LANYARD_DBUS_BROWSER_POLICY_ANY) == LANYARD_DBUS_BROWSER_POLICY_SYSTEM)
    open_in_browser (self);
  else
    {
      show_web (self);
    }
}

static void
flow_started_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LanyardSigninDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (!lanyard_dbus_manager_call_start_flow_finish (LANYARD_DBUS_MANAGER (object), &path, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The daemon's words, without the D-Bus error name. */
      g_dbus_error_strip_remote_error (error);
      show_error (self, error->message);
      return;
    }

  lanyard_dbus_flow_proxy_new (g_dbus_proxy_get_connection (G_DBUS_PROXY (self->manager)),
                               G_DBUS_PROXY_FLAGS_NONE, g_dbus_proxy_get_name (G_DBUS_PROXY (self->manager)),
                               path, self->cancellable, flow_ready_cb, g_object_ref (self));
}

static void
start (LanyardSigninDialog *self)
{
  GVariantBuilder options;

  self->finished = FALSE;
  self->typed = FALSE;
  g_clear_object (&self->flow);
  update_link_buttons (self);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "starting");
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (self->login_hint != NULL)
    g_variant_builder_add (&options, "{sv}", "login_hint", g_variant_new_string (self->login_hint));
  lanyard_dbus_manager_call_start_flow (self->manager, self->provider_id, g_variant_builder_end (&options),
                                        self->cancellable, flow_started_cb, g_object_ref (self));
}

static void
retry_clicked_cb (LanyardSigninDialog *self)
{
  if (self->flow != NULL && !self->finished)
    lanyard_dbus_flow_call_cancel (self->flow, NULL, NULL, NULL);
  start (self);
}

static gboolean
close_cb (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
stop_response_cb (AdwMessageDialog    *dialog,
                  const char          *response,
                  LanyardSigninDialog *self)
{
  if (g_strcmp0 (response, "stop") != 0)
    return;
  self->close_confirmed = TRUE;
  /* Once the question is gone: it is transient for this window. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_cb, g_object_ref (self), g_object_unref);
}

/* What the person typed on the provider's page is theirs: ask before
 * throwing it away. */
static void
ask_before_closing (LanyardSigninDialog *self)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Stop Signing In?"),
                                              _ ("What you typed on the sign-in page will be lost, and the account "
                                                 "will not be connected."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "continue", _ ("_Continue Signing In"),
                                    "stop", _ ("_Stop"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "continue");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "continue");
  g_signal_connect_object (dialog, "response", G_CALLBACK (stop_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Closing the dialog is cancelling the sign-in: the daemon closes its
 * listener at once. */
static gboolean
lanyard_signin_dialog_close_request (GtkWindow *window)
{
  LanyardSigninDialog *self = LANYARD_SIGNIN_DIALOG (window);

  if (!self->finished && self->typed && !self->close_confirmed)
    {
      ask_before_closing (self);
      return TRUE;
    }

  if (self->flow != NULL && !self->finished)
    lanyard_dbus_manager_call_cancel_flow (self->manager, g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->flow)),
                                           NULL, NULL, NULL);
  self->finished = TRUE;
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (lanyard_signin_dialog_parent_class)->close_request (window);
}

static gboolean
focus_in_web_view (LanyardSigninDialog *self)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));

  return self->web_view != NULL && focus != NULL &&
    (focus == self->web_view || gtk_widget_is_ancestor (focus, self->web_view));
}

/* Seen before the web view gets the key: did the person type on the page? */
static gboolean
key_captured_cb (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 LanyardSigninDialog   *self)
{
  if (focus_in_web_view (self) &&
      (gdk_keyval_to_unicode (keyval) >= 0x20 || keyval == GDK_KEY_BackSpace || keyval == GDK_KEY_Delete))
    self->typed = TRUE;
  return GDK_EVENT_PROPAGATE;
}

/* Seen only when nobody below used the key: a web page that handles
 * Escape (closing its own pop-up, say) keeps it. */
static gboolean
key_bubbled_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                LanyardSigninDialog   *self)
{
  if (keyval != GDK_KEY_Escape || (state & gtk_accelerator_get_default_mod_mask ()) != 0)
    return GDK_EVENT_PROPAGATE;
  gtk_window_close (GTK_WINDOW (self));
  return GDK_EVENT_STOP;
}

static void
lanyard_signin_dialog_dispose (GObject *object)
{
  LanyardSigninDialog *self = LANYARD_SIGNIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->flow);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (lanyard_signin_dialog_parent_class)->dispose (object);
}

static void
lanyard_signin_dialog_finalize (GObject *object)
{
  LanyardSigninDialog *self = LANYARD_SIGNIN_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->provider_id);
  g_free (self->login_hint);
  g_free (self->display_name);
  g_free (self->error);

  G_OBJECT_CLASS (lanyard_signin_dialog_parent_class)->finalize (object);
}

static void
lanyard_signin_dialog_class_init (LanyardSigninDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lanyard_signin_dialog_dispose;
  object_class->finalize = lanyard_signin_dialog_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = lanyard_signin_dialog_close_request;

  /**
   * LanyardSigninDialog::linked:
   * @path: the account's object path
   */
  signals[LINKED] = g_signal_new ("linked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lanyard/Lanyard/lanyard-signin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardSigninDialog, toasts);
  gtk_widget_class_bind_template_child (widget_class, LanyardSigninDialog, title);
  gtk_widget_class_bind_template_child (widget_class, LanyardSigninDialog, progress);
  gtk_widget_class_bind_template_child (widget_class, LanyardSigninDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardSigninDialog, web_box);
  gtk_widget_class_bind_template_child (widget_class, LanyardSigninDialog, browser_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardSigninDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardSigninDialog, no_browser_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardSigninDialog, retry_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardSigninDialog, open_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardSigninDialog, copy_button);
  gtk_widget_class_bind_template_callback (widget_class, open_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
}

static void
lanyard_signin_dialog_init (LanyardSigninDialog *self)
{
  GtkEventController *capture = gtk_event_controller_key_new ();
  GtkEventController *bubble = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  gtk_event_controller_set_propagation_phase (capture, GTK_PHASE_CAPTURE);
  g_signal_connect (capture, "key-pressed", G_CALLBACK (key_captured_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), capture);
  gtk_event_controller_set_propagation_phase (bubble, GTK_PHASE_BUBBLE);
  g_signal_connect (bubble, "key-pressed", G_CALLBACK (key_bubbled_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), bubble);
}

/**
 * lanyard_signin_dialog_new:
 * @login_hint: (nullable): for signing in again to one account, its login,
 *   which the provider may fill in (StartFlow's `login_hint`)
 * @use_browser: the person prefers the web browser for every provider
 *
 * Returns: (transfer none): the dialog, shown; it starts the sign-in
 */
LanyardSigninDialog *
lanyard_signin_dialog_new (GtkWindow          *parent,
                           LanyardDBusManager *manager,
                           const char         *provider_id,
                           const char         *display_name,
                           const char         *login_hint,
                           gboolean            use_browser)
{
  LanyardSigninDialog *self = g_object_new (LANYARD_TYPE_SIGNIN_DIALOG,
                                            "transient-for", parent,
                                            "modal", TRUE,
                                            NULL);
  g_autofree char     *title = g_strdup_printf (_ ("Sign In to %s"), display_name);

  self->manager = g_object_ref (manager);
  self->provider_id = g_strdup (provider_id);
  self->display_name = g_strdup (display_name);
  self->login_hint = g_strdup (login_hint);
  self->use_browser = use_browser;
  adw_window_title_set_title (ADW_WINDOW_TITLE (self->title), title);
  /* For the window manager and screen readers, not only the header. */
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->browser_page),
                                   _ ("Sign in on the page that opened in your web browser. This window "
                                      "closes by itself when you are done."));

  gtk_window_present (GTK_WINDOW (self));
  start (self);
  return self;
}

/**
 * lanyard_signin_dialog_get_page:
 *
 * Returns: "starting", "web", "browser", "no-browser" or "error"
 */
const char *
lanyard_signin_dialog_get_page (LanyardSigninDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_SIGNIN_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
}

const char *
lanyard_signin_dialog_get_flow_path (LanyardSigninDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_SIGNIN_DIALOG (self), NULL);
  return self->flow != NULL ? g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->flow)) : NULL;
}

const char *
lanyard_signin_dialog_get_error (LanyardSigninDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_SIGNIN_DIALOG (self), NULL);
  return self->error;
}

/**
 * lanyard_signin_dialog_get_error_title:
 *
 * Returns: (nullable): the error page's title, once shown
 */
const char *
lanyard_signin_dialog_get_error_title (LanyardSigninDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_SIGNIN_DIALOG (self), NULL);
  return self->error != NULL ? adw_status_page_get_title (ADW_STATUS_PAGE (self->error_page)) : NULL;
}

/**
 * lanyard_signin_dialog_get_web_view:
 *
 * Returns: (transfer none) (nullable): the WebKitWebView, once made
 */
GtkWidget *
lanyard_signin_dialog_get_web_view (LanyardSigninDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_SIGNIN_DIALOG (self), NULL);
  return self->web_view;
}
