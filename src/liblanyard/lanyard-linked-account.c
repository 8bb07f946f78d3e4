/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "liblanyard"
/* explicit_bzero(): a wipe the compiler may not drop as a dead store. */
#define _DEFAULT_SOURCE

#include "lanyard-linked-account.h"

#include <string.h>

#include "lanyard-client-error.h"
#include "lanyard-client-private.h"

/**
 * LanyardLinkedAccount:
 *
 * One account linked in Lanyard, as the daemon shows it to other
 * programs: who it is (provider, account id, names, e-mail, avatar),
 * whether it is the primary account, whether the person must sign in
 * again, and its access tokens for programs that may have them.
 *
 * Its properties follow the daemon: each change is a
 * [signal@GObject.Object::notify] of the property that changed. Get them
 * from [method@Lanyard.Client.get_accounts]; they are never made by the
 * app itself.
 *
 * The account is keyed by its provider and its account id, which never
 * change; its username and e-mail may.
 */
struct _LanyardLinkedAccount
{
  GObject                parent_instance;
  LanyardLibDBusAccount *proxy;
  gboolean               gone; /* unlinked, or the daemon went away */
  gboolean               daemon_left; /* gone because the daemon went away */
};

G_DEFINE_FINAL_TYPE (LanyardLinkedAccount, lanyard_linked_account, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_KEY,
  PROP_PROVIDER_ID,
  PROP_ACCOUNT_ID,
  PROP_USERNAME,
  PROP_DISPLAY_NAME,
  PROP_EMAIL,
  PROP_AVATAR_URL,
  PROP_PRIMARY,
  PROP_NEEDS_ATTENTION,
  PROP_ATTENTION_REASON,
  PROP_AVAILABLE,
  PROP_EXPIRES_AT,
  PROP_LINKED_AT,
  PROP_LAST_REFRESH,
  PROP_SCOPES,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

/* The bus says "" where a provider gave nothing; the API says NULL. */
static const char *
nonempty (const char *value)
{
  return value != NULL && value[0] != '\0' ? value : NULL;
}

static const char *
defined (const char *value)
{
  return value != NULL ? value : "";
}

/* The generated proxy notifies its own property of the same name when
 * PropertiesChanged arrives; the account passes it on. */
static void
proxy_notify_cb (GObject    *proxy,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  LanyardLinkedAccount *self = user_data;
  GParamSpec           *mine = g_object_class_find_property (G_OBJECT_GET_CLASS (self), pspec->name);

  if (mine != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), mine);
}

static void
lanyard_linked_account_dispose (GObject *object)
{
  LanyardLinkedAccount *self = LANYARD_LINKED_ACCOUNT (object);

  if (self->proxy != NULL)
    g_signal_handlers_disconnect_by_data (self->proxy, self);
  g_clear_object (&self->proxy);

  G_OBJECT_CLASS (lanyard_linked_account_parent_class)->dispose (object);
}

