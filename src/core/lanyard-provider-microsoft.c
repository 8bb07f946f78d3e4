/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-provider-microsoft"

#include "lanyard-provider-microsoft.h"

#include <glib/gi18n.h>

#include <string.h>

#include "lanyard-error.h"
#include "lanyard-provider-private.h"

/**
 * LanyardProviderMicrosoft:
 *
 * The Microsoft identity platform (v2.0 endpoints) for a `tenant`
 * (`common`, `organizations`, `consumers`, a GUID or a domain).
 *
 * Its quirks: the redirect port is ignored only for `http://localhost`, so
 * that is the redirect host; a public (desktop) client must not send a
 * secret (AADSTS700025); there is no revocation endpoint; the stable key is
 * `oid` within `tid` (written `oid.tid`, as MSAL's home account id), taken
 * from the ID token, because `sub` differs per application.
 */
struct _LanyardProviderMicrosoft
{
  LanyardProvider parent_instance;

  char *authority;
  char *tenant;
};

G_DEFINE_FINAL_TYPE (LanyardProviderMicrosoft, lanyard_provider_microsoft, LANYARD_TYPE_PROVIDER)

static gboolean
tenant_is_valid (const char *tenant)
{
  for (const char *p = tenant; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return tenant[0] != '\0';
}

static gboolean
lanyard_provider_microsoft_configure (LanyardProvider       *provider,
                                      LanyardProviderConfig *config,
                                      GError               **error)
{
  LanyardProviderMicrosoft *self = LANYARD_PROVIDER_MICROSOFT (provider);
  g_autofree char          *base = NULL;
  g_autofree char          *authorize = NULL;
  g_autofree char          *token = NULL;
  const char               *authority, *tenant;

  if (!lanyard_provider_config_get_url (config, "authority", FALSE, &authority, error))
    return FALSE;

  tenant = lanyard_provider_config_get (config, "tenant");
  if (tenant == NULL)
    tenant = "common";
  if (!tenant_is_valid (tenant))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“tenant” must be common, organizations, consumers, a tenant GUID or a domain name, not “%s”"),
                   tenant);
      return FALSE;
    }

  self->authority = g_strdup (authority != NULL ? authority : "https://login.microsoftonline.com");
  while (g_str_has_suffix (self->authority, "/"))
    self->authority[strlen (self->authority) - 1] = '\0';
  self->tenant = g_strdup (tenant);

  base = g_strdup_printf ("%s/%s/oauth2/v2.0", self->authority, self->tenant);
  authorize = _lanyard_provider_join_url (base, "authorize");
  token = _lanyard_provider_join_url (base, "token");
  _lanyard_provider_set_endpoints (provider, authorize, token, NULL, NULL);
  {
    g_autofree char *device = _lanyard_provider_join_url (base, "devicecode");
    _lanyard_provider_set_device_authorization_url (provider, device, TRUE);
  }
  _lanyard_provider_set_redirect_host (provider, "localhost");
  if (g_str_equal (self->tenant, "consumers"))
    _lanyard_provider_set_revoke_page (provider, "https://account.live.com/consent/Manage");
  else if (g_str_equal (self->tenant, "common"))
    _lanyard_provider_set_revoke_page (provider, "https://myapps.microsoft.com (work or school account) or "
                                                 "https://account.live.com/consent/Manage (personal account)");
  else
    _lanyard_provider_set_revoke_page (provider, "https://myapps.microsoft.com");

  {
    g_autofree char *keys = g_strdup_printf ("%s/%s/discovery/v2.0/keys", self->authority, self->tenant);
    _lanyard_provider_set_jwks_uri (provider, keys);
  }

  return TRUE;
}

static gboolean
is_guid (const char *text)
{
  static const guint groups[] = { 8, 4, 4, 4, 12 };
  const char        *p = text;

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      for (guint i = 0; i < groups[g]; i++, p++)
        if (!g_ascii_isxdigit (*p))
          return FALSE;
      if (*p != (g + 1 < G_N_ELEMENTS (groups) ? '-' : '\0'))
        return FALSE;
      p++;
    }

  return TRUE;
}

/* With the multi-tenant authorities the issuer is a template,
 * `{authority}/{tenantid}/v2.0`: substitute the token's `tid`. */
