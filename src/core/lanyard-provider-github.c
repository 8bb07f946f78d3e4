/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-provider-github"

#include "lanyard-provider-github.h"

#include <glib/gi18n.h>

#include <string.h>

#include "lanyard-error.h"
#include "lanyard-provider-private.h"

/**
 * LanyardProviderGithub:
 *
 * GitHub OAuth Apps and GitHub App user tokens, on github.com or a GitHub
 * Enterprise Server (`base_url`, with the API under `/api/v3`). Not OpenID
 * Connect: the identity is the REST `/user` object, keyed by its numeric
 * `id` (the `login` can change). Revocation uses GitHub's own API.
 */
struct _LanyardProviderGithub
{
  LanyardProvider parent_instance;

  char *api_url;
};

G_DEFINE_FINAL_TYPE (LanyardProviderGithub, lanyard_provider_github, LANYARD_TYPE_PROVIDER)

#define GITHUB_WEB "https://github.com"
#define GITHUB_API "https://api.github.com"

static gboolean
lanyard_provider_github_configure (LanyardProvider       *provider,
                                   LanyardProviderConfig *config,
                                   GError               **error)
{
  LanyardProviderGithub *self = LANYARD_PROVIDER_GITHUB (provider);
  g_autofree char       *authorize = NULL;
  g_autofree char       *token = NULL;
  g_autofree char       *user = NULL;
  const char            *base_url, *api_url;

  if (!lanyard_provider_config_get_url (config, "base_url", FALSE, &base_url, error) ||
      !lanyard_provider_config_get_url (config, "api_url", FALSE, &api_url, error))
    return FALSE;

  /* GitHub Enterprise Server serves its REST API below /api/v3. */
  if (api_url != NULL)
    self->api_url = g_strdup (api_url);
  else if (base_url != NULL)
    self->api_url = _lanyard_provider_join_url (base_url, "api/v3");
  else
    self->api_url = g_strdup (GITHUB_API);

  if (base_url == NULL)
    base_url = GITHUB_WEB;

  authorize = _lanyard_provider_join_url (base_url, "login/oauth/authorize");
  token = _lanyard_provider_join_url (base_url, "login/oauth/access_token");
  user = _lanyard_provider_join_url (self->api_url, "user");
  _lanyard_provider_set_endpoints (provider, authorize, token, user, NULL);

  /* The device flow (PROVIDERS.md): offered once the app's settings allow
   * it and `device_flow=true` says so. */
  {
    g_autofree char *device = _lanyard_provider_join_url (base_url, "login/device/code");
    _lanyard_provider_set_device_authorization_url (provider, device, TRUE);
  }

  {
    g_autofree char *page = _lanyard_provider_join_url (base_url, "settings/applications");
    _lanyard_provider_set_revoke_page (provider, page);
  }
  /* Git repositories are served from the web address, github.com or a
   * GitHub Enterprise Server. */
  _lanyard_provider_set_web_url (provider, base_url);

  if (!_lanyard_provider_read_allowed_orgs (provider, config, "allowed_orgs", _ ("organisations"), error))
    return FALSE;
  /* Private memberships are listed only to a token with read:org. */
  if (lanyard_provider_get_allowed_orgs (provider) != NULL)
    _lanyard_provider_add_scope (provider, "read:org");

  return TRUE;
}

/**
 * lanyard_github_identity_from_user:
 * @user: a GitHub REST `/user` object
 *
 * Shared with the demo provider, which speaks the same dialect.
 */
LanyardIdentity *
lanyard_github_identity_from_user (const char *provider_id,
                                   const char *provider_name,
                                   JsonObject *user,
                                   GError    **error)
{
  g_autofree char *id = lanyard_json_dup_id (user, "id");

  if (id == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("%s described the account without a usable “id”; the sign-in was refused"), provider_name);
      return NULL;
    }

  return lanyard_identity_new (provider_id, id,
                               lanyard_json_get_string (user, "login"),
                               lanyard_json_get_string (user, "name"),
                               lanyard_json_get_string (user, "email"),
                               lanyard_json_get_string (user, "avatar_url"));
}

static LanyardIdentity *
lanyard_provider_github_identity_from_userinfo (LanyardProvider *provider,
                                                JsonObject      *userinfo,
                                                GError         **error)
{
  return lanyard_github_identity_from_user (lanyard_provider_get_id (provider),
                                            lanyard_provider_get_display_name (provider),
                                            userinfo, error);
}

