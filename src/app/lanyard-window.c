/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include "lanyard-window.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "lanyard-account-page.h"
#include "lanyard-account-row.h"
#include "lanyard-client-connection.h"
#include "lanyard-client-generated.h"
#include "lanyard-device-dialog.h"
#include "lanyard-provider-row.h"
#include "lanyard-server-dialog.h"
#include "lanyard-signin-dialog.h"

#define ROOT_PATH "/io/github/lanyard/Lanyard"
#define MANAGER_PATH ROOT_PATH "/Manager"

/**
 * LanyardWindow:
 *
 * The main window: the linked accounts, then the providers to connect;
 * clicking an account opens its page. It is a client of lanyard-daemon
 * only, through its object manager, so that accounts linked or removed by
 * any program (lanyardctl, another window) appear and go without a reload,
 * and it shows what the daemon says: the "Primary" tag follows the
 * daemon's CurrentIdentity, not a guess from the accounts' Primary flags.
 * Its size is kept in GSettings.
 */
struct _LanyardWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toasts;
  AdwWindowTitle  *title;
  GtkWidget       *back_button;
  GtkStack        *stack;
  GtkWidget       *account_page;
  AdwStatusPage   *unreachable_page;
  GtkWidget       *empty_state;
  GtkWidget       *empty_box;
  GtkWidget       *main_box;
  GtkWidget       *providers_group;
  GtkWidget       *accounts_group;
  GtkListBox      *accounts_list;
  GtkListBox      *providers_list;

  GDBusObjectManager *objects;
  LanyardDBusManager *manager;
  GHashTable         *provider_names; /* id → display name */
  GCancellable       *cancellable;
  char               *highlight_path;
  char               *current_path; /* CurrentIdentity's account */
  char               *last_toast;
  guint               n_accounts;
  gboolean            ready;
  gboolean            on_socket; /* the daemon's private socket (Flatpak), not the bus */
};

G_DEFINE_FINAL_TYPE (LanyardWindow, lanyard_window, ADW_TYPE_APPLICATION_WINDOW)

static void reload_providers (LanyardWindow *self,
                              const char    *then_sign_in_to);

/* LANYARD_BENCH=1 (bench/lanyard-window-bench): report when the first frame
 * is drawn and how much memory is resident before and after a sign-in
 * dialog opens. Nothing else changes. */
static long
resident_kib (void)
{
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return -1;
  return strtol (line + strlen ("VmRSS:"), NULL, 10);
}

static gboolean
bench_dialog_rss_cb (gpointer user_data)
{
  g_print ("bench: rss-after-dialog %ld\n", resident_kib ());
  g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (user_data))));
  return G_SOURCE_REMOVE;
}

static void
bench_after_paint_cb (GdkFrameClock *clock,
                      LanyardWindow *self)
{
  if (!self->ready)
    return;

  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, self);
  g_print ("bench: first-frame %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  g_print ("bench: rss-before-dialog %ld\n", resident_kib ());
  g_action_group_activate_action (G_ACTION_GROUP (self), "connect", g_variant_new_string ("demo-github"));
  g_timeout_add_seconds (3, bench_dialog_rss_cb, self);
}

static void
bench_map_cb (LanyardWindow *self)
{
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                    G_CALLBACK (bench_after_paint_cb), self);
}

/* AdwToast titles are Pango markup (libadwaita 1.2): the text, with
 * account names from providers in it, is escaped. */
static void
toast (LanyardWindow *self,
       const char    *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (escaped));
}

/* The daemon's words, never a D-Bus error name. */
static void
toast_error (LanyardWindow *self,
             GError        *error)
{
  g_dbus_error_strip_remote_error (error);
  toast (self, error->message);
}

static LanyardAccountRow *
find_account_row (LanyardWindow *self,
                  const char    *path)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (LANYARD_IS_ACCOUNT_ROW (child) && g_strcmp0 (lanyard_account_row_get_path (LANYARD_ACCOUNT_ROW (child)), path) == 0)
      return LANYARD_ACCOUNT_ROW (child);
  return NULL;
}

/**
 * lanyard_window_find_provider_row:
 *
 * Returns: (transfer none) (nullable):
 */
GtkWidget *
lanyard_window_find_provider_row (LanyardWindow *self,
                                  const char    *provider_id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->providers_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (LANYARD_IS_PROVIDER_ROW (child) &&
        g_strcmp0 (lanyard_provider_row_get_provider_id (LANYARD_PROVIDER_ROW (child)), provider_id) == 0)
      return child;
  return NULL;
}

static void
update_current_identity (LanyardWindow *self)
{
  g_autoptr(GVariant) identity = NULL;
  const char         *path = NULL;
  LanyardAccountPage *page = LANYARD_ACCOUNT_PAGE (self->account_page);

  if (self->manager != NULL)
    identity = lanyard_dbus_manager_dup_current_identity (self->manager);
  if (identity != NULL)
    g_variant_lookup (identity, "account", "&o", &path);
  g_free (self->current_path);
  self->current_path = g_strdup (path);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (LANYARD_IS_ACCOUNT_ROW (child))
      lanyard_account_row_set_current (LANYARD_ACCOUNT_ROW (child),
                                       g_strcmp0 (lanyard_account_row_get_path (LANYARD_ACCOUNT_ROW (child)), path) == 0);
  if (lanyard_account_page_get_account (page) != NULL)
    lanyard_account_page_set_current (
      page, g_strcmp0 (g_dbus_proxy_get_object_path (G_DBUS_PROXY (lanyard_account_page_get_account (page))), path) == 0);
}

