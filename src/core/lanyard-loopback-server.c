/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-loopback-server"

#include "lanyard-loopback-server.h"

#include <glib/gi18n.h>

#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lanyard-error.h"

/**
 * LanyardLoopbackServer:
 *
 * The listener that receives the browser's redirect (RFC 8252
 * §7.3). It listens on 127.0.0.1 and ::1 only, on one ephemeral port, and
 * ends the wait with the first answer its check accepts or fails; then it
 * closes. Other paths get 404 and do not consume it, so a browser asking
 * for `/favicon.ico` does not end the sign-in; neither does an answer that
 * does not belong to this sign-in (wrong or missing `state`), which gets
 * 400, however many come: any program that finds the port can send them,
 * a sandboxed one too, and ending the sign-in on them would let it stop
 * every sign-in of the person's. The flow's timeout bounds the wait.
 *
 * Loopback is shared by every user of the machine, so each connection is
 * checked when it is accepted: it must come from a socket of the user
 * running Lanyard (its owner, from `/proc/net/tcp` and `tcp6`), there may
 * be only %LANYARD_LOOPBACK_MAX_CONNECTIONS at once, and each may stay
 * open for %LANYARD_LOOPBACK_CONNECTION_TIMEOUT_MS at most.
 *
 * That needs the accept point, which SoupServer (libsoup 3.2) does not
 * offer: soup_server_listen() accepts and starts reading by itself, and
 * "request-started" comes without the peer's socket, after the descriptor
 * is taken. So the listener accepts with its own #GSocketService, and only
 * a connection that passed the checks is handed to the SoupServer with
 * soup_server_accept_iostream(); the SoupServer itself listens on nothing.
 * A connection's end is seen through its message's "disconnected" signal,
 * which libsoup emits however it closes (answer written, peer gone, server
 * disconnected); the deadline shuts the socket down and lets libsoup close
 * it the same way.
 */
struct _LanyardLoopbackServer
{
  GObject parent_instance;

  char           *path;
  SoupServer     *server; /* answers the requests; listens on nothing */
  GSocketService *service; /* accepts the connections */
  guint           port;
  guint           fixed_port; /* 0: any free port */

  guint      max_connections;
  guint      connection_timeout_ms;
  GPtrArray *clients; /* (element-type Client): the open connections */
  gboolean   told_other_user;
  gboolean   told_unknown_owner;

  GTask               *wait_task;
  LanyardCallbackCheck check;
  gpointer             check_data;
  gulong               cancelled_id;
  guint                n_refused;

  SoupServerMessage *answered;
  GHashTable        *params;
  GError            *error;

  guint listening : 1;
};

/* One accepted connection, from the checks to libsoup's "disconnected". */
typedef struct
{
  LanyardLoopbackServer *server; /* borrowed: it frees its clients */
  GSocketConnection     *connection; /* owned; libsoup holds its own ref */
  GInetSocketAddress    *remote; /* owned */
  SoupServerMessage     *message; /* owned, once libsoup started reading */
  guint                  deadline_id;
} Client;

G_DEFINE_FINAL_TYPE (LanyardLoopbackServer, lanyard_loopback_server, G_TYPE_OBJECT)

static void complete_wait (LanyardLoopbackServer *self);

static void
client_free (Client *client)
{
  g_clear_handle_id (&client->deadline_id, g_source_remove);
  if (client->message != NULL)
    {
      g_signal_handlers_disconnect_by_data (client->message, client);
      g_clear_object (&client->message);
    }
  /* Already closed by libsoup when it said "disconnected"; closed here
   * when the listener stops with the connection still open. */
  g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);
  g_clear_object (&client->connection);
  g_clear_object (&client->remote);
  g_free (client);
}

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
  g_assert (self->clients->len == 0);

  g_free (self->path);
  g_clear_object (&self->server);
  g_clear_object (&self->service);
  g_ptr_array_unref (self->clients);
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
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  self->max_connections = LANYARD_LOOPBACK_MAX_CONNECTIONS;
  self->connection_timeout_ms = LANYARD_LOOPBACK_CONNECTION_TIMEOUT_MS;
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

/**
 * lanyard_loopback_server_set_limits:
 * @max_connections: how many connections may be open at once
 * @connection_timeout_ms: how long each may stay open
 *
 * Replaces %LANYARD_LOOPBACK_MAX_CONNECTIONS and
 * %LANYARD_LOOPBACK_CONNECTION_TIMEOUT_MS, for tests. Before start only.
 */
