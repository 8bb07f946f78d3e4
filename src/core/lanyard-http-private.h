/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For tests only (tests/fuzz/fuzz-cache-control.c): how long an answer may
 * be cached, as lanyard_http_send_async() reads it from the headers. */

#include "lanyard-http.h"

G_BEGIN_DECLS

gint64 _lanyard_http_cache_lifetime (SoupMessageHeaders *headers);

G_END_DECLS
