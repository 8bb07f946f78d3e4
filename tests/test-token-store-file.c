/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The token store on libsecret's file backend, the one it uses inside a
 * Flatpak (a keyring file of the application's own, its key from the
 * Secret portal; here from SECRET_FILE_TEST_PASSWORD). There is no Secret
 * Service on the bus, as in the sandbox. A lost keyring file is a lost
 * sign-in, not a missing keyring. */

#include "keyring-harness.h"
#include "lanyard-error.h"
#include "lanyard-token-store.h"
#include "test-util.h"

static KeyringHarness harness;
static char          *keyring_file;

static void
test_lost_item (void)
{
  g_autoptr(LanyardTokenStore) store = lanyard_token_store_new ();
  g_autoptr(LanyardTokenSet) tokens = lanyard_token_set_new ("at-file", NULL, "rt-file", 0, NULL, NULL);
  g_autoptr(LanyardTokenSet) back = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) lost = NULL;
  g_autoptr(GAsyncResult) deleted = NULL;
  g_autoptr(GError) error = NULL;

  lanyard_token_store_save_async (store, "gitlab", "7", "label", tokens, NULL, test_store_result, &saved);
  g_assert_true (lanyard_token_store_save_finish (store, test_wait_result (&saved), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (keyring_file, G_FILE_TEST_EXISTS));

  lanyard_token_store_load_async (store, "gitlab", "7", NULL, test_store_result, &loaded);
  back = lanyard_token_store_load_finish (store, test_wait_result (&loaded), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lanyard_token_set_get_access_token (back), ==, "at-file");

  /* An item that is not there (lost: libsecret reads the file once per
   * process, so the Flatpak test deletes it between two runs of the
   * daemon): "sign in again", which makes the account need attention,
   * never "start GNOME Keyring". */
  g_clear_object (&back);
  lanyard_token_store_load_async (store, "gitlab", "8", NULL, test_store_result, &lost);
  back = lanyard_token_store_load_finish (store, test_wait_result (&lost), &error);
  g_assert_null (back);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "sign in again"));
  g_clear_error (&error);

  /* Unlinking it deletes nothing, and that is no error. */
  lanyard_token_store_delete_async (store, "gitlab", "8", NULL, test_store_result, &deleted);
  g_assert_true (lanyard_token_store_delete_finish (store, test_wait_result (&deleted), &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* A bus with no Secret Service on it, as in the sandbox. */
  keyring_harness_up (&harness, FALSE);
  keyring_file = g_build_filename (harness.home, "file-backend.keyring", NULL);
  /* Before libsecret picks its backend, once per process. */
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring_file, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test-password", TRUE);

  g_test_add_func ("/Lanyard/TokenStore/file-backend-lost-item", test_lost_item);

  status = g_test_run ();
  keyring_harness_down (&harness);
  g_free (keyring_file);
  return status;
}
