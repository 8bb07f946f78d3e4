/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *lanyard_text_without_protocol_codes (const char *text);

G_END_DECLS
