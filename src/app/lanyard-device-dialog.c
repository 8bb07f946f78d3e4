/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include "lanyard-device-dialog.h"

#include <glib/gi18n.h>
#include <string.h>
#if HAVE_QRENCODE
#include <qrencode.h>
#endif

#include "lanyard-dbus-enum-types.h"
#include "lanyard-dbus-enums.h"
#include "lanyard-text.h"

/**
 * LanyardDeviceDialog:
 *
 * "Sign in on another device" (the device authorization grant, RFC 8628):
 * the daemon asks the provider for a code, and this dialog shows it in
 * large type with a button to copy it, the address where to enter it (a
 * link, for this computer's browser too), a QR code of that address (with
 * the code in it when the provider gives one), and the time left. The
 * daemon polls; the dialog closes by itself once the person approved on
 * the other device, or shows why not, with "Try Again". Closing it
 * cancels the sign-in.
 */
struct _LanyardDeviceDialog
{
  AdwWindow parent_instance;

  /* Owned references */
  LanyardDBusManager *manager;
  LanyardDBusFlow    *flow;
  GCancellable       *cancellable;
  char               *provider_id;
  char               *display_name;
  char               *error;
  char               *remaining;
  GdkPaintable       *qr_code;
  guint               tick_id;
  gboolean            finished;

  /* Widgets, owned by the window */
  GtkWidget *toasts;
  GtkWidget *stack;
  GtkWidget *code_label;
  GtkWidget *uri_button;
  GtkWidget *qr_picture;
  GtkWidget *remaining_label;
  GtkWidget *error_page;
};

enum
{
  LINKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LanyardDeviceDialog, lanyard_device_dialog, ADW_TYPE_WINDOW)

static void start (LanyardDeviceDialog *self);

static void
stop_ticking (LanyardDeviceDialog *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
}

static void
show_error (LanyardDeviceDialog *self,
            const char          *icon,
            const char          *title,
            const char          *message)
{
  self->finished = TRUE;
  stop_ticking (self);
  g_free (self->error);
  self->error = g_strdup (message);
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->error_page), icon);
  adw_status_page_set_title (ADW_STATUS_PAGE (self->error_page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->error_page), message);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "error");
}

#if HAVE_QRENCODE
/* The QR code as a texture, with a quiet zone of four modules (what
 * readers expect). */
static GdkPaintable *
qr_texture_new (const char *text)
{
  QRcode *qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  g_autoptr(GBytes) bytes = NULL;
  guint8 *pixels;
  int     margin = 4;
  /* Pixels a module: sharp at the size shown, without a filter to choose. */
  int scale = 8;
  int size;

  if (qr == NULL)
    return NULL;
  size = (qr->width + 2 * margin) * scale;
  /* GTK 4.8 has no grey format: R, G and B alike. */
  pixels = g_malloc ((gsize) size * size * 3);
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        int      qx = x / scale - margin, qy = y / scale - margin;
        gboolean dark = qx >= 0 && qy >= 0 && qx < qr->width && qy < qr->width && (qr->data[qy * qr->width + qx] & 1);

        memset (pixels + ((gsize) y * size + x) * 3, dark ? 0x00 : 0xff, 3);
      }
  QRcode_free (qr);
  bytes = g_bytes_new_take (pixels, (gsize) size * size * 3);
  return GDK_PAINTABLE (gdk_memory_texture_new (size, size, GDK_MEMORY_R8G8B8, bytes, (gsize) size * 3));
}
#endif

/* "9:41 left", or the minutes alone above an hour. */
static void
update_remaining (LanyardDeviceDialog *self)
{
  gint64 left = lanyard_dbus_flow_get_expires_at (self->flow) - g_get_real_time () / G_USEC_PER_SEC;

  g_free (self->remaining);
  if (left <= 0)
    self->remaining = g_strdup (_ ("The code has expired"));
  else
    /* TRANSLATORS: the time left to enter the code, minutes and seconds */
    self->remaining = g_strdup_printf (_ ("The code expires in %d:%02d"), (int) (left / 60), (int) (left % 60));
  gtk_label_set_text (GTK_LABEL (self->remaining_label), self->remaining);
}

static gboolean
tick_cb (gpointer user_data)
{
  update_remaining (user_data);
  return G_SOURCE_CONTINUE;
}