void
lanyard_loopback_server_set_limits (LanyardLoopbackServer *self,
                                    guint                  max_connections,
                                    guint                  connection_timeout_ms)
{
  g_return_if_fail (LANYARD_IS_LOOPBACK_SERVER (self));
  g_return_if_fail (self->service == NULL);
  g_return_if_fail (max_connections > 0 && connection_timeout_ms > 0);

  self->max_connections = max_connections;
  self->connection_timeout_ms = connection_timeout_ms;
}

/* The owner of a TCP socket, from the kernel's table of sockets
 * (`/proc/net/tcp`, `/proc/net/tcp6`, proc(5)). Each line gives the
 * socket's local and remote address and port, its state and its owner's
 * uid. An address is printed as the 32-bit words of its network-order bytes
 * read in host order ("%08X" of a __be32: 127.0.0.1 is 0100007F on a
 * little-endian machine), so each word is parsed and stored back in host
 * order to get the bytes; ports are printed in host order. */

#define TCP_STATE_TIME_WAIT 0x06
#define TCP_STATE_LISTEN 0x0A

typedef struct
{
  guint8  bytes[16];
  gsize   size; /* 4 in tcp, 16 in tcp6 */
  guint16 port;
} TcpEndpoint;

static gboolean
is_ipv4_mapped (const guint8 *bytes)
{
  static const guint8 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  return memcmp (bytes, prefix, sizeof prefix) == 0;
}

/* The endpoint as the table of @size-byte addresses spells it: IPv4 in
 * tcp, IPv6 and IPv4-mapped IPv6 (a dual-stack socket talking to an IPv4
 * address) in tcp6. */
static gboolean
endpoint_for_table (GInetSocketAddress *address,
                    gsize               size,
                    TcpEndpoint        *endpoint)
{
  GInetAddress *inet = g_inet_socket_address_get_address (address);
  const guint8 *bytes = g_inet_address_to_bytes (inet);
  gsize         native_size = g_inet_address_get_native_size (inet);

  memset (endpoint, 0, sizeof *endpoint);
  endpoint->size = size;
  endpoint->port = g_inet_socket_address_get_port (address);

  if (native_size == 4 && size == 4)
    memcpy (endpoint->bytes, bytes, 4);
  else if (native_size == 4 && size == 16)
    {
      endpoint->bytes[10] = endpoint->bytes[11] = 0xff;
      memcpy (endpoint->bytes + 12, bytes, 4);
    }
  else if (native_size == 16 && size == 4 && is_ipv4_mapped (bytes))
    memcpy (endpoint->bytes, bytes + 12, 4);
  else if (native_size == 16 && size == 16)
    memcpy (endpoint->bytes, bytes, 16);
  else
    return FALSE;

  return TRUE;
}

static gboolean
parse_endpoint (const char  *hex_address,
                guint        port,
                TcpEndpoint *endpoint)
{
  gsize n_words = strlen (hex_address) / 8;

  if (strlen (hex_address) % 8 != 0 || (n_words != 1 && n_words != 4) || port > G_MAXUINT16)
    return FALSE;

  memset (endpoint, 0, sizeof *endpoint);
  for (gsize i = 0; i < n_words; i++)
    {
      char    word_text[9];
      guint64 value;
      guint32 word;

      memcpy (word_text, hex_address + 8 * i, 8);
      word_text[8] = '\0';
      if (!g_ascii_string_to_unsigned (word_text, 16, 0, G_MAXUINT32, &value, NULL))
        return FALSE;
      word = value;
      memcpy (endpoint->bytes + 4 * i, &word, 4);
    }
  endpoint->size = 4 * n_words;
  endpoint->port = port;

  return TRUE;
}

static gboolean
endpoint_equal (const TcpEndpoint *a,
                const TcpEndpoint *b)
{
  return a->size == b->size && a->port == b->port && memcmp (a->bytes, b->bytes, a->size) == 0;
}

