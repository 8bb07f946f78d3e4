/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: compact JWS parsing and verification against no keys. */
#include <stdint.h>

#include "lanyard-jose.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(LanyardJws) jws = lanyard_jws_parse (text, NULL);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();

  if (jws != NULL)
    {
      gboolean kid_unknown;

      (void) lanyard_jws_get_kid (jws);
      (void) json_object_get_size (lanyard_jws_get_payload (jws));
      (void) lanyard_jws_verify (jws, keys, &kid_unknown, NULL);
    }

  return 0;
}
