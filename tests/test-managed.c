/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Managed desktops: the administrator's rules of who may link (allowed
 * organisations, groups, domains, a verified e-mail domain, a required
 * claim), the organisations an identity carries, and identity-only links.
 *
 * First in this process, sign-ins with the fake provider through the real
 * flow (each rule, word for word, and the token revoked after a refusal);
 * then through a real daemon on a private bus with a real keyring
 * (organisations on D-Bus, membership lost at a refresh, identity-only
 * accounts, a locked provider of a system file in $XDG_CONFIG_DIRS). */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "daemon-harness.h"
#include "flow-harness.h"
#include "lanyard-account.h"
#include "lanyard-error.h"

#define REVOKED ". Nothing was stored, and the token the sign-in gave was revoked."

static LanyardProvider *
add_managed (Fixture    *f,
             const char *id,
             const char *dialect,
             const char *extra)
{
  g_autofree char *base = fake_provider_config (f->fake, dialect);
  g_autofree char *compound = g_strdup_printf ("%s %s", base, extra);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardProviderConfig) config = lanyard_provider_config_new_from_compound (id, "test", compound, &error);
  const LanyardProviderEntry *entry;

  g_assert_no_error (error);
  lanyard_provider_registry_add_config (f->registry, config);
  entry = lanyard_provider_registry_get_entry (f->registry, id);
  g_assert_null (entry->problem);
  return entry->provider;
}

/* A whole sign-in with @provider: the scripted browser follows the
 * authorize URL back to the listener. */
static LanyardFlow *
run_flow (LanyardProvider *provider,
          GError         **error)
{
  g_autoptr(GError) start_error = NULL;
  g_autoptr(LanyardFlow) flow = start_flow (provider, &start_error);
  g_autoptr(TestPage) page = NULL;

  g_assert_no_error (start_error);
  page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  g_assert_no_error (page->error);
  wait_flow (flow, error);
  return g_steal_pointer (&flow);
}

/* A refused sign-in: the message names the rule, nothing is kept, and the
 * token the provider gave is revoked there. */
static void
assert_refused (Fixture         *f,
                LanyardProvider *provider,
                const char      *message)
{
  guint revoked = fake_provider_get_count (f->fake, "revoke");
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = run_flow (provider, &error);
  g_autofree char *expected = g_strconcat (message, REVOKED, NULL);

  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_null (lanyard_flow_get_identity (flow));
  g_assert_null (lanyard_flow_get_tokens (flow));
  g_assert_cmpuint (fake_provider_get_count (f->fake, "revoke"), ==, revoked + 1);
  g_assert_nonnull (fake_provider_get_last_revoked (f->fake));
  g_assert_false (fake_provider_is_token_live (f->fake, fake_provider_get_last_revoked (f->fake)));
}

static LanyardIdentity *
assert_linked (LanyardProvider *provider)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = run_flow (provider, &error);

  g_assert_no_error (error);
  g_assert_nonnull (lanyard_flow_get_tokens (flow));
  return g_object_ref (lanyard_flow_get_identity (flow));
}

