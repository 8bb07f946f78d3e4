/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "lanyard-error.h"
#include "lanyard-loopback-server.h"
#include "lanyard-rlimit.h"
#include "listener-attacks.h"
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

/* As the flow decides: another state is not for us; our state with an
 * error ends the sign-in. */
static LanyardCallbackVerdict
check_state (GHashTable *params,
             gpointer    user_data,
             GError    **error)
{
  if (g_strcmp0 (g_hash_table_lookup (params, "state"), "good") != 0)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_STATE_MISMATCH, "Not <yours> & not now");
      return LANYARD_CALLBACK_REFUSE;
    }

  if (g_hash_table_contains (params, "error"))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED, "Bad <news> & no cookie");
      return LANYARD_CALLBACK_FAIL;
    }

  return LANYARD_CALLBACK_ACCEPT;
}

/* Whether the wait has ended, after letting the listener answer what is
 * in flight. */
static gboolean
wait_ended (GAsyncResult **result)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return *result != NULL;
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

  /* The right state with an error: the answer of this sign-in, which
   * ends it. */
  url = callback_url (server, "localhost", "/cb?error=access_denied&state=good");
  page = test_browse ("GET", url);
  g_assert_cmpuint (page->status, ==, 200);
  /* The message is shown, escaped. */
  g_assert_true (strstr (page->body, "Bad &lt;news&gt; &amp; no cookie") != NULL);

  params = lanyard_loopback_server_wait_finish (server, test_wait_result (&result), &error);
  g_assert_null (params);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED);
  g_assert_false (lanyard_loopback_server_is_listening (server));
}

/* An answer that is not for this sign-in (anyone who finds the port can
 * send one) gets a 4xx page and the listener waits on for the real one. */
static void
test_refused_answer_keeps_waiting (void)
{
  g_autoptr(LanyardLoopbackServer) server = lanyard_loopback_server_new ("/cb");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPage) wrong = NULL;
  g_autoptr(TestPage) missing = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autofree char *wrong_url = NULL;
  g_autofree char *missing_url = NULL;
  g_autofree char *url = NULL;

  g_assert_true (lanyard_loopback_server_start (server, NULL));
  lanyard_loopback_server_wait_async (server, check_state, NULL, NULL, test_store_result, &result);

  wrong_url = callback_url (server, "127.0.0.1", "/cb?code=evil&state=evil");
  wrong = test_browse ("GET", wrong_url);
  g_assert_no_error (wrong->error);
  g_assert_cmpuint (wrong->status, ==, 400);
  g_assert_true (strstr (wrong->body, "Not &lt;yours&gt; &amp; not now") != NULL);
  missing_url = callback_url (server, "127.0.0.1", "/cb?code=evil");
  missing = test_browse ("GET", missing_url);
  g_assert_cmpuint (missing->status, ==, 400);

  g_assert_false (wait_ended (&result));
  g_assert_true (lanyard_loopback_server_is_listening (server));

  url = callback_url (server, "127.0.0.1", "/cb?code=abc&state=good");
  page = test_browse ("GET", url);
  g_assert_cmpuint (page->status, ==, 200);
  params = lanyard_loopback_server_wait_finish (server, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "code"), ==, "abc");
  g_assert_false (lanyard_loopback_server_is_listening (server));
}

/* Someone keeps trying: refused answers, however many, never end the wait
 * (any program that finds the port could otherwise stop every sign-in);
 * the real answer still gets through. */
static void
test_many_refused_answers (void)
{
  g_autoptr(LanyardLoopbackServer) server = lanyard_loopback_server_new ("/cb");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPage) real = NULL;
  g_autofree char *url = NULL;
  g_autofree char *right = NULL;

  g_assert_true (lanyard_loopback_server_start (server, NULL));
  lanyard_loopback_server_wait_async (server, check_state, NULL, NULL, test_store_result, &result);
  url = callback_url (server, "127.0.0.1", "/cb?code=evil&state=guess");

  for (guint i = 1; i <= 25; i++)
    {
      g_autoptr(TestPage) page = test_browse ("GET", url);

      g_assert_cmpuint (page->status, ==, 400);
      g_assert_false (wait_ended (&result));
      g_assert_cmpuint (lanyard_loopback_server_get_n_refused (server), ==, i);
    }

  right = callback_url (server, "127.0.0.1", "/cb?code=real&state=good");
  real = test_browse ("GET", right);
  g_assert_cmpuint (real->status, ==, 200);
  params = lanyard_loopback_server_wait_finish (server, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "code"), ==, "real");
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

