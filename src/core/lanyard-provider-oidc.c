/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-provider-oidc"

#include "lanyard-provider-oidc.h"

#include <string.h>

#include "lanyard-error.h"
#include "lanyard-provider-private.h"

/**
 * LanyardProviderOidc:
 *
 * Any OpenID Connect issuer, configured by `issuer` alone: the endpoints
 * come from its discovery document, fetched before the first sign-in. The
 * document is used only when its `issuer` is identical to the configured
 * one (OIDC Discovery §4.3), which also guards against mix-up.
 */
struct _LanyardProviderOidc
{
  LanyardProvider parent_instance;

  char    *issuer;
  gboolean discovered;
};

G_DEFINE_FINAL_TYPE (LanyardProviderOidc, lanyard_provider_oidc, LANYARD_TYPE_PROVIDER)

static gboolean
lanyard_provider_oidc_configure (LanyardProvider       *provider,
                                 LanyardProviderConfig *config,
                                 GError               **error)
{
  LanyardProviderOidc *self = LANYARD_PROVIDER_OIDC (provider);
  const char          *issuer;

  if (!lanyard_provider_config_get_url (config, "issuer", TRUE, &issuer, error))
    return FALSE;

  if (strchr (issuer, '?') != NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   "“issuer” must not have a query part (OpenID Connect Discovery §2)");
      return FALSE;
    }

  self->issuer = g_strdup (issuer);
  return TRUE;
}

static gboolean
read_endpoint (LanyardProvider *provider,
               JsonObject      *document,
               const char      *member,
               gboolean         required,
               const char     **url,
               GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  *url = lanyard_json_get_string (document, member);
  if (*url == NULL)
    {
      if (!required)
        return TRUE;
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   "%s's discovery document has no “%s”",
                   lanyard_provider_get_display_name (provider), member);
      return FALSE;
    }

  if (!lanyard_url_is_acceptable (*url, &local_error))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   "%s's discovery document has an unusable “%s”: %s",
                   lanyard_provider_get_display_name (provider), member, local_error->message);
      return FALSE;
    }

  return TRUE;
}

static void
discovery_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LanyardProviderOidc *self = LANYARD_PROVIDER_OIDC (object);
  LanyardProvider     *provider = LANYARD_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *document;
  const char *issuer, *authorize, *token, *userinfo, *revoke;

  node = _lanyard_provider_get_json_finish (provider, result, &error);
  if (node == NULL)
    {
      g_prefix_error (&error, "The discovery document could not be fetched: ");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                               "%s's discovery document is not a JSON object",
                               lanyard_provider_get_display_name (provider));
      return;
    }

  document = json_node_get_object (node);
  issuer = lanyard_json_get_string (document, "issuer");
  if (g_strcmp0 (issuer, self->issuer) != 0)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH,
                               "%s's discovery document is for the issuer “%s”, not the configured “%s”; it was not used",
                               lanyard_provider_get_display_name (provider),
                               issuer != NULL ? issuer : "(none)", self->issuer);
      return;
    }

  if (!read_endpoint (provider, document, "authorization_endpoint", TRUE, &authorize, &error) ||
      !read_endpoint (provider, document, "token_endpoint", TRUE, &token, &error) ||
      !read_endpoint (provider, document, "userinfo_endpoint", FALSE, &userinfo, &error) ||
      !read_endpoint (provider, document, "revocation_endpoint", FALSE, &revoke, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  _lanyard_provider_set_endpoints (provider, authorize, token, userinfo, revoke);
  _lanyard_provider_set_issuer (provider, self->issuer,
                                json_object_get_boolean_member_with_default (document, "authorization_response_iss_parameter_supported", FALSE));
  self->discovered = TRUE;

  g_task_return_boolean (task, TRUE);
}

static void
lanyard_provider_oidc_prepare_async (LanyardProvider    *provider,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  LanyardProviderOidc *self = LANYARD_PROVIDER_OIDC (provider);
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autofree char *url = NULL;

  g_task_set_source_tag (task, lanyard_provider_oidc_prepare_async);

  if (self->discovered)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  url = _lanyard_provider_join_url (self->issuer, ".well-known/openid-configuration");
  _lanyard_provider_get_json_async (provider, url, NULL, cancellable,
                                    discovery_cb, g_steal_pointer (&task));
}

static gboolean
lanyard_provider_oidc_prepare_finish (LanyardProvider *provider,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static LanyardIdentity *
lanyard_provider_oidc_identity_from_userinfo (LanyardProvider *provider,
                                              JsonObject      *userinfo,
                                              GError         **error)
{
  return _lanyard_provider_identity_from_claims (provider, userinfo, "preferred_username", error);
}

static void
lanyard_provider_oidc_finalize (GObject *object)
{
  g_free (LANYARD_PROVIDER_OIDC (object)->issuer);
  G_OBJECT_CLASS (lanyard_provider_oidc_parent_class)->finalize (object);
}

static void
lanyard_provider_oidc_class_init (LanyardProviderOidcClass *klass)
{
  LanyardProviderClass *provider_class = LANYARD_PROVIDER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lanyard_provider_oidc_finalize;

  provider_class->type_name = "oidc";
  provider_class->default_display_name = "OpenID Connect";
  provider_class->default_scopes = "openid profile email";
  provider_class->secret_policy = LANYARD_SECRET_OPTIONAL;
  provider_class->configure = lanyard_provider_oidc_configure;
  provider_class->prepare_async = lanyard_provider_oidc_prepare_async;
  provider_class->prepare_finish = lanyard_provider_oidc_prepare_finish;
  provider_class->identity_from_userinfo = lanyard_provider_oidc_identity_from_userinfo;
}

static void
lanyard_provider_oidc_init (LanyardProviderOidc *self)
{
}
