/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A server like glewlwyd, through the real daemon and lanyardctl: it
 * matches the redirect URI port and all, under-reports in its discovery
 * document, names nobody (no username claim), answers a dead refresh
 * token by a bare 400, and refuses to revoke for a public client. */

#include "config.h"

#include <libsecret/secret.h>

#include "daemon-harness.h"

static KeyringHarness harness;
static Daemon         daemon_process;
static FakeProvider  *fake;

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” does not contain “%s”", haystack, needle);
}

static void
test_link (void)
{
  g_autoptr(CtlResult) linked = NULL;
  g_autoptr(CtlResult) whoami = NULL;

  linked = link_with_ctl ("glew");
  g_assert_cmpint (linked->status, ==, 0);
  /* The e-mail's local part stands in for the missing username. */
  g_assert_cmpstr (linked->out, ==, "Linked glew:4242 (tanuki)\n");
  g_assert_cmpuint (fake_provider_get_count (fake, "authorize-wrong-redirect"), ==, 0);

  whoami = ctl ("whoami", NULL);
  assert_contains (whoami->out, "username:     tanuki\n");
}

static void
test_refresh_refused (void)
{
  g_autoptr(CtlResult) token = NULL;
  g_autoptr(CtlResult) listed = NULL;

  fake_provider_set_raw_answer (fake, "token", 400, NULL, "");
  token = ctl ("token", "glew:4242", NULL);
  g_assert_cmpint (token->status, !=, 0);
  assert_contains (token->err, "refused to renew the sign-in (HTTP 400 Bad Request)");
  assert_contains (token->err, "Sign in again");

  listed = ctl ("list", NULL);
  assert_contains (listed->out, "needs attention");
  fake_provider_set_answer (fake, "token", FAKE_ANSWER_NORMAL);
}

static void
test_unlink_refused (void)
{
  g_autoptr(CtlResult) unlinked = NULL;
  g_autoptr(CtlResult) listed = NULL;

  fake_provider_set_raw_answer (fake, "revoke", 401, NULL, "");
  unlinked = ctl ("unlink", "glew:4242", NULL);
  g_assert_cmpint (unlinked->status, ==, 0);
  assert_contains (unlinked->out, "Unlinked glew:4242. Example SSO refused to revoke Lanyard's access (HTTP 401 Unauthorized).");
  assert_contains (unlinked->out, "may still be valid");
  g_assert_null (strstr (unlinked->out, "Sign in again"));

  listed = ctl ("list", NULL);
  g_assert_null (strstr (listed->out, "glew:4242"));
}

int
main (int   argc,
      char *argv[])
{
  guint            port;
  g_autofree char *exact = NULL;
  g_autofree char *base = NULL;
  g_autofree char *setting = NULL;
  int              status;

  g_test_init (&argc, &argv, NULL);
  keyring_harness_up (&harness, TRUE);
  fake = fake_provider_new ();

  port = free_port ();
  exact = g_strdup_printf ("http://127.0.0.1:%u/callback/glew", port);
  fake_provider_set_exact_redirect (fake, exact);
  fake_provider_set_quirks (fake, FAKE_QUIRK_NO_USERNAME | FAKE_QUIRK_UNDER_REPORTING_DISCOVERY);
  /* Expired at once for the daemon (within its fresh margin): the next
   * token asked for is a refresh. */
  fake_provider_set_expires_in (fake, 5);
  base = fake_provider_config (fake, "oidc");
  setting = g_strdup_printf ("LANYARD_PROVIDER_GLEW=%s redirect_port=%u", base, port);
  daemon_start (&daemon_process, fake, (const char *const[]){ setting, NULL });

  /* In this order: each leaves the stage for the next. */
  g_test_add_func ("/Lanyard/SecondProviderDaemon/1-link", test_link);
  g_test_add_func ("/Lanyard/SecondProviderDaemon/2-refresh-refused", test_refresh_refused);
  g_test_add_func ("/Lanyard/SecondProviderDaemon/3-unlink-refused", test_unlink_refused);

  status = g_test_run ();

  daemon_stop (&daemon_process, SIGTERM);
  daemon_remove_files (&daemon_process);
  g_clear_object (&fake);
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  return status;
}
