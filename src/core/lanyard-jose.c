/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-jose"

#include "lanyard-jose.h"

#include <glib/gi18n.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-http.h"
#include "lanyard-id-token.h"

/* Bounds on what is read from the network: nothing real comes near them. */
#define MAX_COMPACT_LENGTH (64 * 1024)
#define MAX_KEYS 64
#define MIN_RSA_BITS 2048

/**
 * SECTION:lanyard-jose
 *
 * Parsing never trusts the input: every length comes from the decoded data,
 * every JSON member is type-checked, and anything unexpected is refused.
 * `alg: none` and every HMAC algorithm are refused outright: an ID token is
 * verified with the issuer's public key or not at all, so "HS256 with the
 * public key as secret" cannot happen.
 */

struct _LanyardJws
{
  char       *alg;
  char       *kid;
  JsonObject *payload;
  GBytes     *signing_input;
  GBytes     *signature;
};

typedef enum
{
  FAMILY_RSA,
  FAMILY_RSA_PSS,
  FAMILY_EC,
  FAMILY_OKP,
} Family;

typedef struct
{
  const char             *name;
  Family                  family;
  gnutls_sign_algorithm_t sign;
  gnutls_ecc_curve_t      curve; /* EC and OKP only */
  guint                   coordinate_size; /* EC: bytes of r and of s */
} Algorithm;

static const Algorithm algorithms[] = {
  { "RS256", FAMILY_RSA, GNUTLS_SIGN_RSA_SHA256, GNUTLS_ECC_CURVE_INVALID, 0 },
  { "RS384", FAMILY_RSA, GNUTLS_SIGN_RSA_SHA384, GNUTLS_ECC_CURVE_INVALID, 0 },
  { "RS512", FAMILY_RSA, GNUTLS_SIGN_RSA_SHA512, GNUTLS_ECC_CURVE_INVALID, 0 },
  { "PS256", FAMILY_RSA_PSS, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, GNUTLS_ECC_CURVE_INVALID, 0 },
  { "PS384", FAMILY_RSA_PSS, GNUTLS_SIGN_RSA_PSS_RSAE_SHA384, GNUTLS_ECC_CURVE_INVALID, 0 },
  { "PS512", FAMILY_RSA_PSS, GNUTLS_SIGN_RSA_PSS_RSAE_SHA512, GNUTLS_ECC_CURVE_INVALID, 0 },
  { "ES256", FAMILY_EC, GNUTLS_SIGN_ECDSA_SHA256, GNUTLS_ECC_CURVE_SECP256R1, 32 },
  { "ES384", FAMILY_EC, GNUTLS_SIGN_ECDSA_SHA384, GNUTLS_ECC_CURVE_SECP384R1, 48 },
  { "ES512", FAMILY_EC, GNUTLS_SIGN_ECDSA_SHA512, GNUTLS_ECC_CURVE_SECP521R1, 66 },
  { "EdDSA", FAMILY_OKP, GNUTLS_SIGN_EDDSA_ED25519, GNUTLS_ECC_CURVE_ED25519, 0 },
};

static const Algorithm *
find_algorithm (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (algorithms); i++)
    if (g_strcmp0 (name, algorithms[i].name) == 0)
      return &algorithms[i];
  return NULL;
}

void
lanyard_jws_free (LanyardJws *jws)
{
  if (jws == NULL)
    return;

  g_free (jws->alg);
  g_free (jws->kid);
  g_clear_pointer (&jws->payload, json_object_unref);
  g_clear_pointer (&jws->signing_input, g_bytes_unref);
  g_clear_pointer (&jws->signature, g_bytes_unref);
  g_free (jws);
}

