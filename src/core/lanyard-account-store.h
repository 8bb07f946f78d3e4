/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-account.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_ACCOUNT_STORE (lanyard_account_store_get_type ())
G_DECLARE_FINAL_TYPE (LanyardAccountStore, lanyard_account_store, LANYARD, ACCOUNT_STORE, GObject)

LanyardAccountStore *lanyard_account_store_new (const char *path);
const char          *lanyard_account_store_get_path (LanyardAccountStore *self);
gboolean             lanyard_account_store_load (LanyardAccountStore *self,
                                                 GError             **error);
gboolean             lanyard_account_store_save (LanyardAccountStore *self,
                                                 GError             **error);
const char          *lanyard_account_store_get_problem (LanyardAccountStore *self);
gboolean             lanyard_account_store_is_read_only (LanyardAccountStore *self);
GPtrArray           *lanyard_account_store_get_accounts (LanyardAccountStore *self);
LanyardAccount      *lanyard_account_store_lookup (LanyardAccountStore *self,
                                                   const char          *provider_id,
                                                   const char          *account_id);
LanyardAccount      *lanyard_account_store_link (LanyardAccountStore *self,
                                                 LanyardIdentity     *identity,
                                                 gint64               now,
                                                 gboolean            *created);
void                 lanyard_account_store_remove (LanyardAccountStore *self,
                                                   LanyardAccount      *account);
void                 lanyard_account_store_set_primary (LanyardAccountStore *self,
                                                        LanyardAccount      *account);
LanyardAccount      *lanyard_account_store_get_current (LanyardAccountStore *self);

G_END_DECLS
