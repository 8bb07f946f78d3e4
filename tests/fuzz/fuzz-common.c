/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz"

#include "fuzz-common.h"

#include <string.h>

typedef struct
{
  guint   status;
  char   *content_type;
  char   *headers;
  GBytes *body;
} Reply;

static SoupServer *server;
static char       *base_url;
static GHashTable *replies; /* path → Reply */

static void
reply_free (Reply *reply)
{
  g_free (reply->content_type);
  g_free (reply->headers);
  g_bytes_unref (reply->body);
  g_free (reply);
}

/* "Name: value" lines, as a target spells extra response headers. */
static void
add_headers (SoupMessageHeaders *headers,
             const char         *lines)
{
  g_auto(GStrv) split = g_strsplit (lines, "\n", -1);

  for (guint i = 0; split[i] != NULL; i++)
    {
      const char      *colon = strchr (split[i], ':');
      g_autofree char *name = NULL;

      if (colon == NULL || colon == split[i])
        continue;
      name = g_strndup (split[i], colon - split[i]);
      soup_message_headers_append (headers, name, colon + 1 + strspn (colon + 1, " "));
    }
}

static void
handle_request (SoupServer        *soup_server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Reply              *reply = g_hash_table_lookup (replies, path);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  gsize               length;
  const char         *data;

  if (reply == NULL)
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  soup_server_message_set_status (message, reply->status, NULL);
  if (reply->content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", reply->content_type);
  if (reply->headers != NULL)
    add_headers (headers, reply->headers);
  data = g_bytes_get_data (reply->body, &length);
  if (length > 0)
    soup_message_body_append (soup_server_message_get_response_body (message), SOUP_MEMORY_COPY, data, length);
}

/**
 * fuzz_init:
 *
 * Once per process: GLib's warnings and criticals abort, as under
 * `G_DEBUG=fatal-warnings` in the test suite, so that a failed
 * precondition counts as a crash; the loopback server starts.
 */
void
fuzz_init (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  if (server != NULL)
    return;

  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  replies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) reply_free);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, handle_request, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("The fuzz server cannot listen: %s", error->message);

  uris = soup_server_get_uris (server);
  base_url = g_uri_to_string (uris->data);
  while (g_str_has_suffix (base_url, "/"))
    base_url[strlen (base_url) - 1] = '\0';
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
}

/**
 * fuzz_server_get_base_url:
 *
 * Returns: `http://127.0.0.1:PORT`, without a slash at the end
 */
const char *
fuzz_server_get_base_url (void)
{
  return base_url;
}

/**
 * fuzz_server_set_reply:
 * @content_type: (nullable): the Content-Type header, as sent
 * @headers: (nullable): more header lines, "Name: value\n…"
 *
 * What the server answers on @path from now on.
 */
void
fuzz_server_set_reply (const char *path,
                       guint       status,
                       const char *content_type,
                       const char *headers,
                       const char *body,
                       gsize       length)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->status = status;
  reply->content_type = g_strdup (content_type);
  reply->headers = g_strdup (headers);
  reply->body = g_bytes_new (body, length);
  g_hash_table_replace (replies, g_strdup (path), reply);
}

void
fuzz_server_clear_replies (void)
{
  g_hash_table_remove_all (replies);
}

/**
 * fuzz_wait:
 * @result: where an async callback (fuzz_store_result()) puts its result
 *
 * Runs the main loop until @result is set.
 */
void
fuzz_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

void
fuzz_store_result (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}
