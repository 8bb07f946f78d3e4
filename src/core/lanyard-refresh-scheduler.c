/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-refresh-scheduler"

#include "lanyard-refresh-scheduler.h"

/* The timer never sleeps longer than this: GLib's timers run on the
 * monotonic clock, which stands still while the machine is suspended, so
 * expiry (wall-clock time) is checked again at least this often. */
#define MAX_SLEEP_SECONDS 60
#define MAX_BACKOFF_SECONDS (60 * 60)

/**
 * LanyardRefreshScheduler:
 *
 * Decides when each account's tokens are refreshed; the daemon does the
 * refreshing when told (#LanyardRefreshScheduler::refresh-due) and reports
 * how it went.
 *
 * One timer for the soonest due time across all accounts, not one per
 * account. An account is due at its expiry minus a margin minus a little
 * jitter (so that accounts linked together do not refresh together), but
 * never before half of the token's lifetime has passed and never sooner
 * than %LANYARD_REFRESH_MIN_INTERVAL_SECONDS after its last refresh: a
 * token that lives no longer than the margin (Keycloak's 300 s, or
 * `expires_in: 0`) would otherwise be due again as soon as it arrived. At
 * most a few refreshes run at once. Transient failures back off
 * exponentially with jitter; `invalid_grant` stops the account's schedule.
 * While the network is down nothing is started; when it returns,
 * everything due runs.
 */
struct _LanyardRefreshScheduler
{
  GObject parent_instance;

  GHashTable      *entries; /* key → Entry */
  GNetworkMonitor *monitor;
  guint            timer_id;
  guint            margin;
  guint            backoff;
  guint            max_running;
  guint            n_running;
  gboolean         paused;
};

typedef struct
{
  gint64   expires_at;
  gint64   due_at;
  gint64   last_refresh; /* wall-clock seconds of the last success, or 0 */
  guint    attempts;
  gboolean running;
  gboolean stopped;
} Entry;

enum
{
  REFRESH_DUE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LanyardRefreshScheduler, lanyard_refresh_scheduler, G_TYPE_OBJECT)

static void arm (LanyardRefreshScheduler *self);