static void
lanyard_linked_account_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  LanyardLinkedAccount *self = LANYARD_LINKED_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_KEY: g_value_set_string (value, lanyard_linked_account_get_key (self)); break;
    case PROP_PROVIDER_ID: g_value_set_string (value, lanyard_linked_account_get_provider_id (self)); break;
    case PROP_ACCOUNT_ID: g_value_set_string (value, lanyard_linked_account_get_account_id (self)); break;
    case PROP_USERNAME: g_value_set_string (value, lanyard_linked_account_get_username (self)); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, lanyard_linked_account_get_display_name (self)); break;
    case PROP_EMAIL: g_value_set_string (value, lanyard_linked_account_get_email (self)); break;
    case PROP_AVATAR_URL: g_value_set_string (value, lanyard_linked_account_get_avatar_url (self)); break;
    case PROP_PRIMARY: g_value_set_boolean (value, lanyard_linked_account_get_primary (self)); break;
    case PROP_NEEDS_ATTENTION: g_value_set_boolean (value, lanyard_linked_account_get_needs_attention (self)); break;
    case PROP_ATTENTION_REASON: g_value_set_string (value, lanyard_linked_account_get_attention_reason (self)); break;
    case PROP_AVAILABLE: g_value_set_boolean (value, lanyard_linked_account_get_available (self)); break;
    case PROP_EXPIRES_AT: g_value_set_int64 (value, lanyard_linked_account_get_expires_at (self)); break;
    case PROP_LINKED_AT: g_value_set_int64 (value, lanyard_linked_account_get_linked_at (self)); break;
    case PROP_LAST_REFRESH: g_value_set_int64 (value, lanyard_linked_account_get_last_refresh (self)); break;
    case PROP_SCOPES: g_value_set_boxed (value, lanyard_linked_account_get_scopes (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name,
                 const char *nick,
                 const char *blurb)
{
  return g_param_spec_string (name, nick, blurb, NULL, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
boolean_property (const char *name,
                  const char *nick,
                  const char *blurb)
{
  return g_param_spec_boolean (name, nick, blurb, FALSE, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
time_property (const char *name,
               const char *nick,
               const char *blurb)
{
  return g_param_spec_int64 (name, nick, blurb, 0, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
lanyard_linked_account_class_init (LanyardLinkedAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_linked_account_dispose;
  object_class->get_property = lanyard_linked_account_get_property;

  /**
   * LanyardLinkedAccount:key: (getter get_key)
   *
   * `provider:account-id`, the account's name in Lanyard (and in the
   * permission store, `flatpak permission-show`).
   */
  props[PROP_KEY] = string_property ("key", NULL, NULL);
  /**
   * LanyardLinkedAccount:provider-id: (getter get_provider_id)
   *
   * The id of the provider instance (`github`, `gitlab`, or one the
   * person configured, such as `corp`).
   */
  props[PROP_PROVIDER_ID] = string_property ("provider-id", NULL, NULL);
  /**
   * LanyardLinkedAccount:account-id: (getter get_account_id)
   *
   * The provider's stable id of the account (GitHub's numeric id, an
   * OpenID Connect `sub`, …), as a string.
   */
  props[PROP_ACCOUNT_ID] = string_property ("account-id", NULL, NULL);
  /**
   * LanyardLinkedAccount:username: (getter get_username)
   *
   * The login name at the provider, or %NULL when it has none.
   */
  props[PROP_USERNAME] = string_property ("username", NULL, NULL);
  /**
   * LanyardLinkedAccount:display-name: (getter get_display_name)
   *
   * The person's name as the provider gives it, or %NULL.
   */
  props[PROP_DISPLAY_NAME] = string_property ("display-name", NULL, NULL);
  /**
   * LanyardLinkedAccount:email: (getter get_email)
   *
   * The e-mail address the provider gives, or %NULL.
   */
  props[PROP_EMAIL] = string_property ("email", NULL, NULL);
  /**
   * LanyardLinkedAccount:avatar-url: (getter get_avatar_url)
   *
   * Where the provider keeps the account's picture, or %NULL.
   */
  props[PROP_AVATAR_URL] = string_property ("avatar-url", NULL, NULL);
  /**
   * LanyardLinkedAccount:primary: (getter get_primary)
   *
   * Whether the person made this account the primary one.
   */
  props[PROP_PRIMARY] = boolean_property ("primary", NULL, NULL);
  /**
   * LanyardLinkedAccount:needs-attention: (getter get_needs_attention)
   *
   * Whether the person must sign in again in Lanyard before tokens can
   * be had (the provider no longer accepts the sign-in).
   */
  props[PROP_NEEDS_ATTENTION] = boolean_property ("needs-attention", NULL, NULL);
  /**
   * LanyardLinkedAccount:attention-reason: (getter get_attention_reason)
   *
   * Why the account needs attention, in words for the person, or %NULL.
   */
  props[PROP_ATTENTION_REASON] = string_property ("attention-reason", NULL, NULL);
  /**
   * LanyardLinkedAccount:available: (getter get_available)
   *
   * %FALSE while the keyring holding the account's tokens is locked or
   * missing.
   */
  props[PROP_AVAILABLE] = boolean_property ("available", NULL, NULL);
  /**
   * LanyardLinkedAccount:expires-at: (getter get_expires_at)
   *
   * When the current access token expires, in seconds since the epoch;
   * 0 when it does not. Lanyard renews it before then by itself.
   */
  props[PROP_EXPIRES_AT] = time_property ("expires-at", NULL, NULL);
  /**
   * LanyardLinkedAccount:linked-at: (getter get_linked_at)
   *
   * When the account was linked, in seconds since the epoch.
   */
  props[PROP_LINKED_AT] = time_property ("linked-at", NULL, NULL);
  /**
   * LanyardLinkedAccount:last-refresh: (getter get_last_refresh)
   *
   * When the tokens were last issued or renewed, in seconds since the
   * epoch; 0 when never.
   */
  props[PROP_LAST_REFRESH] = time_property ("last-refresh", NULL, NULL);
  /**
   * LanyardLinkedAccount:scopes: (getter get_scopes)
   *
   * What the provider granted at the last sign-in or renewal.
   */
  props[PROP_SCOPES] = g_param_spec_boxed ("scopes", NULL, NULL, G_TYPE_STRV, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lanyard_linked_account_init (LanyardLinkedAccount *self)
{
}

LanyardLinkedAccount *
_lanyard_linked_account_new (LanyardLibDBusAccount *proxy)
{
  LanyardLinkedAccount *self = g_object_new (LANYARD_TYPE_LINKED_ACCOUNT, NULL);

  self->proxy = g_object_ref (proxy);
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (proxy), LANYARD_CLIENT_CALL_TIMEOUT_MS);
  g_signal_connect (proxy, "notify", G_CALLBACK (proxy_notify_cb), self);
  return self;
}

/* The object left the bus: the account was unlinked, or (@daemon_left)
 * the daemon stopped, and a new object comes when it is back. Calls fail
 * at once, in words, rather than with GDBus's "no such interface", and
 * with the error that says which. */
void
_lanyard_linked_account_set_gone (LanyardLinkedAccount *self,
                                  gboolean              daemon_left)
{
  if (self->gone)
    return;
  self->gone = TRUE;
  self->daemon_left = daemon_left;
}

static gboolean
return_if_gone (LanyardLinkedAccount *self,
                GTask                *task)
{
  if (!self->gone)
    return FALSE;
  if (self->daemon_left)
    g_task_return_new_error (task, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE,
                             /* Translators: %s is an account key, such as github:583231 */
                             _ ("Lanyard’s account service stopped; the account %s is back when it runs again."),
                             lanyard_linked_account_get_key (self));
  else
    g_task_return_new_error (task, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_NOT_FOUND,
                             /* Translators: %s is an account key, such as github:583231 */
                             _ ("The account %s is no longer linked in Lanyard."), lanyard_linked_account_get_key (self));
  return TRUE;
}

const char *
_lanyard_linked_account_get_object_path (LanyardLinkedAccount *self)
{
  return g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->proxy));
}

/**
 * lanyard_linked_account_get_key: (get-property key)
 * @self: an account
 *
 * Returns: `provider:account-id`
 */
const char *
lanyard_linked_account_get_key (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), NULL);
  return defined (lanyard_lib_dbus_account_get_key (self->proxy));
}

/**
 * lanyard_linked_account_get_provider_id: (get-property provider-id)
 * @self: an account
 *
 * Returns: the provider instance's id
 */
const char *
lanyard_linked_account_get_provider_id (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), NULL);
  return defined (lanyard_lib_dbus_account_get_provider_id (self->proxy));
}

/**
 * lanyard_linked_account_get_account_id: (get-property account-id)
 * @self: an account
 *
 * Returns: the provider's stable id of the account
 */
const char *
lanyard_linked_account_get_account_id (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), NULL);
  return defined (lanyard_lib_dbus_account_get_account_id (self->proxy));
}