/* With no account, the providers are the content of the empty state's
 * status page (as GNOME apps show an empty state); else they follow the
 * accounts. The one group moves between the two. */
static void
update_empty_state (LanyardWindow *self)
{
  GtkWidget  *slot = self->n_accounts == 0 ? self->empty_box : self->main_box;
  GtkWidget  *parent = gtk_widget_get_parent (self->providers_group);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  gtk_widget_set_visible (self->accounts_group, self->n_accounts > 0);
  if (parent != slot)
    {
      g_object_ref (self->providers_group);
      gtk_box_remove (GTK_BOX (parent), self->providers_group);
      gtk_box_append (GTK_BOX (slot), self->providers_group);
      g_object_unref (self->providers_group);
    }
  if (g_strcmp0 (page, "main") == 0 || g_strcmp0 (page, "empty") == 0)
    gtk_stack_set_visible_child_name (self->stack, self->n_accounts == 0 ? "empty" : "main");
}

/* The header as it is outside an account's page. */
static void
reset_header (LanyardWindow *self)
{
  adw_window_title_set_title (self->title, _ ("Lanyard"));
  adw_window_title_set_subtitle (self->title, NULL);
  gtk_widget_set_visible (self->back_button, FALSE);
}

/* The list of accounts and providers, or the empty state. */
static void
show_list (LanyardWindow *self)
{
  gtk_stack_set_visible_child_name (self->stack, "main");
  update_empty_state (self);
}

static void
add_account (LanyardWindow      *self,
             LanyardDBusAccount *account)
{
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (account));
  const char *provider = lanyard_dbus_account_get_provider_id (account);
  const char *provider_name = g_hash_table_lookup (self->provider_names, provider);
  GtkWidget  *row;

  if (find_account_row (self, path) != NULL)
    return;

  row = lanyard_account_row_new (account, provider_name != NULL ? provider_name : provider);
  lanyard_account_row_set_current (LANYARD_ACCOUNT_ROW (row), g_strcmp0 (self->current_path, path) == 0);
  gtk_list_box_append (self->accounts_list, row);
  self->n_accounts++;
  update_empty_state (self);

  if (g_strcmp0 (self->highlight_path, path) == 0)
    {
      lanyard_account_row_highlight (LANYARD_ACCOUNT_ROW (row));
      g_clear_pointer (&self->highlight_path, g_free);
    }
}

static void
object_added_cb (GDBusObjectManager *objects,
                 GDBusObject        *object,
                 LanyardWindow      *self)
{
  LanyardDBusAccount *account = lanyard_dbus_object_peek_account (LANYARD_DBUS_OBJECT (object));

  if (account != NULL)
    add_account (self, account);
}

static void
object_removed_cb (GDBusObjectManager *objects,
                   GDBusObject        *object,
                   LanyardWindow      *self)
{
  LanyardAccountRow *row = find_account_row (self, g_dbus_object_get_object_path (object));

  if (row == NULL)
    return;
  /* Its page goes with it (back to the list only from that page: when
   * the daemon went away, the window says so instead). */
  if (lanyard_account_page_get_account (LANYARD_ACCOUNT_PAGE (self->account_page)) ==
      lanyard_account_row_get_account (row))
    {
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "account") == 0)
        {
          reset_header (self);
          show_list (self);
        }
      lanyard_account_page_set_account (LANYARD_ACCOUNT_PAGE (self->account_page), NULL, NULL, NULL, NULL, FALSE);
    }
  gtk_list_box_remove (self->accounts_list, GTK_WIDGET (row));
  self->n_accounts--;
  update_empty_state (self);
}

/* "Other Server…": a self-managed GitLab or a company's sign-in, by its
 * address (lanyard-server-dialog.c). Always the last row. */
static GtkWidget *
other_server_row_new (void)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("network-server-symbolic");
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Other Server…"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _ ("A self-managed GitLab or your company's sign-in"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.other-server");
  gtk_widget_set_name (row, "other-server");
  return row;
}

/* The provider rows, from ListProviders, and "Other Server…" after them. */
static void
fill_providers (LanyardWindow *self,
                GVariant      *providers)
{
  GVariantIter iter;
  GVariant    *entry;
  GtkWidget   *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->providers_list))) != NULL)
    gtk_list_box_remove (self->providers_list, child);

  g_variant_iter_init (&iter, providers);
  while ((entry = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *id = NULL, *name = NULL;

      g_variant_lookup (entry, "id", "&s", &id);
      g_variant_lookup (entry, "display-name", "&s", &name);
      g_hash_table_replace (self->provider_names, g_strdup (id), g_strdup (name));
      gtk_list_box_append (self->providers_list, lanyard_provider_row_new (entry));
      g_variant_unref (entry);
    }
  gtk_list_box_append (self->providers_list, other_server_row_new ());
}

