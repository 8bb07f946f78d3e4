/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: what git writes to git-credential-lanyard's standard
 * input, through lanyard_git_credential_request_parse(). Whatever it
 * accepts keeps the bounds of lanyard-git-credential-request.h, and every
 * attribute Lanyard reads is UTF-8 text without control characters (it
 * is compared, sent on the bus, or printed in a message). */
#define G_LOG_DOMAIN "fuzz-git-credential"

#include <stdint.h>
#include <string.h>

#include "lanyard-git-credential-request.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_text (const char *value)
{
  if (value == NULL)
    return;
  g_assert_true (g_utf8_validate (value, -1, NULL));
  for (const char *c = value; *c != '\0'; c++)
    g_assert_true ((guchar) *c >= 0x20 && *c != 0x7f);
  g_assert_cmpuint (strlen (value), <=, LANYARD_GIT_CREDENTIAL_MAX_LINE);
}

static void
check_array (GPtrArray *array)
{
  g_assert_nonnull (array);
  g_assert_cmpuint (array->len, <=, LANYARD_GIT_CREDENTIAL_MAX_ARRAY);
  for (guint i = 0; i < array->len; i++)
    {
      check_text (g_ptr_array_index (array, i));
      g_assert_cmpstr (g_ptr_array_index (array, i), !=, "");
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LanyardGitCredentialRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  /* GLib's warnings and criticals are crashes, as in the test suite. */
  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);

  request = lanyard_git_credential_request_parse ((const char *) data, size, &error);
  if (request == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == LANYARD_GIT_CREDENTIAL_ERROR);
      /* The message is shown to the person: text. */
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  g_assert_null (error);
  g_assert_cmpuint (size, <=, LANYARD_GIT_CREDENTIAL_MAX_INPUT);
  check_text (request->protocol);
  check_text (request->host);
  check_text (request->path);
  check_text (request->username);
  check_text (request->password);
  check_text (request->authtype);
  check_text (request->credential);
  check_array (request->wwwauth);
  check_array (request->capabilities);
  (void) lanyard_git_credential_request_has_capability (request, "authtype");
  /* Whatever host and path it names, matching them is safe. */
  (void) lanyard_git_credential_request_is_for (request, "https://github.com");
  (void) lanyard_git_credential_request_is_for (request, "https://gitlab.example.com:8443/gitlab/");
  (void) lanyard_git_credential_request_is_for (request, "http://[::1]:8080");
  {
    guint depth = 0;

    (void) lanyard_git_credential_request_match (request, "https://example.com/gitlab", &depth);
    g_assert_cmpuint (depth, <=, 1);
  }
  /* A path with a "%" (or "." and ".." segments) is never a match. */
  if (request->path != NULL && strchr (request->path, '%') != NULL)
    g_assert_false (lanyard_git_credential_request_is_for (request, "https://github.com"));
  return 0;
}
