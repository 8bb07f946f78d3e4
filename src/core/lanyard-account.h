/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lanyard-identity.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_ACCOUNT (lanyard_account_get_type ())
G_DECLARE_FINAL_TYPE (LanyardAccount, lanyard_account, LANYARD, ACCOUNT, GObject)

LanyardAccount *lanyard_account_new_from_identity (LanyardIdentity *identity,
                                                   gint64           linked_at);
LanyardAccount *lanyard_account_new_from_json (JsonObject *object,
                                               GError    **error);
JsonNode       *lanyard_account_to_json (LanyardAccount *self);
void            lanyard_account_update_identity (LanyardAccount  *self,
                                                 LanyardIdentity *identity);
char           *lanyard_account_dup_key (LanyardAccount *self);

/**
 * LANYARD_ACCOUNT_KEY_MAX_LENGTH:
 *
 * The longest `provider:account-id` key, in bytes, that
 * lanyard_account_key_parse() accepts: far longer than any provider's
 * account id, short enough to be repeated in a message.
 */
#define LANYARD_ACCOUNT_KEY_MAX_LENGTH 512

gboolean lanyard_account_key_parse (const char *key,
                                    char      **provider_id,
                                    char      **account_id,
                                    GError    **error);

const char        *lanyard_account_get_provider_id (LanyardAccount *self);
const char        *lanyard_account_get_account_id (LanyardAccount *self);
const char        *lanyard_account_get_username (LanyardAccount *self);
const char        *lanyard_account_get_display_name (LanyardAccount *self);
const char        *lanyard_account_get_email (LanyardAccount *self);
const char        *lanyard_account_get_avatar_url (LanyardAccount *self);
gint64             lanyard_account_get_linked_at (LanyardAccount *self);
gboolean           lanyard_account_get_primary (LanyardAccount *self);
void               lanyard_account_set_primary (LanyardAccount *self,
                                                gboolean        primary);
gint64             lanyard_account_get_expires_at (LanyardAccount *self);
void               lanyard_account_set_expires_at (LanyardAccount *self,
                                                   gint64          expires_at);
gint64             lanyard_account_get_last_refresh (LanyardAccount *self);
void               lanyard_account_set_last_refresh (LanyardAccount *self,
                                                     gint64          last_refresh);
const char *const *lanyard_account_get_scopes (LanyardAccount *self);
void               lanyard_account_set_scopes (LanyardAccount    *self,
                                               const char *const *scopes);
const char        *lanyard_account_get_attention (LanyardAccount *self);
void               lanyard_account_set_attention (LanyardAccount *self,
                                                  const char     *reason);
gboolean           lanyard_account_get_needs_attention (LanyardAccount *self);
const char        *lanyard_account_get_attention_reason (LanyardAccount *self);
gboolean           lanyard_account_get_available (LanyardAccount *self);
const char *const *lanyard_account_get_orgs (LanyardAccount *self);
gboolean           lanyard_account_get_identity_only (LanyardAccount *self);
void               lanyard_account_set_identity_only (LanyardAccount *self,
                                                      gboolean        identity_only);
void               lanyard_account_set_available (LanyardAccount *self,
                                                  gboolean        available);

G_END_DECLS
