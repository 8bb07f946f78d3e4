/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include "lanyard-provider-row.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lanyard-dbus-enum-types.h"
#include "lanyard-dbus-enums.h"

/**
 * LanyardProviderRow:
 *
 * A provider to connect: its logo, name (and server) and a Connect button;
 * a misconfigured provider says "Not set up", its reason behind Details; a
 * demo provider wears the logo of the provider it plays, tagged "Demo".
 */
struct _LanyardProviderRow
{
  AdwActionRow parent_instance;

  char    *id;
  char    *display_name;
  char    *policy;
  char    *problem;
  char    *server;
  char    *icon_name;
  gboolean offers_browser;
  gboolean offers_device;
};

G_DEFINE_FINAL_TYPE (LanyardProviderRow, lanyard_provider_row, ADW_TYPE_ACTION_ROW)

static void
lanyard_provider_row_finalize (GObject *object)
{
  LanyardProviderRow *self = LANYARD_PROVIDER_ROW (object);

  g_free (self->id);
  g_free (self->display_name);
  g_free (self->policy);
  g_free (self->problem);
  g_free (self->server);
  g_free (self->icon_name);

  G_OBJECT_CLASS (lanyard_provider_row_parent_class)->finalize (object);
}

static void
lanyard_provider_row_class_init (LanyardProviderRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lanyard_provider_row_finalize;
}

