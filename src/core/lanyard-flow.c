/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-flow"

#include "lanyard-flow-private.h"

#include <glib/gi18n.h>

#include <string.h>

#include "lanyard-device-grant.h"
#include "lanyard-error.h"
#include "lanyard-http.h"
#include "lanyard-loopback-server.h"
#include "lanyard-pkce.h"

/**
 * LanyardFlow:
 *
 * One sign-in: the authorization code grant with PKCE over a loopback
 * redirect (RFC 6749 §4.1, RFC 7636, RFC 8252).
 *
 * lanyard_flow_start_async() prepares the provider, opens the listener and
 * builds the authorize URL; the caller shows it in a browser. Then
 * lanyard_flow_wait_async() returns when the redirect arrived, the code was
 * exchanged and the identity fetched, or when the flow failed, was
 * cancelled or timed out. The listener lives only while the flow waits and
 * is closed on every way out.
 *
 * With lanyard_flow_set_grant() %LANYARD_GRANT_DEVICE it is a device
 * sign-in instead (RFC 8628): lanyard_flow_start_async() asks for the codes
 * and returns when the user code and verification URI are ready; the flow
 * then polls (#LanyardDeviceGrant) and ends as a browser sign-in does. Its
 * tokens go through the same identity checks (the ID token without a
 * nonce, since the device grant sends none), and its end through the same
 * function. No listener is opened.
 *
 * Secrets (verifier, state, nonce, device code, tokens) never reach a log. A flow that
 * is no longer wanted must be cancelled (lanyard_flow_cancel()); until it
 * ends, its listener keeps it alive.
 */
struct _LanyardFlow
{
  GObject parent_instance;

  LanyardProvider *provider;
  char            *verifier;
  char            *state;
  char            *nonce;
  char            *redirect_uri;
  char            *authorize_url;
  char            *login_hint;
  LanyardGrant     grant;

  LanyardLoopbackServer *server;
  LanyardDeviceGrant    *device;
  GCancellable          *cancellable;
  guint                  timeout_seconds;
  guint                  timeout_id;
  gboolean               timed_out;

  LanyardFlowStatus status;
  GTask            *wait_task;
  GError           *error;
  LanyardTokenSet  *tokens;
  LanyardIdentity  *identity;
};

