/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-device"

#include "lanyard-device-grant.h"

#include <glib/gi18n.h>

#include "lanyard-error.h"

/**
 * LanyardDeviceGrant:
 *
 * The polling half of a device sign-in (RFC 8628 §3.4, §3.5): after the
 * device authorization answer, it asks the token endpoint no faster than
 * `interval`, goes on after `authorization_pending`, waits 5 s longer after
 * each `slow_down`, and backs off after transient failures. It ends with
 * the tokens, with the provider's refusal (`access_denied`,
 * `expired_token`, any other error) in words, when `expires_in` has
 * passed (without one more request), or when cancelled — and then nothing
 * more is sent: the timer goes, and a request on the way is cancelled.
 */
struct _LanyardDeviceGrant
{
  GObject parent_instance;

  LanyardProvider            *provider;
  LanyardDeviceAuthorization *authorization;
  guint                       interval; /* seconds */
  guint                       n_polls;
  gint64                      deadline; /* monotonic, µs */
  gint64                      expires_at; /* wall clock, s */

  GTask        *task;
  GCancellable *request_cancellable;
  GCancellable *caller;
  gulong        caller_handler;
  guint         timer_id;
  gboolean      timer_ends; /* the timer is the deadline's, not a poll's */
};

G_DEFINE_FINAL_TYPE (LanyardDeviceGrant, lanyard_device_grant, G_TYPE_OBJECT)

static guint
second_ms (void)
{
  static gsize ms;

  if (g_once_init_enter (&ms))
    {
      const char *value = g_getenv (LANYARD_DEVICE_SECOND_MS_ENV);
      guint64     parsed = 1000;

      if (value != NULL && !g_ascii_string_to_unsigned (value, 10, 1, 1000, &parsed, NULL))
        parsed = 1000;
      g_once_init_leave (&ms, (gsize) parsed);
    }
  return (guint) ms;
}

static void
lanyard_device_grant_dispose (GObject *object)
{
  LanyardDeviceGrant *self = LANYARD_DEVICE_GRANT (object);

  g_assert (self->task == NULL);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_object (&self->request_cancellable);

  G_OBJECT_CLASS (lanyard_device_grant_parent_class)->dispose (object);
}

static void
lanyard_device_grant_finalize (GObject *object)
{
  LanyardDeviceGrant *self = LANYARD_DEVICE_GRANT (object);

  g_clear_object (&self->provider);
  g_clear_pointer (&self->authorization, lanyard_device_authorization_free);

  G_OBJECT_CLASS (lanyard_device_grant_parent_class)->finalize (object);
}

static void
lanyard_device_grant_class_init (LanyardDeviceGrantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_device_grant_dispose;
  object_class->finalize = lanyard_device_grant_finalize;
}

static void
lanyard_device_grant_init (LanyardDeviceGrant *self)
{
}

/**
 * lanyard_device_grant_new:
 * @authorization: (transfer full): the checked device authorization answer
 *
 * The clock of `expires_in` starts now.
 */
LanyardDeviceGrant *
lanyard_device_grant_new (LanyardProvider            *provider,
                          LanyardDeviceAuthorization *authorization)
{
  LanyardDeviceGrant *self;

  g_return_val_if_fail (LANYARD_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (authorization != NULL, NULL);

  self = g_object_new (LANYARD_TYPE_DEVICE_GRANT, NULL);
  self->provider = g_object_ref (provider);
  self->authorization = authorization;
  self->interval = authorization->interval;
  self->deadline = g_get_monotonic_time () + (gint64) authorization->expires_in * second_ms () * 1000;
  self->expires_at = g_get_real_time () / G_USEC_PER_SEC + authorization->expires_in;
  return self;
}

/* The one way out: the timer and the caller's handler go, the request on
 * the way is cancelled, and the task returns once. */
static void
finish (LanyardDeviceGrant *self,
        LanyardTokenSet    *tokens,
        GError             *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_assert (task != NULL);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->request_cancellable != NULL)
    g_cancellable_cancel (self->request_cancellable);
  if (self->caller_handler != 0)
    g_signal_handler_disconnect (self->caller, self->caller_handler);
  self->caller_handler = 0;
  g_clear_object (&self->caller);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tokens, g_object_unref);
}

static GError *
expired_error (LanyardDeviceGrant *self)
{
  return g_error_new (LANYARD_ERROR, LANYARD_ERROR_TIMED_OUT,
                      _ ("The code %s for signing in to %s expired before the sign-in was approved. "
                         "Start again for a new code."),
                      self->authorization->user_code, lanyard_provider_get_display_name (self->provider));
}

static void schedule (LanyardDeviceGrant *self);

