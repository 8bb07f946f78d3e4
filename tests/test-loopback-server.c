/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "lanyard-error.h"
#include "lanyard-loopback-server.h"
#include "test-util.h"

static char *
callback_url (LanyardLoopbackServer *server,
              const char            *host,
              const char            *path_and_query)
{
  return g_strdup_printf ("http://%s:%u%s", host, lanyard_loopback_server_get_port (server), path_and_query);
}

static gboolean
can_connect (const char *host,
             guint       port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_socket_client_connect_to_host_async (client, host, port, NULL, test_store_result, &result);
  test_wait_result (&result);
  connection = g_socket_client_connect_to_host_finish (client, result, NULL);

  return connection != NULL;
}

static gboolean
check_state (GHashTable *params,
             gpointer    user_data,
             GError    **error)
{
  if (g_strcmp0 (g_hash_table_lookup (params, "state"), "good") == 0)
    return TRUE;

  g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_STATE_MISMATCH, "Bad <state> & no cookie");
  return FALSE;
}

static void
test_answer_and_close (void)
{
  g_autoptr(LanyardLoopbackServer) server = lanyard_loopback_server_new ("/callback/test");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPage) favicon = NULL;
  g_autoptr(TestPage) post = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autofree char *favicon_url = NULL;
  g_autofree char *url = NULL;
  guint            port;

  g_assert_true (lanyard_loopback_server_start (server, &error));
  g_assert_no_error (error);
  port = lanyard_loopback_server_get_port (server);
  g_assert_cmpuint (port, >, 0);
  g_assert_true (can_connect ("127.0.0.1", port));
  g_assert_true (can_connect ("::1", port));

  lanyard_loopback_server_wait_async (server, check_state, NULL, NULL, test_store_result, &result);

  /* Neither another path nor another method ends the wait. */
  favicon_url = callback_url (server, "127.0.0.1", "/favicon.ico");
  favicon = test_browse ("GET", favicon_url);
  g_assert_cmpuint (favicon->status, ==, 404);
  url = callback_url (server, "127.0.0.1", "/callback/test?code=abc&state=good");
  post = test_browse ("POST", url);
  g_assert_cmpuint (post->status, ==, 405);
  g_assert_null (result);
  g_assert_true (lanyard_loopback_server_is_listening (server));

  page = test_browse ("GET", url);
  g_assert_no_error (page->error);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (strstr (page->body, "You can close this window") != NULL);

  params = lanyard_loopback_server_wait_finish (server, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "code"), ==, "abc");

  /* One-shot: the listener is gone on both addresses. */
  g_assert_false (lanyard_loopback_server_is_listening (server));
  g_assert_false (can_connect ("127.0.0.1", port));
  g_assert_false (can_connect ("::1", port));
}

static void
test_check_failure_page (void)
{
  g_autoptr(LanyardLoopbackServer) server = lanyard_loopback_server_new ("/cb");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autofree char *url = NULL;

  g_assert_true (lanyard_loopback_server_start (server, NULL));
  lanyard_loopback_server_wait_async (server, check_state, NULL, NULL, test_store_result, &result);

  url = callback_url (server, "localhost", "/cb?code=abc&state=evil");
  page = test_browse ("GET", url);
  g_assert_cmpuint (page->status, ==, 200);
  /* The message is shown, escaped. */
  g_assert_true (strstr (page->body, "Bad &lt;state&gt; &amp; no cookie") != NULL);

  params = lanyard_loopback_server_wait_finish (server, test_wait_result (&result), &error);
  g_assert_null (params);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_STATE_MISMATCH);
  g_assert_false (lanyard_loopback_server_is_listening (server));
}

static void
test_cancel (void)
{
  g_autoptr(LanyardLoopbackServer) server = lanyard_loopback_server_new ("/cb");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  g_assert_true (lanyard_loopback_server_start (server, NULL));
  port = lanyard_loopback_server_get_port (server);
  lanyard_loopback_server_wait_async (server, check_state, NULL, cancellable, test_store_result, &result);
  g_cancellable_cancel (cancellable);

  params = lanyard_loopback_server_wait_finish (server, test_wait_result (&result), &error);
  g_assert_null (params);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (lanyard_loopback_server_is_listening (server));
  g_assert_false (can_connect ("127.0.0.1", port));
}

static void
test_stop_on_dispose (void)
{
  LanyardLoopbackServer *server = lanyard_loopback_server_new ("/cb");
  guint                  port;

  g_assert_true (lanyard_loopback_server_start (server, NULL));
  port = lanyard_loopback_server_get_port (server);
  g_assert_true (can_connect ("127.0.0.1", port));
  g_assert_finalize_object (server);
  g_assert_false (can_connect ("127.0.0.1", port));
}

/* The listener is bound to loopback only: from any other address of this
 * machine, nobody can connect. */
static void
test_loopback_only (void)
{
  g_autoptr(LanyardLoopbackServer) server = lanyard_loopback_server_new ("/cb");
  struct ifaddrs *addresses = NULL;
  guint           tried = 0;
  guint           port;

  g_assert_true (lanyard_loopback_server_start (server, NULL));
  port = lanyard_loopback_server_get_port (server);
  g_assert_cmpint (getifaddrs (&addresses), ==, 0);

  for (struct ifaddrs *a = addresses; a != NULL; a = a->ifa_next)
    {
      g_autoptr(GSocketAddress) address = NULL;
      g_autofree char *host = NULL;
      GInetAddress    *inet;

      if (a->ifa_addr == NULL || (a->ifa_addr->sa_family != AF_INET && a->ifa_addr->sa_family != AF_INET6))
        continue;
      address = g_socket_address_new_from_native (a->ifa_addr, a->ifa_addr->sa_family == AF_INET ? sizeof (struct sockaddr_in) : sizeof (struct sockaddr_in6));
      inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
      if (g_inet_address_get_is_loopback (inet) || g_inet_address_get_is_link_local (inet))
        continue;

      host = g_inet_address_to_string (inet);
      g_test_message ("Trying %s:%u", host, port);
      g_assert_false (can_connect (host, port));
      tried++;
    }
  freeifaddrs (addresses);

  if (tried == 0)
    g_test_skip ("This machine has no address besides loopback");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Lanyard/LoopbackServer/answer-and-close", test_answer_and_close);
  g_test_add_func ("/Lanyard/LoopbackServer/check-failure-page", test_check_failure_page);
  g_test_add_func ("/Lanyard/LoopbackServer/cancel", test_cancel);
  g_test_add_func ("/Lanyard/LoopbackServer/stop-on-dispose", test_stop_on_dispose);
  g_test_add_func ("/Lanyard/LoopbackServer/loopback-only", test_loopback_only);

  return g_test_run ();
}
