/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-provider-oidc"

#include "lanyard-provider-oidc.h"

#include <glib/gi18n.h>

#include <string.h>

#include "lanyard-discovery.h"
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

  char  *issuer;
  gint64 stale_at; /* monotonic µs; 0 before the first discovery */
};

/* Discovery documents change rarely; re-read them daily at the latest. */
#define MAX_DISCOVERY_LIFETIME (24 * 60 * 60)

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
                   _ ("“issuer” must not have a query part (OpenID Connect Discovery §2)"));
      return FALSE;
    }

  self->issuer = g_strdup (issuer);
  /* Whether it has a device authorization endpoint, discovery will say. */
  _lanyard_provider_set_device_authorization_url (provider, NULL, FALSE);
  return TRUE;
}

static void
discovery_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardProviderOidc *self = g_task_get_source_object (task);
  LanyardProvider     *provider = LANYARD_PROVIDER (self);
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(LanyardDiscovery) discovery = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = lanyard_provider_get_display_name (provider);
  gint64      lifetime;

  reply = lanyard_http_send_finish (result, &error);
  if (reply == NULL || !lanyard_http_check_reply (reply, NULL, name, &error))
    {
      g_prefix_error (&error, _ ("The discovery document could not be fetched: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  {
    gsize       len;
    const char *body = g_bytes_get_data (reply->body, &len);

    discovery = lanyard_discovery_parse (body, len, self->issuer, name, &error);
  }
  if (discovery == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  _lanyard_provider_set_endpoints (provider, discovery->authorization_endpoint, discovery->token_endpoint,
                                   discovery->userinfo_endpoint, discovery->revocation_endpoint);
  _lanyard_provider_set_jwks_uri (provider, discovery->jwks_uri);
  _lanyard_provider_set_device_authorization_url (provider, discovery->device_authorization_endpoint, TRUE);
  _lanyard_provider_set_issuer (provider, self->issuer, discovery->iss_parameter_supported);

  lifetime = reply->max_age >= 0 ? MIN (reply->max_age, MAX_DISCOVERY_LIFETIME) : MAX_DISCOVERY_LIFETIME;
  self->stale_at = g_get_monotonic_time () + lifetime * G_USEC_PER_SEC;

  g_task_return_boolean (task, TRUE);
}

/* Discovery is fetched before the first sign-in and again once stale (as
 * its caching headers say, and at least daily). */
static void
lanyard_provider_oidc_prepare_async (LanyardProvider    *provider,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  LanyardProviderOidc *self = LANYARD_PROVIDER_OIDC (provider);
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;

  g_task_set_source_tag (task, lanyard_provider_oidc_prepare_async);

  if (self->stale_at != 0 && g_get_monotonic_time () < self->stale_at)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  url = _lanyard_provider_join_url (self->issuer, ".well-known/openid-configuration");
  message = soup_message_new (SOUP_METHOD_GET, url);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  lanyard_http_send_async (lanyard_provider_get_session (provider), message,
                           lanyard_provider_get_display_name (provider), cancellable,
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
  /* OpenID Connect Core §3.1.2.1: a hint the server may use. */
  provider_class->login_hint_param = "login_hint";
  provider_class->configure = lanyard_provider_oidc_configure;
  /* Offered when discovery names a device_authorization_endpoint. */
  provider_class->device_flow_default = TRUE;
  provider_class->prepare_async = lanyard_provider_oidc_prepare_async;
  provider_class->prepare_finish = lanyard_provider_oidc_prepare_finish;
  provider_class->identity_from_userinfo = lanyard_provider_oidc_identity_from_userinfo;
}

static void
lanyard_provider_oidc_init (LanyardProviderOidc *self)
{
}
