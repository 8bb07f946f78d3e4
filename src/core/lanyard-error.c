/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-error"

#include "lanyard-error.h"

G_DEFINE_QUARK (lanyard - error - quark, lanyard_error)

/**
 * lanyard_error_code_to_nick:
 * @code: a #LanyardError
 *
 * Returns: a stable, machine-readable name for @code, as used later for
 *   D-Bus error names (`io.github.lanyard.Error.<Nick>`)
 */
const char *
lanyard_error_code_to_nick (LanyardError code)
{
  switch (code)
    {
    case LANYARD_ERROR_MISCONFIGURED: return "Misconfigured";
    case LANYARD_ERROR_ACCESS_DENIED: return "AccessDenied";
    case LANYARD_ERROR_INVALID_GRANT: return "InvalidGrant";
    case LANYARD_ERROR_PROVIDER: return "ProviderError";
    case LANYARD_ERROR_SERVER: return "ServerError";
    case LANYARD_ERROR_NETWORK: return "Network";
    case LANYARD_ERROR_INVALID_RESPONSE: return "InvalidResponse";
    case LANYARD_ERROR_STATE_MISMATCH: return "StateMismatch";
    case LANYARD_ERROR_ISSUER_MISMATCH: return "IssuerMismatch";
    case LANYARD_ERROR_INVALID_CALLBACK: return "InvalidCallback";
    case LANYARD_ERROR_TIMED_OUT: return "TimedOut";
    case LANYARD_ERROR_NOT_SUPPORTED: return "NotSupported";
    case LANYARD_ERROR_FAILED: return "Failed";
    case LANYARD_ERROR_KEYRING_UNAVAILABLE: return "KeyringUnavailable";
    case LANYARD_ERROR_KEYRING_LOCKED: return "KeyringLocked";
    case LANYARD_ERROR_NOT_FOUND: return "NotFound";
    case LANYARD_ERROR_PERMISSION_DENIED: return "PermissionDenied";
    default: return "Failed";
    }
}
