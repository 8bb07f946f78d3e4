/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-provider.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_PROVIDER_GITHUB (lanyard_provider_github_get_type ())
G_DECLARE_FINAL_TYPE (LanyardProviderGithub, lanyard_provider_github, LANYARD, PROVIDER_GITHUB, LanyardProvider)

LanyardIdentity *lanyard_github_identity_from_user (const char *provider_id,
                                                    const char *provider_name,
                                                    JsonObject *user,
                                                    GError    **error);

G_END_DECLS
