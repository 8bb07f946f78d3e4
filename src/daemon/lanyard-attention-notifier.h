/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LANYARD_TYPE_ATTENTION_NOTIFIER (lanyard_attention_notifier_get_type ())
G_DECLARE_FINAL_TYPE (LanyardAttentionNotifier, lanyard_attention_notifier, LANYARD, ATTENTION_NOTIFIER, GObject)

LanyardAttentionNotifier *lanyard_attention_notifier_new (GDBusConnection *connection,
                                                          const char      *application_id);
void                      lanyard_attention_notifier_update (LanyardAttentionNotifier *self,
                                                             const char               *account_path,
                                                             const char               *account_name,
                                                             const char               *attention);
void                      lanyard_attention_notifier_forget (LanyardAttentionNotifier *self,
                                                             const char               *account_path);

G_END_DECLS
