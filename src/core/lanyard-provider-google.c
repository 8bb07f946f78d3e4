/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-provider-google"

#include "lanyard-provider-google.h"

#include <glib/gi18n.h>

#include "lanyard-error.h"
#include "lanyard-provider-private.h"

/**
 * LanyardProviderGoogle:
 *
 * Google accounts through a "Desktop app" OAuth client. Google blocks
 * sign-in inside embedded web views, so the browser policy is the system
 * browser, always. The client secret is required even with PKCE. The
 * endpoint keys exist for tests and for proxies; normally none is set.
 */
struct _LanyardProviderGoogle
{
  LanyardProvider parent_instance;

  char *issuer;
};

G_DEFINE_FINAL_TYPE (LanyardProviderGoogle, lanyard_provider_google, LANYARD_TYPE_PROVIDER)

#define GOOGLE_ISSUER "https://accounts.google.com"

/* The scopes Google allows for "TVs and Limited Input devices" clients
 * (its "OAuth 2.0 for TV and Limited-Input Device Applications" page,
 * "Allowed scopes"); it refuses others with invalid_scope. */
static const char *const device_scopes[] = {
  "openid",
  "email",
  "profile",
  "https://www.googleapis.com/auth/userinfo.email",
  "https://www.googleapis.com/auth/userinfo.profile",
  "https://www.googleapis.com/auth/drive.appdata",
  "https://www.googleapis.com/auth/drive.file",
  "https://www.googleapis.com/auth/youtube",
  "https://www.googleapis.com/auth/youtube.readonly",
  NULL,
};

static const char *
first_scope_refused_for_devices (const char *const *scopes)
{
  for (guint i = 0; scopes != NULL && scopes[i] != NULL; i++)
    if (!g_strv_contains (device_scopes, scopes[i]))
      return scopes[i];
  return NULL;
}

static gboolean
lanyard_provider_google_configure (LanyardProvider       *provider,
                                   LanyardProviderConfig *config,
                                   GError               **error)
{
  LanyardProviderGoogle *self = LANYARD_PROVIDER_GOOGLE (provider);
  const char            *issuer, *authorize, *token, *userinfo, *revoke, *keys, *device;

  if (!lanyard_provider_config_get_url (config, "issuer", FALSE, &issuer, error) ||
      !lanyard_provider_config_get_url (config, "authorize_url", FALSE, &authorize, error) ||
      !lanyard_provider_config_get_url (config, "token_url", FALSE, &token, error) ||
      !lanyard_provider_config_get_url (config, "userinfo_url", FALSE, &userinfo, error) ||
      !lanyard_provider_config_get_url (config, "revocation_url", FALSE, &revoke, error) ||
      !lanyard_provider_config_get_url (config, "jwks_url", FALSE, &keys, error) ||
      !lanyard_provider_config_get_url (config, "device_authorization_url", FALSE, &device, error))
    return FALSE;

  _lanyard_provider_set_endpoints (provider,
                                   authorize != NULL ? authorize : "https://accounts.google.com/o/oauth2/v2/auth",
                                   token != NULL ? token : "https://oauth2.googleapis.com/token",
                                   userinfo != NULL ? userinfo : "https://openidconnect.googleapis.com/v1/userinfo",
                                   revoke != NULL ? revoke : "https://oauth2.googleapis.com/revoke");
  _lanyard_provider_set_jwks_uri (provider, keys != NULL ? keys : "https://www.googleapis.com/oauth2/v3/certs");
  self->issuer = g_strdup (issuer != NULL ? issuer : GOOGLE_ISSUER);
  _lanyard_provider_set_issuer (provider, self->issuer, FALSE);
  _lanyard_provider_set_browser_policy (provider, LANYARD_BROWSER_POLICY_SYSTEM_ONLY);
  _lanyard_provider_set_revoke_page (provider, "https://myaccount.google.com/permissions");

  _lanyard_provider_set_device_authorization_url (provider, device != NULL ? device : "https://oauth2.googleapis.com/device/code", TRUE);
  {
    const char *refused = first_scope_refused_for_devices (lanyard_provider_get_scopes (provider));

    if (refused != NULL)
      {
        g_autofree char *problem = g_strdup_printf (_ ("Google does not allow the scope “%s” when signing in on another device; "
                                                       "it allows only %s. Remove it from “scopes”, or sign in with the browser."),
                                                    refused, "openid, email, profile, drive.file, drive.appdata, youtube, youtube.readonly");

        _lanyard_provider_set_device_problem (provider, problem);
      }
  }

  /* Matched against the ID token's `hd`, the Workspace domain; never the
   * e-mail's domain, which a gmail.com account can have too. */
  return _lanyard_provider_read_allowed_orgs (provider, config, "allowed_domains", _ ("Workspace domains"), error);
}

