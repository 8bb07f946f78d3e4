/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lanyard-client-generated.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_DEVICE_DIALOG (lanyard_device_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LanyardDeviceDialog, lanyard_device_dialog, LANYARD, DEVICE_DIALOG, AdwWindow)

LanyardDeviceDialog *lanyard_device_dialog_new (GtkWindow          *parent,
                                                LanyardDBusManager *manager,
                                                const char         *provider_id,
                                                const char         *display_name);
const char          *lanyard_device_dialog_get_page (LanyardDeviceDialog *self);
const char          *lanyard_device_dialog_get_flow_path (LanyardDeviceDialog *self);
const char          *lanyard_device_dialog_get_code (LanyardDeviceDialog *self);
const char          *lanyard_device_dialog_get_uri (LanyardDeviceDialog *self);
const char          *lanyard_device_dialog_get_remaining (LanyardDeviceDialog *self);
GdkPaintable        *lanyard_device_dialog_get_qr_code (LanyardDeviceDialog *self);
const char          *lanyard_device_dialog_get_error (LanyardDeviceDialog *self);
void                 lanyard_device_dialog_copy_code (LanyardDeviceDialog *self);

G_END_DECLS
