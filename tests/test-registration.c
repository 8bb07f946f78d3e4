/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Connecting to a server by its address (issue 17), through the real
 * daemon and lanyardctl, against the fake provider playing a server with
 * dynamic client registration (RFC 7591): open, refused, asking for an
 * initial access token, not offered, GitLab's "mcp only", and a
 * registration the server forgets; removal deletes it there (RFC 7592)
 * and here (file and keyring); nothing of the registration access token
 * reaches the daemon's output. */

#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "daemon-harness.h"

static KeyringHarness harness;
static guint          providers_changed; /* ProvidersChanged signals seen */
static Daemon         daemon_process;
static FakeProvider  *fake;

#define MANAGER "io.github.lanyard.Manager"

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” does not contain “%s”", haystack, needle);
}

static char *
address_of (const char *dialect)
{
  return g_strdup_printf ("%s/%s", fake_provider_get_base_url (fake), dialect);
}

static char *
registration_secret (const char *provider_id)
{
  static const SecretSchema schema = {
    LANYARD_REGISTRATION_SCHEMA, SECRET_SCHEMA_NONE, { { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (&schema, NULL, &error, "provider", provider_id, NULL);

  g_assert_no_error (error);
  return secret;
}

static char *
servers_file (void)
{
  g_autofree char *path = g_build_filename (daemon_process.data_home, LANYARD_USER_DIR_NAME, "servers.conf", NULL);
  char            *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

/* AddServer; the details are returned in @details. */
static char *
add_server (const char *address,
            GVariant  **details,
            GError    **error)
{
  g_autoptr(GVariant) reply = daemon_call (MANAGER_PATH, MANAGER, "AddServer", g_variant_new ("(s@a{sv})", address, g_variant_new ("a{sv}", NULL)),
                                            G_VARIANT_TYPE ("(sa{sv})"), error);
  char *provider_id = NULL;

  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(s@a{sv})", &provider_id, details);
  return provider_id;
}

static const char *
detail (GVariant   *details,
        const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup (details, key, "&s", &value))
    return "";
  return value;
}

/* The provider's entry in ListProviders, or NULL. */
static GVariant *
listed_provider (const char *provider_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = daemon_call (MANAGER_PATH, MANAGER, "ListProviders", NULL, G_VARIANT_TYPE ("(aa{sv})"), &error);
  g_autoptr(GVariant) providers = NULL;
  GVariantIter iter;
  GVariant    *entry;

  g_assert_no_error (error);
  providers = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, providers);
  while ((entry = g_variant_iter_next_value (&iter)) != NULL)
    {
      if (g_strcmp0 (detail (entry, "id"), provider_id) == 0)
        return entry;
      g_variant_unref (entry);
    }
  return NULL;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the main loop run a while (the daemon works meanwhile). */
static void
pause_a_moment (void)
{
  gboolean done = FALSE;

  g_timeout_add (50, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
wait_provider_gone (const char *provider_id)
{
  for (guint i = 0; i < 400; i++)
    {
      g_autoptr(GVariant) entry = listed_provider (provider_id);

      if (entry == NULL)
        return;
      pause_a_moment ();
    }
  g_error ("%s is still listed", provider_id);
}

static char *
attention_reason (const char *key)
{
  g_autofree char *path = daemon_account_path (key);
  g_autoptr(GVariant) value = daemon_get_property (path, "io.github.lanyard.Account", "AttentionReason");

  return g_variant_dup_string (value, NULL);
}

static char *oidc_id;

static void
test_register_and_link (void)
{
  g_autofree char *address = address_of ("oidc");
  g_autoptr(GVariant) details = NULL;
  g_autoptr(GVariant) entry = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtlResult) linked = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *file = NULL;
  g_autofree char *expected_redirect = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *request;
  JsonArray  *grants;
  gboolean    registered = FALSE, added = FALSE;
  guint32     port = 0;

  fake_provider_set_registration (fake, FAKE_REGISTRATION_OPEN);
  oidc_id = add_server (address, &details, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (oidc_id, "server-127-0-0-1-"));
  g_assert_true (g_str_has_suffix (oidc_id, "-oidc"));
  g_assert_cmpstr (detail (details, "kind"), ==, "openid");
  g_assert_cmpstr (detail (details, "problem"), ==, "");
  g_assert_true (g_variant_lookup (details, "registered", "b", &registered) && registered);

  /* A pinned port: servers other than GitLab may compare the whole URI. */
  g_assert_true (g_variant_lookup (details, "redirect-port", "u", &port));
  g_assert_cmpuint (port, >, 0);
  expected_redirect = g_strdup_printf ("http://127.0.0.1:%u/callback/%s", port, oidc_id);
  g_assert_cmpstr (detail (details, "redirect-uri"), ==, expected_redirect);

  /* What Lanyard registered as (RFC 7591 §2). */
  g_assert_true (json_parser_load_from_data (parser, fake_provider_get_last_registration (fake), -1, NULL));
  request = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (request, "application_type"), ==, "native");
  g_assert_cmpstr (json_object_get_string_member (request, "token_endpoint_auth_method"), ==, "none");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (request, "client_name"), "Lanyard on "));
  g_assert_cmpstr (json_object_get_string_member (request, "scope"), ==, "openid profile email");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (request, "redirect_uris"), 0), ==,
                   expected_redirect);
  grants = json_object_get_array_member (request, "grant_types");
  /* The fake server's metadata offers the device grant (RFC 8628), so it
   * is asked for too. */
  g_assert_cmpuint (json_array_get_length (grants), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (grants, 0), ==, "authorization_code");
  g_assert_cmpstr (json_array_get_string_element (grants, 1), ==, "refresh_token");
  g_assert_cmpstr (json_array_get_string_element (grants, 2), ==, "urn:ietf:params:oauth:grant-type:device_code");
  g_assert_true (json_object_has_member (request, "client_uri"));
  g_assert_true (json_object_has_member (request, "logo_uri"));

  /* The client id in the file, the registration's token in the keyring
   * and not in the file. */
  file = servers_file ();
  assert_contains (file, "client_id=dyn-oidc-1\n");
  assert_contains (file, "registration_client_uri=");
  g_assert_null (strstr (file, "rat-secret"));
  secret = registration_secret (oidc_id);
  g_assert_cmpstr (secret, ==, "rat-secret-1-oidc");

  entry = listed_provider (oidc_id);
  g_assert_nonnull (entry);
  g_assert_true (g_variant_lookup (entry, "added", "b", &added) && added);
  g_assert_cmpstr (detail (entry, "type"), ==, "oidc");

  {
    g_autoptr(CtlResult) providers = ctl ("providers", NULL);
    g_autofree char *line = g_strdup_printf ("%s oidc", oidc_id);

    assert_contains (providers->out, line);
    assert_contains (providers->out, "127.0.0.1:");
    assert_contains (providers->out, "/oidc (added by its address)");
  }

  linked = link_with_ctl (oidc_id);
  g_assert_cmpint (linked->status, ==, 0);
  assert_contains (linked->out, "Linked ");
  assert_contains (linked->out, ":4242");
}