static void
providers_changed_cb (LanyardWindow *self)
{
  reload_providers (self, NULL);
}

static void
providers_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(LanyardWindow) self = user_data;
  g_autoptr(GVariant) providers = NULL;
  g_autoptr(GError) error = NULL;
  g_autolist(GDBusObject) list = NULL;

  if (!lanyard_dbus_manager_call_list_providers_finish (LANYARD_DBUS_MANAGER (object), &providers, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_dbus_error_strip_remote_error (error);
          adw_status_page_set_description (self->unreachable_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "unreachable");
        }
      return;
    }

  fill_providers (self, providers);

  g_signal_connect_object (self->manager, "notify::current-identity", G_CALLBACK (update_current_identity), self,
                           G_CONNECT_SWAPPED);
  /* A server added, renamed or removed, by this window or anyone. */
  g_signal_connect_object (self->manager, "providers-changed", G_CALLBACK (providers_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_current_identity (self);

  /* Accounts after providers, so that rows can name their provider. */
  list = g_dbus_object_manager_get_objects (self->objects);
  for (GList *l = list; l != NULL; l = l->next)
    object_added_cb (self->objects, l->data, self);
  g_signal_connect_object (self->objects, "object-added", G_CALLBACK (object_added_cb), self, 0);
  g_signal_connect_object (self->objects, "object-removed", G_CALLBACK (object_removed_cb), self, 0);

  show_list (self);
  self->ready = TRUE;
}

static void connect_to_daemon (LanyardWindow *self);

/* The daemon went away (crashed, replaced, stopped): say so, and offer to
 * start it again; an activated daemon comes back on the next call. */
static void
name_owner_cb (GDBusObjectManagerClient *objects,
               GParamSpec               *pspec,
               LanyardWindow            *self)
{
  g_autofree char *owner = g_dbus_object_manager_client_get_name_owner (objects);

  if (owner != NULL)
    return;

  self->ready = FALSE;
  reset_header (self);
  adw_status_page_set_description (self->unreachable_page,
                                   _ ("Lanyard's account service stopped. Your accounts are safe; "
                                      "try again to reconnect."));
  gtk_stack_set_visible_child_name (self->stack, "unreachable");
}

static void
socket_closed_cb (GDBusConnection *connection,
                  gboolean         remote_peer_vanished,
                  GError          *error,
                  LanyardWindow   *self)
{
  self->ready = FALSE;
  adw_status_page_set_description (self->unreachable_page,
                                   _ ("Lanyard's account service stopped. Your accounts are safe; "
                                      "try again to reconnect."));
  gtk_stack_set_visible_child_name (self->stack, "unreachable");
}

static void
objects_ready_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(LanyardWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *owner = NULL;

  self->objects = lanyard_dbus_object_manager_client_new_finish (result, &error);
  /* On the private socket the connection is the daemon: no name to own. */
  if (self->objects != NULL && self->on_socket)
    owner = g_strdup ("");
  else if (self->objects != NULL)
    owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (self->objects));

  if (owner == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_status_page_set_description (self->unreachable_page,
                                       _ ("Lanyard's account service (lanyard-daemon) could not be started. "
                                          "Check that Lanyard is installed completely, then try again."));
      gtk_stack_set_visible_child_name (self->stack, "unreachable");
      g_clear_object (&self->objects);
      return;
    }

  if (self->on_socket)
    g_signal_connect_object (g_dbus_object_manager_client_get_connection (G_DBUS_OBJECT_MANAGER_CLIENT (self->objects)),
                             "closed", G_CALLBACK (socket_closed_cb), self, 0);
  else
    g_signal_connect_object (self->objects, "notify::name-owner", G_CALLBACK (name_owner_cb), self, 0);
  self->manager = LANYARD_DBUS_MANAGER (g_dbus_object_manager_get_interface (self->objects, MANAGER_PATH,
                                                                             "io.github.lanyard.Manager"));
  lanyard_dbus_manager_call_list_providers (self->manager, self->cancellable, providers_cb, g_object_ref (self));
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(LanyardWindow) self = user_data;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = NULL;

  connection = lanyard_client_connect_finish (result, &name, &error);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_status_page_set_description (self->unreachable_page,
                                       _ ("Lanyard's account service (lanyard-daemon) could not be started. "
                                          "Check that Lanyard is installed completely, then try again."));
      gtk_stack_set_visible_child_name (self->stack, "unreachable");
      return;
    }
  self->on_socket = name == NULL;
  lanyard_dbus_object_manager_client_new (connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE, name, ROOT_PATH,
                                          self->cancellable, objects_ready_cb, g_object_ref (self));
}

static void
connect_to_daemon (LanyardWindow *self)
{
  GtkWidget *child;

  g_clear_object (&self->objects);
  g_clear_object (&self->manager);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list))) != NULL)
    gtk_list_box_remove (self->accounts_list, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->providers_list))) != NULL)
    gtk_list_box_remove (self->providers_list, child);
  self->n_accounts = 0;
  self->ready = FALSE;
  g_clear_pointer (&self->current_path, g_free);
  reset_header (self);
  lanyard_account_page_set_account (LANYARD_ACCOUNT_PAGE (self->account_page), NULL, NULL, NULL, NULL, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "loading");

  /* Starts the daemon (D-Bus activation); the session bus, or the
   * daemon's private socket when it runs in a Flatpak. */
  lanyard_client_connect_async (self->cancellable, connected_cb, g_object_ref (self));
}

