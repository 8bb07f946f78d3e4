/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tokens in a real gnome-keyring on a private bus. */

#include "config.h"

#include <libsecret/secret.h>
#include <string.h>

#include "keyring-harness.h"
#include "lanyard-error.h"
#include "lanyard-token-store.h"
#include "test-util.h"

static KeyringHarness harness;

static LanyardTokenSet *
tokens (const char *access,
        const char *refresh)
{
  const char *const scopes[] = { "read_user", NULL };
  return lanyard_token_set_new (access, NULL, refresh, 1900000000, scopes, NULL);
}

static gboolean
save (LanyardTokenStore *store,
      const char        *account,
      LanyardTokenSet   *set,
      GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_token_store_save_async (store, "gitlab", account, "Lanyard: GitLab (tanuki)", set, NULL,
                                  test_store_result, &result);
  return lanyard_token_store_save_finish (store, test_wait_result (&result), error);
}

static LanyardTokenSet *
load (LanyardTokenStore *store,
      const char        *account,
      GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_token_store_load_async (store, "gitlab", account, NULL, test_store_result, &result);
  return lanyard_token_store_load_finish (store, test_wait_result (&result), error);
}

static gboolean delete (LanyardTokenStore *store,
                        const char        *account,
                        GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_token_store_delete_async (store, "gitlab", account, NULL, test_store_result, &result);
  return lanyard_token_store_delete_finish (store, test_wait_result (&result), error);
}

static void
test_save_load_replace_delete (void)
{
  g_autoptr(LanyardTokenStore) store = lanyard_token_store_new ();
  g_autoptr(LanyardTokenSet) first = tokens ("at-1", "rt-1");
  g_autoptr(LanyardTokenSet) rotated = tokens ("at-2", "rt-2");
  g_autoptr(LanyardTokenSet) other = tokens ("at-other", NULL);
  g_autoptr(LanyardTokenSet) back = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (save (store, "4242", first, &error));
  g_assert_no_error (error);
  g_assert_true (save (store, "7", other, &error));
  back = load (store, "4242", &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_token_set_equal (back, first));

  /* Replacing keeps one item per account. */
  save (store, "4242", rotated, &error);
  g_assert_no_error (error);
  g_clear_object (&back);
  back = load (store, "4242", &error);
  g_assert_true (lanyard_token_set_equal (back, rotated));

  g_assert_true (delete (store, "4242", &error));
  g_clear_object (&back);
  back = load (store, "4242", &error);
  g_assert_null (back);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The other account is untouched; deleting twice is fine. */
  g_clear_object (&back);
  back = load (store, "7", &error);
  g_assert_no_error (error);
  g_assert_true (delete (store, "4242", &error));
  g_assert_no_error (error);
}

static void
test_item_as_seen_in_seahorse (void)
{
  g_autoptr(LanyardTokenStore) store = lanyard_token_store_new ();
  g_autoptr(LanyardTokenSet) set = tokens ("at-label", "rt-label");
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *label = NULL;
  g_autofree char *schema = NULL;
  GList           *items;
  g_autoptr(GError) error = NULL;

  g_assert_true (save (store, "label-test", set, &error));

  service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  g_assert_no_error (error);
  g_hash_table_insert (attributes, (char *) "account", (char *) "label-test");
  items = secret_service_search_sync (service, NULL, attributes, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_item_get_label (items->data);
  schema = secret_item_get_schema_name (items->data);
  g_assert_cmpstr (label, ==, "Lanyard: GitLab (tanuki)");
  g_assert_cmpstr (schema, ==, LANYARD_TOKEN_SCHEMA);
  g_list_free_full (items, g_object_unref);
}

static void
test_locked_then_unlocked (void)
{
  g_autoptr(LanyardTokenStore) store = lanyard_token_store_new ();
  g_autoptr(LanyardTokenSet) set = tokens ("at-locked", "rt-locked");
  g_autoptr(LanyardTokenSet) back = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GError) error = NULL;
  GList *objects = NULL;

  g_assert_true (save (store, "locked", set, &error));

  service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  objects = g_list_append (objects, collection);
  g_assert_cmpint (secret_service_lock_sync (service, objects, NULL, NULL, &error), ==, 1);
  g_list_free (objects);

  /* Locked, and nobody can unlock it here: a clear error, nothing lost. */
  back = load (store, "locked", &error);
  g_assert_null (back);
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_LOCKED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (save (store, "locked", set, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);

  /* Unlocked again (the session's keyring restarts with its password). */
  keyring_harness_stop_keyring (&harness);
  secret_service_disconnect ();
  keyring_harness_start_keyring (&harness);
  back = load (store, "locked", &error);
  g_assert_no_error (error);
  g_assert_true (lanyard_token_set_equal (back, set));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  keyring_harness_up (&harness, TRUE);

  g_test_add_func ("/Lanyard/TokenStore/save-load-replace-delete", test_save_load_replace_delete);
  g_test_add_func ("/Lanyard/TokenStore/item-as-seen-in-seahorse", test_item_as_seen_in_seahorse);
  g_test_add_func ("/Lanyard/TokenStore/locked-then-unlocked", test_locked_then_unlocked);

  status = g_test_run ();
  secret_service_disconnect ();
  keyring_harness_down (&harness);
  return status;
}