static void
show_code (LanyardDeviceDialog *self)
{
  const char *uri = lanyard_dbus_flow_get_verification_uri (self->flow);
  const char *complete = lanyard_dbus_flow_get_verification_uri_complete (self->flow);
  const char *qr_text = complete != NULL && complete[0] != '\0' ? complete : uri;

  gtk_label_set_text (GTK_LABEL (self->code_label), lanyard_dbus_flow_get_user_code (self->flow));
  gtk_button_set_label (GTK_BUTTON (self->uri_button), uri);
  gtk_link_button_set_uri (GTK_LINK_BUTTON (self->uri_button), uri);
  g_clear_object (&self->qr_code);
#if HAVE_QRENCODE
  self->qr_code = qr_texture_new (qr_text);
#else
  (void) qr_text;
#endif
  gtk_picture_set_paintable (GTK_PICTURE (self->qr_picture), self->qr_code);
  gtk_widget_set_visible (self->qr_picture, self->qr_code != NULL);
  update_remaining (self);
  stop_ticking (self);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "code");
}

static void
succeeded_cb (LanyardDBusFlow     *flow,
              const char          *account_path,
              LanyardDeviceDialog *self)
{
  self->finished = TRUE;
  stop_ticking (self);
  g_signal_emit (self, signals[LINKED], 0, account_path);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
failed_cb (LanyardDBusFlow     *flow,
           const char          *error_name,
           const char          *message,
           LanyardDeviceDialog *self)
{
  g_autofree char *plain = lanyard_text_without_protocol_codes (message);

  if (g_str_has_suffix (error_name, ".AccessDenied"))
    {
      g_autofree char *text = g_strdup_printf (_ ("The sign-in to %s was declined on the other device, so nothing "
                                                  "was connected. Choose “Try Again” if you change your mind."),
                                               self->display_name);

      g_debug ("Access denied: %s", message);
      show_error (self, "action-unavailable-symbolic", _ ("Access Not Granted"), text);
    }
  else if (g_str_has_suffix (error_name, ".TimedOut"))
    show_error (self, "alarm-symbolic", _ ("The Code Expired"), plain);
  else if (g_str_has_suffix (error_name, ".Cancelled"))
    show_error (self, "dialog-information-symbolic", _ ("Sign-In Stopped"),
                _ ("This sign-in was stopped before it finished. Choose “Try Again” to start a new one."));
  else
    show_error (self, "dialog-error-symbolic", _ ("Could Not Sign In"), plain);
}

static void
flow_ready_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(LanyardDeviceDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->flow = lanyard_dbus_flow_proxy_new_finish (result, &error);
  if (self->flow == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, "dialog-error-symbolic", _ ("Could Not Sign In"), error->message);
      return;
    }
  g_signal_connect_object (self->flow, "succeeded", G_CALLBACK (succeeded_cb), self, 0);
  g_signal_connect_object (self->flow, "failed", G_CALLBACK (failed_cb), self, 0);
  show_code (self);
}

static void
flow_started_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LanyardDeviceDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (!lanyard_dbus_manager_call_start_flow_finish (LANYARD_DBUS_MANAGER (object), &path, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_dbus_error_strip_remote_error (error);
      show_error (self, "dialog-error-symbolic", _ ("Could Not Sign In"), error->message);
      return;
    }
  lanyard_dbus_flow_proxy_new (g_dbus_proxy_get_connection (G_DBUS_PROXY (self->manager)), G_DBUS_PROXY_FLAGS_NONE,
                               g_dbus_proxy_get_name (G_DBUS_PROXY (self->manager)), path, self->cancellable,
                               flow_ready_cb, g_object_ref (self));
}

static void
start (LanyardDeviceDialog *self)
{
  GVariantBuilder options;

  self->finished = FALSE;
  g_clear_object (&self->flow);
  g_clear_pointer (&self->error, g_free);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "starting");
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "grant",
                         g_variant_new_string (lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_GRANT, LANYARD_DBUS_GRANT_DEVICE)));
  lanyard_dbus_manager_call_start_flow (self->manager, self->provider_id, g_variant_builder_end (&options),
                                        self->cancellable, flow_started_cb, g_object_ref (self));
}

/**
 * lanyard_device_dialog_copy_code:
 *
 * Puts the code on the clipboard, as the Copy button does.
 */
void
lanyard_device_dialog_copy_code (LanyardDeviceDialog *self)
{
  g_return_if_fail (LANYARD_IS_DEVICE_DIALOG (self));

  if (self->flow == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), lanyard_dbus_flow_get_user_code (self->flow));
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), adw_toast_new (_ ("Code copied")));
}

static void
retry_clicked_cb (LanyardDeviceDialog *self)
{
  if (self->flow != NULL && !self->finished)
    lanyard_dbus_flow_call_cancel (self->flow, NULL, NULL, NULL);
  start (self);
}

