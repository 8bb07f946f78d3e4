/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-provider.h"

G_BEGIN_DECLS

/* How many milliseconds one second of the protocol lasts: 1000, except in
 * tests, which set LANYARD_DEVICE_SECOND_MS to run RFC 8628's waits (5 s,
 * slow_down's +5 s, expires_in) faster. Read once. */
#define LANYARD_DEVICE_SECOND_MS_ENV "LANYARD_DEVICE_SECOND_MS"

/* After a transient failure (network, 5xx) the interval doubles up to
 * this, as RFC 8628 §3.5 suggests for connection timeouts. */
#define LANYARD_DEVICE_BACKOFF_MAX 60

#define LANYARD_TYPE_DEVICE_GRANT (lanyard_device_grant_get_type ())
G_DECLARE_FINAL_TYPE (LanyardDeviceGrant, lanyard_device_grant, LANYARD, DEVICE_GRANT, GObject)

LanyardDeviceGrant               *lanyard_device_grant_new (LanyardProvider            *provider,
                                                            LanyardDeviceAuthorization *authorization);
const LanyardDeviceAuthorization *lanyard_device_grant_get_authorization (LanyardDeviceGrant *self);
guint                             lanyard_device_grant_get_interval (LanyardDeviceGrant *self);
guint                             lanyard_device_grant_get_n_polls (LanyardDeviceGrant *self);
gint64                            lanyard_device_grant_get_expires_at (LanyardDeviceGrant *self);
void                              lanyard_device_grant_run_async (LanyardDeviceGrant *self,
                                                                  GCancellable       *cancellable,
                                                                  GAsyncReadyCallback callback,
                                                                  gpointer            user_data);
LanyardTokenSet                  *lanyard_device_grant_run_finish (LanyardDeviceGrant *self,
                                                                   GAsyncResult       *result,
                                                                   GError            **error);

G_END_DECLS
