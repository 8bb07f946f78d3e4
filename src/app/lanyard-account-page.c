/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include "lanyard-account-page.h"

#include <gio/gdesktopappinfo.h>
#include <glib/gi18n.h>

#include "lanyard-account-row.h"
#include "lanyard-text.h"

/**
 * LanyardAccountPage:
 *
 * One account's details, as GNOME Settings shows an online account: who it
 * is, at which provider, since when, how its access stands, and what can be
 * done with it (Make Primary, Sign In Again, Copy Account ID, Remove). It
 * follows the daemon's account object live.
 *
 * Below them, the sandboxed apps the person decided about for this
 * account (Account.ListApps), each with when it last got a token and a
 * switch that gives access or takes it back (Account.SetAppAccess).
 */
struct _LanyardAccountPage
{
  AdwBin parent_instance;

  LanyardDBusAccount *account;
  char               *provider_name;
  char               *server;
  gboolean            current;

  GtkWidget    *avatar;
  GtkWidget    *name_label;
  GtkWidget    *provider_label;
  GtkWidget    *provider_icon;
  GtkWidget    *attention_row;
  GtkWidget    *primary_row;
  GtkWidget    *make_primary_button;
  GtkWidget    *username_row;
  GtkWidget    *email_row;
  GtkWidget    *linked_row;
  GtkWidget    *expiry_row;
  GtkWidget    *refresh_row;
  GtkWidget    *scopes_row;
  GtkWidget    *orgs_row;
  GtkWidget    *id_row;
  GtkWidget    *copy_button;
  GtkWidget    *apps_group;
  GPtrArray    *app_rows; /* in apps_group */
  GCancellable *apps_cancellable;
  GtkWidget    *sign_in_button;
  GtkWidget    *attention_button;
  GtkWidget    *remove_button;
};

G_DEFINE_FINAL_TYPE (LanyardAccountPage, lanyard_account_page, ADW_TYPE_BIN)

static gboolean
empty (const char *text)
{
  return text == NULL || text[0] == '\0';
}

/**
 * lanyard_account_page_format_linked:
 * @linked_at: seconds since the epoch
 * @now: the same, now
 *
 * Returns: (transfer full): when the account was connected, in words
 */
char *
lanyard_account_page_format_linked (gint64 linked_at,
                                    gint64 now)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (linked_at);
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local (now);
  g_autofree char *time = NULL;
  int              days;

  if (linked_at <= 0 || when == NULL || today == NULL)
    return g_strdup (_ ("Unknown"));

  days = g_date_time_get_day_of_year (today) - g_date_time_get_day_of_year (when) +
    365 * (g_date_time_get_year (today) - g_date_time_get_year (when));
  /* TRANSLATORS: a time of day, as in "Today at 14:05"; strftime format */
  time = g_date_time_format (when, _ ("%H:%M"));
  if (days == 0)
    return g_strdup_printf (_ ("Today at %s"), time);
  if (days == 1)
    return g_strdup_printf (_ ("Yesterday at %s"), time);
  /* TRANSLATORS: a date, as in "3 December 2026"; strftime format */
  return g_date_time_format (when, _ ("%-d %B %Y"));
}

static char *
duration (gint64 seconds)
{
  gint64 minutes = (seconds + 59) / 60;

  if (minutes < 60)
    return g_strdup_printf (ngettext ("%d minute", "%d minutes", (unsigned long) minutes), (int) minutes);
  if (minutes < 48 * 60)
    return g_strdup_printf (ngettext ("%d hour", "%d hours", (unsigned long) (minutes / 60)), (int) (minutes / 60));
  return g_strdup_printf (ngettext ("%d day", "%d days", (unsigned long) (minutes / 1440)), (int) (minutes / 1440));
}

/**
 * lanyard_account_page_format_expiry:
 * @expires_at: seconds since the epoch; 0 when the token does not expire
 * @now: the same, now
 *
 * Returns: (transfer full): how the access token stands, in words
 */
