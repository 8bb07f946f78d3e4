/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-account-store"

#include "lanyard-account-store.h"

#include <glib/gi18n.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-http.h"

/* The accounts file's format. A file of a later format is never
 * overwritten: the newer Lanyard that wrote it knows things this one does
 * not. */
#define STORE_FORMAT 1

/**
 * LanyardAccountStore:
 *
 * The linked accounts' metadata (never tokens) in one JSON file, usually
 * `$XDG_DATA_HOME/lanyard/accounts.json`, written atomically (temporary
 * file, fsync, rename), readable by its owner only.
 *
 * A file that cannot be read as Lanyard's is moved aside, with a message,
 * and the store starts empty; nothing is lost. A file from a newer version
 * makes the store read-only.
 */
struct _LanyardAccountStore
{
  GObject parent_instance;

  char      *path;
  GPtrArray *accounts;
  char      *problem;
  gboolean   read_only;
};

enum
{
  ACCOUNT_ADDED,
  ACCOUNT_REMOVED,
  CURRENT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LanyardAccountStore, lanyard_account_store, G_TYPE_OBJECT)

static void
lanyard_account_store_finalize (GObject *object)
{
  LanyardAccountStore *self = LANYARD_ACCOUNT_STORE (object);

  g_free (self->path);
  g_ptr_array_unref (self->accounts);
  g_free (self->problem);

  G_OBJECT_CLASS (lanyard_account_store_parent_class)->finalize (object);
}

static void
lanyard_account_store_class_init (LanyardAccountStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lanyard_account_store_finalize;

  /**
   * LanyardAccountStore::account-added:
   *
   * A new (provider, account id) was linked.
   */
  signals[ACCOUNT_ADDED] = g_signal_new ("account-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, LANYARD_TYPE_ACCOUNT);
  /**
   * LanyardAccountStore::account-removed:
   */
  signals[ACCOUNT_REMOVED] = g_signal_new ("account-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, LANYARD_TYPE_ACCOUNT);
  /**
   * LanyardAccountStore::current-changed:
   *
   * The current identity (lanyard_account_store_get_current()) may be
   * another account now.
   */
  signals[CURRENT_CHANGED] = g_signal_new ("current-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lanyard_account_store_init (LanyardAccountStore *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
}

LanyardAccountStore *
lanyard_account_store_new (const char *path)
{
  LanyardAccountStore *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (LANYARD_TYPE_ACCOUNT_STORE, NULL);
  self->path = g_strdup (path);
  return self;
}

const char *
lanyard_account_store_get_path (LanyardAccountStore *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_STORE (self), NULL);
  return self->path;
}

/**
 * lanyard_account_store_get_problem:
 *
 * Returns: (nullable): what went wrong with the file at load (moved aside,
 *   newer version), for the person
 */
const char *
lanyard_account_store_get_problem (LanyardAccountStore *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_STORE (self), NULL);
  return self->problem;
}

gboolean
lanyard_account_store_is_read_only (LanyardAccountStore *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_STORE (self), TRUE);
  return self->read_only;
}

static gboolean
move_aside (LanyardAccountStore *self,
            const char          *why,
            GError             **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *aside = g_strdup_printf ("%s.unreadable-%s", self->path, stamp);

  if (g_rename (self->path, aside) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _ ("The accounts file %s %s, and could not be moved aside: %s"),
                   self->path, why, g_strerror (saved));
      return FALSE;
    }

  g_free (self->problem);
  self->problem = g_strdup_printf (_ ("The accounts file %s %s. It was kept as %s, and Lanyard started with no accounts; "
                                      "your tokens are still in the keyring, so linking the accounts again restores them."),
                                   self->path, why, aside);
  g_message ("%s", self->problem);
  return TRUE;
}

/**
 * lanyard_account_store_load:
 *
 * Reads the file. A missing file is an empty store. Fails only when the
 * file can neither be read nor moved aside.
 */
gboolean
lanyard_account_store_load (LanyardAccountStore *self,
                            GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autofree char *contents = NULL;
  gsize            length;
  JsonNode        *format_node, *accounts_node;
  JsonArray       *array;
  gint64           format;

  g_return_val_if_fail (LANYARD_IS_ACCOUNT_STORE (self), FALSE);

  g_ptr_array_set_size (self->accounts, 0);
  g_clear_pointer (&self->problem, g_free);
  self->read_only = FALSE;

  if (!g_file_get_contents (self->path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "The accounts file cannot be read: ");
      return FALSE;
    }

  root = lanyard_json_parse_object (contents, length);
  format_node = root != NULL ? json_object_get_member (root, "format") : NULL;
  if (format_node == NULL || !JSON_NODE_HOLDS_VALUE (format_node) ||
      json_node_get_value_type (format_node) != G_TYPE_INT64)
    return move_aside (self, "is damaged or not Lanyard's", error);

  format = json_node_get_int (format_node);
  if (format > STORE_FORMAT)
    {
      self->read_only = TRUE;
      self->problem = g_strdup_printf ("The accounts file %s was written by a newer version of Lanyard (format %" G_GINT64_FORMAT "). "
                                       "It is left as it is; changes to accounts are refused until that version runs again.",
                                       self->path, format);
      g_message ("%s", self->problem);
      return TRUE;
    }

  accounts_node = json_object_get_member (root, "accounts");
  if (format < 1 || accounts_node == NULL || !JSON_NODE_HOLDS_ARRAY (accounts_node))
    return move_aside (self, "is damaged or not Lanyard's", error);

  array = json_node_get_array (accounts_node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode       *element = json_array_get_element (array, i);
      LanyardAccount *account = NULL;

      if (JSON_NODE_HOLDS_OBJECT (element))
        account = lanyard_account_new_from_json (json_node_get_object (element), NULL);

      if (account == NULL ||
          lanyard_account_store_lookup (self, lanyard_account_get_provider_id (account),
                                        lanyard_account_get_account_id (account)) != NULL)
        {
          g_clear_object (&account);
          g_ptr_array_set_size (self->accounts, 0);
          return move_aside (self, "has a damaged or duplicated account entry", error);
        }

      g_ptr_array_add (self->accounts, account);
    }

  return TRUE;
}