static void
lanyard_provider_row_init (LanyardProviderRow *self)
{
  /* The name and the configuration problem quote providers.conf (URLs
   * with "&" in them): text, not Pango markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
}

/* Lanyard's own provider icons (src/app/icons, in the resources). */
static const char *
icon_for_type (const char *type)
{
  if (g_strcmp0 (type, "github") == 0)
    return "lanyard-provider-github-symbolic";
  if (g_strcmp0 (type, "gitlab") == 0)
    return "lanyard-provider-gitlab-symbolic";
  if (g_strcmp0 (type, "google") == 0)
    return "lanyard-provider-google-symbolic";
  if (g_strcmp0 (type, "microsoft") == 0)
    return "lanyard-provider-microsoft-symbolic";
  if (g_strcmp0 (type, "oidc") == 0)
    return "lanyard-provider-openid-symbolic";
  return "dialog-password-symbolic";
}

/**
 * lanyard_provider_row_icon_name:
 * @type: the provider's type, from ListProviders
 * @id: the provider's id
 *
 * A demo provider plays a real one (demo-github, demo-gitlab) and wears its
 * logo; the row says "Demo" beside it.
 *
 * Returns: the icon to show for that provider
 */
const char *
lanyard_provider_row_icon_name (const char *type,
                                const char *id)
{
  if (g_strcmp0 (type, "demo") == 0 && id != NULL && g_str_has_prefix (id, "demo-"))
    return icon_for_type (id + strlen ("demo-"));
  return icon_for_type (type);
}

/**
 * lanyard_provider_row_new_icon:
 *
 * Returns: (transfer floating): the provider's logo, as decoration: the
 *   row's title already names the provider
 */
GtkWidget *
lanyard_provider_row_new_icon (const char *type,
                               const char *id)
{
  return g_object_new (GTK_TYPE_IMAGE,
                       "icon-name", lanyard_provider_row_icon_name (type, id),
                       "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                       NULL);
}

static GtkWidget *
tag_new (const char *text)
{
  GtkWidget *tag = gtk_label_new (text);

  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (tag, "tag");
  return tag;
}

/**
 * lanyard_provider_row_new:
 * @provider: one entry of the daemon's ListProviders (`a{sv}`)
 */
GtkWidget *
lanyard_provider_row_new (GVariant *provider)
{
  LanyardProviderRow *self = g_object_new (LANYARD_TYPE_PROVIDER_ROW, NULL);
  const char         *type = "", *problem = "", *server = "";
  gboolean            configured = FALSE, demo = FALSE, managed = FALSE, added = FALSE;
  g_autoptr(GString) subtitle = g_string_new (NULL);

  g_variant_lookup (provider, "id", "s", &self->id);
  g_variant_lookup (provider, "display-name", "s", &self->display_name);
  g_variant_lookup (provider, "browser-policy", "s", &self->policy);
  g_variant_lookup (provider, "type", "&s", &type);
  g_variant_lookup (provider, "problem", "&s", &problem);
  g_variant_lookup (provider, "configured", "b", &configured);
  g_variant_lookup (provider, "demo", "b", &demo);
  g_variant_lookup (provider, "managed", "b", &managed);
  g_variant_lookup (provider, "added", "b", &added);
  /* The server of a self-hosted GitLab or OpenID Connect provider, so that
   * two of a kind can be told apart, when the daemon says it. */
  g_variant_lookup (provider, "server", "&s", &server);
  self->problem = g_strdup (problem);
  self->server = g_strdup (server);
  /* The sign-ins it can do; a daemon older than the device grant says
   * nothing, and signs in with the browser. */
  self->offers_browser = TRUE;
  {
    g_autofree const char **grants = NULL;

    if (g_variant_lookup (provider, "grants", "^a&s", &grants))
      {
        self->offers_browser = g_strv_contains (grants, lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_GRANT, LANYARD_DBUS_GRANT_AUTHORIZATION_CODE));
        self->offers_device = g_strv_contains (grants, lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_GRANT, LANYARD_DBUS_GRANT_DEVICE));
      }
  }

  /* Names come from configuration files: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), self->display_name);
  self->icon_name = g_strdup (lanyard_provider_row_icon_name (type, self->id));
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), lanyard_provider_row_new_icon (type, self->id));

  /* Locked by the administrator: the person knows whom to ask about it,
   * and that their own file cannot change it. */
  if (managed)
    {
      GtkWidget *tag = tag_new (_ ("Managed"));

      gtk_widget_set_tooltip_text (tag, _ ("Set up by your administrator"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (self), tag);
    }

  /* A server the person added by its address: theirs to rename or
   * remove (the daemon's RenameProvider, RemoveProvider). */
  if (added)
    {
      g_autoptr(GMenu) menu = g_menu_new ();
      g_autoptr(GMenuItem) rename = g_menu_item_new (_ ("_Rename…"), NULL);
      g_autoptr(GMenuItem) remove = g_menu_item_new (_ ("_Remove Server"), NULL);
      GtkWidget *button = gtk_menu_button_new ();

      g_menu_item_set_action_and_target (rename, "win.rename-provider", "s", self->id);
      g_menu_item_set_action_and_target (remove, "win.remove-provider", "s", self->id);
      g_menu_append_item (menu, rename);
      g_menu_append_item (menu, remove);
      gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
      gtk_widget_set_tooltip_text (button, _ ("Server Menu"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      adw_action_row_add_suffix (ADW_ACTION_ROW (self), button);
    }

  if (!configured)
    {
      /* The configuration error is for whoever set Lanyard up: one click
       * away, not in the list. */
      GtkWidget *button = gtk_button_new_with_mnemonic (_ ("_Details"));

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _ ("Not set up"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.provider-problem");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", self->id);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Details"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (self), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self), button);
      return GTK_WIDGET (self);
    }

  if (server[0] != '\0')
    g_string_append (subtitle, server);
  if (demo)
    {
      g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? " · " : "",
                              _ ("A simulated provider on this computer; no account needed"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (self), tag_new (_ ("Demo")));
    }
  else if (lanyard_dbus_enum_from_nick (LANYARD_TYPE_DBUS_BROWSER_POLICY, self->policy, LANYARD_DBUS_BROWSER_POLICY_ANY) ==
           LANYARD_DBUS_BROWSER_POLICY_SYSTEM)
    g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? " · " : "", _ ("Signs in with your web browser"));
  if (subtitle->len > 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle->str);

  /* Signing in on another device: a menu beside Connect, or Connect itself
   * for a provider that can do nothing else. */
  if (self->offers_device && self->offers_browser)
    {
      g_autoptr(GMenu) menu = g_menu_new ();
      g_autoptr(GMenuItem) item = g_menu_item_new (_ ("Sign In on _Another Device"), NULL);
      GtkWidget *more = gtk_menu_button_new ();

      g_menu_item_set_action_and_target_value (item, "win.connect-device", g_variant_new_string (self->id));
      g_menu_append_item (menu, item);
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (more), G_MENU_MODEL (menu));
      gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (more), "view-more-symbolic");
      gtk_widget_set_valign (more, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (more, "flat");
      gtk_widget_set_tooltip_text (more, _ ("More Ways to Connect"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (more), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("More Ways to Connect"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (self), more);
    }

  {
    GtkWidget *button = gtk_button_new_with_mnemonic (_ ("_Connect"));

    gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), self->offers_browser ? "win.connect" : "win.connect-device");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", self->id);
    /* The row already names the provider: the button says what it does,
     * once, without the mnemonic's underscore. */
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Connect"), -1);
    adw_action_row_add_suffix (ADW_ACTION_ROW (self), button);
    adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self), button);
  }

  return GTK_WIDGET (self);
}

const char *
lanyard_provider_row_get_provider_id (LanyardProviderRow *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_ROW (self), NULL);
  return self->id;
}

const char *
lanyard_provider_row_get_display_name (LanyardProviderRow *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_ROW (self), NULL);
  return self->display_name;
}

const char *
lanyard_provider_row_get_policy (LanyardProviderRow *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_ROW (self), NULL);
  return self->policy;
}

/**
 * lanyard_provider_row_get_problem:
 *
 * Returns: why the provider is not set up; empty when it is
 */
const char *
lanyard_provider_row_get_problem (LanyardProviderRow *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_ROW (self), NULL);
  return self->problem;
}

/**
 * lanyard_provider_row_get_server:
 *
 * Returns: the provider's server when the daemon names it, or empty
 */
const char *
lanyard_provider_row_get_server (LanyardProviderRow *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_ROW (self), NULL);
  return self->server;
}

/**
 * lanyard_provider_row_get_offers_device:
 *
 * Returns: whether the provider can sign in on another device
 */
gboolean
lanyard_provider_row_get_offers_device (LanyardProviderRow *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_ROW (self), FALSE);
  return self->offers_device;
}

const char *
lanyard_provider_row_get_icon_name (LanyardProviderRow *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER_ROW (self), NULL);
  return self->icon_name;
}
