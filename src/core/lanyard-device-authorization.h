/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The bounds of a device authorization answer (RFC 8628 §3.2). Real
 * providers send a user code of 8–9 characters, device codes under 200
 * bytes, intervals of 5 s and lifetimes of 15–30 minutes. */
#define LANYARD_DEVICE_USER_CODE_MAX 32
#define LANYARD_DEVICE_CODE_MAX 1024
#define LANYARD_DEVICE_URI_MAX 2048
#define LANYARD_DEVICE_INTERVAL_DEFAULT 5
#define LANYARD_DEVICE_INTERVAL_MAX 300
#define LANYARD_DEVICE_EXPIRES_MIN 10
#define LANYARD_DEVICE_EXPIRES_MAX (24 * 60 * 60)

/**
 * LanyardDeviceAuthorization:
 * @device_code: what the client polls with; a secret of the sign-in
 * @user_code: what the person types at @verification_uri
 * @verification_uri: where the person goes
 * @verification_uri_complete: (nullable): the same with the code in it,
 *   for a QR code
 * @expires_in: seconds the codes are valid
 * @interval: seconds between polls
 *
 * A device authorization endpoint's answer, checked (RFC 8628 §3.2).
 */
typedef struct
{
  char *device_code;
  char *user_code;
  char *verification_uri;
  char *verification_uri_complete;
  guint expires_in;
  guint interval;
} LanyardDeviceAuthorization;

LanyardDeviceAuthorization *lanyard_device_authorization_parse (GHashTable *fields,
                                                                const char *provider_name,
                                                                GError    **error);
void                        lanyard_device_authorization_free (LanyardDeviceAuthorization *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardDeviceAuthorization, lanyard_device_authorization_free)

G_END_DECLS
