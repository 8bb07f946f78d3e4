/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LANYARD_ERROR (lanyard_error_quark ())

/**
 * LanyardError:
 * @LANYARD_ERROR_MISCONFIGURED: the provider's configuration is wrong or was
 *   rejected by the provider (unknown client, wrong secret); an administrator
 *   has to fix `providers.conf` or the environment.
 * @LANYARD_ERROR_ACCESS_DENIED: the person declined access at the provider,
 *   or the administrator's rules (`allowed_orgs` and the like) do not allow
 *   the account; the message names the rule.
 * @LANYARD_ERROR_INVALID_GRANT: the code or refresh token is no longer valid;
 *   the person has to sign in again.
 * @LANYARD_ERROR_PROVIDER: the provider answered with an OAuth error that is
 *   not one of the above.
 * @LANYARD_ERROR_SERVER: the provider failed (HTTP 5xx or an unexpected
 *   status); trying again later may help.
 * @LANYARD_ERROR_NETWORK: the provider could not be reached.
 * @LANYARD_ERROR_INVALID_RESPONSE: the provider's answer could not be
 *   understood (malformed, missing fields, too large).
 * @LANYARD_ERROR_STATE_MISMATCH: the redirect did not carry this sign-in's
 *   `state`; it was forged, replayed or belongs to another sign-in.
 * @LANYARD_ERROR_ISSUER_MISMATCH: the redirect or a document names another
 *   issuer than the one this sign-in went to (mix-up defence).
 * @LANYARD_ERROR_INVALID_CALLBACK: the redirect is incomplete (no code).
 * @LANYARD_ERROR_TIMED_OUT: no answer came in time.
 * @LANYARD_ERROR_NOT_SUPPORTED: the provider cannot do this (for example,
 *   Microsoft has no revocation endpoint), or the account is linked for its
 *   identity only (no token to give).
 * @LANYARD_ERROR_KEYRING_UNAVAILABLE: no Secret Service answers; tokens
 *   cannot be read or stored (nothing is deleted, nothing written elsewhere).
 * @LANYARD_ERROR_KEYRING_LOCKED: the keyring is locked and stays locked.
 * @LANYARD_ERROR_NOT_FOUND: no such account, provider or sign-in.
 * @LANYARD_ERROR_PERMISSION_DENIED: the caller may not have this (an access
 *   token asked for from inside a sandbox).
 * @LANYARD_ERROR_FAILED: an internal failure (listener could not start).
 *
 * Codes a user interface can act on. Cancellation is reported with
 * %G_IO_ERROR_CANCELLED, as everywhere in GIO.
 */
typedef enum
{
  LANYARD_ERROR_MISCONFIGURED,
  LANYARD_ERROR_ACCESS_DENIED,
  LANYARD_ERROR_INVALID_GRANT,
  LANYARD_ERROR_PROVIDER,
  LANYARD_ERROR_SERVER,
  LANYARD_ERROR_NETWORK,
  LANYARD_ERROR_INVALID_RESPONSE,
  LANYARD_ERROR_STATE_MISMATCH,
  LANYARD_ERROR_ISSUER_MISMATCH,
  LANYARD_ERROR_INVALID_CALLBACK,
  LANYARD_ERROR_TIMED_OUT,
  LANYARD_ERROR_NOT_SUPPORTED,
  LANYARD_ERROR_FAILED,
  LANYARD_ERROR_KEYRING_UNAVAILABLE,
  LANYARD_ERROR_KEYRING_LOCKED,
  LANYARD_ERROR_NOT_FOUND,
  LANYARD_ERROR_PERMISSION_DENIED,
} LanyardError;

GQuark lanyard_error_quark (void);

const char *lanyard_error_code_to_nick (LanyardError code);

G_END_DECLS