char *
lanyard_account_page_format_expiry (gint64 expires_at,
                                    gint64 now)
{
  g_autofree char *span = NULL;

  if (expires_at <= 0)
    return g_strdup (_ ("Does not expire"));
  if (expires_at > now)
    {
      span = duration (expires_at - now);
      return g_strdup_printf (_ ("Expires in %s; Lanyard renews it before then"), span);
    }
  span = duration (now - expires_at);
  return g_strdup_printf (_ ("Expired %s ago; renewed when an app next needs it"), span);
}

/**
 * lanyard_account_page_format_refresh:
 * @last_refresh: seconds since the epoch; 0 when never
 * @now: the same, now
 *
 * Returns: (transfer full): when the tokens were last issued or renewed,
 *   in words
 */
char *
lanyard_account_page_format_refresh (gint64 last_refresh,
                                     gint64 now)
{
  g_autofree char *span = NULL;

  if (last_refresh <= 0)
    return g_strdup (_ ("Never"));
  /* Less than a minute ago, or seemingly to come (a clock set back). */
  if (now - last_refresh < 60)
    return g_strdup (_ ("Just now"));
  span = duration (now - last_refresh - 59);
  /* TRANSLATORS: %s is a span of time, as in "5 minutes ago" */
  return g_strdup_printf (_ ("%s ago"), span);
}

static void
set_info (GtkWidget  *row,
          const char *value)
{
  gtk_widget_set_visible (row, !empty (value));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value != NULL ? value : "");
}

static void
update (LanyardAccountPage *self)
{
  LanyardDBusAccount *account = self->account;
  const char         *path;
  const char         *name;
  gboolean            attention;
  gint64              now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char    *provider = NULL;
  g_autofree char    *linked = NULL;
  g_autofree char    *expiry = NULL;
  g_autofree char    *refreshed = NULL;
  g_autofree char    *scopes = NULL;
  g_autofree char    *orgs = NULL;

  if (account == NULL)
    return;

  path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (account));
  name = lanyard_account_row_get_name (account);
  attention = lanyard_dbus_account_get_needs_attention (account);

  adw_avatar_set_text (ADW_AVATAR (self->avatar), name);
  gtk_label_set_label (GTK_LABEL (self->name_label), name);
  provider = empty (self->server) ? g_strdup (self->provider_name)
                                  : g_strdup_printf ("%s · %s", self->provider_name, self->server);
  gtk_label_set_label (GTK_LABEL (self->provider_label), provider);

  gtk_widget_set_visible (self->attention_row, attention);
  if (attention)
    {
      g_autofree char *reason = lanyard_text_without_protocol_codes (lanyard_dbus_account_get_attention_reason (account));

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->attention_row),
                                   empty (reason) ? _ ("Sign in again to keep using this account.") : reason);
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->primary_row),
                               self->current ? _ ("This is the account your apps see as you.")
                                             : _ ("Your apps see another account as you."));
  gtk_widget_set_visible (self->make_primary_button, !self->current);

  set_info (self->username_row, lanyard_dbus_account_get_username (account));
  set_info (self->email_row, lanyard_dbus_account_get_email (account));
  linked = lanyard_account_page_format_linked (lanyard_dbus_account_get_linked_at (account), now);
  set_info (self->linked_row, linked);
  expiry = lanyard_account_page_format_expiry (lanyard_dbus_account_get_expires_at (account), now);
  if (lanyard_dbus_account_get_identity_only (account))
    set_info (self->expiry_row, _ ("None kept: this account is linked for who you are only"));
  else
    set_info (self->expiry_row, attention ? _ ("Not usable until you sign in again") : expiry);
  refreshed = lanyard_account_page_format_refresh (lanyard_dbus_account_get_last_refresh (account), now);
  set_info (self->refresh_row, refreshed);
  /* The provider's own words ("read:user", "openid"): no list of
   * every provider's scopes to translate them from exists. */
  if (lanyard_dbus_account_get_scopes (account) != NULL)
    scopes = g_strjoinv (", ", (GStrv) lanyard_dbus_account_get_scopes (account));
  set_info (self->scopes_row, scopes);
  /* Organisations, groups or a domain, as the provider names them. */
  if (lanyard_dbus_account_get_orgs (account) != NULL && lanyard_dbus_account_get_orgs (account)[0] != NULL)
    orgs = g_strjoinv (", ", (GStrv) lanyard_dbus_account_get_orgs (account));
  set_info (self->orgs_row, orgs);
  set_info (self->id_row, lanyard_dbus_account_get_account_id (account));

  /* Targets first, then names: each action takes a parameter. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->make_primary_button), "s", path);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->make_primary_button), "win.make-primary");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->sign_in_button), "s", path);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->sign_in_button), "win.sign-in-again");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->attention_button), "s", path);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->attention_button), "win.sign-in-again");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->remove_button), "s", path);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->remove_button), "win.remove");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_button), "s",
                                    lanyard_dbus_account_get_account_id (account));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->copy_button), "win.copy-id");
}

static GtkWidget *
info_row (GtkWidget  *group,
          const char *title)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

/* Its action is set with its target, once there is an account. */
static GtkWidget *
action_button (const char *mnemonic,
               const char *accessible)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (mnemonic);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return button;
}

