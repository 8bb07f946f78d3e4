/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What an attacker does to a sign-in listener, for the loopback server and
 * flow tests: hold many half-sent requests open, and send an answer as
 * another Unix user (`runuser -u nobody -- curl`). */

#include <gio/gio.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "test-util.h"

G_BEGIN_DECLS

/* The beginning of a request, never finished. */
#define HALF_SENT_REQUEST "GET /callback/x HTTP/1.1\r\n"

/* How many descriptors this process has open. */
G_GNUC_UNUSED static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* The highest descriptor number open now. */
G_GNUC_UNUSED static guint
highest_open_fd (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;
  guint64     highest = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      guint64 fd;

      if (g_ascii_string_to_unsigned (name, 10, 0, G_MAXINT, &fd, NULL))
        highest = MAX (highest, fd);
    }
  return highest;
}

/* The listener closed this connection (it never sends anything to a
 * half-sent request, so readable means end of stream or reset). */
G_GNUC_UNUSED static gboolean
closed_by_peer (GSocket *socket)
{
  return g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) != 0;
}

G_GNUC_UNUSED static guint
count_closed_by_peer (GPtrArray *sockets)
{
  guint n = 0;

  for (guint i = 0; i < sockets->len; i++)
    if (closed_by_peer (g_ptr_array_index (sockets, i)))
      n++;
  return n;
}

/* Runs the main loop (the listener is in this process) until at least
 * @n of @sockets were closed by the listener, or @timeout_ms passed. */
G_GNUC_UNUSED static guint
wait_closed_by_peer (GPtrArray *sockets,
                     guint      n,
                     guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  guint  closed;

  while ((closed = count_closed_by_peer (sockets)) < n && g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2 * G_TIME_SPAN_MILLISECOND);
    }
  return closed;
}

/* Opens @n connections to 127.0.0.1:@port, each sending the start of a
 * request and then nothing. They are opened a few at a time, with the main
 * loop running, so that the kernel's accept queue never overflows: a
 * dropped SYN is retried only a second later, which would make the flood a
 * slow trickle. */
G_GNUC_UNUSED static GPtrArray *
open_half_sent_requests (guint port,
                         guint n)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GPtrArray *sockets = g_ptr_array_new_with_free_func (g_object_unref);
  gint64     deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;

  while (sockets->len < n)
    {
      guint batch_start = sockets->len;
      guint batch_end = MIN (n, batch_start + 8);

      for (guint i = batch_start; i < batch_end; i++)
        {
          g_autoptr(GError) error = NULL;
          GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

          g_assert_no_error (error);
          g_socket_set_blocking (socket, FALSE);
          if (!g_socket_connect (socket, address, NULL, &error))
            g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
          g_ptr_array_add (sockets, socket);
        }

      for (guint i = batch_start; i < batch_end; i++)
        {
          GSocket *socket = g_ptr_array_index (sockets, i);

          while (g_socket_condition_check (socket, G_IO_OUT | G_IO_ERR | G_IO_HUP) == 0)
            {
              g_assert_cmpint (g_get_monotonic_time (), <, deadline);
              while (g_main_context_iteration (NULL, FALSE))
                ;
              g_usleep (G_TIME_SPAN_MILLISECOND);
            }
          /* A connection the listener closed already may refuse this;
           * it then counts as closed by the listener, as it was. */
          g_socket_send (socket, HALF_SENT_REQUEST, strlen (HALF_SENT_REQUEST), NULL, NULL);
        }

      while (g_main_context_iteration (NULL, FALSE))
        ;
    }

  return sockets;
}

typedef struct
{
  int   status;
  char *out;
} CurlResult;

static inline void
curl_result_free (CurlResult *result)
{
  g_free (result->out);
  g_free (result);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurlResult, curl_result_free)

/* Why another user cannot be played here, or NULL when it can. */
G_GNUC_UNUSED static const char *
cannot_play_other_user (void)
{
  g_autofree char *runuser = g_find_program_in_path ("runuser");
  g_autofree char *curl = g_find_program_in_path ("curl");

  if (getuid () != 0)
    return "Playing another user (runuser -u nobody) needs root, as in CI";
  if (runuser == NULL)
    return "runuser (util-linux) is not installed";
  if (curl == NULL)
    return "curl is not installed";
  if (getpwnam ("nobody") == NULL)
    return "There is no user nobody";
  return NULL;
}

/* GETs @url with curl, as the user nobody when @as_nobody, with the main
 * loop running meanwhile. Its output is the HTTP status ("000" when no
 * answer came). */
G_GNUC_UNUSED static CurlResult *
curl_get (const char *url,
          gboolean    as_nobody)
{
  const char *argv[] = {
    "runuser", "-u", "nobody", "--",
    "curl", "-q", "-s", "--noproxy", "*", "--max-time", "10",
    "-o", "/dev/null", "-w", "%{http_code}", url, NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  CurlResult *curl = g_new0 (CurlResult, 1);

  process = g_subprocess_newv (as_nobody ? argv : argv + 4, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, test_store_result, &result);
  test_wait_result (&result);
  g_subprocess_communicate_utf8_finish (process, result, &curl->out, NULL, &error);
  g_assert_no_error (error);
  curl->status = g_subprocess_get_exit_status (process);
  /* Not the query: it may carry a flow's state. */
  g_test_message ("curl %s%.*s: exit %d, HTTP %s", as_nobody ? "as nobody " : "",
                  (int) strcspn (url, "?"), url, curl->status, curl->out);

  return curl;
}

G_END_DECLS