static JsonObject *
parse_object (GBytes *bytes)
{
  gsize       len;
  const char *data = g_bytes_get_data (bytes, &len);

  return data != NULL ? lanyard_json_parse_object (data, len) : NULL;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * lanyard_jws_parse:
 * @compact: `BASE64URL(header).BASE64URL(payload).BASE64URL(signature)`
 *
 * Parses a compact JWS whose payload is a JSON object. The signature is
 * not checked here (see lanyard_jws_verify()).
 *
 * Returns: (transfer full):
 */
LanyardJws *
lanyard_jws_parse (const char *compact,
                   GError    **error)
{
  g_autoptr(LanyardJws) jws = NULL;
  g_autoptr(GBytes) header_bytes = NULL;
  g_autoptr(GBytes) payload_bytes = NULL;
  g_autoptr(JsonObject) header = NULL;
  g_auto(GStrv) parts = NULL;
  const char *alg, *kid, *last_dot;
  JsonNode   *crit;

  if (compact == NULL || strlen (compact) > MAX_COMPACT_LENGTH)
    goto malformed;

  parts = g_strsplit (compact, ".", 4);
  if (g_strv_length (parts) != 3 || parts[0][0] == '\0' || parts[1][0] == '\0')
    goto malformed;

  header_bytes = lanyard_base64url_decode (parts[0], NULL);
  payload_bytes = lanyard_base64url_decode (parts[1], NULL);
  if (header_bytes == NULL || payload_bytes == NULL)
    goto malformed;

  header = parse_object (header_bytes);
  if (header == NULL)
    goto malformed;

  alg = string_member (header, "alg");
  if (alg == NULL)
    goto malformed;

  /* RFC 7515 §4.1.11: extensions we do not understand must be refused. */
  crit = json_object_get_member (header, "crit");
  if (crit != NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("the token uses critical JOSE extensions Lanyard does not understand"));
      return NULL;
    }

  jws = g_new0 (LanyardJws, 1);
  jws->alg = g_strdup (alg);
  kid = string_member (header, "kid");
  jws->kid = g_strdup (kid);
  jws->payload = parse_object (payload_bytes);
  if (jws->payload == NULL)
    goto malformed;

  jws->signature = lanyard_base64url_decode (parts[2], NULL);
  if (jws->signature == NULL)
    goto malformed;

  last_dot = strrchr (compact, '.');
  jws->signing_input = g_bytes_new (compact, last_dot - compact);

  return g_steal_pointer (&jws);

malformed:
  g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
               _ ("the token is not a well-formed JWS"));
  return NULL;
}

const char *
lanyard_jws_get_alg (LanyardJws *jws)
{
  return jws->alg;
}

/**
 * lanyard_jws_get_kid:
 *
 * Returns: (nullable): the key id from the header
 */
const char *
lanyard_jws_get_kid (LanyardJws *jws)
{
  return jws->kid;
}

/**
 * lanyard_jws_get_payload:
 *
 * Returns: (transfer none): the claims; trust them only after
 *   lanyard_jws_verify() succeeded
 */
JsonObject *
lanyard_jws_get_payload (LanyardJws *jws)
{
  return jws->payload;
}

struct _LanyardJwk
{
  char              *kty;
  char              *kid;
  char              *use;
  char              *alg;
  gnutls_ecc_curve_t curve;
  gnutls_pubkey_t    key;
};

void
lanyard_jwk_free (LanyardJwk *jwk)
{
  if (jwk == NULL)
    return;

  g_free (jwk->kty);
  g_free (jwk->kid);
  g_free (jwk->use);
  g_free (jwk->alg);
  if (jwk->key != NULL)
    gnutls_pubkey_deinit (jwk->key);
  g_free (jwk);
}

const char *
lanyard_jwk_get_kid (LanyardJwk *jwk)
{
  return jwk->kid;
}

const char *
lanyard_jwk_get_kty (LanyardJwk *jwk)
{
  return jwk->kty;
}

static gboolean
decode_member (JsonObject *object,
               const char *name,
               gsize       min_size,
               gsize       max_size,
               GBytes    **out)
{
  const char *text = string_member (object, name);
  g_autoptr(GBytes) bytes = NULL;

  if (text == NULL)
    return FALSE;

  bytes = lanyard_base64url_decode (text, NULL);
  if (bytes == NULL || g_bytes_get_size (bytes) < min_size || g_bytes_get_size (bytes) > max_size)
    return FALSE;

  *out = g_steal_pointer (&bytes);
  return TRUE;
}

static gnutls_datum_t
datum (GBytes *bytes)
{
  gsize          len;
  gnutls_datum_t d;

  d.data = (unsigned char *) g_bytes_get_data (bytes, &len);
  d.size = len;
  return d;
}

static gnutls_ecc_curve_t
curve_from_name (const char *crv,
                 guint      *coordinate_size)
{
  if (g_strcmp0 (crv, "P-256") == 0)
    return *coordinate_size = 32, GNUTLS_ECC_CURVE_SECP256R1;
  if (g_strcmp0 (crv, "P-384") == 0)
    return *coordinate_size = 48, GNUTLS_ECC_CURVE_SECP384R1;
  if (g_strcmp0 (crv, "P-521") == 0)
    return *coordinate_size = 66, GNUTLS_ECC_CURVE_SECP521R1;
  return GNUTLS_ECC_CURVE_INVALID;
}

/* Returns NULL, with a reason for the debug log, when the key cannot be
 * used; the caller skips it. */
