/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-http"

#include "lanyard-http.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-identity.h"

/**
 * SECTION:lanyard-http
 *
 * The HTTP plumbing every provider shares: sending with a size limit,
 * turning transport failures into #LanyardError codes, reading JSON and
 * form-encoded replies, and mapping OAuth error replies (RFC 6749 §5.2) to
 * messages a person can act on. Bodies are never logged: they hold tokens.
 */

void
lanyard_http_reply_free (LanyardHttpReply *reply)
{
  if (reply == NULL)
    return;

  g_free (reply->content_type);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

/**
 * lanyard_http_new_form_post:
 * @params: (element-type utf8 utf8): form fields
 *
 * Returns: (transfer full): a POST with an
 *   `application/x-www-form-urlencoded` body, asking for JSON back (GitHub
 *   replies form-encoded otherwise)
 */
SoupMessage *
lanyard_http_new_form_post (const char *url,
                            GHashTable *params)
{
  SoupMessage *message;
  g_autoptr(GBytes) body = NULL;
  char *encoded;

  encoded = soup_form_encode_hash (params);
  body = g_bytes_new_take (encoded, strlen (encoded));

  message = soup_message_new (SOUP_METHOD_POST, url);
  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", body);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/json");

  return message;
}

typedef struct
{
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *buffer;
  char         *provider_name;
  GCancellable *cancellable; /* cancelled by the caller's or the deadline */
  GCancellable *caller;
  gulong        caller_handler;
  guint         deadline_id;
  guint         deadline_seconds;
  gboolean      timed_out;
} SendData;

static void
send_data_free (SendData *data)
{
  g_clear_handle_id (&data->deadline_id, g_source_remove);
  if (data->caller != NULL)
    g_clear_signal_handler (&data->caller_handler, data->caller);
  g_clear_object (&data->caller);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->message);
  g_clear_object (&data->stream);
  if (data->buffer != NULL)
    {
      /* The buffer may hold tokens. */
      if (data->buffer->len > 0)
        memset (data->buffer->data, 0, data->buffer->len);
      g_byte_array_unref (data->buffer);
    }
  g_free (data->provider_name);
  g_free (data);
}

static GError *
transport_error (SendData     *data,
                 const GError *error)
{
  const char  *provider_name = data->provider_name;
  SoupMessage *message = data->message;
  GUri        *uri = soup_message_get_uri (message);
  const char  *host = g_uri_get_host (uri);

  if (data->timed_out)
    return g_error_new (LANYARD_ERROR, LANYARD_ERROR_TIMED_OUT,
                        _ ("%s (%s) did not finish its answer within %u seconds, so Lanyard gave up. Try again later; if it keeps happening, the server is overloaded or misbehaving."),
                        provider_name, host, data->deadline_seconds);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (LANYARD_ERROR, LANYARD_ERROR_TIMED_OUT,
                        _ ("%s (%s) did not answer in time. Check your network connection and try again."),
                        provider_name, host);

  if (error->domain == G_TLS_ERROR ||
      soup_message_get_tls_peer_certificate_errors (message) != 0)
    return g_error_new (LANYARD_ERROR, LANYARD_ERROR_NETWORK,
                        _ ("The secure connection to %s (%s) could not be verified. Someone may be intercepting your traffic, or the system's certificates are out of date."),
                        provider_name, host);

  return g_error_new (LANYARD_ERROR, LANYARD_ERROR_NETWORK,
                      _ ("Could not reach %s (%s): %s. Check your network connection and try again."),
                      provider_name, host, error->message);
}

/* RFC 9111 §5.2.2 (Cache-Control) and §5.3 (Expires), as far as a client
 * that only ever reuses whole answers needs them. */