enum
{
  PROP_0,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (LanyardFlow, lanyard_flow, G_TYPE_OBJECT)

static void
wipe_string (char **str)
{
  if (*str != NULL)
    {
      memset (*str, 0, strlen (*str));
      g_clear_pointer (str, g_free);
    }
}

static void
lanyard_flow_dispose (GObject *object)
{
  LanyardFlow *self = LANYARD_FLOW (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->server != NULL)
    lanyard_loopback_server_stop (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->device);

  G_OBJECT_CLASS (lanyard_flow_parent_class)->dispose (object);
}

static void
lanyard_flow_finalize (GObject *object)
{
  LanyardFlow *self = LANYARD_FLOW (object);

  g_assert (self->wait_task == NULL);

  wipe_string (&self->verifier);
  wipe_string (&self->state);
  wipe_string (&self->nonce);
  g_free (self->redirect_uri);
  g_free (self->authorize_url);
  g_free (self->login_hint);
  g_clear_object (&self->provider);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_clear_object (&self->tokens);
  g_clear_object (&self->identity);

  G_OBJECT_CLASS (lanyard_flow_parent_class)->finalize (object);
}

static void
lanyard_flow_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LanyardFlow *self = LANYARD_FLOW (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_flow_class_init (LanyardFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lanyard_flow_dispose;
  object_class->finalize = lanyard_flow_finalize;
  object_class->get_property = lanyard_flow_get_property;

  /**
   * LanyardFlow:status:
   *
   * Where the flow is, as a #LanyardFlowStatus.
   */
  props[PROP_STATUS] = g_param_spec_int ("status", NULL, NULL,
                                         LANYARD_FLOW_STATUS_NEW, LANYARD_FLOW_STATUS_FAILED,
                                         LANYARD_FLOW_STATUS_NEW,
                                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lanyard_flow_init (LanyardFlow *self)
{
  self->cancellable = g_cancellable_new ();
  self->timeout_seconds = LANYARD_FLOW_DEFAULT_TIMEOUT_SECONDS;
}

/**
 * lanyard_flow_new:
 * @provider: a configured provider
 *
 * Draws a fresh PKCE verifier, `state` and, for OpenID Connect, `nonce`.
 */
LanyardFlow *
lanyard_flow_new (LanyardProvider *provider)
{
  LanyardFlow *self;

  g_return_val_if_fail (LANYARD_IS_PROVIDER (provider), NULL);

  self = g_object_new (LANYARD_TYPE_FLOW, NULL);
  self->provider = g_object_ref (provider);
  self->verifier = lanyard_pkce_new_verifier ();
  self->state = lanyard_random_token (32);
  if (lanyard_provider_get_uses_nonce (provider))
    self->nonce = lanyard_random_token (32);

  return self;
}

/**
 * lanyard_flow_set_timeout:
 * @seconds: how long the whole sign-in may take, from start
 */
void
lanyard_flow_set_timeout (LanyardFlow *self,
                          guint        seconds)
{
  g_return_if_fail (LANYARD_IS_FLOW (self));
  g_return_if_fail (self->status == LANYARD_FLOW_STATUS_NEW);
  g_return_if_fail (seconds > 0);

  self->timeout_seconds = seconds;
}

/**
 * lanyard_flow_set_login_hint:
 * @login_hint: (nullable): the account to sign in as, its login or e-mail
 *   address, as the provider showed it
 *
 * Suggests the account to the provider, for signing in again to one
 * account: sent where the provider takes a hint (OpenID Connect's
 * `login_hint`, GitHub's `login`), left out where it has none (GitLab).
 * Only a suggestion: the person may still sign in as someone else.
 * Before lanyard_flow_start_async().
 */
void
lanyard_flow_set_login_hint (LanyardFlow *self,
                             const char  *login_hint)
{
  g_return_if_fail (LANYARD_IS_FLOW (self));
  g_return_if_fail (self->status == LANYARD_FLOW_STATUS_NEW);

  g_free (self->login_hint);
  self->login_hint = g_strdup (login_hint);
}

/**
 * lanyard_flow_set_grant:
 *
 * %LANYARD_GRANT_DEVICE makes this a device sign-in (RFC 8628). Before
 * lanyard_flow_start_async().
 */
void
lanyard_flow_set_grant (LanyardFlow *self,
                        LanyardGrant grant)
{
  g_return_if_fail (LANYARD_IS_FLOW (self));
  g_return_if_fail (self->status == LANYARD_FLOW_STATUS_NEW);

  self->grant = grant;
}

LanyardGrant
lanyard_flow_get_grant (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), LANYARD_GRANT_AUTHORIZATION_CODE);
  return self->grant;
}

static const LanyardDeviceAuthorization *
device_authorization (LanyardFlow *self)
{
  return self->device != NULL ? lanyard_device_grant_get_authorization (self->device) : NULL;
}

/**
 * lanyard_flow_get_user_code:
 *
 * Returns: (nullable): the code the person enters, once a device sign-in
 *   started
 */
const char *
lanyard_flow_get_user_code (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), NULL);
  return device_authorization (self) != NULL ? device_authorization (self)->user_code : NULL;
}

/**
 * lanyard_flow_get_verification_uri:
 *
 * Returns: (nullable): where the person enters it
 */
const char *
lanyard_flow_get_verification_uri (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), NULL);
  return device_authorization (self) != NULL ? device_authorization (self)->verification_uri : NULL;
}

/**
 * lanyard_flow_get_verification_uri_complete:
 *
 * Returns: (nullable): the same with the code in it, when the provider
 *   gave one
 */
const char *
lanyard_flow_get_verification_uri_complete (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), NULL);
  return device_authorization (self) != NULL ? device_authorization (self)->verification_uri_complete : NULL;
}

/**
 * lanyard_flow_get_device_expires_at:
 *
 * Returns: when the user code expires (seconds since the epoch), 0 for a
 *   browser sign-in
 */
gint64
lanyard_flow_get_device_expires_at (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), 0);
  return self->device != NULL ? lanyard_device_grant_get_expires_at (self->device) : 0;
}

/**
 * lanyard_flow_get_device_interval:
 *
 * Returns: the seconds between polls now, 0 for a browser sign-in
 */
guint
lanyard_flow_get_device_interval (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), 0);
  return self->device != NULL ? lanyard_device_grant_get_interval (self->device) : 0;
}

