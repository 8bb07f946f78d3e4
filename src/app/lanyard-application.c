/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include "lanyard-application.h"

#include <glib/gi18n.h>

#include "lanyard-consent-prompt.h"
#include "lanyard-window.h"

/**
 * LanyardApplication:
 *
 * The single-instance application: one main window, application actions
 * (quit, about, the browser preference) and their shortcuts.
 */
struct _LanyardApplication
{
  AdwApplication parent_instance;

  GSettings            *settings;
  LanyardConsentPrompt *consent; /* while on the bus */
};

G_DEFINE_FINAL_TYPE (LanyardApplication, lanyard_application, ADW_TYPE_APPLICATION)

static void
lanyard_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (lanyard_window_new (LANYARD_APPLICATION (application)));
  gtk_window_present (window);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  const char *developers[] = { "The Lanyard developers", NULL };
  GtkWindow  *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_show_about_window (parent,
                         "application-name", _ ("Lanyard"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _ ("Link your online accounts to your desktop"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://github.com/lanyard/lanyard",
                         NULL);
}

/* From the daemon's notification about an account that needs attention
 * (org.freedesktop.Application.ActivateAction, which starts Lanyard when
 * it is not running). */
static void
show_account_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  GtkWindow      *window = gtk_application_get_active_window (application);

  if (window == NULL)
    window = GTK_WINDOW (lanyard_window_new (LANYARD_APPLICATION (application)));
  lanyard_window_show_account (LANYARD_WINDOW (window), g_variant_get_string (parameter, NULL));
  gtk_window_present (window);
}

static const GActionEntry app_actions[] = {
  { "show-account", show_account_activated, "o", NULL, NULL, { 0 } },
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
};

static void
lanyard_application_startup (GApplication *application)
{
  LanyardApplication *self = LANYARD_APPLICATION (application);
  const char         *quit_accels[] = { "<Control>q", NULL };
  const char         *close_accels[] = { "<Control>w", NULL };
  g_autoptr(GAction) browser = NULL;

  G_APPLICATION_CLASS (lanyard_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  /* The preference is a stateful action bound to GSettings: the menu's
   * check item and the key can never disagree. */
  browser = g_settings_create_action (self->settings, "always-use-browser");
  g_action_map_add_action (G_ACTION_MAP (self), browser);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  /* No F1: it means help, and Lanyard ships no help pages (its window is
   * one screen; docs/architecture.md, "The window"). */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
}

/* The daemon's questions to the person (lanyard-consent-prompt.c), on the
 * bus as soon as the application is: a window started by D-Bus activation
 * for a question must be there to be asked. */
static gboolean
lanyard_application_dbus_register (GApplication    *application,
                                   GDBusConnection *connection,
                                   const char      *object_path,
                                   GError         **error)
{
  LanyardApplication *self = LANYARD_APPLICATION (application);

  if (!G_APPLICATION_CLASS (lanyard_application_parent_class)->dbus_register (application, connection, object_path, error))
    return FALSE;
  self->consent = lanyard_consent_prompt_new (GTK_APPLICATION (self));
  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->consent), connection,
                                           LANYARD_CONSENT_PROMPT_PATH, error);
}

static void
lanyard_application_dbus_unregister (GApplication    *application,
                                     GDBusConnection *connection,
                                     const char      *object_path)
{
  LanyardApplication *self = LANYARD_APPLICATION (application);

  if (self->consent != NULL)
    {
      g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->consent));
      g_object_run_dispose (G_OBJECT (self->consent));
      g_clear_object (&self->consent);
    }
  G_APPLICATION_CLASS (lanyard_application_parent_class)->dbus_unregister (application, connection, object_path);
}

static void
lanyard_application_finalize (GObject *object)
{
  LanyardApplication *self = LANYARD_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lanyard_application_parent_class)->finalize (object);
}

static void
lanyard_application_class_init (LanyardApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lanyard_application_finalize;
  app_class->activate = lanyard_application_activate;
  app_class->startup = lanyard_application_startup;
  app_class->dbus_register = lanyard_application_dbus_register;
  app_class->dbus_unregister = lanyard_application_dbus_unregister;
}

static void
lanyard_application_init (LanyardApplication *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
}

LanyardApplication *
lanyard_application_new (void)
{
  return g_object_new (LANYARD_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/lanyard/Lanyard",
                       NULL);
}

/**
 * lanyard_application_get_consent_prompt:
 *
 * Returns: (transfer none) (nullable): where the daemon's questions are
 *   shown, while the application is on the bus
 */
LanyardConsentPrompt *
lanyard_application_get_consent_prompt (LanyardApplication *self)
{
  g_return_val_if_fail (LANYARD_IS_APPLICATION (self), NULL);
  return self->consent;
}

/**
 * lanyard_application_get_settings:
 *
 * Returns: (transfer none):
 */
GSettings *
lanyard_application_get_settings (LanyardApplication *self)
{
  g_return_val_if_fail (LANYARD_IS_APPLICATION (self), NULL);
  return self->settings;
}