static void
lanyard_account_page_dispose (GObject *object)
{
  LanyardAccountPage *self = LANYARD_ACCOUNT_PAGE (object);

  g_cancellable_cancel (self->apps_cancellable);
  g_clear_object (&self->apps_cancellable);
  g_clear_pointer (&self->app_rows, g_ptr_array_unref);
  g_clear_object (&self->account);
  g_clear_pointer (&self->provider_name, g_free);
  g_clear_pointer (&self->server, g_free);

  G_OBJECT_CLASS (lanyard_account_page_parent_class)->dispose (object);
}

static void
lanyard_account_page_class_init (LanyardAccountPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lanyard_account_page_dispose;
}

static void
lanyard_account_page_init (LanyardAccountPage *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group, *header, *box;

  adw_bin_set_child (ADW_BIN (self), page);

  /* Who: the picture, the name, the provider. */
  group = adw_preferences_group_new ();
  header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->avatar = adw_avatar_new (96, NULL, TRUE);
  gtk_box_append (GTK_BOX (header), self->avatar);
  self->name_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->name_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->name_label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (self->name_label, "title-1");
  gtk_box_append (GTK_BOX (header), self->name_label);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  self->provider_icon = g_object_new (GTK_TYPE_IMAGE, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  gtk_box_append (GTK_BOX (box), self->provider_icon);
  self->provider_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->provider_label), TRUE);
  gtk_widget_add_css_class (self->provider_label, "dim-label");
  gtk_box_append (GTK_BOX (box), self->provider_label);
  gtk_box_append (GTK_BOX (header), box);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), header);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  /* What needs doing first. */
  group = adw_preferences_group_new ();
  self->attention_row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->attention_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->attention_row), _ ("Sign In Needed"));
  gtk_widget_add_css_class (self->attention_row, "warning");
  self->attention_button = action_button (_ ("Sign _In…"), _ ("Sign In Again"));
  gtk_widget_add_css_class (self->attention_button, "suggested-action");
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->attention_row), self->attention_button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->attention_row);

  self->primary_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->primary_row), _ ("Primary Account"));
  self->make_primary_button = action_button (_ ("Make _Primary"), _ ("Make Primary"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->primary_row), self->make_primary_button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->primary_row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _ ("Details"));
  self->username_row = info_row (group, _ ("User Name"));
  self->email_row = info_row (group, _ ("E-mail"));
  self->linked_row = info_row (group, _ ("Connected"));
  self->expiry_row = info_row (group, _ ("Access Token"));
  self->refresh_row = info_row (group, _ ("Last Renewed"));
  self->scopes_row = info_row (group, _ ("Permissions Granted"));
  /* Scopes can be many and long: wrap rather than widen the window. */
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self->scopes_row), 0);
  self->orgs_row = info_row (group, _ ("Organisations"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self->orgs_row), 0);
  self->id_row = info_row (group, _ ("Account ID"));
  self->copy_button = g_object_new (GTK_TYPE_BUTTON, "icon-name", "edit-copy-symbolic", "valign", GTK_ALIGN_CENTER,
                                    "tooltip-text", _ ("Copy Account ID"), NULL);
  gtk_widget_add_css_class (self->copy_button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Copy Account ID"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->id_row), self->copy_button);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  /* The apps that may use this account; hidden while there are none. */
  self->app_rows = g_ptr_array_new ();
  self->apps_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->apps_group), _ ("Apps"));
  gtk_widget_set_visible (self->apps_group, FALSE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->apps_group));

  group = adw_preferences_group_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  self->sign_in_button = action_button (_ ("Sign In _Again…"), _ ("Sign In Again"));
  gtk_widget_add_css_class (self->sign_in_button, "pill");
  gtk_box_append (GTK_BOX (box), self->sign_in_button);
  self->remove_button = action_button (_ ("_Remove Account…"), _ ("Remove Account"));
  gtk_widget_add_css_class (self->remove_button, "pill");
  gtk_widget_add_css_class (self->remove_button, "destructive-action");
  gtk_box_append (GTK_BOX (box), self->remove_button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
}

