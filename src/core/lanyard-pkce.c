/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-pkce"

#include "lanyard-pkce.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

/**
 * lanyard_base64url_encode:
 *
 * Base64url without padding (RFC 4648 §5, RFC 7636 Appendix A).
 */
char *
lanyard_base64url_encode (const guint8 *data,
                          gsize         len)
{
  char *encoded = g_base64_encode (data, len);
  char *out = encoded;

  for (char *p = encoded; *p != '\0'; p++)
    {
      if (*p == '=')
        break;
      *out++ = *p == '+' ? '-' : *p == '/' ? '_'
                                           : *p;
    }
  *out = '\0';

  return encoded;
}

/**
 * lanyard_random_token:
 * @n_bytes: how many random bytes; 32 gives 256 bits
 *
 * Draws @n_bytes from GnuTLS's CSPRNG (seeded by the kernel) and encodes
 * them as base64url. GLib's g_random_*() is a Mersenne Twister and must never
 * be used for `state`, `nonce` or a PKCE verifier.
 *
 * Returns: (transfer full): an unguessable, URL-safe string
 */
char *
lanyard_random_token (gsize n_bytes)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  char              *token;

  g_return_val_if_fail (n_bytes > 0 && n_bytes <= 96, NULL);

  /* GNUTLS_RND_KEY is the level meant for secrets that must not be guessed
   * even by an attacker who sees other output of the generator. */
  if (gnutls_rnd (GNUTLS_RND_KEY, bytes, n_bytes) != 0)
    g_error ("The system's random number generator failed; refusing to go on "
             "with predictable secrets");

  token = lanyard_base64url_encode (bytes, n_bytes);
  gnutls_memset (bytes, 0, n_bytes);

  return token;
}

/**
 * lanyard_pkce_new_verifier:
 *
 * Returns: (transfer full): a fresh RFC 7636 code verifier: 32 random bytes,
 *   43 characters of base64url
 */
char *
lanyard_pkce_new_verifier (void)
{
  return lanyard_random_token (32);
}

/**
 * lanyard_pkce_verifier_is_valid:
 *
 * RFC 7636 §4.1: 43 to 128 characters of `[A-Z] [a-z] [0-9] - . _ ~`.
 */
gboolean
lanyard_pkce_verifier_is_valid (const char *verifier)
{
  gsize len;

  if (verifier == NULL)
    return FALSE;

  len = strlen (verifier);
  if (len < 43 || len > 128)
    return FALSE;

  for (const char *p = verifier; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
      return FALSE;

  return TRUE;
}

/**
 * lanyard_pkce_challenge_s256:
 * @verifier: a code verifier
 *
 * Returns: (transfer full) (nullable): BASE64URL(SHA256(ASCII(verifier))), or
 *   %NULL when @verifier is not a valid RFC 7636 verifier
 */
char *
lanyard_pkce_challenge_s256 (const char *verifier)
{
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize  digest_len = sizeof digest;

  if (!lanyard_pkce_verifier_is_valid (verifier))
    return NULL;

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_len);

  return lanyard_base64url_encode (digest, digest_len);
}

/**
 * lanyard_constant_time_equal:
 *
 * Compares two secrets (a `state`, a code) without leaking through timing
 * how long their common prefix is. %NULL equals nothing.
 */
gboolean
lanyard_constant_time_equal (const char *a,
                             const char *b)
{
  gsize  len_a, len_b;
  guint8 diff;

  if (a == NULL || b == NULL)
    return FALSE;

  len_a = strlen (a);
  len_b = strlen (b);
  diff = len_a != len_b;

  for (gsize i = 0; i < len_a; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i % (len_b ? len_b : 1)];

  return diff == 0;
}
