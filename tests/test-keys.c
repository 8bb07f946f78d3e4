/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "test-keys.h"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "lanyard-pkce.h"

struct _TestKey
{
  gatomicrefcount         ref_count;
  char                   *alg;
  char                   *kid;
  gnutls_privkey_t        private_key;
  gnutls_pubkey_t         public_key;
  gnutls_sign_algorithm_t sign;
  guint                   coordinate_size;
};

TestKey *
test_key_new (const char *alg,
              const char *kid)
{
  TestKey              *key = g_new0 (TestKey, 1);
  gnutls_pk_algorithm_t pk;
  unsigned int          bits;

  g_atomic_ref_count_init (&key->ref_count);
  key->alg = g_strdup (alg);
  key->kid = g_strdup (kid);

  if (g_str_has_prefix (alg, "RS") || g_str_has_prefix (alg, "PS"))
    {
      gboolean pss = alg[0] == 'P';
      pk = GNUTLS_PK_RSA;
      bits = 2048;
      key->sign = g_str_equal (alg + 2, "256") ? (pss ? GNUTLS_SIGN_RSA_PSS_RSAE_SHA256 : GNUTLS_SIGN_RSA_SHA256)
        : g_str_equal (alg + 2, "384")         ? (pss ? GNUTLS_SIGN_RSA_PSS_RSAE_SHA384 : GNUTLS_SIGN_RSA_SHA384)
                                               : (pss ? GNUTLS_SIGN_RSA_PSS_RSAE_SHA512 : GNUTLS_SIGN_RSA_SHA512);
    }
  else if (g_str_equal (alg, "ES256"))
    pk = GNUTLS_PK_ECDSA, bits = GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), key->sign = GNUTLS_SIGN_ECDSA_SHA256, key->coordinate_size = 32;
  else if (g_str_equal (alg, "ES384"))
    pk = GNUTLS_PK_ECDSA, bits = GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP384R1), key->sign = GNUTLS_SIGN_ECDSA_SHA384, key->coordinate_size = 48;
  else if (g_str_equal (alg, "ES512"))
    pk = GNUTLS_PK_ECDSA, bits = GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP521R1), key->sign = GNUTLS_SIGN_ECDSA_SHA512, key->coordinate_size = 66;
  else if (g_str_equal (alg, "EdDSA"))
    pk = GNUTLS_PK_EDDSA_ED25519, bits = GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_ED25519), key->sign = GNUTLS_SIGN_EDDSA_ED25519;
  else
    g_assert_not_reached ();

  g_assert_cmpint (gnutls_privkey_init (&key->private_key), ==, 0);
  g_assert_cmpint (gnutls_privkey_generate2 (key->private_key, pk, bits, 0, NULL, 0), ==, 0);
  g_assert_cmpint (gnutls_pubkey_init (&key->public_key), ==, 0);
  g_assert_cmpint (gnutls_pubkey_import_privkey (key->public_key, key->private_key, 0, 0), ==, 0);

  return key;
}

TestKey *
test_key_ref (TestKey *key)
{
  g_atomic_ref_count_inc (&key->ref_count);
  return key;
}

void
test_key_unref (TestKey *key)
{
  if (!g_atomic_ref_count_dec (&key->ref_count))
    return;

  gnutls_privkey_deinit (key->private_key);
  gnutls_pubkey_deinit (key->public_key);
  g_free (key->alg);
  g_free (key->kid);
  g_free (key);
}

/**
 * test_key_get_shared:
 *
 * One key per algorithm for the whole test program: RSA keys take a while
 * to generate.
 *
 * Returns: (transfer none):
 */
TestKey *
test_key_get_shared (const char *alg)
{
  static GHashTable *shared;
  TestKey           *key;

  if (shared == NULL)
    shared = g_hash_table_new (g_str_hash, g_str_equal);

  key = g_hash_table_lookup (shared, alg);
  if (key == NULL)
    {
      g_autofree char *kid = g_strdup_printf ("shared-%s", alg);
      key = test_key_new (alg, kid);
      g_hash_table_insert (shared, key->alg, key);
    }

  return key;
}

const char *
test_key_get_alg (TestKey *key)
{
  return key->alg;
}

const char *
test_key_get_kid (TestKey *key)
{
  return key->kid;
}