static void
reconnect_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  connect_to_daemon (LANYARD_WINDOW (user_data));
}

/**
 * lanyard_window_show_account:
 * @path: an account's object path
 *
 * Draws the eye to that account (focus and a brief highlight), now or as
 * soon as its row exists: after a sign-in, or when a notification about
 * the account was clicked before the window had loaded.
 */
void
lanyard_window_show_account (LanyardWindow *self,
                             const char    *path)
{
  LanyardAccountRow *row;

  g_return_if_fail (LANYARD_IS_WINDOW (self));

  row = find_account_row (self, path);
  if (row != NULL)
    lanyard_account_row_highlight (row);
  else
    {
      g_free (self->highlight_path);
      self->highlight_path = g_strdup (path);
    }
}

/**
 * lanyard_window_find_account_row:
 *
 * Returns: (transfer none) (nullable): the row of the account at @path
 */
GtkWidget *
lanyard_window_find_account_row (LanyardWindow *self,
                                 const char    *path)
{
  g_return_val_if_fail (LANYARD_IS_WINDOW (self), NULL);
  return (GtkWidget *) find_account_row (self, path);
}

static LanyardDBusAccount *
peek_account (LanyardWindow *self,
              const char    *path)
{
  LanyardAccountRow *row = find_account_row (self, path);
  g_autoptr(GDBusInterface) interface = NULL;

  if (row != NULL)
    return lanyard_account_row_get_account (row);
  if (self->objects == NULL)
    return NULL;
  /* Not in the list yet: the object manager knows it already. */
  interface = g_dbus_object_manager_get_interface (self->objects, path, "io.github.lanyard.Account");
  return interface != NULL ? LANYARD_DBUS_ACCOUNT (interface) : NULL; /* owned by the manager */
}

static const char *
provider_name_of (LanyardWindow      *self,
                  LanyardDBusAccount *account)
{
  const char *id = lanyard_dbus_account_get_provider_id (account);
  const char *name = g_hash_table_lookup (self->provider_names, id);

  return name != NULL ? name : id;
}

/* "octocat on GitHub": how toasts and dialogs name an account. */
static char *
describe_account (LanyardWindow *self,
                  const char    *path)
{
  LanyardDBusAccount *account = peek_account (self, path);

  if (account == NULL)
    return g_strdup (_ ("The account"));
  /* TRANSLATORS: an account at a provider, as in "octocat on GitHub" */
  return g_strdup_printf (_ ("%s on %s"), lanyard_account_row_get_name (account), provider_name_of (self, account));
}

/* After a sign-in dialog of either kind (browser or another device). */
static void
linked_cb (GtkWindow     *dialog,
           const char    *path,
           LanyardWindow *self)
{
  GHashTable      *existing = g_object_get_data (G_OBJECT (dialog), "lanyard-existing-accounts");
  const char      *expected = g_object_get_data (G_OBJECT (dialog), "lanyard-expected-account");
  g_autofree char *who = describe_account (self, path);
  g_autofree char *text = NULL;

  if (expected != NULL && g_strcmp0 (expected, path) != 0)
    {
      /* The provider signed in someone else: both are linked now, and the
       * person must know the one they meant still waits. */
      g_autofree char *wanted = describe_account (self, expected);

      text = g_strdup_printf (_ ("You signed in as %s, not as %s. Both are connected now; %s still needs you to "
                                 "sign in again."),
                              who, wanted, wanted);
    }
  else if (existing != NULL && g_hash_table_contains (existing, path))
    text = g_strdup_printf (_ ("%s was already connected: you are signed in again."), who);
  else
    text = g_strdup_printf (_ ("%s is connected."), who);

  toast (self, text);
  lanyard_window_show_account (self, path);
}

static void
open_signin (LanyardWindow *self,
             const char    *provider_id,
             const char    *expected_path)
{
  GtkWidget          *row = lanyard_window_find_provider_row (self, provider_id);
  LanyardApplication *application = LANYARD_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  gboolean            use_browser = application != NULL &&
    g_settings_get_boolean (lanyard_application_get_settings (application), "always-use-browser");
  LanyardSigninDialog *dialog;
  LanyardDBusAccount  *expected = NULL;
  const char          *login_hint = NULL;
  GHashTable          *existing;

  if (row == NULL || self->manager == NULL)
    return;

  /* Signing in again to one account: the provider is told which (where it
   * takes a hint; the daemon knows which do), so the person need not type
   * it. Only a hint: another account may still come back (linked_cb). */
  if (expected_path != NULL)
    expected = peek_account (self, expected_path);
  if (expected != NULL)
    {
      login_hint = lanyard_dbus_account_get_username (expected);
      if (login_hint == NULL || login_hint[0] == '\0')
        login_hint = lanyard_dbus_account_get_email (expected);
      if (login_hint != NULL && login_hint[0] == '\0')
        login_hint = NULL;
    }
  dialog = lanyard_signin_dialog_new (GTK_WINDOW (self), self->manager, provider_id,
                                      lanyard_provider_row_get_display_name (LANYARD_PROVIDER_ROW (row)), login_hint,
                                      use_browser);
  existing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (LANYARD_IS_ACCOUNT_ROW (child))
      g_hash_table_add (existing, g_strdup (lanyard_account_row_get_path (LANYARD_ACCOUNT_ROW (child))));
  g_object_set_data_full (G_OBJECT (dialog), "lanyard-existing-accounts", existing,
                          (GDestroyNotify) g_hash_table_unref);
  if (expected_path != NULL)
    g_object_set_data_full (G_OBJECT (dialog), "lanyard-expected-account", g_strdup (expected_path), g_free);
  g_signal_connect_object (dialog, "linked", G_CALLBACK (linked_cb), self, 0);
}

