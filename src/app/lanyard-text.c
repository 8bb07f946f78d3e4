/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include "lanyard-text.h"

/**
 * lanyard_text_without_protocol_codes:
 * @text: (nullable): a message from the daemon
 *
 * The daemon's messages carry the provider's OAuth error, as in "GitLab no
 * longer accepts this sign-in (invalid_grant: The provided authorization
 * grant is invalid…). Sign in again.": useful in a log, jargon to a person.
 * The parenthesis goes when it starts with an OAuth error code (lower-case
 * words joined by underscores, RFC 6749 §5.2); the original is logged.
 *
 * Returns: (transfer full): @text for a person
 */
char *
lanyard_text_without_protocol_codes (const char *text)
{
  static GRegex *code;
  char          *plain;

  if (text == NULL)
    return g_strdup ("");
  if (g_once_init_enter (&code))
    g_once_init_leave (&code, g_regex_new (" ?\\([a-z]+(?:_[a-z]+)+(?:: [^()]*)?\\)", G_REGEX_OPTIMIZE, 0, NULL));

  plain = g_regex_replace_literal (code, text, -1, 0, "", 0, NULL);
  if (plain == NULL)
    return g_strdup (text);
  if (g_strcmp0 (plain, text) != 0)
    g_debug ("Shown without its protocol code: %s", text);
  return plain;
}
