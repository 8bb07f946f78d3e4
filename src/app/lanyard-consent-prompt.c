/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include "lanyard-consent-prompt.h"

#include <glib/gi18n.h>

#include "lanyard-consent-dialog.h"
#include "lanyard-window.h"

/**
 * LanyardConsentPrompt:
 *
 * The window's side of `io.github.lanyard.ConsentPrompt`
 * (data/io.github.lanyard.ConsentPrompt.xml): the daemon asks, the person
 * answers in a #LanyardConsentDialog over the account it concerns. One
 * question at a time, the others queued, never stacked. It answers only
 * the connection that owns the daemon's bus name: anyone else could show
 * the person questions in Lanyard's name. The application is held while a
 * question is open, so a window started by D-Bus activation stays.
 */
struct _LanyardConsentPrompt
{
  LanyardDBusConsentPromptSkeleton parent_instance;

  /* Borrowed references */
  GtkApplication *application;

  /* Owned references */
  GQueue     questions; /* of Question; the head is shown, when showing */
  GtkWidget *dialog; /* the one shown */
  guint      timer;
};

static void lanyard_consent_prompt_iface_init (LanyardDBusConsentPromptIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LanyardConsentPrompt, lanyard_consent_prompt, LANYARD_DBUS_TYPE_CONSENT_PROMPT_SKELETON, G_IMPLEMENT_INTERFACE (LANYARD_DBUS_TYPE_CONSENT_PROMPT, lanyard_consent_prompt_iface_init))

typedef struct
{
  GDBusMethodInvocation *invocation;
  char                  *app_id;
  GVariant              *account;
  guint                  timeout;
} Question;

static void
question_free (Question *question)
{
  g_clear_object (&question->invocation);
  g_free (question->app_id);
  g_variant_unref (question->account);
  g_free (question);
}

static void show_next (LanyardConsentPrompt *self);

/* Answers the question shown, and shows the next. */
static void
answer (LanyardConsentPrompt *self,
        const char           *response)
{
  Question  *question = g_queue_pop_head (&self->questions);
  GtkWidget *dialog = g_steal_pointer (&self->dialog);

  g_assert (question != NULL);
  g_clear_handle_id (&self->timer, g_source_remove);
  g_debug ("Consent for %s: %s", question->app_id, response);
  lanyard_dbus_consent_prompt_complete_ask (LANYARD_DBUS_CONSENT_PROMPT (self), g_steal_pointer (&question->invocation),
                                            response);
  question_free (question);
  if (dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  g_application_release (G_APPLICATION (self->application));
  show_next (self);
}

static void
response_cb (AdwMessageDialog     *dialog,
             const char           *response,
             LanyardConsentPrompt *self)
{
  if (self->dialog != GTK_WIDGET (dialog))
    return;
  answer (self, g_str_equal (response, "allow") || g_str_equal (response, "deny") ? response : "unanswered");
}

/* The daemon stopped waiting: the question goes away. */
static gboolean
timed_out (gpointer data)
{
  LanyardConsentPrompt *self = data;

  self->timer = 0;
  answer (self, "unanswered");
  return G_SOURCE_REMOVE;
}

static void
show_next (LanyardConsentPrompt *self)
{
  Question   *question = g_queue_peek_head (&self->questions);
  GtkWindow  *window;
  const char *path = NULL;

  if (question == NULL || self->dialog != NULL)
    return;

  g_application_hold (G_APPLICATION (self->application));
  /* Shown by the account it concerns. */
  window = gtk_application_get_active_window (self->application);
  if (window == NULL)
    window = GTK_WINDOW (lanyard_window_new (LANYARD_APPLICATION (self->application)));
  if (g_variant_lookup (question->account, "path", "&o", &path))
    lanyard_window_show_account (LANYARD_WINDOW (window), path);
  gtk_window_present (window);

  self->dialog = lanyard_consent_dialog_new (window, question->app_id, question->account);
  g_signal_connect_object (self->dialog, "response", G_CALLBACK (response_cb), self, 0);
  self->timer = g_timeout_add_seconds (question->timeout, timed_out, self);
  gtk_window_present (GTK_WINDOW (self->dialog));
}

typedef struct
{
  LanyardConsentPrompt *self; /* owned */
  Question             *question; /* owned */
} Checking;

static void
daemon_owner_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Checking   *checking = user_data;
  Question   *question = checking->question;
  const char *sender = g_dbus_method_invocation_get_sender (question->invocation);
  g_autoptr(LanyardConsentPrompt) self = checking->self;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, NULL);
  const char *owner = NULL;

  g_free (checking);
  if (reply != NULL)
    g_variant_get (reply, "(&s)", &owner);
  if (owner == NULL || g_strcmp0 (owner, sender) != 0)
    {
      g_warning ("A consent question came from %s, which is not lanyard-daemon; not shown", sender);
      g_dbus_method_invocation_return_error_literal (g_steal_pointer (&question->invocation), G_DBUS_ERROR,
                                                     G_DBUS_ERROR_ACCESS_DENIED,
                                                     _ ("Only lanyard-daemon may ask questions in Lanyard's window."));
      question_free (question);
      return;
    }
  g_queue_push_tail (&self->questions, question);
  show_next (self);
}

