/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* How many connections may be open at once; more are closed at once. */
#define LANYARD_LOOPBACK_MAX_CONNECTIONS 16
/* How long a connection may stay open, in all, to send its request. */
#define LANYARD_LOOPBACK_CONNECTION_TIMEOUT_MS 10000

#define LANYARD_TYPE_LOOPBACK_SERVER (lanyard_loopback_server_get_type ())
G_DECLARE_FINAL_TYPE (LanyardLoopbackServer, lanyard_loopback_server, LANYARD, LOOPBACK_SERVER, GObject)

/**
 * LanyardCallbackVerdict:
 * @LANYARD_CALLBACK_ACCEPT: the answer completes the sign-in
 * @LANYARD_CALLBACK_FAIL: the answer belongs to this sign-in and ends it
 *   with an error (the provider's `error=`, another issuer, no code)
 * @LANYARD_CALLBACK_REFUSE: the answer does not belong to this sign-in
 *   (wrong or missing `state`): it is refused and the wait goes on
 *
 * What a #LanyardCallbackCheck decided.
 */
typedef enum
{
  LANYARD_CALLBACK_ACCEPT,
  LANYARD_CALLBACK_FAIL,
  LANYARD_CALLBACK_REFUSE,
} LanyardCallbackVerdict;

/**
 * LanyardCallbackCheck:
 * @params: (element-type utf8 utf8): the redirect's query parameters
 * @error: set unless the verdict is %LANYARD_CALLBACK_ACCEPT
 *
 * Decides what a redirect does to the sign-in. Its error message is shown
 * on the page the browser displays.
 */
typedef LanyardCallbackVerdict (*LanyardCallbackCheck) (GHashTable *params,
                                                        gpointer    user_data,
                                                        GError    **error);

LanyardLoopbackServer *lanyard_loopback_server_new (const char *path);
void                   lanyard_loopback_server_set_limits (LanyardLoopbackServer *self,
                                                           guint                  max_connections,
                                                           guint                  connection_timeout_ms);
void                   lanyard_loopback_server_set_port (LanyardLoopbackServer *self,
                                                         guint                  port);
gboolean               lanyard_loopback_server_start (LanyardLoopbackServer *self,
                                                      GError               **error);
guint                  lanyard_loopback_server_get_port (LanyardLoopbackServer *self);
const char            *lanyard_loopback_server_get_path (LanyardLoopbackServer *self);
gboolean               lanyard_loopback_server_is_listening (LanyardLoopbackServer *self);
guint                  lanyard_loopback_server_get_n_refused (LanyardLoopbackServer *self);
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

gboolean lanyard_tcp_peer_uid (const char         *proc_net_dir,
                               GInetSocketAddress *local,
                               GInetSocketAddress *remote,
                               uid_t              *uid,
                               GError            **error);

char *lanyard_tcp_port_holder (const char *proc_dir,
                               guint       port);

G_END_DECLS
