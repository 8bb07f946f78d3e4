/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-server-store"

#include "config.h"

#include <glib/gi18n.h>

#include "lanyard-server-store.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-registration.h"
#include "lanyard-token-store.h"

/**
 * LanyardServerStore:
 *
 * The servers a person added by their address (issue 17): their provider
 * settings in `$XDG_DATA_HOME/lanyard/servers.conf`, a key file that
 * Lanyard owns and writes atomically (temporary file, fsync, rename),
 * readable by its owner only; and the registration access token of each
 * (RFC 7592) in the keyring, one item per server under Lanyard's
 * registration schema, with the attribute `provider`. The token is never
 * in the file.
 *
 * Unlike `providers.conf`, which a person or administrator writes, this
 * file is Lanyard's: a group it cannot use is skipped with a message, and
 * a file it cannot read is left alone (never overwritten) until it is
 * fixed or removed.
 */
struct _LanyardServerStore
{
  GObject parent_instance;

  char      *path;
  GPtrArray *records; /* LanyardServerRecord */
  gboolean   read_only; /* the file could not be read: never overwrite it */
};

G_DEFINE_FINAL_TYPE (LanyardServerStore, lanyard_server_store, G_TYPE_OBJECT)

void
lanyard_server_record_free (LanyardServerRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->id);
  g_free (record->type);
  g_free (record->address);
  g_free (record->client_id);
  g_free (record->display_name);
  g_free (record->registration_client_uri);
  g_free (record);
}

static void
lanyard_server_store_finalize (GObject *object)
{
  LanyardServerStore *self = LANYARD_SERVER_STORE (object);

  g_free (self->path);
  g_ptr_array_unref (self->records);

  G_OBJECT_CLASS (lanyard_server_store_parent_class)->finalize (object);
}

static void
lanyard_server_store_class_init (LanyardServerStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lanyard_server_store_finalize;
}

static void
lanyard_server_store_init (LanyardServerStore *self)
{
  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) lanyard_server_record_free);
}

LanyardServerStore *
lanyard_server_store_new (const char *path)
{
  LanyardServerStore *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (LANYARD_TYPE_SERVER_STORE, NULL);
  self->path = g_strdup (path);
  return self;
}

const char *
lanyard_server_store_get_path (LanyardServerStore *self)
{
  g_return_val_if_fail (LANYARD_IS_SERVER_STORE (self), NULL);
  return self->path;
}

static gboolean
client_id_is_valid (const char *value)
{
  if (value == NULL || value[0] == '\0' || strlen (value) > LANYARD_REGISTRATION_MAX_CLIENT_ID)
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p < 0x21 || (guchar) *p > 0x7e)
      return FALSE;
  return TRUE;
}

static LanyardServerRecord *
read_group (GKeyFile   *key_file,
            const char *group,
            GError    **error)
{
  g_autoptr(LanyardServerRecord) record = g_new0 (LanyardServerRecord, 1);
  g_autofree char *port = NULL;
  g_autofree char *registered = NULL;
  guint64          number = 0;

  if (!g_str_has_prefix (group, "provider ") || !lanyard_provider_id_is_valid (group + strlen ("provider ")))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED, _ ("the group [%s] is not [provider ID]"), group);
      return NULL;
    }
  record->id = g_strdup (group + strlen ("provider "));
  record->type = g_key_file_get_string (key_file, group, "type", NULL);
  record->address = g_key_file_get_string (key_file, group, "address", NULL);
  record->client_id = g_key_file_get_string (key_file, group, "client_id", NULL);
  record->display_name = g_key_file_get_string (key_file, group, "display_name", NULL);
  record->registration_client_uri = g_key_file_get_string (key_file, group, "registration_client_uri", NULL);
  port = g_key_file_get_string (key_file, group, "redirect_port", NULL);
  registered = g_key_file_get_string (key_file, group, "registered", NULL);

  if (g_strcmp0 (record->type, "gitlab") != 0 && g_strcmp0 (record->type, "oidc") != 0)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED, _ ("“type” must be gitlab or oidc"));
      return NULL;
    }
  if (record->address == NULL || !lanyard_url_is_acceptable (record->address, NULL))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED, _ ("“address” is not a usable https:// address"));
      return NULL;
    }
  if (!client_id_is_valid (record->client_id))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED, _ ("“client_id” is missing or not printable ASCII"));
      return NULL;
    }
  if (record->registration_client_uri != NULL && !lanyard_url_is_acceptable (record->registration_client_uri, NULL))
    g_clear_pointer (&record->registration_client_uri, g_free);
  if (port != NULL && (!g_ascii_string_to_unsigned (port, 10, 0, 65535, &number, NULL)))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED, _ ("“redirect_port” is not a port number"));
      return NULL;
    }
  record->redirect_port = (guint) number;
  record->registered = g_strcmp0 (registered, "true") == 0;
  if (record->display_name != NULL && (!g_utf8_validate (record->display_name, -1, NULL) || strlen (record->display_name) > LANYARD_REGISTRATION_MAX_NAME))
    g_clear_pointer (&record->display_name, g_free);

  return g_steal_pointer (&record);
}

