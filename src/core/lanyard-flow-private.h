/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For tests only (tests/fuzz/fuzz-callback.c): what the flow checks in the
 * loopback redirect's query, reachable without a browser and a listener. */

#include "lanyard-flow.h"
#include "lanyard-loopback-server.h"

G_BEGIN_DECLS

LanyardCallbackVerdict _lanyard_flow_check_callback (LanyardFlow *self,
                                                     GHashTable  *params,
                                                     GError     **error);

G_END_DECLS
