/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-token-store"

#include "config.h"

#include <glib/gi18n.h>

#include "lanyard-token-store.h"

#include <libsecret/secret.h>
#include <string.h>

#include "lanyard-error.h"

/**
 * LanyardTokenStore:
 *
 * Tokens in the Secret Service (GNOME Keyring, KWallet, or the Secret
 * portal inside a Flatpak), one item per account under Lanyard's own schema,
 * with the attributes `provider` and `account` and a label a person
 * recognises in Seahorse.
 *
 * There is no other place: when the Secret Service is missing or locked,
 * every call fails with %LANYARD_ERROR_KEYRING_UNAVAILABLE or
 * %LANYARD_ERROR_KEYRING_LOCKED, and nothing is deleted or written
 * anywhere else.
 */
struct _LanyardTokenStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (LanyardTokenStore, lanyard_token_store, G_TYPE_OBJECT)

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    LANYARD_TOKEN_SCHEMA,
    SECRET_SCHEMA_NONE,
    {
      { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL
  };
  return &schema;
}

static void
lanyard_token_store_class_init (LanyardTokenStoreClass *klass)
{
}

static void
lanyard_token_store_init (LanyardTokenStore *self)
{
}

LanyardTokenStore *
lanyard_token_store_new (void)
{
  return g_object_new (LANYARD_TYPE_TOKEN_STORE, NULL);
}

static GHashTable *
attributes_for (const char *provider_id,
                const char *account_id)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (char *) "provider", (char *) provider_id);
  g_hash_table_insert (attributes, (char *) "account", (char *) account_id);
  return attributes;
}

/* Whether libsecret keeps the items in a file of its own rather than in
 * the Secret Service: the choice libsecret makes (SECRET_BACKEND, else the
 * file backend inside a Flatpak), which its API does not expose. That file
 * has no locked items, and there is no Secret Service to ask about them. */
static gboolean
uses_file_backend (void)
{
  const char *backend = g_getenv ("SECRET_BACKEND");

  if (backend != NULL)
    return g_str_equal (backend, "file");
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/**
 * lanyard_token_store_keyring_error:
 *
 * What libsecret says, in words a person can act on (also for the
 * registration access tokens of #LanyardServerStore).
 *
 * Returns: (transfer full):
 */
GError *
lanyard_token_store_keyring_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
      (error->domain == G_DBUS_ERROR && strstr (error->message, "locked") != NULL))
    return g_error_new (LANYARD_ERROR, LANYARD_ERROR_KEYRING_LOCKED,
                        _ ("The keyring is locked. Unlock it (for example in “Passwords and Keys”) and try again; "
                           "nothing was lost."));

  return g_error_new (LANYARD_ERROR, LANYARD_ERROR_KEYRING_UNAVAILABLE,
                      _ ("No keyring (Secret Service) is available, and Lanyard keeps tokens nowhere else. "
                         "Start GNOME Keyring or KWallet and try again; nothing was lost. (%s)"),
                      error->message);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, lanyard_token_store_keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * lanyard_token_store_save_async:
 * @label: what the keyring shows, e.g. "Lanyard: GitHub (octocat)"
 *
 * Stores or replaces the account's tokens. Callers store a rotated refresh
 * token before they use it.
 */
void
lanyard_token_store_save_async (LanyardTokenStore  *self,
                                const char         *provider_id,
                                const char         *account_id,
                                const char         *label,
                                LanyardTokenSet    *tokens,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *secret = NULL;

  g_return_if_fail (LANYARD_IS_TOKEN_STORE (self));
  g_return_if_fail (LANYARD_IS_TOKEN_SET (tokens));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_token_store_save_async);

  attributes = attributes_for (provider_id, account_id);
  secret = lanyard_token_set_to_json (tokens);
  secret_password_storev (token_schema (), attributes, SECRET_COLLECTION_DEFAULT, label, secret,
                          cancellable, save_cb, g_steal_pointer (&task));
  memset (secret, 0, strlen (secret));
}

gboolean
lanyard_token_store_save_finish (LanyardTokenStore *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
locked_search_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GList *items;

  items = secret_service_search_finish (SECRET_SERVICE (object), result, &error);
  if (error != NULL)
    g_task_return_error (task, lanyard_token_store_keyring_error (error));
  else if (items != NULL)
    g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_KEYRING_LOCKED,
                             _ ("The keyring is locked. Unlock it (for example in “Passwords and Keys”) and try again; "
                                "nothing was lost."));
  else
    g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                             _ ("The keyring holds no tokens for this account; sign in again"));

  g_list_free_full (items, g_object_unref);
}

static void
service_for_search_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) error = NULL;

  service = secret_service_get_finish (result, &error);
  if (service == NULL)
    {
      g_task_return_error (task, lanyard_token_store_keyring_error (error));
      return;
    }

  /* Without unlocking: does a locked item exist? */
  secret_service_search (service, token_schema (), g_task_get_task_data (task), SECRET_SEARCH_ALL,
                         g_task_get_cancellable (task), locked_search_cb, g_object_ref (task));
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char            *secret;
  LanyardTokenSet *tokens;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, lanyard_token_store_keyring_error (error));
      return;
    }

  /* libsecret answers "nothing" when the item is in a locked collection it
   * could not unlock. Telling that from "no such item" matters: the first
   * must never look like a lost account. Libsecret's file backend (inside
   * a Flatpak: a keyring file of the application's own, its key from the
   * Secret portal) has no locking, so there nothing found is a lost item. */
  if (secret == NULL && uses_file_backend ())
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                               _ ("The keyring holds no tokens for this account; sign in again"));
      return;
    }
  if (secret == NULL)
    {
      secret_service_get (SECRET_SERVICE_NONE, g_task_get_cancellable (task),
                          service_for_search_cb, g_object_ref (task));
      return;
    }

  tokens = lanyard_token_set_new_from_json (secret, &error);
  secret_password_free (secret);
  if (tokens == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, tokens, g_object_unref);
}

void
lanyard_token_store_load_async (LanyardTokenStore  *self,
                                const char         *provider_id,
                                const char         *account_id,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (LANYARD_IS_TOKEN_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_token_store_load_async);

  /* The attributes are kept for the locked-item check; they must own
   * their strings for that. */
  attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (attributes, (char *) "provider", g_strdup (provider_id));
  g_hash_table_insert (attributes, (char *) "account", g_strdup (account_id));
  g_task_set_task_data (task, g_hash_table_ref (attributes), (GDestroyNotify) g_hash_table_unref);
  secret_password_lookupv (token_schema (), attributes, cancellable, load_cb, g_steal_pointer (&task));
}

/**
 * lanyard_token_store_load_finish:
 *
 * Returns: (transfer full): the tokens; %LANYARD_ERROR_NOT_FOUND when the
 *   keyring has none for the account
 */
LanyardTokenSet *
lanyard_token_store_load_finish (LanyardTokenStore *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* Nothing to delete is as good as deleted. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, lanyard_token_store_keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
lanyard_token_store_delete_async (LanyardTokenStore  *self,
                                  const char         *provider_id,
                                  const char         *account_id,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (LANYARD_IS_TOKEN_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_token_store_delete_async);

  attributes = attributes_for (provider_id, account_id);
  secret_password_clearv (token_schema (), attributes, cancellable, delete_cb, g_steal_pointer (&task));
}

gboolean
lanyard_token_store_delete_finish (LanyardTokenStore *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