/**
 * lanyard_server_store_load:
 *
 * Reads the file; a missing one is an empty list. A group Lanyard cannot
 * use is skipped with a message; a file it cannot read at all fails, and
 * the store then never writes over it.
 */
gboolean
lanyard_server_store_load (LanyardServerStore *self,
                           GError            **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;

  g_return_val_if_fail (LANYARD_IS_SERVER_STORE (self), FALSE);

  g_ptr_array_set_size (self->records, 0);
  if (!g_key_file_load_from_file (key_file, self->path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      self->read_only = TRUE;
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED,
                   _ ("The file of the servers added by their address, %s, cannot be read (%s); those servers are "
                      "not available, and Lanyard leaves the file as it is."),
                   self->path, local_error->message);
      return FALSE;
    }

  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autoptr(GError) group_error = NULL;
      LanyardServerRecord *record = read_group (key_file, groups[i], &group_error);

      if (record == NULL)
        {
          g_autofree char *group = g_utf8_make_valid (groups[i], -1);

          g_message ("%s: [%s] skipped: %s", self->path, group, group_error->message);
          continue;
        }
      if (lanyard_server_store_lookup (self, record->id) != NULL)
        {
          lanyard_server_record_free (record);
          continue;
        }
      g_ptr_array_add (self->records, record);
    }
  return TRUE;
}

/**
 * lanyard_server_store_save:
 *
 * Writes the file atomically: a crash leaves the old or the new file.
 */