typedef struct
{
  LanyardWindow *self;
  char          *provider_id;
} Reload;

static void
reloaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Reload *reload = user_data;
  g_autoptr(GVariant) providers = NULL;
  g_autoptr(GError) error = NULL;

  if (lanyard_dbus_manager_call_list_providers_finish (LANYARD_DBUS_MANAGER (object), &providers, result, &error))
    {
      fill_providers (reload->self, providers);
      /* Straight on to the sign-in at the server just added. */
      if (reload->provider_id != NULL)
        open_signin (reload->self, reload->provider_id, NULL);
    }
  g_object_unref (reload->self);
  g_free (reload->provider_id);
  g_free (reload);
}

/* The providers again: a server was added or removed. */
static void
reload_providers (LanyardWindow *self,
                  const char    *then_sign_in_to)
{
  Reload *reload;

  if (self->manager == NULL)
    return;
  reload = g_new0 (Reload, 1);
  reload->self = g_object_ref (self);
  reload->provider_id = g_strdup (then_sign_in_to);
  lanyard_dbus_manager_call_list_providers (self->manager, self->cancellable, reloaded_cb, reload);
}

static void
server_added_cb (LanyardServerDialog *dialog,
                 const char          *provider_id,
                 const char          *message,
                 LanyardWindow       *self)
{
  toast (self, message);
  reload_providers (self, provider_id);
}

static void
other_server_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  LanyardWindow       *self = user_data;
  LanyardServerDialog *dialog;

  if (self->manager == NULL)
    return;
  dialog = lanyard_server_dialog_new (GTK_WINDOW (self), self->manager);
  g_signal_connect_object (dialog, "added", G_CALLBACK (server_added_cb), self, 0);
}

/* "Sign In on Another Device": only for providers that can (the row
 * offers it only then, and the daemon refuses it otherwise). */
static void
connect_device_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  LanyardWindow       *self = user_data;
  const char          *provider_id = g_variant_get_string (parameter, NULL);
  GtkWidget           *row = lanyard_window_find_provider_row (self, provider_id);
  LanyardDeviceDialog *dialog;
  GHashTable          *existing;

  if (row == NULL || self->manager == NULL || !lanyard_provider_row_get_offers_device (LANYARD_PROVIDER_ROW (row)))
    return;
  dialog = lanyard_device_dialog_new (GTK_WINDOW (self), self->manager, provider_id,
                                      lanyard_provider_row_get_display_name (LANYARD_PROVIDER_ROW (row)));
  existing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (LANYARD_IS_ACCOUNT_ROW (child))
      g_hash_table_add (existing, g_strdup (lanyard_account_row_get_path (LANYARD_ACCOUNT_ROW (child))));
  g_object_set_data_full (G_OBJECT (dialog), "lanyard-existing-accounts", existing,
                          (GDestroyNotify) g_hash_table_unref);
  g_signal_connect_object (dialog, "linked", G_CALLBACK (linked_cb), self, 0);
}

static void
connect_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  open_signin (user_data, g_variant_get_string (parameter, NULL), NULL);
}

/* For that account, not a generic sign-in at its provider. */
static void
sign_in_again_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  LanyardWindow      *self = user_data;
  const char         *path = g_variant_get_string (parameter, NULL);
  LanyardDBusAccount *account = peek_account (self, path);

  if (account != NULL)
    open_signin (self, lanyard_dbus_account_get_provider_id (account), path);
}

static void
show_account_page (LanyardWindow     *self,
                   LanyardAccountRow *row)
{
  LanyardDBusAccount *account = lanyard_account_row_get_account (row);
  GtkWidget          *provider = lanyard_window_find_provider_row (self, lanyard_dbus_account_get_provider_id (account));

  lanyard_account_page_set_account (LANYARD_ACCOUNT_PAGE (self->account_page), account,
                                    lanyard_account_row_get_provider_name (row),
                                    provider != NULL ? lanyard_provider_row_get_server (LANYARD_PROVIDER_ROW (provider)) : NULL,
                                    provider != NULL ? lanyard_provider_row_get_icon_name (LANYARD_PROVIDER_ROW (provider))
                                                     : "dialog-password-symbolic",
                                    lanyard_account_row_get_current (row));
  adw_window_title_set_title (self->title, lanyard_account_row_get_name (account));
  adw_window_title_set_subtitle (self->title, lanyard_account_row_get_provider_name (row));
  gtk_widget_set_visible (self->back_button, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "account");
  gtk_widget_grab_focus (self->back_button);
}

