/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lanyard-client-generated.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_ACCOUNT_ROW (lanyard_account_row_get_type ())
G_DECLARE_FINAL_TYPE (LanyardAccountRow, lanyard_account_row, LANYARD, ACCOUNT_ROW, AdwActionRow)

GtkWidget          *lanyard_account_row_new (LanyardDBusAccount *account,
                                             const char         *provider_name);
LanyardDBusAccount *lanyard_account_row_get_account (LanyardAccountRow *self);
const char         *lanyard_account_row_get_path (LanyardAccountRow *self);
void                lanyard_account_row_highlight (LanyardAccountRow *self);
void                lanyard_account_row_set_current (LanyardAccountRow *self,
                                                     gboolean           current);
gboolean            lanyard_account_row_get_current (LanyardAccountRow *self);
GtkWidget          *lanyard_account_row_get_primary_tag (LanyardAccountRow *self);
GtkWidget          *lanyard_account_row_get_identity_only_tag (LanyardAccountRow *self);
GtkWidget          *lanyard_account_row_get_sign_in_button (LanyardAccountRow *self);
const char         *lanyard_account_row_get_provider_name (LanyardAccountRow *self);
const char         *lanyard_account_row_get_name (LanyardDBusAccount *account);

G_END_DECLS