GtkWidget *
lanyard_account_page_new (void)
{
  return g_object_new (LANYARD_TYPE_ACCOUNT_PAGE, NULL);
}

/**
 * lanyard_account_page_set_account:
 * @server: (nullable): the provider's server, when known
 * @icon_name: the provider's logo
 * @current: whether it is the daemon's CurrentIdentity
 */
static void
access_set_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lanyard_dbus_account_call_set_app_access_finish (LANYARD_DBUS_ACCOUNT (object), result, &error))
    g_warning ("Could not change an app's access: %s", error->message);
}

static void
app_switch_cb (GtkSwitch          *toggle,
               GParamSpec         *pspec,
               LanyardAccountPage *self)
{
  const char *app_id = g_object_get_data (G_OBJECT (toggle), "app-id");

  if (self->account != NULL)
    lanyard_dbus_account_call_set_app_access (self->account, app_id, gtk_switch_get_active (toggle), NULL,
                                              access_set_cb, NULL);
}

static void
apps_listed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  LanyardAccountPage *self = user_data;
  g_autoptr(GVariant) apps = NULL;
  g_autoptr(GError) error = NULL;
  GVariantIter iter;
  const char  *app_id;
  gboolean     allowed;
  gint64       last;

  if (!lanyard_dbus_account_call_list_apps_finish (LANYARD_DBUS_ACCOUNT (object), &apps, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No apps to show: %s", error->message);
      return;
    }
  g_variant_iter_init (&iter, apps);
  while (g_variant_iter_next (&iter, "(&sbx)", &app_id, &allowed, &last))
    {
      g_autofree char *desktop_id = g_strconcat (app_id, ".desktop", NULL);
      g_autoptr(GDesktopAppInfo) info = g_desktop_app_info_new (desktop_id);
      g_autofree char *when = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget       *row = adw_action_row_new ();
      GtkWidget       *toggle = gtk_switch_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     info != NULL ? g_app_info_get_name (G_APP_INFO (info)) : app_id);
      if (last > 0)
        {
          when = lanyard_account_page_format_linked (last, g_get_real_time () / G_USEC_PER_SEC);
          /* Translators: %s is when, as in "Today at 14:05" */
          subtitle = g_strdup_printf (_ ("Last got a token: %s"), when);
        }
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : _ ("Has not got a token yet"));
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (toggle), allowed);
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      info != NULL ? g_app_info_get_name (G_APP_INFO (info)) : app_id, -1);
      g_object_set_data_full (G_OBJECT (toggle), "app-id", g_strdup (app_id), g_free);
      g_signal_connect_object (toggle, "notify::active", G_CALLBACK (app_switch_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->apps_group), row);
      g_ptr_array_add (self->app_rows, row);
    }
  gtk_widget_set_visible (self->apps_group, self->app_rows->len > 0);
}