typedef struct
{
  LanyardTokenSet *tokens;
  LanyardIdentity *identity;
  guint            next_membership; /* the allowed org to ask about next */
} IdentityData;

static void
identity_data_free (IdentityData *data)
{
  g_clear_object (&data->tokens);
  g_clear_object (&data->identity);
  g_free (data);
}

static const char *
primary_verified_email (JsonNode *emails)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (emails))
    return NULL;

  array = json_node_get_array (emails);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode   *element = json_array_get_element (array, i);
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      entry = json_node_get_object (element);
      if (json_object_get_boolean_member_with_default (entry, "primary", FALSE) &&
          json_object_get_boolean_member_with_default (entry, "verified", FALSE))
        return lanyard_json_get_string (entry, "email");
    }

  return NULL;
}

#define MAX_MEMBERSHIP_QUESTIONS 10

static void ask_next_membership (GTask *task);

static void
return_checked (GTask *task)
{
  LanyardProvider *provider = g_task_get_source_object (task);
  IdentityData    *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!_lanyard_provider_check_rules (provider, data->identity, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_object_ref (data->identity), g_object_unref);
}

/* GET /user/memberships/orgs/{org}: an organisation that restricts OAuth
 * Apps may be missing from /user/orgs although the person is a member;
 * asked about by name, it says "active". A 403 or 404 means no membership
 * can be seen there; a server or network failure is an error, never a
 * verdict (at a renewal it would cost the person their account). */
static void
membership_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  LanyardProvider *provider = LANYARD_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  IdentityData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = _lanyard_provider_get_json_finish (provider, result, &error);
  if (node == NULL && !g_error_matches (error, LANYARD_ERROR, LANYARD_ERROR_PROVIDER))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
      g_strcmp0 (lanyard_json_get_string (json_node_get_object (node), "state"), "active") == 0)
    {
      const char *const *orgs = lanyard_identity_get_orgs (data->identity);
      const char        *org = lanyard_provider_get_allowed_orgs (provider)[data->next_membership - 1];
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) more = NULL;

      g_strv_builder_addv (builder, (const char **) orgs);
      g_strv_builder_add (builder, org);
      more = g_strv_builder_end (builder);
      lanyard_identity_set_orgs (data->identity, (const char *const *) more);
      return_checked (task);
      return;
    }

  ask_next_membership (g_steal_pointer (&task));
}

static void
ask_next_membership (GTask *task)
{
  LanyardProviderGithub *self = LANYARD_PROVIDER_GITHUB (g_task_get_source_object (task));
  LanyardProvider       *provider = LANYARD_PROVIDER (self);
  IdentityData          *data = g_task_get_task_data (task);
  const char *const     *allowed = lanyard_provider_get_allowed_orgs (provider);
  g_autofree char       *escaped = NULL;
  g_autofree char       *path = NULL;
  g_autofree char       *url = NULL;

  /* Bounded: a person outside every organisation costs a few requests,
   * not one per name of a long list. */
  if (allowed == NULL || allowed[data->next_membership] == NULL || data->next_membership >= MAX_MEMBERSHIP_QUESTIONS)
    {
      return_checked (task);
      g_object_unref (task);
      return;
    }

  escaped = g_uri_escape_string (allowed[data->next_membership], NULL, FALSE);
  path = g_strconcat ("user/memberships/orgs/", escaped, NULL);
  url = _lanyard_provider_join_url (self->api_url, path);
  data->next_membership++;
  _lanyard_provider_get_json_async (provider, url, data->tokens, g_task_get_cancellable (task), membership_cb, task);
}

/* Organisations are read when they decide (allowed_orgs) or when the
 * token may list private memberships; a public-only list would be
 * misleading. GitHub pages at 100; a person in more is unusual, and the
 * first hundred are what the identity carries. */
