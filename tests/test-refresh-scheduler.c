/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "lanyard-refresh-scheduler.h"

/* A network monitor the test switches on and off. */
#define TEST_TYPE_MONITOR (test_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestMonitor, test_monitor, TEST, MONITOR, GObject)

struct _TestMonitor
{
  GObject  parent_instance;
  gboolean available;
};

static void test_monitor_iface_init (GNetworkMonitorInterface *iface);
static void test_monitor_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestMonitor, test_monitor, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, test_monitor_initable_init) G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, test_monitor_iface_init))

enum
{
  PROP_0,
  PROP_NETWORK_AVAILABLE,
  PROP_NETWORK_METERED,
  PROP_CONNECTIVITY,
};

static void
test_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TestMonitor *self = TEST_MONITOR (object);

  switch (prop_id)
    {
    case PROP_NETWORK_AVAILABLE: g_value_set_boolean (value, self->available); break;
    case PROP_NETWORK_METERED: g_value_set_boolean (value, FALSE); break;
    case PROP_CONNECTIVITY: g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_monitor_class_init (TestMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_monitor_get_property;
  g_object_class_override_property (object_class, PROP_NETWORK_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, PROP_NETWORK_METERED, "network-metered");
  g_object_class_override_property (object_class, PROP_CONNECTIVITY, "connectivity");
}

static void
test_monitor_init (TestMonitor *self)
{
  self->available = TRUE;
}

static gboolean
test_monitor_initable_init_impl (GInitable    *initable,
                                 GCancellable *cancellable,
                                 GError      **error)
{
  return TRUE;
}

static void
test_monitor_initable_init (GInitableIface *iface)
{
  iface->init = test_monitor_initable_init_impl;
}

static void
test_monitor_iface_init (GNetworkMonitorInterface *iface)
{
}

static void
test_monitor_set (TestMonitor *self,
                  gboolean     available)
{
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_signal_emit_by_name (self, "network-changed", available);
}

typedef struct
{
  GPtrArray *due;
} Recorder;

static void
due_cb (LanyardRefreshScheduler *scheduler,
        const char              *key,
        Recorder                *recorder)
{
  g_ptr_array_add (recorder->due, g_strdup (key));
}

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
run_until (Recorder *recorder,
           guint     count,
           guint     seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (recorder->due->len < count && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (5000);
}

static void
test_due_order_and_one_timer (void)
{
  g_autoptr(LanyardRefreshScheduler) scheduler = lanyard_refresh_scheduler_new (NULL);
  Recorder recorder = { g_ptr_array_new_with_free_func (g_free) };

  lanyard_refresh_scheduler_set_timing (scheduler, 0, 1, 3);
  g_signal_connect (scheduler, "refresh-due", G_CALLBACK (due_cb), &recorder);

  lanyard_refresh_scheduler_schedule (scheduler, "late", now () + 3600);
  lanyard_refresh_scheduler_schedule (scheduler, "soon", now () + 1);
  lanyard_refresh_scheduler_schedule (scheduler, "never", 0);
  g_assert_cmpint (lanyard_refresh_scheduler_get_next_due (scheduler), <=, now () + 1);

  run_until (&recorder, 1, 5);
  g_assert_cmpuint (recorder.due->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (recorder.due, 0), ==, "soon");
  g_assert_cmpuint (lanyard_refresh_scheduler_get_n_running (scheduler), ==, 1);

  /* Done: the next due time is the new expiry. */
  lanyard_refresh_scheduler_report (scheduler, "soon", LANYARD_REFRESH_SUCCEEDED, now () + 7200);
  g_assert_cmpuint (lanyard_refresh_scheduler_get_n_running (scheduler), ==, 0);
  g_assert_cmpint (lanyard_refresh_scheduler_get_next_due (scheduler), >, now () + 3000);

  g_ptr_array_unref (recorder.due);
}

static void
test_bounded_concurrency (void)
{
  g_autoptr(LanyardRefreshScheduler) scheduler = lanyard_refresh_scheduler_new (NULL);
  Recorder recorder = { g_ptr_array_new_with_free_func (g_free) };

  lanyard_refresh_scheduler_set_timing (scheduler, 0, 1, 2);
  g_signal_connect (scheduler, "refresh-due", G_CALLBACK (due_cb), &recorder);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *key = g_strdup_printf ("account-%u", i);
      lanyard_refresh_scheduler_schedule (scheduler, key, now () - 10);
    }

  run_until (&recorder, 5, 1);
  g_assert_cmpuint (recorder.due->len, ==, 2);
  lanyard_refresh_scheduler_report (scheduler, g_ptr_array_index (recorder.due, 0), LANYARD_REFRESH_SUCCEEDED, now () + 3600);
  run_until (&recorder, 5, 1);
  g_assert_cmpuint (recorder.due->len, ==, 3);

  g_ptr_array_unref (recorder.due);
}

static void
test_backoff_and_attention (void)
{
  g_autoptr(LanyardRefreshScheduler) scheduler = lanyard_refresh_scheduler_new (NULL);
  Recorder recorder = { g_ptr_array_new_with_free_func (g_free) };
  gint64   first, second;

  lanyard_refresh_scheduler_set_timing (scheduler, 0, 10, 3);
  g_signal_connect (scheduler, "refresh-due", G_CALLBACK (due_cb), &recorder);
  lanyard_refresh_scheduler_schedule (scheduler, "a", now () - 1);
  run_until (&recorder, 1, 2);

  /* 10 s ±25 %, then 20 s ±25 %. */
  lanyard_refresh_scheduler_report (scheduler, "a", LANYARD_REFRESH_TRANSIENT, 0);
  first = lanyard_refresh_scheduler_get_next_due (scheduler) - now ();
  g_assert_cmpint (first, >=, 7);
  g_assert_cmpint (first, <=, 13);

  lanyard_refresh_scheduler_schedule (scheduler, "a", now () - 1);
  lanyard_refresh_scheduler_report (scheduler, "a", LANYARD_REFRESH_TRANSIENT, 0);
  lanyard_refresh_scheduler_report (scheduler, "a", LANYARD_REFRESH_TRANSIENT, 0);
  second = lanyard_refresh_scheduler_get_next_due (scheduler) - now ();
  g_assert_cmpint (second, >=, 14);
  g_assert_cmpint (second, <=, 26);

  /* A lost grant stops the schedule until a new sign-in. */
  lanyard_refresh_scheduler_report (scheduler, "a", LANYARD_REFRESH_NEEDS_ATTENTION, 0);
  g_assert_cmpint (lanyard_refresh_scheduler_get_next_due (scheduler), ==, G_MAXINT64);
  lanyard_refresh_scheduler_schedule (scheduler, "a", now () + 100);
  g_assert_cmpint (lanyard_refresh_scheduler_get_next_due (scheduler), <=, now () + 100);

  g_ptr_array_unref (recorder.due);
}

static void
test_paused_while_offline (void)
{
  g_autoptr(TestMonitor) monitor = g_object_new (TEST_TYPE_MONITOR, NULL);
  g_autoptr(LanyardRefreshScheduler) scheduler = NULL;
  Recorder recorder = { g_ptr_array_new_with_free_func (g_free) };

  test_monitor_set (monitor, FALSE);
  scheduler = lanyard_refresh_scheduler_new (G_NETWORK_MONITOR (monitor));
  lanyard_refresh_scheduler_set_timing (scheduler, 0, 1, 3);
  g_signal_connect (scheduler, "refresh-due", G_CALLBACK (due_cb), &recorder);
  g_assert_true (lanyard_refresh_scheduler_get_paused (scheduler));

  lanyard_refresh_scheduler_schedule (scheduler, "a", now () - 1);
  run_until (&recorder, 1, 1);
  g_assert_cmpuint (recorder.due->len, ==, 0);

  /* Back online: what is due runs at once. */
  test_monitor_set (monitor, TRUE);
  g_assert_false (lanyard_refresh_scheduler_get_paused (scheduler));
  run_until (&recorder, 1, 2);
  g_assert_cmpuint (recorder.due->len, ==, 1);

  g_ptr_array_unref (recorder.due);
}

static void
test_margin_with_jitter (void)
{
  g_autoptr(LanyardRefreshScheduler) scheduler = lanyard_refresh_scheduler_new (NULL);
  gint64 expires = now () + 10000;

  /* Margin 300 s, jitter up to 30 s more. */
  lanyard_refresh_scheduler_set_timing (scheduler, 300, 30, 3);
  lanyard_refresh_scheduler_schedule (scheduler, "a", expires);
  g_assert_cmpint (lanyard_refresh_scheduler_get_next_due (scheduler), <=, expires - 300);
  g_assert_cmpint (lanyard_refresh_scheduler_get_next_due (scheduler), >=, expires - 330);
}

typedef struct
{
  LanyardRefreshScheduler *scheduler;
  gint64                   lifetime;
  guint                    refreshes;
} Storm;

/* A provider that hands out tokens of the same short lifetime each time. */
static void
refresh_at_once_cb (LanyardRefreshScheduler *scheduler,
                    const char              *key,
                    Storm                   *storm)
{
  storm->refreshes++;
  lanyard_refresh_scheduler_report (scheduler, key, LANYARD_REFRESH_SUCCEEDED, now () + storm->lifetime);
}

/* Lifetimes at or under the margin were refreshed in a tight loop (3,000
 * token requests in 20 s): now at most one refresh per 30 s, and none
 * before half the lifetime has passed. */
static void
test_short_lifetimes (void)
{
  const gint64 lifetimes[] = { 0, 1, 30, 299, 300 };

  for (guint i = 0; i < G_N_ELEMENTS (lifetimes); i++)
    {
      g_autoptr(LanyardRefreshScheduler) scheduler = lanyard_refresh_scheduler_new (NULL);
      Storm  storm = { scheduler, lifetimes[i], 0 };
      gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
      gint64 start = now ();

      lanyard_refresh_scheduler_set_timing (scheduler, 300, 30, 3);
      g_signal_connect (scheduler, "refresh-due", G_CALLBACK (refresh_at_once_cb), &storm);
      lanyard_refresh_scheduler_schedule (scheduler, "keycloak", start + lifetimes[i]);
      g_assert_cmpint (lanyard_refresh_scheduler_get_next_due (scheduler), >=, start + lifetimes[i] / 2);

      while (g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, FALSE), g_usleep (1000);

      /* A token that is (all but) expired is refreshed once, then not
       * again for 30 s; one that lives 300 s waits at least 150 s. */
      g_test_message ("lifetime %" G_GINT64_FORMAT " s: %u refreshes in 2 s", lifetimes[i], storm.refreshes);
      g_assert_cmpuint (storm.refreshes, <=, lifetimes[i] / 2 == 0 ? 1 : 0);
      if (storm.refreshes > 0)
        g_assert_cmpint (lanyard_refresh_scheduler_get_next_due (scheduler), >=,
                         start + LANYARD_REFRESH_MIN_INTERVAL_SECONDS);
    }
}

/* The floor holds for a refresh reported by the daemon on its own (a
 * caller's token request), whatever the new expiry says. */
static void
test_floor_after_refresh (void)
{
  g_autoptr(LanyardRefreshScheduler) scheduler = lanyard_refresh_scheduler_new (NULL);
  gint64 start = now ();

  lanyard_refresh_scheduler_set_timing (scheduler, 0, 1, 3);
  lanyard_refresh_scheduler_report (scheduler, "unscheduled", LANYARD_REFRESH_SUCCEEDED, start);
  g_assert_cmpint (lanyard_refresh_scheduler_get_next_due (scheduler), >=, start + LANYARD_REFRESH_MIN_INTERVAL_SECONDS);

  lanyard_refresh_scheduler_schedule (scheduler, "a", start + 3600);
  lanyard_refresh_scheduler_report (scheduler, "a", LANYARD_REFRESH_SUCCEEDED, start + 5);
  g_assert_cmpint (lanyard_refresh_scheduler_get_next_due (scheduler), >=, start + LANYARD_REFRESH_MIN_INTERVAL_SECONDS);

  /* Long lifetimes keep the margin. */
  lanyard_refresh_scheduler_report (scheduler, "unscheduled", LANYARD_REFRESH_SUCCEEDED, start + 7200);
  lanyard_refresh_scheduler_report (scheduler, "a", LANYARD_REFRESH_SUCCEEDED, start + 7200);
  g_assert_cmpint (lanyard_refresh_scheduler_get_next_due (scheduler), >=, start + 7200 - 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Lanyard/RefreshScheduler/due-order-and-one-timer", test_due_order_and_one_timer);
  g_test_add_func ("/Lanyard/RefreshScheduler/bounded-concurrency", test_bounded_concurrency);
  g_test_add_func ("/Lanyard/RefreshScheduler/backoff-and-attention", test_backoff_and_attention);
  g_test_add_func ("/Lanyard/RefreshScheduler/paused-while-offline", test_paused_while_offline);
  g_test_add_func ("/Lanyard/RefreshScheduler/margin-with-jitter", test_margin_with_jitter);
  g_test_add_func ("/Lanyard/RefreshScheduler/short-lifetimes", test_short_lifetimes);
  g_test_add_func ("/Lanyard/RefreshScheduler/floor-after-refresh", test_floor_after_refresh);

  return g_test_run ();
}