static void
test_github_orgs (Fixture      *f,
                  gconstpointer data)
{
  LanyardProvider *provider = add_managed (f, "corp", "github", "allowed_orgs=acme,widgets");
  const char      *member[] = { "Acme", "other", NULL };
  const char      *outsider[] = { "other", NULL };
  const char      *expected[] = { "Acme", "other", NULL };
  g_autoptr(LanyardIdentity) identity = NULL;

  /* read:org, without which private memberships are not listed. */
  g_assert_true (g_strv_contains (lanyard_provider_get_scopes (provider), "read:org"));

  fake_provider_set_orgs (f->fake, member);
  identity = assert_linked (provider);
  g_assert_cmpstrv (lanyard_identity_get_orgs (identity), expected);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "orgs"), ==, 1);

  fake_provider_set_orgs (f->fake, outsider);
  assert_refused (f, provider,
                  "The account “octocat” may not be linked on this computer: it belongs to none of the organisations "
                  "that “allowed_orgs” names (acme, widgets)");
  fake_provider_set_orgs (f->fake, NULL);
  assert_refused (f, provider,
                  "The account “octocat” may not be linked on this computer: it belongs to none of the organisations "
                  "that “allowed_orgs” names (acme, widgets)");

  /* An organisation that restricts OAuth Apps is missing from /user/orgs;
   * asked by name, it shows the membership. */
  {
    const char *memberships[] = { "widgets", NULL };
    const char *found[] = { "widgets", NULL };
    guint       asked = fake_provider_get_count (f->fake, "memberships");

    fake_provider_set_memberships (f->fake, memberships);
    g_clear_object (&identity);
    identity = assert_linked (provider);
    g_assert_cmpstrv (lanyard_identity_get_orgs (identity), found);
    /* acme (not a member there), then widgets. */
    g_assert_cmpuint (fake_provider_get_count (f->fake, "memberships"), ==, asked + 2);
  }
}

static void
test_gitlab_groups (Fixture      *f,
                    gconstpointer data)
{
  LanyardProvider *provider = add_managed (f, "lab", "gitlab", "allowed_groups=corp/staff");
  const char      *expected[] = { "corp/all", "corp/staff", NULL };
  g_autoptr(LanyardIdentity) identity = NULL;

  fake_provider_set_userinfo_extra (f->fake, "{\"groups\":[\"corp/all\",\"corp/staff\",\"corp/all\"]}");
  identity = assert_linked (provider);
  g_assert_cmpstrv (lanyard_identity_get_orgs (identity), expected);

  fake_provider_set_userinfo_extra (f->fake, "{\"groups\":[\"corp/all\"]}");
  assert_refused (f, provider,
                  "The account “tanuki” may not be linked on this computer: it belongs to none of the groups "
                  "that “allowed_groups” names (corp/staff)");
}

static void
test_required_claim (Fixture      *f,
                     gconstpointer data)
{
  LanyardProvider *provider = add_managed (f, "staff", "gitlab", "required_claim=groups:staff");
  g_autoptr(LanyardIdentity) identity = NULL;

  fake_provider_set_userinfo_extra (f->fake, "{\"groups\":[\"staff\"]}");
  identity = assert_linked (provider);

  /* The claim missing, and the claim without the value. */
  fake_provider_set_userinfo_extra (f->fake, NULL);
  assert_refused (f, provider,
                  "The account “tanuki” may not be linked on this computer: “required_claim” wants the claim “groups” "
                  "to hold “staff”, and GitLab did not say so");
  fake_provider_set_userinfo_extra (f->fake, "{\"groups\":[\"staffing\"]}");
  assert_refused (f, provider,
                  "The account “tanuki” may not be linked on this computer: “required_claim” wants the claim “groups” "
                  "to hold “staff”, and GitLab did not say so");
}

static void
test_email_domains (Fixture      *f,
                    gconstpointer data)
{
  LanyardProvider *provider = add_managed (f, "mail", "gitlab", "allowed_email_domains=Example.com");
  LanyardProvider *other = add_managed (f, "other", "gitlab", "allowed_email_domains=example.org");
  g_autoptr(LanyardIdentity) identity = NULL;
  const char *verified_refusal =
    "The account “tanuki” may not be linked on this computer: “allowed_email_domains” needs an e-mail address "
    "that GitLab has verified, and GitLab does not say it verified this one";

  fake_provider_set_userinfo_extra (f->fake, "{\"email_verified\":true}");
  identity = assert_linked (provider);

  fake_provider_set_userinfo_extra (f->fake, "{\"email_verified\":false}");
  assert_refused (f, provider, verified_refusal);
  fake_provider_set_userinfo_extra (f->fake, NULL);
  assert_refused (f, provider, verified_refusal);

  fake_provider_set_userinfo_extra (f->fake, "{\"email_verified\":true}");
  assert_refused (f, other,
                  "The account “tanuki” may not be linked on this computer: its e-mail address is in none of the "
                  "domains that “allowed_email_domains” names (example.org)");
}

