/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define LANYARD_TYPE_IDENTITY (lanyard_identity_get_type ())
G_DECLARE_FINAL_TYPE (LanyardIdentity, lanyard_identity, LANYARD, IDENTITY, GObject)

LanyardIdentity   *lanyard_identity_new (const char *provider_id,
                                         const char *account_id,
                                         const char *username,
                                         const char *display_name,
                                         const char *email,
                                         const char *avatar_url);
const char        *lanyard_identity_get_provider_id (LanyardIdentity *self);
const char        *lanyard_identity_get_account_id (LanyardIdentity *self);
const char        *lanyard_identity_get_username (LanyardIdentity *self);
const char        *lanyard_identity_get_display_name (LanyardIdentity *self);
const char        *lanyard_identity_get_email (LanyardIdentity *self);
const char        *lanyard_identity_get_avatar_url (LanyardIdentity *self);
const char *const *lanyard_identity_get_orgs (LanyardIdentity *self);
void               lanyard_identity_set_orgs (LanyardIdentity   *self,
                                              const char *const *orgs);
gboolean           lanyard_identity_check_account_id (const char *id);
gboolean           lanyard_identity_equal (LanyardIdentity *a,
                                           LanyardIdentity *b);

G_END_DECLS