static void
test_add_again_is_the_same (void)
{
  /* Upper-case scheme and a trailing slash: the same address. */
  g_autofree char *address = g_strdup_printf ("HTTP://%s/oidc/", fake_provider_get_base_url (fake) + strlen ("http://"));
  g_autoptr(GVariant) details = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = add_server (address, &details, &error);
  gboolean         existing = FALSE;

  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, oidc_id);
  g_assert_true (g_variant_lookup (details, "existing", "b", &existing) && existing);
  g_assert_cmpuint (fake_provider_get_count (fake, "register"), ==, 1);
}

static void
providers_changed_cb (GDBusConnection *connection,
                      const char      *sender,
                      const char      *path,
                      const char      *interface,
                      const char      *signal,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  providers_changed++;
}

static void
test_rename (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = daemon_call (MANAGER_PATH, MANAGER, "RenameProvider", g_variant_new ("(ss)", oidc_id, "  Work sign-in "),
                                            NULL, &error);
  g_autoptr(GVariant) entry = NULL;
  g_autoptr(GVariant) refused = NULL;
  g_autofree char *file = NULL;

  g_assert_no_error (error);
  entry = listed_provider (oidc_id);
  g_assert_cmpstr (detail (entry, "display-name"), ==, "Work sign-in");
  /* Programs showing the providers are told (added, then renamed). */
  for (guint i = 0; i < 400 && providers_changed < 2; i++)
    pause_a_moment ();
  g_assert_cmpuint (providers_changed, ==, 2);
  file = servers_file ();
  assert_contains (file, "display_name=Work sign-in\n");

  /* A configured provider is renamed in providers.conf, not here. */
  refused = daemon_call (MANAGER_PATH, MANAGER, "RenameProvider", g_variant_new ("(ss)", "work", "Mine"), NULL, &error);
  g_assert_null (refused);
  assert_contains (error->message, "is not a server added by its address");
  g_clear_error (&error);
  refused = daemon_call (MANAGER_PATH, MANAGER, "RenameProvider", g_variant_new ("(ss)", oidc_id, "bad\tname"), NULL, &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
}

/* The server forgets the registration: the next renewal is refused with
 * invalid_client; Lanyard registers again, once, and says so. */
static void
test_forgotten_registration (void)
{
  g_autofree char *key = g_strdup_printf ("%s:4242", oidc_id);
  g_autoptr(CtlResult) token = NULL;
  g_autoptr(CtlResult) again = NULL;
  g_autoptr(CtlResult) relinked = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *file = NULL;
  g_autofree char *secret = NULL;

  fake_provider_forget_registrations (fake);
  token = ctl ("token", key, NULL);
  g_assert_cmpint (token->status, !=, 0);
  assert_contains (token->err, "invalid_client");

  for (guint i = 0; i < 400; i++)
    {
      g_free (reason);
      reason = attention_reason (key);
      if (strstr (reason, "registered itself there again") != NULL)
        break;
      pause_a_moment ();
    }
  assert_contains (reason, "had forgotten Lanyard's registration, so Lanyard registered itself there again. Sign in again.");
  g_assert_cmpuint (fake_provider_get_count (fake, "register"), ==, 2);
  g_assert_cmpuint (fake_provider_get_n_clients (fake), ==, 1);
  file = servers_file ();
  assert_contains (file, "client_id=dyn-oidc-2\n");
  secret = registration_secret (oidc_id);
  g_assert_cmpstr (secret, ==, "rat-secret-2-oidc");

  /* Once: a second refusal is not registered again. */
  fake_provider_forget_registrations (fake);
  again = ctl ("token", key, NULL);
  g_assert_cmpint (again->status, !=, 0);
  pause_a_moment ();
  g_assert_cmpuint (fake_provider_get_count (fake, "register"), ==, 2);

  /* Registered by hand in the test's stead, as the person would re-add. */
  fake_provider_set_registration (fake, FAKE_REGISTRATION_OPEN);
}

static void
test_remove_with_last_account (void)
{
  g_autofree char *address = address_of ("oidc");
  g_autofree char *key = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GVariant) details = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(CtlResult) unlinked = NULL;
  g_autoptr(CtlResult) listed = NULL;
  g_autofree char *file = NULL;
  g_autofree char *secret = NULL;

  /* The forgotten one first, by request (its account goes with it). */
  key = g_strdup_printf ("%s:4242", oidc_id);
  unlinked = ctl ("unlink", key, NULL);
  g_assert_cmpint (unlinked->status, ==, 0);
  wait_provider_gone (oidc_id);
  g_clear_pointer (&key, g_free);

  /* Added again, signed in, and the only account unlinked: the
   * registration is deleted at the server and forgotten here. */
  id = add_server (address, &details, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_n_clients (fake), ==, 1);
  linked = link_with_ctl (id);
  g_assert_cmpint (linked->status, ==, 0);
  key = g_strdup_printf ("%s:4242", id);
  g_clear_pointer (&unlinked, ctl_result_free);
  unlinked = ctl ("unlink", key, NULL);
  g_assert_cmpint (unlinked->status, ==, 0);
  wait_provider_gone (id);

  g_assert_cmpuint (fake_provider_get_count (fake, "register-deleted"), >=, 1);
  g_assert_cmpuint (fake_provider_get_n_clients (fake), ==, 0);
  file = servers_file ();
  g_assert_null (strstr (file, id));
  secret = registration_secret (id);
  g_assert_null (secret);

  listed = ctl ("providers", NULL);
  g_assert_null (strstr (listed->out, id));
}

