/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: how long an answer may be kept (the JWKS cache and
 * OpenID discovery use it), from its Cache-Control and Expires headers.
 * The input is an answer's header lines, parsed by libsoup as they would
 * arrive ("\n" may stand for "\r\n"), then read by
 * _lanyard_http_cache_lifetime() (lanyard-http-private.h). */
#define G_LOG_DOMAIN "fuzz-cache-control"

#include <string.h>

#include "fuzz-common.h"
#include "lanyard-http-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GString) text = NULL;
  gint64 lifetime;

  fuzz_init ();

  if (size > 16 * 1024)
    return 0;

  text = g_string_new ("HTTP/1.1 200 OK\r\n");
  for (gsize i = 0; i < size; i++)
    {
      if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
        g_string_append_c (text, '\r');
      g_string_append_c (text, data[i]);
    }
  g_string_append (text, "\r\n\r\n");

  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  if (!soup_headers_parse_response (text->str, text->len, headers, NULL, NULL, NULL))
    return 0;

  lifetime = _lanyard_http_cache_lifetime (headers);
  /* -1 is "unsaid"; nothing else below 0 is a lifetime. */
  g_assert_cmpint (lifetime, >=, -1);

  return 0;
}