static gint64
cache_lifetime (SoupMessageHeaders *headers)
{
  const char *cache_control = soup_message_headers_get_list (headers, "Cache-Control");
  const char *expires = soup_message_headers_get_one (headers, "Expires");

  if (cache_control != NULL)
    {
      g_autoptr(GHashTable) directives = soup_header_parse_param_list (cache_control);
      const char *max_age = g_hash_table_lookup (directives, "max-age");
      guint64     seconds;

      if (g_hash_table_contains (directives, "no-store") || g_hash_table_contains (directives, "no-cache"))
        return 0;
      if (max_age != NULL && g_ascii_string_to_unsigned (max_age, 10, 0, G_MAXINT32, &seconds, NULL))
        return (gint64) seconds;
    }

  if (expires != NULL)
    {
      g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (expires);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      return when != NULL ? MAX (0, g_date_time_difference (when, now) / G_TIME_SPAN_SECOND) : 0;
    }

  return -1;
}

static void read_more (GTask *task);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(LanyardHttpReply) reply = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, transport_error (data, error));
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    {
      if (data->buffer->len + g_bytes_get_size (chunk) > LANYARD_HTTP_MAX_BODY)
        {
          g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                                   _ ("%s sent an answer larger than %d KiB, which Lanyard refuses to read"),
                                   data->provider_name, LANYARD_HTTP_MAX_BODY / 1024);
          return;
        }
      g_byte_array_append (data->buffer,
                           g_bytes_get_data (chunk, NULL),
                           g_bytes_get_size (chunk));
      read_more (g_steal_pointer (&task));
      return;
    }

  reply = g_new0 (LanyardHttpReply, 1);
  reply->status = soup_message_get_status (data->message);
  reply->content_type = g_strdup (soup_message_headers_get_content_type (soup_message_get_response_headers (data->message), NULL));
  reply->body = g_bytes_new (data->buffer->data, data->buffer->len);
  reply->max_age = cache_lifetime (soup_message_get_response_headers (data->message));
  g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify) lanyard_http_reply_free);
}

static void
read_more (GTask *task)
{
  SendData *data = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (data->stream, 16 * 1024, G_PRIORITY_DEFAULT,
                                   data->cancellable, read_cb, task);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint status;

  data->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (data->stream == NULL)
    {
      g_task_return_error (task, transport_error (data, error));
      return;
    }

  /* Redirects are not followed (see lanyard_http_send_async()). */
  status = soup_message_get_status (data->message);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      g_autofree char *endpoint = g_uri_to_string_partial (soup_message_get_uri (data->message),
                                                           G_URI_HIDE_USERINFO | G_URI_HIDE_QUERY | G_URI_HIDE_FRAGMENT);

      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                               _ ("%s's endpoint %s answered with a redirect (HTTP %u), which Lanyard does not follow for requests to a provider. "
                                  "Check that the configured address is the one %s documents."),
                               data->provider_name, endpoint, status, data->provider_name);
      return;
    }

  read_more (g_steal_pointer (&task));
}

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static gboolean
deadline_cb (gpointer user_data)
{
  SendData *data = user_data;

  data->deadline_id = 0;
  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

/* LANYARD_HTTP_DEADLINE (seconds) shortens it for tests. */
static guint
deadline_seconds (void)
{
  const char *value = g_getenv ("LANYARD_HTTP_DEADLINE");
  guint64     seconds;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, 3600, &seconds, NULL))
    return (guint) seconds;
  return LANYARD_HTTP_DEADLINE_SECONDS;
}

/**
 * lanyard_http_send_async:
 * @provider_name: how the provider is called in messages ("GitHub")
 *
 * Sends @message and reads at most %LANYARD_HTTP_MAX_BODY bytes of the
 * answer. Any HTTP status but a redirect is a successful send; see
 * lanyard_http_check_reply().
 *
 * Redirects are not followed: a provider's endpoints are configured (or
 * discovered) and checked as https:// once; a 3xx that sent the request
 * elsewhere would let another host answer for the provider, or receive
 * the client's credentials. A 3xx is a %LANYARD_ERROR_MISCONFIGURED error
 * naming the endpoint.
 *
 * The whole exchange, answer included, must end within
 * %LANYARD_HTTP_DEADLINE_SECONDS (libsoup's timeout is per read, so a
 * server sending a byte every few seconds could hold a sign-in, or one of
 * the few refresh slots, for ever); then it ends with
 * %LANYARD_ERROR_TIMED_OUT.
 */