static void
test_manual_path (FakeRegistration mode,
                  const char      *words)
{
  g_autofree char *address = address_of ("oidc");
  g_autoptr(GVariant) details = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  guint            registers = fake_provider_get_count (fake, "register");

  fake_provider_set_registration (fake, mode);
  id = add_server (address, &details, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "");
  assert_contains (detail (details, "problem"), words);
  assert_contains (detail (details, "redirect-uri"), "http://127.0.0.1:");
  assert_contains (detail (details, "redirect-uri"), "/callback/server-127-0-0-1-");
  g_assert_cmpstr (detail (details, "scopes"), ==, "openid profile email");
  assert_contains (detail (details, "client-type"), "public");
  g_assert_cmpuint (fake_provider_get_count (fake, "register"), ==,
                    registers + (mode == FAKE_REGISTRATION_NOT_OFFERED ? 0 : 1));
  g_assert_cmpuint (fake_provider_get_n_clients (fake), ==, 0);
  fake_provider_set_registration (fake, FAKE_REGISTRATION_OPEN);
}

static void
test_refused (void)
{
  test_manual_path (FAKE_REGISTRATION_REFUSED, "refused to register Lanyard: ");
}

static void
test_initial_token (void)
{
  test_manual_path (FAKE_REGISTRATION_INITIAL_TOKEN, "lets only applications approved by its administrators register");
}

