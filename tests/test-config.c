/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#include <glib/gstdio.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-provider-registry.h"

static void
test_compound_basic (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardProviderConfig) config =
               lanyard_provider_config_new_from_compound ("gitlab", "LANYARD_PROVIDER_GITLAB",
                                                          "gitlab client_id=abc client_secret=def base_url=https://gitlab.example.com",
                                                          &error);

  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_provider_config_peek (config, "type"), ==, "gitlab");
  g_assert_cmpstr (lanyard_provider_config_peek (config, "client_id"), ==, "abc");
  g_assert_cmpstr (lanyard_provider_config_peek (config, "client_secret"), ==, "def");
  g_assert_cmpstr (lanyard_provider_config_peek (config, "base_url"), ==, "https://gitlab.example.com");
}

static void
test_compound_quotes_spaces_equals (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardProviderConfig) config =
               lanyard_provider_config_new_from_compound ("corp", "LANYARD_PROVIDER_CORP",
                                                          "  oidc   display_name=\"Corp SSO\"  client_secret='a=b c'"
                                                          " scopes=\"openid  profile\" client_id=x\\ y issuer=https://sso.example.com/?a=b ",
                                                          &error);

  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_provider_config_peek (config, "type"), ==, "oidc");
  g_assert_cmpstr (lanyard_provider_config_peek (config, "display_name"), ==, "Corp SSO");
  g_assert_cmpstr (lanyard_provider_config_peek (config, "client_secret"), ==, "a=b c");
  g_assert_cmpstr (lanyard_provider_config_peek (config, "scopes"), ==, "openid  profile");
  g_assert_cmpstr (lanyard_provider_config_peek (config, "client_id"), ==, "x y");
  g_assert_cmpstr (lanyard_provider_config_peek (config, "issuer"), ==, "https://sso.example.com/?a=b");
}