/* Looks for the socket whose local end is @peer and remote end @us. */
static gboolean
find_in_table (const char        *contents,
               const TcpEndpoint *peer,
               const TcpEndpoint *us,
               uid_t             *uid)
{
  g_auto (GStrv) lines = g_strsplit (contents, "\n", -1);

  for (char **line = lines; *line != NULL; line++)
    {
      char        local_text[33], remote_text[33];
      guint       local_port, remote_port, state, owner;
      TcpEndpoint local, remote;

      /* The heading and anything unexpected do not parse, and are skipped. */
      if (sscanf (*line, " %*u: %32[0-9A-Fa-f]:%x %32[0-9A-Fa-f]:%x %x %*x:%*x %*x:%*x %*x %u",
                  local_text, &local_port, remote_text, &remote_port, &state, &owner) != 6)
        continue;
      if (!parse_endpoint (local_text, local_port, &local) ||
          !parse_endpoint (remote_text, remote_port, &remote))
        continue;

      /* A socket in TIME_WAIT has lost its owner (the table says 0). */
      if (state == TCP_STATE_TIME_WAIT || state == TCP_STATE_LISTEN)
        continue;

      if (endpoint_equal (&local, peer) && endpoint_equal (&remote, us))
        {
          *uid = owner;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * lanyard_tcp_peer_uid:
 * @proc_net_dir: where the tables are, `/proc/net` but in tests
 * @local: our end of the connection
 * @remote: the peer's end
 * @uid: (out): the uid of the peer socket's owner
 *
 * Finds who owns the other end of a TCP connection made on this machine:
 * the socket whose local address is @remote and whose remote address is
 * @local. An IPv4 peer may be an IPv4 socket (in `tcp`) or a dual-stack
 * IPv6 socket with IPv4-mapped addresses (in `tcp6`); both are searched.
 *
 * Returns: %FALSE when no such socket is found (the peer is not on this
 *   machine or already closed), or the tables cannot be read
 */
gboolean
lanyard_tcp_peer_uid (const char         *proc_net_dir,
                      GInetSocketAddress *local,
                      GInetSocketAddress *remote,
                      uid_t              *uid,
                      GError            **error)
{
  static const struct
  {
    const char *name;
    gsize       address_size;
  } tables[] = { { "tcp", 4 }, { "tcp6", 16 } };
  g_autofree char *remote_text = NULL;
  guint            n_read = 0;

  g_return_val_if_fail (proc_net_dir != NULL, FALSE);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (local), FALSE);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (remote), FALSE);
  g_return_val_if_fail (uid != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *path = g_build_filename (proc_net_dir, tables[i].name, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) local_error = NULL;
      TcpEndpoint peer, us;

      if (!endpoint_for_table (remote, tables[i].address_size, &peer) ||
          !endpoint_for_table (local, tables[i].address_size, &us))
        continue;

      /* No tcp6 on a machine without IPv6. */
      if (!g_file_get_contents (path, &contents, NULL, &local_error))
        {
          if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            continue;
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "Could not read the table of TCP sockets: ");
          return FALSE;
        }

      n_read++;
      if (find_in_table (contents, &peer, &us, uid))
        return TRUE;
    }

  remote_text = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (remote));
  if (n_read == 0)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _ ("There is no table of TCP sockets in %s"), proc_net_dir);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _ ("No socket on this computer is connected from %s"), remote_text);
  return FALSE;
}

/* The inode of a socket listening on @port, in any table. */
static gboolean
find_listener_inode (const char *proc_dir,
                     guint       port,
                     guint64    *inode,
                     uid_t      *uid)
{
  static const char *const tables[] = { "net/tcp", "net/tcp6" };

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *path = g_build_filename (proc_dir, tables[i], NULL);
      g_autofree char *contents = NULL;
      g_auto (GStrv) lines = NULL;

      if (!g_file_get_contents (path, &contents, NULL, NULL))
        continue;
      lines = g_strsplit (contents, "\n", -1);
      for (char **line = lines; *line != NULL; line++)
        {
          guint   local_port, state, owner;
          guint64 number;

          if (sscanf (*line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x %*x:%*x %*x:%*x %*x %u %*d %" G_GUINT64_FORMAT,
                      &local_port, &state, &owner, &number) != 4)
            continue;
          if (local_port == port && state == TCP_STATE_LISTEN && number != 0)
            {
              *inode = number;
              *uid = owner;
              return TRUE;
            }
        }
    }

  return FALSE;
}

/* The process with a descriptor for socket @inode, among those we may look
 * into (our user's). */