static void
test_not_offered (void)
{
  test_manual_path (FAKE_REGISTRATION_NOT_OFFERED, "does not let applications register themselves.");
}

/* The manual path through lanyardctl: the values to register, then the
 * client id, then a sign-in. */
static void
test_ctl_manual (void)
{
  g_autofree char *address = address_of ("oidc");
  g_autofree char *option = g_strdup_printf ("--client-id=%s", FAKE_CLIENT_ID);
  g_autoptr(CtlResult) shown = NULL;
  g_autoptr(CtlResult) added = NULL;
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(CtlResult) refused = NULL;
  g_autoptr(CtlResult) removed = NULL;
  g_autofree char *id = NULL;
  g_autofree char *key = NULL;
  g_autofree char *file = NULL;
  const char      *start;

  fake_provider_set_registration (fake, FAKE_REGISTRATION_NOT_OFFERED);
  shown = ctl ("add", address, NULL);
  g_assert_cmpint (shown->status, ==, 1);
  assert_contains (shown->out, "does not let applications register themselves.");
  assert_contains (shown->out, "  redirect URI:  http://127.0.0.1:");
  assert_contains (shown->out, "  scopes:        openid profile email\n");
  assert_contains (shown->out, "--client-id=CLIENT_ID");

  added = ctl ("add", address, option, NULL);
  g_assert_cmpint (added->status, ==, 0);
  start = strstr (added->out, "Added ");
  g_assert_nonnull (start);
  id = g_strndup (start + strlen ("Added "), strcspn (start + strlen ("Added "), " "));
  /* The id and port the manual path showed. */
  assert_contains (shown->out, id);
  file = servers_file ();
  assert_contains (file, "client_id=" FAKE_CLIENT_ID "\n");
  assert_contains (file, "registered=false\n");
  {
    g_autoptr(GVariant) entry = listed_provider (id);
    gboolean is_added = FALSE;

    g_assert_true (g_variant_lookup (entry, "added", "b", &is_added) && is_added);
  }

  /* Another client id for the same server is refused, in words. */
  {
    g_autoptr(CtlResult) again = ctl ("add", address, "--client-id=another", NULL);

    g_assert_cmpint (again->status, ==, 1);
    assert_contains (again->err, "with another client ID; remove it first to use this one.");
  }

  linked = link_with_ctl (id);
  g_assert_cmpint (linked->status, ==, 0);

  /* Not while an account is linked. */
  refused = ctl ("remove-provider", id, NULL);
  g_assert_cmpint (refused->status, ==, 1);
  assert_contains (refused->err, "still has 1 linked account");

  key = g_strdup_printf ("%s:4242", id);
  {
    g_autoptr(CtlResult) unlinked = ctl ("unlink", key, NULL);
    g_assert_cmpint (unlinked->status, ==, 0);
  }
  wait_provider_gone (id);

  /* A configured provider is not removed here. */
  removed = ctl ("remove-provider", "work", NULL);
  g_assert_cmpint (removed->status, ==, 1);
  assert_contains (removed->err, "was not added by its address but configured");
  fake_provider_set_registration (fake, FAKE_REGISTRATION_OPEN);
}

