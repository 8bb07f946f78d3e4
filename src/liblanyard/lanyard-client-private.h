/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the library's files share and apps never see: the generated
 * proxies (namespace LanyardLibDBus, hidden by -fvisibility=hidden and
 * left out of the GIR). */

#include "lanyard-lib-dbus-generated.h"
#include "lanyard-linked-account.h"

G_BEGIN_DECLS

/* Calls that may wait for the person (a consent prompt, bounded by the
 * daemon at about two minutes) must not give up at GDBus's 25 s. */
#define LANYARD_CLIENT_CALL_TIMEOUT_MS (180 * 1000)

LanyardLinkedAccount *_lanyard_linked_account_new (LanyardLibDBusAccount *proxy);
void                  _lanyard_linked_account_set_gone (LanyardLinkedAccount *self,
                                                        gboolean              daemon_left);
const char           *_lanyard_linked_account_get_object_path (LanyardLinkedAccount *self);
void                  _lanyard_client_error_from_dbus (GError **error);
const char           *_lanyard_gettext (const char *msgid) G_GNUC_FORMAT (1);

/* The library's words, in Lanyard's translation domain (bound on first
 * use: a library must not rely on the app to bind it). */
#define _(String) _lanyard_gettext (String)

G_END_DECLS