/* Google's Workspace domain is the ID token's hd, never the e-mail's
 * domain nor what userinfo says; hd= goes to the authorization request as
 * a hint. */
static void
test_google_domain (Fixture      *f,
                    gconstpointer data)
{
  LanyardProvider *provider = add_managed (f, "work", "google", "allowed_domains=example.com");
  LanyardProvider *several = add_managed (f, "both", "google", "allowed_domains=example.com,example.org");
  const char      *expected[] = { "example.com", NULL };
  g_autoptr(LanyardIdentity) identity = NULL;
  const char *refusal = "The account “tanuki@example.com” may not be linked on this computer: it belongs to none of the "
                        "Workspace domains that “allowed_domains” names (example.com)";

  /* No hd at all: a consumer account, with an e-mail at example.com. */
  fake_provider_set_userinfo_extra (f->fake, "{\"email\":\"tanuki@example.com\",\"email_verified\":true}");
  assert_refused (f, provider, refusal);
  g_assert_cmpstr (g_hash_table_lookup (fake_provider_get_last_authorize (f->fake), "hd"), ==, "example.com");

  /* Userinfo says the right domain, the signed ID token another. */
  fake_provider_set_userinfo_extra (f->fake, "{\"hd\":\"example.com\"}");
  fake_provider_set_claims (f->fake, "{\"hd\":\"other.example\"}");
  assert_refused (f, provider, refusal);

  fake_provider_set_userinfo_extra (f->fake, NULL);
  fake_provider_set_claims (f->fake, "{\"hd\":\"example.com\"}");
  identity = assert_linked (provider);
  g_assert_cmpstrv (lanyard_identity_get_orgs (identity), expected);

  g_clear_object (&identity);
  identity = assert_linked (several);
  g_assert_cmpstr (g_hash_table_lookup (fake_provider_get_last_authorize (f->fake), "hd"), ==, "*");
}

/* Microsoft: the rules on the verified ID token's claims; it has no
 * revocation, and the refusal says so. */
static void
test_microsoft_claim (Fixture      *f,
                      gconstpointer data)
{
  LanyardProvider *provider = add_managed (f, "ms", "microsoft", "required_claim=groups:staff");
  g_autoptr(LanyardIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;
  const char *expected[] = { "staff", NULL };

  fake_provider_set_claims (f->fake, "{\"groups\":[\"staff\"]}");
  identity = assert_linked (provider);
  g_assert_cmpstrv (lanyard_identity_get_orgs (identity), expected);

  fake_provider_set_claims (f->fake, "{\"groups\":[\"guests\"]}");
  flow = run_flow (provider, &error);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED);
  g_assert_cmpstr (error->message, ==,
                   "The account “ada@contoso.example” may not be linked on this computer: “required_claim” wants the claim "
                   "“groups” to hold “staff”, and Microsoft did not say so. Nothing was stored; this provider cannot "
                   "revoke the token the sign-in gave, which expires by itself.");
  g_assert_null (lanyard_flow_get_tokens (flow));
}