static void
account_row_activated_cb (LanyardWindow *self,
                          GtkListBoxRow *row)
{
  if (LANYARD_IS_ACCOUNT_ROW (row))
    show_account_page (self, LANYARD_ACCOUNT_ROW (row));
}

static void
show_account_page_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  LanyardWindow     *self = user_data;
  LanyardAccountRow *row = find_account_row (self, g_variant_get_string (parameter, NULL));

  if (row != NULL)
    show_account_page (self, row);
}

static void
back_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  LanyardWindow      *self = user_data;
  LanyardDBusAccount *account = lanyard_account_page_get_account (LANYARD_ACCOUNT_PAGE (self->account_page));
  LanyardAccountRow  *row;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "account") != 0)
    return;
  reset_header (self);
  show_list (self);
  /* Back where the person was. */
  row = account != NULL ? find_account_row (self, g_dbus_proxy_get_object_path (G_DBUS_PROXY (account))) : NULL;
  if (row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

typedef struct
{
  LanyardWindow *self;
  char          *path;
} Primary;

static void
primary_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Primary *primary = user_data;
  g_autoptr(GError) error = NULL;

  if (!lanyard_dbus_manager_call_set_primary_finish (LANYARD_DBUS_MANAGER (object), result, &error))
    toast_error (primary->self, error);
  else
    {
      g_autofree char *who = describe_account (primary->self, primary->path);
      g_autofree char *text = g_strdup_printf (_ ("%s is now your primary account."), who);

      toast (primary->self, text);
    }
  g_object_unref (primary->self);
  g_free (primary->path);
  g_free (primary);
}

static void
make_primary_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  LanyardWindow *self = user_data;
  Primary       *primary;

  if (self->manager == NULL)
    return;
  primary = g_new0 (Primary, 1);
  primary->self = g_object_ref (self);
  primary->path = g_variant_dup_string (parameter, NULL);
  lanyard_dbus_manager_call_set_primary (self->manager, primary->path, self->cancellable, primary_cb, primary);
}

static void
copy_id_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  LanyardWindow *self = user_data;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), g_variant_get_string (parameter, NULL));
  toast (self, _ ("Account ID copied"));
}

typedef struct
{
  LanyardWindow *self;
  char          *who;
  char          *provider;
} Unlink;

static void
unlink_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Unlink *unlink = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;
  gboolean         revoked = FALSE;

  if (!lanyard_dbus_account_call_unlink_finish (LANYARD_DBUS_ACCOUNT (object), &revoked, &message, result, &error))
    toast_error (unlink->self, error);
  else
    {
      if (revoked)
        text = g_strdup_printf (_ ("%s was removed, and its access at %s revoked."), unlink->who, unlink->provider);
      else
        text = g_strdup_printf (_ ("%s was removed. %s"), unlink->who, message);
      toast (unlink->self, text);
    }

  g_object_unref (unlink->self);
  g_free (unlink->who);
  g_free (unlink->provider);
  g_free (unlink);
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    LanyardWindow    *self)
{
  const char         *path = g_object_get_data (G_OBJECT (dialog), "path");
  LanyardAccountRow  *row = find_account_row (self, path);
  LanyardDBusAccount *account;
  Unlink             *unlink;

  if (row == NULL || g_strcmp0 (response, "remove") != 0)
    return;
  account = lanyard_account_row_get_account (row);
  unlink = g_new0 (Unlink, 1);
  unlink->self = g_object_ref (self);
  unlink->who = describe_account (self, path);
  unlink->provider = g_strdup (provider_name_of (self, account));
  lanyard_dbus_account_call_unlink (account, self->cancellable, unlink_cb, unlink);
}

