/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

#include "lanyard-consent.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <string.h>

#include "lanyard-error.h"

/**
 * LanyardConsent:
 *
 * Whether a sandboxed application may have an account's access tokens:
 * the person decides, once per application and account, and can take it
 * back. The decisions are xdg-desktop-portal's permission store's
 * (`org.freedesktop.impl.portal.PermissionStore`), table `lanyard`, the
 * account key as the entry id and the app id mapped to `yes` or `no`, so
 * `flatpak permission-show`, `-reset` and `-set` see and change them.
 *
 * Without a decision the person is asked, through Lanyard's own window
 * (`io.github.lanyard.ConsentPrompt`, data/io.github.lanyard.ConsentPrompt.xml),
 * and the call waits for the answer, bounded: one question at a time, the
 * others queued behind it, each with its own deadline from when it was
 * asked. Several calls of one application for one account share a
 * question. The window is reached by its application id, D-Bus activated
 * when it is not running, and only when the connection that owns that name
 * is a host program of this user: a sandbox that squats the name is not
 * asked, and the application is refused (docs/security.md, "Consent").
 *
 * When each application last got a token is not the store's (its data is
 * one value per entry, shared by every application, and `flatpak
 * permission-reset` does not clear it): a key file of Lanyard's own next
 * to the accounts file, `app-access.ini`, a group per account, an app id
 * per key, wall-clock seconds; written at most once a minute per
 * application and account.
 */

#define STORE_NAME "org.freedesktop.impl.portal.PermissionStore"
#define STORE_PATH "/org/freedesktop/impl/portal/PermissionStore"
#define STORE_INTERFACE "org.freedesktop.impl.portal.PermissionStore"
#define STORE_NOT_FOUND "org.freedesktop.portal.Error.NotFound"
#define PROMPT_PATH "/io/github/lanyard/Lanyard/ConsentPrompt"
#define PROMPT_INTERFACE "io.github.lanyard.ConsentPrompt"

/* How long a question waits for an answer, unless LANYARD_CONSENT_TIMEOUT
 * (for tests only) says otherwise. */
#define DEFAULT_TIMEOUT_SECONDS 120
/* The usage file is Lanyard's own; a bigger one is not, and is set aside. */
#define MAX_USAGE_FILE_SIZE (256 * 1024)
/* A token handed out again within this is not written down again. */
#define USAGE_GRANULARITY_SECONDS 60

struct _LanyardConsent
{
  GObject parent_instance;

  /* Owned references */
  GDBusConnection      *connection;
  LanyardCallerTracker *callers;
  char                 *usage_path;
  char                 *window_id;
  GKeyFile             *usage;
  GQueue                requests; /* of Request; the head is the one asked, when asking */
  GCancellable         *cancellable; /* for everything, cancelled on dispose */

  guint    timeout_seconds;
  gboolean asking;
  gboolean in_flatpak;
};

G_DEFINE_FINAL_TYPE (LanyardConsent, lanyard_consent, G_TYPE_OBJECT)

/* One question: an application, an account, and every call waiting for
 * the answer. */
typedef struct
{
  LanyardConsent *self; /* borrowed: requests end before it does */
  char           *app_id;
  char           *key;
  GVariant       *shown;
  GPtrArray      *waiters; /* of GTask */
  GCancellable   *cancellable;
  gint64          deadline; /* monotonic */
  guint           timer;
  gboolean        started; /* the window was D-Bus activated for it */
  guint           rechecks; /* of a name owner that is not a host program */
  gboolean        done;
} Request;

static Request *
request_ref (Request *request)
{
  return g_rc_box_acquire (request);
}

static void
request_clear (gpointer data)
{
  Request *request = data;

  g_free (request->app_id);
  g_free (request->key);
  g_variant_unref (request->shown);
  g_ptr_array_unref (request->waiters);
  g_object_unref (request->cancellable);
}