static void
lanyard_provider_google_add_authorize_params (LanyardProvider *provider,
                                              GHashTable      *params)
{
  /* A refresh token only comes with offline access, and a new one only
   * with renewed consent. */
  g_hash_table_insert (params, (char *) "access_type", g_strdup ("offline"));
  g_hash_table_insert (params, (char *) "prompt", g_strdup ("consent"));

  /* A hint to Google's account chooser only: the domain is checked in the
   * ID token. With several domains, "*" asks for any Workspace account. */
  {
    const char *const *domains = lanyard_provider_get_allowed_orgs (provider);

    if (domains != NULL)
      g_hash_table_insert (params, (char *) "hd", g_strdup (domains[1] == NULL ? domains[0] : "*"));
  }
}

/* Google documents both spellings of its issuer. */
static gboolean
lanyard_provider_google_check_issuer (LanyardProvider *provider,
                                      JsonObject      *claims,
                                      GError         **error)
{
  LanyardProviderGoogle *self = LANYARD_PROVIDER_GOOGLE (provider);
  const char            *iss = lanyard_json_get_string (claims, "iss");

  if (g_strcmp0 (iss, self->issuer) == 0 ||
      (g_str_equal (self->issuer, GOOGLE_ISSUER) && g_strcmp0 (iss, "accounts.google.com") == 0))
    return TRUE;

  g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH,
               _ ("The ID token was issued by “%s”, not by Google; the sign-in was refused"),
               iss != NULL ? iss : "nobody");
  return FALSE;
}

static LanyardIdentity *
lanyard_provider_google_identity_from_userinfo (LanyardProvider *provider,
                                                JsonObject      *userinfo,
                                                GError         **error)
{
  /* Google has no user name; the e-mail is what people recognise. The key
   * stays `sub`: e-mail addresses can change hands. */
  return _lanyard_provider_identity_from_claims (provider, userinfo, "email", error);
}

static void
lanyard_provider_google_finalize (GObject *object)
{
  g_free (LANYARD_PROVIDER_GOOGLE (object)->issuer);
  G_OBJECT_CLASS (lanyard_provider_google_parent_class)->finalize (object);
}

static void
lanyard_provider_google_class_init (LanyardProviderGoogleClass *klass)
{
  LanyardProviderClass *provider_class = LANYARD_PROVIDER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lanyard_provider_google_finalize;

  provider_class->type_name = "google";
  provider_class->default_display_name = "Google";
  provider_class->default_scopes = "openid email profile";
  provider_class->secret_policy = LANYARD_SECRET_REQUIRED;
  /* OpenID Connect Core §3.1.2.1; Google fills in the e-mail. */
  provider_class->login_hint_param = "login_hint";
  provider_class->configure = lanyard_provider_google_configure;
  provider_class->device_flow_hint = N_ ("It needs an OAuth client of the type “TVs and Limited Input devices” in the Google Cloud "
                                         "console: configure a second Google provider with that client's ID and secret and "
                                         "“device_flow=only”.");
  provider_class->add_authorize_params = lanyard_provider_google_add_authorize_params;
  provider_class->check_issuer = lanyard_provider_google_check_issuer;
  provider_class->identity_from_userinfo = lanyard_provider_google_identity_from_userinfo;
}

static void
lanyard_provider_google_init (LanyardProviderGoogle *self)
{
}
