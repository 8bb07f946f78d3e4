/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LANYARD_TYPE_CONFIG_POLICY (lanyard_config_policy_get_type ())
G_DECLARE_FINAL_TYPE (LanyardConfigPolicy, lanyard_config_policy, LANYARD, CONFIG_POLICY, GObject)

LanyardConfigPolicy *lanyard_config_policy_new (void);
void                 lanyard_config_policy_load_group (LanyardConfigPolicy *self,
                                                       GKeyFile            *key_file,
                                                       const char          *path,
                                                       GPtrArray           *problems);
gboolean             lanyard_config_policy_get_boolean (LanyardConfigPolicy *self,
                                                        const char          *key);
const char          *lanyard_config_policy_get_source (LanyardConfigPolicy *self,
                                                       const char          *key);
const char *const   *lanyard_config_policy_get_keys (void);

G_END_DECLS