/**
 * lanyard_linked_account_get_username: (get-property username)
 * @self: an account
 *
 * Returns: (nullable): the login name at the provider
 */
const char *
lanyard_linked_account_get_username (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), NULL);
  return nonempty (lanyard_lib_dbus_account_get_username (self->proxy));
}

/**
 * lanyard_linked_account_get_display_name: (get-property display-name)
 * @self: an account
 *
 * Returns: (nullable): the person's name as the provider gives it
 */
const char *
lanyard_linked_account_get_display_name (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), NULL);
  return nonempty (lanyard_lib_dbus_account_get_display_name (self->proxy));
}

/**
 * lanyard_linked_account_get_email: (get-property email)
 * @self: an account
 *
 * Returns: (nullable): the account's e-mail address
 */
const char *
lanyard_linked_account_get_email (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), NULL);
  return nonempty (lanyard_lib_dbus_account_get_email (self->proxy));
}

/**
 * lanyard_linked_account_get_avatar_url: (get-property avatar-url)
 * @self: an account
 *
 * Returns: (nullable): the address of the account's picture
 */
const char *
lanyard_linked_account_get_avatar_url (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), NULL);
  return nonempty (lanyard_lib_dbus_account_get_avatar_url (self->proxy));
}

/**
 * lanyard_linked_account_get_primary: (get-property primary)
 * @self: an account
 *
 * Returns: whether this is the primary account
 */