static void
request_unref (Request *request)
{
  g_rc_box_release_full (request, request_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_unref)

static void show_next (LanyardConsent *self);

/* Answers every waiting call (with @error, or allowed) and lets the next
 * question be asked. */
static void
request_finish (Request      *request,
                const GError *error)
{
  LanyardConsent *self = request->self;
  gboolean        was_asked;

  if (request->done)
    return;
  request->done = TRUE;
  g_clear_handle_id (&request->timer, g_source_remove);
  g_cancellable_cancel (request->cancellable);

  was_asked = self->asking && g_queue_peek_head (&self->requests) == request;
  g_queue_remove (&self->requests, request);
  if (was_asked)
    self->asking = FALSE;

  for (guint i = 0; i < request->waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (request->waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
  g_ptr_array_set_size (request->waiters, 0);
  request_unref (request);
  show_next (self);
}

static void
request_fail (Request    *request,
              const char *format,
              ...) G_GNUC_PRINTF (2, 3);

static void
request_fail (Request    *request,
              const char *format,
              ...)
{
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED, format, args);
  va_end (args);
  request_finish (request, error);
}

static void
lanyard_consent_dispose (GObject *object)
{
  LanyardConsent *self = LANYARD_CONSENT (object);
  Request        *request;

  g_cancellable_cancel (self->cancellable);
  while ((request = g_queue_peek_head (&self->requests)) != NULL)
    request_fail (request, _ ("Lanyard is shutting down, so it cannot ask you now."));

  g_clear_object (&self->connection);
  g_clear_object (&self->callers);
  g_clear_pointer (&self->usage, g_key_file_unref);

  G_OBJECT_CLASS (lanyard_consent_parent_class)->dispose (object);
}

static void
lanyard_consent_finalize (GObject *object)
{
  LanyardConsent *self = LANYARD_CONSENT (object);

  g_free (self->usage_path);
  g_free (self->window_id);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lanyard_consent_parent_class)->finalize (object);
}

static void
lanyard_consent_class_init (LanyardConsentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_consent_dispose;
  object_class->finalize = lanyard_consent_finalize;
}

static void
lanyard_consent_init (LanyardConsent *self)
{
  g_queue_init (&self->requests);
  self->cancellable = g_cancellable_new ();
}

static void
load_usage (LanyardConsent *self)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;
  g_autoptr(GError) error = NULL;

  self->usage = g_key_file_new ();
  if (!g_file_get_contents (self->usage_path, &contents, &length, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_warning ("Could not read %s: %s; when applications last got tokens is forgotten", self->usage_path,
                   error->message);
      return;
    }
  if (length > MAX_USAGE_FILE_SIZE || !g_key_file_load_from_data (self->usage, contents, length, G_KEY_FILE_NONE, NULL))
    {
      g_autofree char *aside = g_strconcat (self->usage_path, ".corrupt", NULL);

      g_warning ("%s is not a file Lanyard wrote (too big, or not a key file); kept aside as %s, and when applications "
                 "last got tokens is forgotten",
                 self->usage_path, aside);
      g_rename (self->usage_path, aside);
      g_clear_pointer (&self->usage, g_key_file_unref);
      self->usage = g_key_file_new ();
    }
}

static void
save_usage (LanyardConsent *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_path_get_dirname (self->usage_path);

  g_mkdir_with_parents (directory, 0700);
  if (!g_key_file_save_to_file (self->usage, self->usage_path, &error))
    g_warning ("Could not write %s: %s", self->usage_path, error->message);
}

/**
 * lanyard_consent_new:
 * @connection: the session bus, where the permission store and the window are
 * @callers: who is who: the window must be a host program
 * @usage_path: where to keep when each application last got a token
 * @window_id: the application id of Lanyard's window
 */
LanyardConsent *
lanyard_consent_new (GDBusConnection      *connection,
                     LanyardCallerTracker *callers,
                     const char           *usage_path,
                     const char           *window_id)
{
  LanyardConsent *self = g_object_new (LANYARD_TYPE_CONSENT, NULL);
  const char     *timeout = g_getenv ("LANYARD_CONSENT_TIMEOUT");
  guint64         seconds;

  self->connection = g_object_ref (connection);
  self->callers = g_object_ref (callers);
  self->usage_path = g_strdup (usage_path);
  self->window_id = g_strdup (window_id);
  self->in_flatpak = g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
  /* For tests only (docs/dbus-api.md): nobody waits two minutes there. */
  if (timeout != NULL && g_ascii_string_to_unsigned (timeout, 10, 1, 3600, &seconds, NULL))
    self->timeout_seconds = (guint) seconds;
  else
    self->timeout_seconds = DEFAULT_TIMEOUT_SECONDS;
  load_usage (self);
  return self;
}

/**
 * lanyard_consent_dup_app_id:
 *
 * Returns: (transfer full) (nullable): the id under which @caller's
 *   decisions are kept: a Flatpak's app id, `snap.NAME` for a Snap (as
 *   xdg-desktop-portal says it), %NULL for a program without one
 */
char *
lanyard_consent_dup_app_id (const LanyardCaller *caller)
{
  const char *app_id = lanyard_caller_get_app_id (caller);

  if (app_id == NULL)
    return NULL;
  switch (lanyard_caller_get_kind (caller))
    {
    case LANYARD_CALLER_FLATPAK: return g_strdup (app_id);
    case LANYARD_CALLER_SNAP: return g_strconcat ("snap.", app_id, NULL);
    default: return NULL;
    }
}

typedef struct
{
  char     *app_id;
  char     *key;
  GVariant *shown;
} Check;

static void
check_free (gpointer data)
{
  Check *check = data;

  g_free (check->app_id);
  g_free (check->key);
  g_clear_pointer (&check->shown, g_variant_unref);
  g_free (check);
}

/* What the store says of one application: TRUE with *decided for a yes or
 * a no, FALSE with *decided when there is nothing to go by. */
static gboolean
decision_of (GVariant   *permissions,
             const char *app_id,
             gboolean   *decided)
{
  g_autofree const char **values = NULL;

  *decided = FALSE;
  if (!g_variant_lookup (permissions, app_id, "^a&s", &values))
    return FALSE;
  if (g_strv_contains (values, LANYARD_CONSENT_NO))
    {
      *decided = TRUE;
      return FALSE;
    }
  if (g_strv_contains (values, LANYARD_CONSENT_YES))
    {
      *decided = TRUE;
      return TRUE;
    }
  return FALSE;
}

/* Why the store could not be used, in words for the person; @app_id is
 * the application refused for it, if any (PermissionDenied then;
 * NotSupported for the person's own ListApps and SetAppAccess). */
static GError *
store_error (GError     *error,
             const char *app_id)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);
  g_autofree char *reason = NULL;

  g_dbus_error_strip_remote_error (error);
  if (remote != NULL && (g_str_equal (remote, "org.freedesktop.DBus.Error.ServiceUnknown") || g_str_equal (remote, "org.freedesktop.DBus.Error.NameHasNoOwner") || g_str_has_prefix (remote, "org.freedesktop.DBus.Error.Spawn")))
    reason = g_strdup (_ ("Lanyard keeps your decisions about sandboxed applications in the desktop's permission store "
                          "(xdg-permission-store, part of xdg-desktop-portal), and none is running here."));
  else
    reason = g_strdup_printf (_ ("Lanyard could not use the desktop's permission store, where it keeps your decisions "
                                 "about sandboxed applications (%s)."),
                              error->message);
  /* For the person, in Lanyard: this desktop cannot do it. */
  if (app_id == NULL)
    return g_error_new_literal (LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED, reason);
  /* Translators: the first %s is an application id, the second says why (a sentence) */
  return g_error_new (LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                      _ ("“%s” needs your consent to use this account, and Lanyard cannot ask for it: %s"), app_id,
                      reason);
}

