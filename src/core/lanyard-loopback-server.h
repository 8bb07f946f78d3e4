/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LANYARD_TYPE_LOOPBACK_SERVER (lanyard_loopback_server_get_type ())
G_DECLARE_FINAL_TYPE (LanyardLoopbackServer, lanyard_loopback_server, LANYARD, LOOPBACK_SERVER, GObject)

/**
 * LanyardCallbackCheck:
 * @params: (element-type utf8 utf8): the redirect's query parameters
 *
 * Decides whether a redirect completes the sign-in. Its error message is
 * shown on the page the browser displays.
 */
typedef gboolean (*LanyardCallbackCheck) (GHashTable *params,
                                          gpointer    user_data,
                                          GError    **error);

LanyardLoopbackServer *lanyard_loopback_server_new (const char *path);
gboolean               lanyard_loopback_server_start (LanyardLoopbackServer *self,
                                                      GError               **error);
guint                  lanyard_loopback_server_get_port (LanyardLoopbackServer *self);
const char            *lanyard_loopback_server_get_path (LanyardLoopbackServer *self);
gboolean               lanyard_loopback_server_is_listening (LanyardLoopbackServer *self);
void                   lanyard_loopback_server_stop (LanyardLoopbackServer *self);
void                   lanyard_loopback_server_wait_async (LanyardLoopbackServer *self,
                                                           LanyardCallbackCheck   check,
                                                           gpointer               check_data,
                                                           GCancellable          *cancellable,
                                                           GAsyncReadyCallback    callback,
                                                           gpointer               user_data);
GHashTable            *lanyard_loopback_server_wait_finish (LanyardLoopbackServer *self,
                                                            GAsyncResult          *result,
                                                            GError               **error);

G_END_DECLS