static void
orgs_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  LanyardProvider *provider = LANYARD_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  IdentityData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) orgs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) logins = NULL;

  orgs = _lanyard_provider_get_json_finish (provider, result, &error);
  if (orgs != NULL && !JSON_NODE_HOLDS_ARRAY (orgs))
    g_set_error (&error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                 _ ("%s sent an unreadable list of organisations"), lanyard_provider_get_display_name (provider));
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (orgs)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (orgs), i);

      if (JSON_NODE_HOLDS_OBJECT (element) && lanyard_json_get_string (json_node_get_object (element), "login") != NULL)
        g_strv_builder_add (builder, lanyard_json_get_string (json_node_get_object (element), "login"));
    }
  logins = g_strv_builder_end (builder);
  lanyard_identity_set_orgs (data->identity, (const char *const *) logins);

  /* Not listed: asked about each allowed organisation by name. */
  if (!_lanyard_provider_check_rules (provider, data->identity, NULL, NULL))
    {
      ask_next_membership (g_steal_pointer (&task));
      return;
    }
  return_checked (task);
}

static void
finish_identity (GTask           *task,
                 LanyardIdentity *identity)
{
  LanyardProviderGithub *self = LANYARD_PROVIDER_GITHUB (g_task_get_source_object (task));
  LanyardProvider       *provider = LANYARD_PROVIDER (self);
  IdentityData          *data = g_task_get_task_data (task);
  g_autofree char       *url = NULL;
  g_autoptr(GError) error = NULL;

  g_set_object (&data->identity, identity);
  if (lanyard_provider_get_allowed_orgs (provider) == NULL && !lanyard_token_set_has_scope (data->tokens, "read:org"))
    {
      if (!_lanyard_provider_check_rules (provider, identity, NULL, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, g_object_ref (identity), g_object_unref);
      g_object_unref (task);
      return;
    }

  url = _lanyard_provider_join_url (self->api_url, "user/orgs?per_page=100");
  _lanyard_provider_get_json_async (provider, url, data->tokens, g_task_get_cancellable (task), orgs_cb, task);
}

static void
emails_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  LanyardProvider *provider = LANYARD_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  IdentityData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) emails = NULL;
  g_autoptr(GError) error = NULL;
  const char      *email;
  LanyardIdentity *old = data->identity;

  emails = _lanyard_provider_get_json_finish (provider, result, &error);

  /* The e-mail is a nicety: an account links fine without it. */
  email = emails != NULL ? primary_verified_email (emails) : NULL;
  if (email == NULL)
    {
      g_debug ("No primary verified e-mail for the GitHub account: %s",
               error != NULL ? error->message : "none listed");
      finish_identity (g_steal_pointer (&task), old);
      return;
    }

  {
    g_autoptr(LanyardIdentity) identity = lanyard_identity_new (lanyard_identity_get_provider_id (old),
                                                                 lanyard_identity_get_account_id (old),
                                                                 lanyard_identity_get_username (old),
                                                                 lanyard_identity_get_display_name (old),
                                                                 email,
                                                                 lanyard_identity_get_avatar_url (old));

    finish_identity (g_steal_pointer (&task), identity);
  }
}

static void
user_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  LanyardProviderGithub *self = LANYARD_PROVIDER_GITHUB (object);
  LanyardProvider       *provider = LANYARD_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  IdentityData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *emails_url = NULL;
  GCancellable    *cancellable;

  user = _lanyard_provider_get_json_finish (provider, result, &error);
  if (user != NULL && !JSON_NODE_HOLDS_OBJECT (user))
    g_set_error (&error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                 _ ("%s sent an unreadable account description"),
                 lanyard_provider_get_display_name (provider));
  if (error == NULL)
    data->identity = lanyard_provider_github_identity_from_userinfo (provider, json_node_get_object (user), &error);
  if (data->identity == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A private e-mail is absent from /user; /user/emails lists it when the
   * token has the scope for it. */
  if (lanyard_identity_get_email (data->identity) != NULL ||
      !(lanyard_token_set_has_scope (data->tokens, "user:email") ||
        lanyard_token_set_has_scope (data->tokens, "user")))
    {
      finish_identity (g_steal_pointer (&task), data->identity);
      return;
    }

  emails_url = _lanyard_provider_join_url (self->api_url, "user/emails");
  cancellable = g_task_get_cancellable (task);
  _lanyard_provider_get_json_async (provider, emails_url, data->tokens, cancellable,
                                    emails_cb, g_steal_pointer (&task));
}