/* The kernel's tables as proc(5) shows them, on a little-endian machine:
 * our end 127.0.0.1:8080 (0100007F:1F90) and peers on ports 40000 (9C40)
 * and up. Each table also lists our own side of each connection, which
 * has the same addresses the other way round and must not be taken for
 * the peer. */
static const char fixture_tcp[] =
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
  "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 100 1 0000000000000000 100 0 0 10 0\n"
  "   1: 0100007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 101 1 0000000000000000 20 4 30 10 -1\n"
  "   2: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 102 1 0000000000000000 20 4 30 10 -1\n"
  "   3: 0100007F:9C42 0100007F:1F90 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000\n"
  "   4: 0200007F:9C43 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1001        0 104 1 0000000000000000 20 4 30 10 -1\n"
  "garbage that is not a socket\n";

static const char fixture_tcp6[] =
  "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
  "   0: 0000000000000000FFFF00000100007F:9C41 0000000000000000FFFF00000100007F:1F90 01 00000000:00000000 00:00000000 00000000  1002        0 103 1 0000000000000000 20 4 30 10 -1\n"
  "   1: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:9C44 01 00000000:00000000 00:00000000 00000000     0        0 105 1 0000000000000000 20 4 30 10 -1\n"
  "   2: 00000000000000000000000001000000:9C44 00000000000000000000000001000000:1F90 01 00000000:00000000 00:00000000 00000000  1003        0 106 1 0000000000000000 20 4 30 10 -1\n";

static GInetSocketAddress *
endpoint (const char *address,
          guint       port)
{
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new_from_string (address, port));
}

static gboolean
peer_uid (const char *dir,
          const char *local_address,
          guint       local_port,
          const char *remote_address,
          guint       remote_port,
          uid_t      *uid,
          GError    **error)
{
  g_autoptr(GInetSocketAddress) local = endpoint (local_address, local_port);
  g_autoptr(GInetSocketAddress) remote = endpoint (remote_address, remote_port);

  *uid = (uid_t) -1;
  return lanyard_tcp_peer_uid (dir, local, remote, uid, error);
}