static void
set_status (LanyardFlow      *self,
            LanyardFlowStatus status)
{
  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATUS]);
}

static void
return_wait_task (LanyardFlow *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->wait_task);

  if (task == NULL)
    return;

  if (self->error != NULL)
    g_task_return_error (task, g_error_copy (self->error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Every way out of the flow passes here: the listener and the timer go. */
static void
finish_flow (LanyardFlow *self,
             GError      *error)
{
  if (self->status == LANYARD_FLOW_STATUS_SUCCEEDED ||
      self->status == LANYARD_FLOW_STATUS_FAILED)
    {
      g_clear_error (&error);
      return;
    }

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->server != NULL)
    lanyard_loopback_server_stop (self->server);

  if (error != NULL && self->timed_out &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      guint refused = self->server != NULL ? lanyard_loopback_server_get_n_refused (self->server) : 0;

      g_clear_error (&error);
      if (refused > 0)
        error = g_error_new (LANYARD_ERROR, LANYARD_ERROR_TIMED_OUT,
                             _ ("The sign-in with %s did not finish within %u minutes and was stopped. Meanwhile Lanyard "
                                "refused %u sign-in answers that did not belong to it: another program may be trying to "
                                "interfere. Start again when you are ready."),
                             lanyard_provider_get_display_name (self->provider), MAX (1, self->timeout_seconds / 60),
                             refused);
      else
        error = g_error_new (LANYARD_ERROR, LANYARD_ERROR_TIMED_OUT,
                             _ ("The sign-in with %s did not finish within %u minutes and was stopped. Start again when you are ready."),
                             lanyard_provider_get_display_name (self->provider),
                             MAX (1, self->timeout_seconds / 60));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _ ("The sign-in with %s was cancelled"),
                           lanyard_provider_get_display_name (self->provider));
    }

  self->error = error;
  if (error != NULL)
    g_debug ("Sign-in with %s failed: %s", lanyard_provider_get_id (self->provider), error->message);
  else
    g_debug ("Sign-in with %s succeeded", lanyard_provider_get_id (self->provider));

  set_status (self, error != NULL ? LANYARD_FLOW_STATUS_FAILED : LANYARD_FLOW_STATUS_SUCCEEDED);
  return_wait_task (self);
}

typedef struct
{
  LanyardFlow *flow;
  GError      *refusal;
} Refusal;

/* The account did not qualify: the token it got must not outlive the
 * refusal, at the provider either. The sign-in ends once the provider
 * answered, saying what became of the token. */
static void
refused_revoked_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;
  g_autoptr(LanyardFlow) self = refusal->flow;
  g_autoptr(GError) revoke_error = NULL;
  GError *error = refusal->refusal;

  g_free (refusal);
  if (lanyard_provider_revoke_finish (LANYARD_PROVIDER (object), result, &revoke_error))
    {
      GError *told = g_error_new (error->domain, error->code, "%s. %s", error->message,
                                  _ ("Nothing was stored, and the token the sign-in gave was revoked."));

      g_error_free (error);
      error = told;
    }
  else
    g_message ("Revoking the token of a refused sign-in failed: %s", revoke_error->message);
  finish_flow (self, error);
}

static void
identity_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LanyardFlow) self = user_data;
  GError *error = NULL;

  self->identity = lanyard_provider_fetch_identity_finish (LANYARD_PROVIDER (object), result, &error);
  if (self->identity == NULL && g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED) &&
      lanyard_provider_can_revoke (self->provider))
    {
      Refusal *refusal = g_new0 (Refusal, 1);

      refusal->flow = g_steal_pointer (&self);
      refusal->refusal = error;
      lanyard_provider_revoke_async (refusal->flow->provider, refusal->flow->tokens, NULL, refused_revoked_cb, refusal);
      g_clear_object (&refusal->flow->tokens);
      return;
    }
  if (self->identity == NULL && g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED))
    {
      /* Microsoft: no revocation endpoint; the token lapses by itself. */
      GError *told = g_error_new (error->domain, error->code, "%s. %s", error->message,
                                  _ ("Nothing was stored; this provider cannot revoke the token the sign-in gave, which expires by itself."));

      g_error_free (error);
      error = told;
    }
  if (self->identity == NULL)
    g_clear_object (&self->tokens);

  finish_flow (self, error);
}