static void
test_rule_values (void)
{
  const struct
  {
    const char *compound;
    const char *problem;
  } cases[] = {
    { "gitlab client_id=a required_claim=groups", "Provider “x” (test): “required_claim” must be CLAIM:VALUE, such as groups:staff, not “groups”" },
    { "gitlab client_id=a required_claim=:staff", "Provider “x” (test): “required_claim” must be CLAIM:VALUE, such as groups:staff, not “:staff”" },
    { "gitlab client_id=a allowed_groups=,", "Provider “x” (test): “allowed_groups” must name from 1 to 100, separated by spaces or commas" },
    { "gitlab client_id=a store_tokens=no", "Provider “x” (test): “store_tokens” must be true or false, not “no”" },
    /* Organisations are GitHub's word; claims are OpenID Connect's. */
    { "github client_id=a client_secret=b allowed_groups=x", "Provider “x” (test): unknown key “allowed_groups” (this provider type knows: allowed_orgs, api_url, base_url, client_id, client_secret, clock_skew, device_flow, display_name, redirect_port, scopes, store_tokens)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardProviderConfig) config = lanyard_provider_config_new_from_compound ("x", "test", cases[i].compound, &error);

      g_assert_no_error (error);
      lanyard_provider_registry_add_config (registry, config);
      g_assert_cmpstr (lanyard_provider_registry_get_entry (registry, "x")->problem, ==, cases[i].problem);
    }
}

/* The organisations are kept in the accounts file, and one edited by
 * hand is cleaned as a provider's answer is. */
static void
test_orgs_stored (void)
{
  g_autoptr(LanyardIdentity) identity = lanyard_identity_new ("lab", "4242", "tanuki", NULL, NULL, NULL);
  const char *orgs[] = { "corp/staff", "", "corp/\x1b[31mall", "corp/staff", NULL };
  const char *expected[] = { "corp/staff", "corp/[31mall", NULL };
  g_autoptr(LanyardAccount) account = NULL;
  g_autoptr(LanyardAccount) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  lanyard_identity_set_orgs (identity, orgs);
  g_assert_cmpstrv (lanyard_identity_get_orgs (identity), expected);
  account = lanyard_account_new_from_identity (identity, 1);
  lanyard_account_set_identity_only (account, TRUE);
  node = lanyard_account_to_json (account);
  back = lanyard_account_new_from_json (json_node_get_object (node), &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (lanyard_account_get_orgs (back), expected);
  g_assert_true (lanyard_account_get_identity_only (back));
}

/* Through the daemon. */

static KeyringHarness harness;
static FakeProvider  *fake;
static Daemon         daemon_process;
static char          *system_dir;

static char *
access_token (const char *key,
              GError    **error)
{
  g_autofree char *path = daemon_account_path (key);
  g_autoptr(GVariant) reply = daemon_call (path, "io.github.lanyard.Account", "GetAccessToken", NULL,
                                            G_VARIANT_TYPE ("(sx)"), error);
  char *token = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(sx)", &token, NULL);
  return token;
}

static void
assert_remote_error (GError     *error,
                     const char *name)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  g_assert_true (g_dbus_error_is_remote_error (error));
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, name);
}

/* The groups on the bus, in the account and the current identity; and
 * a membership that ends: the next renewal finds it, the account needs
 * attention saying why, its tokens are revoked and gone. */
