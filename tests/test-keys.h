/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Signing keys made at test time with GnuTLS (no private key is ever
 * committed), and JWS built with them, for the fake OpenID provider and
 * the ID token tests. */

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _TestKey TestKey;

TestKey    *test_key_new (const char *alg,
                          const char *kid);
TestKey    *test_key_ref (TestKey *key);
void        test_key_unref (TestKey *key);
TestKey    *test_key_get_shared (const char *alg);
const char *test_key_get_alg (TestKey *key);
const char *test_key_get_kid (TestKey *key);
JsonNode   *test_key_to_jwk (TestKey *key,
                             gboolean with_kid);
char       *test_key_to_jwk_json (TestKey *key);
char       *test_key_sign (TestKey    *key,
                           const char *header_json,
                           const char *payload_json);
char       *test_jws_assemble (const char   *header_json,
                               const char   *payload_json,
                               const guint8 *signature,
                               gsize         signature_len);
char       *test_jws_hs256 (const char *header_json,
                            const char *payload_json,
                            const char *secret);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestKey, test_key_unref)

G_END_DECLS
