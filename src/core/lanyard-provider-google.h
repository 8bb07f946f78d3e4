/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-provider.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_PROVIDER_GOOGLE (lanyard_provider_google_get_type ())
G_DECLARE_FINAL_TYPE (LanyardProviderGoogle, lanyard_provider_google, LANYARD, PROVIDER_GOOGLE, LanyardProvider)

G_END_DECLS