static void
test_peer_uid_tables (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *tcp = NULL;
  g_autofree char *tcp6 = NULL;
  g_autofree char *empty = NULL;
  g_autoptr(GError) error = NULL;
  uid_t uid;

  if (G_BYTE_ORDER != G_LITTLE_ENDIAN)
    {
      g_test_skip ("The tables are written for a little-endian machine");
      return;
    }

  dir = g_dir_make_tmp ("lanyard-proc-net-XXXXXX", &error);
  g_assert_no_error (error);
  tcp = g_build_filename (dir, "tcp", NULL);
  tcp6 = g_build_filename (dir, "tcp6", NULL);
  g_assert_true (g_file_set_contents (tcp, fixture_tcp, -1, NULL));
  g_assert_true (g_file_set_contents (tcp6, fixture_tcp6, -1, NULL));

  /* The peer, not our own side (uid 0) of the same connection. */
  g_assert_true (peer_uid (dir, "127.0.0.1", 8080, "127.0.0.1", 40000, &uid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uid, ==, 1000);
  /* The words are in host order: 0200007F is 127.0.0.2, not 2.0.0.127. */
  g_assert_true (peer_uid (dir, "127.0.0.1", 8080, "127.0.0.2", 40003, &uid, NULL));
  g_assert_cmpuint (uid, ==, 1001);
  /* A dual-stack IPv6 socket that connected to 127.0.0.1 is in tcp6, with
   * IPv4-mapped addresses. */
  g_assert_true (peer_uid (dir, "127.0.0.1", 8080, "127.0.0.1", 40001, &uid, NULL));
  g_assert_cmpuint (uid, ==, 1002);
  g_assert_true (peer_uid (dir, "::1", 8080, "::1", 40004, &uid, NULL));
  g_assert_cmpuint (uid, ==, 1003);
  /* Our own end given as IPv4-mapped IPv6 is the same connection. */
  g_assert_true (peer_uid (dir, "::ffff:127.0.0.1", 8080, "::ffff:127.0.0.1", 40000, &uid, NULL));
  g_assert_cmpuint (uid, ==, 1000);

  /* Unknown: in TIME_WAIT (the owner is gone), on another port, or the
   * same port at another address. */
  g_assert_false (peer_uid (dir, "127.0.0.1", 8080, "127.0.0.1", 40002, &uid, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "No socket on this computer is connected from 127.0.0.1:40002");
  g_clear_error (&error);
  g_assert_false (peer_uid (dir, "127.0.0.1", 8081, "127.0.0.1", 40000, &uid, NULL));
  g_assert_false (peer_uid (dir, "127.0.0.1", 8080, "127.0.0.3", 40000, &uid, NULL));
  g_assert_false (peer_uid (dir, "::1", 8080, "::1", 40000, &uid, NULL));

  /* No tables at all. */
  g_assert_cmpint (g_remove (tcp), ==, 0);
  g_assert_cmpint (g_remove (tcp6), ==, 0);
  g_assert_false (peer_uid (dir, "127.0.0.1", 8080, "127.0.0.1", 40000, &uid, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Who listens on a port, from a /proc of our own making: the tables list
 * listening sockets (state 0A) with their owner's uid and the socket's
 * inode; a process's fd directory links to "socket:[INODE]". */
static void
make_link (const char *path,
           const char *target)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_make_symbolic_link (file, target, NULL, &error));
  g_assert_no_error (error);
}

/* Removes @path and everything below it. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_assert_cmpint (g_remove (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
test_port_holder_tables (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *net = NULL;
  g_autofree char *tcp = NULL;
  g_autofree char *tcp6 = NULL;
  g_autofree char *fd_dir = NULL;
  g_autofree char *fd_dir2 = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *other = NULL;
  g_autoptr(GError) error = NULL;
  guint me = (guint) getuid ();

  dir = g_dir_make_tmp ("lanyard-proc-XXXXXX", &error);
  g_assert_no_error (error);
  net = g_build_filename (dir, "net", NULL);
  g_assert_cmpint (g_mkdir (net, 0700), ==, 0);
  tcp = g_build_filename (net, "tcp", NULL);
  tcp6 = g_build_filename (net, "tcp6", NULL);
  {
    g_autofree char *table = g_strdup_printf (
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      /* 127.0.0.1:8080, listening, inode 100, held by process 4242 */
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 %5u        0 100 1 0000000000000000 100 0 0 10 0\n"
      /* 0.0.0.0:8081, listening, another user's: no fd of it to be seen */
      "   1: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000 %5u        0 200 1 0000000000000000 100 0 0 10 0\n"
      /* 127.0.0.1:8082, a connection, not a listener */
      "   2: 0100007F:1F92 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 %5u        0 300 1 0000000000000000 20 4 30 10 -1\n"
      "garbage\n",
      me, me + 1, me);
    g_assert_true (g_file_set_contents (tcp, table, -1, NULL));
  }
  {
    g_autofree char *table = g_strdup_printf (
      "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      /* [::1]:8083, listening, inode 400, held by process 77 without a readable name */
      "   0: 00000000000000000000000001000000:1F93 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 %5u        0 400 1 0000000000000000 100 0 0 10 0\n"
      /* [::1]:8084, ours, but no process shows it */
      "   1: 00000000000000000000000001000000:1F94 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 %5u        0 500 1 0000000000000000 100 0 0 10 0\n",
      me, me);
    g_assert_true (g_file_set_contents (tcp6, table, -1, NULL));
  }
  fd_dir = g_build_filename (dir, "4242", "fd", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fd_dir, 0700), ==, 0);
  {
    g_autofree char *link0 = g_build_filename (fd_dir, "0", NULL);
    g_autofree char *link3 = g_build_filename (fd_dir, "3", NULL);
    g_autofree char *comm = g_build_filename (dir, "4242", "comm", NULL);

    make_link (link0, "/dev/null");
    make_link (link3, "socket:[100]");
    g_assert_true (g_file_set_contents (comm, "squatter\n", -1, NULL));
  }
  fd_dir2 = g_build_filename (dir, "77", "fd", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fd_dir2, 0700), ==, 0);
  {
    g_autofree char *link5 = g_build_filename (fd_dir2, "5", NULL);

    make_link (link5, "socket:[400]");
  }
  /* Not a process. */
  {
    g_autofree char *self_dir = g_build_filename (dir, "self", "fd", NULL);

    g_assert_cmpint (g_mkdir_with_parents (self_dir, 0700), ==, 0);
  }

  holder = lanyard_tcp_port_holder (dir, 8080);
  g_assert_cmpstr (holder, ==, "“squatter” (process 4242)");
  other = g_strdup_printf ("a program of another user (uid %u)", me + 1);
  g_free (holder);
  holder = lanyard_tcp_port_holder (dir, 8081);
  g_assert_cmpstr (holder, ==, other);
  g_assert_null (lanyard_tcp_port_holder (dir, 8082));
  g_free (holder);
  holder = lanyard_tcp_port_holder (dir, 8083);
  g_assert_cmpstr (holder, ==, "process 77");
  g_assert_null (lanyard_tcp_port_holder (dir, 8084));
  g_assert_null (lanyard_tcp_port_holder (dir, 9999));
  g_assert_null (lanyard_tcp_port_holder ("/nonexistent", 8080));

  remove_tree (dir);
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* A fixed port: used as it is, refused at once (naming port and holder)
 * while another listener has it, and usable again once it is closed. */