/* lanyardctl add, link, remove-provider with GitLab: no port in the
 * redirect URI (GitLab ignores it for loopback). */
static void
test_ctl_gitlab (void)
{
  g_autofree char *address = address_of ("gitlab");
  g_autoptr(CtlResult) added = NULL;
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(CtlResult) unlinked = NULL;
  g_autoptr(CtlResult) removed = NULL;
  g_autoptr(GVariant) details = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *key = NULL;
  g_autofree char *redirect = NULL;
  const char      *start;
  guint            deleted = fake_provider_get_count (fake, "register-deleted");

  added = ctl ("add", address, NULL);
  g_assert_cmpint (added->status, ==, 0);
  assert_contains (added->out, ": GitLab (127.0.0.1:");
  assert_contains (added->out, ", where Lanyard registered itself. Sign in with: lanyardctl link ");
  start = strstr (added->out, "Added ");
  id = g_strndup (start + strlen ("Added "), strcspn (start + strlen ("Added "), ":"));
  redirect = g_strdup_printf ("\"http://127.0.0.1/callback/%s\"", id);
  assert_contains (fake_provider_get_last_registration (fake), redirect);

  linked = link_with_ctl (id);
  g_assert_cmpint (linked->status, ==, 0);
  key = g_strdup_printf ("%s:4242", id);
  unlinked = ctl ("unlink", key, NULL);
  g_assert_cmpint (unlinked->status, ==, 0);
  wait_provider_gone (id);
  g_assert_cmpuint (fake_provider_get_count (fake, "register-deleted"), ==, deleted + 1);

  /* Removed by request, before any sign-in. */
  g_clear_pointer (&id, g_free);
  id = add_server (address, &details, &error);
  g_assert_no_error (error);
  removed = ctl ("remove-provider", id, NULL);
  g_assert_cmpint (removed->status, ==, 0);
  assert_contains (removed->out, "and deleted Lanyard's registration at the server.");
  g_assert_cmpuint (fake_provider_get_count (fake, "register-deleted"), ==, deleted + 2);
  g_assert_null (listed_provider (id));
}

/* GitLab lets dynamic applications have "mcp" only: of no use for
 * signing in, so the manual path, with GitLab's application page. */
static void
test_gitlab_mcp_only (void)
{
  g_autofree char *address = address_of ("gitlab");
  g_autofree char *page = g_strdup_printf ("%s/-/user_settings/applications", address);
  g_autoptr(GVariant) details = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  guint deleted = fake_provider_get_count (fake, "register-deleted");

  fake_provider_set_registration (fake, FAKE_REGISTRATION_MCP_ONLY);
  id = add_server (address, &details, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "");
  g_assert_cmpstr (detail (details, "kind"), ==, "gitlab");
  assert_contains (detail (details, "problem"), "only the permission “mcp”");
  g_assert_cmpstr (detail (details, "applications-url"), ==, page);
  /* The useless registration is deleted at the server, not left behind. */
  for (guint i = 0; i < 400 && fake_provider_get_n_clients (fake) > 0; i++)
    pause_a_moment ();
  g_assert_cmpuint (fake_provider_get_n_clients (fake), ==, 0);
  g_assert_cmpuint (fake_provider_get_count (fake, "register-deleted"), ==, deleted + 1);
  fake_provider_set_registration (fake, FAKE_REGISTRATION_OPEN);
}

