/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-jwks-cache"

#include "lanyard-jwks-cache.h"

#include <glib/gi18n.h>

#include "lanyard-error.h"
#include "lanyard-http.h"
#include "lanyard-jose.h"

/* Without caching headers, keys are kept this long; whatever the headers
 * say, no longer than a day, so that a rotation is noticed. */
#define DEFAULT_LIFETIME_SECONDS (60 * 60)
#define MAX_LIFETIME_SECONDS (24 * 60 * 60)

/**
 * LanyardJwksCache:
 *
 * The issuers' key sets, by URI, kept as long as their HTTP caching headers
 * allow. A token signed with a key id the cached set lacks (the issuer
 * rotated its keys) asks for a re-fetch, which happens at most once per
 * %LANYARD_JWKS_REFETCH_INTERVAL_SECONDS per URI, so that forged tokens
 * cannot make Lanyard hammer an issuer. Concurrent requests for the same
 * set share one fetch.
 */
struct _LanyardJwksCache
{
  GObject parent_instance;

  SoupSession *session;
  GHashTable  *entries; /* uri → Entry */
};

typedef struct
{
  GPtrArray *keys; /* nullable until the first fetch */
  gint64     refetched_at; /* monotonic µs of the last forced re-fetch */
  gint64     expires_at; /* monotonic µs */
  GPtrArray *waiting; /* GTask, while a fetch runs */
} Entry;

G_DEFINE_FINAL_TYPE (LanyardJwksCache, lanyard_jwks_cache, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_clear_pointer (&entry->keys, g_ptr_array_unref);
  g_clear_pointer (&entry->waiting, g_ptr_array_unref);
  g_free (entry);
}

static void
lanyard_jwks_cache_finalize (GObject *object)
{
  LanyardJwksCache *self = LANYARD_JWKS_CACHE (object);

  g_clear_object (&self->session);
  g_hash_table_unref (self->entries);

  G_OBJECT_CLASS (lanyard_jwks_cache_parent_class)->finalize (object);
}

static void
lanyard_jwks_cache_class_init (LanyardJwksCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lanyard_jwks_cache_finalize;
}

static void
lanyard_jwks_cache_init (LanyardJwksCache *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
}

LanyardJwksCache *
lanyard_jwks_cache_new (SoupSession *session)
{
  LanyardJwksCache *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  self = g_object_new (LANYARD_TYPE_JWKS_CACHE, NULL);
  self->session = g_object_ref (session);
  return self;
}

typedef struct
{
  LanyardJwksCache *cache;
  char             *uri;
  char             *provider_name;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_object_unref (data->cache);
  g_free (data->uri);
  g_free (data->provider_name);
  g_free (data);
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  FetchData *data = user_data;
  Entry     *entry = g_hash_table_lookup (data->cache->entries, data->uri);
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;

  reply = lanyard_http_send_finish (result, &error);
  if (reply != NULL && lanyard_http_check_reply (reply, NULL, data->provider_name, &error))
    {
      gsize       len;
      const char *body = g_bytes_get_data (reply->body, &len);

      keys = lanyard_jwks_parse (body, len, &error);
    }

  if (keys != NULL)
    {
      gint64 lifetime = reply->max_age >= 0 ? MIN (reply->max_age, MAX_LIFETIME_SECONDS) : DEFAULT_LIFETIME_SECONDS;

      g_clear_pointer (&entry->keys, g_ptr_array_unref);
      entry->keys = g_ptr_array_ref (keys);
      entry->expires_at = g_get_monotonic_time () + lifetime * G_USEC_PER_SEC;
      g_debug ("Fetched %u keys from %s, kept for %" G_GINT64_FORMAT " s", keys->len, data->uri, lifetime);
    }
  else
    {
      g_prefix_error (&error, _ ("The signing keys of %s could not be fetched: "), data->provider_name);
    }

  waiting = g_steal_pointer (&entry->waiting);
  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (keys != NULL)
        g_task_return_pointer (task, g_ptr_array_ref (keys), (GDestroyNotify) g_ptr_array_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }

  fetch_data_free (data);
}

/**
 * lanyard_jwks_cache_get_async:
 * @uri: the key set's URI (validated by whoever configured it)
 * @provider_name: for messages
 * @refetch: the caller met an unknown key id; fetch again unless that was
 *   done less than a minute ago
 */
void
lanyard_jwks_cache_get_async (LanyardJwksCache   *self,
                              const char         *uri,
                              const char         *provider_name,
                              gboolean            refetch,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) message = NULL;
  gint64     now = g_get_monotonic_time ();
  FetchData *data;
  Entry     *entry;

  g_return_if_fail (LANYARD_IS_JWKS_CACHE (self));
  g_return_if_fail (uri != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_jwks_cache_get_async);

  entry = g_hash_table_lookup (self->entries, uri);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, g_strdup (uri), entry);
    }

  if (entry->keys != NULL && entry->waiting == NULL)
    {
      gboolean fresh = now < entry->expires_at;
      gboolean refetched_recently = entry->refetched_at != 0 &&
        now - entry->refetched_at < LANYARD_JWKS_REFETCH_INTERVAL_SECONDS * G_USEC_PER_SEC;

      if ((fresh && !refetch) || (refetch && refetched_recently))
        {
          g_task_return_pointer (task, g_ptr_array_ref (entry->keys), (GDestroyNotify) g_ptr_array_unref);
          return;
        }
    }

  if (entry->waiting != NULL)
    {
      g_ptr_array_add (entry->waiting, g_steal_pointer (&task));
      return;
    }

  message = soup_message_new (SOUP_METHOD_GET, uri);
  if (message == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                               _ ("%s's key set address “%s” is not usable"), provider_name, uri);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");

  entry->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (entry->waiting, g_steal_pointer (&task));
  if (refetch && entry->keys != NULL)
    entry->refetched_at = now;

  data = g_new0 (FetchData, 1);
  data->cache = g_object_ref (self);
  data->uri = g_strdup (uri);
  data->provider_name = g_strdup (provider_name);

  /* Not cancellable: other waiters may share this fetch. */
  lanyard_http_send_async (self->session, message, provider_name, NULL, fetch_cb, data);
}

/**
 * lanyard_jwks_cache_get_finish:
 *
 * Returns: (transfer container) (element-type LanyardJwk): the keys
 */
GPtrArray *
lanyard_jwks_cache_get_finish (LanyardJwksCache *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
