/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The device authorization grant (RFC 8628) against the fake provider:
 * every answer of §3.5, the pace of the polls as the provider saw it, the
 * end at expires_in, cancelling, the providers' dialects, and the checks
 * of the device authorization answer. LANYARD_DEVICE_SECOND_MS makes one
 * protocol second 100 ms here, so the fake provider's interval=1 is
 * 100 ms and slow_down's 5 s are 500 ms. */
#include <string.h>

#include "flow-harness.h"
#include "lanyard-device-grant.h"
#include "lanyard-error.h"

#define SECOND_MS 100
/* µs, for the fake provider's poll timestamps */
#define SECOND_US (SECOND_MS * 1000)

static LanyardProvider *
add_device_provider (Fixture    *f,
                     const char *id,
                     const char *dialect,
                     const char *extra)
{
  g_autofree char *base = fake_provider_config (f->fake, dialect);
  g_autofree char *compound = g_strconcat (base, " ", extra != NULL ? extra : "", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardProviderConfig) config = lanyard_provider_config_new_from_compound (id, "test", compound, &error);
  const LanyardProviderEntry *entry;

  g_assert_no_error (error);
  lanyard_provider_registry_add_config (f->registry, config);
  entry = lanyard_provider_registry_get_entry (f->registry, id);
  g_assert_null (entry->problem);
  return entry->provider;
}

static LanyardFlow *
start_device_flow (LanyardProvider *provider,
                   GError         **error)
{
  g_autoptr(LanyardFlow) flow = lanyard_flow_new (provider);
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_flow_set_grant (flow, LANYARD_GRANT_DEVICE);
  lanyard_flow_start_async (flow, NULL, test_store_result, &result);
  if (!lanyard_flow_start_finish (flow, test_wait_result (&result), error))
    return NULL;

  g_assert_cmpint (lanyard_flow_get_status (flow), ==, LANYARD_FLOW_STATUS_WAITING);
  /* No listener: nothing comes back through a browser. */
  g_assert_false (lanyard_flow_is_listening (flow));
  g_assert_null (lanyard_flow_get_authorize_url (flow));
  return g_steal_pointer (&flow);
}

static gint64
poll_gap (FakeProvider *fake,
          guint         i)
{
  GArray *polls = fake_provider_get_device_polls (fake);

  g_assert_cmpuint (polls->len, >, i);
  return g_array_index (polls, gint64, i) - g_array_index (polls, gint64, i - 1);
}

