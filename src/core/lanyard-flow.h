/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-provider.h"

G_BEGIN_DECLS

/**
 * LanyardFlowStatus:
 * @LANYARD_FLOW_STATUS_NEW: created, not started
 * @LANYARD_FLOW_STATUS_STARTING: preparing the provider and the listener
 * @LANYARD_FLOW_STATUS_WAITING: the authorize URL is ready; waiting for the
 *   browser's redirect (or, for the device grant, the user code is ready;
 *   polling until the person approves)
 * @LANYARD_FLOW_STATUS_EXCHANGING: redirect received; exchanging the code
 *   and fetching the identity
 * @LANYARD_FLOW_STATUS_SUCCEEDED: identity and tokens are available
 * @LANYARD_FLOW_STATUS_FAILED: ended with an error (cancelled, timed out…)
 */
typedef enum
{
  LANYARD_FLOW_STATUS_NEW,
  LANYARD_FLOW_STATUS_STARTING,
  LANYARD_FLOW_STATUS_WAITING,
  LANYARD_FLOW_STATUS_EXCHANGING,
  LANYARD_FLOW_STATUS_SUCCEEDED,
  LANYARD_FLOW_STATUS_FAILED,
} LanyardFlowStatus;

/* How long a sign-in may take before it is stopped and its listener closed. */
#define LANYARD_FLOW_DEFAULT_TIMEOUT_SECONDS (10 * 60)

#define LANYARD_TYPE_FLOW (lanyard_flow_get_type ())
G_DECLARE_FINAL_TYPE (LanyardFlow, lanyard_flow, LANYARD, FLOW, GObject)

LanyardFlow      *lanyard_flow_new (LanyardProvider *provider);
void              lanyard_flow_set_timeout (LanyardFlow *self,
                                            guint        seconds);
void              lanyard_flow_set_login_hint (LanyardFlow *self,
                                               const char  *login_hint);
void              lanyard_flow_set_grant (LanyardFlow *self,
                                          LanyardGrant grant);
LanyardGrant      lanyard_flow_get_grant (LanyardFlow *self);
const char       *lanyard_flow_get_user_code (LanyardFlow *self);
const char       *lanyard_flow_get_verification_uri (LanyardFlow *self);
const char       *lanyard_flow_get_verification_uri_complete (LanyardFlow *self);
gint64            lanyard_flow_get_device_expires_at (LanyardFlow *self);
guint             lanyard_flow_get_device_interval (LanyardFlow *self);
LanyardProvider  *lanyard_flow_get_provider (LanyardFlow *self);
LanyardFlowStatus lanyard_flow_get_status (LanyardFlow *self);
const char       *lanyard_flow_get_state (LanyardFlow *self);
const char       *lanyard_flow_get_authorize_url (LanyardFlow *self);
const char       *lanyard_flow_get_redirect_uri (LanyardFlow *self);
gboolean          lanyard_flow_is_listening (LanyardFlow *self);
LanyardIdentity  *lanyard_flow_get_identity (LanyardFlow *self);
LanyardTokenSet  *lanyard_flow_get_tokens (LanyardFlow *self);
void              lanyard_flow_start_async (LanyardFlow        *self,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean          lanyard_flow_start_finish (LanyardFlow  *self,
                                             GAsyncResult *result,
                                             GError      **error);
void              lanyard_flow_wait_async (LanyardFlow        *self,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
gboolean          lanyard_flow_wait_finish (LanyardFlow  *self,
                                            GAsyncResult *result,
                                            GError      **error);
void              lanyard_flow_cancel (LanyardFlow *self);

G_END_DECLS
