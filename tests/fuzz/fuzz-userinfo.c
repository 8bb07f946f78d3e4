/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the account description each provider reads after a
 * sign-in, through lanyard_provider_fetch_identity_async() itself, against
 * the loopback server of fuzz-common.c: GitHub's `/user` and, when that has
 * no e-mail, `/user/emails`; GitLab's, Google's and an OpenID Connect
 * issuer's userinfo (their `openid` scope is left out here, so that the
 * userinfo alone makes the identity; fuzz-id-token covers the ID token);
 * a plain OAuth 2.0 server's userinfo with its `id_field`, once `id` and
 * once `sub`. Microsoft reads no userinfo: its identity comes from the ID
 * token (fuzz-id-token).
 *
 * Input: a first line naming the provider (github, gitlab, google, oidc,
 * oauth2, oauth2-sub), then the body of the answer; for github, a line
 * "@@emails@@" may separate `/user` from `/user/emails`. */
#define G_LOG_DOMAIN "fuzz-userinfo"

#include <string.h>

#include "fuzz-common.h"
#include "lanyard-provider-registry.h"

#define EMAILS_SEPARATOR "\n@@emails@@\n"

static LanyardProviderRegistry *registry;
static LanyardTokenSet         *tokens;

static void
add_provider (const char *id,
              const char *compound)
{
  g_autofree char *expanded = NULL;
  g_autoptr(LanyardProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = g_strsplit (compound, "@BASE@", -1);

  expanded = g_strjoinv (fuzz_server_get_base_url (), parts);
  config = lanyard_provider_config_new_from_compound (id, "fuzz", expanded, &error);
  g_assert_no_error (error);
  lanyard_provider_registry_add_config (registry, config);
  if (lanyard_provider_registry_lookup (registry, id) == NULL)
    g_error ("%s", lanyard_provider_registry_get_entry (registry, id)->problem);
}

static void
setup (void)
{
  static const char *const scopes[] = { "read:user", "user:email", NULL };
  g_autofree char         *discovery = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *base;

  if (registry != NULL)
    return;

  fuzz_init ();
  base = fuzz_server_get_base_url ();
  registry = lanyard_provider_registry_new ();
  tokens = lanyard_token_set_new ("fuzz-access-token", "Bearer", NULL, 0, scopes, NULL);

  add_provider ("github", "github client_id=fuzz-client client_secret=fuzz-secret base_url=@BASE@/github api_url=@BASE@/github-api");
  add_provider ("gitlab", "gitlab client_id=fuzz-client base_url=@BASE@/gitlab scopes=read_user");
  add_provider ("google", "google client_id=fuzz-client client_secret=fuzz-secret userinfo_url=@BASE@/google/userinfo scopes='email profile'");
  add_provider ("oidc", "oidc client_id=fuzz-client issuer=@BASE@/oidc scopes='profile email'");
  /* The administrator's rules: GitHub's organisations (/user/orgs, served
   * the part after @@emails@@ too), and an OpenID provider's claims,
   * checked as at a renewal (userinfo alone, no ID token to sign). */
  add_provider ("github-orgs", "github client_id=fuzz-client client_secret=fuzz-secret base_url=@BASE@/github api_url=@BASE@/github-api allowed_orgs=acme");
  add_provider ("gitlab-rules", "gitlab client_id=fuzz-client base_url=@BASE@/gitlab allowed_groups=corp/staff required_claim=groups:staff allowed_email_domains=example.com");
  add_provider ("oauth2", "oauth2 client_id=fuzz-client authorize_url=@BASE@/oauth2/authorize token_url=@BASE@/oauth2/token userinfo_url=@BASE@/oauth2/userinfo id_field=id");
  add_provider ("oauth2-sub", "oauth2 client_id=fuzz-client authorize_url=@BASE@/oauth2/authorize token_url=@BASE@/oauth2/token userinfo_url=@BASE@/oauth2/userinfo id_field=sub username_field=login name_field=display_name email_field=mail avatar_field=avatar");

  /* The OpenID Connect provider learns its endpoints once, by discovery. */
  discovery = g_strdup_printf ("{\"issuer\":\"%s/oidc\",\"authorization_endpoint\":\"%s/oidc/authorize\","
                               "\"token_endpoint\":\"%s/oidc/token\",\"userinfo_endpoint\":\"%s/oidc/userinfo\","
                               "\"jwks_uri\":\"%s/oidc/jwks\"}",
                               base, base, base, base, base);
  fuzz_server_set_reply ("/oidc/.well-known/openid-configuration", 200, "application/json", NULL,
                         discovery, strlen (discovery));
  lanyard_provider_prepare_async (lanyard_provider_registry_lookup (registry, "oidc"), NULL,
                                  fuzz_store_result, &result);
  fuzz_wait (&result);
  if (!lanyard_provider_prepare_finish (lanyard_provider_registry_lookup (registry, "oidc"), result, &error))
    g_error ("%s", error->message);
  fuzz_server_clear_replies ();
}

static const char *
userinfo_path (const char *id)
{
  if (g_str_has_prefix (id, "github"))
    return "/github-api/user";
  if (g_str_has_prefix (id, "gitlab"))
    return "/gitlab/oauth/userinfo";
  if (g_str_equal (id, "google"))
    return "/google/userinfo";
  if (g_str_equal (id, "oidc"))
    return "/oidc/userinfo";
  return "/oauth2/userinfo";
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(LanyardIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  const char      *newline = memchr (data, '\n', size);
  const char      *body, *emails;
  gsize            body_length, emails_length = 0;
  LanyardProvider *provider;

  setup ();

  if (newline == NULL || size > 256 * 1024)
    return 0;
  id = g_strndup ((const char *) data, newline - (const char *) data);
  provider = lanyard_provider_registry_lookup (registry, id);
  if (provider == NULL)
    return 0;

  body = newline + 1;
  body_length = size - (body - (const char *) data);
  emails = g_strstr_len (body, body_length, EMAILS_SEPARATOR);
  if (emails != NULL && g_str_has_prefix (id, "github"))
    {
      gsize user_length = emails - body;

      emails += strlen (EMAILS_SEPARATOR);
      emails_length = body_length - user_length - strlen (EMAILS_SEPARATOR);
      body_length = user_length;
      fuzz_server_set_reply ("/github-api/user/emails", 200, "application/json", NULL, emails, emails_length);
      fuzz_server_set_reply ("/github-api/user/orgs", 200, "application/json", NULL, emails, emails_length);
    }

  fuzz_server_set_reply (userinfo_path (id), 200, "application/json", NULL, body, body_length);

  if (g_str_equal (id, "gitlab-rules"))
    {
      lanyard_provider_recheck_async (provider, tokens, NULL, fuzz_store_result, &result);
      fuzz_wait (&result);
      identity = lanyard_provider_recheck_finish (provider, result, &error);
    }
  else
    {
      lanyard_provider_fetch_identity_async (provider, tokens, NULL, NULL, fuzz_store_result, &result);
      fuzz_wait (&result);
      identity = lanyard_provider_fetch_identity_finish (provider, result, &error);
    }
  g_assert ((identity == NULL) != (error == NULL));

  if (identity != NULL)
    {
      g_assert_cmpstr (lanyard_identity_get_provider_id (identity), ==, id);
      fuzz_check_identity (identity);
      /* Organisations go on the bus and into a window: UTF-8, no blanks. */
      for (const char *const *org = lanyard_identity_get_orgs (identity); *org != NULL; org++)
        g_assert_true (g_utf8_validate (*org, -1, NULL) && (*org)[0] != '\0');
    }

  fuzz_server_clear_replies ();
  return 0;
}
