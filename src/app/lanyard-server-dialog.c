/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include "lanyard-server-dialog.h"

#include <glib/gi18n.h>

/**
 * LanyardServerDialog:
 *
 * "Other Server…": connects to a self-managed GitLab or a company's
 * OpenID Connect sign-in by its address (issue 17). One field, the
 * address; Lanyard asks the daemon to look at the server (AddServer),
 * which registers itself there where the server allows it. Then the
 * dialog closes and emits #LanyardServerDialog::added, and the window goes
 * straight on to the sign-in. Where the server does not let Lanyard
 * register, the dialog says why, shows the values to register by hand
 * (with a link to GitLab's application page) and takes the client ID.
 *
 * Pages: `address`, `working`, `manual`.
 */
struct _LanyardServerDialog
{
  AdwWindow parent_instance;

  /* Owned references */
  LanyardDBusManager *manager;
  GCancellable       *cancellable;
  char               *address; /* what was asked for, as typed */
  char               *provider_id; /* the manual path's */
  guint               redirect_port;

  /* Widgets */
  GtkStack      *stack;
  GtkButton     *connect_button;
  AdwEntryRow   *address_row;
  GtkLabel      *address_error;
  GtkLabel      *working_label;
  GtkLabel      *problem_label;
  AdwActionRow  *redirect_row;
  AdwActionRow  *type_row;
  AdwActionRow  *scopes_row;
  GtkLinkButton *page_link;
  AdwEntryRow   *client_id_row;
  GtkLabel      *manual_error;
};

G_DEFINE_FINAL_TYPE (LanyardServerDialog, lanyard_server_dialog, ADW_TYPE_WINDOW)

enum
{
  ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
lanyard_server_dialog_dispose (GObject *object)
{
  LanyardServerDialog *self = LANYARD_SERVER_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (lanyard_server_dialog_parent_class)->dispose (object);
}

static void
lanyard_server_dialog_finalize (GObject *object)
{
  LanyardServerDialog *self = LANYARD_SERVER_DIALOG (object);

  g_free (self->address);
  g_free (self->provider_id);

  G_OBJECT_CLASS (lanyard_server_dialog_parent_class)->finalize (object);
}

static void
lanyard_server_dialog_class_init (LanyardServerDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lanyard_server_dialog_dispose;
  object_class->finalize = lanyard_server_dialog_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /**
   * LanyardServerDialog::added:
   * @provider_id: the new provider
   * @message: what happened, for a toast
   *
   * The server is added; the sign-in comes next.
   */
  signals[ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
show_page (LanyardServerDialog *self,
           const char          *page)
{
  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_widget_set_sensitive (GTK_WIDGET (self->connect_button), !g_str_equal (page, "working"));
  gtk_button_set_label (self->connect_button, g_str_equal (page, "manual") ? _ ("_Add") : _ ("_Connect"));
}

/* The words of a D-Bus error, without its name. */
static char *
error_words (GError *error)
{
  g_dbus_error_strip_remote_error (error);
  return g_strdup (error->message);
}

static void
added_by_hand_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LanyardServerDialog *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *provider_id = NULL;
  g_autofree char *message = NULL;

  if (!lanyard_dbus_manager_call_add_server_with_client_id_finish (LANYARD_DBUS_MANAGER (object), &provider_id, result,
                                                                   &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = error_words (error);
      gtk_label_set_text (self->manual_error, message);
      gtk_widget_set_visible (GTK_WIDGET (self->manual_error), TRUE);
      show_page (self, "manual");
      return;
    }

  message = g_strdup (_ ("The server is added with the application you registered there."));
  g_signal_emit (self, signals[ADDED], 0, provider_id, message);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
copy_cb (GtkButton    *button,
         AdwActionRow *row)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), adw_action_row_get_subtitle (row));
}

static void
show_manual (LanyardServerDialog *self,
             GVariant            *details)
{
  const char      *problem = "", *redirect = "", *type = "", *scopes = "", *page = NULL, *id = "", *name = "";
  g_autofree char *text = NULL;

  g_variant_lookup (details, "problem", "&s", &problem);
  g_variant_lookup (details, "redirect-uri", "&s", &redirect);
  g_variant_lookup (details, "client-type", "&s", &type);
  g_variant_lookup (details, "scopes", "&s", &scopes);
  g_variant_lookup (details, "applications-url", "&s", &page);
  g_variant_lookup (details, "provider-id", "&s", &id);
  g_variant_lookup (details, "server-name", "&s", &name);
  g_variant_lookup (details, "redirect-port", "u", &self->redirect_port);
  g_free (self->provider_id);
  self->provider_id = g_strdup (id);

  text = g_strdup_printf (_ ("%s\n\nRegister Lanyard at %s by hand, with the values below, and give Lanyard the "
                             "client ID it gets there."),
                          problem, name);
  gtk_label_set_text (self->problem_label, text);
  adw_action_row_set_subtitle (self->redirect_row, redirect);
  adw_action_row_set_subtitle (self->type_row, type);
  adw_action_row_set_subtitle (self->scopes_row, scopes);
  gtk_widget_set_visible (GTK_WIDGET (self->page_link), page != NULL);
  if (page != NULL)
    gtk_link_button_set_uri (self->page_link, page);
  gtk_widget_set_visible (GTK_WIDGET (self->manual_error), FALSE);
  show_page (self, "manual");
  gtk_widget_grab_focus (GTK_WIDGET (self->client_id_row));
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  LanyardServerDialog *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) details = NULL;
  g_autofree char *provider_id = NULL;
  g_autofree char *message = NULL;
  const char      *kind = "", *name = "";
  gboolean         registered = FALSE;