static void
poll_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(LanyardDeviceGrant) self = user_data;
  g_autoptr(LanyardTokenSet) tokens = NULL;
  g_autoptr(GError) error = NULL;
  LanyardDevicePoll poll;

  tokens = lanyard_provider_poll_device_token_finish (LANYARD_PROVIDER (object), result, &poll, &error);
  /* Ended meanwhile (cancelled, expired): the answer is dropped. */
  if (self->task == NULL)
    return;
  g_clear_object (&self->request_cancellable);

  if (tokens != NULL)
    {
      g_debug ("Device sign-in with %s approved after %u polls", lanyard_provider_get_id (self->provider), self->n_polls);
      finish (self, g_steal_pointer (&tokens), NULL);
      return;
    }
  if (error != NULL)
    {
      if (!g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_NETWORK) &&
          !g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_SERVER))
        {
          finish (self, NULL, g_steal_pointer (&error));
          return;
        }
      self->interval = MAX (self->interval, MIN (self->interval * 2, LANYARD_DEVICE_BACKOFF_MAX));
      g_debug ("Device sign-in with %s: %s; asking again in %u s", lanyard_provider_get_id (self->provider),
               error->message, self->interval);
    }
  else if (poll == LANYARD_DEVICE_POLL_SLOW_DOWN)
    {
      /* RFC 8628 §3.5: 5 seconds more, for this and every later poll. */
      self->interval = MIN (self->interval + 5, LANYARD_DEVICE_INTERVAL_MAX);
    }
  schedule (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  LanyardDeviceGrant *self = user_data;

  self->timer_id = 0;
  if (self->timer_ends || g_get_monotonic_time () >= self->deadline)
    {
      finish (self, NULL, expired_error (self));
      return G_SOURCE_REMOVE;
    }

  self->n_polls++;
  self->request_cancellable = g_cancellable_new ();
  lanyard_provider_poll_device_token_async (self->provider, self->authorization->device_code,
                                            self->request_cancellable, poll_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* The next poll after the interval, or the end at the deadline if that
 * comes first: no request is sent that could only be answered
 * `expired_token`. */
static void
schedule (LanyardDeviceGrant *self)
{
  gint64 wait_ms = (gint64) self->interval * second_ms ();
  gint64 left_ms = (self->deadline - g_get_monotonic_time ()) / 1000;

  if (left_ms <= 0)
    {
      finish (self, NULL, expired_error (self));
      return;
    }
  self->timer_ends = wait_ms >= left_ms;
  self->timer_id = g_timeout_add ((guint) MIN (wait_ms, left_ms + 1), tick_cb, self);
}

static void
caller_cancelled_cb (GCancellable       *cancellable,
                     LanyardDeviceGrant *self)
{
  /* From the "cancelled" handler itself: finish() disconnects it, which
   * a plain handler (unlike g_cancellable_connect()) allows. */
  finish (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("The sign-in was cancelled")));
}

/**
 * lanyard_device_grant_run_async:
 * @cancellable: (nullable): cancelling it ends the polling at once
 *
 * Polls until the sign-in ends. The first poll comes one interval from
 * now (RFC 8628 §3.5: the person needs that long anyway). Once.
 */
void
lanyard_device_grant_run_async (LanyardDeviceGrant *self,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_return_if_fail (LANYARD_IS_DEVICE_GRANT (self));
  g_return_if_fail (self->task == NULL && self->n_polls == 0);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, lanyard_device_grant_run_async);
  g_task_set_check_cancellable (self->task, FALSE);

  if (cancellable != NULL)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          finish (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("The sign-in was cancelled")));
          return;
        }
      self->caller = g_object_ref (cancellable);
      self->caller_handler = g_signal_connect (cancellable, "cancelled", G_CALLBACK (caller_cancelled_cb), self);
    }
  schedule (self);
}

/**
 * lanyard_device_grant_run_finish:
 *
 * Returns: (transfer full): the tokens; checking them and who they belong
 *   to is the caller's (#LanyardFlow does it as for a browser sign-in)
 */
LanyardTokenSet *
lanyard_device_grant_run_finish (LanyardDeviceGrant *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const LanyardDeviceAuthorization *
lanyard_device_grant_get_authorization (LanyardDeviceGrant *self)
{
  g_return_val_if_fail (LANYARD_IS_DEVICE_GRANT (self), NULL);
  return self->authorization;
}

/**
 * lanyard_device_grant_get_interval:
 *
 * Returns: the seconds between polls now (after any `slow_down`)
 */
guint
lanyard_device_grant_get_interval (LanyardDeviceGrant *self)
{
  g_return_val_if_fail (LANYARD_IS_DEVICE_GRANT (self), 0);
  return self->interval;
}

guint
lanyard_device_grant_get_n_polls (LanyardDeviceGrant *self)
{
  g_return_val_if_fail (LANYARD_IS_DEVICE_GRANT (self), 0);
  return self->n_polls;
}

/**
 * lanyard_device_grant_get_expires_at:
 *
 * Returns: when the codes expire, seconds since the epoch
 */
gint64
lanyard_device_grant_get_expires_at (LanyardDeviceGrant *self)
{
  g_return_val_if_fail (LANYARD_IS_DEVICE_GRANT (self), 0);
  return self->expires_at;
}
