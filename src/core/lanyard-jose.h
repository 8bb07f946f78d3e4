/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* JOSE as far as an OpenID Connect relying party needs it: compact JWS
 * (RFC 7515) with the public-key algorithms of RFC 7518 and RFC 8037, and
 * JSON Web Key Sets (RFC 7517). Verification is GnuTLS's. */

typedef struct _LanyardJws LanyardJws;
typedef struct _LanyardJwk LanyardJwk;

LanyardJws *lanyard_jws_parse (const char *compact,
                               GError    **error);
void        lanyard_jws_free (LanyardJws *jws);
const char *lanyard_jws_get_alg (LanyardJws *jws);
const char *lanyard_jws_get_kid (LanyardJws *jws);
JsonObject *lanyard_jws_get_payload (LanyardJws *jws);
gboolean    lanyard_jws_verify (LanyardJws *jws,
                                GPtrArray  *keys,
                                gboolean   *kid_unknown,
                                GError    **error);

GPtrArray  *lanyard_jwks_parse (const char *json,
                                gssize      length,
                                GError    **error);
void        lanyard_jwk_free (LanyardJwk *jwk);
const char *lanyard_jwk_get_kid (LanyardJwk *jwk);
const char *lanyard_jwk_get_kty (LanyardJwk *jwk);
gboolean    lanyard_jwk_can_verify (LanyardJwk *jwk,
                                    const char *alg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardJws, lanyard_jws_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardJwk, lanyard_jwk_free)

G_END_DECLS
