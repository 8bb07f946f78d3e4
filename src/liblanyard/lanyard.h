/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* liblanyard-1: Lanyard's linked accounts for other programs
 * (docs/app-developers.md). Include this header only. */

#define LANYARD_INSIDE
#include "lanyard-client-error.h"
#include "lanyard-client.h"
#include "lanyard-enum-types.h"
#include "lanyard-linked-account.h"
#include "lanyard-version.h"
#undef LANYARD_INSIDE