static void
test_daemon_orgs_and_membership_lost (void)
{
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) orgs = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) identity = NULL;
  g_autoptr(GVariant) reason = NULL;
  g_autoptr(GVariant) attention = NULL;
  g_autofree char        *path = NULL;
  g_autofree char        *token = NULL;
  g_autofree char        *secret = NULL;
  g_autofree const char **current_orgs = NULL;
  const char             *expected[] = { "corp/staff", "corp/all", NULL };
  guint                   revoked;

  fake_provider_set_userinfo_extra (fake, "{\"groups\":[\"corp/staff\",\"corp/all\"]}");
  fake_provider_set_expires_in (fake, 30);
  linked = link_with_ctl ("staff");
  fake_provider_set_expires_in (fake, 3600);
  g_assert_cmpint (linked->status, ==, 0);

  path = daemon_account_path ("staff:4242");
  orgs = daemon_get_property (path, "io.github.lanyard.Account", "Orgs");
  {
    g_autofree const char **strv = g_variant_get_strv (orgs, NULL);

    g_assert_cmpstrv (strv, expected);
  }
  reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "GetCurrentIdentity", NULL,
                       G_VARIANT_TYPE ("(a{sv})"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(@a{sv})", &identity);
  g_assert_true (g_variant_lookup (identity, "orgs", "^a&s", &current_orgs));
  g_assert_cmpstrv (current_orgs, expected);
  secret = keyring_secret ("staff", "4242");
  g_assert_nonnull (secret);
  g_clear_pointer (&secret, g_free);
  {
    g_autoptr(CtlResult) listed = ctl ("list", "--json", NULL);
    g_autoptr(CtlResult) whoami = ctl ("whoami", NULL);

    g_autoptr(JsonNode) node = json_from_string (listed->out, NULL);
    JsonObject *first;
    JsonArray  *listed_orgs;

    g_assert_nonnull (node);
    first = json_array_get_object_element (json_node_get_array (node), 0);
    g_assert_cmpstr (json_object_get_string_member (first, "account"), ==, "staff:4242");
    listed_orgs = json_object_get_array_member (first, "orgs");
    g_assert_cmpuint (json_array_get_length (listed_orgs), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (listed_orgs, 0), ==, "corp/staff");
    g_assert_cmpstr (json_array_get_string_element (listed_orgs, 1), ==, "corp/all");
    g_assert_false (json_object_get_boolean_member (first, "identity-only"));
    g_assert_nonnull (strstr (whoami->out, "  orgs:         corp/staff, corp/all\n"));
  }

  /* Still a member: the renewal hands the token out. */
  token = access_token ("staff:4242", &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_clear_pointer (&token, g_free);

  /* Signed in again (a renewal just now would be answered from the last
   * one), then no longer a member. The token expires within the fresh margin, so
   * this call renews it, and the renewal checks again. */
  g_clear_pointer (&linked, ctl_result_free);
  fake_provider_set_expires_in (fake, 30);
  linked = link_with_ctl ("staff");
  fake_provider_set_expires_in (fake, 3600);
  g_assert_cmpint (linked->status, ==, 0);
  fake_provider_set_userinfo_extra (fake, "{\"groups\":[\"corp/all\"]}");
  revoked = fake_provider_get_count (fake, "revoke");
  token = access_token ("staff:4242", &error);
  g_assert_null (token);
  assert_remote_error (error, "io.github.lanyard.Error.AccessDenied");
  g_clear_error (&error);

  attention = daemon_get_property (path, "io.github.lanyard.Account", "NeedsAttention");
  g_assert_true (g_variant_get_boolean (attention));
  reason = daemon_get_property (path, "io.github.lanyard.Account", "AttentionReason");
  g_assert_cmpstr (g_variant_get_string (reason, NULL), ==,
                   "The account “tanuki” may not be linked on this computer: it belongs to none of the groups "
                   "that “allowed_groups” names (corp/staff)");
  g_assert_cmpuint (fake_provider_get_count (fake, "revoke"), ==, revoked + 1);
  g_assert_false (fake_provider_is_token_live (fake, fake_provider_get_last_revoked (fake)));
  secret = keyring_secret ("staff", "4242");
  g_assert_null (secret);

  /* And stays refused, with the same reason. */
  token = access_token ("staff:4242", &error);
  g_assert_null (token);
  g_clear_error (&error);
  g_clear_pointer (&reason, g_variant_unref);
  reason = daemon_get_property (path, "io.github.lanyard.Account", "AttentionReason");
  g_assert_nonnull (strstr (g_variant_get_string (reason, NULL), "allowed_groups"));
  fake_provider_set_userinfo_extra (fake, NULL);
}

/* A refused sign-in through the daemon: the person reads the rule, and
 * there is no account and nothing in the keyring. */
static void
test_daemon_refused_sign_in (void)
{
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  guint            revoked = fake_provider_get_count (fake, "revoke");

  fake_provider_set_userinfo_extra (fake, "{\"groups\":[\"corp/all\"]}");
  linked = link_with_ctl ("staff-only");
  g_assert_cmpint (linked->status, !=, 0);
  g_assert_nonnull (strstr (linked->err, "it belongs to none of the groups that “allowed_groups” names (corp/staff)" REVOKED));
  g_assert_cmpuint (fake_provider_get_count (fake, "revoke"), ==, revoked + 1);

  reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "FindAccount", g_variant_new ("(s)", "staff-only:4242"),
                       G_VARIANT_TYPE ("(o)"), &error);
  assert_remote_error (error, "io.github.lanyard.Error.NotFound");
  secret = keyring_secret ("staff-only", "4242");
  g_assert_null (secret);
  fake_provider_set_userinfo_extra (fake, NULL);
}

