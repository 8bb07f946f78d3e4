/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz"

#include "fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
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

/* What issue 10 (item 6) says may not reach a terminal or a window:
 * C0 and C1 controls, DEL, bidirectional embeddings, overrides and
 * isolates. Written from the rule, not from lanyard-identity.c, so that
 * the two can disagree. */
static gboolean
is_forbidden (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static void
fail_identity (const char *field,
               const char *why)
{
  /* The value itself is left out: it may be binary. */
  fprintf (stderr, "An accepted identity's %s %s\n", field, why);
  abort ();
}

static void
check_text (const char *field,
            const char *value)
{
  if (value == NULL)
    return;
  if (!g_utf8_validate (value, -1, NULL))
    fail_identity (field, "is not UTF-8");
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    if (is_forbidden (g_utf8_get_char (p)))
      fail_identity (field, "holds a control or bidirectional character");
}

/**
 * fuzz_check_identity:
 *
 * Aborts when an identity a provider built breaks the intake rules of
 * issue 10: an account id of at most 255 bytes without controls, names
 * and e-mail without controls or direction changes (the e-mail on one
 * line, with an @), an avatar on https:// (http:// on loopback only).
 */
void
fuzz_check_identity (LanyardIdentity *identity)
{
  const char *account_id = lanyard_identity_get_account_id (identity);
  const char *email = lanyard_identity_get_email (identity);
  const char *avatar = lanyard_identity_get_avatar_url (identity);

  if (account_id == NULL || account_id[0] == '\0' || strlen (account_id) > 255)
    fail_identity ("account id", "is empty or longer than 255 bytes");
  check_text ("account id", account_id);
  check_text ("user name", lanyard_identity_get_username (identity));
  check_text ("display name", lanyard_identity_get_display_name (identity));
  check_text ("e-mail", email);
  if (email != NULL && (strchr (email, '@') == NULL || strpbrk (email, " \t") != NULL))
    fail_identity ("e-mail", "is not one address");

  if (avatar != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (avatar, G_URI_FLAGS_ENCODED, NULL);
      const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
      const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

      if (uri == NULL || host == NULL)
        fail_identity ("avatar", "is not an absolute URL");
      if (g_ascii_strcasecmp (scheme, "https") != 0 &&
          !(g_ascii_strcasecmp (scheme, "http") == 0 &&
            (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1") || g_ascii_strcasecmp (host, "localhost") == 0)))
        fail_identity ("avatar", "is neither https:// nor http:// on loopback");
      if (g_uri_get_userinfo (uri) != NULL)
        fail_identity ("avatar", "carries credentials");
    }
}