/* Closing the dialog is cancelling the sign-in: the daemon stops polling. */
static gboolean
lanyard_device_dialog_close_request (GtkWindow *window)
{
  LanyardDeviceDialog *self = LANYARD_DEVICE_DIALOG (window);

  stop_ticking (self);
  if (self->flow != NULL && !self->finished)
    lanyard_dbus_manager_call_cancel_flow (self->manager, g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->flow)),
                                           NULL, NULL, NULL);
  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (lanyard_device_dialog_parent_class)->close_request (window);
}

static void
lanyard_device_dialog_dispose (GObject *object)
{
  LanyardDeviceDialog *self = LANYARD_DEVICE_DIALOG (object);

  stop_ticking (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->flow);
  g_clear_object (&self->manager);
  g_clear_object (&self->qr_code);

  G_OBJECT_CLASS (lanyard_device_dialog_parent_class)->dispose (object);
}

static void
lanyard_device_dialog_finalize (GObject *object)
{
  LanyardDeviceDialog *self = LANYARD_DEVICE_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->provider_id);
  g_free (self->display_name);
  g_free (self->error);
  g_free (self->remaining);

  G_OBJECT_CLASS (lanyard_device_dialog_parent_class)->finalize (object);
}

static void
lanyard_device_dialog_class_init (LanyardDeviceDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lanyard_device_dialog_dispose;
  object_class->finalize = lanyard_device_dialog_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = lanyard_device_dialog_close_request;

  /**
   * LanyardDeviceDialog::linked:
   * @path: the account's object path
   */
  signals[LINKED] = g_signal_new ("linked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lanyard/Lanyard/lanyard-device-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardDeviceDialog, toasts);
  gtk_widget_class_bind_template_child (widget_class, LanyardDeviceDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardDeviceDialog, code_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardDeviceDialog, uri_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardDeviceDialog, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, LanyardDeviceDialog, remaining_label);
  gtk_widget_class_bind_template_child (widget_class, LanyardDeviceDialog, error_page);
  gtk_widget_class_bind_template_callback (widget_class, lanyard_device_dialog_copy_code);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
}

static void
lanyard_device_dialog_init (LanyardDeviceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * lanyard_device_dialog_new:
 *
 * Returns: (transfer none): the dialog, shown; it starts the sign-in
 */
LanyardDeviceDialog *
lanyard_device_dialog_new (GtkWindow          *parent,
                           LanyardDBusManager *manager,
                           const char         *provider_id,
                           const char         *display_name)
{
  LanyardDeviceDialog *self = g_object_new (LANYARD_TYPE_DEVICE_DIALOG,
                                            "transient-for", parent,
                                            "modal", TRUE,
                                            NULL);
  g_autofree char     *title = g_strdup_printf (_ ("Sign In to %s on Another Device"), display_name);

  self->manager = g_object_ref (manager);
  self->provider_id = g_strdup (provider_id);
  self->display_name = g_strdup (display_name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_window_present (GTK_WINDOW (self));
  start (self);
  return self;
}

/**
 * lanyard_device_dialog_get_page:
 *
 * Returns: "starting", "code" or "error"
 */
const char *
lanyard_device_dialog_get_page (LanyardDeviceDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_DEVICE_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
}

const char *
lanyard_device_dialog_get_flow_path (LanyardDeviceDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_DEVICE_DIALOG (self), NULL);
  return self->flow != NULL ? g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->flow)) : NULL;
}

/**
 * lanyard_device_dialog_get_code:
 *
 * Returns: the code as shown
 */
const char *
lanyard_device_dialog_get_code (LanyardDeviceDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_DEVICE_DIALOG (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->code_label));
}

const char *
lanyard_device_dialog_get_uri (LanyardDeviceDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_DEVICE_DIALOG (self), NULL);
  return gtk_link_button_get_uri (GTK_LINK_BUTTON (self->uri_button));
}

/**
 * lanyard_device_dialog_get_remaining:
 *
 * Returns: (nullable): the time left, as shown
 */
const char *
lanyard_device_dialog_get_remaining (LanyardDeviceDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_DEVICE_DIALOG (self), NULL);
  return self->remaining;
}

/**
 * lanyard_device_dialog_get_qr_code:
 *
 * Returns: (transfer none) (nullable): the QR code shown
 */
GdkPaintable *
lanyard_device_dialog_get_qr_code (LanyardDeviceDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_DEVICE_DIALOG (self), NULL);
  return self->qr_code;
}

/**
 * lanyard_device_dialog_get_error:
 *
 * Returns: (nullable): the message of the error page, once shown
 */
const char *
lanyard_device_dialog_get_error (LanyardDeviceDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_DEVICE_DIALOG (self), NULL);
  return self->error;
}