void
lanyard_http_send_async (SoupSession        *session,
                         SoupMessage        *message,
                         const char         *provider_name,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (message));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_http_send_async);

  data = g_new0 (SendData, 1);
  data->message = g_object_ref (message);
  data->buffer = g_byte_array_new ();
  data->provider_name = g_strdup (provider_name);
  data->cancellable = g_cancellable_new ();
  data->deadline_seconds = deadline_seconds ();
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);

  /* One thread: a plain handler is enough, and unlike
   * g_cancellable_connect() it may be disconnected from within. */
  if (cancellable != NULL)
    {
      data->caller = g_object_ref (cancellable);
      data->caller_handler = g_signal_connect (cancellable, "cancelled", G_CALLBACK (caller_cancelled_cb), data->cancellable);
      if (g_cancellable_is_cancelled (cancellable))
        g_cancellable_cancel (data->cancellable);
    }
  data->deadline_id = g_timeout_add_seconds (data->deadline_seconds, deadline_cb, data);

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_async (session, message, G_PRIORITY_DEFAULT, data->cancellable,
                           send_cb, g_steal_pointer (&task));
}

/**
 * lanyard_http_send_finish:
 *
 * Returns: (transfer full): the status, content type and body
 */
LanyardHttpReply *
lanyard_http_send_finish (GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lanyard_http_send_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* json-glib's parser recurses once per level of nesting, with no limit:
 * 100,000 "[" (98 KiB) overflow the stack. And it ends a string at an
 * escaped NUL ("4\u00002" reads as "4"), so an id could be cut short into
 * another account's. Both are found by one pass over the text before
 * json-glib sees it; brackets and escaped quotes inside strings are
 * skipped, so a string like "[[[\"" does not count. The same pass bounds
 * the number of values, which json-glib keeps at some 300 bytes each. */
static gboolean
check_json_text (const char *data,
                 gsize       len,
                 GError    **error)
{
  guint    depth = 0;
  guint    values = 1;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (c == '\0')
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                       _ ("it contains a NUL byte"));
          return FALSE;
        }

      if (in_string)
        {
          if (c == '\\')
            {
              if (i + 5 < len && data[i + 1] == 'u' && memcmp (data + i + 2, "0000", 4) == 0)
                {
                  g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                               _ ("it contains a NUL character (\\u0000) in a string"));
                  return FALSE;
                }
              /* The escaped character, which may be a quote. */
              i++;
            }
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > LANYARD_JSON_MAX_DEPTH)
            {
              g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                           _ ("it nests deeper than %d levels"), LANYARD_JSON_MAX_DEPTH);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;

      /* Every value after a container's first one follows a comma, and
       * every container holds one more: a bound on the values, up to a
       * container's first, which the depth bound caps. */
      if ((c == ',' || c == '[' || c == '{') && ++values > LANYARD_JSON_MAX_VALUES)
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                       _ ("it holds more than %d values"), LANYARD_JSON_MAX_VALUES);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * lanyard_json_parse:
 * @data: text from outside, not necessarily NUL-terminated
 *
 * The one way Lanyard reads JSON from the network or the keyring: empty or
 * blank input (which json-glib accepts, with no root), NUL bytes, escaped
 * NUL characters and nesting deeper than %LANYARD_JSON_MAX_DEPTH are
 * refused, the last two before json-glib sees the text.
 *
 * Returns: (transfer full) (nullable): the root node; @error says why not
 *   in words that complete "The answer could not be read: …"
 */