static gboolean
request_timed_out (gpointer data)
{
  Request *request = data;

  request->timer = 0;
  request_fail (request,
                _ ("Nobody answered Lanyard's question whether “%s” may use this account within %u seconds, so it was "
                   "refused. Ask again when someone is at the computer."),
                request->app_id, request->self->timeout_seconds);
  return G_SOURCE_REMOVE;
}

static void
ask (LanyardConsent *self,
     GTask          *task)
{
  Check   *check = g_task_get_task_data (task);
  Request *request = NULL;

  for (GList *l = self->requests.head; l != NULL; l = l->next)
    {
      Request *queued = l->data;

      if (g_str_equal (queued->app_id, check->app_id) && g_str_equal (queued->key, check->key))
        request = queued;
    }
  if (request == NULL)
    {
      request = g_rc_box_new0 (Request);
      request->self = self;
      request->app_id = g_strdup (check->app_id);
      request->key = g_strdup (check->key);
      request->shown = g_variant_ref (check->shown);
      request->waiters = g_ptr_array_new_with_free_func (g_object_unref);
      request->cancellable = g_cancellable_new ();
      request->deadline = g_get_monotonic_time () + (gint64) self->timeout_seconds * G_USEC_PER_SEC;
      request->timer = g_timeout_add_seconds (self->timeout_seconds, request_timed_out, request);
      g_queue_push_tail (&self->requests, request);
      g_debug ("Consent: asking whether %s may use %s (%u waiting)", request->app_id, request->key,
               self->requests.length);
    }
  g_ptr_array_add (request->waiters, g_object_ref (task));
  show_next (self);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  /* The answer stands for this call all the same. */
  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not keep the decision about %s in the permission store: %s", request->app_id, error->message);
}