static void
test_github_pending_then_approved (Fixture      *f,
                                   gconstpointer data)
{
  LanyardProvider *provider = add_device_provider (f, "github", "github", "device_flow=true");
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;
  GHashTable *request;
  gint64      now = g_get_real_time () / G_USEC_PER_SEC;

  fake_provider_set_device_script (f->fake, "pending,pending,approve");
  flow = start_device_flow (provider, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (lanyard_flow_get_user_code (flow), ==, fake_provider_get_last_user_code (f->fake));
  g_assert_true (g_str_has_prefix (lanyard_flow_get_verification_uri (flow), fake_provider_get_base_url (f->fake)));
  g_assert_true (g_str_has_suffix (lanyard_flow_get_verification_uri (flow), "/github/device"));
  /* GitHub gives no verification_uri_complete. */
  g_assert_null (lanyard_flow_get_verification_uri_complete (flow));
  g_assert_cmpint (lanyard_flow_get_device_expires_at (flow), >=, now + 600);
  g_assert_cmpint (lanyard_flow_get_device_expires_at (flow), <=, now + 601);

  /* The client id and the scopes; never the client secret. */
  request = fake_provider_get_last_device_request (f->fake);
  g_assert_cmpstr (g_hash_table_lookup (request, "client_id"), ==, FAKE_CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (request, "scope"), ==, "read:user user:email");
  g_assert_null (g_hash_table_lookup (request, "client_secret"));

  g_assert_true (wait_flow (flow, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lanyard_flow_get_status (flow), ==, LANYARD_FLOW_STATUS_SUCCEEDED);
  g_assert_cmpstr (lanyard_identity_get_account_id (lanyard_flow_get_identity (flow)), ==, "583231");
  g_assert_cmpstr (lanyard_identity_get_username (lanyard_flow_get_identity (flow)), ==, "octocat");
  g_assert_cmpuint (fake_provider_get_count (f->fake, "device-poll"), ==, 3);
  /* No faster than the interval (1 s, here 100 ms). */
  g_assert_cmpint (poll_gap (f->fake, 1), >=, 1 * SECOND_US);
  g_assert_cmpint (poll_gap (f->fake, 2), >=, 1 * SECOND_US);
  g_assert_cmpuint (lanyard_flow_get_device_interval (flow), ==, 1);
}

/* RFC 8628 §3.5: slow_down adds 5 s to this and every later interval. */
static void
test_slow_down (Fixture      *f,
                gconstpointer data)
{
  LanyardProvider *provider = add_device_provider (f, "work", "gitlab", "device_flow=true");
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;

  fake_provider_set_device_script (f->fake, "pending,slow_down,pending,approve");
  flow = start_device_flow (provider, &error);
  g_assert_no_error (error);
  g_assert_true (wait_flow (flow, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (fake_provider_get_count (f->fake, "device-poll"), ==, 4);
  g_assert_cmpint (poll_gap (f->fake, 1), >=, 1 * SECOND_US);
  /* After slow_down: 1 + 5 s, for every poll from then on. */
  g_assert_cmpint (poll_gap (f->fake, 2), >=, 6 * SECOND_US);
  g_assert_cmpint (poll_gap (f->fake, 3), >=, 6 * SECOND_US);
  g_assert_cmpuint (lanyard_flow_get_device_interval (flow), ==, 6);
  g_assert_cmpstr (lanyard_identity_get_username (lanyard_flow_get_identity (flow)), ==, "tanuki");
}

/* A 503 is passing trouble (RFC 8628 §3.5 asks for backoff): the interval
 * doubles, and the sign-in goes on. */
static void
test_backoff_after_server_error (Fixture      *f,
                                 gconstpointer data)
{
  LanyardProvider *provider = add_device_provider (f, "github", "github", "device_flow=true");
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;

  fake_provider_set_device_script (f->fake, "server_error,approve");
  flow = start_device_flow (provider, &error);
  g_assert_no_error (error);
  g_assert_true (wait_flow (flow, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "device-poll"), ==, 2);
  g_assert_cmpint (poll_gap (f->fake, 1), >=, 2 * SECOND_US);
  g_assert_cmpuint (lanyard_flow_get_device_interval (flow), ==, 2);
}

typedef struct
{
  const char *script;
  gint        code;
  const char *message;
} EndCase;

static const EndCase denied = { "pending,denied", LANYARD_ERROR_ACCESS_DENIED,
                                "The sign-in to GitHub was declined on the other device. Start again and approve it to link this account." };
static const EndCase expired = { "pending,expired", LANYARD_ERROR_TIMED_OUT,
                                 "The code for signing in to GitHub expired before the sign-in was approved. Start again for a new code." };

static void
test_ends_with_words (Fixture      *f,
                      gconstpointer data)
{
  const EndCase   *c = data;
  LanyardProvider *provider = add_device_provider (f, "github", "github", "device_flow=true");
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;

  fake_provider_set_device_script (f->fake, c->script);
  flow = start_device_flow (provider, &error);
  g_assert_no_error (error);
  g_assert_false (wait_flow (flow, &error));
  g_assert_error (error, LANYARD_ERROR, c->code);
  g_assert_cmpstr (error->message, ==, c->message);
  g_assert_cmpint (lanyard_flow_get_status (flow), ==, LANYARD_FLOW_STATUS_FAILED);
  g_assert_null (lanyard_flow_get_tokens (flow));
  g_assert_null (lanyard_flow_get_identity (flow));
  g_assert_cmpuint (fake_provider_get_count (f->fake, "device-poll"), ==, 2);
}

static gboolean
quit_later_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin_for_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, quit_later_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The person never answers: the flow ends when the codes expire, without
 * a poll after that. */
static void
test_stops_at_expires_in (Fixture      *f,
                          gconstpointer data)
{
  LanyardProvider *provider = add_device_provider (f, "github", "github", "device_flow=true");
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;
  GArray *polls = fake_provider_get_device_polls (f->fake);
  gint64  started;

  fake_provider_set_device_script (f->fake, "pending");
  fake_provider_set_device_timing (f->fake, 3, 10);
  started = g_get_monotonic_time ();
  flow = start_device_flow (provider, &error);
  g_assert_no_error (error);
  g_assert_false (wait_flow (flow, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, lanyard_flow_get_user_code (flow)));
  g_assert_nonnull (strstr (error->message, "expired before the sign-in was approved"));

  /* Polls at 3, 6 and 9 s at the soonest (later when answers are slow, as
   * under the sanitizers); the end at 10 s, and none after it: a fourth
   * could come at 12 s only. */
  g_assert_cmpuint (polls->len, >=, 1);
  g_assert_cmpuint (polls->len, <=, 3);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 10 * SECOND_US);
  spin_for_ms (5 * SECOND_MS);
  g_assert_cmpuint (polls->len, <=, 3);
}

/* Cancelled between polls: the flow ends at once, and no request follows. */
static void
test_cancel_mid_poll (Fixture      *f,
                      gconstpointer data)
{
  LanyardProvider *provider = add_device_provider (f, "github", "github", "device_flow=true");
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fake_provider_set_device_script (f->fake, "pending");
  flow = start_device_flow (provider, &error);
  g_assert_no_error (error);
  lanyard_flow_wait_async (flow, NULL, test_store_result, &result);
  while (fake_provider_get_count (f->fake, "device-poll") < 2)
    g_main_context_iteration (NULL, TRUE);

  lanyard_flow_cancel (flow);
  g_assert_false (lanyard_flow_wait_finish (flow, test_wait_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "The sign-in with GitHub was cancelled");

  /* Five intervals later, still the two polls from before. */
  spin_for_ms (5 * SECOND_MS);
  g_assert_cmpuint (fake_provider_get_count (f->fake, "device-poll"), ==, 2);
}

typedef struct
{
  const char *dialect;
  const char *extra;
  const char *account_id;
  gboolean    has_complete;
} DialectCase;

static const DialectCase dialects[] = {
  { "gitlab", "device_flow=true", "4242", TRUE },
  { "google", "device_flow=true", "4242", TRUE },
  { "microsoft", "device_flow=true", FAKE_MS_TENANT_ID ".00000000-0000-0000-66f3-3332eca7ea81", TRUE },
  { "oidc", NULL, "4242", TRUE },
};

/* Each provider's address and dialect; the ID token is checked as after a
 * browser sign-in, without a nonce. */
static void
test_dialect (Fixture      *f,
              gconstpointer data)
{
  const DialectCase *c = data;
  LanyardProvider   *provider = add_device_provider (f, "p", c->dialect, c->extra);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;

  g_assert_true (lanyard_provider_supports_grant (provider, LANYARD_GRANT_DEVICE, NULL));
  flow = start_device_flow (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_flow_get_user_code (flow), ==, fake_provider_get_last_user_code (f->fake));
  g_assert_true ((lanyard_flow_get_verification_uri_complete (flow) != NULL) == c->has_complete);
  g_assert_true (wait_flow (flow, &error));
  g_assert_no_error (error);
  if (!g_str_equal (c->dialect, "microsoft"))
    g_assert_cmpstr (lanyard_identity_get_account_id (lanyard_flow_get_identity (flow)), ==, c->account_id);
  else
    g_assert_nonnull (lanyard_identity_get_account_id (lanyard_flow_get_identity (flow)));
}

/* The same ID token checks as a browser sign-in: one for another client is
 * refused, and nothing is kept. */
static void
test_id_token_checked (Fixture      *f,
                       gconstpointer data)
{
  LanyardProvider *provider = add_device_provider (f, "sso", "oidc", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;

  fake_provider_set_failure (f->fake, FAKE_FAIL_ID_TOKEN_AUDIENCE);
  flow = start_device_flow (provider, &error);
  g_assert_no_error (error);
  g_assert_false (wait_flow (flow, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE);
  g_assert_null (lanyard_flow_get_tokens (flow));
  g_assert_null (lanyard_flow_get_identity (flow));
}

static void
assert_not_offered (LanyardProvider *provider,
                    const char      *expected)
{
  g_autofree char *problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;

  g_assert_false (lanyard_provider_supports_grant (provider, LANYARD_GRANT_DEVICE, &problem));
  g_assert_cmpstr (problem, ==, expected);
  flow = start_device_flow (provider, &error);
  g_assert_null (flow);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_not_offered (Fixture      *f,
                  gconstpointer data)
{
  assert_not_offered (add_device_provider (f, "github", "github", NULL),
                      "Signing in on another device is not turned on for GitHub. Turn on “Enable Device Flow” in the "
                      "OAuth app's settings on GitHub, then set “device_flow=true”.");
  assert_not_offered (add_device_provider (f, "work", "gitlab", NULL),
                      "Signing in on another device is not turned on for GitLab. GitLab offers it since version 17.1; "
                      "set “device_flow=true” if this instance runs 17.1 or newer.");
  assert_not_offered (add_device_provider (f, "ms", "microsoft", "device_flow=false"),
                      "Signing in on another device is turned off for Microsoft (“device_flow=false”).");
  assert_not_offered (add_device_provider (f, "plain", "oauth2", NULL),
                      "OAuth 2.0 does not offer signing in on another device (it has no device authorization endpoint).");
  assert_not_offered (add_device_provider (f, "tv", "google", "device_flow=true scopes='openid email https://www.googleapis.com/auth/calendar'"),
                      "Google does not allow the scope “https://www.googleapis.com/auth/calendar” when signing in on "
                      "another device; it allows only openid, email, profile, drive.file, drive.appdata, youtube, "
                      "youtube.readonly. Remove it from “scopes”, or sign in with the browser.");
  g_assert_cmpuint (fake_provider_get_count (f->fake, "device-authorization"), ==, 0);
}

/* An OpenID provider whose discovery has no device_authorization_endpoint
 * is offered until its document was read, and not after. */
static void
test_oidc_without_endpoint (Fixture      *f,
                            gconstpointer data)
{
  LanyardProvider *provider = add_device_provider (f, "sso", "oidc", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;
  const char *expected = "Example SSO does not offer signing in on another device (it has no device authorization endpoint).";

  fake_provider_set_quirks (f->fake, FAKE_QUIRK_NO_DEVICE_ENDPOINT);
  g_assert_true (lanyard_provider_supports_grant (provider, LANYARD_GRANT_DEVICE, NULL));
  flow = start_device_flow (provider, &error);
  g_assert_null (flow);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (error->message, ==, expected);
  assert_not_offered (provider, expected);
}

/* device_flow=only: the browser sign-in is refused before anything opens. */
static void
test_device_only (Fixture      *f,
                  gconstpointer data)
{
  LanyardProvider *provider = add_device_provider (f, "tv", "google", "device_flow=only");
  g_autoptr(LanyardFlow) flow = lanyard_flow_new (provider);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (lanyard_provider_supports_grant (provider, LANYARD_GRANT_DEVICE, NULL));
  g_assert_false (lanyard_provider_supports_grant (provider, LANYARD_GRANT_AUTHORIZATION_CODE, NULL));
  lanyard_flow_start_async (flow, NULL, test_store_result, &result);
  g_assert_false (lanyard_flow_start_finish (flow, test_wait_result (&result), &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (error->message, ==, "Google is set up for signing in on another device only (“device_flow=only”).");
  g_assert_false (lanyard_flow_is_listening (flow));
}

typedef struct
{
  guint       status;
  const char *body;
  gint        code;
  const char *message;
} AnswerCase;

static const AnswerCase answers[] = {
  { 200, "{\"device_code\":\"d\",\"user_code\":\"AB\\u0007CD\",\"verification_uri\":\"https://example.com/device\",\"expires_in\":900}",
    LANYARD_ERROR_INVALID_RESPONSE, "“user_code” is missing or is not up to 32 letters, digits and dashes" },
  { 200, "{\"device_code\":\"d\",\"user_code\":\"ABCD\",\"verification_uri\":\"http://evil.example/device\",\"expires_in\":900}",
    LANYARD_ERROR_INVALID_RESPONSE, "“verification_uri” is not an https:// address of at most 2048 characters" },
  { 200, "{\"device_code\":\"d\",\"user_code\":\"ABCD\",\"verification_uri\":\"https://example.com/device\","
         "\"verification_uri_complete\":\"https://evil.example/device?user_code=ABCD\",\"expires_in\":900}",
    LANYARD_ERROR_INVALID_RESPONSE, "“verification_uri_complete” leads to another server than “verification_uri”" },
  { 200, "{\"device_code\":\"d\",\"user_code\":\"ABCD\",\"verification_uri\":\"https://example.com/device\",\"expires_in\":900,\"interval\":0}",
    LANYARD_ERROR_INVALID_RESPONSE, "“interval” is not a number of seconds from 1 to 300" },
  { 200, "{\"device_code\":\"d\",\"user_code\":\"ABCD\",\"verification_uri\":\"https://example.com/device\"}",
    LANYARD_ERROR_INVALID_RESPONSE, "“expires_in” is not a number of seconds from 10 to 86400" },
  { 200, "{\"user_code\":\"ABCD\",\"verification_uri\":\"https://example.com/device\",\"expires_in\":900}",
    LANYARD_ERROR_INVALID_RESPONSE, "“device_code” is missing or malformed" },
  { 200, "{\"error\":\"device_flow_disabled\"}",
    LANYARD_ERROR_MISCONFIGURED, "GitHub does not allow this application to sign in on another device. Turn on “Enable Device Flow” in the OAuth app's settings at GitHub, or set “device_flow=false”." },
  { 400, "{\"error\":\"invalid_scope\"}", LANYARD_ERROR_MISCONFIGURED, NULL },
  { 200, "[1,2]", LANYARD_ERROR_INVALID_RESPONSE, NULL },
};

static void
test_bad_answer (Fixture      *f,
                 gconstpointer data)
{
  const AnswerCase *c = data;
  LanyardProvider  *provider = add_device_provider (f, "github", "github", "device_flow=true");
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardFlow) flow = NULL;

  fake_provider_set_raw_answer (f->fake, "device", c->status, "application/json", c->body);
  flow = start_device_flow (provider, &error);
  g_assert_null (flow);
  g_assert_error (error, LANYARD_ERROR, c->code);
  if (c->message != NULL)
    g_assert_nonnull (strstr (error->message, c->message));
  g_assert_cmpuint (fake_provider_get_count (f->fake, "device-poll"), ==, 0);
}

/* The demo providers speak the device grant: the verification page on
 * loopback shows the form, takes the code and the decision. */
static void
test_demo (gconstpointer data)
{
  const char *decision = data;
  g_autoptr(LanyardProviderRegistry) registry = lanyard_provider_registry_new ();
  LanyardProvider *provider;
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(TestPage) form = NULL;
  g_autoptr(TestPage) wrong = NULL;
  g_autoptr(TestPage) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;
  g_autofree char *wrong_url = NULL;

  lanyard_provider_registry_add_demo_providers (registry);
  provider = lanyard_provider_registry_lookup (registry, "demo-gitlab");
  /* Offered before the demo server runs: it starts with the sign-in. */
  g_assert_true (lanyard_provider_supports_grant (provider, LANYARD_GRANT_DEVICE, NULL));
  flow = start_device_flow (provider, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (lanyard_flow_get_verification_uri (flow), "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (lanyard_flow_get_verification_uri (flow), "/gitlab/device"));
  g_assert_cmpuint (strlen (lanyard_flow_get_user_code (flow)), ==, 9);

  form = test_browse ("GET", lanyard_flow_get_verification_uri_complete (flow));
  g_assert_cmpuint (form->status, ==, 200);
  escaped = g_strdup_printf ("value=\"%s\"", lanyard_flow_get_user_code (flow));
  g_assert_nonnull (strstr (form->body, escaped));
  g_assert_nonnull (strstr (form->body, "Demo"));

  wrong_url = g_strdup_printf ("%s?user_code=XXXX-XXXX&username=ada&decision=approve", lanyard_flow_get_verification_uri (flow));
  wrong = test_browse ("GET", wrong_url);
  g_assert_cmpuint (wrong->status, ==, 400);

  url = g_strdup_printf ("%s&username=ada&decision=%s", lanyard_flow_get_verification_uri_complete (flow), decision);
  answer = test_browse ("GET", url);
  g_assert_cmpuint (answer->status, ==, 200);
  if (g_str_equal (decision, "approve"))
    {
      g_assert_true (wait_flow (flow, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (lanyard_identity_get_username (lanyard_flow_get_identity (flow)), ==, "ada");
    }
  else
    {
      g_assert_false (wait_flow (flow, &error));
      g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *second = g_strdup_printf ("%d", SECOND_MS);

  g_setenv (LANYARD_DEVICE_SECOND_MS_ENV, second, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/Lanyard/DeviceFlow/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("pending-then-approved", test_github_pending_then_approved, NULL);
  ADD ("slow-down", test_slow_down, NULL);
  ADD ("access-denied", test_ends_with_words, &denied);
  ADD ("expired-token", test_ends_with_words, &expired);
  ADD ("stops-at-expires-in", test_stops_at_expires_in, NULL);
  ADD ("backoff-after-server-error", test_backoff_after_server_error, NULL);
  ADD ("cancel-mid-poll", test_cancel_mid_poll, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (dialects); i++)
    {
      g_autofree char *path = g_strdup_printf ("/Lanyard/DeviceFlow/dialect/%s", dialects[i].dialect);
      g_test_add (path, Fixture, &dialects[i], fixture_set_up, test_dialect, fixture_tear_down);
    }
  ADD ("id-token-checked", test_id_token_checked, NULL);
  ADD ("not-offered", test_not_offered, NULL);
  ADD ("oidc-without-endpoint", test_oidc_without_endpoint, NULL);
  ADD ("device-only", test_device_only, NULL);
  g_test_add_data_func ("/Lanyard/DeviceFlow/demo/approve", "approve", test_demo);
  g_test_add_data_func ("/Lanyard/DeviceFlow/demo/deny", "deny", test_demo);
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autofree char *path = g_strdup_printf ("/Lanyard/DeviceFlow/bad-answer/%u", i);
      g_test_add (path, Fixture, &answers[i], fixture_set_up, test_bad_answer, fixture_tear_down);
    }

  return g_test_run ();
}