JsonNode *
lanyard_json_parse (const char *data,
                    gsize       len,
                    GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (len == 0 || data == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE, _ ("it is empty"));
      return NULL;
    }

  if (!check_json_text (data, len, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, len, NULL))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE, _ ("it is not valid JSON"));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE, _ ("it is empty"));
      return NULL;
    }

  return json_node_ref (root);
}

/**
 * lanyard_json_parse_object:
 * @data: text from outside, not necessarily NUL-terminated
 *
 * lanyard_json_parse() for a top-level object; any other value is refused.
 *
 * Returns: (transfer full) (nullable): the object
 */
JsonObject *
lanyard_json_parse_object (const char *data,
                           gsize       len)
{
  g_autoptr(JsonNode) root = lanyard_json_parse (data, len, NULL);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

/**
 * lanyard_http_parse_json_object:
 *
 * Returns: (transfer full): the body's top-level JSON object
 */
JsonObject *
lanyard_http_parse_json_object (GBytes  *body,
                                GError **error)
{
  gsize       len;
  const char *data = g_bytes_get_data (body, &len);
  g_autoptr(GError) reason = NULL;
  g_autoptr(JsonNode) root = lanyard_json_parse (data, len, &reason);

  if (root == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&reason));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("the answer is not a JSON object"));
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static gboolean
content_type_is (const char *content_type,
                 const char *expected)
{
  gsize len = strlen (expected);

  return content_type != NULL &&
    g_ascii_strncasecmp (content_type, expected, len) == 0 &&
    (content_type[len] == '\0' || content_type[len] == ';');
}

/* One name or value of a form: "+" is a space, "%XX" a byte. Refused: a
 * broken escape, a NUL byte (soup_form_decode() would end the string
 * there, silently cutting a token short) and text that is not UTF-8 (a
 * token that could never be read back from the keyring). */
static char *
decode_form_component (const char *start,
                       const char *end,
                       const char *field,
                       GError    **error)
{
  g_autoptr(GString) out = g_string_sized_new (end - start);

  for (const char *p = start; p < end; p++)
    {
      if (*p == '+')
        g_string_append_c (out, ' ');
      else if (*p == '%')
        {
          int high = p + 2 < end ? g_ascii_xdigit_value (p[1]) : -1;
          int low = p + 2 < end ? g_ascii_xdigit_value (p[2]) : -1;

          if (high < 0 || low < 0)
            {
              g_set_error_literal (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                                   /* xgettext:no-c-format */
                                   _ ("the answer is not valid form data (a broken % escape)"));
              return NULL;
            }
          if (high == 0 && low == 0)
            {
              if (field != NULL)
                g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                             _ ("the value of “%s” holds a NUL byte (%%00)"), field);
              else
                g_set_error_literal (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                                     /* xgettext:no-c-format */
                                     _ ("a field name holds a NUL byte (%00)"));
              return NULL;
            }
          g_string_append_c (out, (char) (high << 4 | low));
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }

  if (!g_utf8_validate (out->str, out->len, NULL))
    {
      if (field != NULL)
        g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                     _ ("the value of “%s” is not UTF-8 text"), field);
      else
        g_set_error_literal (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                             _ ("a field name is not UTF-8 text"));
      return NULL;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* application/x-www-form-urlencoded (GitHub's token answers without an
 * Accept header, some revocation endpoints). A field given twice is
 * refused: which of the two would be the token is anybody's guess. */
static GHashTable *
decode_form (const char *data,
             gsize       len,
             GError    **error)
{
  g_autoptr(GHashTable) fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *end = data + len;

  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("the answer is not valid form data (it contains a NUL byte)"));
      return NULL;
    }

  for (const char *p = data; p < end;)
    {
      const char      *amp = memchr (p, '&', end - p);
      const char      *stop = amp != NULL ? amp : end;
      const char      *eq = memchr (p, '=', stop - p);
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (stop > p)
        {
          name = decode_form_component (p, eq != NULL ? eq : stop, NULL, error);
          if (name == NULL)
            return NULL;
          value = eq != NULL ? decode_form_component (eq + 1, stop, name, error) : g_strdup ("");
          if (value == NULL)
            return NULL;
          if (g_hash_table_contains (fields, name))
            {
              g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                           _ ("the answer gives “%s” more than once"), name);
              return NULL;
            }
          g_hash_table_insert (fields, g_steal_pointer (&name), g_steal_pointer (&value));
        }

      if (amp == NULL)
        break;
      p = amp + 1;
    }

  return g_steal_pointer (&fields);
}