static void
store_decision (LanyardConsent     *self,
                const char         *key,
                const char         *app_id,
                gboolean            allowed,
                GCancellable       *cancellable,
                GAsyncReadyCallback callback,
                gpointer            user_data)
{
  const char *values[] = { allowed ? LANYARD_CONSENT_YES : LANYARD_CONSENT_NO, NULL };

  g_dbus_connection_call (self->connection, STORE_NAME, STORE_PATH, STORE_INTERFACE, "SetPermission",
                          g_variant_new ("(sbss^as)", LANYARD_CONSENT_TABLE, TRUE, key, app_id, values),
                          G_VARIANT_TYPE_UNIT, G_DBUS_CALL_FLAGS_NONE, -1, cancellable, callback, user_data);
}

static void
asked_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *answer = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (request->done)
    return;
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      request_fail (request,
                    _ ("Lanyard could not ask you whether “%s” may use this account: its window did not answer (%s). "
                       "Without a display to ask on, sandboxed applications are refused."),
                    request->app_id, error->message);
      return;
    }
  g_variant_get (reply, "(&s)", &answer);
  g_debug ("Consent: %s for %s on %s", answer, request->app_id, request->key);
  if (g_str_equal (answer, "allow") || g_str_equal (answer, "deny"))
    {
      gboolean allowed = g_str_equal (answer, "allow");

      store_decision (request->self, request->key, request->app_id, allowed, request->self->cancellable, stored_cb,
                      request_ref (request));
      if (allowed)
        request_finish (request, NULL);
      else
        request_fail (request,
                      _ ("You did not allow “%s” to use this account. To change that, use the account's page in Lanyard."),
                      request->app_id);
    }
  else
    request_fail (request, _ ("The question whether “%s” may use this account was closed without an answer, so it was refused."),
                  request->app_id);
}

static void owner_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data);
static void started_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data);

/* Who has the window's name, if anyone: a window that runs already is
 * asked as it is (StartServiceByName would refuse a name that no service
 * file provides even while it is owned). */
static void
find_owner (Request *request)
{
  g_dbus_connection_call (request->self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetNameOwner", g_variant_new ("(s)", request->self->window_id),
                          G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1, request->cancellable, owner_cb,
                          request_ref (request));
}

/* Nobody: the window is D-Bus activated, then looked for again. */
static void
start_window (Request *request)
{
  request->started = TRUE;
  g_dbus_connection_call (request->self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "StartServiceByName", g_variant_new ("(su)", request->self->window_id, 0),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, request->cancellable, started_cb,
                          request_ref (request));
}

static gboolean
recheck_later (gpointer data)
{
  g_autoptr(Request) request = data;

  if (!request->done)
    find_owner (request);
  return G_SOURCE_REMOVE;
}