static void
test_compound_errors (void)
{
  const struct
  {
    const char *value;
    const char *message;
  } cases[] = {
    { "", "LANYARD_PROVIDER_X is empty; it must start with the provider type, e.g. “gitlab client_id=…”" },
    { "   ", "LANYARD_PROVIDER_X is empty; it must start with the provider type, e.g. “gitlab client_id=…”" },
    { "client_id=abc gitlab", "LANYARD_PROVIDER_X must start with the provider type (github, gitlab, google, microsoft, oidc, oauth2 or demo), not with “client_id=…”" },
    { "gitlab client_id", "LANYARD_PROVIDER_X: “client_id” is not a key=value pair" },
    { "gitlab =abc", "LANYARD_PROVIDER_X: “=…” is not a key=value pair" },
    { "gitlab client_id=a client_id=b", "LANYARD_PROVIDER_X sets “client_id” twice" },
    { "gitlab type=github", "LANYARD_PROVIDER_X sets “type” twice" },
    { "git\xff"
      "lab client_id=a",
      "LANYARD_PROVIDER_X is not UTF-8 text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardProviderConfig) config =
                   lanyard_provider_config_new_from_compound ("x", "LANYARD_PROVIDER_X", cases[i].value, &error);

      g_assert_null (config);
      g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_compound_unterminated_quote (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardProviderConfig) config =
               lanyard_provider_config_new_from_compound ("x", "LANYARD_PROVIDER_X", "gitlab client_id=\"abc", &error);

  g_assert_null (config);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED);
  g_assert_true (g_str_has_prefix (error->message, "LANYARD_PROVIDER_X cannot be read: "));
}

static const char *
problem_for (const char *compound)
{
  static char *last;
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  g_autoptr(LanyardProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  const LanyardProviderEntry *entry;

  config = lanyard_provider_config_new_from_compound ("corp", "LANYARD_PROVIDER_CORP", compound, &error);
  g_assert_no_error (error);
  lanyard_provider_registry_add_config (registry, config);
  entry = lanyard_provider_registry_get_entry (registry, "corp");
  g_assert_nonnull (entry);
  g_assert_true ((entry->provider == NULL) == (entry->problem != NULL));

  g_free (last);
  last = g_strdup (entry->problem);
  return last;
}

#define PREFIX "Provider “corp” (LANYARD_PROVIDER_CORP): "

static void
test_validation_messages (void)
{
  const struct
  {
    const char *compound;
    const char *problem;
  } cases[] = {
    { "gitlub client_id=a", PREFIX "the type “gitlub” is unknown; use one of github, gitlab, google, microsoft, oidc, oauth2, demo" },
    { "gitlab", PREFIX "“client_id” is missing; register an application with GitLab and set its client ID" },
    { "github client_id=a", PREFIX "“client_secret” is missing; GitHub requires the client secret of the registered application" },
    { "google client_id=a", PREFIX "“client_secret” is missing; Google requires the client secret of the registered application" },
    { "microsoft client_id=a client_secret=b", PREFIX "“client_secret” must not be set; Microsoft refuses a secret from a desktop (public client) application" },
    { "microsoft client_id=a tenant=bad/tenant", PREFIX "“tenant” must be common, organizations, consumers, a tenant GUID or a domain name, not “bad/tenant”" },
    { "gitlab client_id=a base_url=http://gitlab.example.com", PREFIX "“base_url”: “http://gitlab.example.com” must use https:// (plain http:// is only allowed on this computer's loopback address)" },
    { "gitlab client_id=a base_url=gitlab.example.com", PREFIX "“base_url”: “gitlab.example.com” is not an absolute URL" },
    { "gitlab client_id=a base_url=https://user:pw@gitlab.example.com", PREFIX "“base_url”: “https://user:pw@gitlab.example.com” must not contain a user name, password or #fragment" },
    { "oidc client_id=a", PREFIX "“issuer” is missing" },
    { "oidc client_id=a issuer=ftp://sso.example.com", PREFIX "“issuer”: “ftp://sso.example.com” must use https:// (plain http:// is only allowed on this computer's loopback address)" },
    { "oidc client_id=a issuer=https://sso.example.com?x=1", PREFIX "“issuer” must not have a query part (OpenID Connect Discovery §2)" },
    { "oauth2 client_id=a token_url=https://e.example/t userinfo_url=https://e.example/u id_field=id", PREFIX "“authorize_url” is missing" },
    { "oauth2 client_id=a authorize_url=https://e.example/a token_url=https://e.example/t userinfo_url=https://e.example/u",
      PREFIX "“id_field” is missing; name the userinfo member that identifies an account and never changes (such as “id” or “sub”)" },
    { "gitlab client_id=a device_flow=yes", PREFIX "“device_flow” must be “true”, “false” or “only”, not “yes”" },
    { "oauth2 client_id=a authorize_url=https://a.example/auth token_url=https://a.example/token userinfo_url=https://a.example/me id_field=id device_flow=only",
      PREFIX "“device_flow=only”, but OAuth 2.0 has no device authorization endpoint to sign in with" },
    { "gitlab client_id=a clientsecret=b", PREFIX "unknown key “clientsecret” (this provider type knows: allowed_email_domains, allowed_groups, base_url, client_id, client_secret, clock_skew, device_flow, display_name, redirect_port, required_claim, scopes, store_tokens)" },
    { "gitlab client_id=a zz=1 aa=2", PREFIX "unknown keys “aa”, “zz” (this provider type knows: allowed_email_domains, allowed_groups, base_url, client_id, client_secret, clock_skew, device_flow, display_name, redirect_port, required_claim, scopes, store_tokens)" },
    { "oidc client_id=a issuer=https://sso.example.com clock_skew=soon", PREFIX "“clock_skew” must be a number of seconds from 0 to 3600, not “soon”" },
    { "oidc client_id=a issuer=https://sso.example.com clock_skew=7200", PREFIX "“clock_skew” must be a number of seconds from 0 to 3600, not “7200”" },
    { "demo flavor=bitbucket", PREFIX "“flavor” must be github or gitlab, not “bitbucket”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (problem_for (cases[i].compound), ==, cases[i].problem);
}

static void
test_valid_configurations (void)
{
  const char *cases[] = {
    "github client_id=a client_secret=b",
    "github client_id=a client_secret=b base_url=https://ghe.example.com",
    "gitlab client_id=a base_url=https://gitlab.example.com/",
    "gitlab client_id=a base_url=http://127.0.0.1:8080",
    "gitlab client_id=a base_url=http://[::1]:8080",
    "gitlab client_id=a base_url=http://localhost:8080",
    "google client_id=a client_secret=b",
    "microsoft client_id=a tenant=organizations",
    "microsoft client_id=a tenant=contoso.onmicrosoft.com",
    "oidc client_id=a issuer=https://sso.example.com/realms/corp",
    "oauth2 client_id=a authorize_url=https://e.example/a token_url=https://e.example/t userinfo_url=https://e.example/u id_field=id",
    "demo",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_null (problem_for (cases[i]));
}

static void
test_provider_policies (void)
{
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  const char *envp[] = {
    "LANYARD_PROVIDER_GOOGLE=google client_id=a client_secret=b",
    "LANYARD_PROVIDER_MS=microsoft client_id=a",
    "LANYARD_PROVIDER_GITHUB=github client_id=a client_secret=b",
    "LANYARD_PROVIDER_GHE=github client_id=a client_secret=b base_url=https://ghe.example.com",
    NULL,
  };
  LanyardProvider *google, *ms, *github, *ghe;
  g_autofree char *github_path = NULL;
  g_autofree char *url = NULL;

  lanyard_provider_registry_load (registry, NULL, envp);
  google = lanyard_provider_registry_lookup (registry, "google");
  ms = lanyard_provider_registry_lookup (registry, "ms");
  github = lanyard_provider_registry_lookup (registry, "github");
  ghe = lanyard_provider_registry_lookup (registry, "ghe");

  g_assert_cmpint (lanyard_provider_get_browser_policy (google), ==, LANYARD_BROWSER_POLICY_SYSTEM_ONLY);
  g_assert_cmpint (lanyard_provider_get_browser_policy (github), ==, LANYARD_BROWSER_POLICY_ANY);
  g_assert_cmpstr (lanyard_provider_get_redirect_host (ms), ==, "localhost");
  g_assert_cmpstr (lanyard_provider_get_redirect_host (github), ==, "127.0.0.1");
  g_assert_false (lanyard_provider_can_revoke (ms));
  g_assert_true (lanyard_provider_can_revoke (github));
  g_assert_true (lanyard_provider_can_revoke (google));
  g_assert_true (lanyard_provider_get_uses_nonce (google));
  g_assert_false (lanyard_provider_get_uses_nonce (github));

  github_path = lanyard_provider_dup_redirect_path (github);
  g_assert_cmpstr (github_path, ==, "/callback/github");

  /* GitHub Enterprise Server: web endpoints below the base URL. */
  url = lanyard_provider_build_authorize_url (ghe, "http://127.0.0.1:1/callback/ghe", "s", "c", NULL, NULL);
  g_assert_true (g_str_has_prefix (url, "https://ghe.example.com/login/oauth/authorize?"));
}

/* Where a provider serves git repositories (ListProviders' web-url, for
 * git-credential-lanyard): GitHub and GitLab only. */
static void
test_web_url (void)
{
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  const char *envp[] = {
    "LANYARD_PROVIDER_GITHUB=github client_id=a client_secret=b",
    "LANYARD_PROVIDER_GHE=github client_id=a client_secret=b base_url=https://ghe.example.com:8443",
    "LANYARD_PROVIDER_GITLAB=gitlab client_id=a",
    "LANYARD_PROVIDER_WORK=gitlab client_id=a base_url=https://example.com/gitlab/",
    "LANYARD_PROVIDER_GOOGLE=google client_id=a client_secret=b",
    NULL,
  };

  lanyard_provider_registry_load (registry, NULL, envp);
  g_assert_cmpstr (lanyard_provider_get_web_url (lanyard_provider_registry_lookup (registry, "github")), ==,
                   "https://github.com");
  g_assert_cmpstr (lanyard_provider_get_web_url (lanyard_provider_registry_lookup (registry, "ghe")), ==,
                   "https://ghe.example.com:8443");
  g_assert_cmpstr (lanyard_provider_get_web_url (lanyard_provider_registry_lookup (registry, "gitlab")), ==,
                   "https://gitlab.com");
  g_assert_cmpstr (lanyard_provider_get_web_url (lanyard_provider_registry_lookup (registry, "work")), ==,
                   "https://example.com/gitlab");
  g_assert_null (lanyard_provider_get_web_url (lanyard_provider_registry_lookup (registry, "google")));
}

static void
test_authorize_url_escaping (void)
{
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  const char *envp[] = {
    "LANYARD_PROVIDER_PLAIN=oauth2 client_id=a&b=c authorize_url=https://e.example/auth?tenant=x%20y token_url=https://e.example/t "
    "userinfo_url=https://e.example/u id_field=id scopes=\"read write:all\"",
    NULL,
  };
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;

  lanyard_provider_registry_load (registry, NULL, envp);
  url = lanyard_provider_build_authorize_url (lanyard_provider_registry_lookup (registry, "plain"),
                                              "http://127.0.0.1:5000/callback/plain", "st&te=1", "ch+al/lenge", "n o", NULL);
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_host (uri), ==, "e.example");
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/auth");

  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_assert_cmpstr (g_hash_table_lookup (params, "tenant"), ==, "x y");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, "a&b=c");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "st&te=1");
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge"), ==, "ch+al/lenge");
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, "read write:all");
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==, "http://127.0.0.1:5000/callback/plain");
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "nonce"), ==, "n o");
}

