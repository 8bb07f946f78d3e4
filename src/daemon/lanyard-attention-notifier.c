/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "config.h"

#include "lanyard-attention-notifier.h"

#include <glib/gi18n.h>

/**
 * LanyardAttentionNotifier:
 *
 * One desktop notification when an account comes to need attention (its
 * grant was revoked, its tokens are gone): "Sign in to … again", which
 * opens Lanyard at that account. It is sent once per change of state: an
 * account that still needs attention is not announced again, one that
 * recovers has its notification withdrawn, and one that needs attention
 * again later gets a new one.
 *
 * The daemon runs for the session without a window, so it speaks the
 * freedesktop notification protocol itself (GNotification would need a
 * GApplication with a desktop file: that is the window's). Clicking the
 * notification asks the session bus to activate the application
 * (org.freedesktop.Application.ActivateAction "show-account"), which
 * starts Lanyard when it is not running. Without a notification server
 * nothing is shown; the account's NeedsAttention property still says it.
 */

#define NOTIFICATIONS_NAME "org.freedesktop.Notifications"
#define NOTIFICATIONS_PATH "/org/freedesktop/Notifications"

struct _LanyardAttentionNotifier
{
  GObject parent_instance;

  GDBusConnection *connection;
  char            *application_id;
  char            *application_path;
  /* account path → notification id (0 while the server has not answered,
   * or when there is no server): present means "announced". */
  GHashTable *announced;
  guint       action_subscription;
  guint       closed_subscription;
};

G_DEFINE_FINAL_TYPE (LanyardAttentionNotifier, lanyard_attention_notifier, G_TYPE_OBJECT)

static const char *
path_for_notification (LanyardAttentionNotifier *self,
                       guint32                   id)
{
  GHashTableIter iter;
  gpointer       key, value;

  g_hash_table_iter_init (&iter, self->announced);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (id != 0 && GPOINTER_TO_UINT (value) == id)
      return key;
  return NULL;
}

static void
activate_action_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    g_message ("Lanyard could not be opened from the notification: %s", error->message);
}

static void
action_invoked_cb (GDBusConnection *connection,
                   const char      *sender,
                   const char      *object_path,
                   const char      *interface,
                   const char      *signal,
                   GVariant        *parameters,
                   gpointer         user_data)
{
  LanyardAttentionNotifier *self = user_data;
  guint32                   id;
  const char               *action;
  const char               *account_path;
  GVariantBuilder           platform_data;

  g_variant_get (parameters, "(u&s)", &id, &action);
  account_path = path_for_notification (self, id);
  if (account_path == NULL || !g_str_equal (action, "default"))
    return;

  g_variant_builder_init (&platform_data, G_VARIANT_TYPE_VARDICT);
  /* D-Bus activation starts the application when it is not running. */
  g_dbus_connection_call (connection, self->application_id, self->application_path, "org.freedesktop.Application",
                          "ActivateAction",
                          g_variant_new ("(s@ava{sv})", "show-account",
                                         g_variant_new_array (G_VARIANT_TYPE_VARIANT,
                                                              (GVariant *[]){ g_variant_new_variant (
                                                                g_variant_new_object_path (account_path)) },
                                                              1),
                                         &platform_data),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, activate_action_cb, NULL);
}

static void
notification_closed_cb (GDBusConnection *connection,
                        const char      *sender,
                        const char      *object_path,
                        const char      *interface,
                        const char      *signal,
                        GVariant        *parameters,
                        gpointer         user_data)
{
  LanyardAttentionNotifier *self = user_data;
  guint32                   id;
  guint32                   reason;
  const char               *account_path;

  g_variant_get (parameters, "(uu)", &id, &reason);
  account_path = path_for_notification (self, id);
  /* Dismissed: still announced (no second one for the same state), but
   * there is nothing left to withdraw. */
  if (account_path != NULL)
    g_hash_table_insert (self->announced, g_strdup (account_path), GUINT_TO_POINTER (0));
}

static void
lanyard_attention_notifier_dispose (GObject *object)
{
  LanyardAttentionNotifier *self = LANYARD_ATTENTION_NOTIFIER (object);

  if (self->connection != NULL)
    {
      g_dbus_connection_signal_unsubscribe (self->connection, self->action_subscription);
      g_dbus_connection_signal_unsubscribe (self->connection, self->closed_subscription);
    }
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (lanyard_attention_notifier_parent_class)->dispose (object);
}

static void
lanyard_attention_notifier_finalize (GObject *object)
{
  LanyardAttentionNotifier *self = LANYARD_ATTENTION_NOTIFIER (object);

  g_free (self->application_id);
  g_free (self->application_path);
  g_hash_table_unref (self->announced);
  G_OBJECT_CLASS (lanyard_attention_notifier_parent_class)->finalize (object);
}

static void
lanyard_attention_notifier_class_init (LanyardAttentionNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_attention_notifier_dispose;
  object_class->finalize = lanyard_attention_notifier_finalize;
}