static void
test_bad_addresses (void)
{
  static const struct
  {
    const char *address;
    int         code;
    const char *words;
  } cases[] = {
    { "http://gitlab.example.com", G_DBUS_ERROR_INVALID_ARGS, "must use https://" },
    { "https://user:pw@example.com", G_DBUS_ERROR_INVALID_ARGS, "must not contain a user name" },
    { "https://example.com/?x=1", G_DBUS_ERROR_INVALID_ARGS, "has a query part" },
    { "exa mple.com", G_DBUS_ERROR_INVALID_ARGS, "no spaces" },
    { "", G_DBUS_ERROR_INVALID_ARGS, "“address” must be 1 to 512 bytes long" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GVariant) details = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *id = add_server (cases[i].address, &details, &error);

      g_assert_null (id);
      g_assert_error (error, G_DBUS_ERROR, cases[i].code);
      assert_contains (error->message, cases[i].words);
    }

  /* A server that names another issuer is not used. */
  {
    g_autofree char *address = address_of ("oidc");
    g_autoptr(GVariant) details = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *id = NULL;

    fake_provider_set_failure (fake, FAKE_FAIL_DISCOVERY_ISSUER);
    id = add_server (address, &details, &error);
    fake_provider_set_failure (fake, FAKE_FAIL_NONE);
    g_assert_null (id);
    assert_contains (error->message, "is for “https://evil.example”, not for the address");
  }
}

/* An administrator forbids registration in the system's providers.conf:
 * the manual path, with words that name the file; the person's own file
 * cannot allow it again. */
