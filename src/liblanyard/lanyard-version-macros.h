/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(LANYARD_INSIDE) && !defined(LANYARD_COMPILATION)
#error "Only <lanyard.h> can be included directly."
#endif

/* The library is built with hidden symbols (-fvisibility=hidden): only
 * what the public headers mark with LANYARD_AVAILABLE is exported, so the
 * proxies it generates from the interface XML stay its own. */
#if defined(LANYARD_COMPILATION) && defined(__GNUC__)
#define LANYARD_AVAILABLE __attribute__ ((visibility ("default"))) extern
#else
#define LANYARD_AVAILABLE extern
#endif