/**
 * lanyard_account_page_find_app_switch:
 *
 * Returns: (transfer none) (nullable): the switch of @app_id's access,
 *   once the apps are listed
 */
GtkWidget *
lanyard_account_page_find_app_switch (LanyardAccountPage *self,
                                      const char         *app_id)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_PAGE (self), NULL);

  for (guint i = 0; i < self->app_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->app_rows, i);
      GtkWidget *toggle = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row));

      if (toggle != NULL && g_strcmp0 (g_object_get_data (G_OBJECT (toggle), "app-id"), app_id) == 0)
        return toggle;
    }
  return NULL;
}

/**
 * lanyard_account_page_reload_apps:
 *
 * Asks the daemon again which apps may use the account.
 */
void
lanyard_account_page_reload_apps (LanyardAccountPage *self)
{
  g_return_if_fail (LANYARD_IS_ACCOUNT_PAGE (self));

  g_cancellable_cancel (self->apps_cancellable);
  g_clear_object (&self->apps_cancellable);
  for (guint i = 0; i < self->app_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->apps_group), g_ptr_array_index (self->app_rows, i));
  g_ptr_array_set_size (self->app_rows, 0);
  gtk_widget_set_visible (self->apps_group, FALSE);
  if (self->account == NULL)
    return;
  self->apps_cancellable = g_cancellable_new ();
  lanyard_dbus_account_call_list_apps (self->account, self->apps_cancellable, apps_listed_cb, self);
}

void
lanyard_account_page_set_account (LanyardAccountPage *self,
                                  LanyardDBusAccount *account,
                                  const char         *provider_name,
                                  const char         *server,
                                  const char         *icon_name,
                                  gboolean            current)
{
  g_return_if_fail (LANYARD_IS_ACCOUNT_PAGE (self));

  if (self->account != NULL)
    g_signal_handlers_disconnect_by_func (self->account, update, self);
  g_set_object (&self->account, account);
  g_free (self->provider_name);
  self->provider_name = g_strdup (provider_name);
  g_free (self->server);
  self->server = g_strdup (server);
  self->current = current;
  gtk_image_set_from_icon_name (GTK_IMAGE (self->provider_icon), icon_name);
  if (account != NULL)
    g_signal_connect_object (account, "g-properties-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  lanyard_account_page_reload_apps (self);
}

void
lanyard_account_page_set_current (LanyardAccountPage *self,
                                  gboolean            current)
{
  g_return_if_fail (LANYARD_IS_ACCOUNT_PAGE (self));
  self->current = current;
  update (self);
}

/**
 * lanyard_account_page_get_account:
 *
 * Returns: (transfer none) (nullable):
 */
LanyardDBusAccount *
lanyard_account_page_get_account (LanyardAccountPage *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_PAGE (self), NULL);
  return self->account;
}

/**
 * lanyard_account_page_get_make_primary_button:
 *
 * Returns: (transfer none):
 */
GtkWidget *
lanyard_account_page_get_make_primary_button (LanyardAccountPage *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_PAGE (self), NULL);
  return self->make_primary_button;
}

/**
 * lanyard_account_page_get_remove_button:
 *
 * Returns: (transfer none):
 */
GtkWidget *
lanyard_account_page_get_remove_button (LanyardAccountPage *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_PAGE (self), NULL);
  return self->remove_button;
}
