/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-provider.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_PROVIDER_OIDC (lanyard_provider_oidc_get_type ())
G_DECLARE_FINAL_TYPE (LanyardProviderOidc, lanyard_provider_oidc, LANYARD, PROVIDER_OIDC, LanyardProvider)

G_END_DECLS