gboolean
lanyard_linked_account_get_primary (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), FALSE);
  return lanyard_lib_dbus_account_get_primary (self->proxy);
}

/**
 * lanyard_linked_account_get_needs_attention: (get-property needs-attention)
 * @self: an account
 *
 * Returns: whether the person must sign in again
 */
gboolean
lanyard_linked_account_get_needs_attention (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), FALSE);
  return lanyard_lib_dbus_account_get_needs_attention (self->proxy);
}

/**
 * lanyard_linked_account_get_attention_reason: (get-property attention-reason)
 * @self: an account
 *
 * Returns: (nullable): why the account needs attention
 */
const char *
lanyard_linked_account_get_attention_reason (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), NULL);
  return nonempty (lanyard_lib_dbus_account_get_attention_reason (self->proxy));
}

/**
 * lanyard_linked_account_get_available: (get-property available)
 * @self: an account
 *
 * Returns: %FALSE while the keyring holding its tokens cannot be used
 */
gboolean
lanyard_linked_account_get_available (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), FALSE);
  return lanyard_lib_dbus_account_get_available (self->proxy);
}

/**
 * lanyard_linked_account_get_expires_at: (get-property expires-at)
 * @self: an account
 *
 * Returns: when the current access token expires (seconds since the
 *   epoch), 0 when it does not
 */
gint64
lanyard_linked_account_get_expires_at (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), 0);
  return MAX (lanyard_lib_dbus_account_get_expires_at (self->proxy), 0);
}

/**
 * lanyard_linked_account_get_linked_at: (get-property linked-at)
 * @self: an account
 *
 * Returns: when the account was linked (seconds since the epoch)
 */
gint64
lanyard_linked_account_get_linked_at (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), 0);
  return MAX (lanyard_lib_dbus_account_get_linked_at (self->proxy), 0);
}

/**
 * lanyard_linked_account_get_last_refresh: (get-property last-refresh)
 * @self: an account
 *
 * Returns: when the tokens were last issued or renewed (seconds since the
 *   epoch), 0 when never
 */
gint64
lanyard_linked_account_get_last_refresh (LanyardLinkedAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), 0);
  return MAX (lanyard_lib_dbus_account_get_last_refresh (self->proxy), 0);
}

/**
 * lanyard_linked_account_get_scopes: (get-property scopes)
 * @self: an account
 *
 * Returns: (transfer none) (array zero-terminated=1): the scopes the
 *   provider granted; empty when not known
 */
const char *const *
lanyard_linked_account_get_scopes (LanyardLinkedAccount *self)
{
  static const char *const none[] = { NULL };
  const char *const       *scopes;

  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), NULL);
  scopes = lanyard_lib_dbus_account_get_scopes (self->proxy);
  return scopes != NULL ? scopes : none;
}

typedef struct
{
  char  *token;
  gint64 expires_at;
} AccessToken;

static void
access_token_free (AccessToken *access)
{
  /* The token is a secret: wiped before it is freed. */
  if (access->token != NULL)
    explicit_bzero (access->token, strlen (access->token));
  g_free (access->token);
  g_free (access);
}

static void
get_access_token_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  AccessToken *access = g_new0 (AccessToken, 1);

  if (!lanyard_lib_dbus_account_call_get_access_token_finish (LANYARD_LIB_DBUS_ACCOUNT (object), &access->token,
                                                              &access->expires_at, result, &error))
    {
      access_token_free (access);
      if (return_if_gone (g_task_get_source_object (task), task))
        return;
      _lanyard_client_error_from_dbus (&error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, access, (GDestroyNotify) access_token_free);
}

