/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean lanyard_access_policy_pid_is_sandboxed (guint32     pid,
                                                 const char *proc_root);
void     lanyard_access_policy_check_async (GDBusConnection    *connection,
                                            const char         *sender,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean lanyard_access_policy_check_finish (GAsyncResult *result,
                                             GError      **error);

G_END_DECLS
