/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-provider.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_PROVIDER_DEMO (lanyard_provider_demo_get_type ())
G_DECLARE_FINAL_TYPE (LanyardProviderDemo, lanyard_provider_demo, LANYARD, PROVIDER_DEMO, LanyardProvider)

G_END_DECLS