static gboolean
find_socket_owner (const char *proc_dir,
                   guint64     inode,
                   char      **name,
                   guint      *pid)
{
  g_autoptr(GDir) processes = g_dir_open (proc_dir, 0, NULL);
  g_autofree char *wanted = g_strdup_printf ("socket:[%" G_GUINT64_FORMAT "]", inode);
  const char      *entry;

  if (processes == NULL)
    return FALSE;

  while ((entry = g_dir_read_name (processes)) != NULL)
    {
      g_autofree char *fd_path = NULL;
      g_autoptr(GDir) fds = NULL;
      const char *fd;
      guint64     number;

      if (!g_ascii_string_to_unsigned (entry, 10, 1, G_MAXINT, &number, NULL))
        continue;
      fd_path = g_build_filename (proc_dir, entry, "fd", NULL);
      fds = g_dir_open (fd_path, 0, NULL);
      if (fds == NULL)
        continue;

      while ((fd = g_dir_read_name (fds)) != NULL)
        {
          g_autofree char *link_path = g_build_filename (fd_path, fd, NULL);
          g_autofree char *target = g_file_read_link (link_path, NULL);

          if (g_strcmp0 (target, wanted) == 0)
            {
              g_autofree char *comm_path = g_build_filename (proc_dir, entry, "comm", NULL);
              g_autofree char *comm = NULL;

              if (g_file_get_contents (comm_path, &comm, NULL, NULL))
                g_strstrip (comm);
              *name = comm != NULL && comm[0] != '\0' && g_utf8_validate (comm, -1, NULL) ? g_steal_pointer (&comm) : NULL;
              *pid = (guint) number;
              return TRUE;
            }
        }
    }

  return FALSE;
}

/**
 * lanyard_tcp_port_holder:
 * @proc_dir: `/proc`, but in tests
 * @port: a TCP port something listens on
 *
 * Best effort, for a message: which program listens on @port, from the
 * socket tables and the descriptors of the processes we may look into.
 *
 * Returns: (transfer full) (nullable): words that complete "… is in use
 *   by …" ("firefox (process 4242)", "a program of another user (uid
 *   1001)"), or %NULL when it cannot tell
 */
char *
lanyard_tcp_port_holder (const char *proc_dir,
                         guint       port)
{
  g_autofree char *name = NULL;
  guint64          inode;
  uid_t            uid;
  guint            pid;

  g_return_val_if_fail (proc_dir != NULL, NULL);

  if (!find_listener_inode (proc_dir, port, &inode, &uid))
    return NULL;
  if (find_socket_owner (proc_dir, inode, &name, &pid))
    return name != NULL ? g_strdup_printf (_ ("“%s” (process %u)"), name, pid)
                        : g_strdup_printf (_ ("process %u"), pid);
  if (uid != getuid ())
    return g_strdup_printf (_ ("a program of another user (uid %u)"), (guint) uid);
  return NULL;
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
  LanyardCallbackVerdict verdict = LANYARD_CALLBACK_ACCEPT;

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

  if (self->check != NULL)
    verdict = self->check (params, self->check_data, &error);

  switch (verdict)
    {
    case LANYARD_CALLBACK_ACCEPT:
      send_page (message, SOUP_STATUS_OK, "You are signed in",
                 "Lanyard received the answer. You can close this window and return to Lanyard.");
      self->params = g_steal_pointer (&params);
      break;

    case LANYARD_CALLBACK_FAIL:
      send_page (message, SOUP_STATUS_OK, "Sign-in failed", error->message);
      self->error = g_steal_pointer (&error);
      break;

    case LANYARD_CALLBACK_REFUSE:
      /* Anyone who can reach the port can send this: it must not end the
       * person's sign-in (see the top of this file). */
      self->n_refused++;
      g_debug ("Refused an answer that does not belong to this sign-in (%u so far)", self->n_refused);
      send_page (message, SOUP_STATUS_BAD_REQUEST, "Not this sign-in", error->message);
      return;

    default:
      g_assert_not_reached ();
    }

  /* Completion waits for the page to be written (request-finished), so that
   * closing the listener does not cut the browser off mid-answer. */
  self->answered = message;
}

/**
 * lanyard_loopback_server_get_n_refused:
 *
 * Returns: how many answers that did not belong to the sign-in (wrong or
 *   missing `state`) were refused so far
 */
guint
lanyard_loopback_server_get_n_refused (LanyardLoopbackServer *self)
{
  g_return_val_if_fail (LANYARD_IS_LOOPBACK_SERVER (self), 0);

  return self->n_refused;
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

static void
message_disconnected_cb (SoupServerMessage *message,
                         gpointer           user_data)
{
  Client *client = user_data;

  g_ptr_array_remove_fast (client->server->clients, client);
}

static gboolean
same_endpoint (GSocketAddress     *a,
               GInetSocketAddress *b)
{
  return G_IS_INET_SOCKET_ADDRESS (a) &&
    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (a)) == g_inet_socket_address_get_port (b) &&
    g_inet_address_equal (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (a)),
                          g_inet_socket_address_get_address (b));
}