static gint64
wall_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
lanyard_refresh_scheduler_dispose (GObject *object)
{
  LanyardRefreshScheduler *self = LANYARD_REFRESH_SCHEDULER (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (lanyard_refresh_scheduler_parent_class)->dispose (object);
}

static void
lanyard_refresh_scheduler_finalize (GObject *object)
{
  LanyardRefreshScheduler *self = LANYARD_REFRESH_SCHEDULER (object);

  g_hash_table_unref (self->entries);

  G_OBJECT_CLASS (lanyard_refresh_scheduler_parent_class)->finalize (object);
}

static void
lanyard_refresh_scheduler_class_init (LanyardRefreshSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_refresh_scheduler_dispose;
  object_class->finalize = lanyard_refresh_scheduler_finalize;

  /**
   * LanyardRefreshScheduler::refresh-due:
   * @key: the account
   *
   * Refresh the account now, then call lanyard_refresh_scheduler_report().
   */
  signals[REFRESH_DUE] = g_signal_new ("refresh-due", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
lanyard_refresh_scheduler_init (LanyardRefreshScheduler *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->margin = 5 * 60;
  self->backoff = 30;
  self->max_running = 3;
}

static void
network_changed_cb (GNetworkMonitor         *monitor,
                    gboolean                 available,
                    LanyardRefreshScheduler *self)
{
  gboolean paused = !g_network_monitor_get_network_available (monitor);

  if (paused == self->paused)
    return;

  self->paused = paused;
  g_debug ("Network %s: refreshes %s", paused ? "down" : "back", paused ? "paused" : "resumed");
  arm (self);
}

/**
 * lanyard_refresh_scheduler_new:
 * @monitor: (nullable): pauses refreshes while it reports no network
 */
LanyardRefreshScheduler *
lanyard_refresh_scheduler_new (GNetworkMonitor *monitor)
{
  LanyardRefreshScheduler *self = g_object_new (LANYARD_TYPE_REFRESH_SCHEDULER, NULL);

  if (monitor != NULL)
    {
      self->monitor = g_object_ref (monitor);
      self->paused = !g_network_monitor_get_network_available (monitor);
      g_signal_connect (monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
    }

  return self;
}

/**
 * lanyard_refresh_scheduler_set_timing:
 * @margin_seconds: how long before expiry to refresh
 * @backoff_seconds: the first wait after a transient failure; it doubles
 *   with each further failure, up to an hour
 * @max_running: how many refreshes may run at once
 */
void
lanyard_refresh_scheduler_set_timing (LanyardRefreshScheduler *self,
                                      guint                    margin_seconds,
                                      guint                    backoff_seconds,
                                      guint                    max_running)
{
  g_return_if_fail (LANYARD_IS_REFRESH_SCHEDULER (self));
  g_return_if_fail (max_running > 0);

  self->margin = margin_seconds;
  self->backoff = MAX (1, backoff_seconds);
  self->max_running = max_running;
  arm (self);
}

/* The expiry minus the margin, and up to a tenth of the margin (at most a
 * minute) earlier at random, so that accounts linked at the same time
 * spread their refreshes. Then the floors: not before half the remaining
 * lifetime has passed (the margin may be longer than the whole lifetime),
 * and not sooner than the minimum interval after the last refresh. */
static gint64
due_time (LanyardRefreshScheduler *self,
          Entry                   *entry,
          gint64                   expires_at)
{
  guint  spread = MIN (60, self->margin / 10);
  guint  jitter = spread > 0 ? g_random_int_range (0, spread + 1) : 0;
  gint64 now = wall_now ();
  gint64 due = expires_at - self->margin - jitter;

  due = MAX (due, now + MAX (0, expires_at - now) / 2);
  if (entry->last_refresh != 0)
    due = MAX (due, entry->last_refresh + LANYARD_REFRESH_MIN_INTERVAL_SECONDS);

  return due;
}

static gboolean
timer_cb (gpointer user_data)
{
  LanyardRefreshScheduler *self = user_data;
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_free);
  gint64         now = wall_now ();
  GHashTableIter iter;
  gpointer       key, value;

  self->timer_id = 0;

  if (!self->paused)
    {
      g_hash_table_iter_init (&iter, self->entries);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          Entry *entry = value;

          if (!entry->running && !entry->stopped && entry->due_at <= now &&
              self->n_running + due->len < self->max_running)
            g_ptr_array_add (due, g_strdup (key));
        }
    }

  /* Marked first, emitted after: a handler may report at once. */
  for (guint i = 0; i < due->len; i++)
    {
      Entry *entry = g_hash_table_lookup (self->entries, g_ptr_array_index (due, i));
      entry->running = TRUE;
      self->n_running++;
    }
  for (guint i = 0; i < due->len; i++)
    {
      g_debug ("Refreshing %s", (const char *) g_ptr_array_index (due, i));
      g_signal_emit (self, signals[REFRESH_DUE], 0, g_ptr_array_index (due, i));
    }

  arm (self);
  return G_SOURCE_REMOVE;
}

/* The one timer: for the soonest due time, at most a minute away. */
static void
arm (LanyardRefreshScheduler *self)
{
  gint64 next = lanyard_refresh_scheduler_get_next_due (self);
  gint64 delay;

  g_clear_handle_id (&self->timer_id, g_source_remove);

  if (self->paused || next == G_MAXINT64 || self->n_running >= self->max_running)
    return;

  delay = CLAMP (next - wall_now (), 0, MAX_SLEEP_SECONDS);
  if (delay == 0)
    self->timer_id = g_idle_add (timer_cb, self);
  else
    self->timer_id = g_timeout_add_seconds ((guint) delay, timer_cb, self);
}

/**
 * lanyard_refresh_scheduler_get_next_due:
 *
 * Returns: the soonest due time (wall-clock seconds) of an account that
 *   is neither refreshing nor stopped, or %G_MAXINT64
 */
gint64
lanyard_refresh_scheduler_get_next_due (LanyardRefreshScheduler *self)
{
  GHashTableIter iter;
  gpointer       value;
  gint64         next = G_MAXINT64;

  g_return_val_if_fail (LANYARD_IS_REFRESH_SCHEDULER (self), G_MAXINT64);

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;

      if (!entry->running && !entry->stopped)
        next = MIN (next, entry->due_at);
    }

  return next;
}

/**
 * lanyard_refresh_scheduler_schedule:
 * @expires_at: wall-clock seconds; 0 for tokens that do not expire, which
 *   are not scheduled
 */
void
lanyard_refresh_scheduler_schedule (LanyardRefreshScheduler *self,
                                    const char              *key,
                                    gint64                   expires_at)
{
  Entry *entry;

  g_return_if_fail (LANYARD_IS_REFRESH_SCHEDULER (self));

  if (expires_at <= 0)
    {
      lanyard_refresh_scheduler_remove (self, key);
      return;
    }

  entry = g_hash_table_lookup (self->entries, key);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, g_strdup (key), entry);
    }

  /* New tokens from a sign-in (or read at start): the floor after a
   * refresh is for refreshes, which are what could run in a loop. */
  entry->last_refresh = 0;
  entry->expires_at = expires_at;
  entry->due_at = due_time (self, entry, expires_at);
  entry->attempts = 0;
  entry->stopped = FALSE;
  arm (self);
}

