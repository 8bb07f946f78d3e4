/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-loopback-server"

#include "lanyard-loopback-server.h"

#include <libsoup/soup.h>
#include <string.h>

#include "lanyard-error.h"

/**
 * LanyardLoopbackServer:
 *
 * The one-shot listener that receives the browser's redirect (RFC 8252
 * §7.3). It listens on 127.0.0.1 and ::1 only, on one ephemeral port, and
 * answers exactly one request on its callback path; then it closes. Other
 * paths get 404 and do not consume it, so a browser asking for
 * `/favicon.ico` does not end the sign-in.
 */
struct _LanyardLoopbackServer
{
  GObject parent_instance;

  char       *path;
  SoupServer *server;
  guint       port;

  GTask               *wait_task;
  LanyardCallbackCheck check;
  gpointer             check_data;
  gulong               cancelled_id;

  SoupServerMessage *answered;
  GHashTable        *params;
  GError            *error;

  guint listening : 1;
};

G_DEFINE_FINAL_TYPE (LanyardLoopbackServer, lanyard_loopback_server, G_TYPE_OBJECT)

static void complete_wait (LanyardLoopbackServer *self);

static void
lanyard_loopback_server_dispose (GObject *object)
{
  LanyardLoopbackServer *self = LANYARD_LOOPBACK_SERVER (object);

  lanyard_loopback_server_stop (self);

  G_OBJECT_CLASS (lanyard_loopback_server_parent_class)->dispose (object);
}

static void
lanyard_loopback_server_finalize (GObject *object)
{
  LanyardLoopbackServer *self = LANYARD_LOOPBACK_SERVER (object);

  g_assert (self->wait_task == NULL);

  g_free (self->path);
  g_clear_object (&self->server);
  g_clear_pointer (&self->params, g_hash_table_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (lanyard_loopback_server_parent_class)->finalize (object);
}

static void
lanyard_loopback_server_class_init (LanyardLoopbackServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_loopback_server_dispose;
  object_class->finalize = lanyard_loopback_server_finalize;
}

static void
lanyard_loopback_server_init (LanyardLoopbackServer *self)
{
}

/**
 * lanyard_loopback_server_new:
 * @path: the callback path, such as `/callback/github`
 */
LanyardLoopbackServer *
lanyard_loopback_server_new (const char *path)
{
  LanyardLoopbackServer *self;

  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  self = g_object_new (LANYARD_TYPE_LOOPBACK_SERVER, NULL);
  self->path = g_strdup (path);

  return self;
}

static void
send_page (SoupServerMessage *message,
           guint              status,
           const char        *title,
           const char        *text)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  g_autofree char    *escaped_title = g_markup_escape_text (title, -1);
  g_autofree char    *escaped_text = g_markup_escape_text (text, -1);
  char               *page;

  page = g_strdup_printf ("<!DOCTYPE html>\n"
                          "<html lang=\"en\"><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width\">"
                          "<title>%s — Lanyard</title>"
                          "<style>body{font-family:system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em;color:#222;background:#fafafa}"
                          "@media(prefers-color-scheme:dark){body{color:#eee;background:#242424}}</style>"
                          "</head><body><h1>%s</h1><p>%s</p></body></html>\n",
                          escaped_title, escaped_title, escaped_text);

  /* The URL of this page carries the authorization code: it must not be
   * cached, sent on as a referrer, or load anything from elsewhere. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Connection", "close");
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "text/html; charset=utf-8",
                                    SOUP_MEMORY_TAKE, page, strlen (page));
}

static gboolean
remote_is_loopback (SoupServerMessage *message)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (message);

  return G_IS_INET_SOCKET_ADDRESS (remote) &&
    g_inet_address_get_is_loopback (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  LanyardLoopbackServer *self = user_data;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;

  /* Only loopback can connect to a loopback socket; this is a second lock
   * on the door, not the first. */
  if (!remote_is_loopback (message))
    {
      send_page (message, SOUP_STATUS_FORBIDDEN, "Forbidden", "Only this computer may answer a sign-in.");
      return;
    }

  if (g_strcmp0 (path, self->path) != 0)
    {
      send_page (message, SOUP_STATUS_NOT_FOUND, "Not found", "There is nothing here.");
      return;
    }

  if (soup_server_message_get_method (message) != SOUP_METHOD_GET)
    {
      send_page (message, SOUP_STATUS_METHOD_NOT_ALLOWED, "Not allowed", "The sign-in answer must come as a redirect.");
      return;
    }

  if (self->answered != NULL || self->wait_task == NULL)
    {
      send_page (message, SOUP_STATUS_GONE, "Sign-in already finished",
                 "This sign-in is over. Start again from Lanyard if you need to.");
      return;
    }

  params = query != NULL ? g_hash_table_ref (query)
                         : g_hash_table_new (g_str_hash, g_str_equal);

  if (self->check != NULL && !self->check (params, self->check_data, &error))
    {
      send_page (message, SOUP_STATUS_OK, "Sign-in failed", error->message);
      self->error = g_steal_pointer (&error);
    }
  else
    {
      send_page (message, SOUP_STATUS_OK, "You are signed in",
                 "Lanyard received the answer. You can close this window and return to Lanyard.");
      self->params = g_steal_pointer (&params);
    }

  /* Completion waits for the page to be written (request-finished), so that
   * closing the listener does not cut the browser off mid-answer. */
  self->answered = message;
}

static gboolean
stop_in_idle (gpointer user_data)
{
  lanyard_loopback_server_stop (user_data);
  return G_SOURCE_REMOVE;
}

