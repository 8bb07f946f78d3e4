/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LANYARD_TYPE_PROVIDER_CONFIG (lanyard_provider_config_get_type ())
G_DECLARE_FINAL_TYPE (LanyardProviderConfig, lanyard_provider_config, LANYARD, PROVIDER_CONFIG, GObject)

LanyardProviderConfig *lanyard_provider_config_new (const char *id,
                                                    const char *source);
LanyardProviderConfig *lanyard_provider_config_new_from_compound (const char *id,
                                                                  const char *source,
                                                                  const char *compound,
                                                                  GError    **error);
void                   lanyard_provider_config_set (LanyardProviderConfig *self,
                                                    const char            *key,
                                                    const char            *value);
const char *const     *lanyard_provider_config_get_warnings (LanyardProviderConfig *self);
const char            *lanyard_provider_config_get_id (LanyardProviderConfig *self);
const char            *lanyard_provider_config_get_source (LanyardProviderConfig *self);
const char            *lanyard_provider_config_peek (LanyardProviderConfig *self,
                                                     const char            *key);
const char            *lanyard_provider_config_get (LanyardProviderConfig *self,
                                                    const char            *key);
gboolean               lanyard_provider_config_get_url (LanyardProviderConfig *self,
                                                        const char            *key,
                                                        gboolean               required,
                                                        const char           **url,
                                                        GError               **error);
gboolean               lanyard_provider_config_check_unused (LanyardProviderConfig *self,
                                                             GError               **error);

gboolean lanyard_provider_id_is_valid (const char *id);
gboolean lanyard_url_is_acceptable (const char *url,
                                    GError    **error);

G_END_DECLS