static char *
b64 (const gnutls_datum_t *d,
     guint                 pad_to)
{
  g_autofree guint8 *buffer = NULL;
  gsize              len = MAX (d->size, pad_to);

  buffer = g_malloc0 (len);
  memcpy (buffer + (len - d->size), d->data, d->size);
  return lanyard_base64url_encode (buffer, len);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

JsonNode *
test_key_to_jwk (TestKey *key,
                 gboolean with_kid)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  if (with_kid && key->kid != NULL)
    add_string (builder, "kid", key->kid);
  add_string (builder, "use", "sig");

  if (key->alg[0] == 'R' || key->alg[0] == 'P')
    {
      gnutls_datum_t   m, e;
      g_autofree char *n64 = NULL;
      g_autofree char *e64 = NULL;

      g_assert_cmpint (gnutls_pubkey_export_rsa_raw2 (key->public_key, &m, &e, GNUTLS_EXPORT_FLAG_NO_LZ), ==, 0);
      n64 = b64 (&m, 0);
      e64 = b64 (&e, 0);
      add_string (builder, "kty", "RSA");
      add_string (builder, "n", n64);
      add_string (builder, "e", e64);
      gnutls_free (m.data);
      gnutls_free (e.data);
    }
  else
    {
      gnutls_ecc_curve_t curve;
      gnutls_datum_t     x, y = { NULL, 0 };
      g_autofree char   *x64 = NULL;
      gboolean           okp = g_str_equal (key->alg, "EdDSA");

      g_assert_cmpint (gnutls_pubkey_export_ecc_raw2 (key->public_key, &curve, &x, okp ? NULL : &y, GNUTLS_EXPORT_FLAG_NO_LZ), ==, 0);
      x64 = b64 (&x, okp ? 32 : key->coordinate_size);
      add_string (builder, "kty", okp ? "OKP" : "EC");
      add_string (builder, "crv", okp ? "Ed25519" : key->coordinate_size == 32 ? "P-256"
                    : key->coordinate_size == 48                               ? "P-384"
                                                                               : "P-521");
      add_string (builder, "x", x64);
      if (!okp)
        {
          g_autofree char *y64 = b64 (&y, key->coordinate_size);
          add_string (builder, "y", y64);
        }
      gnutls_free (x.data);
      gnutls_free (y.data);
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
test_key_to_jwk_json (TestKey *key)
{
  g_autoptr(JsonNode) jwk = test_key_to_jwk (key, TRUE);
  return json_to_string (jwk, FALSE);
}

char *
test_jws_assemble (const char   *header_json,
                   const char   *payload_json,
                   const guint8 *signature,
                   gsize         signature_len)
{
  g_autofree char *header64 = lanyard_base64url_encode ((const guint8 *) header_json, strlen (header_json));
  g_autofree char *payload64 = lanyard_base64url_encode ((const guint8 *) payload_json, strlen (payload_json));
  g_autofree char *signature64 = lanyard_base64url_encode (signature, signature_len);

  return g_strdup_printf ("%s.%s.%s", header64, payload64, signature64);
}

/**
 * test_key_sign:
 * @header_json: (nullable): the JOSE header; by default alg and kid of
 *   the key
 */
char *
test_key_sign (TestKey    *key,
               const char *header_json,
               const char *payload_json)
{
  g_autofree char *default_header = NULL;
  g_autofree char *header64 = NULL;
  g_autofree char *payload64 = NULL;
  g_autofree char *input = NULL;
  g_autofree char *signature64 = NULL;
  gnutls_datum_t   data, signature;

  if (header_json == NULL)
    header_json = default_header = key->kid != NULL
      ? g_strdup_printf ("{\"alg\":\"%s\",\"kid\":\"%s\",\"typ\":\"JWT\"}", key->alg, key->kid)
      : g_strdup_printf ("{\"alg\":\"%s\",\"typ\":\"JWT\"}", key->alg);

  header64 = lanyard_base64url_encode ((const guint8 *) header_json, strlen (header_json));
  payload64 = lanyard_base64url_encode ((const guint8 *) payload_json, strlen (payload_json));
  input = g_strdup_printf ("%s.%s", header64, payload64);

  data.data = (unsigned char *) input;
  data.size = strlen (input);
  g_assert_cmpint (gnutls_privkey_sign_data2 (key->private_key, key->sign, 0, &data, &signature), ==, 0);

  if (key->coordinate_size != 0)
    {
      /* DER → R || S of fixed size (RFC 7518 §3.4). */
      gnutls_datum_t     r, s;
      g_autofree guint8 *raw = g_malloc0 (2 * key->coordinate_size);
      guint              rs = 0, ss = 0;

      g_assert_cmpint (gnutls_decode_rs_value (&signature, &r, &s), ==, 0);
      while (r.size - rs > key->coordinate_size)
        rs++;
      while (s.size - ss > key->coordinate_size)
        ss++;
      memcpy (raw + key->coordinate_size - (r.size - rs), r.data + rs, r.size - rs);
      memcpy (raw + 2 * key->coordinate_size - (s.size - ss), s.data + ss, s.size - ss);
      signature64 = lanyard_base64url_encode (raw, 2 * key->coordinate_size);
      gnutls_free (r.data);
      gnutls_free (s.data);
    }
  else
    {
      signature64 = lanyard_base64url_encode (signature.data, signature.size);
    }
  gnutls_free (signature.data);

  return g_strdup_printf ("%s.%s", input, signature64);
}

/* What an attacker would send when a verifier takes the issuer's public
 * key as an HMAC secret. */
char *
test_jws_hs256 (const char *header_json,
                const char *payload_json,
                const char *secret)
{
  g_autofree char *header64 = lanyard_base64url_encode ((const guint8 *) header_json, strlen (header_json));
  g_autofree char *payload64 = lanyard_base64url_encode ((const guint8 *) payload_json, strlen (payload_json));
  g_autofree char *input = g_strdup_printf ("%s.%s", header64, payload64);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  guint8           digest[32];
  gsize            len = sizeof digest;
  g_autofree char *signature64 = NULL;

  g_hmac_update (hmac, (const guchar *) input, -1);
  g_hmac_get_digest (hmac, digest, &len);
  signature64 = lanyard_base64url_encode (digest, len);

  return g_strdup_printf ("%s.%s", input, signature64);
}
