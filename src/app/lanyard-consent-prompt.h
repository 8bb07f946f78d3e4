/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lanyard-application.h"
#include "lanyard-consent-generated.h"

G_BEGIN_DECLS

#define LANYARD_CONSENT_PROMPT_PATH "/io/github/lanyard/Lanyard/ConsentPrompt"

#define LANYARD_TYPE_CONSENT_PROMPT (lanyard_consent_prompt_get_type ())
G_DECLARE_FINAL_TYPE (LanyardConsentPrompt, lanyard_consent_prompt, LANYARD, CONSENT_PROMPT, LanyardDBusConsentPromptSkeleton)

LanyardConsentPrompt *lanyard_consent_prompt_new (GtkApplication *application);
GtkWidget            *lanyard_consent_prompt_get_dialog (LanyardConsentPrompt *self);
guint                 lanyard_consent_prompt_get_n_waiting (LanyardConsentPrompt *self);

G_END_DECLS
