/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char    *lanyard_base64url_encode (const guint8 *data,
                                   gsize         len);
char    *lanyard_random_token (gsize n_bytes);
char    *lanyard_pkce_new_verifier (void);
char    *lanyard_pkce_challenge_s256 (const char *verifier);
gboolean lanyard_pkce_verifier_is_valid (const char *verifier);
gboolean lanyard_constant_time_equal (const char *a,
                                      const char *b);

G_END_DECLS