static void
test_daemon_identity_only (void)
{
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(CtlResult) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) only = NULL;
  g_autoptr(GVariant) name = NULL;
  g_autoptr(GVariant) expires = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *log = NULL;
  guint            revoked = fake_provider_get_count (fake, "revoke");

  linked = link_with_ctl ("whois");
  g_assert_cmpint (linked->status, ==, 0);

  /* The token was revoked at once, and none is in the keyring. */
  g_assert_cmpuint (fake_provider_get_count (fake, "revoke"), ==, revoked + 1);
  g_assert_false (fake_provider_is_token_live (fake, fake_provider_get_last_revoked (fake)));
  secret = keyring_secret ("whois", "4242");
  g_assert_null (secret);

  path = daemon_account_path ("whois:4242");
  only = daemon_get_property (path, "io.github.lanyard.Account", "IdentityOnly");
  g_assert_true (g_variant_get_boolean (only));
  expires = daemon_get_property (path, "io.github.lanyard.Account", "ExpiresAt");
  g_assert_cmpint (g_variant_get_int64 (expires), ==, 0);

  token = access_token ("whois:4242", &error);
  g_assert_null (token);
  assert_remote_error (error, "io.github.lanyard.Error.NotSupported");
  g_dbus_error_strip_remote_error (error);
  g_assert_cmpstr (error->message, ==,
                   "This account is linked for who you are only (store_tokens=false): Lanyard keeps no token for it, so it has none to give");
  g_clear_error (&error);

  /* Nothing to renew: no refresh was scheduled for it. */
  log = daemon_read_log (&daemon_process);
  g_assert_null (strstr (log, "Refreshing the tokens of whois:4242"));

  /* Signing in again updates the identity. */
  fake_provider_set_userinfo_extra (fake, "{\"name\":\"Tanu Renamed\"}");
  again = link_with_ctl ("whois");
  g_assert_cmpint (again->status, ==, 0);
  name = daemon_get_property (path, "io.github.lanyard.Account", "DisplayName");
  g_assert_cmpstr (g_variant_get_string (name, NULL), ==, "Tanu Renamed");
  g_assert_cmpuint (fake_provider_get_count (fake, "revoke"), ==, revoked + 2);
  g_clear_pointer (&secret, g_free);
  secret = keyring_secret ("whois", "4242");
  g_assert_null (secret);
  fake_provider_set_userinfo_extra (fake, NULL);
}

/* A provider of a system file in $XDG_CONFIG_DIRS, locked: listed as
 * managed, and usable. */
static void
test_daemon_managed_provider (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = daemon_call (MANAGER_PATH, "io.github.lanyard.Manager", "ListProviders", NULL,
                                            G_VARIANT_TYPE ("(aa{sv})"), &error);
  g_autoptr(GVariantIter) iter = NULL;
  GVariant *provider;
  gboolean  seen_system = FALSE, seen_work = FALSE;

  g_assert_no_error (error);
  g_variant_get (reply, "(aa{sv})", &iter);
  while (g_variant_iter_next (iter, "@a{sv}", &provider))
    {
      const char *id = NULL;
      gboolean    managed = TRUE, configured = FALSE;

      g_assert_true (g_variant_lookup (provider, "id", "&s", &id));
      g_assert_true (g_variant_lookup (provider, "managed", "b", &managed));
      g_variant_lookup (provider, "configured", "b", &configured);
      if (g_str_equal (id, "site"))
        {
          seen_system = TRUE;
          g_assert_true (managed);
          g_assert_true (configured);
        }
      else
        {
          seen_work |= g_str_equal (id, "work");
          g_assert_false (managed);
        }
      g_variant_unref (provider);
    }
  g_assert_true (seen_system);
  g_assert_true (seen_work);
}

