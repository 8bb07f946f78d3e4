/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the fuzz targets share: the entry point libFuzzer (or the replay
 * driver, replay.c) calls, GLib set up as in the test suite, and a loopback
 * HTTP server in this process that plays a provider with the answers the
 * target builds from its input, so that the requests go through Lanyard's
 * real HTTP code. */

#include <libsoup/soup.h>
#include <stdint.h>

#include "lanyard-identity.h"

G_BEGIN_DECLS

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

void        fuzz_init (void);
const char *fuzz_server_get_base_url (void);
void        fuzz_server_set_reply (const char *path,
                                   guint       status,
                                   const char *content_type,
                                   const char *headers,
                                   const char *body,
                                   gsize       length);
void        fuzz_server_clear_replies (void);
void        fuzz_wait (GAsyncResult **result);
void        fuzz_store_result (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data);

void fuzz_check_identity (LanyardIdentity *identity);

G_END_DECLS
