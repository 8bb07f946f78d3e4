/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LANYARD_TYPE_DEMO_SERVER (lanyard_demo_server_get_type ())
G_DECLARE_FINAL_TYPE (LanyardDemoServer, lanyard_demo_server, LANYARD, DEMO_SERVER, GObject)

#define LANYARD_DEMO_CLIENT_ID "lanyard-demo"

LanyardDemoServer *lanyard_demo_server_get_default (void);
gboolean           lanyard_demo_server_start (LanyardDemoServer *self,
                                              GError           **error);
char              *lanyard_demo_server_dup_base_url (LanyardDemoServer *self,
                                                     const char        *flavor);
char              *lanyard_demo_approve_url (const char *authorize_url,
                                             const char *username);

/* How an account keeps a demo avatar: without the demo server's port,
 * which is new in every process. */
#define LANYARD_DEMO_AVATAR_SCHEME "lanyard-demo"
gboolean lanyard_demo_avatar_is_stored (const char *text);
char    *lanyard_demo_avatar_to_stored (const char *avatar_url);
char    *lanyard_demo_avatar_from_stored (const char *stored);

G_END_DECLS
