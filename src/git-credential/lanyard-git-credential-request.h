/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What git may send a credential helper, at most (git-credential(1) sets
 * no limits; these are far above what git sends and keep a hostile or
 * broken writer from making the helper hold much). */
#define LANYARD_GIT_CREDENTIAL_MAX_INPUT (64 * 1024)
#define LANYARD_GIT_CREDENTIAL_MAX_LINE (8 * 1024)
#define LANYARD_GIT_CREDENTIAL_MAX_LINES 256
#define LANYARD_GIT_CREDENTIAL_MAX_ARRAY 64

#define LANYARD_GIT_CREDENTIAL_ERROR (lanyard_git_credential_error_quark ())

/**
 * LanyardGitCredentialError:
 * @LANYARD_GIT_CREDENTIAL_ERROR_TOO_LARGE: the input, a line, or the
 *   number of lines or array elements is beyond the bounds above
 * @LANYARD_GIT_CREDENTIAL_ERROR_INVALID: a line is not `key=value`, or
 *   holds a NUL byte, or an attribute Lanyard reads is not UTF-8 text
 */
typedef enum
{
  LANYARD_GIT_CREDENTIAL_ERROR_TOO_LARGE,
  LANYARD_GIT_CREDENTIAL_ERROR_INVALID,
} LanyardGitCredentialError;

GQuark lanyard_git_credential_error_quark (void);

/**
 * LanyardGitCredentialRequest:
 * @protocol: (nullable): `https`, `http`, …
 * @host: (nullable): the host, with `:port` when the URL has one
 * @path: (nullable): only when git is configured with `credential.useHttpPath`
 * @username: (nullable): the user name git knows (the URL's, or
 *   `credential.<url>.username`)
 * @password: (nullable): for `erase`, the password that was refused (a
 *   secret: wiped when the request is freed)
 * @wwwauth: the server's `WWW-Authenticate` challenges (`wwwauth[]`), in
 *   order: those that are text, the first 64 (never a reason to refuse)
 * @capabilities: what this git understands (`capability[]`), such as `authtype`
 * @authtype: (nullable): for `erase` with the `authtype` capability
 * @credential: (nullable): for `erase` with the `authtype` capability (a
 *   secret, wiped)
 *
 * What git sent a credential helper on standard input (git-credential(1),
 * "INPUT/OUTPUT FORMAT"): `key=value` lines up to an empty line or the
 * end. Keys ending in `[]` are arrays (an empty value clears one); keys
 * Lanyard does not know are ignored, as git asks of helpers; a key given
 * twice keeps the last value, as git does.
 */
typedef struct
{
  char      *protocol;
  char      *host;
  char      *path;
  char      *username;
  char      *password;
  GPtrArray *wwwauth;
  GPtrArray *capabilities;
  char      *authtype;
  char      *credential;
} LanyardGitCredentialRequest;

LanyardGitCredentialRequest *lanyard_git_credential_request_parse (const char *data,
                                                                   gsize       length,
                                                                   GError    **error);
gboolean                     lanyard_git_credential_request_has_capability (const LanyardGitCredentialRequest *self,
                                                                            const char                        *capability);
/**
 * LanyardGitCredentialMatch:
 * @LANYARD_GIT_CREDENTIAL_MATCH_NONE: git asks about something else
 * @LANYARD_GIT_CREDENTIAL_MATCH_YES: git asks about what the provider serves
 * @LANYARD_GIT_CREDENTIAL_MATCH_NEEDS_PATH: the host is the provider's,
 *   but the provider is under a path and git sent none
 */
typedef enum
{
  LANYARD_GIT_CREDENTIAL_MATCH_NONE,
  LANYARD_GIT_CREDENTIAL_MATCH_YES,
  LANYARD_GIT_CREDENTIAL_MATCH_NEEDS_PATH,
} LanyardGitCredentialMatch;

LanyardGitCredentialMatch lanyard_git_credential_request_match (const LanyardGitCredentialRequest *self,
                                                                const char                        *web_url,
                                                                guint                             *depth);
gboolean                  lanyard_git_credential_request_is_for (const LanyardGitCredentialRequest *self,
                                                                 const char                        *web_url);
void                      lanyard_git_credential_request_free (LanyardGitCredentialRequest *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardGitCredentialRequest, lanyard_git_credential_request_free)

void lanyard_git_credential_wipe (char *secret);

G_END_DECLS