static void
test_fixed_port (void)
{
  guint port = free_port ();
  g_autoptr(LanyardLoopbackServer) first = lanyard_loopback_server_new ("/callback/x");
  g_autoptr(LanyardLoopbackServer) second = lanyard_loopback_server_new ("/callback/x");
  g_autoptr(LanyardLoopbackServer) third = lanyard_loopback_server_new ("/callback/x");
  g_autoptr(GError) error = NULL;
  g_autofree char *words = NULL;

  lanyard_loopback_server_set_port (first, port);
  g_assert_true (lanyard_loopback_server_start (first, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_loopback_server_get_port (first), ==, port);

  lanyard_loopback_server_set_port (second, port);
  g_assert_false (lanyard_loopback_server_start (second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  words = g_strdup_printf ("port %u on 127.0.0.1 is already in use by ", port);
  g_assert_true (g_str_has_prefix (error->message, words));
  g_free (words);
  /* This very process holds it. */
  words = g_strdup_printf ("(process %d)", (int) getpid ());
  g_assert_nonnull (strstr (error->message, words));
  g_assert_false (lanyard_loopback_server_is_listening (second));
  g_clear_error (&error);

  lanyard_loopback_server_stop (first);
  lanyard_loopback_server_set_port (third, port);
  g_assert_true (lanyard_loopback_server_start (third, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lanyard_loopback_server_get_port (third), ==, port);
}

/* A fixed port held by someone else on ::1 alone fails as well: going on
 * with 127.0.0.1 only would let a browser that tries ::1 first hand the
 * code and state to that program. */
static void
test_fixed_port_taken_on_ipv6 (void)
{
  g_autoptr(GSocket) holder = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(LanyardLoopbackServer) server = lanyard_loopback_server_new ("/callback/x");
  g_autoptr(GError) error = NULL;
  g_autofree char *words = NULL;
  guint            port;

  if (holder == NULL || !g_socket_bind (holder, any, FALSE, NULL))
    {
      g_test_skip ("this machine has no IPv6 loopback");
      return;
    }
  g_assert_true (g_socket_listen (holder, NULL));
  bound = g_socket_get_local_address (holder, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  lanyard_loopback_server_set_port (server, port);
  g_assert_false (lanyard_loopback_server_start (server, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  words = g_strdup_printf ("port %u on ::1 is already in use by ", port);
  g_assert_true (g_str_has_prefix (error->message, words));
  g_assert_false (lanyard_loopback_server_is_listening (server));
}

/* A connected socket to @address. GLib turns IPv4-mapped IPv6 addresses
 * into IPv4 ones, so a dual-stack IPv6 socket talking to 127.0.0.1 is made
 * by hand. */
static GSocket *
connect_to (GSocketFamily family,
            const char   *address,
            guint         port)
{
  g_autoptr(GError) error = NULL;
  GSocket *connected;

  if (g_str_has_prefix (address, "::ffff:"))
    {
      struct sockaddr_in6 native = { .sin6_family = AF_INET6, .sin6_port = g_htons (port) };
      int                 fd = socket (AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

      g_assert_cmpint (fd, >=, 0);
      g_assert_cmpint (inet_pton (AF_INET6, address, &native.sin6_addr), ==, 1);
      g_assert_cmpint (connect (fd, (struct sockaddr *) &native, sizeof native), ==, 0);
      connected = g_socket_new_from_fd (fd, &error);
    }
  else
    {
      g_autoptr(GSocketAddress) target = g_inet_socket_address_new_from_string (address, port);

      connected = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
      g_assert_no_error (error);
      g_socket_connect (connected, target, NULL, &error);
    }
  g_assert_no_error (error);

  return connected;
}

/* A connection between two sockets of this process, the accepted end's
 * addresses looked up in the real tables. */
static void
assert_peer_is_me (GSocketFamily listen_family,
                   GSocketFamily connect_family,
                   const char   *connect_address)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (listen_family);
  g_autoptr(GSocketAddress) bind_address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocket) listener = g_socket_new (listen_family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GSocket) accepted = NULL;
  g_autoptr(GSocketAddress) listening = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GError) error = NULL;
  uid_t uid = (uid_t) -1;

  g_assert_true (g_socket_bind (listener, bind_address, FALSE, &error));
  g_assert_true (g_socket_listen (listener, &error));
  listening = g_socket_get_local_address (listener, &error);
  /* The handshake is the kernel's: no need to accept first. */
  client = connect_to (connect_family, connect_address, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (listening)));
  accepted = g_socket_accept (listener, NULL, &error);
  g_assert_no_error (error);

  local = g_socket_get_local_address (accepted, NULL);
  remote = g_socket_get_remote_address (accepted, NULL);
  g_assert_true (lanyard_tcp_peer_uid ("/proc/net", G_INET_SOCKET_ADDRESS (local), G_INET_SOCKET_ADDRESS (remote), &uid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uid, ==, getuid ());
}

static void
test_peer_uid_real (void)
{
  assert_peer_is_me (G_SOCKET_FAMILY_IPV4, G_SOCKET_FAMILY_IPV4, "127.0.0.1");
  assert_peer_is_me (G_SOCKET_FAMILY_IPV6, G_SOCKET_FAMILY_IPV6, "::1");
  /* A dual-stack IPv6 socket to an IPv4 listener. */
  assert_peer_is_me (G_SOCKET_FAMILY_IPV4, G_SOCKET_FAMILY_IPV6, "::ffff:127.0.0.1");
}

/* Sends @request over a socket of @family to @address and reads the answer
 * to its end, with the main loop running for the listener. */
static char *
raw_request (GSocketFamily family,
             const char   *address,
             guint         port,
             const char   *request)
{
  g_autoptr(GSocket) sock = connect_to (family, address, port);
  g_autoptr(GError) error = NULL;
  GString *answer = g_string_new (NULL);
  gint64   deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  g_assert_cmpint (g_socket_send (sock, request, strlen (request), NULL, &error), ==, strlen (request));
  g_socket_set_blocking (sock, FALSE);

  for (;;)
    {
      char   buffer[1024];
      gssize n = g_socket_receive (sock, buffer, sizeof buffer, NULL, &error);

      if (n == 0)
        break;
      if (n > 0)
        {
          g_string_append_len (answer, buffer, n);
          continue;
        }
      /* Reset: whatever came is the answer. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      g_clear_error (&error);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (G_TIME_SPAN_MILLISECOND);
    }

  return g_string_free (answer, FALSE);
}

/* The owner check lets this user in by every way a browser may come:
 * IPv4, IPv6, and a dual-stack sock to the IPv4 address. */
static void
test_same_user_served (void)
{
  g_autoptr(LanyardLoopbackServer) server = lanyard_loopback_server_new ("/cb");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  const char *request = "GET /favicon.ico HTTP/1.1\r\nHost: localhost\r\n\r\n";
  struct
  {
    GSocketFamily family;
    const char   *address;
  } ways[] = {
    { G_SOCKET_FAMILY_IPV4, "127.0.0.1" },
    { G_SOCKET_FAMILY_IPV6, "::1" },
    { G_SOCKET_FAMILY_IPV6, "::ffff:127.0.0.1" },
  };
  g_autofree char *answer = NULL;
  guint            port;

  g_assert_true (lanyard_loopback_server_start (server, NULL));
  port = lanyard_loopback_server_get_port (server);
  lanyard_loopback_server_wait_async (server, check_state, NULL, NULL, test_store_result, &result);

  for (guint i = 0; i < G_N_ELEMENTS (ways); i++)
    {
      g_autofree char *favicon = raw_request (ways[i].family, ways[i].address, port, request);

      g_test_message ("%s: %.40s", ways[i].address, favicon);
      g_assert_true (g_str_has_prefix (favicon, "HTTP/1.1 404 "));
    }

  answer = raw_request (G_SOCKET_FAMILY_IPV6, "::1", port, "GET /cb?code=abc&state=good HTTP/1.1\r\nHost: localhost\r\n\r\n");
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200 "));
  params = lanyard_loopback_server_wait_finish (server, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "code"), ==, "abc");
}

/* 300 connections that each send half a request and wait: the listener
 * keeps a few, closes the rest at once and the kept ones at their
 * deadline, and the real answer still gets through. Before, each held a
 * descriptor for as long as its sender wished. */
static void
test_half_sent_flood (void)
{
  g_autoptr(LanyardLoopbackServer) server = lanyard_loopback_server_new ("/cb");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) flood = NULL;
  g_autoptr(TestPage) page = NULL;
  g_autofree char *url = NULL;
  const guint      n = 300;
  const guint      cap = 16;
  const guint      deadline_ms = 4000;
  guint            before, closed;
  gint64           start;

  lanyard_loopback_server_set_limits (server, cap, deadline_ms);
  g_assert_true (lanyard_loopback_server_start (server, NULL));
  lanyard_loopback_server_wait_async (server, check_state, NULL, NULL, test_store_result, &result);
  before = count_open_fds ();

  start = g_get_monotonic_time ();
  flood = open_half_sent_requests (lanyard_loopback_server_get_port (server), n);
  /* Well before the deadline: only the cap is at work. */
  closed = wait_closed_by_peer (flood, n - cap, 1500);
  g_test_message ("%u of %u closed at once", closed, n);
  g_assert_cmpuint (closed, ==, n - cap);
  /* This process holds the attacker's 300 and the listener's few. */
  g_assert_cmpuint (count_open_fds (), <=, before + n + cap + 4);
  g_assert_false (wait_ended (&result));

  closed = wait_closed_by_peer (flood, n, deadline_ms + 3000);
  g_test_message ("All closed after %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (closed, ==, n);
  g_assert_true (lanyard_loopback_server_is_listening (server));
  g_assert_false (wait_ended (&result));

  url = callback_url (server, "127.0.0.1", "/cb?code=abc&state=good");
  page = test_browse ("GET", url);
  g_assert_cmpuint (page->status, ==, 200);
  params = lanyard_loopback_server_wait_finish (server, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "code"), ==, "abc");
}

/* The daemon calls this at start: the soft limit on open files goes up to
 * the hard one. */
static void
test_fd_limit_raised (void)
{
  struct rlimit limit;
  rlim_t        lowered = highest_open_fd () + 32;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_max <= lowered)
    {
      g_test_skip ("The hard limit on open files is too low to be lowered from");
      return;
    }
  limit.rlim_cur = lowered;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);

  lanyard_raise_fd_limit ();

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  g_assert_cmpuint (limit.rlim_cur, ==, limit.rlim_max);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Lanyard/LoopbackServer/answer-and-close", test_answer_and_close);
  g_test_add_func ("/Lanyard/LoopbackServer/check-failure-page", test_check_failure_page);
  g_test_add_func ("/Lanyard/LoopbackServer/refused-answer-keeps-waiting", test_refused_answer_keeps_waiting);
  g_test_add_func ("/Lanyard/LoopbackServer/many-refused-answers", test_many_refused_answers);
  g_test_add_func ("/Lanyard/LoopbackServer/cancel", test_cancel);
  g_test_add_func ("/Lanyard/LoopbackServer/stop-on-dispose", test_stop_on_dispose);
  g_test_add_func ("/Lanyard/LoopbackServer/loopback-only", test_loopback_only);
  g_test_add_func ("/Lanyard/LoopbackServer/peer-uid/tables", test_peer_uid_tables);
  g_test_add_func ("/Lanyard/LoopbackServer/peer-uid/real", test_peer_uid_real);
  g_test_add_func ("/Lanyard/LoopbackServer/port-holder/tables", test_port_holder_tables);
  g_test_add_func ("/Lanyard/LoopbackServer/fixed-port", test_fixed_port);
  g_test_add_func ("/Lanyard/LoopbackServer/fixed-port-taken-on-ipv6", test_fixed_port_taken_on_ipv6);
  g_test_add_func ("/Lanyard/LoopbackServer/same-user-served", test_same_user_served);
  g_test_add_func ("/Lanyard/LoopbackServer/half-sent-flood", test_half_sent_flood);
  g_test_add_func ("/Lanyard/LoopbackServer/fd-limit-raised", test_fd_limit_raised);

  return g_test_run ();
}
