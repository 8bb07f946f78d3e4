/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include "lanyard-consent-dialog.h"

#include <gio/gdesktopappinfo.h>
#include <glib/gi18n.h>

/**
 * LanyardConsentDialog:
 *
 * The question whether a sandboxed application may use an account: the
 * application as the desktop names it (its desktop file's name and icon,
 * found by its app id; the bare app id when it has none), the account
 * (avatar, name, provider), what the application gets in plain words, and
 * **Allow** or **Don't Allow**, which is the default. Its responses are
 * "allow", "deny", and "unanswered" when it is closed without a choice.
 */
struct _LanyardConsentDialog
{
  AdwMessageDialog parent_instance;

  char *app_id;
  char *app_name;
};

G_DEFINE_FINAL_TYPE (LanyardConsentDialog, lanyard_consent_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
lanyard_consent_dialog_finalize (GObject *object)
{
  LanyardConsentDialog *self = LANYARD_CONSENT_DIALOG (object);

  g_free (self->app_id);
  g_free (self->app_name);

  G_OBJECT_CLASS (lanyard_consent_dialog_parent_class)->finalize (object);
}

static void
lanyard_consent_dialog_class_init (LanyardConsentDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lanyard_consent_dialog_finalize;
}

static void
lanyard_consent_dialog_init (LanyardConsentDialog *self)
{
}

/* What a scope lets a token do, for the scopes the built-in providers
 * ask for; any other is shown as the provider spells it. */
static const char *
scope_words (const char *scope)
{
  static const struct
  {
    const char *scope;
    const char *words;
  } known[] = {
    { "profile", N_ ("read your profile") },
    { "read:user", N_ ("read your profile") },
    { "read_user", N_ ("read your profile") },
    { "User.Read", N_ ("read your profile") },
    { "email", N_ ("read your e-mail address") },
    { "user:email", N_ ("read your e-mail address") },
    { "offline_access", N_ ("keep working while you are away") },
    { "read_api", N_ ("read everything you can see there") },
    { "api", N_ ("do everything you can do there") },
    { "repo", N_ ("read and change your repositories") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (known[i].scope, scope))
      return _ (known[i].words);
  return NULL;
}

/**
 * lanyard_consent_dialog_describe_scopes:
 * @scopes: (nullable): what the provider granted
 *
 * Returns: (transfer full): what a token with @scopes can do, in words
 */
char *
lanyard_consent_dialog_describe_scopes (const char *const *scopes)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; scopes != NULL && scopes[i] != NULL; i++)
    {
      const char      *known = scope_words (scopes[i]);
      g_autofree char *said = NULL;

      /* Signing in itself, which gives the application nothing more. */
      if (g_str_equal (scopes[i], "openid"))
        continue;
      said = known != NULL ? g_strdup (known) : g_strdup_printf ("“%s”", scopes[i]);
      if (!g_ptr_array_find_with_equal_func (words, said, g_str_equal, NULL))
        g_ptr_array_add (words, g_steal_pointer (&said));
    }
  if (words->len == 0)
    return g_strdup (_ ("whatever the provider lets such a token do"));
  g_ptr_array_add (words, NULL);
  /* Translators: the separator between things a token can do */
  return g_strjoinv (_ (", "), (char **) words->pdata);
}

static const char *
lookup_string (GVariant   *account,
               const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup (account, key, "&s", &value) || value[0] == '\0')
    return NULL;
  return value;
}

/**
 * lanyard_consent_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @app_id: the application that asks
 * @account: what the daemon said of the account
 *   (data/io.github.lanyard.ConsentPrompt.xml)
 */
GtkWidget *
lanyard_consent_dialog_new (GtkWindow  *parent,
                            const char *app_id,
                            GVariant   *account)
{
  LanyardConsentDialog *self = g_object_new (LANYARD_TYPE_CONSENT_DIALOG, "transient-for", parent, "modal", TRUE,
                                             NULL);
  g_autofree char      *desktop_id = g_strconcat (app_id, ".desktop", NULL);
  g_autoptr(GDesktopAppInfo) info = g_desktop_app_info_new (desktop_id);
  g_autofree const char **scopes = NULL;
  g_autofree char        *can = NULL;
  g_autofree char        *heading = NULL;
  g_autofree char        *body = NULL;
  const char             *provider = lookup_string (account, "provider-name");
  const char             *username = lookup_string (account, "username");
  const char             *display_name = lookup_string (account, "display-name");
  const char             *who;
  GIcon                  *icon = NULL;
  GtkWidget              *box, *app_box, *image, *label, *avatar;

  self->app_id = g_strdup (app_id);
  if (info != NULL)
    {
      self->app_name = g_strdup (g_app_info_get_name (G_APP_INFO (info)));
      icon = g_app_info_get_icon (G_APP_INFO (info));
    }
  if (self->app_name == NULL)
    self->app_name = g_strdup (app_id);
  if (provider == NULL)
    provider = _ ("the provider");
  who = username != NULL ? username : (display_name != NULL ? display_name : lookup_string (account, "key"));
  g_variant_lookup (account, "scopes", "^a&s", &scopes);
  can = lanyard_consent_dialog_describe_scopes (scopes);

  /* Translators: %s is an application's name */
  heading = g_strdup_printf (_ ("Let “%s” Use Your Account?"), self->app_name);
  /* Translators: the application's name, a provider ("GitHub"), a user name, then what the token can do */
  body = g_strdup_printf (_ ("“%s” asks for an access token for %s as %s: it can do what that token's scopes allow — "
                             "%s. You can take this back on the account's page in Lanyard."),
                          self->app_name, provider, who != NULL ? who : "", can);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  app_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (app_box, GTK_ALIGN_CENTER);
  image = icon != NULL ? gtk_image_new_from_gicon (icon) : gtk_image_new_from_icon_name ("application-x-executable");
  gtk_image_set_pixel_size (GTK_IMAGE (image), 48);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, self->app_name, -1);
  gtk_box_append (GTK_BOX (app_box), image);
  label = gtk_label_new (self->app_name);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (app_box), label);
  gtk_box_append (GTK_BOX (box), app_box);

  avatar = adw_avatar_new (48, display_name != NULL ? display_name : who, TRUE);
  gtk_box_append (GTK_BOX (box), avatar);
  label = gtk_label_new (display_name != NULL ? display_name : who);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);
  label = gtk_label_new (provider);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self), "deny", _ ("_Don't Allow"), "allow", _ ("_Allow"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "allow", ADW_RESPONSE_SUGGESTED);
  /* Asked for nothing the person chose: the safe answer is the default. */
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "deny");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "unanswered");
  return GTK_WIDGET (self);
}

const char *
lanyard_consent_dialog_get_app_id (LanyardConsentDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_CONSENT_DIALOG (self), NULL);
  return self->app_id;
}

/**
 * lanyard_consent_dialog_get_app_name:
 *
 * Returns: the application as the dialog names it
 */
const char *
lanyard_consent_dialog_get_app_name (LanyardConsentDialog *self)
{
  g_return_val_if_fail (LANYARD_IS_CONSENT_DIALOG (self), NULL);
  return self->app_name;
}
