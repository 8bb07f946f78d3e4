/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define LANYARD_TYPE_TOKEN_SET (lanyard_token_set_get_type ())
G_DECLARE_FINAL_TYPE (LanyardTokenSet, lanyard_token_set, LANYARD, TOKEN_SET, GObject)

/* Tokens longer than this are refused: real ones (even Microsoft's JWT
 * access tokens) stay far below it, and a provider that sends megabytes is
 * broken or hostile. */
#define LANYARD_TOKEN_MAX_LENGTH (32 * 1024)

LanyardTokenSet *lanyard_token_set_new (const char        *access_token,
                                        const char        *token_type,
                                        const char        *refresh_token,
                                        gint64             expires_at,
                                        const char *const *scopes,
                                        const char        *id_token);
LanyardTokenSet *lanyard_token_set_new_from_fields (GHashTable *fields,
                                                    gint64      now,
                                                    GError    **error);
LanyardTokenSet *lanyard_token_set_new_from_json (const char *json,
                                                  GError    **error);
char            *lanyard_token_set_to_json (LanyardTokenSet *self);
gboolean         lanyard_token_set_equal (LanyardTokenSet *a,
                                          LanyardTokenSet *b);
LanyardTokenSet *lanyard_token_set_merge_refresh (LanyardTokenSet *previous,
                                                  LanyardTokenSet *refreshed);

const char        *lanyard_token_set_get_access_token (LanyardTokenSet *self);
const char        *lanyard_token_set_get_token_type (LanyardTokenSet *self);
const char        *lanyard_token_set_get_refresh_token (LanyardTokenSet *self);
gint64             lanyard_token_set_get_expires_at (LanyardTokenSet *self);
const char *const *lanyard_token_set_get_scopes (LanyardTokenSet *self);
gboolean           lanyard_token_set_has_scope (LanyardTokenSet *self,
                                                const char      *scope);
const char        *lanyard_token_set_get_id_token (LanyardTokenSet *self);
gboolean           lanyard_token_set_is_expired (LanyardTokenSet *self,
                                                 gint64           now,
                                                 gint64           margin);

G_END_DECLS