static void
lanyard_provider_github_fetch_identity_async (LanyardProvider    *provider,
                                              LanyardTokenSet    *tokens,
                                              const char         *nonce,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  IdentityData *data = g_new0 (IdentityData, 1);

  g_task_set_source_tag (task, lanyard_provider_github_fetch_identity_async);
  data->tokens = g_object_ref (tokens);
  g_task_set_task_data (task, data, (GDestroyNotify) identity_data_free);

  _lanyard_provider_get_json_async (provider, _lanyard_provider_get_userinfo_url (provider),
                                    tokens, cancellable, user_cb, g_steal_pointer (&task));
}

static LanyardIdentity *
lanyard_provider_github_fetch_identity_finish (LanyardProvider *provider,
                                               GAsyncResult    *result,
                                               GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
revoke_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardProvider *provider = g_task_get_source_object (task);
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = lanyard_http_send_finish (result, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, _lanyard_provider_new_revoke_unsent (provider, error));
      return;
    }

  /* 404: GitHub does not know the token (already revoked); the goal is met. */
  if (reply->status == 404 || (reply->status >= 200 && reply->status < 300))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, _lanyard_provider_new_revoke_refused (provider, reply, NULL));
}

/* DELETE /applications/{client_id}/token with the application's Basic
 * credentials; this revokes the token and the whole authorization. */
static void
lanyard_provider_github_revoke_async (LanyardProvider    *provider,
                                      LanyardTokenSet    *tokens,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data)
{
  LanyardProviderGithub *self = LANYARD_PROVIDER_GITHUB (provider);
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *credentials = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *authorization = NULL;
  char            *json;

  g_task_set_source_tag (task, lanyard_provider_github_revoke_async);

  path = g_strdup_printf ("applications/%s/token", lanyard_provider_get_client_id (provider));
  url = _lanyard_provider_join_url (self->api_url, path);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, lanyard_token_set_get_access_token (tokens));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  body = g_bytes_new_take (json, strlen (json));

  credentials = g_strconcat (lanyard_provider_get_client_id (provider), ":",
                             _lanyard_provider_get_client_secret (provider), NULL);
  encoded = g_base64_encode ((const guchar *) credentials, strlen (credentials));
  authorization = g_strconcat ("Basic ", encoded, NULL);

  message = soup_message_new (SOUP_METHOD_DELETE, url);
  soup_message_set_request_body_from_bytes (message, "application/json", body);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/vnd.github+json");
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);

  lanyard_http_send_async (lanyard_provider_get_session (provider), message,
                           lanyard_provider_get_display_name (provider), cancellable,
                           revoke_cb, g_steal_pointer (&task));
}

static gboolean
lanyard_provider_github_revoke_finish (LanyardProvider *provider,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lanyard_provider_github_finalize (GObject *object)
{
  LanyardProviderGithub *self = LANYARD_PROVIDER_GITHUB (object);

  g_free (self->api_url);

  G_OBJECT_CLASS (lanyard_provider_github_parent_class)->finalize (object);
}

static void
lanyard_provider_github_class_init (LanyardProviderGithubClass *klass)
{
  LanyardProviderClass *provider_class = LANYARD_PROVIDER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lanyard_provider_github_finalize;

  provider_class->type_name = "github";
  provider_class->default_display_name = "GitHub";
  provider_class->default_scopes = "read:user user:email";
  /* Required at the token endpoint for the browser flow. */
  provider_class->secret_policy = LANYARD_SECRET_REQUIRED;
  /* GitHub takes the login to suggest as `login`. */
  provider_class->login_hint_param = "login";
  provider_class->configure = lanyard_provider_github_configure;
  provider_class->device_flow_default = FALSE;
  provider_class->device_flow_hint = N_ ("Turn on “Enable Device Flow” in the OAuth app's settings on GitHub, then set “device_flow=true”.");
  provider_class->identity_from_userinfo = lanyard_provider_github_identity_from_userinfo;
  provider_class->fetch_identity_async = lanyard_provider_github_fetch_identity_async;
  provider_class->fetch_identity_finish = lanyard_provider_github_fetch_identity_finish;
  provider_class->revoke_async = lanyard_provider_github_revoke_async;
  provider_class->revoke_finish = lanyard_provider_github_revoke_finish;
}

static void
lanyard_provider_github_init (LanyardProviderGithub *self)
{
}