static gboolean
lanyard_provider_microsoft_check_issuer (LanyardProvider *provider,
                                         JsonObject      *claims,
                                         GError         **error)
{
  LanyardProviderMicrosoft *self = LANYARD_PROVIDER_MICROSOFT (provider);
  const char               *iss = lanyard_json_get_string (claims, "iss");
  const char               *tid = lanyard_json_get_string (claims, "tid");
  g_autofree char          *expected = NULL;

  if (tid == NULL || !is_guid (tid))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The ID token from %s names no tenant (tid)"),
                   lanyard_provider_get_display_name (provider));
      return FALSE;
    }

  if (is_guid (self->tenant) && g_ascii_strcasecmp (tid, self->tenant) != 0)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH,
                   _ ("The account belongs to another tenant (%s) than the configured one (%s)"),
                   tid, self->tenant);
      return FALSE;
    }

  expected = g_strdup_printf ("%s/%s/v2.0", self->authority, tid);
  if (g_strcmp0 (iss, expected) != 0)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH,
                   _ ("The ID token was issued by “%s”, not by %s (“%s”); the sign-in was refused"),
                   iss != NULL ? iss : "nobody",
                   lanyard_provider_get_display_name (provider), expected);
      return FALSE;
    }

  return TRUE;
}

static LanyardIdentity *
lanyard_provider_microsoft_identity_from_userinfo (LanyardProvider *provider,
                                                   JsonObject      *claims,
                                                   GError         **error)
{
  const char      *oid = lanyard_json_get_string (claims, "oid");
  const char      *tid = lanyard_json_get_string (claims, "tid");
  g_autofree char *account_id = NULL;

  if (oid == NULL || tid == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The ID token from %s has no object id (oid); add the “profile” scope"),
                   lanyard_provider_get_display_name (provider));
      return NULL;
    }

  account_id = g_strdup_printf ("%s.%s", oid, tid);
  if (!lanyard_identity_check_account_id (account_id))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("The ID token from %s names the account with characters an account id cannot have; the sign-in was refused"),
                   lanyard_provider_get_display_name (provider));
      return NULL;
    }
  return lanyard_identity_new (lanyard_provider_get_id (provider), account_id,
                               lanyard_json_get_string (claims, "preferred_username"),
                               lanyard_json_get_string (claims, "name"),
                               lanyard_json_get_string (claims, "email"),
                               NULL);
}

static void
validated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LanyardProvider *provider = LANYARD_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(GError) error = NULL;
  LanyardIdentity *identity = NULL;

  claims = _lanyard_provider_validate_id_token_finish (provider, result, &error);
  if (claims != NULL)
    identity = lanyard_provider_microsoft_identity_from_userinfo (provider, claims, &error);
  /* The administrator's rules, on the verified claims (allowed e-mail
   * domains, a required claim such as groups). */
  if (identity != NULL && !_lanyard_provider_apply_claims (provider, identity, claims, claims, &error))
    g_clear_object (&identity);

  if (identity == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, identity, g_object_unref);
}

/* Everything needed is in the verified ID token; no Graph call, no extra
 * scope. */
static void
lanyard_provider_microsoft_fetch_identity_async (LanyardProvider    *provider,
                                                 LanyardTokenSet    *tokens,
                                                 const char         *nonce,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);

  g_task_set_source_tag (task, lanyard_provider_microsoft_fetch_identity_async);
  _lanyard_provider_validate_id_token_async (provider, lanyard_token_set_get_id_token (tokens), nonce, NULL,
                                             cancellable, validated_cb, g_steal_pointer (&task));
}

static LanyardIdentity *
lanyard_provider_microsoft_fetch_identity_finish (LanyardProvider *provider,
                                                  GAsyncResult    *result,
                                                  GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lanyard_provider_microsoft_finalize (GObject *object)
{
  LanyardProviderMicrosoft *self = LANYARD_PROVIDER_MICROSOFT (object);

  g_free (self->authority);
  g_free (self->tenant);

  G_OBJECT_CLASS (lanyard_provider_microsoft_parent_class)->finalize (object);
}

static void
lanyard_provider_microsoft_class_init (LanyardProviderMicrosoftClass *klass)
{
  LanyardProviderClass *provider_class = LANYARD_PROVIDER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lanyard_provider_microsoft_finalize;

  provider_class->type_name = "microsoft";
  provider_class->default_display_name = "Microsoft";
  provider_class->default_scopes = "openid profile email offline_access";
  provider_class->secret_policy = LANYARD_SECRET_FORBIDDEN;
  /* OpenID Connect Core §3.1.2.1; Microsoft fills in the e-mail. */
  provider_class->login_hint_param = "login_hint";
  provider_class->configure = lanyard_provider_microsoft_configure;
  provider_class->device_flow_hint = N_ ("Turn on “Allow public client flows” on the app registration's Authentication page "
                                         "in the Microsoft Entra admin center, then set “device_flow=true”.");
  provider_class->check_issuer = lanyard_provider_microsoft_check_issuer;
  provider_class->identity_from_userinfo = lanyard_provider_microsoft_identity_from_userinfo;
  provider_class->fetch_identity_async = lanyard_provider_microsoft_fetch_identity_async;
  provider_class->fetch_identity_finish = lanyard_provider_microsoft_fetch_identity_finish;
}

static void
lanyard_provider_microsoft_init (LanyardProviderMicrosoft *self)
{
}
