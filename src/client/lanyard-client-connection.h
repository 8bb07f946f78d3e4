/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GDBusConnection *lanyard_client_connect (const char  **name,
                                         GCancellable *cancellable,
                                         GError      **error);
GDBusConnection *lanyard_client_connect_full (const char  **name,
                                              int           timeout_msec,
                                              GCancellable *cancellable,
                                              GError      **error);
void             lanyard_client_connect_async (GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
GDBusConnection *lanyard_client_connect_finish (GAsyncResult *result,
                                                const char  **name,
                                                GError      **error);

G_END_DECLS