static void
rechecked_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (request->done)
    return;
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      request_fail (request,
                    _ ("Lanyard could not ask you whether “%s” may use this account: its window did not answer (%s). "
                       "Without a display to ask on, sandboxed applications are refused."),
                    request->app_id, error->message);
      return;
    }
  /* A process on its way out may still hold the name a moment after it
   * can no longer be looked at: asked again a few times, for a second. */
  if (request->rechecks++ < 5)
    {
      g_timeout_add (200, recheck_later, request_ref (request));
      return;
    }
  g_message ("%s is owned by a program that is not a host program; not asking it", request->self->window_id);
  request_fail (request,
                _ ("Lanyard could not ask you whether “%s” may use this account: the name of its window (%s) is "
                   "held by a program that is not Lanyard's window, so nobody was asked and the application "
                   "was refused."),
                request->app_id, request->self->window_id);
}

static void
owner_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  LanyardConsent *self = request->self;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardCaller) window = NULL;
  const char *owner = NULL;
  gint64      left;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (request->done)
    return;
  if (reply == NULL && !request->started)
    {
      start_window (request);
      return;
    }
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      request_fail (request,
                    _ ("Lanyard could not ask you whether “%s” may use this account: its window did not start (%s). "
                       "Without a display to ask on, sandboxed applications are refused."),
                    request->app_id, error->message);
      return;
    }
  g_variant_get (reply, "(&s)", &owner);
  /* Only Lanyard's own window is asked: the name's owner must be a host
   * program of this user, not a sandbox that took the name. The call goes
   * to that very connection, so the name cannot change hands in between. */
  window = lanyard_caller_tracker_lookup (self->callers, owner, &error);
  if (window == NULL)
    {
      /* It left as soon as it came: a window that could not open a display. */
      request_fail (request,
                    _ ("Lanyard could not ask you whether “%s” may use this account: its window did not answer (%s). "
                       "Without a display to ask on, sandboxed applications are refused."),
                    request->app_id, error->message);
      return;
    }
  if (lanyard_caller_get_kind (window) != LANYARD_CALLER_HOST)
    {
      /* A window that exited at once (no display) cannot be looked at
       * either: whether the name is still held tells the two apart. */
      g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                              "GetNameOwner", g_variant_new ("(s)", self->window_id), G_VARIANT_TYPE ("(s)"),
                              G_DBUS_CALL_FLAGS_NONE, -1, request->cancellable, rechecked_cb, request_ref (request));
      return;
    }
  left = (request->deadline - g_get_monotonic_time ()) / G_USEC_PER_SEC;
  g_dbus_connection_call (self->connection, owner, PROMPT_PATH, PROMPT_INTERFACE, "Ask",
                          g_variant_new ("(s@a{sv}u)", request->app_id, request->shown, (guint32) MAX (left, 1)),
                          G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                          (int) MIN ((left + 10) * 1000, G_MAXINT), request->cancellable, asked_cb, request_ref (request));
}

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (request->done)
    return;
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      request_fail (request,
                    _ ("Lanyard could not ask you whether “%s” may use this account: its window could not be started "
                       "(%s). Without a display to ask on, sandboxed applications are refused."),
                    request->app_id, error->message);
      return;
    }
  find_owner (request);
}

/* One question at a time: the window queues too, but a question asked
 * while another is open would wait with its deadline running. */
static void
show_next (LanyardConsent *self)
{
  Request *request = g_queue_peek_head (&self->requests);

  if (self->asking || request == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  self->asking = TRUE;
  find_owner (request);
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardConsent *self = g_task_get_source_object (task);
  Check          *check = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) permissions = NULL;
  g_autoptr(GVariant) data = NULL;
  g_autoptr(GError) error = NULL;
  gboolean decided, allowed;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_autofree char *remote = g_dbus_error_get_remote_error (error);

      if (g_strcmp0 (remote, STORE_NOT_FOUND) != 0)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_task_return_error (task, g_steal_pointer (&error));
          else
            g_task_return_error (task, store_error (error, check->app_id));
          return;
        }
      ask (self, task);
      return;
    }

  g_variant_get (reply, "(@a{sas}v)", &permissions, &data);
  allowed = decision_of (permissions, check->app_id, &decided);
  if (!decided)
    ask (self, task);
  else if (allowed)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                             _ ("You did not allow “%s” to use this account. To change that, use the account's page in "
                                "Lanyard."),
                             check->app_id);
}