/* libsoup made the message that reads the connection's request: from now
 * on, its "disconnected" says when the connection is gone. Matched by the
 * peer's address and port, which are unique among open connections. */
static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *message,
                    gpointer           user_data)
{
  LanyardLoopbackServer *self = user_data;
  GSocketAddress        *remote = soup_server_message_get_remote_address (message);

  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *client = g_ptr_array_index (self->clients, i);

      if (client->message == NULL && same_endpoint (remote, client->remote))
        {
          client->message = g_object_ref (message);
          g_signal_connect (message, "disconnected", G_CALLBACK (message_disconnected_cb), client);
          return;
        }
    }
}

static gboolean
deadline_cb (gpointer user_data)
{
  Client  *client = user_data;
  GSocket *socket = g_socket_connection_get_socket (client->connection);

  client->deadline_id = 0;
  g_debug ("Closing a connection that did not send its request in time");

  /* Reads and writes now end, libsoup closes the connection as it would
   * if the peer had gone, and "disconnected" frees the client. Closing
   * the descriptor here instead would leave libsoup polling a number that
   * the next open() may reuse. */
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
peer_is_this_user (LanyardLoopbackServer *self,
                   GInetSocketAddress    *local,
                   GInetSocketAddress    *remote)
{
  g_autoptr(GError) error = NULL;
  uid_t uid;

  if (!lanyard_tcp_peer_uid ("/proc/net", local, remote, &uid, &error))
    {
      /* Said once: when the tables cannot be read at all, no sign-in can
       * finish, and the log must say why. */
      if (!self->told_unknown_owner)
        g_message ("Refused a connection to the sign-in listener whose owner is unknown: %s", error->message);
      else
        g_debug ("Refused a connection whose owner is unknown: %s", error->message);
      self->told_unknown_owner = TRUE;
      return FALSE;
    }

  if (uid != getuid ())
    {
      if (!self->told_other_user)
        g_message ("Refused a connection to the sign-in listener from another user of this computer (uid %u)", (guint) uid);
      else
        g_debug ("Refused a connection from uid %u", (guint) uid);
      self->told_other_user = TRUE;
      return FALSE;
    }

  return TRUE;
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  LanyardLoopbackServer *self = user_data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;
  Client *client;

  /* Refused connections are closed before anything is read: no page,
   * nothing for the peer to learn, one descriptor for a moment. */
  if (!G_IS_INET_SOCKET_ADDRESS (local) || !G_IS_INET_SOCKET_ADDRESS (remote))
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  if (self->clients->len >= self->max_connections)
    {
      g_debug ("Refused a connection: %u are open already", self->clients->len);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  if (!peer_is_this_user (self, G_INET_SOCKET_ADDRESS (local), G_INET_SOCKET_ADDRESS (remote)))
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  client = g_new0 (Client, 1);
  client->server = self;
  client->connection = g_object_ref (connection);
  client->remote = G_INET_SOCKET_ADDRESS (g_object_ref (remote));
  client->deadline_id = g_timeout_add (self->connection_timeout_ms, deadline_cb, client);
  g_ptr_array_add (self->clients, client);

  if (!soup_server_accept_iostream (self->server, G_IO_STREAM (connection), local, remote, &error))
    {
      g_debug ("Could not serve a connection: %s", error->message);
      g_ptr_array_remove_fast (self->clients, client);
    }

  return TRUE;
}

static gboolean
listen_on (GSocketListener *listener,
           GSocketFamily    family,
           guint            port,
           guint           *effective_port,
           GError         **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (family);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) effective = NULL;

  if (!g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, error))
    return FALSE;

  *effective_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  return TRUE;
}

/**
 * lanyard_loopback_server_set_port:
 * @port: the port to listen on, or 0 for any free one (the default)
 *
 * For providers that compare the whole redirect URI, port included
 * (`redirect_port=`). Only before lanyard_loopback_server_start().
 */
void
lanyard_loopback_server_set_port (LanyardLoopbackServer *self,
                                  guint                  port)
{
  g_return_if_fail (LANYARD_IS_LOOPBACK_SERVER (self));
  g_return_if_fail (self->service == NULL);
  g_return_if_fail (port <= G_MAXUINT16);

  self->fixed_port = port;
}

