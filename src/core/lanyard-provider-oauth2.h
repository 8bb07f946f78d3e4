/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-provider.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_PROVIDER_OAUTH2 (lanyard_provider_oauth2_get_type ())
G_DECLARE_FINAL_TYPE (LanyardProviderOauth2, lanyard_provider_oauth2, LANYARD, PROVIDER_OAUTH2, LanyardProvider)

G_END_DECLS