  if (!lanyard_dbus_manager_call_add_server_finish (LANYARD_DBUS_MANAGER (object), &provider_id, &details, result,
                                                    &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = error_words (error);
      gtk_label_set_text (self->address_error, message);
      gtk_widget_set_visible (GTK_WIDGET (self->address_error), TRUE);
      show_page (self, "address");
      return;
    }

  if (provider_id[0] == '\0')
    {
      show_manual (self, details);
      return;
    }

  g_variant_lookup (details, "kind", "&s", &kind);
  g_variant_lookup (details, "server-name", "&s", &name);
  g_variant_lookup (details, "registered", "b", &registered);
  if (registered)
    message = g_strdup_printf (g_str_equal (kind, "gitlab") ? _ ("Found GitLab at %s; Lanyard registered itself there.")
                                                            : _ ("Found an OpenID Connect server at %s; Lanyard "
                                                                 "registered itself there."),
                               name);
  else
    message = g_strdup_printf (_ ("%s was added before."), name);
  g_signal_emit (self, signals[ADDED], 0, provider_id, message);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
connect_clicked_cb (LanyardServerDialog *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "manual"))
    {
      const char     *client_id = gtk_editable_get_text (GTK_EDITABLE (self->client_id_row));
      GVariantBuilder options;

      if (client_id[0] == '\0')
        {
          gtk_label_set_text (self->manual_error, _ ("Paste the client ID the server gave the application."));
          gtk_widget_set_visible (GTK_WIDGET (self->manual_error), TRUE);
          return;
        }
      g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
      if (self->provider_id != NULL && self->provider_id[0] != '\0')
        g_variant_builder_add (&options, "{sv}", "provider_id", g_variant_new_string (self->provider_id));
      if (self->redirect_port != 0)
        g_variant_builder_add (&options, "{sv}", "redirect_port", g_variant_new_uint32 (self->redirect_port));
      show_page (self, "working");
      lanyard_dbus_manager_call_add_server_with_client_id (self->manager, self->address, client_id,
                                                           g_variant_builder_end (&options), self->cancellable,
                                                           added_by_hand_cb, self);
      return;
    }

  g_free (self->address);
  self->address = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_row))));
  if (self->address[0] == '\0')
    {
      gtk_label_set_text (self->address_error, _ ("Type the server's address, such as gitlab.example.com."));
      gtk_widget_set_visible (GTK_WIDGET (self->address_error), TRUE);
      return;
    }
  {
    g_autofree char *text = g_strdup_printf (_ ("Looking at %s…"), self->address);
    gtk_label_set_text (self->working_label, text);
  }
  show_page (self, "working");
  lanyard_dbus_manager_call_add_server (self->manager, self->address, g_variant_new ("a{sv}", NULL), self->cancellable,
                                        added_cb, self);
}

static GtkWidget *
boxed_list (void)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  return list;
}

static GtkLabel *
wrapped_label (const char *text,
               gboolean    error)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), error);
  if (error)
    {
      gtk_widget_add_css_class (label, "error");
      gtk_widget_set_visible (label, FALSE);
    }
  return GTK_LABEL (label);
}

static AdwActionRow *
value_row (const char *title,
           gboolean    copyable)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "property");
  if (copyable)
    {
      GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");

      gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (copy, "flat");
      gtk_widget_set_tooltip_text (copy, _ ("Copy"));
      g_signal_connect (copy, "clicked", G_CALLBACK (copy_cb), row);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), copy);
    }
  return ADW_ACTION_ROW (row);
}