/**
 * lanyard_account_store_save:
 *
 * Writes the file atomically: a crash leaves the old or the new file, never
 * half of one.
 */
gboolean
lanyard_account_store_save (LanyardAccountStore *self,
                            GError             **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (LANYARD_IS_ACCOUNT_STORE (self), FALSE);

  if (self->read_only)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED, "%s", self->problem);
      return FALSE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, STORE_FORMAT);
  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->accounts->len; i++)
    json_builder_add_value (builder, lanyard_account_to_json (g_ptr_array_index (self->accounts, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, TRUE);

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _ ("Could not create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  return g_file_set_contents_full (self->path, json, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/**
 * lanyard_account_store_get_accounts:
 *
 * Returns: (transfer none) (element-type LanyardAccount): in linking order
 */
GPtrArray *
lanyard_account_store_get_accounts (LanyardAccountStore *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_STORE (self), NULL);
  return self->accounts;
}

/**
 * lanyard_account_store_lookup:
 *
 * Returns: (transfer none) (nullable):
 */
LanyardAccount *
lanyard_account_store_lookup (LanyardAccountStore *self,
                              const char          *provider_id,
                              const char          *account_id)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_STORE (self), NULL);

  for (guint i = 0; i < self->accounts->len; i++)
    {
      LanyardAccount *account = g_ptr_array_index (self->accounts, i);

      if (g_strcmp0 (lanyard_account_get_provider_id (account), provider_id) == 0 &&
          g_strcmp0 (lanyard_account_get_account_id (account), account_id) == 0)
        return account;
    }

  return NULL;
}

/**
 * lanyard_account_store_get_current:
 *
 * The current identity: the primary account; when none is primary, the
 * account linked first (the oldest `linked_at`, then the first in the
 * file). Documented in docs/dbus-api.md.
 *
 * Returns: (transfer none) (nullable):
 */
LanyardAccount *
lanyard_account_store_get_current (LanyardAccountStore *self)
{
  LanyardAccount *first = NULL;

  g_return_val_if_fail (LANYARD_IS_ACCOUNT_STORE (self), NULL);

  for (guint i = 0; i < self->accounts->len; i++)
    {
      LanyardAccount *account = g_ptr_array_index (self->accounts, i);

      if (lanyard_account_get_primary (account))
        return account;
      if (first == NULL || lanyard_account_get_linked_at (account) < lanyard_account_get_linked_at (first))
        first = account;
    }

  return first;
}

/**
 * lanyard_account_store_link:
 * @created: (out) (optional): whether a new account was added
 *
 * Links @identity: a (provider, account id) already linked is updated,
 * never duplicated. Call lanyard_account_store_save() after.
 *
 * Returns: (transfer none): the account
 */
LanyardAccount *
lanyard_account_store_link (LanyardAccountStore *self,
                            LanyardIdentity     *identity,
                            gint64               now,
                            gboolean            *created)
{
  LanyardAccount *before = lanyard_account_store_get_current (self);
  LanyardAccount *account;

  g_return_val_if_fail (LANYARD_IS_ACCOUNT_STORE (self), NULL);

  account = lanyard_account_store_lookup (self, lanyard_identity_get_provider_id (identity),
                                          lanyard_identity_get_account_id (identity));
  if (created != NULL)
    *created = account == NULL;

  if (account != NULL)
    {
      lanyard_account_update_identity (account, identity);
      if (account == before)
        g_signal_emit (self, signals[CURRENT_CHANGED], 0);
      return account;
    }

  account = lanyard_account_new_from_identity (identity, now);
  g_ptr_array_add (self->accounts, account);
  g_signal_emit (self, signals[ACCOUNT_ADDED], 0, account);
  if (lanyard_account_store_get_current (self) != before)
    g_signal_emit (self, signals[CURRENT_CHANGED], 0);

  return account;
}

void
lanyard_account_store_remove (LanyardAccountStore *self,
                              LanyardAccount      *account)
{
  g_autoptr(LanyardAccount) removed = NULL;
  LanyardAccount *before;
  guint           index;

  g_return_if_fail (LANYARD_IS_ACCOUNT_STORE (self));

  if (!g_ptr_array_find (self->accounts, account, &index))
    return;

  before = lanyard_account_store_get_current (self);
  removed = g_ptr_array_steal_index (self->accounts, index);
  g_signal_emit (self, signals[ACCOUNT_REMOVED], 0, removed);
  if (removed == before)
    g_signal_emit (self, signals[CURRENT_CHANGED], 0);
}

/**
 * lanyard_account_store_set_primary:
 * @account: (nullable): the new primary account, or %NULL for none
 */
void
lanyard_account_store_set_primary (LanyardAccountStore *self,
                                   LanyardAccount      *account)
{
  LanyardAccount *before;

  g_return_if_fail (LANYARD_IS_ACCOUNT_STORE (self));

  before = lanyard_account_store_get_current (self);
  for (guint i = 0; i < self->accounts->len; i++)
    {
      LanyardAccount *candidate = g_ptr_array_index (self->accounts, i);
      lanyard_account_set_primary (candidate, candidate == account);
    }

  if (lanyard_account_store_get_current (self) != before)
    g_signal_emit (self, signals[CURRENT_CHANGED], 0);
}
