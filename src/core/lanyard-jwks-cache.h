/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define LANYARD_TYPE_JWKS_CACHE (lanyard_jwks_cache_get_type ())
G_DECLARE_FINAL_TYPE (LanyardJwksCache, lanyard_jwks_cache, LANYARD, JWKS_CACHE, GObject)

/* At most one forced re-fetch of a key set per this many seconds, however
 * many tokens with unknown key ids arrive. */
#define LANYARD_JWKS_REFETCH_INTERVAL_SECONDS 60

LanyardJwksCache *lanyard_jwks_cache_new (SoupSession *session);
void              lanyard_jwks_cache_get_async (LanyardJwksCache   *self,
                                                const char         *uri,
                                                const char         *provider_name,
                                                gboolean            refetch,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
GPtrArray        *lanyard_jwks_cache_get_finish (LanyardJwksCache *self,
                                                 GAsyncResult     *result,
                                                 GError          **error);

G_END_DECLS
