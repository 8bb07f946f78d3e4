/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(LANYARD_INSIDE) && !defined(LANYARD_COMPILATION)
#error "Only <lanyard.h> can be included directly."
#endif

#include <glib.h>

#include "lanyard-version-macros.h"

G_BEGIN_DECLS

/**
 * LANYARD_CLIENT_ERROR:
 *
 * The error domain of liblanyard: what the daemon answered
 * (`io.github.lanyard.Error.*` on the bus), or that it could not be
 * reached. Cancellation is `G_IO_ERROR_CANCELLED`, as everywhere in GIO.
 */
#define LANYARD_CLIENT_ERROR (lanyard_client_error_quark ())

/**
 * LanyardClientError:
 * @LANYARD_CLIENT_ERROR_FAILED: anything else; the message says what
 * @LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE: the Lanyard daemon is not
 *   running and could not be started (is Lanyard installed?), or it went
 *   away during the call
 * @LANYARD_CLIENT_ERROR_PERMISSION_DENIED: the person did not allow this
 *   program to use the account, or the daemon's access policy refuses it;
 *   the message says why
 * @LANYARD_CLIENT_ERROR_NOT_FOUND: no such account (it was unlinked)
 * @LANYARD_CLIENT_ERROR_INVALID_GRANT: the provider no longer accepts the
 *   sign-in: the person must sign in again in Lanyard
 * @LANYARD_CLIENT_ERROR_KEYRING_LOCKED: the keyring holding the tokens is
 *   locked; unlocking it and trying again helps
 * @LANYARD_CLIENT_ERROR_KEYRING_UNAVAILABLE: no keyring (Secret Service)
 *   can be reached
 * @LANYARD_CLIENT_ERROR_NETWORK: the provider could not be reached
 * @LANYARD_CLIENT_ERROR_SERVER: the provider failed; try later
 * @LANYARD_CLIENT_ERROR_TIMED_OUT: no answer in time
 * @LANYARD_CLIENT_ERROR_PROVIDER: another OAuth error from the provider
 * @LANYARD_CLIENT_ERROR_INVALID_RESPONSE: the provider's answer was
 *   unusable
 * @LANYARD_CLIENT_ERROR_MISCONFIGURED: the provider is not set up
 * @LANYARD_CLIENT_ERROR_NOT_SUPPORTED: the provider cannot do this
 * @LANYARD_CLIENT_ERROR_ACCESS_DENIED: the person declined at the provider
 *
 * What went wrong, by what a program can do about it. The daemon's
 * message (in the person's language) is the error's message.
 */
typedef enum
{
  LANYARD_CLIENT_ERROR_FAILED,
  LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE,
  LANYARD_CLIENT_ERROR_PERMISSION_DENIED,
  LANYARD_CLIENT_ERROR_NOT_FOUND,
  LANYARD_CLIENT_ERROR_INVALID_GRANT,
  LANYARD_CLIENT_ERROR_KEYRING_LOCKED,
  LANYARD_CLIENT_ERROR_KEYRING_UNAVAILABLE,
  LANYARD_CLIENT_ERROR_NETWORK,
  LANYARD_CLIENT_ERROR_SERVER,
  LANYARD_CLIENT_ERROR_TIMED_OUT,
  LANYARD_CLIENT_ERROR_PROVIDER,
  LANYARD_CLIENT_ERROR_INVALID_RESPONSE,
  LANYARD_CLIENT_ERROR_MISCONFIGURED,
  LANYARD_CLIENT_ERROR_NOT_SUPPORTED,
  LANYARD_CLIENT_ERROR_ACCESS_DENIED,
} LanyardClientError;

LANYARD_AVAILABLE
GQuark lanyard_client_error_quark (void);

G_END_DECLS