static void
set_port_in_use_error (guint       port,
                       const char *address,
                       GError    **error)
{
  g_autofree char *holder = lanyard_tcp_port_holder ("/proc", port);

  if (holder != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                 _ ("port %u on %s is already in use by %s"), port, address, holder);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                 _ ("port %u on %s is already in use by another program"), port, address);
}

/**
 * lanyard_loopback_server_start:
 *
 * Opens the listener on an ephemeral port, the same on IPv4 and IPv6, so
 * that `localhost` works whichever address the browser picks. A machine
 * without IPv6 gets IPv4 only.
 *
 * With a fixed port (lanyard_loopback_server_set_port()), a port taken on
 * 127.0.0.1 fails at once with %G_IO_ERROR_ADDRESS_IN_USE, whose message
 * names the port and, when it can tell, what holds it; so does one taken
 * on ::1 only (a browser may try ::1 first). A machine without IPv6 has
 * the listener on IPv4 alone.
 */
gboolean
lanyard_loopback_server_start (LanyardLoopbackServer *self,
                               GError               **error)
{
  g_return_val_if_fail (LANYARD_IS_LOOPBACK_SERVER (self), FALSE);
  g_return_val_if_fail (self->service == NULL, FALSE);

  for (guint attempt = 0; attempt < 5; attempt++)
    {
      g_autoptr(GSocketService) service = g_socket_service_new ();
      g_autoptr(GError) local_error = NULL;
      guint port = 0;
      guint port6 = 0;

      /* Accepting starts once both addresses are in: adding one to an
       * accepting service cancels its pending accept, and a connection
       * that arrives before that cancel is handled is dropped (GLib 2.74). */
      g_socket_service_stop (service);

      if (!listen_on (G_SOCKET_LISTENER (service), G_SOCKET_FAMILY_IPV4, self->fixed_port, &port, &local_error))
        {
          g_socket_listener_close (G_SOCKET_LISTENER (service));
          if (self->fixed_port != 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
            {
              set_port_in_use_error (self->fixed_port, "127.0.0.1", error);
              return FALSE;
            }
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED,
                       _ ("Could not listen for the sign-in answer on 127.0.0.1: %s"),
                       local_error->message);
          return FALSE;
        }

      if (!listen_on (G_SOCKET_LISTENER (service), G_SOCKET_FAMILY_IPV6, port, &port6, &local_error))
        {
          /* The port is taken on ::1 by someone else: try another one. A
           * fixed port has no other, and must not go on with IPv4 alone:
           * a browser that tries ::1 first (for "localhost") would hand
           * the code and state to whoever holds [::1]:port. */
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
            {
              g_socket_listener_close (G_SOCKET_LISTENER (service));
              if (self->fixed_port == 0)
                continue;
              set_port_in_use_error (self->fixed_port, "::1", error);
              return FALSE;
            }
          g_debug ("Listening on IPv4 only: %s", local_error->message);
        }

      self->server = soup_server_new ("server-header", "Lanyard", NULL);
      soup_server_add_handler (self->server, NULL, handle_request, self, NULL);
      g_signal_connect_object (self->server, "request-started", G_CALLBACK (request_started_cb), self, 0);
      g_signal_connect_object (self->server, "request-finished", G_CALLBACK (request_done_cb), self, 0);
      g_signal_connect_object (self->server, "request-aborted", G_CALLBACK (request_done_cb), self, 0);
      g_signal_connect_object (service, "incoming", G_CALLBACK (incoming_cb), self, 0);
      g_socket_service_start (service);

      self->service = g_steal_pointer (&service);
      self->port = port;
      self->listening = TRUE;
      g_debug ("Waiting for the sign-in answer on port %u, path %s", port, self->path);
      return TRUE;
    }

  g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED,
               _ ("Could not find a free port on both 127.0.0.1 and ::1 for the sign-in answer"));
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
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      /* Every connection says "disconnected", which frees its client. */
      soup_server_disconnect (self->server);
      g_debug ("Stopped listening on port %u", self->port);
    }
  g_ptr_array_set_size (self->clients, 0);

  if (self->wait_task != NULL && self->params == NULL && self->error == NULL)
    self->error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("The sign-in was cancelled"));

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
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("The sign-in was cancelled"));
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
                               _ ("The sign-in listener is not ready"));
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