static void
remove_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  LanyardWindow      *self = user_data;
  const char         *path = g_variant_get_string (parameter, NULL);
  LanyardAccountRow  *row = find_account_row (self, path);
  LanyardDBusAccount *account;
  g_autofree char    *heading = NULL;
  g_autofree char    *body = NULL;
  GtkWidget          *dialog;

  if (row == NULL)
    return;

  account = lanyard_account_row_get_account (row);
  heading = g_strdup_printf (_ ("Remove %s?"), lanyard_account_row_get_name (account));
  body = g_strdup_printf (_ ("Lanyard will revoke its access at %s, so that its token stops working there, and "
                             "forget the account on this computer. Apps that use it will need you to connect it "
                             "again."),
                          provider_name_of (self, account));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _ ("_Cancel"),
                                    "remove", _ ("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A provider that is not set up: its configuration error, for whoever set
 * Lanyard up, one click from the list. */
static void
provider_problem_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  LanyardWindow   *self = user_data;
  GtkWidget       *row = lanyard_window_find_provider_row (self, g_variant_get_string (parameter, NULL));
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget       *dialog;

  if (row == NULL)
    return;
  heading = g_strdup_printf (_ ("%s Is Not Set Up"), lanyard_provider_row_get_display_name (LANYARD_PROVIDER_ROW (row)));
  body = g_strdup_printf (_ ("Its configuration has a problem: %s. Whoever set up Lanyard on this computer can "
                             "correct it; Lanyard reads it again when it starts."),
                          lanyard_provider_row_get_problem (LANYARD_PROVIDER_ROW (row)));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Servers added by their address: renamed and removed here. */

typedef struct
{
  LanyardWindow *self;
  char          *provider_id;
  char          *name;
} ServerCall;

static ServerCall *
server_call_new (LanyardWindow *self,
                 const char    *provider_id,
                 const char    *name)
{
  ServerCall *call = g_new0 (ServerCall, 1);

  call->self = g_object_ref (self);
  call->provider_id = g_strdup (provider_id);
  call->name = g_strdup (name);
  return call;
}

static void
server_call_free (ServerCall *call)
{
  g_object_unref (call->self);
  g_free (call->provider_id);
  g_free (call->name);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ServerCall, server_call_free)

static void
renamed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ServerCall) call = user_data;
  g_autoptr(GError) error = NULL;

  if (!lanyard_dbus_manager_call_rename_provider_finish (LANYARD_DBUS_MANAGER (object), result, &error))
    {
      toast_error (call->self, error);
      return;
    }
  reload_providers (call->self, NULL);
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    LanyardWindow    *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  const char  *provider_id = g_object_get_data (G_OBJECT (dialog), "provider-id");

  if (g_strcmp0 (response, "rename") != 0 || self->manager == NULL)
    return;
  lanyard_dbus_manager_call_rename_provider (self->manager, provider_id, gtk_editable_get_text (entry),
                                             self->cancellable, renamed_cb, server_call_new (self, provider_id, NULL));
}

static void
rename_provider_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  LanyardWindow   *self = user_data;
  const char      *provider_id = g_variant_get_string (parameter, NULL);
  GtkWidget       *row = lanyard_window_find_provider_row (self, provider_id);
  GtkWidget       *entry = gtk_entry_new ();
  g_autofree char *heading = NULL;
  GtkWidget       *dialog;

  if (row == NULL)
    return;
  heading = g_strdup_printf (_ ("Rename %s"), lanyard_provider_row_get_display_name (LANYARD_PROVIDER_ROW (row)));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, _ ("The name Lanyard shows for this server."));
  gtk_editable_set_text (GTK_EDITABLE (entry), lanyard_provider_row_get_display_name (LANYARD_PROVIDER_ROW (row)));
  gtk_entry_set_max_length (GTK_ENTRY (entry), 100);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "rename", _ ("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data_full (G_OBJECT (dialog), "provider-id", g_strdup (provider_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
provider_removed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ServerCall) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;
  gboolean         deleted = FALSE;

  if (!lanyard_dbus_manager_call_remove_provider_finish (LANYARD_DBUS_MANAGER (object), &deleted, &message, result,
                                                         &error))
    {
      toast_error (call->self, error);
      return;
    }
  if (deleted)
    text = g_strdup_printf (_ ("%s was removed, and Lanyard's registration there deleted."), call->name);
  else if (message[0] != '\0')
    text = g_strdup_printf (_ ("%s was removed. %s"), call->name, message);
  else
    text = g_strdup_printf (_ ("%s was removed."), call->name);
  toast (call->self, text);
  reload_providers (call->self, NULL);
}

static void
remove_provider_response_cb (AdwMessageDialog *dialog,
                             const char       *response,
                             LanyardWindow    *self)
{
  const char *provider_id = g_object_get_data (G_OBJECT (dialog), "provider-id");
  const char *name = g_object_get_data (G_OBJECT (dialog), "name");

  if (g_strcmp0 (response, "remove") != 0 || self->manager == NULL)
    return;
  lanyard_dbus_manager_call_remove_provider (self->manager, provider_id, self->cancellable, provider_removed_cb,
                                             server_call_new (self, provider_id, name));
}

static void
remove_provider_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  LanyardWindow   *self = user_data;
  const char      *provider_id = g_variant_get_string (parameter, NULL);
  GtkWidget       *row = lanyard_window_find_provider_row (self, provider_id);
  const char      *name;
  g_autofree char *heading = NULL;
  GtkWidget       *dialog;

  if (row == NULL)
    return;
  name = lanyard_provider_row_get_display_name (LANYARD_PROVIDER_ROW (row));
  heading = g_strdup_printf (_ ("Remove %s?"), name);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _ ("Lanyard deletes its registration at the server, where the server allows it, "
                                      "and forgets the server on this computer. Its accounts must be removed first."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "remove", _ ("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "provider-id", g_strdup (provider_id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "name", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_provider_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry window_actions[] = {
  { "connect", connect_activated, "s", NULL, NULL, { 0 } },
  { "other-server", other_server_activated, NULL, NULL, NULL, { 0 } },
  { "rename-provider", rename_provider_activated, "s", NULL, NULL, { 0 } },
  { "remove-provider", remove_provider_activated, "s", NULL, NULL, { 0 } },
  { "connect-device", connect_device_activated, "s", NULL, NULL, { 0 } },
  { "sign-in-again", sign_in_again_activated, "s", NULL, NULL, { 0 } },
  { "show-account-page", show_account_page_activated, "s", NULL, NULL, { 0 } },
  { "back", back_activated, NULL, NULL, NULL, { 0 } },
  { "make-primary", make_primary_activated, "s", NULL, NULL, { 0 } },
  { "copy-id", copy_id_activated, "s", NULL, NULL, { 0 } },
  { "remove", remove_activated, "s", NULL, NULL, { 0 } },
  { "provider-problem", provider_problem_activated, "s", NULL, NULL, { 0 } },
  { "reconnect", reconnect_activated, NULL, NULL, NULL, { 0 } },
};

static void
lanyard_window_dispose (GObject *object)
{
  LanyardWindow *self = LANYARD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->manager);
  g_clear_object (&self->objects);
  gtk_widget_dispose_template (GTK_WIDGET (self), LANYARD_TYPE_WINDOW);

  G_OBJECT_CLASS (lanyard_window_parent_class)->dispose (object);
}

