/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a token endpoint's answer, as token_request_cb() in
 * lanyard-provider.c reads it (and the revocation answer, which goes
 * through the same parser): status, Content-Type and body through
 * lanyard_http_parse_fields(), lanyard_http_check_reply() and
 * lanyard_token_set_new_from_fields(); then the token set, alone and
 * merged into a previous one as a refresh is, through its keyring form
 * and back, which must give the same token set.
 *
 * Beyond the round trip, two rules of issue 10 are checked on every token
 * set accepted: its tokens are made of RFC 6749's VSCHAR (0x21–0x7E), and
 * no form-encoded token was cut short at an encoded NUL.
 *
 * Input: a first line "STATUS CONTENT-TYPE" (a missing or unreadable
 * status is 200; no content type, or "-", sends none), then the body. */
#define G_LOG_DOMAIN "fuzz-token"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "lanyard-http.h"
#include "lanyard-token-set.h"

static void
check_round_trip (LanyardTokenSet *tokens)
{
  g_autoptr(LanyardTokenSet) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = lanyard_token_set_to_json (tokens);

  back = lanyard_token_set_new_from_json (json, &error);
  if (back == NULL)
    {
      /* Not the tokens themselves: the message says what failed. */
      fprintf (stderr, "An accepted token set cannot be read back from the keyring: %s\n", error->message);
      abort ();
    }
  if (!lanyard_token_set_equal (tokens, back))
    {
      fprintf (stderr, "An accepted token set reads back from the keyring as another one\n");
      abort ();
    }
}

static void
check_vschar (const char *name,
              const char *token)
{
  if (token == NULL)
    return;
  for (const char *p = token; *p != '\0'; p++)
    if ((guchar) *p < 0x21 || (guchar) *p > 0x7e)
      {
        fprintf (stderr, "An accepted %s has the byte 0x%02x, which is not a VSCHAR\n", name, (guchar) *p);
        abort ();
      }
}

static int
hex_value (char c)
{
  return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

/* Whether the last `name=` pair of a form body decodes to a value with a
 * NUL byte in it: a decoder that stops there would cut the token short. */
static gboolean
form_value_has_nul (const char *body,
                    gsize       length,
                    const char *name)
{
  g_autofree char *text = g_strndup (body, length);
  g_auto(GStrv) pairs = g_strsplit (text, "&", -1);
  gboolean has_nul = FALSE;
  gsize    name_len = strlen (name);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *value = pairs[i] + name_len + 1;
      gboolean    nul = FALSE, valid = TRUE;

      if (strncmp (pairs[i], name, name_len) != 0 || pairs[i][name_len] != '=')
        continue;
      for (const char *p = value; *p != '\0'; p++)
        if (*p == '%')
          {
            if (hex_value (p[1]) < 0 || hex_value (p[2]) < 0)
              {
                valid = FALSE;
                break;
              }
            nul |= hex_value (p[1]) == 0 && hex_value (p[2]) == 0;
            p += 2;
          }
      if (valid)
        has_nul = nul;
    }

  return has_nul;
}

static void
check_tokens (LanyardTokenSet *tokens,
              const char      *content_type,
              GBytes          *body)
{
  static const char *const names[] = { "access_token", "refresh_token", "id_token" };
  const char              *values[] = {
                 lanyard_token_set_get_access_token (tokens),
                 lanyard_token_set_get_refresh_token (tokens),
                 lanyard_token_set_get_id_token (tokens),
  };
  gsize       length;
  const char *data = g_bytes_get_data (body, &length);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      check_vschar (names[i], values[i]);
      if (values[i] != NULL && content_type != NULL &&
          g_ascii_strcasecmp (content_type, "application/x-www-form-urlencoded") == 0 &&
          form_value_has_nul (data, length, names[i]))
        {
          fprintf (stderr, "The form-encoded %s has an encoded NUL, and was accepted cut short\n", names[i]);
          abort ();
        }
    }
}

/* The content type as the daemon sees it: libsoup's parse of the header. */
static char *
parse_content_type (const char *line)
{
  g_autoptr(SoupMessageHeaders) headers = NULL;

  if (line[0] == '\0' || g_str_equal (line, "-") || strpbrk (line, "\r") != NULL)
    return NULL;

  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  soup_message_headers_replace (headers, "Content-Type", line);
  return g_strdup (soup_message_headers_get_content_type (headers, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(LanyardTokenSet) previous = NULL;
  g_autoptr(LanyardTokenSet) merged = NULL;
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  g_autofree char         *first_line = NULL;
  const char              *newline = memchr (data, '\n', size);
  const char              *space;
  guint64                  status = 200;
  gsize                    skip;
  static const char *const scopes[] = { "read", "write", NULL };

  fuzz_init ();

  if (newline == NULL)
    return 0;
  skip = (const uint8_t *) newline - data + 1;
  first_line = g_strndup ((const char *) data, skip - 1);
  if (strlen (first_line) != skip - 1 || size - skip > LANYARD_HTTP_MAX_BODY)
    return 0;

  space = strchr (first_line, ' ');
  if (space != NULL)
    first_line[space - first_line] = '\0';
  /* libsoup reads a three-digit status; anything else never arrives. */
  if (!g_ascii_string_to_unsigned (first_line, 10, 100, 999, &status, NULL))
    status = 200;

  /* Built the way lanyard_http_send_async() builds it. */
  reply = g_new0 (LanyardHttpReply, 1);
  reply->status = status;
  reply->content_type = parse_content_type (space != NULL ? space + 1 : "");
  if (size > skip)
    g_byte_array_append (buffer, data + skip, size - skip);
  reply->body = g_bytes_new (buffer->data, buffer->len);
  reply->max_age = -1;

  fields = lanyard_http_parse_fields (reply->content_type, reply->body, &parse_error);
  if (!lanyard_http_check_reply (reply, fields, "Fuzz", &error) || fields == NULL)
    return 0;

  tokens = lanyard_token_set_new_from_fields (fields, 1700000000, &error);
  if (tokens == NULL)
    return 0;

  check_tokens (tokens, reply->content_type, reply->body);
  check_round_trip (tokens);

  previous = lanyard_token_set_new ("previous-access", "Bearer", "previous-refresh", 1700000100,
                                    scopes, "previous.id.token");
  merged = lanyard_token_set_merge_refresh (previous, tokens);
  check_round_trip (merged);

  return 0;
}
