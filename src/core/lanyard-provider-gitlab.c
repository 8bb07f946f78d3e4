/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-provider-gitlab"

#include "lanyard-provider-gitlab.h"

#include <glib/gi18n.h>

#include <string.h>

#include "lanyard-provider-private.h"

/**
 * LanyardProviderGitlab:
 *
 * gitlab.com or a self-managed instance (`base_url`). GitLab is an OpenID
 * Connect provider whose issuer is its base URL; the identity is the
 * userinfo of `/oauth/userinfo`, keyed by `sub` (the user id), with the user
 * name in `nickname`. A non-confidential application needs no secret.
 */
struct _LanyardProviderGitlab
{
  LanyardProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (LanyardProviderGitlab, lanyard_provider_gitlab, LANYARD_TYPE_PROVIDER)

static gboolean
lanyard_provider_gitlab_configure (LanyardProvider       *provider,
                                   LanyardProviderConfig *config,
                                   GError               **error)
{
  g_autofree char *base = NULL;
  g_autofree char *authorize = NULL;
  g_autofree char *token = NULL;
  g_autofree char *userinfo = NULL;
  g_autofree char *revoke = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *page = NULL;
  const char      *base_url;

  if (!lanyard_provider_config_get_url (config, "base_url", FALSE, &base_url, error))
    return FALSE;

  /* The issuer has no trailing slash; a configured one is forgiven. */
  base = g_strdup (base_url != NULL ? base_url : "https://gitlab.com");
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';

  authorize = _lanyard_provider_join_url (base, "oauth/authorize");
  token = _lanyard_provider_join_url (base, "oauth/token");
  userinfo = _lanyard_provider_join_url (base, "oauth/userinfo");
  revoke = _lanyard_provider_join_url (base, "oauth/revoke");
  keys = _lanyard_provider_join_url (base, "oauth/discovery/keys");
  _lanyard_provider_set_endpoints (provider, authorize, token, userinfo, revoke);
  _lanyard_provider_set_issuer (provider, base, FALSE);
  /* GitLab 17 moved the page from /-/profile/applications, which still
   * redirects there. */
  page = _lanyard_provider_join_url (base, "-/user_settings/applications");
  _lanyard_provider_set_revoke_page (provider, page);
  _lanyard_provider_set_jwks_uri (provider, keys);
  /* Git repositories are served below the base URL, over HTTPS. */
  _lanyard_provider_set_web_url (provider, base);

  /* The device grant came with GitLab 17.1 (gitlab.com has it); a
   * self-managed instance may be older, so it is offered there only when
   * `device_flow=true` says the instance has it. */
  {
    g_autofree char *device = _lanyard_provider_join_url (base, "oauth/authorize_device");
    _lanyard_provider_set_device_authorization_url (provider, device, TRUE);
    _lanyard_provider_set_device_flow_default (provider, base_url == NULL);
  }

  /* Matched against the `groups` claim: the full paths of the groups the
   * account is a member of. */
  return _lanyard_provider_read_allowed_orgs (provider, config, "allowed_groups", _ ("groups"), error);
}

static LanyardIdentity *
lanyard_provider_gitlab_identity_from_userinfo (LanyardProvider *provider,
                                                JsonObject      *userinfo,
                                                GError         **error)
{
  return _lanyard_provider_identity_from_claims (provider, userinfo, "nickname", error);
}

static void
lanyard_provider_gitlab_class_init (LanyardProviderGitlabClass *klass)
{
  LanyardProviderClass *provider_class = LANYARD_PROVIDER_CLASS (klass);

  provider_class->type_name = "gitlab";
  provider_class->default_display_name = "GitLab";
  provider_class->default_scopes = "openid profile email";
  provider_class->secret_policy = LANYARD_SECRET_OPTIONAL;
  /* GitLab has no parameter naming the account to sign in as. */
  provider_class->login_hint_param = NULL;
  provider_class->configure = lanyard_provider_gitlab_configure;
  provider_class->device_flow_hint = N_ ("GitLab offers it since version 17.1; set “device_flow=true” if this instance runs 17.1 or newer.");
  provider_class->identity_from_userinfo = lanyard_provider_gitlab_identity_from_userinfo;
}

static void
lanyard_provider_gitlab_init (LanyardProviderGitlab *self)
{
}
