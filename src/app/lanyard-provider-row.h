/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LANYARD_TYPE_PROVIDER_ROW (lanyard_provider_row_get_type ())
G_DECLARE_FINAL_TYPE (LanyardProviderRow, lanyard_provider_row, LANYARD, PROVIDER_ROW, AdwActionRow)

GtkWidget  *lanyard_provider_row_new (GVariant *provider);
const char *lanyard_provider_row_get_provider_id (LanyardProviderRow *self);
const char *lanyard_provider_row_get_display_name (LanyardProviderRow *self);
const char *lanyard_provider_row_get_policy (LanyardProviderRow *self);
const char *lanyard_provider_row_get_problem (LanyardProviderRow *self);
const char *lanyard_provider_row_get_server (LanyardProviderRow *self);
const char *lanyard_provider_row_get_icon_name (LanyardProviderRow *self);
gboolean    lanyard_provider_row_get_offers_device (LanyardProviderRow *self);
const char *lanyard_provider_row_icon_name (const char *type,
                                            const char *id);
GtkWidget  *lanyard_provider_row_new_icon (const char *type,
                                           const char *id);

G_END_DECLS
