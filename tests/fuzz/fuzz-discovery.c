/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: OpenID Provider configuration documents. */
#include <stdint.h>

#include "lanyard-discovery.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LanyardDiscovery) discovery = NULL;

  if (size > 256 * 1024)
    return 0;

  discovery = lanyard_discovery_parse ((const char *) data, size, "https://issuer.example", "Fuzz", NULL);
  return 0;
}