static void
test_policy_forbids (void)
{
  g_autofree char *address = address_of ("oidc");
  g_autofree char *system_dir = g_dir_make_tmp ("lanyard-registration-system-XXXXXX", NULL);
  g_autofree char *lanyard_dir = g_build_filename (system_dir, LANYARD_USER_DIR_NAME, NULL);
  g_autofree char *policy = g_build_filename (lanyard_dir, "providers.conf", NULL);
  g_autofree char *user_dir = g_build_filename (daemon_process.config_home, LANYARD_USER_DIR_NAME, NULL);
  g_autofree char *user_file = g_build_filename (user_dir, "providers.conf", NULL);
  g_autofree char *dirs = g_strdup_printf ("XDG_CONFIG_DIRS=%s", system_dir);
  g_autofree char *id = NULL;
  g_autofree char *command = NULL;
  g_autoptr(GVariant) details = NULL;
  g_autoptr(GError) error = NULL;
  guint registers = fake_provider_get_count (fake, "register");

  g_assert_cmpint (g_mkdir_with_parents (lanyard_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (policy, "[policy]\nallow_registration=false\n", -1, NULL));
  g_assert_cmpint (g_mkdir_with_parents (user_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (user_file, "[policy]\nallow_registration=true\n", -1, NULL));
  daemon_stop (&daemon_process, SIGTERM);
  daemon_start (&daemon_process, fake, (const char *const[]){ dirs, NULL });

  fake_provider_set_registration (fake, FAKE_REGISTRATION_OPEN);
  id = add_server (address, &details, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "");
  assert_contains (detail (details, "problem"), "An administrator has turned off registering Lanyard with servers (");
  assert_contains (detail (details, "problem"), policy);
  assert_contains (detail (details, "problem"), "sets [policy] allow_registration=false)");
  g_assert_cmpuint (fake_provider_get_count (fake, "register"), ==, registers);

  command = g_strdup_printf ("rm -rf '%s'", system_dir);
  g_assert_cmpint (system (command), ==, 0);
  g_unlink (user_file);
}

/* Two additions of one address at once: one registers, the other is told
 * to wait (both registering would leave one registration nobody keeps). */
static void
test_concurrent_add (void)
{
  g_autofree char *address = address_of ("gitlab");
  GDBusConnection *connection = daemon_connection ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GVariant) first_reply = NULL;
  g_autoptr(GVariant) second_reply = NULL;
  g_autoptr(GError) error = NULL;
  guint       registers = fake_provider_get_count (fake, "register");
  const char *id = NULL;

  fake_provider_set_registration (fake, FAKE_REGISTRATION_OPEN);
  g_dbus_connection_call (connection, DAEMON_NAME, MANAGER_PATH, MANAGER, "AddServer",
                          g_variant_new ("(s@a{sv})", address, g_variant_new ("a{sv}", NULL)), G_VARIANT_TYPE ("(sa{sv})"),
                          G_DBUS_CALL_FLAGS_NONE, 30000, NULL, test_store_result, &first);
  g_dbus_connection_call (connection, DAEMON_NAME, MANAGER_PATH, MANAGER, "AddServer",
                          g_variant_new ("(s@a{sv})", address, g_variant_new ("a{sv}", NULL)), G_VARIANT_TYPE ("(sa{sv})"),
                          G_DBUS_CALL_FLAGS_NONE, 30000, NULL, test_store_result, &second);
  first_reply = g_dbus_connection_call_finish (connection, test_wait_result (&first), &error);
  g_assert_no_error (error);
  second_reply = g_dbus_connection_call_finish (connection, test_wait_result (&second), &error);
  g_assert_null (second_reply);
  assert_contains (error->message, "is being added already; wait for that to finish.");
  g_assert_cmpuint (fake_provider_get_count (fake, "register"), ==, registers + 1);

  g_variant_get (first_reply, "(&s@a{sv})", &id, NULL);
  g_clear_error (&error);
  {
    g_autoptr(GVariant) removed = daemon_call (MANAGER_PATH, MANAGER, "RemoveProvider", g_variant_new ("(s)", id),
                                                G_VARIANT_TYPE ("(bs)"), &error);
    g_assert_no_error (error);
  }
}

/* Nothing of a registration access token in anything the daemon said. */
static void
test_no_secret_in_logs (void)
{
  g_autofree char *log = daemon_read_log (&daemon_process);

  assert_contains (log, "Registered at ");
  g_assert_null (strstr (log, "rat-secret"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  keyring_harness_up (&harness, TRUE);
  fake = fake_provider_new ();
  /* Expired at once for the daemon: the next token asked for is a
   * renewal. */
  fake_provider_set_expires_in (fake, 5);
  daemon_start (&daemon_process, fake, NULL);
  g_dbus_connection_signal_subscribe (daemon_connection (), NULL, MANAGER, "ProvidersChanged", MANAGER_PATH, NULL,
                                      G_DBUS_SIGNAL_FLAGS_NONE, providers_changed_cb, NULL, NULL);

  /* In this order: each leaves the stage for the next. */
  g_test_add_func ("/Lanyard/Registration/01-register-and-link", test_register_and_link);
  g_test_add_func ("/Lanyard/Registration/02-add-again", test_add_again_is_the_same);
  g_test_add_func ("/Lanyard/Registration/03-rename", test_rename);
  g_test_add_func ("/Lanyard/Registration/04-forgotten", test_forgotten_registration);
  g_test_add_func ("/Lanyard/Registration/05-remove", test_remove_with_last_account);
  g_test_add_func ("/Lanyard/Registration/06-refused", test_refused);
  g_test_add_func ("/Lanyard/Registration/07-initial-token", test_initial_token);
  g_test_add_func ("/Lanyard/Registration/08-not-offered", test_not_offered);
  g_test_add_func ("/Lanyard/Registration/09-ctl-manual", test_ctl_manual);
  g_test_add_func ("/Lanyard/Registration/10-ctl-gitlab", test_ctl_gitlab);
  g_test_add_func ("/Lanyard/Registration/11-gitlab-mcp-only", test_gitlab_mcp_only);
  g_test_add_func ("/Lanyard/Registration/12-bad-addresses", test_bad_addresses);
  g_test_add_func ("/Lanyard/Registration/12b-concurrent-add", test_concurrent_add);
  g_test_add_func ("/Lanyard/Registration/13-no-secret-in-logs", test_no_secret_in_logs);
  g_test_add_func ("/Lanyard/Registration/14-policy-forbids", test_policy_forbids);

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  return status;
}