static void
exchange_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LanyardFlow) self = user_data;
  GError *error = NULL;

  self->tokens = lanyard_provider_exchange_code_finish (LANYARD_PROVIDER (object), result, &error);
  if (self->tokens == NULL)
    {
      finish_flow (self, error);
      return;
    }

  lanyard_provider_fetch_identity_async (self->provider, self->tokens, self->nonce,
                                         self->cancellable, identity_cb, g_object_ref (self));
}

static void
callback_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LanyardFlow) self = user_data;
  g_autoptr(GHashTable) params = NULL;
  GError *error = NULL;

  params = lanyard_loopback_server_wait_finish (LANYARD_LOOPBACK_SERVER (object), result, &error);
  if (params == NULL)
    {
      finish_flow (self, error);
      return;
    }

  set_status (self, LANYARD_FLOW_STATUS_EXCHANGING);
  lanyard_provider_exchange_code_async (self->provider,
                                        g_hash_table_lookup (params, "code"),
                                        self->verifier, self->redirect_uri,
                                        self->cancellable, exchange_cb, g_object_ref (self));
}

/* Runs inside the listener, before the browser gets its page: the page
 * then says whether the sign-in can go on. */
static LanyardCallbackVerdict
check_callback (GHashTable *params,
                gpointer    user_data,
                GError    **error)
{
  LanyardFlow *self = user_data;
  const char  *name = lanyard_provider_get_display_name (self->provider);
  const char  *state = g_hash_table_lookup (params, "state");
  const char  *iss = g_hash_table_lookup (params, "iss");
  const char  *issuer = lanyard_provider_get_issuer (self->provider);
  const char  *oauth_error = g_hash_table_lookup (params, "error");
  const char  *code = g_hash_table_lookup (params, "code");

  /* RFC 6749 §10.12: the state binds the answer to this sign-in, for error
   * answers as much as for codes. An answer without it may come from
   * anyone who found the port (a web page, another program): it is
   * refused, and the listener waits on for the real one. */
  if (!lanyard_constant_time_equal (state, self->state))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_STATE_MISMATCH,
                   _ ("This sign-in link is not valid for the sign-in with %s in progress (%s state), so Lanyard ignored it. The sign-in is still waiting: finish it in the window Lanyard opened."),
                   name, state == NULL ? "missing" : "wrong");
      return LANYARD_CALLBACK_REFUSE;
    }

  /* RFC 9207 §2.4: compare `iss` when present; require it when the server
   * says it sends it. */
  if (iss != NULL && g_strcmp0 (iss, issuer) != 0)
    {
      /* Whoever sent it chose these bytes: the message goes on a page and
       * on the bus, where it must be UTF-8, and is shown to a person. */
      g_autofree char *shown = g_utf8_make_valid (iss, MIN (strlen (iss), 200));

      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH,
                   _ ("The answer came from another server (“%s”) than the one this sign-in went to (%s). It was refused."),
                   shown, name);
      return LANYARD_CALLBACK_FAIL;
    }
  if (iss == NULL && lanyard_provider_get_iss_parameter_supported (self->provider))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH,
                   _ ("The answer does not say which server sent it, although %s always does. It was refused."),
                   name);
      return LANYARD_CALLBACK_FAIL;
    }

  if (oauth_error != NULL)
    {
      g_propagate_error (error, lanyard_http_oauth_error (name, oauth_error, g_hash_table_lookup (params, "error_description")));
      return LANYARD_CALLBACK_FAIL;
    }

  if (code == NULL || code[0] == '\0')
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_CALLBACK,
                   _ ("The answer from %s carries no authorization code. Start the sign-in again."),
                   name);
      return LANYARD_CALLBACK_FAIL;
    }

  return LANYARD_CALLBACK_ACCEPT;
}

static gboolean
timeout_cb (gpointer user_data)
{
  LanyardFlow *self = user_data;

  self->timeout_id = 0;
  self->timed_out = TRUE;
  g_cancellable_cancel (self->cancellable);

  return G_SOURCE_REMOVE;
}

static char *
build_redirect_uri (const char *host,
                    guint       port,
                    const char *path)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u%s", host, port, path);
  return g_strdup_printf ("http://%s:%u%s", host, port, path);
}