/**
 * lanyard_consent_check_async:
 * @caller: who asks for a token (or for access ahead of one)
 * @shown: (transfer floating): what the window shows of @account (see
 *   data/io.github.lanyard.ConsentPrompt.xml)
 *
 * Host programs need nobody's consent; a sandboxed application needs a
 * `yes` in the permission store, or the person's answer when there is
 * no decision yet.
 */
void
lanyard_consent_check_async (LanyardConsent      *self,
                             const LanyardCaller *caller,
                             LanyardAccount      *account,
                             GVariant            *shown,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GVariant) owned_shown = g_variant_ref_sink (shown);
  g_autofree char *app_id = NULL;
  Check           *check;

  g_return_if_fail (LANYARD_IS_CONSENT (self));
  g_task_set_source_tag (task, lanyard_consent_check_async);

  if (!lanyard_caller_is_sandboxed (caller))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  app_id = lanyard_consent_dup_app_id (caller);
  if (app_id == NULL)
    {
      g_autofree char *who = lanyard_caller_describe (caller);

      if (self->in_flatpak)
        g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                                 _ ("Lanyard runs in a Flatpak here, and from inside its sandbox it cannot tell which "
                                    "application is calling, so it cannot ask you about this one and refuses it. "
                                    "Sandboxed applications get access tokens only from a Lanyard installed on the "
                                    "host (docs/flatpak.md)."));
      else
        g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED,
                                 _ ("%s runs in a sandbox that does not say which application it is, so Lanyard cannot "
                                    "ask you about it, and refuses it access tokens."),
                                 who);
      return;
    }

  check = g_new0 (Check, 1);
  check->app_id = g_steal_pointer (&app_id);
  check->key = lanyard_account_dup_key (account);
  check->shown = g_steal_pointer (&owned_shown);
  g_task_set_task_data (task, check, check_free);
  g_dbus_connection_call (self->connection, STORE_NAME, STORE_PATH, STORE_INTERFACE, "Lookup",
                          g_variant_new ("(ss)", LANYARD_CONSENT_TABLE, check->key), G_VARIANT_TYPE ("(a{sas}v)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable, looked_up_cb, g_steal_pointer (&task));
}

gboolean
lanyard_consent_check_finish (LanyardConsent *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * lanyard_consent_record_token:
 *
 * @caller got a token of @account now (host programs are not written down).
 */
void
lanyard_consent_record_token (LanyardConsent      *self,
                              const LanyardCaller *caller,
                              LanyardAccount      *account)
{
  g_autofree char *app_id = lanyard_consent_dup_app_id (caller);
  g_autofree char *key = NULL;
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;
  gint64           last;

  if (app_id == NULL || !lanyard_caller_is_sandboxed (caller))
    return;
  key = lanyard_account_dup_key (account);
  last = g_key_file_get_int64 (self->usage, key, app_id, NULL);
  if (now - last < USAGE_GRANULARITY_SECONDS && now >= last)
    return;
  g_key_file_set_int64 (self->usage, key, app_id, now);
  save_usage (self);
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardConsent *self = g_task_get_source_object (task);
  const char     *key = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) permissions = NULL;
  g_autoptr(GVariant) data = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder builder;
  GVariantIter    iter;
  char           *app_id;
  GVariant       *values;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sbx)"));
  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_autofree char *remote = g_dbus_error_get_remote_error (error);

      g_variant_builder_clear (&builder);
      if (g_strcmp0 (remote, STORE_NOT_FOUND) == 0)
        g_task_return_pointer (task, g_variant_ref_sink (g_variant_new ("a(sbx)", NULL)), (GDestroyNotify) g_variant_unref);
      else
        g_task_return_error (task, store_error (error, NULL));
      return;
    }
  g_variant_get (reply, "(@a{sas}v)", &permissions, &data);
  g_variant_iter_init (&iter, permissions);
  while (g_variant_iter_next (&iter, "{s@as}", &app_id, &values))
    {
      g_autofree const char **answers = g_variant_get_strv (values, NULL);
      gboolean                allowed = g_strv_contains (answers, LANYARD_CONSENT_YES) &&
        !g_strv_contains (answers, LANYARD_CONSENT_NO);

      g_variant_builder_add (&builder, "(sbx)", app_id, allowed, g_key_file_get_int64 (self->usage, key, app_id, NULL));
      g_variant_unref (values);
      g_free (app_id);
    }
  g_task_return_pointer (task, g_variant_ref_sink (g_variant_builder_end (&builder)), (GDestroyNotify) g_variant_unref);
}