static void
lanyard_attention_notifier_init (LanyardAttentionNotifier *self)
{
  self->announced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

LanyardAttentionNotifier *
lanyard_attention_notifier_new (GDBusConnection *connection,
                                const char      *application_id)
{
  LanyardAttentionNotifier *self;
  g_auto(GStrv) parts = NULL;
  g_autofree char *joined = NULL;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (g_application_id_is_valid (application_id), NULL);

  self = g_object_new (LANYARD_TYPE_ATTENTION_NOTIFIER, NULL);
  self->connection = g_object_ref (connection);
  self->application_id = g_strdup (application_id);
  /* GApplication's object path: "/" and the ID with dots as slashes. */
  parts = g_strsplit (application_id, ".", -1);
  joined = g_strjoinv ("/", parts);
  self->application_path = g_strconcat ("/", joined, NULL);
  self->action_subscription =
    g_dbus_connection_signal_subscribe (connection, NULL, NOTIFICATIONS_NAME, "ActionInvoked", NOTIFICATIONS_PATH,
                                        NULL, G_DBUS_SIGNAL_FLAGS_NONE, action_invoked_cb, self, NULL);
  self->closed_subscription =
    g_dbus_connection_signal_subscribe (connection, NULL, NOTIFICATIONS_NAME, "NotificationClosed",
                                        NOTIFICATIONS_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE, notification_closed_cb,
                                        self, NULL);
  return self;
}

static void
close_notification (LanyardAttentionNotifier *self,
                    guint32                   id)
{
  g_dbus_connection_call (self->connection, NOTIFICATIONS_NAME, NOTIFICATIONS_PATH, NOTIFICATIONS_NAME,
                          "CloseNotification", g_variant_new ("(u)", id), NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START,
                          -1, NULL, NULL, NULL);
}

typedef struct
{
  LanyardAttentionNotifier *self;
  char                     *account_path;
} Pending;

static void
notify_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    g_debug ("No notification shown: %s", error->message);
  else
    {
      guint32 id;

      g_variant_get (reply, "(u)", &id);
      /* Still announced: keep the id so that it can be withdrawn or
       * clicked. Recovered before the server answered: withdraw it now. */
      if (g_hash_table_contains (pending->self->announced, pending->account_path))
        g_hash_table_insert (pending->self->announced, g_strdup (pending->account_path), GUINT_TO_POINTER (id));
      else
        close_notification (pending->self, id);
    }
  g_object_unref (pending->self);
  g_free (pending->account_path);
  g_free (pending);
}

static void
withdraw (LanyardAttentionNotifier *self,
          const char               *account_path)
{
  guint32 id = GPOINTER_TO_UINT (g_hash_table_lookup (self->announced, account_path));

  /* 0: the server has not answered yet (notify_cb closes it then), or the
   * notification was dismissed. */
  if (id != 0)
    close_notification (self, id);
  g_hash_table_remove (self->announced, account_path);
}

/**
 * lanyard_attention_notifier_update:
 * @account_path: the account's object path, which the notification opens
 * @account_name: (nullable): how the person knows the account ("octocat on
 *   GitHub"); needed only with @attention
 * @attention: (nullable): why it needs attention, or %NULL when it is fine
 *
 * Called whenever an account changes; notifies only on a change between
 * "fine" and "needs attention".
 */
void
lanyard_attention_notifier_update (LanyardAttentionNotifier *self,
                                   const char               *account_path,
                                   const char               *account_name,
                                   const char               *attention)
{
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  GVariantBuilder  hints;
  const char      *actions[] = { "default", _ ("Open Lanyard"), NULL };
  Pending         *pending;

  g_return_if_fail (LANYARD_IS_ATTENTION_NOTIFIER (self));
  g_return_if_fail (attention == NULL || account_name != NULL);

  if (attention == NULL)
    {
      if (g_hash_table_contains (self->announced, account_path))
        withdraw (self, account_path);
      return;
    }
  if (g_hash_table_contains (self->announced, account_path))
    return;

  g_hash_table_insert (self->announced, g_strdup (account_path), GUINT_TO_POINTER (0));
  /* Translators: %s is an account, as "octocat on GitHub" */
  summary = g_strdup_printf (_ ("Sign in to %s again"), account_name);
  /* The body may be read as markup (the server's body-markup and
   * body-hyperlinks capabilities), and the reason carries the provider's
   * own words (its error_description): as text, never as links or
   * formatting in a notification signed "Lanyard". */
  body = g_markup_escape_text (attention, -1);
  g_variant_builder_init (&hints, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&hints, "{sv}", "desktop-entry", g_variant_new_string (self->application_id));
  g_variant_builder_add (&hints, "{sv}", "urgency", g_variant_new_byte (1));

  pending = g_new0 (Pending, 1);
  pending->self = g_object_ref (self);
  pending->account_path = g_strdup (account_path);
  /* The message is the daemon's account of what happened (never a token). */
  g_dbus_connection_call (self->connection, NOTIFICATIONS_NAME, NOTIFICATIONS_PATH, NOTIFICATIONS_NAME, "Notify",
                          g_variant_new ("(susss^asa{sv}i)", "Lanyard", 0, self->application_id, summary, body,
                                         actions, &hints, -1),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, notify_cb, pending);
}

/**
 * lanyard_attention_notifier_forget:
 *
 * The account was unlinked: withdraw its notification, if any.
 */
void
lanyard_attention_notifier_forget (LanyardAttentionNotifier *self,
                                   const char               *account_path)
{
  g_return_if_fail (LANYARD_IS_ATTENTION_NOTIFIER (self));

  if (g_hash_table_contains (self->announced, account_path))
    withdraw (self, account_path);
}