/**
 * lanyard_linked_account_get_access_token_async:
 * @self: an account
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the token
 * @user_data: (closure): data for @callback
 *
 * Asks the daemon for a fresh access token for the account, renewed first
 * when it expires within a minute.
 *
 * Programs on the host get it at once. A sandboxed app (Flatpak, Snap)
 * gets it when the person allowed it to use this account; when nobody has
 * decided yet, the daemon asks the person first, and the call waits for
 * the answer (about two minutes at most). Use
 * [method@Lanyard.LinkedAccount.request_access_async] to ask before the
 * token is needed.
 */
void
lanyard_linked_account_get_access_token_async (LanyardLinkedAccount *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (LANYARD_IS_LINKED_ACCOUNT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_linked_account_get_access_token_async);
  if (return_if_gone (self, task))
    {
      g_object_unref (task);
      return;
    }
  lanyard_lib_dbus_account_call_get_access_token (self->proxy, cancellable, get_access_token_cb, task);
}

/**
 * lanyard_linked_account_get_access_token_finish:
 * @self: an account
 * @result: the result passed to the callback
 * @expires_at: (out) (optional): when the token expires, seconds since the
 *   epoch; 0 when it does not
 * @error: where to put an error
 *
 * The token, to send to the provider's API (`Authorization: Bearer …`).
 * Never write it to a log or a file: it is a secret.
 *
 * Errors are in the #LANYARD_CLIENT_ERROR domain:
 * %LANYARD_CLIENT_ERROR_PERMISSION_DENIED when the person did not allow
 * it, %LANYARD_CLIENT_ERROR_INVALID_GRANT when the person must sign in
 * again, %LANYARD_CLIENT_ERROR_NOT_FOUND when the account was unlinked,
 * %LANYARD_CLIENT_ERROR_DAEMON_UNAVAILABLE when the daemon went away.
 *
 * Returns: (transfer full): the access token, or %NULL with @error set
 */
char *
lanyard_linked_account_get_access_token_finish (LanyardLinkedAccount *self,
                                                GAsyncResult         *result,
                                                gint64               *expires_at,
                                                GError              **error)
{
  AccessToken *access;
  char        *token;

  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, lanyard_linked_account_get_access_token_async), NULL);

  access = g_task_propagate_pointer (G_TASK (result), error);
  if (access == NULL)
    return NULL;
  token = g_steal_pointer (&access->token);
  if (expires_at != NULL)
    *expires_at = MAX (access->expires_at, 0);
  access_token_free (access);
  return token;
}

static void
request_access_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!lanyard_lib_dbus_account_call_request_access_finish (LANYARD_LIB_DBUS_ACCOUNT (object), result, &error))
    {
      if (return_if_gone (g_task_get_source_object (task), task))
        return;
      _lanyard_client_error_from_dbus (&error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * lanyard_linked_account_request_access_async:
 * @self: an account
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the person's answer
 * @user_data: (closure): data for @callback
 *
 * Asks for the person's consent to this program's use of the account's
 * access tokens, ahead of the first token: for instance when the app's
 * user clicks "Use my GitHub account". The daemon shows its prompt,
 * naming the app and the account, unless the person already decided.
 *
 * Programs on the host need no consent: it succeeds at once for them.
 */
void
lanyard_linked_account_request_access_async (LanyardLinkedAccount *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (LANYARD_IS_LINKED_ACCOUNT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_linked_account_request_access_async);
  if (return_if_gone (self, task))
    {
      g_object_unref (task);
      return;
    }
  lanyard_lib_dbus_account_call_request_access (self->proxy, cancellable, request_access_cb, task);
}

/**
 * lanyard_linked_account_request_access_finish:
 * @self: an account
 * @result: the result passed to the callback
 * @error: where to put an error
 *
 * Whether access was granted. When it was not, @error is
 * %LANYARD_CLIENT_ERROR_PERMISSION_DENIED with a message saying why (the
 * person said no, nobody answered, no permission store is running).
 *
 * Returns: %TRUE when the program may have the account's tokens
 */
gboolean
lanyard_linked_account_request_access_finish (LanyardLinkedAccount *self,
                                              GAsyncResult         *result,
                                              GError              **error)
{
  g_return_val_if_fail (LANYARD_IS_LINKED_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, lanyard_linked_account_request_access_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
