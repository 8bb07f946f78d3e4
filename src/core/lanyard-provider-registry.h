/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-config-policy.h"
#include "lanyard-provider.h"

G_BEGIN_DECLS

/**
 * LanyardProviderEntry:
 * @id: the provider instance's id
 * @type_name: the configured type, as written
 * @display_name: what to call it
 * @source: where it was configured
 * @provider: (nullable): the configured provider, or %NULL when it is
 *   misconfigured
 * @problem: (nullable): why it is misconfigured, in words that name the
 *   provider and the key
 * @locked: whether the administrator locked it in a system file
 *   (`locked=true`): the user's file and environment cannot replace it
 *
 * One configured provider instance, usable or not. Owned by the registry.
 */
typedef struct
{
  char            *id;
  char            *type_name;
  char            *display_name;
  char            *source;
  LanyardProvider *provider;
  char            *problem;
  gboolean         locked;
} LanyardProviderEntry;

#define LANYARD_TYPE_PROVIDER_REGISTRY (lanyard_provider_registry_get_type ())
G_DECLARE_FINAL_TYPE (LanyardProviderRegistry, lanyard_provider_registry, LANYARD, PROVIDER_REGISTRY, GObject)

LanyardProviderRegistry    *lanyard_provider_registry_new (void);
SoupSession                *lanyard_provider_registry_get_session (LanyardProviderRegistry *self);
void                        lanyard_provider_registry_load (LanyardProviderRegistry *self,
                                                            const char *const       *config_dirs,
                                                            const char *const       *envp);
void                        lanyard_provider_registry_load_default (LanyardProviderRegistry *self);
void                        lanyard_provider_registry_add_demo_providers (LanyardProviderRegistry *self);
void                        lanyard_provider_registry_add_config (LanyardProviderRegistry *self,
                                                                  LanyardProviderConfig   *config);
gboolean                    lanyard_provider_registry_remove (LanyardProviderRegistry *self,
                                                              const char              *id);
GPtrArray                  *lanyard_provider_registry_get_entries (LanyardProviderRegistry *self);
const LanyardProviderEntry *lanyard_provider_registry_get_entry (LanyardProviderRegistry *self,
                                                                 const char              *id);
LanyardProvider            *lanyard_provider_registry_lookup (LanyardProviderRegistry *self,
                                                              const char              *id);
const char *const          *lanyard_provider_registry_get_problems (LanyardProviderRegistry *self);
const char *const          *lanyard_provider_registry_get_type_names (void);
LanyardConfigPolicy        *lanyard_provider_registry_get_policy (LanyardProviderRegistry *self);

G_END_DECLS
