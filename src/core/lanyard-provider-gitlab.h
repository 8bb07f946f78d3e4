/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-provider.h"

G_BEGIN_DECLS

#define LANYARD_TYPE_PROVIDER_GITLAB (lanyard_provider_gitlab_get_type ())
G_DECLARE_FINAL_TYPE (LanyardProviderGitlab, lanyard_provider_gitlab, LANYARD, PROVIDER_GITLAB, LanyardProvider)

G_END_DECLS