static void
device_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(LanyardFlow) self = user_data;
  GError *error = NULL;

  self->tokens = lanyard_device_grant_run_finish (LANYARD_DEVICE_GRANT (object), result, &error);
  if (self->tokens == NULL)
    {
      finish_flow (self, error);
      return;
    }

  /* The same checks as after a browser sign-in, without a nonce: the
   * device grant has no place to send one. */
  set_status (self, LANYARD_FLOW_STATUS_EXCHANGING);
  lanyard_provider_fetch_identity_async (self->provider, self->tokens, NULL,
                                         self->cancellable, identity_cb, g_object_ref (self));
}

static void
device_authorized_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardFlow                *self = g_task_get_source_object (task);
  LanyardDeviceAuthorization *authorization;
  GError                     *error = NULL;

  authorization = lanyard_provider_request_device_authorization_finish (LANYARD_PROVIDER (object), result, &error);
  if (authorization == NULL)
    {
      finish_flow (self, g_error_copy (error));
      g_task_return_error (task, error);
      return;
    }

  /* From now on the codes' lifetime bounds the sign-in, not the flow's
   * timeout: a provider's 15 or 30 minutes are the person's to use. */
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->device = lanyard_device_grant_new (self->provider, authorization);
  lanyard_device_grant_run_async (self->device, self->cancellable, device_done_cb, g_object_ref (self));
  set_status (self, LANYARD_FLOW_STATUS_WAITING);
  g_task_return_boolean (task, TRUE);
}

static void
prepare_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardFlow     *self = g_task_get_source_object (task);
  g_autofree char *path = NULL;
  g_autofree char *challenge = NULL;
  GError          *error = NULL;

  if (!lanyard_provider_prepare_finish (LANYARD_PROVIDER (object), result, &error))
    goto failed;

  if (g_cancellable_set_error_if_cancelled (self->cancellable, &error))
    goto failed;

  if (self->grant == LANYARD_GRANT_DEVICE)
    {
      lanyard_provider_request_device_authorization_async (self->provider, self->cancellable,
                                                           device_authorized_cb, g_steal_pointer (&task));
      return;
    }

  {
    g_autofree char *problem = NULL;

    if (!lanyard_provider_supports_grant (self->provider, LANYARD_GRANT_AUTHORIZATION_CODE, &problem))
      {
        error = g_error_new_literal (LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED, problem);
        goto failed;
      }
  }

  path = lanyard_provider_dup_redirect_path (self->provider);
  self->server = lanyard_loopback_server_new (path);
  lanyard_loopback_server_set_port (self->server, lanyard_provider_get_redirect_port (self->provider));
  if (!lanyard_loopback_server_start (self->server, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        {
          /* A pinned port: waiting would not free it, so say at once who
           * holds it (the message names the port and, if known, the
           * program). */
          GError *in_use = g_error_new (LANYARD_ERROR, LANYARD_ERROR_FAILED,
                                        _ ("The sign-in at %s cannot start: %s, and “redirect_port” pins the sign-in to that port. "
                                           "Close that program (or finish the other sign-in) and try again, or choose another “redirect_port” "
                                           "and register its redirect URI with %s."),
                                        lanyard_provider_get_display_name (self->provider), error->message,
                                        lanyard_provider_get_display_name (self->provider));
          g_clear_error (&error);
          error = in_use;
        }
      goto failed;
    }

  self->redirect_uri = build_redirect_uri (lanyard_provider_get_redirect_host (self->provider),
                                           lanyard_loopback_server_get_port (self->server),
                                           path);
  challenge = lanyard_pkce_challenge_s256 (self->verifier);
  self->authorize_url = lanyard_provider_build_authorize_url (self->provider, self->redirect_uri,
                                                              self->state, challenge, self->nonce, self->login_hint);

  lanyard_loopback_server_wait_async (self->server, check_callback, self, self->cancellable,
                                      callback_cb, g_object_ref (self));
  set_status (self, LANYARD_FLOW_STATUS_WAITING);
  g_task_return_boolean (task, TRUE);
  return;

failed:
  finish_flow (self, g_error_copy (error));
  g_task_return_error (task, error);
}

static void
forward_cancel_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

/**
 * lanyard_flow_start_async:
 * @cancellable: (nullable): cancelling it cancels the flow
 *
 * Prepares the provider (discovery where needed), opens the listener and
 * builds the authorize URL. The timeout starts now.
 */
