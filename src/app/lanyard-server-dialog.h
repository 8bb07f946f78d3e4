/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lanyard-client-generated.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_SERVER_DIALOG (lanyard_server_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LanyardServerDialog, lanyard_server_dialog, LANYARD, SERVER_DIALOG, AdwWindow)

LanyardServerDialog *lanyard_server_dialog_new (GtkWindow          *parent,
                                                LanyardDBusManager *manager);
const char          *lanyard_server_dialog_get_page (LanyardServerDialog *self);
GtkEditable         *lanyard_server_dialog_get_address_entry (LanyardServerDialog *self);
GtkEditable         *lanyard_server_dialog_get_client_id_entry (LanyardServerDialog *self);

G_END_DECLS