static LanyardJwk *
parse_jwk (JsonObject  *object,
           const char **reason)
{
  g_autoptr(LanyardJwk) jwk = g_new0 (LanyardJwk, 1);
  const char *kty = string_member (object, "kty");
  int         ret = -1;

  *reason = NULL;
  if (kty == NULL)
    {
      *reason = "no kty";
      return NULL;
    }

  jwk->kty = g_strdup (kty);
  jwk->kid = g_strdup (string_member (object, "kid"));
  jwk->use = g_strdup (string_member (object, "use"));
  jwk->alg = g_strdup (string_member (object, "alg"));

  if (jwk->use != NULL && !g_str_equal (jwk->use, "sig"))
    {
      *reason = "not a signing key";
      return NULL;
    }

  if (gnutls_pubkey_init (&jwk->key) < 0)
    {
      *reason = "out of memory";
      return NULL;
    }

  if (g_str_equal (kty, "RSA"))
    {
      g_autoptr(GBytes) n = NULL;
      g_autoptr(GBytes) e = NULL;
      gnutls_datum_t dn, de;
      unsigned int   bits = 0;

      if (!decode_member (object, "n", 64, 2048, &n) || !decode_member (object, "e", 1, 8, &e))
        {
          *reason = "bad RSA parameters";
          return NULL;
        }
      dn = datum (n);
      de = datum (e);
      ret = gnutls_pubkey_import_rsa_raw (jwk->key, &dn, &de);
      if (ret >= 0)
        {
          gnutls_pubkey_get_pk_algorithm (jwk->key, &bits);
          if (bits < MIN_RSA_BITS)
            {
              *reason = "RSA key shorter than 2048 bits";
              return NULL;
            }
        }
    }
  else if (g_str_equal (kty, "EC"))
    {
      g_autoptr(GBytes) x = NULL;
      g_autoptr(GBytes) y = NULL;
      guint          size = 0;
      gnutls_datum_t dx, dy;

      jwk->curve = curve_from_name (string_member (object, "crv"), &size);
      if (jwk->curve == GNUTLS_ECC_CURVE_INVALID ||
          !decode_member (object, "x", size, size, &x) ||
          !decode_member (object, "y", size, size, &y))
        {
          *reason = "bad EC parameters";
          return NULL;
        }
      dx = datum (x);
      dy = datum (y);
      ret = gnutls_pubkey_import_ecc_raw (jwk->key, jwk->curve, &dx, &dy);
    }
  else if (g_str_equal (kty, "OKP"))
    {
      g_autoptr(GBytes) x = NULL;
      gnutls_datum_t dx;

      if (g_strcmp0 (string_member (object, "crv"), "Ed25519") != 0 ||
          !decode_member (object, "x", 32, 32, &x))
        {
          *reason = "bad OKP parameters (only Ed25519 is supported)";
          return NULL;
        }
      jwk->curve = GNUTLS_ECC_CURVE_ED25519;
      dx = datum (x);
      ret = gnutls_pubkey_import_ecc_raw (jwk->key, jwk->curve, &dx, NULL);
    }
  else
    {
      *reason = "unsupported kty";
      return NULL;
    }

  if (ret < 0)
    {
      *reason = "GnuTLS refused the key";
      return NULL;
    }

  return g_steal_pointer (&jwk);
}

/**
 * lanyard_jwks_parse:
 *
 * Parses a JSON Web Key Set. A key that cannot be used (unknown type,
 * malformed, too weak, not for signatures) is skipped, not fatal: key sets
 * often carry keys for other purposes.
 *
 * Returns: (transfer full) (element-type LanyardJwk): the usable keys
 */
GPtrArray *
lanyard_jwks_parse (const char *json,
                    gssize      length,
                    GError    **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) lanyard_jwk_free);
  g_autoptr(JsonObject) root = NULL;
  JsonNode  *keys_node;
  JsonArray *array;

  if (length < 0)
    length = strlen (json);

  root = lanyard_json_parse_object (json, length);
  if (root == NULL)
    goto malformed;

  keys_node = json_object_get_member (root, "keys");
  if (keys_node == NULL || !JSON_NODE_HOLDS_ARRAY (keys_node))
    goto malformed;

  array = json_node_get_array (keys_node);
  for (guint i = 0; i < json_array_get_length (array) && keys->len < MAX_KEYS; i++)
    {
      JsonNode   *element = json_array_get_element (array, i);
      const char *reason = "not an object";
      LanyardJwk *jwk = NULL;

      if (JSON_NODE_HOLDS_OBJECT (element))
        jwk = parse_jwk (json_node_get_object (element), &reason);

      if (jwk != NULL)
        g_ptr_array_add (keys, jwk);
      else
        g_debug ("Skipping key %u of the key set: %s", i, reason);
    }

  return g_steal_pointer (&keys);

