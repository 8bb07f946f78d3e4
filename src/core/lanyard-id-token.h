/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Clock skew tolerated between this computer and the issuer, unless a
 * provider's `clock_skew` says otherwise. */
#define LANYARD_ID_TOKEN_SKEW_SECONDS 300
#define LANYARD_ID_TOKEN_MAX_SKEW_SECONDS 3600

GBytes     *lanyard_base64url_decode (const char *text,
                                      GError    **error);
JsonObject *lanyard_jwt_decode_payload (const char *jwt,
                                        GError    **error);
gboolean    lanyard_id_token_check_claims (JsonObject *claims,
                                           const char *provider_name,
                                           const char *client_id,
                                           const char *nonce,
                                           gint64      now,
                                           gint64      skew,
                                           GError    **error);
gboolean    lanyard_id_token_same_subject (JsonObject *previous,
                                           JsonObject *claims,
                                           const char *provider_name,
                                           GError    **error);

G_END_DECLS