void
lanyard_flow_start_async (LanyardFlow        *self,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LANYARD_IS_FLOW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_flow_start_async);

  if (self->status != LANYARD_FLOW_STATUS_NEW)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_FAILED,
                               _ ("This sign-in was already started"));
      return;
    }

  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel_cb),
                           g_object_ref (self->cancellable), g_object_unref);

  set_status (self, LANYARD_FLOW_STATUS_STARTING);
  self->timeout_id = g_timeout_add_seconds (self->timeout_seconds, timeout_cb, self);
  lanyard_provider_prepare_async (self->provider, self->cancellable,
                                  prepare_cb, g_steal_pointer (&task));
}

gboolean
lanyard_flow_start_finish (LanyardFlow  *self,
                           GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * lanyard_flow_wait_async:
 * @cancellable: (nullable): cancelling it cancels the flow
 *
 * Waits for the end of the flow. Only one wait at a time.
 */
void
lanyard_flow_wait_async (LanyardFlow        *self,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LANYARD_IS_FLOW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_flow_wait_async);
  /* The flow's own error says what was cancelled; GTask's generic one
   * would not. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->wait_task != NULL || self->status == LANYARD_FLOW_STATUS_NEW)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_FAILED,
                               self->wait_task != NULL ? "Someone is already waiting for this sign-in"
                                                       : "This sign-in was not started");
      return;
    }

  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel_cb),
                           g_object_ref (self->cancellable), g_object_unref);

  self->wait_task = g_steal_pointer (&task);
  if (self->status == LANYARD_FLOW_STATUS_SUCCEEDED ||
      self->status == LANYARD_FLOW_STATUS_FAILED)
    return_wait_task (self);
}

/**
 * lanyard_flow_wait_finish:
 *
 * Returns: %TRUE when the account signed in; the identity and tokens are
 *   then available
 */
gboolean
lanyard_flow_wait_finish (LanyardFlow  *self,
                          GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * lanyard_flow_cancel:
 *
 * Stops the flow; the listener closes and a waiter gets
 * %G_IO_ERROR_CANCELLED.
 */
void
lanyard_flow_cancel (LanyardFlow *self)
{
  g_return_if_fail (LANYARD_IS_FLOW (self));

  g_cancellable_cancel (self->cancellable);
}

LanyardProvider *
lanyard_flow_get_provider (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), NULL);
  return self->provider;
}

LanyardFlowStatus
lanyard_flow_get_status (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), LANYARD_FLOW_STATUS_FAILED);
  return self->status;
}

/**
 * lanyard_flow_get_state:
 *
 * The one-time `state` of this sign-in. It is in the authorize URL anyway;
 * knowing it does not let anyone complete the flow without the code.
 */
const char *
lanyard_flow_get_state (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), NULL);
  return self->state;
}

/**
 * lanyard_flow_get_authorize_url:
 *
 * Returns: (nullable): the URL to open, once started
 */
const char *
lanyard_flow_get_authorize_url (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), NULL);
  return self->authorize_url;
}

const char *
lanyard_flow_get_redirect_uri (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), NULL);
  return self->redirect_uri;
}

gboolean
lanyard_flow_is_listening (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), FALSE);
  return self->server != NULL && lanyard_loopback_server_is_listening (self->server);
}

/**
 * lanyard_flow_get_identity:
 *
 * Returns: (transfer none) (nullable): who signed in, after success
 */
LanyardIdentity *
lanyard_flow_get_identity (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), NULL);
  return self->identity;
}

/**
 * lanyard_flow_get_tokens:
 *
 * Returns: (transfer none) (nullable): the tokens, after success
 */
LanyardTokenSet *
lanyard_flow_get_tokens (LanyardFlow *self)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), NULL);
  return self->tokens;
}

/**
 * _lanyard_flow_check_callback:
 * @params: (element-type utf8 utf8): a redirect's query parameters
 *
 * The check the listener runs on the browser's redirect (state, `iss`,
 * error, code), without a listener: for the fuzz target
 * tests/fuzz/fuzz-callback.c. See lanyard-flow-private.h.
 */
LanyardCallbackVerdict
_lanyard_flow_check_callback (LanyardFlow *self,
                              GHashTable  *params,
                              GError     **error)
{
  g_return_val_if_fail (LANYARD_IS_FLOW (self), LANYARD_CALLBACK_REFUSE);
  return check_callback (params, self, error);
}