static void
request_done_cb (SoupServer        *server,
                 SoupServerMessage *message,
                 gpointer           user_data)
{
  LanyardLoopbackServer *self = user_data;

  /* Closing the server from inside its own signal emission would free the
   * connection under libsoup's feet; do it from the main loop. */
  if (message == self->answered)
    g_idle_add_full (G_PRIORITY_DEFAULT, stop_in_idle, g_object_ref (self), g_object_unref);
}

static guint
first_listener_port (SoupServer *server)
{
  g_autoptr(GSList) listeners = soup_server_get_listeners (server);
  g_autoptr(GSocketAddress) address = NULL;

  if (listeners == NULL)
    return 0;

  address = g_socket_get_local_address (listeners->data, NULL);
  return address != NULL ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)) : 0;
}

static gboolean
listen_on (SoupServer   *server,
           GSocketFamily family,
           guint         port,
           GError      **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (family);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  return soup_server_listen (server, address, 0, error);
}

/**
 * lanyard_loopback_server_start:
 *
 * Opens the listener on an ephemeral port, the same on IPv4 and IPv6, so
 * that `localhost` works whichever address the browser picks. A machine
 * without IPv6 gets IPv4 only.
 */
gboolean
lanyard_loopback_server_start (LanyardLoopbackServer *self,
                               GError               **error)
{
  g_return_val_if_fail (LANYARD_IS_LOOPBACK_SERVER (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  for (guint attempt = 0; attempt < 5; attempt++)
    {
      g_autoptr(SoupServer) server = soup_server_new ("server-header", "Lanyard", NULL);
      g_autoptr(GError) local_error = NULL;
      guint port;

      if (!listen_on (server, G_SOCKET_FAMILY_IPV4, 0, &local_error))
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED,
                       "Could not listen for the sign-in answer on 127.0.0.1: %s",
                       local_error->message);
          return FALSE;
        }

      port = first_listener_port (server);
      if (!listen_on (server, G_SOCKET_FAMILY_IPV6, port, &local_error))
        {
          /* The port is taken on ::1 by someone else: try another one. */
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
            {
              soup_server_disconnect (server);
              continue;
            }
          g_debug ("Listening on IPv4 only: %s", local_error->message);
        }

      soup_server_add_handler (server, NULL, handle_request, self, NULL);
      g_signal_connect_object (server, "request-finished", G_CALLBACK (request_done_cb), self, 0);
      g_signal_connect_object (server, "request-aborted", G_CALLBACK (request_done_cb), self, 0);

      self->server = g_steal_pointer (&server);
      self->port = port;
      self->listening = TRUE;
      g_debug ("Waiting for the sign-in answer on port %u, path %s", port, self->path);
      return TRUE;
    }

  g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED,
               "Could not find a free port on both 127.0.0.1 and ::1 for the sign-in answer");
  return FALSE;
}

guint
lanyard_loopback_server_get_port (LanyardLoopbackServer *self)
{
  g_return_val_if_fail (LANYARD_IS_LOOPBACK_SERVER (self), 0);
  return self->port;
}

const char *
lanyard_loopback_server_get_path (LanyardLoopbackServer *self)
{
  g_return_val_if_fail (LANYARD_IS_LOOPBACK_SERVER (self), NULL);
  return self->path;
}

gboolean
lanyard_loopback_server_is_listening (LanyardLoopbackServer *self)
{
  g_return_val_if_fail (LANYARD_IS_LOOPBACK_SERVER (self), FALSE);
  return self->listening;
}

/**
 * lanyard_loopback_server_stop:
 *
 * Closes the listener and every connection. Safe to call more than once; a
 * pending wait fails with %G_IO_ERROR_CANCELLED.
 */
void
lanyard_loopback_server_stop (LanyardLoopbackServer *self)
{
  g_return_if_fail (LANYARD_IS_LOOPBACK_SERVER (self));

  if (self->listening)
    {
      self->listening = FALSE;
      soup_server_disconnect (self->server);
      g_debug ("Stopped listening on port %u", self->port);
    }

  if (self->wait_task != NULL && self->params == NULL && self->error == NULL)
    self->error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The sign-in was cancelled");

  complete_wait (self);
}

static void
complete_wait (LanyardLoopbackServer *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->wait_task);

  if (task == NULL)
    return;

  if (self->cancelled_id != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (task), self->cancelled_id);
      self->cancelled_id = 0;
    }

  if (self->error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->error));
  else if (self->params != NULL)
    g_task_return_pointer (task, g_steal_pointer (&self->params), (GDestroyNotify) g_hash_table_unref);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The sign-in was cancelled");
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  /* Not stopped here: g_cancellable_disconnect() from within the handler
   * would deadlock. */
  g_idle_add_full (G_PRIORITY_DEFAULT, stop_in_idle, g_object_ref (user_data), g_object_unref);
}

/**
 * lanyard_loopback_server_wait_async:
 * @check: (scope notified): decides whether the redirect is valid
 *
 * Waits for the one redirect. Cancelling @cancellable stops the listener.
 */
void
lanyard_loopback_server_wait_async (LanyardLoopbackServer *self,
                                    LanyardCallbackCheck   check,
                                    gpointer               check_data,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LANYARD_IS_LOOPBACK_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_loopback_server_wait_async);

  if (!self->listening || self->wait_task != NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_FAILED,
                               "The sign-in listener is not ready");
      return;
    }

  self->wait_task = g_steal_pointer (&task);
  self->check = check;
  self->check_data = check_data;

  if (cancellable != NULL)
    self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);
}

/**
 * lanyard_loopback_server_wait_finish:
 *
 * Returns: (transfer full) (element-type utf8 utf8): the redirect's query
 *   parameters, accepted by the check
 */
GHashTable *
lanyard_loopback_server_wait_finish (LanyardLoopbackServer *self,
                                     GAsyncResult          *result,
                                     GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
