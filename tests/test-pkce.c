/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "lanyard-pkce.h"

static void
test_rfc7636_vector (void)
{
  g_autofree char *challenge = lanyard_pkce_challenge_s256 ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_second_vector (void)
{
  g_autofree char *challenge = lanyard_pkce_challenge_s256 ("ks02i3jdikdo2k0dkfodf3m39rjfjsdk0wk349rj3jrhf");

  g_assert_cmpstr (challenge, ==, "2i0WFA-0AerkjQm4X4oDEhqA17QIAKNjXpagHBXmO_U");
}

static void
test_invalid_verifiers (void)
{
  g_autofree char *too_long = g_strnfill (129, 'a');

  /* RFC 7636 §4.1: 43 to 128 unreserved characters. */
  g_assert_null (lanyard_pkce_challenge_s256 (NULL));
  g_assert_null (lanyard_pkce_challenge_s256 ("short"));
  g_assert_null (lanyard_pkce_challenge_s256 (too_long));
  g_assert_null (lanyard_pkce_challenge_s256 ("dBjftJeZ4CVP+mB92K27uhbUJU1p1r/wW1gFWFOEjXk"));
  g_assert_false (lanyard_pkce_verifier_is_valid ("dBjftJeZ4CVP mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
  g_assert_true (lanyard_pkce_verifier_is_valid ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEj.~"));
}

static void
test_new_verifier (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 200; i++)
    {
      char            *verifier = lanyard_pkce_new_verifier ();
      g_autofree char *challenge = lanyard_pkce_challenge_s256 (verifier);

      g_assert_true (lanyard_pkce_verifier_is_valid (verifier));
      g_assert_cmpuint (strlen (verifier), ==, 43);
      g_assert_nonnull (challenge);
      g_assert_cmpuint (strlen (challenge), ==, 43);
      g_assert_false (g_hash_table_contains (seen, verifier));
      g_hash_table_add (seen, verifier);
    }
}

static void
test_base64url (void)
{
  const guint8     bytes[] = { 0xfb, 0xff, 0xfe, 0x00 };
  g_autofree char *one = lanyard_base64url_encode (bytes, 1);
  g_autofree char *three = lanyard_base64url_encode (bytes, 3);
  g_autofree char *four = lanyard_base64url_encode (bytes, 4);

  /* "+", "/" become "-", "_"; padding is dropped. */
  g_assert_cmpstr (one, ==, "-w");
  g_assert_cmpstr (three, ==, "-__-");
  g_assert_cmpstr (four, ==, "-__-AA");
}

static void
test_random_token (void)
{
  g_autofree char *a = lanyard_random_token (32);
  g_autofree char *b = lanyard_random_token (32);

  g_assert_cmpuint (strlen (a), ==, 43);
  g_assert_cmpstr (a, !=, b);
}

static void
test_constant_time_equal (void)
{
  g_assert_true (lanyard_constant_time_equal ("abc", "abc"));
  g_assert_false (lanyard_constant_time_equal ("abc", "abd"));
  g_assert_false (lanyard_constant_time_equal ("abc", "abcd"));
  g_assert_false (lanyard_constant_time_equal ("abcd", "abc"));
  g_assert_false (lanyard_constant_time_equal ("abc", ""));
  g_assert_false (lanyard_constant_time_equal (NULL, "abc"));
  g_assert_false (lanyard_constant_time_equal ("abc", NULL));
  g_assert_false (lanyard_constant_time_equal (NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Lanyard/Pkce/rfc7636", test_rfc7636_vector);
  g_test_add_func ("/Lanyard/Pkce/second-vector", test_second_vector);
  g_test_add_func ("/Lanyard/Pkce/invalid-verifiers", test_invalid_verifiers);
  g_test_add_func ("/Lanyard/Pkce/new-verifier", test_new_verifier);
  g_test_add_func ("/Lanyard/Pkce/base64url", test_base64url);
  g_test_add_func ("/Lanyard/Pkce/random-token", test_random_token);
  g_test_add_func ("/Lanyard/Pkce/constant-time-equal", test_constant_time_equal);

  return g_test_run ();
}