/**
 * lanyard_http_parse_fields:
 * @content_type: (nullable): the reply's media type
 *
 * Reads a token-endpoint style reply, JSON or form-encoded, into a flat
 * table of strings. JSON numbers and booleans become their text; nested
 * values are left out, because no field Lanyard reads is nested.
 *
 * Returns: (transfer full) (element-type utf8 utf8):
 */
GHashTable *
lanyard_http_parse_fields (const char *content_type,
                           GBytes     *body,
                           GError    **error)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GList) members = NULL;
  gsize       len;
  const char *data = g_bytes_get_data (body, &len);

  /* Nothing at all (with any content type): the server failed to say
   * anything, which is its trouble, not a malformed answer. */
  if (len == 0 || data == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_SERVER, _ ("the answer is empty"));
      return NULL;
    }

  if (content_type_is (content_type, "application/x-www-form-urlencoded"))
    return decode_form (data, len, error);

  object = lanyard_http_parse_json_object (body, error);
  if (object == NULL)
    return NULL;

  fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (object, l->data);
      char     *text = NULL;

      if (!JSON_NODE_HOLDS_VALUE (node))
        continue;

      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          text = g_strdup (json_node_get_string (node));
          break;
        case G_TYPE_INT64:
          text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_BOOLEAN:
          text = g_strdup (json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_DOUBLE:
          {
            /* "expires_in": 3600.0 is a number of seconds too; dropping it
             * would read as "never expires". Whole seconds, and only where
             * they fit: anything else reads as the text it is not. */
            double number = json_node_get_double (node);

            if (isfinite (number) && fabs (number) < 1e15)
              text = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) number);
            else
              text = g_strdup ("not a number of seconds");
          }
          break;
        default:
          break;
        }

      if (text != NULL)
        g_hash_table_replace (fields, g_strdup (l->data), text);
    }

  return g_steal_pointer (&fields);
}

/* Text from a provider is shown to people: keep it short and printable so
 * that a hostile server cannot fill a dialog or a terminal with junk. */
static char *
sanitize_description (const char *description)
{
  GString    *out;
  const char *p;

  if (description == NULL || !g_utf8_validate (description, -1, NULL))
    return NULL;

  out = g_string_new (NULL);
  for (p = description; *p != '\0' && out->len < 300; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      g_string_append_unichar (out, g_unichar_iscntrl (c) ? ' ' : c);
    }
  if (*p != '\0')
    g_string_append (out, "…");

  return g_string_free (out, out->len == 0);
}

/**
 * lanyard_http_oauth_error:
 * @error_code: the OAuth `error` value (RFC 6749 §4.1.2.1, §5.2), or a
 *   provider's own (GitHub's `bad_verification_code`)
 * @description: (nullable): the provider's `error_description`
 *
 * Returns: (transfer full): a #LanyardError whose code says what to do and
 *   whose message says it in words
 */