static void
write_system_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  system_dir = g_dir_make_tmp ("lanyard-managed-system-XXXXXX", &error);
  g_assert_no_error (error);
  dir = g_build_filename (system_dir, LANYARD_USER_DIR_NAME, NULL);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  path = g_build_filename (dir, "providers.conf", NULL);
  contents = g_strdup_printf ("[provider site]\n"
                              "type=gitlab\n"
                              "client_id=" FAKE_CLIENT_ID "\n"
                              "base_url=%s/gitlab\n"
                              "locked=true\n",
                              fake_provider_get_base_url (fake));
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *staff = NULL;
  g_autofree char *staff_only = NULL;
  g_autofree char *whois = NULL;
  g_autofree char *gitlab = NULL;
  g_autofree char *dirs = NULL;
  g_autofree char *command = NULL;
  int              status;

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Lanyard/Managed/github-orgs", Fixture, NULL, fixture_set_up, test_github_orgs, fixture_tear_down);
  g_test_add ("/Lanyard/Managed/gitlab-groups", Fixture, NULL, fixture_set_up, test_gitlab_groups, fixture_tear_down);
  g_test_add ("/Lanyard/Managed/required-claim", Fixture, NULL, fixture_set_up, test_required_claim, fixture_tear_down);
  g_test_add ("/Lanyard/Managed/email-domains", Fixture, NULL, fixture_set_up, test_email_domains, fixture_tear_down);
  g_test_add ("/Lanyard/Managed/google-domain", Fixture, NULL, fixture_set_up, test_google_domain, fixture_tear_down);
  g_test_add ("/Lanyard/Managed/microsoft-claim", Fixture, NULL, fixture_set_up, test_microsoft_claim, fixture_tear_down);
  g_test_add_func ("/Lanyard/Managed/rule-values", test_rule_values);
  g_test_add_func ("/Lanyard/Managed/orgs-stored", test_orgs_stored);
  g_test_add_func ("/Lanyard/Managed/daemon/orgs-and-membership-lost", test_daemon_orgs_and_membership_lost);
  g_test_add_func ("/Lanyard/Managed/daemon/refused-sign-in", test_daemon_refused_sign_in);
  g_test_add_func ("/Lanyard/Managed/daemon/identity-only", test_daemon_identity_only);
  g_test_add_func ("/Lanyard/Managed/daemon/managed-provider", test_daemon_managed_provider);

  keyring_harness_up (&harness, TRUE);
  fake = fake_provider_new ();
  write_system_file ();
  gitlab = fake_provider_config (fake, "gitlab");
  staff = g_strdup_printf ("LANYARD_PROVIDER_STAFF=%s allowed_groups=corp/staff", gitlab);
  staff_only = g_strdup_printf ("LANYARD_PROVIDER_STAFF_ONLY=%s allowed_groups=corp/staff", gitlab);
  whois = g_strdup_printf ("LANYARD_PROVIDER_WHOIS=%s store_tokens=false", gitlab);
  dirs = g_strdup_printf ("XDG_CONFIG_DIRS=%s", system_dir);
  {
    const char *env[] = { staff, staff_only, whois, dirs, NULL };

    daemon_start (&daemon_process, fake, env);
  }

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  keyring_harness_down (&harness);
  command = g_strdup_printf ("rm -rf '%s'", system_dir);
  g_assert_cmpint (system (command), ==, 0);
  g_free (system_dir);
  return status;
}
