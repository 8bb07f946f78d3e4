/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: what a server says when Lanyard connects to it by its
 * address (issue 17): its metadata (OpenID Connect Discovery or RFC 8414),
 * its answer to a registration (RFC 7591), and its refusal. The same bytes
 * go through all three. What is accepted must keep the parsers' promises:
 * every URL acceptable, the client id and the registration access token
 * printable ASCII and bounded, the client name free of control
 * characters. */
#include <stdint.h>
#include <string.h>

#include "fuzz-common.h"
#include "lanyard-provider-config.h"
#include "lanyard-registration.h"

static void
check_printable (const char *value,
                 gsize       max)
{
  g_assert_cmpuint (strlen (value), >, 0);
  g_assert_cmpuint (strlen (value), <=, max);
  for (const char *p = value; *p != '\0'; p++)
    g_assert_true ((guchar) *p >= 0x20 && (guchar) *p <= 0x7e);
}

static void
check_url (const char *url)
{
  if (url != NULL)
    g_assert_true (lanyard_url_is_acceptable (url, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LanyardServerMetadata) metadata = NULL;
  g_autoptr(LanyardRegistration) registration = NULL;
  const char *json = (const char *) data;

  fuzz_init ();
  if (size > 256 * 1024)
    return 0;

  metadata = lanyard_server_metadata_parse (json, size, "https://sso.example.com/realms/corp", "sso.example.com", NULL);
  if (metadata != NULL)
    {
      g_assert_true (g_str_equal (metadata->issuer, "https://sso.example.com/realms/corp") ||
                     g_str_equal (metadata->issuer, "https://sso.example.com/realms/corp/"));
      check_url (metadata->authorization_endpoint);
      check_url (metadata->token_endpoint);
      check_url (metadata->registration_endpoint);
      check_url (metadata->device_authorization_endpoint);
      g_assert_nonnull (metadata->authorization_endpoint);
      g_assert_nonnull (metadata->token_endpoint);
    }

  registration = lanyard_registration_parse (json, size, "sso.example.com", NULL);
  if (registration != NULL)
    {
      check_printable (registration->client_id, LANYARD_REGISTRATION_MAX_CLIENT_ID);
      if (registration->registration_access_token != NULL)
        check_printable (registration->registration_access_token, LANYARD_REGISTRATION_MAX_TOKEN);
      check_url (registration->registration_client_uri);
      if (registration->client_name != NULL)
        {
          g_assert_true (g_utf8_validate (registration->client_name, -1, NULL));
          g_assert_cmpuint (strlen (registration->client_name), <=, LANYARD_REGISTRATION_MAX_NAME);
        }
      (void) lanyard_registration_scope_covers (registration->scope, "openid profile email");
    }

  for (guint status = 400; status <= 403; status++)
    {
      g_autoptr(GError) refusal = lanyard_registration_refusal (status, json, size, "sso.example.com");

      g_assert_true (g_utf8_validate (refusal->message, -1, NULL));
      for (const char *p = refusal->message; *p != '\0'; p++)
        g_assert_true ((guchar) *p >= 0x20 || *p == '\n');
    }
  return 0;
}
