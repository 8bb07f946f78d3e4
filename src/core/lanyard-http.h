/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Nothing a provider legitimately sends (token, userinfo, discovery, JWKS)
 * comes near this; larger answers are refused instead of read into memory. */
#define LANYARD_HTTP_MAX_BODY (1024 * 1024)

/* The longest a request to a provider may take, answer included. */
#define LANYARD_HTTP_DEADLINE_SECONDS 60

/* No document Lanyard reads nests deeper than a few levels; json-glib
 * recurses once per level and has no limit of its own. */
#define LANYARD_JSON_MAX_DEPTH 32
/* Nor holds more than a few hundred values (a userinfo answer with its
 * groups, a key set): json-glib spends about 300 bytes a value, so a 1 MiB
 * answer of empty objects would cost 100 MB. */
#define LANYARD_JSON_MAX_VALUES 20000

typedef struct
{
  guint   status;
  char   *content_type;
  GBytes *body;
  gint64  max_age; /* seconds the answer may be cached, -1 when unsaid */
} LanyardHttpReply;

void lanyard_http_reply_free (LanyardHttpReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardHttpReply, lanyard_http_reply_free)

SoupMessage      *lanyard_http_new_form_post (const char *url,
                                              GHashTable *params);
void              lanyard_http_send_async (SoupSession        *session,
                                           SoupMessage        *message,
                                           const char         *provider_name,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
LanyardHttpReply *lanyard_http_send_finish (GAsyncResult *result,
                                            GError      **error);

GHashTable *lanyard_http_parse_fields (const char *content_type,
                                       GBytes     *body,
                                       GError    **error);
JsonNode   *lanyard_json_parse (const char *data,
                                gsize       len,
                                GError    **error);
JsonObject *lanyard_json_parse_object (const char *data,
                                       gsize       len);
JsonObject *lanyard_http_parse_json_object (GBytes  *body,
                                            GError **error);
GError     *lanyard_http_oauth_error (const char *provider_name,
                                      const char *error_code,
                                      const char *description);
gboolean    lanyard_http_check_reply (LanyardHttpReply *reply,
                                      GHashTable       *fields,
                                      const char       *provider_name,
                                      GError          **error);
char       *lanyard_json_dup_id (JsonObject *object,
                                 const char *member);
const char *lanyard_json_get_string (JsonObject *object,
                                     const char *member);

G_END_DECLS