gboolean
lanyard_server_store_save (LanyardServerStore *self,
                           GError            **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *data = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (LANYARD_IS_SERVER_STORE (self), FALSE);

  if (self->read_only)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED,
                   _ ("%s could not be read when Lanyard started, so Lanyard does not write over it; move it away "
                      "and try again."),
                   self->path);
      return FALSE;
    }

  g_key_file_set_comment (key_file, NULL, NULL,
                          " Servers added in Lanyard by their address. Written by Lanyard: edit providers.conf instead.",
                          NULL);
  for (guint i = 0; i < self->records->len; i++)
    {
      LanyardServerRecord *record = g_ptr_array_index (self->records, i);
      g_autofree char     *group = g_strconcat ("provider ", record->id, NULL);

      g_key_file_set_string (key_file, group, "type", record->type);
      g_key_file_set_string (key_file, group, "address", record->address);
      g_key_file_set_string (key_file, group, "client_id", record->client_id);
      if (record->display_name != NULL)
        g_key_file_set_string (key_file, group, "display_name", record->display_name);
      if (record->redirect_port != 0)
        g_key_file_set_integer (key_file, group, "redirect_port", (int) record->redirect_port);
      if (record->registration_client_uri != NULL)
        g_key_file_set_string (key_file, group, "registration_client_uri", record->registration_client_uri);
      g_key_file_set_string (key_file, group, "registered", record->registered ? "true" : "false");
    }
  data = g_key_file_to_data (key_file, NULL, NULL);

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _ ("Could not create %s: %s"), dir,
                   g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (self->path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/**
 * lanyard_server_store_get_records:
 *
 * Returns: (transfer none) (element-type LanyardServerRecord):
 */
GPtrArray *
lanyard_server_store_get_records (LanyardServerStore *self)
{
  g_return_val_if_fail (LANYARD_IS_SERVER_STORE (self), NULL);
  return self->records;
}

/**
 * lanyard_server_store_lookup:
 *
 * Returns: (transfer none) (nullable):
 */
LanyardServerRecord *
lanyard_server_store_lookup (LanyardServerStore *self,
                             const char         *id)
{
  g_return_val_if_fail (LANYARD_IS_SERVER_STORE (self), NULL);

  for (guint i = 0; i < self->records->len; i++)
    {
      LanyardServerRecord *record = g_ptr_array_index (self->records, i);

      if (g_strcmp0 (record->id, id) == 0)
        return record;
    }
  return NULL;
}

/**
 * lanyard_server_store_find_address:
 *
 * Returns: (transfer none) (nullable): the server added with @address
 */
LanyardServerRecord *
lanyard_server_store_find_address (LanyardServerStore *self,
                                   const char         *address)
{
  g_return_val_if_fail (LANYARD_IS_SERVER_STORE (self), NULL);

  for (guint i = 0; i < self->records->len; i++)
    {
      LanyardServerRecord *record = g_ptr_array_index (self->records, i);

      if (g_strcmp0 (record->address, address) == 0)
        return record;
    }
  return NULL;
}

/**
 * lanyard_server_store_add:
 * @record: (transfer full):
 *
 * Adds @record, replacing one of the same id. Call
 * lanyard_server_store_save() to keep it.
 */
void
lanyard_server_store_add (LanyardServerStore  *self,
                          LanyardServerRecord *record)
{
  g_return_if_fail (LANYARD_IS_SERVER_STORE (self));

  lanyard_server_store_remove (self, record->id);
  g_ptr_array_add (self->records, record);
}

gboolean
lanyard_server_store_remove (LanyardServerStore *self,
                             const char         *id)
{
  LanyardServerRecord *record;

  g_return_val_if_fail (LANYARD_IS_SERVER_STORE (self), FALSE);

  record = lanyard_server_store_lookup (self, id);
  return record != NULL && g_ptr_array_remove (self->records, record);
}

/**
 * lanyard_server_store_make_config:
 *
 * The provider configuration of @record, as if a person had written it in
 * `providers.conf`: the registry validates and loads it the same way.
 *
 * Returns: (transfer full):
 */
LanyardProviderConfig *
lanyard_server_store_make_config (LanyardServerStore  *self,
                                  LanyardServerRecord *record)
{
  g_autofree char       *source = g_strdup_printf (_ ("added by its address, in %s"), self->path);
  LanyardProviderConfig *config = lanyard_provider_config_new (record->id, source);

  lanyard_provider_config_set (config, "type", record->type);
  lanyard_provider_config_set (config, "client_id", record->client_id);
  lanyard_provider_config_set (config, g_str_equal (record->type, "gitlab") ? "base_url" : "issuer", record->address);
  if (record->display_name != NULL)
    lanyard_provider_config_set (config, "display_name", record->display_name);
  if (record->redirect_port != 0)
    {
      g_autofree char *port = g_strdup_printf ("%u", record->redirect_port);
      lanyard_provider_config_set (config, "redirect_port", port);
    }
  return config;
}

/* The keyring. */

static const SecretSchema *
registration_schema (void)
{
  static const SecretSchema schema = {
    LANYARD_REGISTRATION_SCHEMA,
    SECRET_SCHEMA_NONE,
    {
      { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
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
save_token_cb (GObject      *object,
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
 * lanyard_server_store_save_token_async:
 * @token: the registration access token (a secret)
 *
 * Keeps @token in the keyring, replacing one kept for @id.
 */
void
lanyard_server_store_save_token_async (LanyardServerStore *self,
                                       const char         *id,
                                       const char         *label,
                                       const char         *token,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, lanyard_server_store_save_token_async);
  secret_password_store (registration_schema (), SECRET_COLLECTION_DEFAULT, label, token, cancellable, save_token_cb,
                         g_steal_pointer (&task), "provider", id, NULL);
}

gboolean
lanyard_server_store_save_token_finish (LanyardServerStore *self,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_token_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, lanyard_token_store_keyring_error (error));
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
}

/**
 * lanyard_server_store_lookup_token_async:
 *
 * Reads the registration access token of @id; %NULL without an error when
 * none is kept.
 */
void
lanyard_server_store_lookup_token_async (LanyardServerStore *self,
                                         const char         *id,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, lanyard_server_store_lookup_token_async);
  secret_password_lookup (registration_schema (), cancellable, lookup_token_cb, g_steal_pointer (&task), "provider", id,
                          NULL);
}

/**
 * lanyard_server_store_lookup_token_finish:
 *
 * Returns: (transfer full) (nullable): free with secret_password_free()
 */
char *
lanyard_server_store_lookup_token_finish (LanyardServerStore *self,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
delete_token_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, lanyard_token_store_keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
lanyard_server_store_delete_token_async (LanyardServerStore *self,
                                         const char         *id,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, lanyard_server_store_delete_token_async);
  secret_password_clear (registration_schema (), cancellable, delete_token_cb, g_steal_pointer (&task), "provider", id,
                         NULL);
}

gboolean
lanyard_server_store_delete_token_finish (LanyardServerStore *self,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