static char *
write_config (const char *dir,
              const char *contents)
{
  g_autofree char *lanyard_dir = g_build_filename (dir, LANYARD_USER_DIR_NAME, NULL);
  char            *path = g_build_filename (lanyard_dir, "providers.conf", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (lanyard_dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
remove_tree (const char *dir)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (command), ==, 0);
}

static void
test_key_files_and_environment (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("lanyard-config-XXXXXX", &error);
  g_autofree char *user_dir = g_build_filename (root, "user", NULL);
  g_autofree char *system_dir = g_build_filename (root, "system", NULL);
  g_autofree char *user_path = NULL;
  g_autofree char *system_path = NULL;
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  const char *dirs[] = { user_dir, system_dir, NULL };
  const char *envp[] = {
    "HOME=/nowhere",
    "LANYARD_PROVIDER_CORP=oidc client_id=env issuer=https://env.example.com",
    "LANYARD_PROVIDER_BROKEN=gitlab client_id=\"unterminated",
    "LANYARD_PROVIDER_=gitlab client_id=a",
    NULL,
  };
  const char *const          *problems;
  const LanyardProviderEntry *entry;
  GPtrArray                  *entries;

  g_assert_no_error (error);
  user_path = write_config (user_dir,
                            "[provider work]\n"
                            "type=gitlab\n"
                            "client_id=user-id\n"
                            "base_url=https://gitlab.example.com\n"
                            "\n"
                            "[provider corp]\n"
                            "type=oidc\n"
                            "client_id=file\n"
                            "issuer=https://file.example.com\n"
                            "\n"
                            "[general]\n"
                            "x=1\n"
                            "[provider Bad_Id]\n"
                            "type=github\n");
  system_path = write_config (system_dir,
                              "[provider work]\n"
                              "type=github\n"
                              "client_id=system-id\n"
                              "\n"
                              "[provider hub]\n"
                              "type=github\n"
                              "client_id=hub\n");

  lanyard_provider_registry_load (registry, dirs, envp);
  entries = lanyard_provider_registry_get_entries (registry);

  /* work: the user's file wins over the system's, as a whole group. */
  entry = lanyard_provider_registry_get_entry (registry, "work");
  g_assert_nonnull (entry->provider);
  g_assert_cmpstr (entry->type_name, ==, "gitlab");
  g_assert_cmpstr (entry->source, ==, user_path);
  g_assert_cmpstr (lanyard_provider_get_client_id (entry->provider), ==, "user-id");

  /* corp: the environment overrides the file. */
  entry = lanyard_provider_registry_get_entry (registry, "corp");
  g_assert_nonnull (entry->provider);
  g_assert_cmpstr (entry->source, ==, "environment variable LANYARD_PROVIDER_CORP");
  g_assert_cmpstr (lanyard_provider_get_client_id (entry->provider), ==, "env");

  /* hub: from the system file, misconfigured (no secret), still listed. */
  entry = lanyard_provider_registry_get_entry (registry, "hub");
  g_assert_null (entry->provider);
  g_assert_cmpstr (entry->display_name, ==, "hub");
  g_assert_true (g_str_has_prefix (entry->problem, "Provider “hub” ("));
  g_assert_true (strstr (entry->problem, "“client_secret” is missing") != NULL);

  entry = lanyard_provider_registry_get_entry (registry, "broken");
  g_assert_null (entry->provider);
  g_assert_true (g_str_has_prefix (entry->problem, "Provider “broken”: environment variable LANYARD_PROVIDER_BROKEN cannot be read: "));

  g_assert_cmpuint (entries->len, ==, 4);

  problems = lanyard_provider_registry_get_problems (registry);
  g_assert_cmpuint (g_strv_length ((GStrv) problems), ==, 3);
  g_assert_true (strstr (problems[0], "the group [general] is not understood; provider groups are named [provider ID]") != NULL);
  g_assert_true (strstr (problems[1], "“Bad_Id” is not a valid provider id") != NULL);
  g_assert_cmpstr (problems[2], ==, "LANYARD_PROVIDER_ does not name a valid provider id; use LANYARD_PROVIDER_ followed by letters, digits and underscores, starting with a letter");

  remove_tree (root);
}

/* Whatever the bytes of providers.conf, what goes on the bus (the
 * providers' problems, their types) is UTF-8: GKeyFile checks values but
 * not key names, and group names only as far as the id check reads. */
static void
test_not_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("lanyard-config-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *command = NULL;
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  const char *dirs[] = { root, NULL };
  const char *envp[] = { "HOME=/nowhere", NULL };
  GPtrArray  *entries;
  guint       n_problems = 0;

  g_assert_no_error (error);
  path = write_config (root, "[provider work]\n"
                             "type=gitlab\n"
                             "client_id=a\n"
                             "client_\xff\xfe=1\n"
                             "[provider B\xff"
                             "d]\n"
                             "type=github\n");
  lanyard_provider_registry_load (registry, dirs, envp);

  entries = lanyard_provider_registry_get_entries (registry);
  for (guint i = 0; i < entries->len; i++)
    {
      const LanyardProviderEntry *entry = g_ptr_array_index (entries, i);

      g_assert_true (g_utf8_validate (entry->type_name, -1, NULL));
      if (entry->problem != NULL)
        {
          g_assert_true (g_utf8_validate (entry->problem, -1, NULL));
          g_assert_nonnull (strstr (entry->problem, "unknown key"));
          n_problems++;
        }
    }
  for (const char *const *p = lanyard_provider_registry_get_problems (registry); *p != NULL; p++)
    {
      g_assert_true (g_utf8_validate (*p, -1, NULL));
      n_problems++;
    }
  /* The unknown key, and the group that names no valid id. */
  g_assert_cmpuint (n_problems, ==, 2);

  command = g_strdup_printf ("rm -rf '%s'", root);
  g_assert_cmpint (system (command), ==, 0);
}

static void
test_unreadable_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("lanyard-config-XXXXXX", &error);
  g_autofree char *path = write_config (root, "this is not a key file\n[provider x\n");
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  const char        *dirs[] = { root, NULL };
  const char *const *problems;
  g_autofree char   *expected = g_strdup_printf ("%s cannot be read: ", path);

  lanyard_provider_registry_load (registry, dirs, NULL);
  problems = lanyard_provider_registry_get_problems (registry);
  g_assert_cmpuint (g_strv_length ((GStrv) problems), ==, 1);
  g_assert_true (g_str_has_prefix (problems[0], expected));
  g_assert_true (g_str_has_suffix (problems[0], "Its providers are not available."));
  g_assert_cmpuint (lanyard_provider_registry_get_entries (registry)->len, ==, 0);

  remove_tree (root);
}