/**
 * lanyard_consent_list_apps_async:
 *
 * Every application the store has a decision for about @account.
 */
void
lanyard_consent_list_apps_async (LanyardConsent     *self,
                                 LanyardAccount     *account,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  char *key = lanyard_account_dup_key (account);

  g_task_set_source_tag (task, lanyard_consent_list_apps_async);
  g_task_set_task_data (task, key, g_free);
  g_dbus_connection_call (self->connection, STORE_NAME, STORE_PATH, STORE_INTERFACE, "Lookup",
                          g_variant_new ("(ss)", LANYARD_CONSENT_TABLE, key), G_VARIANT_TYPE ("(a{sas}v)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable, listed_cb, g_steal_pointer (&task));
}

/**
 * lanyard_consent_list_apps_finish:
 *
 * Returns: (transfer full): `a(sbx)`: app id, allowed, when it last got a
 *   token (wall-clock seconds, 0 for never)
 */
GVariant *
lanyard_consent_list_apps_finish (LanyardConsent *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
set_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    g_task_return_error (task, store_error (error, NULL));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * lanyard_consent_set_access_async:
 *
 * The person's decision, made in Lanyard (or lanyardctl) rather than
 * in the prompt.
 */
void
lanyard_consent_set_access_async (LanyardConsent     *self,
                                  LanyardAccount     *account,
                                  const char         *app_id,
                                  gboolean            allowed,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autofree char *key = lanyard_account_dup_key (account);

  g_task_set_source_tag (task, lanyard_consent_set_access_async);
  if (!g_application_id_is_valid (app_id))
    {
      g_task_return_new_error (task, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                               _ ("This is not an application id (such as org.example.App): letters, digits, “_” "
                                  "and “-”, in at least two parts joined by dots."));
      return;
    }
  store_decision (self, key, app_id, allowed, self->cancellable, set_cb, g_steal_pointer (&task));
}

gboolean
lanyard_consent_set_access_finish (LanyardConsent *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
deleted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autofree char *key = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *remote = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  remote = g_dbus_error_get_remote_error (error);
  /* Nothing was ever decided for it, or there is no store at all. */
  if (g_strcmp0 (remote, STORE_NOT_FOUND) == 0 || g_strcmp0 (remote, "org.freedesktop.DBus.Error.ServiceUnknown") == 0)
    return;
  g_warning ("Could not remove the decisions about %s from the permission store: %s", key, error->message);
}

/**
 * lanyard_consent_forget_account:
 * @key: an account that was unlinked
 *
 * Its entry in the permission store, and when applications last got its
 * tokens, go with it: a later account of the same key asks again.
 */
void
lanyard_consent_forget_account (LanyardConsent *self,
                                const char     *key)
{
  g_return_if_fail (LANYARD_IS_CONSENT (self));

  /* Activated when need be: a store that is not running may merely be
   * idle, with Lanyard's decisions on disk. */
  g_dbus_connection_call (self->connection, STORE_NAME, STORE_PATH, STORE_INTERFACE, "Delete",
                          g_variant_new ("(ss)", LANYARD_CONSENT_TABLE, key), G_VARIANT_TYPE_UNIT,
                          G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable, deleted_cb, g_strdup (key));
  if (g_key_file_remove_group (self->usage, key, NULL))
    save_usage (self);
}
