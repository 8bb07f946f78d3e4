/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a device authorization endpoint's answer (RFC 8628
 * §3.2), as device_authorization_cb() in lanyard-provider.c reads it:
 * lanyard_http_parse_fields() then lanyard_device_authorization_parse().
 * Every answer accepted must keep the rules the window, lanyardctl and the
 * bus rely on: a user code of at most 32 letters, digits, dashes and
 * spaces; verification URIs that are https:// (or loopback http://), at
 * most 2048 bytes and on one origin; a device code of VSCHAR; an interval
 * from 1 to 300 s and a lifetime from 10 s to a day.
 *
 * Input: a first line with the Content-Type ("-": none), then the body. */
#define G_LOG_DOMAIN "fuzz-device"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "lanyard-device-authorization.h"
#include "lanyard-http.h"
#include "lanyard-provider-config.h"

static void
fail (const char *what)
{
  fprintf (stderr, "An accepted device authorization answer breaks a rule: %s\n", what);
  abort ();
}

static void
check_uri (const char *uri)
{
  if (uri == NULL)
    return;
  if (strlen (uri) > LANYARD_DEVICE_URI_MAX || !g_utf8_validate (uri, -1, NULL) ||
      !lanyard_url_is_acceptable (uri, NULL))
    fail ("a verification URI");
  for (const char *p = uri; *p != '\0'; p++)
    if ((guchar) *p < 0x21 || (guchar) *p > 0x7e)
      fail ("a verification URI with a byte that is not VSCHAR");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardDeviceAuthorization) authorization = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *content_type = NULL;
  const char      *newline = memchr (data, '\n', size);
  gsize            skip;

  fuzz_init ();

  if (newline == NULL)
    return 0;
  skip = (const uint8_t *) newline - data + 1;
  content_type = g_strndup ((const char *) data, skip - 1);
  if (strlen (content_type) != skip - 1 || size - skip > LANYARD_HTTP_MAX_BODY)
    return 0;
  if (g_str_equal (content_type, "-"))
    g_clear_pointer (&content_type, g_free);

  body = g_bytes_new (data + skip, size - skip);
  fields = lanyard_http_parse_fields (content_type, body, &error);
  if (fields == NULL)
    return 0;

  authorization = lanyard_device_authorization_parse (fields, "Fuzz", &error);
  if (authorization == NULL)
    {
      if (error == NULL || !g_utf8_validate (error->message, -1, NULL))
        fail ("a refusal without a readable message");
      return 0;
    }

  if (strlen (authorization->user_code) == 0 || strlen (authorization->user_code) > LANYARD_DEVICE_USER_CODE_MAX)
    fail ("the user code's length");
  for (const char *p = authorization->user_code; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != ' ')
      fail ("a user code character");
  if (strlen (authorization->device_code) == 0 || strlen (authorization->device_code) > LANYARD_DEVICE_CODE_MAX)
    fail ("the device code's length");
  for (const char *p = authorization->device_code; *p != '\0'; p++)
    if ((guchar) *p < 0x21 || (guchar) *p > 0x7e)
      fail ("a device code byte");
  check_uri (authorization->verification_uri);
  check_uri (authorization->verification_uri_complete);
  if (authorization->verification_uri == NULL)
    fail ("no verification URI");
  if (authorization->interval < 1 || authorization->interval > LANYARD_DEVICE_INTERVAL_MAX)
    fail ("the interval");
  if (authorization->expires_in < LANYARD_DEVICE_EXPIRES_MIN || authorization->expires_in > LANYARD_DEVICE_EXPIRES_MAX)
    fail ("the lifetime");

  return 0;
}
