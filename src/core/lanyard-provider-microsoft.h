/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-provider.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_PROVIDER_MICROSOFT (lanyard_provider_microsoft_get_type ())
G_DECLARE_FINAL_TYPE (LanyardProviderMicrosoft, lanyard_provider_microsoft, LANYARD, PROVIDER_MICROSOFT, LanyardProvider)

G_END_DECLS
