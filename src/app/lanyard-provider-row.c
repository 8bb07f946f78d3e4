/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include "lanyard-provider-row.h"

#include <glib/gi18n.h>

#include "lanyard-dbus-enum-types.h"
#include "lanyard-dbus-enums.h"

/**
 * LanyardProviderRow:
 *
 * A provider to connect: its name and a Connect button; a misconfigured
 * provider says why instead; a demo provider says "Demo".
 */
struct _LanyardProviderRow
{
  AdwActionRow parent_instance;

  char *id;
  char *display_name;
  char *policy;
};

G_DEFINE_FINAL_TYPE (LanyardProviderRow, lanyard_provider_row, ADW_TYPE_ACTION_ROW)

static void
lanyard_provider_row_finalize (GObject *object)
{
  LanyardProviderRow *self = LANYARD_PROVIDER_ROW (object);

  g_free (self->id);
  g_free (self->display_name);
  g_free (self->policy);

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

/* Lanyard's own provider icons (src/app/icons, in the resources); a demo
 * is marked as an experiment, plain OAuth 2.0 by a key. */
static const char *
icon_for_type (const char *type)
{
  if (g_strcmp0 (type, "demo") == 0)
    return "applications-science-symbolic";
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
 * lanyard_provider_row_new:
 * @provider: one entry of the daemon's ListProviders (`a{sv}`)
 */
GtkWidget *
lanyard_provider_row_new (GVariant *provider)
{
  LanyardProviderRow *self = g_object_new (LANYARD_TYPE_PROVIDER_ROW, NULL);
  const char         *type = "", *problem = "";
  gboolean            configured = FALSE, demo = FALSE;
  GtkWidget          *icon;

  g_variant_lookup (provider, "id", "s", &self->id);
  g_variant_lookup (provider, "display-name", "s", &self->display_name);
  g_variant_lookup (provider, "browser-policy", "s", &self->policy);
  g_variant_lookup (provider, "type", "&s", &type);
  g_variant_lookup (provider, "problem", "&s", &problem);
  g_variant_lookup (provider, "configured", "b", &configured);
  g_variant_lookup (provider, "demo", "b", &demo);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), self->display_name);
  icon = gtk_image_new_from_icon_name (icon_for_type (type));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, type, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), icon);

  if (!configured)
    {
      /* Not at click time: the reason is shown now, in the row. */
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), problem);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 3);
      gtk_widget_add_css_class (GTK_WIDGET (self), "dim-label");
      return GTK_WIDGET (self);
    }

  if (demo)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _ ("Demo: a simulated provider on this computer; no account needed"));
  else if (lanyard_dbus_enum_from_nick (LANYARD_TYPE_DBUS_BROWSER_POLICY, self->policy, LANYARD_DBUS_BROWSER_POLICY_ANY) ==
           LANYARD_DBUS_BROWSER_POLICY_SYSTEM)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _ ("Signs in with your web browser"));

  {
    GtkWidget       *button = gtk_button_new_with_mnemonic (_ ("_Connect"));
    g_autofree char *label = g_strdup_printf (_ ("Connect %s"), self->display_name);

    gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.connect");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", self->id);
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
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