malformed:
  g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
               _ ("the key set is not a JSON Web Key Set"));
  return NULL;
}

/**
 * lanyard_jwk_can_verify:
 *
 * Whether the key may check a signature made with @alg: its type and curve
 * match the algorithm, and its own `alg`, when it names one, is @alg.
 */
gboolean
lanyard_jwk_can_verify (LanyardJwk *jwk,
                        const char *alg)
{
  const Algorithm *algorithm = find_algorithm (alg);

  if (algorithm == NULL)
    return FALSE;
  if (jwk->alg != NULL && !g_str_equal (jwk->alg, alg))
    return FALSE;

  switch (algorithm->family)
    {
    case FAMILY_RSA:
    case FAMILY_RSA_PSS:
      return g_str_equal (jwk->kty, "RSA");
    case FAMILY_EC:
      return g_str_equal (jwk->kty, "EC") && jwk->curve == algorithm->curve;
    case FAMILY_OKP:
      return g_str_equal (jwk->kty, "OKP") && jwk->curve == algorithm->curve;
    default:
      return FALSE;
    }
}

static gboolean
verify_with_key (LanyardJws      *jws,
                 const Algorithm *algorithm,
                 LanyardJwk      *jwk)
{
  gnutls_datum_t data = datum (jws->signing_input);
  gnutls_datum_t signature = datum (jws->signature);
  gnutls_datum_t der = { NULL, 0 };
  int            ret;

  /* JWS carries ECDSA signatures as R || S of fixed size (RFC 7518
   * §3.4); GnuTLS wants DER. */
  if (algorithm->family == FAMILY_EC)
    {
      gnutls_datum_t r, s;

      if (signature.size != 2 * algorithm->coordinate_size)
        return FALSE;
      r.data = signature.data;
      r.size = algorithm->coordinate_size;
      s.data = signature.data + algorithm->coordinate_size;
      s.size = algorithm->coordinate_size;
      if (gnutls_encode_rs_value (&der, &r, &s) < 0)
        return FALSE;
      signature = der;
    }

  ret = gnutls_pubkey_verify_data2 (jwk->key, algorithm->sign, 0, &data, &signature);
  gnutls_free (der.data);

  return ret >= 0;
}

/**
 * lanyard_jws_verify:
 * @keys: (element-type LanyardJwk): the issuer's keys
 * @kid_unknown: (out) (optional): set when the token names a key id that
 *   none of @keys has, so that the caller can fetch the keys again once
 *
 * Verifies the signature. With a `kid`, only the keys of that id are
 * tried; without, every key compatible with the algorithm.
 */
gboolean
lanyard_jws_verify (LanyardJws *jws,
                    GPtrArray  *keys,
                    gboolean   *kid_unknown,
                    GError    **error)
{
  const Algorithm *algorithm = find_algorithm (jws->alg);
  guint            tried = 0;
  gboolean         kid_seen = FALSE;

  if (kid_unknown != NULL)
    *kid_unknown = FALSE;

  if (g_ascii_strcasecmp (jws->alg, "none") == 0)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("the token is not signed (alg “none”), which Lanyard never accepts"));
      return FALSE;
    }

  if (algorithm == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   g_str_has_prefix (jws->alg, "HS")
                     ? "the token is signed with a shared secret (alg “%s”), which Lanyard never accepts for ID tokens"
                     : "the token is signed with “%s”, an algorithm Lanyard does not accept",
                   jws->alg);
      return FALSE;
    }

  for (guint i = 0; i < keys->len; i++)
    {
      LanyardJwk *jwk = g_ptr_array_index (keys, i);

      if (jws->kid != NULL)
        {
          if (g_strcmp0 (jwk->kid, jws->kid) != 0)
            continue;
          kid_seen = TRUE;
        }

      if (!lanyard_jwk_can_verify (jwk, jws->alg))
        continue;

      tried++;
      if (verify_with_key (jws, algorithm, jwk))
        return TRUE;
    }

  if (jws->kid != NULL && !kid_seen)
    {
      if (kid_unknown != NULL)
        *kid_unknown = TRUE;
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("the token is signed with a key (“%s”) the issuer does not publish"), jws->kid);
      return FALSE;
    }

  if (tried == 0)
    g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                 _ ("the issuer publishes no key that can check a “%s” signature"), jws->alg);
  else
    g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                 _ ("the token's signature is not valid"));
  return FALSE;
}
