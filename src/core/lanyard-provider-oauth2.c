/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-provider-oauth2"

#include "lanyard-provider-oauth2.h"

#include <glib/gi18n.h>

#include "lanyard-error.h"
#include "lanyard-provider-private.h"

/**
 * LanyardProviderOauth2:
 *
 * A plain OAuth 2.0 server with explicit endpoints: `authorize_url`,
 * `token_url`, `userinfo_url` and optionally `revocation_url`, plus which
 * userinfo member is the stable account id (`id_field`) and, optionally,
 * which hold the user name, name, e-mail and avatar.
 */
struct _LanyardProviderOauth2
{
  LanyardProvider parent_instance;

  char *id_field;
  char *username_field;
  char *name_field;
  char *email_field;
  char *avatar_field;
};

G_DEFINE_FINAL_TYPE (LanyardProviderOauth2, lanyard_provider_oauth2, LANYARD_TYPE_PROVIDER)

static char *
dup_field (LanyardProviderConfig *config,
           const char            *key,
           const char            *fallback)
{
  const char *value = lanyard_provider_config_get (config, key);
  return g_strdup (value != NULL ? value : fallback);
}

static gboolean
lanyard_provider_oauth2_configure (LanyardProvider       *provider,
                                   LanyardProviderConfig *config,
                                   GError               **error)
{
  LanyardProviderOauth2 *self = LANYARD_PROVIDER_OAUTH2 (provider);
  const char            *authorize, *token, *userinfo, *revoke, *device;

  if (!lanyard_provider_config_get_url (config, "authorize_url", TRUE, &authorize, error) ||
      !lanyard_provider_config_get_url (config, "token_url", TRUE, &token, error) ||
      !lanyard_provider_config_get_url (config, "userinfo_url", TRUE, &userinfo, error) ||
      !lanyard_provider_config_get_url (config, "revocation_url", FALSE, &revoke, error) ||
      !lanyard_provider_config_get_url (config, "device_authorization_url", FALSE, &device, error))
    return FALSE;

  self->id_field = dup_field (config, "id_field", NULL);
  if (self->id_field == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“id_field” is missing; name the userinfo member that identifies an account and never changes (such as “id” or “sub”)"));
      return FALSE;
    }

  self->username_field = dup_field (config, "username_field", "preferred_username");
  self->name_field = dup_field (config, "name_field", "name");
  self->email_field = dup_field (config, "email_field", "email");
  self->avatar_field = dup_field (config, "avatar_field", "picture");

  _lanyard_provider_set_endpoints (provider, authorize, token, userinfo, revoke);
  /* Offered exactly when configured. */
  _lanyard_provider_set_device_authorization_url (provider, device, TRUE);
  return TRUE;
}

static LanyardIdentity *
lanyard_provider_oauth2_identity_from_userinfo (LanyardProvider *provider,
                                                JsonObject      *userinfo,
                                                GError         **error)
{
  LanyardProviderOauth2 *self = LANYARD_PROVIDER_OAUTH2 (provider);
  g_autofree char       *id = lanyard_json_dup_id (userinfo, self->id_field);

  if (id == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("%s's userinfo has no “%s” (the configured id_field)"),
                   lanyard_provider_get_display_name (provider), self->id_field);
      return NULL;
    }

  return lanyard_identity_new (lanyard_provider_get_id (provider), id,
                               lanyard_json_get_string (userinfo, self->username_field),
                               lanyard_json_get_string (userinfo, self->name_field),
                               lanyard_json_get_string (userinfo, self->email_field),
                               lanyard_json_get_string (userinfo, self->avatar_field));
}

static void
lanyard_provider_oauth2_finalize (GObject *object)
{
  LanyardProviderOauth2 *self = LANYARD_PROVIDER_OAUTH2 (object);

  g_free (self->id_field);
  g_free (self->username_field);
  g_free (self->name_field);
  g_free (self->email_field);
  g_free (self->avatar_field);

  G_OBJECT_CLASS (lanyard_provider_oauth2_parent_class)->finalize (object);
}

static void
lanyard_provider_oauth2_class_init (LanyardProviderOauth2Class *klass)
{
  LanyardProviderClass *provider_class = LANYARD_PROVIDER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lanyard_provider_oauth2_finalize;

  provider_class->type_name = "oauth2";
  provider_class->default_display_name = "OAuth 2.0";
  provider_class->default_scopes = NULL;
  provider_class->secret_policy = LANYARD_SECRET_OPTIONAL;
  provider_class->configure = lanyard_provider_oauth2_configure;
  provider_class->device_flow_default = TRUE;
  provider_class->identity_from_userinfo = lanyard_provider_oauth2_identity_from_userinfo;
}

static void
lanyard_provider_oauth2_init (LanyardProviderOauth2 *self)
{
}
