/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LANYARD_TYPE_APPLICATION (lanyard_application_get_type ())
G_DECLARE_FINAL_TYPE (LanyardApplication, lanyard_application, LANYARD, APPLICATION, AdwApplication)

LanyardApplication *lanyard_application_new (void);
GSettings          *lanyard_application_get_settings (LanyardApplication *self);

typedef struct _LanyardConsentPrompt LanyardConsentPrompt;
LanyardConsentPrompt                *lanyard_application_get_consent_prompt (LanyardApplication *self);

G_END_DECLS