void
lanyard_refresh_scheduler_remove (LanyardRefreshScheduler *self,
                                  const char              *key)
{
  Entry *entry;

  g_return_if_fail (LANYARD_IS_REFRESH_SCHEDULER (self));

  entry = g_hash_table_lookup (self->entries, key);
  if (entry == NULL)
    return;
  if (entry->running)
    self->n_running--;
  g_hash_table_remove (self->entries, key);
  arm (self);
}

/**
 * lanyard_refresh_scheduler_report:
 * @expires_at: with %LANYARD_REFRESH_SUCCEEDED, the new expiry
 *
 * How a refresh the scheduler asked for (or one the daemon did on its own,
 * for a token request) went.
 */
void
lanyard_refresh_scheduler_report (LanyardRefreshScheduler *self,
                                  const char              *key,
                                  LanyardRefreshOutcome    outcome,
                                  gint64                   expires_at)
{
  Entry *entry;

  g_return_if_fail (LANYARD_IS_REFRESH_SCHEDULER (self));

  entry = g_hash_table_lookup (self->entries, key);
  if (entry == NULL)
    {
      if (outcome != LANYARD_REFRESH_SUCCEEDED || expires_at <= 0)
        return;
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, g_strdup (key), entry);
    }

  if (entry->running)
    {
      entry->running = FALSE;
      self->n_running--;
    }

  switch (outcome)
    {
    case LANYARD_REFRESH_SUCCEEDED:
      if (expires_at <= 0)
        {
          lanyard_refresh_scheduler_remove (self, key);
          return;
        }
      entry->last_refresh = wall_now ();
      entry->expires_at = expires_at;
      entry->due_at = due_time (self, entry, expires_at);
      entry->attempts = 0;
      break;

    case LANYARD_REFRESH_TRANSIENT:
      {
        /* 1, 2, 4 … times the base, up to an hour, ±25 % so that accounts
         * of one provider do not retry in lockstep. */
        guint64 delay = MIN ((guint64) self->backoff << MIN (entry->attempts, 16), (guint64) MAX_BACKOFF_SECONDS);
        double  factor = g_random_double_range (0.75, 1.25);

        entry->attempts++;
        entry->due_at = wall_now () + MAX (1, (gint64) (delay * factor));
        g_debug ("Refreshing %s failed (%u times); next try in %" G_GINT64_FORMAT " s",
                 key, entry->attempts, entry->due_at - wall_now ());
      }
      break;

    case LANYARD_REFRESH_NEEDS_ATTENTION:
      entry->stopped = TRUE;
      break;

    default:
      g_assert_not_reached ();
    }

  arm (self);
}

/**
 * lanyard_refresh_scheduler_recheck:
 *
 * Looks at the wall clock again now: after a resume from suspend, or when
 * the system clock jumped.
 */
void
lanyard_refresh_scheduler_recheck (LanyardRefreshScheduler *self)
{
  g_return_if_fail (LANYARD_IS_REFRESH_SCHEDULER (self));
  arm (self);
}

guint
lanyard_refresh_scheduler_get_n_running (LanyardRefreshScheduler *self)
{
  g_return_val_if_fail (LANYARD_IS_REFRESH_SCHEDULER (self), 0);
  return self->n_running;
}

gboolean
lanyard_refresh_scheduler_get_paused (LanyardRefreshScheduler *self)
{
  g_return_val_if_fail (LANYARD_IS_REFRESH_SCHEDULER (self), FALSE);
  return self->paused;
}