static gboolean
lanyard_consent_prompt_handle_ask (LanyardDBusConsentPrompt *iface,
                                   GDBusMethodInvocation    *invocation,
                                   const char               *app_id,
                                   GVariant                 *account,
                                   guint                     timeout)
{
  LanyardConsentPrompt *self = LANYARD_CONSENT_PROMPT (iface);
  Checking             *checking = g_new0 (Checking, 1);

  checking->self = g_object_ref (self);
  checking->question = g_new0 (Question, 1);
  checking->question->invocation = g_object_ref (invocation);
  checking->question->app_id = g_strdup (app_id);
  checking->question->account = g_variant_ref (account);
  checking->question->timeout = CLAMP (timeout, 1, 3600);
  g_dbus_connection_call (g_dbus_method_invocation_get_connection (invocation), "org.freedesktop.DBus",
                          "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetNameOwner",
                          g_variant_new ("(s)", LANYARD_DAEMON_BUS_NAME), G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, daemon_owner_cb, checking);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
lanyard_consent_prompt_iface_init (LanyardDBusConsentPromptIface *iface)
{
  iface->handle_ask = lanyard_consent_prompt_handle_ask;
}

static void
lanyard_consent_prompt_dispose (GObject *object)
{
  LanyardConsentPrompt *self = LANYARD_CONSENT_PROMPT (object);
  Question             *question;

  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->dialog)));
  while ((question = g_queue_pop_head (&self->questions)) != NULL)
    {
      lanyard_dbus_consent_prompt_complete_ask (LANYARD_DBUS_CONSENT_PROMPT (self),
                                                g_steal_pointer (&question->invocation), "unanswered");
      question_free (question);
    }

  G_OBJECT_CLASS (lanyard_consent_prompt_parent_class)->dispose (object);
}

static void
lanyard_consent_prompt_class_init (LanyardConsentPromptClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lanyard_consent_prompt_dispose;
}

static void
lanyard_consent_prompt_init (LanyardConsentPrompt *self)
{
  g_queue_init (&self->questions);
}

LanyardConsentPrompt *
lanyard_consent_prompt_new (GtkApplication *application)
{
  LanyardConsentPrompt *self = g_object_new (LANYARD_TYPE_CONSENT_PROMPT, NULL);

  self->application = application;
  return self;
}

/**
 * lanyard_consent_prompt_get_dialog:
 *
 * Returns: (transfer none) (nullable): the question shown now
 */
GtkWidget *
lanyard_consent_prompt_get_dialog (LanyardConsentPrompt *self)
{
  g_return_val_if_fail (LANYARD_IS_CONSENT_PROMPT (self), NULL);
  return self->dialog;
}

/**
 * lanyard_consent_prompt_get_n_waiting:
 *
 * Returns: how many questions are shown or queued
 */
guint
lanyard_consent_prompt_get_n_waiting (LanyardConsentPrompt *self)
{
  g_return_val_if_fail (LANYARD_IS_CONSENT_PROMPT (self), 0);
  return self->questions.length;
}