static void
test_demo_only_when_asked (void)
{
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  LanyardProvider *demo;

  lanyard_provider_registry_load (registry, NULL, NULL);
  g_assert_cmpuint (lanyard_provider_registry_get_entries (registry)->len, ==, 0);

  lanyard_provider_registry_add_demo_providers (registry);
  g_assert_cmpuint (lanyard_provider_registry_get_entries (registry)->len, ==, 2);
  demo = lanyard_provider_registry_lookup (registry, "demo-github");
  g_assert_true (lanyard_provider_get_is_demo (demo));
  g_assert_cmpstr (lanyard_provider_get_display_name (demo), ==, "GitHub (Demo)");
  demo = lanyard_provider_registry_lookup (registry, "demo-gitlab");
  g_assert_cmpstr (lanyard_provider_get_display_name (demo), ==, "GitLab (Demo)");
}

static void
test_demo_always_labelled (void)
{
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  const char *envp[] = { "LANYARD_PROVIDER_TRY=demo display_name=Sandbox", NULL };

  lanyard_provider_registry_load (registry, NULL, envp);
  g_assert_cmpstr (lanyard_provider_get_display_name (lanyard_provider_registry_lookup (registry, "try")), ==, "Sandbox (Demo)");
}

/* An administrator's files: the system's providers are merged under the
 * user's; a locked one is the administrator's whatever the user's file or
 * environment say, and the window is told it is managed. */
