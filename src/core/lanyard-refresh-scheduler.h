/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* However short-lived its tokens, an account is refreshed at most this
 * often by the scheduler (a refresh is a token request and a keyring
 * write). */
#define LANYARD_REFRESH_MIN_INTERVAL_SECONDS 30

/**
 * LanyardRefreshOutcome:
 * @LANYARD_REFRESH_SUCCEEDED: new tokens are stored; schedule their expiry
 * @LANYARD_REFRESH_TRANSIENT: network, server or keyring trouble; try again
 *   later, with exponential backoff
 * @LANYARD_REFRESH_NEEDS_ATTENTION: the grant is gone (`invalid_grant`);
 *   stop until the person signs in again
 */
typedef enum
{
  LANYARD_REFRESH_SUCCEEDED,
  LANYARD_REFRESH_TRANSIENT,
  LANYARD_REFRESH_NEEDS_ATTENTION,
} LanyardRefreshOutcome;

#define LANYARD_TYPE_REFRESH_SCHEDULER (lanyard_refresh_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (LanyardRefreshScheduler, lanyard_refresh_scheduler, LANYARD, REFRESH_SCHEDULER, GObject)

LanyardRefreshScheduler *lanyard_refresh_scheduler_new (GNetworkMonitor *monitor);
void                     lanyard_refresh_scheduler_set_timing (LanyardRefreshScheduler *self,
                                                               guint                    margin_seconds,
                                                               guint                    backoff_seconds,
                                                               guint                    max_running);
void                     lanyard_refresh_scheduler_schedule (LanyardRefreshScheduler *self,
                                                             const char              *key,
                                                             gint64                   expires_at);
void                     lanyard_refresh_scheduler_remove (LanyardRefreshScheduler *self,
                                                           const char              *key);
void                     lanyard_refresh_scheduler_report (LanyardRefreshScheduler *self,
                                                           const char              *key,
                                                           LanyardRefreshOutcome    outcome,
                                                           gint64                   expires_at);
void                     lanyard_refresh_scheduler_recheck (LanyardRefreshScheduler *self);
gint64                   lanyard_refresh_scheduler_get_next_due (LanyardRefreshScheduler *self);
guint                    lanyard_refresh_scheduler_get_n_running (LanyardRefreshScheduler *self);
gboolean                 lanyard_refresh_scheduler_get_paused (LanyardRefreshScheduler *self);

G_END_DECLS