static GtkWidget *
page_box (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  return box;
}

static void
lanyard_server_dialog_init (LanyardServerDialog *self)
{
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_ ("_Cancel"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box, *list, *spinner;

  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _ ("Connect to Another Server"));
  gtk_window_set_default_size (GTK_WINDOW (self), 480, 560);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->connect_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_ ("_Connect")));
  gtk_widget_add_css_class (GTK_WIDGET (self->connect_button), "suggested-action");
  g_signal_connect_swapped (self->connect_button, "clicked", G_CALLBACK (connect_clicked_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->connect_button));
  gtk_box_append (GTK_BOX (content), header);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);

  /* The address. */
  box = page_box ();
  gtk_box_append (GTK_BOX (box),
                  GTK_WIDGET (wrapped_label (_ ("The address of a self-managed GitLab, or of your company's sign-in "
                                                "(an OpenID Connect server). Lanyard looks at what the server says of "
                                                "itself, and registers itself there where the server allows it."),
                                             FALSE)));
  list = boxed_list ();
  self->address_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->address_row), _ ("Address, such as gitlab.example.com"));
  gtk_editable_set_max_width_chars (GTK_EDITABLE (self->address_row), 512);
  g_signal_connect_swapped (self->address_row, "entry-activated", G_CALLBACK (connect_clicked_cb), self);
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->address_row));
  gtk_box_append (GTK_BOX (box), list);
  self->address_error = wrapped_label (NULL, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->address_error));
  gtk_stack_add_named (self->stack, box, "address");

  /* Waiting for the server. */
  box = page_box ();
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  spinner = gtk_spinner_new ();
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_box_append (GTK_BOX (box), spinner);
  self->working_label = wrapped_label (NULL, FALSE);
  gtk_label_set_justify (self->working_label, GTK_JUSTIFY_CENTER);
  gtk_label_set_xalign (self->working_label, 0.5);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->working_label));
  gtk_stack_add_named (self->stack, box, "working");

  /* By hand. */
  box = page_box ();
  self->problem_label = wrapped_label (NULL, FALSE);
  gtk_label_set_selectable (self->problem_label, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->problem_label));
  list = boxed_list ();
  self->redirect_row = value_row (_ ("Redirect URI"), TRUE);
  self->type_row = value_row (_ ("Application type"), FALSE);
  self->scopes_row = value_row (_ ("Scopes"), TRUE);
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->redirect_row));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->type_row));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->scopes_row));
  gtk_box_append (GTK_BOX (box), list);
  self->page_link = GTK_LINK_BUTTON (gtk_link_button_new_with_label ("about:blank", _ ("Open the Server's Applications Page")));
  gtk_widget_set_halign (GTK_WIDGET (self->page_link), GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->page_link));
  list = boxed_list ();
  self->client_id_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->client_id_row), _ ("Client ID"));
  g_signal_connect_swapped (self->client_id_row, "entry-activated", G_CALLBACK (connect_clicked_cb), self);
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->client_id_row));
  gtk_box_append (GTK_BOX (box), list);
  self->manual_error = wrapped_label (NULL, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->manual_error));
  gtk_stack_add_named (self->stack, box, "manual");

  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->stack));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (content), scrolled);
  adw_window_set_content (ADW_WINDOW (self), content);
  show_page (self, "address");
}

/**
 * lanyard_server_dialog_new:
 *
 * Shows the dialog, transient for @parent.
 */
LanyardServerDialog *
lanyard_server_dialog_new (GtkWindow          *parent,
                           LanyardDBusManager *manager)
{
  LanyardServerDialog *self = g_object_new (LANYARD_TYPE_SERVER_DIALOG, "transient-for", parent, NULL);

  self->manager = g_object_ref (manager);
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
  return self;
}

/**
 * lanyard_server_dialog_get_page:
 *
 * Returns: `address`, `working` or `manual`, for tests
 */
const char *
lanyard_server_dialog_get_page (LanyardServerDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_SERVER_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkEditable *
lanyard_server_dialog_get_address_entry (LanyardServerDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_SERVER_DIALOG (self), NULL);
  return GTK_EDITABLE (self->address_row);
}

GtkEditable *
lanyard_server_dialog_get_client_id_entry (LanyardServerDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_SERVER_DIALOG (self), NULL);
  return GTK_EDITABLE (self->client_id_row);
}