static void
test_system_locked_and_merged (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("lanyard-config-XXXXXX", &error);
  g_autofree char *user_dir = g_build_filename (root, "user", NULL);
  g_autofree char *site_dir = g_build_filename (root, "site", NULL);
  g_autofree char *vendor_dir = g_build_filename (root, "vendor", NULL);
  g_autofree char *user_path = NULL;
  g_autofree char *site_path = NULL;
  g_autofree char *vendor_path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  const char                 *dirs[] = { user_dir, site_dir, vendor_dir, NULL };
  const char                 *envp[] = { "LANYARD_PROVIDER_CORP=oidc client_id=env issuer=https://env.example.com",
                                         "LANYARD_PROVIDER_ODD=gitlab client_id=\"unterminated", NULL };
  const char *const          *problems;
  const LanyardProviderEntry *entry;

  g_assert_no_error (error);
  site_path = write_config (site_dir,
                            "[provider corp]\n"
                            "type=oidc\n"
                            "client_id=site\n"
                            "issuer=https://sso.example.com\n"
                            "locked=true\n"
                            "\n"
                            "[provider hub]\n"
                            "type=github\n"
                            "client_id=site-hub\n"
                            "client_secret=s\n"
                            "\n"
                            "[provider odd]\n"
                            "type=gitlab\n"
                            "client_id=site-odd\n"
                            "locked=yes\n");
  vendor_path = write_config (vendor_dir,
                              "[provider corp]\n"
                              "type=oidc\n"
                              "client_id=vendor\n"
                              "issuer=https://vendor.example.com\n"
                              "\n"
                              "[provider lab]\n"
                              "type=gitlab\n"
                              "client_id=vendor-lab\n");
  user_path = write_config (user_dir,
                            "[provider corp]\n"
                            "type=oidc\n"
                            "client_id=user\n"
                            "issuer=https://user.example.com\n"
                            "\n"
                            "[provider hub]\n"
                            "type=github\n"
                            "client_id=user-hub\n"
                            "client_secret=u\n"
                            "\n"
                            "[provider mine]\n"
                            "type=gitlab\n"
                            "client_id=mine\n"
                            "locked=true\n");

  lanyard_provider_registry_load (registry, dirs, envp);

  /* corp: the first system file's, locked: neither the user's file nor
   * the environment replace it. */
  entry = lanyard_provider_registry_get_entry (registry, "corp");
  g_assert_nonnull (entry->provider);
  g_assert_true (entry->locked);
  g_assert_cmpstr (entry->source, ==, site_path);
  g_assert_cmpstr (lanyard_provider_get_client_id (entry->provider), ==, "site");

  /* hub: not locked, so the user's file wins, as before. */
  entry = lanyard_provider_registry_get_entry (registry, "hub");
  g_assert_false (entry->locked);
  g_assert_cmpstr (entry->source, ==, user_path);
  g_assert_cmpstr (lanyard_provider_get_client_id (entry->provider), ==, "user-hub");

  /* lab: a lower system file's provider is merged in. */
  entry = lanyard_provider_registry_get_entry (registry, "lab");
  g_assert_cmpstr (entry->source, ==, vendor_path);
  g_assert_cmpstr (lanyard_provider_get_client_id (entry->provider), ==, "vendor-lab");

  /* odd: locked=yes locks (the administrator meant it) and says why the
   * provider is unusable; not even an unreadable variable replaces it. */
  entry = lanyard_provider_registry_get_entry (registry, "odd");
  g_assert_true (entry->locked);
  g_assert_null (entry->provider);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Provider “odd” (%s): “locked” must be true or false, not “yes”", site_path);
  g_assert_cmpstr (entry->problem, ==, expected);

  /* mine: locked is the administrator's word, not the user's. */
  entry = lanyard_provider_registry_get_entry (registry, "mine");
  g_assert_null (entry->provider);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Provider “mine” (%s): “locked” is only read from a system file (in $XDG_CONFIG_DIRS, such as /etc/xdg/lanyard/providers.conf); remove it here", user_path);
  g_assert_cmpstr (entry->problem, ==, expected);

  g_assert_cmpuint (lanyard_provider_registry_get_entries (registry)->len, ==, 5);

  problems = lanyard_provider_registry_get_problems (registry);
  g_assert_cmpuint (g_strv_length ((GStrv) problems), ==, 3);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Provider “corp” (%s) is not used: the administrator locked the provider “corp” in %s", user_path, site_path);
  g_assert_cmpstr (problems[0], ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Provider “corp” (environment variable LANYARD_PROVIDER_CORP) is not used: the administrator locked the provider “corp” in %s", site_path);
  g_assert_cmpstr (problems[1], ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Provider “odd” (environment variable LANYARD_PROVIDER_ODD) is not used: the administrator locked the provider “odd” in %s", site_path);
  g_assert_cmpstr (problems[2], ==, expected);

  remove_tree (root);
}

static void
test_policy_only_system_providers (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("lanyard-config-XXXXXX", &error);
  g_autofree char *user_dir = g_build_filename (root, "user", NULL);
  g_autofree char *system_dir = g_build_filename (root, "system", NULL);
  g_autofree char *user_path = NULL;
  g_autofree char *system_path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  const char                 *dirs[] = { user_dir, system_dir, NULL };
  const char                 *envp[] = { "LANYARD_PROVIDER_TRY=gitlab client_id=try", NULL };
  const char *const          *problems;
  const LanyardProviderEntry *entry;

  g_assert_no_error (error);
  system_path = write_config (system_dir,
                              "[policy]\n"
                              "only_system_providers=true\n"
                              "\n"
                              "[provider lab]\n"
                              "type=gitlab\n"
                              "client_id=system-lab\n");
  user_path = write_config (user_dir,
                            "[policy]\n"
                            "only_system_providers=false\n"
                            "\n"
                            "[provider lab]\n"
                            "type=gitlab\n"
                            "client_id=user-lab\n"
                            "\n"
                            "[provider mine]\n"
                            "type=gitlab\n"
                            "client_id=mine\n"
                            "display_name=Mine\n");

  lanyard_provider_registry_load (registry, dirs, envp);
  g_assert_true (lanyard_config_policy_get_boolean (lanyard_provider_registry_get_policy (registry), "only_system_providers"));
  g_assert_cmpstr (lanyard_config_policy_get_source (lanyard_provider_registry_get_policy (registry), "only_system_providers"), ==, system_path);

  entry = lanyard_provider_registry_get_entry (registry, "lab");
  g_assert_cmpstr (lanyard_provider_get_client_id (entry->provider), ==, "system-lab");

  /* The user's own providers stay listed, saying why they cannot be used. */
  entry = lanyard_provider_registry_get_entry (registry, "mine");
  g_assert_null (entry->provider);
  g_assert_cmpstr (entry->display_name, ==, "Mine");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Provider “mine” (%s): not available; the administrator allows only the providers of the system configuration (%s sets [policy] only_system_providers=true)", user_path, system_path);
  g_assert_cmpstr (entry->problem, ==, expected);

  entry = lanyard_provider_registry_get_entry (registry, "try");
  g_assert_null (entry->provider);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Provider “try” (environment variable LANYARD_PROVIDER_TRY): not available; the administrator allows only the providers of the system configuration (%s sets [policy] only_system_providers=true)", system_path);
  g_assert_cmpstr (entry->problem, ==, expected);

  problems = lanyard_provider_registry_get_problems (registry);
  g_assert_cmpuint (g_strv_length ((GStrv) problems), ==, 2);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%s: the group [policy] is only read from a system file (in $XDG_CONFIG_DIRS, such as /etc/xdg/lanyard/providers.conf); it is ignored here", user_path);
  g_assert_cmpstr (problems[0], ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Provider “lab” (%s): not available; the administrator allows only the providers of the system configuration (%s sets [policy] only_system_providers=true)", user_path, system_path);
  g_assert_cmpstr (problems[1], ==, expected);

  remove_tree (root);
}

static void
test_policy_no_demo_providers (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("lanyard-config-XXXXXX", &error);
  g_autofree char *system_dir = g_build_filename (root, "system", NULL);
  g_autofree char *system_path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  const char                 *dirs[] = { root, system_dir, NULL };
  const char                 *envp[] = { "LANYARD_PROVIDER_TRY=demo", NULL };
  const char *const          *problems;
  const LanyardProviderEntry *entry;

  g_assert_no_error (error);
  system_path = write_config (system_dir, "[policy]\nallow_demo_providers=false\n");
  lanyard_provider_registry_load (registry, dirs, envp);
  lanyard_provider_registry_add_demo_providers (registry);

  entry = lanyard_provider_registry_get_entry (registry, "try");
  g_assert_null (entry->provider);
  expected = g_strdup_printf ("Provider “try” (environment variable LANYARD_PROVIDER_TRY): demo providers are turned off by the administrator (%s sets [policy] allow_demo_providers=false)", system_path);
  g_assert_cmpstr (entry->problem, ==, expected);
  g_assert_null (lanyard_provider_registry_get_entry (registry, "demo-github"));
  g_assert_cmpuint (lanyard_provider_registry_get_entries (registry)->len, ==, 1);

  problems = lanyard_provider_registry_get_problems (registry);
  g_assert_cmpuint (g_strv_length ((GStrv) problems), ==, 1);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Demo mode is not available: the administrator turned demo providers off (%s sets [policy] allow_demo_providers=false)", system_path);
  g_assert_cmpstr (problems[0], ==, expected);

  remove_tree (root);
}

static void
test_policy_messages (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("lanyard-config-XXXXXX", &error);
  g_autofree char *first_dir = g_build_filename (root, "first", NULL);
  g_autofree char *second_dir = g_build_filename (root, "second", NULL);
  g_autofree char *first_path = NULL;
  g_autofree char *second_path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  const char          *dirs[] = { root, first_dir, second_dir, NULL };
  const char *const   *problems;
  LanyardConfigPolicy *policy;

  g_assert_no_error (error);
  first_path = write_config (first_dir,
                             "[policy]\n"
                             "only_system_providers=yes\n"
                             "allow_demo=false\n");
  second_path = write_config (second_dir,
                              "[policy]\n"
                              "only_system_providers=true\n"
                              "allow_demo_providers=false\n");
  lanyard_provider_registry_load (registry, dirs, NULL);
  policy = lanyard_provider_registry_get_policy (registry);

  /* A value not understood is reported and leaves the key to the next
   * file; a key set by an earlier file is not changed by a later one. */
  g_assert_true (lanyard_config_policy_get_boolean (policy, "only_system_providers"));
  g_assert_cmpstr (lanyard_config_policy_get_source (policy, "only_system_providers"), ==, second_path);
  g_assert_false (lanyard_config_policy_get_boolean (policy, "allow_demo_providers"));

  problems = lanyard_provider_registry_get_problems (registry);
  g_assert_cmpuint (g_strv_length ((GStrv) problems), ==, 2);
  expected = g_strdup_printf ("%s: [policy]: “only_system_providers” must be true or false, not “yes”; it stays false", first_path);
  g_assert_cmpstr (problems[0], ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%s: [policy]: unknown key “allow_demo” (the policy knows: allow_demo_providers, allow_registration, only_system_providers)", first_path);
  g_assert_cmpstr (problems[1], ==, expected);

  remove_tree (root);
}

/* Old spellings are read as the new ones, each with a warning naming the
 * new one; the provider is usable. */
static void
test_old_spellings (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("lanyard-config-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  const char *dirs[] = { root, NULL };
  const char *envp[] = {
    "LANYARD_PROVIDER_MS=azure client_id=a tenant_id=contoso.com name=Contoso",
    "LANYARD_PROVIDER_BOTH=gitlab client_id=a name=Old display_name=New",
    NULL,
  };
  const char *const          *problems;
  const LanyardProviderEntry *entry;

  g_assert_no_error (error);
  path = write_config (root,
                       "[provider hub]\n"
                       "type=github\n"
                       "client_id=a\n"
                       "secret=s3cr3t\n"
                       "[provider sso]\n"
                       "type=openid\n"
                       "client_id=a\n"
                       "issuer=https://sso.example.com\n"
                       "display_name=New\n"
                       "name=Old\n");
  lanyard_provider_registry_load (registry, dirs, envp);

  entry = lanyard_provider_registry_get_entry (registry, "hub");
  g_assert_nonnull (entry->provider);
  entry = lanyard_provider_registry_get_entry (registry, "sso");
  g_assert_nonnull (entry->provider);
  g_assert_cmpstr (entry->type_name, ==, "oidc");
  g_assert_cmpstr (entry->display_name, ==, "New");
  entry = lanyard_provider_registry_get_entry (registry, "ms");
  g_assert_nonnull (entry->provider);
  g_assert_cmpstr (entry->type_name, ==, "microsoft");
  g_assert_cmpstr (entry->display_name, ==, "Contoso");
  entry = lanyard_provider_registry_get_entry (registry, "both");
  g_assert_nonnull (entry->provider);
  g_assert_cmpstr (entry->display_name, ==, "New");

  problems = lanyard_provider_registry_get_problems (registry);
  g_assert_cmpuint (g_strv_length ((GStrv) problems), ==, 8);
  expected = g_strdup_printf ("Provider “hub” (%s): “secret” is an old spelling of “client_secret”; it is read as “client_secret”, write that instead", path);
  g_assert_cmpstr (problems[0], ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Provider “sso” (%s): the type “openid” is an old spelling of “oidc”; it is read as “oidc”, write that instead", path);
  g_assert_cmpstr (problems[1], ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Provider “sso” (%s): “name” is an old spelling of “display_name”, which is set too; “name” is ignored", path);
  g_assert_cmpstr (problems[2], ==, expected);
  g_assert_cmpstr (problems[3], ==, "Provider “both” (environment variable LANYARD_PROVIDER_BOTH): “name” is an old spelling of “display_name”; it is read as “display_name”, write that instead");
  g_assert_cmpstr (problems[4], ==, "Provider “both” (environment variable LANYARD_PROVIDER_BOTH): “name” is an old spelling of “display_name”, which is set too; “name” is ignored");
  g_assert_cmpstr (problems[5], ==, "Provider “ms” (environment variable LANYARD_PROVIDER_MS): the type “azure” is an old spelling of “microsoft”; it is read as “microsoft”, write that instead");
  g_assert_cmpstr (problems[6], ==, "Provider “ms” (environment variable LANYARD_PROVIDER_MS): “tenant_id” is an old spelling of “tenant”; it is read as “tenant”, write that instead");
  g_assert_cmpstr (problems[7], ==, "Provider “ms” (environment variable LANYARD_PROVIDER_MS): “name” is an old spelling of “display_name”; it is read as “display_name”, write that instead");
  /* A secret's value is never in a warning. */
  for (guint i = 0; problems[i] != NULL; i++)
    g_assert_null (strstr (problems[i], "s3cr3t"));

  remove_tree (root);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Lanyard/Config/compound-basic", test_compound_basic);
  g_test_add_func ("/Lanyard/Config/compound-quotes-spaces-equals", test_compound_quotes_spaces_equals);
  g_test_add_func ("/Lanyard/Config/compound-errors", test_compound_errors);
  g_test_add_func ("/Lanyard/Config/compound-unterminated-quote", test_compound_unterminated_quote);
  g_test_add_func ("/Lanyard/Config/validation-messages", test_validation_messages);
  g_test_add_func ("/Lanyard/Config/valid-configurations", test_valid_configurations);
  g_test_add_func ("/Lanyard/Config/provider-policies", test_provider_policies);
  g_test_add_func ("/Lanyard/Config/web-url", test_web_url);
  g_test_add_func ("/Lanyard/Config/authorize-url-escaping", test_authorize_url_escaping);
  g_test_add_func ("/Lanyard/Config/key-files-and-environment", test_key_files_and_environment);
  g_test_add_func ("/Lanyard/Config/unreadable-file", test_unreadable_file);
  g_test_add_func ("/Lanyard/Config/not-utf8", test_not_utf8);
  g_test_add_func ("/Lanyard/Config/demo-only-when-asked", test_demo_only_when_asked);
  g_test_add_func ("/Lanyard/Config/demo-always-labelled", test_demo_always_labelled);
  g_test_add_func ("/Lanyard/Config/system-locked-and-merged", test_system_locked_and_merged);
  g_test_add_func ("/Lanyard/Config/policy-only-system-providers", test_policy_only_system_providers);
  g_test_add_func ("/Lanyard/Config/policy-no-demo-providers", test_policy_no_demo_providers);
  g_test_add_func ("/Lanyard/Config/policy-messages", test_policy_messages);
  g_test_add_func ("/Lanyard/Config/old-spellings", test_old_spellings);

  return g_test_run ();
}