GError *
lanyard_http_oauth_error (const char *provider_name,
                          const char *error_code,
                          const char *description)
{
  g_autofree char *detail = sanitize_description (description);
  g_autofree char *suffix = NULL;
  g_autofree char *code = sanitize_description (error_code);

  if (code == NULL)
    code = g_strdup ("unknown_error");

  suffix = detail != NULL ? g_strdup_printf (" (%s: %s)", code, detail)
                          : g_strdup_printf (" (%s)", code);

  if (g_str_equal (code, "access_denied"))
    return g_error_new (LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED,
                        _ ("Access was not granted at %s%s. Connect again and approve the request to link this account."),
                        provider_name, suffix);

  if (g_str_equal (code, "invalid_grant") ||
      g_str_equal (code, "bad_verification_code") ||
      g_str_equal (code, "bad_refresh_token") ||
      g_str_equal (code, "expired_token"))
    return g_error_new (LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT,
                        _ ("%s no longer accepts this sign-in%s. Sign in again."),
                        provider_name, suffix);

  if (g_str_equal (code, "invalid_client") ||
      g_str_equal (code, "unauthorized_client") ||
      g_str_equal (code, "incorrect_client_credentials") ||
      g_str_equal (code, "redirect_uri_mismatch") ||
      g_str_equal (code, "invalid_scope") ||
      g_str_equal (code, "unsupported_response_type"))
    return g_error_new (LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                        _ ("%s rejected Lanyard's application settings%s. Check the client ID, client secret, scopes and registered redirect URI in the provider configuration."),
                        provider_name, suffix);

  if (g_str_equal (code, "server_error") ||
      g_str_equal (code, "temporarily_unavailable"))
    return g_error_new (LANYARD_ERROR, LANYARD_ERROR_SERVER,
                        _ ("%s could not complete the request right now%s. Try again later."),
                        provider_name, suffix);

  return g_error_new (LANYARD_ERROR, LANYARD_ERROR_PROVIDER,
                      _ ("%s refused the request%s."), provider_name, suffix);
}

/**
 * lanyard_http_check_reply:
 * @fields: (nullable) (element-type utf8 utf8): the parsed reply, when it
 *   could be parsed; an OAuth `error` in it wins over the status code
 *   (GitHub reports errors with status 200)
 *
 * Returns: %TRUE when @reply is a success
 */
gboolean
lanyard_http_check_reply (LanyardHttpReply *reply,
                          GHashTable       *fields,
                          const char       *provider_name,
                          GError          **error)
{
  const char *oauth_error = fields != NULL ? g_hash_table_lookup (fields, "error") : NULL;

  if (oauth_error != NULL)
    {
      g_propagate_error (error, lanyard_http_oauth_error (provider_name, oauth_error, g_hash_table_lookup (fields, "error_description")));
      return FALSE;
    }

  if (reply->status >= 200 && reply->status < 300)
    return TRUE;

  if (reply->status == 401)
    g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT,
                 _ ("%s no longer accepts the stored sign-in (HTTP 401). Sign in again."),
                 provider_name);
  else if (reply->status >= 500)
    g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_SERVER,
                 _ ("%s is having trouble (HTTP %u %s). Try again later."),
                 provider_name, reply->status, soup_status_get_phrase (reply->status));
  else
    g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_PROVIDER,
                 _ ("%s refused the request (HTTP %u %s)."),
                 provider_name, reply->status, soup_status_get_phrase (reply->status));

  return FALSE;
}

/**
 * lanyard_json_get_string:
 *
 * Returns: (nullable): the member's value when it is a non-empty string
 */
const char *
lanyard_json_get_string (JsonObject *object,
                         const char *member)
{
  JsonNode   *node = json_object_get_member (object, member);
  const char *value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  value = json_node_get_string (node);
  return value[0] != '\0' ? value : NULL;
}

/**
 * lanyard_json_dup_id:
 *
 * Reads an account id, which providers send as a string (OIDC `sub`) or a
 * number (GitHub, GitLab), as a string.
 *
 * Returns: (transfer full) (nullable):
 */
char *
lanyard_json_dup_id (JsonObject *object,
                     const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      {
        const char *value = json_node_get_string (node);

        /* A NUL inside it ("4\u00002") never gets this far: the parser
         * refuses the document (lanyard_json_parse()). */
        if (!lanyard_identity_check_account_id (value))
          return NULL;
        return g_strdup (value);
      }
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    default:
      return NULL;
    }
}
