/* SPDX-License-Identifier: GPL-3.0-or-later */
/* No Secret Service on the bus: clear errors, and no token anywhere else. */

#include "keyring-harness.h"
#include "lanyard-error.h"
#include "lanyard-token-store.h"
#include "test-util.h"

static KeyringHarness harness;

static void
test_absent (void)
{
  g_autoptr(LanyardTokenStore) store = lanyard_token_store_new ();
  g_autoptr(LanyardTokenSet) tokens = lanyard_token_set_new ("at-nowhere", NULL, "rt-nowhere", 0, NULL, NULL);
  g_autoptr(LanyardTokenSet) back = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) deleted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;

  lanyard_token_store_save_async (store, "gitlab", "1", "label", tokens, NULL, test_store_result, &saved);
  g_assert_false (lanyard_token_store_save_finish (store, test_wait_result (&saved), &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_UNAVAILABLE);
  g_assert_true (g_str_has_prefix (error->message, "No keyring (Secret Service) is available, and Lanyard keeps tokens nowhere else."));
  g_clear_error (&error);

  lanyard_token_store_load_async (store, "gitlab", "1", NULL, test_store_result, &loaded);
  back = lanyard_token_store_load_finish (store, test_wait_result (&loaded), &error);
  g_assert_null (back);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);

  lanyard_token_store_delete_async (store, "gitlab", "1", NULL, test_store_result, &deleted);
  g_assert_false (lanyard_token_store_delete_finish (store, test_wait_result (&deleted), &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_UNAVAILABLE);

  /* No fallback file: the token is nowhere under the test's directories. */
  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  g_mkdir_with_parents (g_get_user_config_dir (), 0700);
  command = g_strdup_printf ("grep -rq at-nowhere '%s' '%s' '%s'; test $? -eq 1", harness.home,
                             g_get_user_data_dir (), g_get_user_config_dir ());
  g_assert_cmpint (system (command), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  keyring_harness_up (&harness, FALSE);

  g_test_add_func ("/Lanyard/TokenStore/keyring-absent", test_absent);

  status = g_test_run ();
  keyring_harness_down (&harness);
  return status;
}
