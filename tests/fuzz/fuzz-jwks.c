/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: JSON Web Key Set parsing, including the import of every
 * key into GnuTLS. */
#include <stdint.h>

#include "lanyard-jose.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char *const algs[] = { "RS256", "PS384", "ES256", "ES384", "ES512", "EdDSA", "HS256", "none" };
  g_autoptr(GPtrArray) keys = NULL;

  if (size > 256 * 1024)
    return 0;

  keys = lanyard_jwks_parse ((const char *) data, size, NULL);
  if (keys == NULL)
    return 0;

  for (guint i = 0; i < keys->len; i++)
    for (guint a = 0; a < G_N_ELEMENTS (algs); a++)
      (void) lanyard_jwk_can_verify (g_ptr_array_index (keys, i), algs[a]);

  return 0;
}