static void
lanyard_window_finalize (GObject *object)
{
  LanyardWindow *self = LANYARD_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->provider_names, g_hash_table_unref);
  g_free (self->highlight_path);
  g_free (self->current_path);
  g_free (self->last_toast);

  G_OBJECT_CLASS (lanyard_window_parent_class)->finalize (object);
}

/* The size the person left it at, for next time (not when maximized:
 * then the size before). */
static gboolean
lanyard_window_close_request (GtkWindow *window)
{
  GtkApplication *application = gtk_window_get_application (window);
  int             width, height;

  if (application != NULL && LANYARD_IS_APPLICATION (application))
    {
      GSettings *settings = lanyard_application_get_settings (LANYARD_APPLICATION (application));

      gtk_window_get_default_size (window, &width, &height);
      if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
        {
          g_settings_set_int (settings, "window-width", width);
          g_settings_set_int (settings, "window-height", height);
        }
      g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
    }

  return GTK_WINDOW_CLASS (lanyard_window_parent_class)->close_request (window);
}

static void
lanyard_window_class_init (LanyardWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lanyard_window_dispose;
  object_class->finalize = lanyard_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = lanyard_window_close_request;

  g_type_ensure (LANYARD_TYPE_ACCOUNT_PAGE);
  /* Out of an account's page as in GNOME Settings (no-ops elsewhere). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lanyard/Lanyard/lanyard-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, title);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, account_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, unreachable_page);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, empty_state);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, empty_box);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, main_box);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, providers_group);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, accounts_group);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, LanyardWindow, providers_list);
}

static void
lanyard_window_init (LanyardWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* What a Flatpak'd Lanyard cannot do, said where the person looks, not
   * only in docs/flatpak.md: inside its sandbox the daemon cannot tell
   * one sandboxed app from another, so it gives them no tokens. */
  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->providers_group),
                                           _ ("Lanyard runs as a Flatpak here: other apps see who you are, and "
                                              "programs outside sandboxes can use your accounts, but sandboxed "
                                              "apps cannot. For that, install Lanyard from your distribution."));
  self->cancellable = g_cancellable_new ();
  self->provider_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_action_map_add_action_entries (G_ACTION_MAP (self), window_actions, G_N_ELEMENTS (window_actions), self);
  if (g_getenv ("LANYARD_BENCH") != NULL)
    g_signal_connect (self, "map", G_CALLBACK (bench_map_cb), NULL);
  g_signal_connect_swapped (self->accounts_list, "row-activated", G_CALLBACK (account_row_activated_cb), self);
  connect_to_daemon (self);
}

LanyardWindow *
lanyard_window_new (LanyardApplication *application)
{
  LanyardWindow *self = g_object_new (LANYARD_TYPE_WINDOW, "application", application, NULL);
  GSettings     *settings;

  /* Here, not in constructed: "application" is set after that. */
  if (application == NULL)
    return self;
  settings = lanyard_application_get_settings (application);
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  return self;
}

/**
 * lanyard_window_is_ready:
 *
 * Returns: whether providers and accounts are shown
 */
gboolean
lanyard_window_is_ready (LanyardWindow *self)
{
  g_return_val_if_fail (LANYARD_IS_WINDOW (self), FALSE);
  return self->ready;
}

/**
 * lanyard_window_get_account_page:
 *
 * Returns: (transfer none): the account page (shown or not)
 */
GtkWidget *
lanyard_window_get_account_page (LanyardWindow *self)
{
  g_return_val_if_fail (LANYARD_IS_WINDOW (self), NULL);
  return self->account_page;
}

/**
 * lanyard_window_get_page:
 *
 * Returns: "loading", "unreachable", "empty" (no account yet), "main" or
 *   "account"
 */
const char *
lanyard_window_get_page (LanyardWindow *self)
{
  g_return_val_if_fail (LANYARD_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * lanyard_window_get_last_toast:
 *
 * Toasts wait their turn in the overlay; this is the latest one added.
 *
 * Returns: (nullable): the text of the last toast
 */
const char *
lanyard_window_get_last_toast (LanyardWindow *self)
{
  g_return_val_if_fail (LANYARD_IS_WINDOW (self), NULL);
  return self->last_toast;
}

guint
lanyard_window_get_n_accounts (LanyardWindow *self)
{
  g_return_val_if_fail (LANYARD_IS_WINDOW (self), 0);
  return self->n_accounts;
}
