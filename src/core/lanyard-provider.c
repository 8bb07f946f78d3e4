/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-provider"

#include "lanyard-provider-private.h"

#include <glib/gi18n.h>

#include <string.h>

#include "lanyard-demo-server.h"
#include "lanyard-error.h"
#include "lanyard-id-token.h"
#include "lanyard-jose.h"

/**
 * LanyardProvider:
 *
 * One configured provider instance: its id, client credentials, endpoints
 * and policies, and the OAuth 2.0 operations on them. Subclasses (one file
 * each) supply what differs; see #LanyardProviderClass.
 *
 * The client secret stays inside this object: there is no public getter, so
 * it cannot reach the bus or a log by accident.
 */
/* The `device_flow` key. */
typedef enum
{
  DEVICE_SETTING_UNSET,
  DEVICE_SETTING_OFF,
  DEVICE_SETTING_ON,
  DEVICE_SETTING_ONLY, /* the device grant and nothing else (Google's TV clients) */
} LanyardDeviceSetting;

typedef struct
{
  char                *id;
  char                *display_name;
  char                *client_id;
  char                *client_secret;
  GStrv                scopes;
  char                *authorize_url;
  char                *token_url;
  char                *userinfo_url;
  char                *revocation_url;
  char                *revoke_page; /* where a person revokes Lanyard's access by hand */
  char                *web_url; /* where it serves git repositories (GitHub, GitLab) */
  char                *issuer;
  char                *redirect_host;
  LanyardBrowserPolicy browser_policy;
  SoupSession         *session;
  LanyardJwksCache    *jwks_cache;
  gint64               clock_skew;
  char                *jwks_uri;
  guint                redirect_port;
  char                *device_authorization_url;
  char                *device_problem; /* why the device grant cannot work, when known */
  LanyardDeviceSetting device_setting;
  guint                device_url_known : 1; /* false until discovery said */
  guint                device_default : 1;
  guint                iss_parameter_supported : 1;
  guint                is_demo : 1;
  guint                store_tokens : 1;
  /* The administrator's rules of who may link (docs/configuration.md). */
  GStrv       allowed_orgs; /* lower case; NULL when anyone may */
  const char *allowed_orgs_key; /* allowed_orgs, allowed_groups, allowed_domains */
  const char *allowed_orgs_what; /* "organisations", translated */
  GStrv       allowed_email_domains; /* lower case; NULL when any */
  char       *required_claim; /* the claim's name, or NULL */
  char       *required_value;
} LanyardProviderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (LanyardProvider, lanyard_provider, G_TYPE_OBJECT)

/* g_set_str() is GLib 2.76; Debian 12 has 2.74. */
static void
set_str (char      **field,
         const char *value)
{
  if (*field != value)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
}

static void
lanyard_provider_finalize (GObject *object)
{
  LanyardProvider        *self = LANYARD_PROVIDER (object);
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_free (priv->id);
  g_free (priv->display_name);
  g_free (priv->client_id);
  g_free (priv->client_secret);
  g_strfreev (priv->scopes);
  g_free (priv->authorize_url);
  g_free (priv->token_url);
  g_free (priv->userinfo_url);
  g_free (priv->revocation_url);
  g_free (priv->revoke_page);
  g_free (priv->web_url);
  g_free (priv->issuer);
  g_free (priv->redirect_host);
  g_clear_object (&priv->session);
  g_clear_object (&priv->jwks_cache);
  g_free (priv->jwks_uri);
  g_free (priv->device_authorization_url);
  g_free (priv->device_problem);

  g_strfreev (priv->allowed_orgs);
  g_strfreev (priv->allowed_email_domains);
  g_free (priv->required_claim);
  g_free (priv->required_value);

  G_OBJECT_CLASS (lanyard_provider_parent_class)->finalize (object);
}

static void
lanyard_provider_real_prepare_async (LanyardProvider    *self,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, lanyard_provider_real_prepare_async);
  g_task_return_boolean (task, TRUE);
}

static gboolean
lanyard_provider_real_prepare_finish (LanyardProvider *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  JsonObject      *claims;
  LanyardTokenSet *tokens;
} IdentityData;

static void
identity_data_free (IdentityData *data)
{
  g_clear_pointer (&data->claims, json_object_unref);
  g_clear_object (&data->tokens);
  g_free (data);
}

static GStrv parse_scopes (const char *scopes);

/* Organisation names, group paths and domains: a bound on each and on
 * their number, so that a value cannot make every check slow. */
#define MAX_RULE_VALUES 100
#define MAX_RULE_VALUE_LENGTH 255

/* A space- or comma-separated list of names, in lower case (GitHub,
 * GitLab and DNS compare them without case). */
static gboolean
read_rule_list (LanyardProviderConfig *config,
                const char            *key,
                GStrv                 *out,
                GError               **error)
{
  const char *value = lanyard_provider_config_get (config, key);
  g_auto(GStrv) words = NULL;

  *out = NULL;
  if (value == NULL)
    return TRUE;

  words = parse_scopes (value);
  if (words[0] == NULL || g_strv_length (words) > MAX_RULE_VALUES)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“%s” must name from 1 to %d, separated by spaces or commas"), key, MAX_RULE_VALUES);
      return FALSE;
    }
  for (guint i = 0; words[i] != NULL; i++)
    {
      char *lower;

      if (strlen (words[i]) > MAX_RULE_VALUE_LENGTH)
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                       _ ("“%s”: a name is longer than %d bytes"), key, MAX_RULE_VALUE_LENGTH);
          return FALSE;
        }
      lower = g_utf8_strdown (words[i], -1);
      g_free (words[i]);
      words[i] = lower;
    }
  *out = g_steal_pointer (&words);
  return TRUE;
}

static gboolean
read_claim_rules (LanyardProvider       *self,
                  LanyardProviderConfig *config,
                  GError               **error)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  const char             *value;
  const char             *colon;

  if (!read_rule_list (config, "allowed_email_domains", &priv->allowed_email_domains, error))
    return FALSE;

  value = lanyard_provider_config_get (config, "required_claim");
  if (value == NULL)
    return TRUE;
  colon = strchr (value, ':');
  if (colon == NULL || colon == value || colon[1] == '\0' || strlen (value) > MAX_RULE_VALUE_LENGTH)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“required_claim” must be CLAIM:VALUE, such as groups:staff, not “%s”"), value);
      return FALSE;
    }
  priv->required_claim = g_strndup (value, colon - value);
  priv->required_value = g_strdup (colon + 1);
  return TRUE;
}

/**
 * _lanyard_provider_read_allowed_orgs:
 * @key: the configuration key (`allowed_orgs`, `allowed_groups`,
 *   `allowed_domains`)
 * @what: what they are, for messages ("organisations"), translated
 *
 * Reads the provider type's list of organisations, groups or domains an
 * account must belong to (one of them) to be linked.
 */
gboolean
_lanyard_provider_read_allowed_orgs (LanyardProvider       *self,
                                     LanyardProviderConfig *config,
                                     const char            *key,
                                     const char            *what,
                                     GError               **error)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  priv->allowed_orgs_key = key;
  priv->allowed_orgs_what = what;
  return read_rule_list (config, key, &priv->allowed_orgs, error);
}

/**
 * lanyard_provider_get_allowed_orgs:
 *
 * Returns: (transfer none) (nullable): the organisations, groups or
 *   domains an account must belong to, in lower case; %NULL when any
 */
const char *const *
lanyard_provider_get_allowed_orgs (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  return (const char *const *) priv->allowed_orgs;
}

/**
 * _lanyard_provider_add_scope:
 *
 * Asks for @scope too (GitHub's `read:org` when `allowed_orgs` is set).
 */
void
_lanyard_provider_add_scope (LanyardProvider *self,
                             const char      *scope)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  guint                   n = g_strv_length (priv->scopes);

  if (g_strv_contains ((const char *const *) priv->scopes, scope))
    return;
  priv->scopes = g_renew (char *, priv->scopes, n + 2);
  priv->scopes[n] = g_strdup (scope);
  priv->scopes[n + 1] = NULL;
}

/**
 * lanyard_provider_has_rules:
 *
 * Returns: whether the administrator limits who may link an account here
 */
gboolean
lanyard_provider_has_rules (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), FALSE);
  return priv->allowed_orgs != NULL || priv->allowed_email_domains != NULL || priv->required_claim != NULL;
}

/**
 * lanyard_provider_get_store_tokens:
 *
 * Returns: %FALSE for identity-only links (`store_tokens=false`): the
 *   sign-in's tokens are revoked and never kept
 */
gboolean
lanyard_provider_get_store_tokens (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), TRUE);
  return priv->store_tokens;
}

static char *
join_rule_values (const char *const *values)
{
  return g_strjoinv (", ", (GStrv) values);
}

static const char *
account_name (LanyardIdentity *identity)
{
  if (lanyard_identity_get_username (identity) != NULL)
    return lanyard_identity_get_username (identity);
  return lanyard_identity_get_account_id (identity);
}

static gboolean
claim_holds (JsonObject *claims,
             const char *name,
             const char *value)
{
  JsonNode *node = claims != NULL ? json_object_get_member (claims, name) : NULL;

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strcmp0 (json_node_get_string (node), value) == 0;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return g_strcmp0 (json_node_get_boolean (node) ? "true" : "false", value) == 0;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING &&
              g_strcmp0 (json_node_get_string (element), value) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

/**
 * _lanyard_provider_check_rules:
 * @identity: who signed in, with the organisations the provider said
 * @claims: (nullable): the ID token's claims and userinfo's, merged
 *
 * Whether @identity may be linked here. When not, the error
 * (%LANYARD_ERROR_ACCESS_DENIED) names the rule, in words for the person.
 */
gboolean
_lanyard_provider_check_rules (LanyardProvider *self,
                               LanyardIdentity *identity,
                               JsonObject      *claims,
                               GError         **error)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  if (priv->allowed_orgs != NULL)
    {
      const char *const *orgs = lanyard_identity_get_orgs (identity);
      gboolean           member = FALSE;

      for (guint i = 0; orgs[i] != NULL && !member; i++)
        {
          g_autofree char *lower = g_utf8_strdown (orgs[i], -1);

          member = g_strv_contains ((const char *const *) priv->allowed_orgs, lower);
        }
      if (!member)
        {
          g_autofree char *names = join_rule_values ((const char *const *) priv->allowed_orgs);

          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED,
                       _ ("The account “%s” may not be linked on this computer: it belongs to none of the %s that “%s” names (%s)"),
                       account_name (identity), priv->allowed_orgs_what, priv->allowed_orgs_key, names);
          return FALSE;
        }
    }

  if (priv->allowed_email_domains != NULL)
    {
      const char      *email = claims != NULL ? lanyard_json_get_string (claims, "email") : NULL;
      const char      *at = email != NULL ? strrchr (email, '@') : NULL;
      g_autofree char *domain = at != NULL ? g_utf8_strdown (at + 1, -1) : NULL;
      g_autofree char *names = join_rule_values ((const char *const *) priv->allowed_email_domains);
      JsonNode        *verified = claims != NULL ? json_object_get_member (claims, "email_verified") : NULL;

      /* OIDC Core §5.1: a boolean; some servers send the string "true". */
      if (verified == NULL || !JSON_NODE_HOLDS_VALUE (verified) ||
          !((json_node_get_value_type (verified) == G_TYPE_BOOLEAN && json_node_get_boolean (verified)) ||
            (json_node_get_value_type (verified) == G_TYPE_STRING && g_strcmp0 (json_node_get_string (verified), "true") == 0)))
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED,
                       _ ("The account “%s” may not be linked on this computer: “allowed_email_domains” needs an e-mail address that %s has verified, and %s does not say it verified this one"),
                       account_name (identity), lanyard_provider_get_display_name (self), lanyard_provider_get_display_name (self));
          return FALSE;
        }
      if (domain == NULL || !g_strv_contains ((const char *const *) priv->allowed_email_domains, domain))
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED,
                       _ ("The account “%s” may not be linked on this computer: its e-mail address is in none of the domains that “allowed_email_domains” names (%s)"),
                       account_name (identity), names);
          return FALSE;
        }
    }

  if (priv->required_claim != NULL && !claim_holds (claims, priv->required_claim, priv->required_value))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED,
                   _ ("The account “%s” may not be linked on this computer: “required_claim” wants the claim “%s” to hold “%s”, and %s did not say so"),
                   account_name (identity), priv->required_claim, priv->required_value,
                   lanyard_provider_get_display_name (self));
      return FALSE;
    }

  return TRUE;
}

/* The organisations an OpenID provider tells in its claims: `groups`
 * (GitLab, Keycloak and others), and Google's Workspace domain `hd`. */
static void
set_orgs_from_claims (LanyardIdentity *identity,
                      JsonObject      *claims,
                      JsonObject      *id_token_claims)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) orgs = NULL;
  JsonNode *groups = json_object_get_member (claims, "groups");
  /* Google's domain as its signed ID token says it, where there is one. */
  const char *hd = lanyard_json_get_string (id_token_claims != NULL ? id_token_claims : claims, "hd");

  if (lanyard_identity_get_orgs (identity)[0] != NULL)
    return;
  if (hd != NULL)
    g_strv_builder_add (builder, hd);
  if (groups != NULL && JSON_NODE_HOLDS_ARRAY (groups))
    {
      JsonArray *array = json_node_get_array (groups);

      for (guint i = 0; i < json_array_get_length (array) && i < 1000; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
    }
  orgs = g_strv_builder_end (builder);
  lanyard_identity_set_orgs (identity, (const char *const *) orgs);
}

/**
 * _lanyard_provider_apply_claims:
 * @claims: the ID token's claims and userinfo's, merged
 * @id_token_claims: (nullable): the ID token's alone, when there is one
 *
 * Gives @identity the organisations the claims tell (when the provider
 * type said none of its own), then checks the administrator's rules
 * (_lanyard_provider_check_rules()).
 */
gboolean
_lanyard_provider_apply_claims (LanyardProvider *self,
                                LanyardIdentity *identity,
                                JsonObject      *claims,
                                JsonObject      *id_token_claims,
                                GError         **error)
{
  set_orgs_from_claims (identity, claims, id_token_claims);
  return _lanyard_provider_check_rules (self, identity, claims, error);
}

/* The ID token's claims with userinfo's over them: both describe the same
 * subject (checked before), and userinfo is the newer word. */
static JsonObject *
merge_claims (JsonObject *claims,
              JsonObject *userinfo)
{
  JsonObject *merged = json_object_new ();
  GList      *members;

  for (guint pass = 0; pass < 2; pass++)
    {
      JsonObject *from = pass == 0 ? claims : userinfo;

      if (from == NULL)
        continue;
      members = json_object_get_members (from);
      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (merged, l->data, json_node_copy (json_object_get_member (from, l->data)));
      g_list_free (members);
    }
  return merged;
}

static void
finish_identity (GTask      *task,
                 JsonObject *userinfo)
{
  LanyardProvider *self = g_task_get_source_object (task);
  IdentityData    *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  LanyardIdentity *identity;

  /* OIDC Core §5.3.2: the userinfo must be about the ID token's subject,
   * or a substituted userinfo response could link someone else. */
  if (data->claims != NULL && userinfo != data->claims &&
      g_strcmp0 (lanyard_json_get_string (userinfo, "sub"),
                 lanyard_json_get_string (data->claims, "sub")) != 0)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                               _ ("%s described another account than the one that signed in (userinfo “sub” differs from the ID token's); the sign-in was refused"),
                               lanyard_provider_get_display_name (self));
      return;
    }

  identity = LANYARD_PROVIDER_GET_CLASS (self)->identity_from_userinfo (self, userinfo, &error);
  if (identity == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  {
    g_autoptr(JsonObject) merged = merge_claims (data->claims, userinfo);

    if (!_lanyard_provider_apply_claims (self, identity, merged, data->claims, &error))
      {
        g_object_unref (identity);
        g_task_return_error (task, g_steal_pointer (&error));
        return;
      }
  }
  g_task_return_pointer (task, identity, g_object_unref);
}

static void
fetch_userinfo_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LanyardProvider *self = LANYARD_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = _lanyard_provider_get_json_finish (self, result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                               _ ("%s sent an unreadable account description"),
                               lanyard_provider_get_display_name (self));
      return;
    }

  finish_identity (task, json_node_get_object (node));
}

static gboolean
lanyard_provider_real_check_issuer (LanyardProvider *self,
                                    JsonObject      *claims,
                                    GError         **error)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  const char             *iss = lanyard_json_get_string (claims, "iss");

  if (priv->issuer != NULL && g_strcmp0 (iss, priv->issuer) == 0)
    return TRUE;

  g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_ISSUER_MISMATCH,
               _ ("The ID token was issued by “%s”, not by %s (“%s”); the sign-in was refused"),
               iss != NULL ? iss : "nobody", priv->display_name,
               priv->issuer != NULL ? priv->issuer : "unknown");
  return FALSE;
}

typedef struct
{
  LanyardJws *jws;
  char       *nonce;
  JsonObject *previous;
  gboolean    refetched;
} ValidateData;

static void
validate_data_free (ValidateData *data)
{
  g_clear_pointer (&data->jws, lanyard_jws_free);
  g_free (data->nonce);
  g_clear_pointer (&data->previous, json_object_unref);
  g_free (data);
}

static void
validate_keys_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardProvider        *self = g_task_get_source_object (task);
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  ValidateData           *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *claims;
  gboolean    kid_unknown = FALSE;

  keys = lanyard_jwks_cache_get_finish (LANYARD_JWKS_CACHE (object), result, &error);
  if (keys == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!lanyard_jws_verify (data->jws, keys, &kid_unknown, &error))
    {
      /* The issuer may have rotated its keys since they were cached: ask
       * once more (the cache limits how often). */
      if (kid_unknown && !data->refetched)
        {
          data->refetched = TRUE;
          lanyard_jwks_cache_get_async (priv->jwks_cache, priv->jwks_uri, priv->display_name, TRUE,
                                        g_task_get_cancellable (task), validate_keys_cb, g_object_ref (task));
          return;
        }

      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                               _ ("The ID token from %s was refused: %s"), priv->display_name, error->message);
      return;
    }

  claims = lanyard_jws_get_payload (data->jws);
  if (!LANYARD_PROVIDER_GET_CLASS (self)->check_issuer (self, claims, &error) ||
      !lanyard_id_token_check_claims (claims, priv->display_name, priv->client_id, data->nonce,
                                      g_get_real_time () / G_USEC_PER_SEC, priv->clock_skew, &error) ||
      (data->previous != NULL &&
       !lanyard_id_token_same_subject (data->previous, claims, priv->display_name, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, json_object_ref (claims), (GDestroyNotify) json_object_unref);
}

/**
 * _lanyard_provider_validate_id_token_async:
 * @id_token: (nullable): the ID token from the token endpoint
 * @nonce: (nullable): the flow's nonce, at sign-in
 * @previous_id_token: (nullable): on refresh, the ID token it replaces
 *
 * Verifies the signature with the issuer's published keys (re-fetched once
 * for an unknown key id), then the issuer, the claims of OIDC Core
 * §3.1.3.7 and, on refresh, that the subject did not change (§12.2).
 */
void
_lanyard_provider_validate_id_token_async (LanyardProvider    *self,
                                           const char         *id_token,
                                           const char         *nonce,
                                           const char         *previous_id_token,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  ValidateData *data = g_new0 (ValidateData, 1);

  g_task_set_source_tag (task, _lanyard_provider_validate_id_token_async);
  g_task_set_task_data (task, data, (GDestroyNotify) validate_data_free);
  data->nonce = g_strdup (nonce);

  if (id_token == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                               _ ("%s sent no ID token although OpenID Connect was requested; the sign-in was refused"),
                               priv->display_name);
      return;
    }

  data->jws = lanyard_jws_parse (id_token, &error);
  if (data->jws == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                               _ ("%s sent an unusable ID token: %s"), priv->display_name, error->message);
      return;
    }

  if (previous_id_token != NULL)
    data->previous = lanyard_jwt_decode_payload (previous_id_token, NULL);

  if (priv->jwks_uri == NULL || priv->jwks_cache == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                               _ ("%s publishes no signing keys, so its ID tokens cannot be verified"),
                               priv->display_name);
      return;
    }

  lanyard_jwks_cache_get_async (priv->jwks_cache, priv->jwks_uri, priv->display_name, FALSE,
                                cancellable, validate_keys_cb, g_steal_pointer (&task));
}

/**
 * _lanyard_provider_validate_id_token_finish:
 *
 * Returns: (transfer full): the verified claims
 */
JsonObject *
_lanyard_provider_validate_id_token_finish (LanyardProvider *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
identity_validated_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  LanyardProvider        *self = LANYARD_PROVIDER (object);
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  g_autoptr(GTask) task = user_data;
  IdentityData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->claims = _lanyard_provider_validate_id_token_finish (self, result, &error);
  if (data->claims == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* An OpenID provider without a userinfo endpoint: the ID token's claims
   * are all there is. */
  if (priv->userinfo_url == NULL)
    {
      finish_identity (task, data->claims);
      return;
    }

  _lanyard_provider_get_json_async (self, priv->userinfo_url, data->tokens, g_task_get_cancellable (task),
                                    fetch_userinfo_cb, g_object_ref (task));
}

static void
lanyard_provider_real_fetch_identity_async (LanyardProvider    *self,
                                            LanyardTokenSet    *tokens,
                                            const char         *nonce,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  IdentityData *data = g_new0 (IdentityData, 1);

  g_task_set_source_tag (task, lanyard_provider_real_fetch_identity_async);
  g_task_set_task_data (task, data, (GDestroyNotify) identity_data_free);
  data->tokens = g_object_ref (tokens);

  if (lanyard_provider_get_uses_nonce (self))
    {
      _lanyard_provider_validate_id_token_async (self, lanyard_token_set_get_id_token (tokens), nonce, NULL,
                                                 cancellable, identity_validated_cb, g_steal_pointer (&task));
      return;
    }

  _lanyard_provider_get_json_async (self, priv->userinfo_url, tokens, cancellable,
                                    fetch_userinfo_cb, g_steal_pointer (&task));
}

static LanyardIdentity *
lanyard_provider_real_fetch_identity_finish (LanyardProvider *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * _lanyard_provider_new_revoke_error:
 * @reason: what went wrong, a whole sentence
 *
 * A revocation that did not happen: @reason, then that Lanyard's access
 * may still be valid at the provider, and where to revoke it by hand.
 */
GError *
_lanyard_provider_new_revoke_error (LanyardProvider *self,
                                    gint             code,
                                    const char      *reason)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  if (priv->revoke_page != NULL)
    return g_error_new (LANYARD_ERROR, code,
                        _ ("%s Lanyard's access may still be valid at %s: revoke it by hand at %s."),
                        reason, priv->display_name, priv->revoke_page);
  return g_error_new (LANYARD_ERROR, code,
                      _ ("%s Lanyard's access may still be valid at %s: revoke it by hand in your account settings there."),
                      reason, priv->display_name);
}

/**
 * _lanyard_provider_new_revoke_refused:
 * @fields: (nullable): the parsed answer, for its OAuth error
 *
 * The server answered, and not with success.
 */
GError *
_lanyard_provider_new_revoke_refused (LanyardProvider  *self,
                                      LanyardHttpReply *reply,
                                      GHashTable       *fields)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  g_autofree char        *reason = NULL;
  g_autoptr(GError) oauth = NULL;
  const char *oauth_error = fields != NULL ? g_hash_table_lookup (fields, "error") : NULL;

  /* The OAuth error's own words are for a refused sign-in ("Sign in
   * again"); only its code and description are kept. */
  if (oauth_error != NULL)
    {
      g_autofree char *code = g_strndup (oauth_error, 64);

      for (char *c = code; *c != '\0'; c++)
        if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-')
          *c = '?';
      reason = g_strdup_printf ("%s refused to revoke Lanyard's access (HTTP %u %s, %s).",
                                priv->display_name, reply->status, soup_status_get_phrase (reply->status), code);
    }
  else if (reply->status >= 500)
    reason = g_strdup_printf ("%s could not revoke Lanyard's access (HTTP %u %s).",
                              priv->display_name, reply->status, soup_status_get_phrase (reply->status));
  else
    reason = g_strdup_printf ("%s refused to revoke Lanyard's access (HTTP %u %s).",
                              priv->display_name, reply->status, soup_status_get_phrase (reply->status));

  return _lanyard_provider_new_revoke_error (self, reply->status >= 500 ? LANYARD_ERROR_SERVER : LANYARD_ERROR_PROVIDER,
                                             reason);
}

/**
 * _lanyard_provider_new_revoke_unsent:
 * @error: why the request got no answer (network, timeout, redirect)
 */
GError *
_lanyard_provider_new_revoke_unsent (LanyardProvider *self,
                                     const GError    *error)
{
  g_autofree char *reason = g_strdup_printf (_ ("Revoking at %s failed: %s"),
                                             lanyard_provider_get_display_name (self), error->message);

  if (!g_str_has_suffix (reason, "."))
    {
      char *full = g_strconcat (reason, ".", NULL);
      g_free (reason);
      reason = full;
    }
  return _lanyard_provider_new_revoke_error (self, error->domain == LANYARD_ERROR ? error->code : LANYARD_ERROR_FAILED,
                                             reason);
}

typedef struct
{
  GHashTable      *params; /* borrowed strings from @tokens and the provider */
  LanyardTokenSet *tokens;
  gboolean         bearer; /* the second try, with the access token */
} RevokeData;

static void
revoke_data_free (RevokeData *data)
{
  g_hash_table_unref (data->params);
  g_object_unref (data->tokens);
  g_free (data);
}

static void send_revoke (LanyardProvider *self,
                         GTask           *task);

static void
revoke_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardProvider *self = g_task_get_source_object (task);
  RevokeData      *data = g_task_get_task_data (task);
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(GError) error = NULL;

  reply = lanyard_http_send_finish (result, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, _lanyard_provider_new_revoke_unsent (self, error));
      return;
    }

  /* RFC 7009 §2.2: 200 even for tokens the server does not know. */
  fields = lanyard_http_parse_fields (reply->content_type, reply->body, NULL);
  if (reply->status >= 200 && reply->status < 300 &&
      (fields == NULL || g_hash_table_lookup (fields, "error") == NULL))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* A server may authenticate revocation by the access token instead of
   * the client (a public client has no secret to show): glewlwyd does,
   * answering 401 to the client-authenticated request. Ask once more. */
  if (reply->status == 401 && !data->bearer && lanyard_token_set_get_access_token (data->tokens) != NULL)
    {
      g_debug ("%s refused to revoke for the client; trying with the access token", lanyard_provider_get_display_name (self));
      data->bearer = TRUE;
      send_revoke (self, g_steal_pointer (&task));
      return;
    }

  g_task_return_error (task, _lanyard_provider_new_revoke_refused (self, reply, fields));
}

static void
send_revoke (LanyardProvider *self,
             GTask           *task)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  RevokeData             *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = lanyard_http_new_form_post (priv->revocation_url, data->params);

  if (data->bearer)
    {
      char *authorization = g_strconcat ("Bearer ", lanyard_token_set_get_access_token (data->tokens), NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
      memset (authorization, 0, strlen (authorization));
      g_free (authorization);
    }

  lanyard_http_send_async (priv->session, message, priv->display_name, g_task_get_cancellable (task),
                           revoke_cb, task);
}

static void
lanyard_provider_real_revoke_async (LanyardProvider    *self,
                                    LanyardTokenSet    *tokens,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  const char *refresh_token = lanyard_token_set_get_refresh_token (tokens);
  RevokeData *data;

  g_task_set_source_tag (task, lanyard_provider_real_revoke_async);

  if (priv->revocation_url == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("%s offers no way for Lanyard to revoke its access.", priv->display_name);

      g_task_return_error (task, _lanyard_provider_new_revoke_error (self, LANYARD_ERROR_NOT_SUPPORTED, reason));
      return;
    }

  data = g_new0 (RevokeData, 1);
  data->tokens = g_object_ref (tokens);
  g_task_set_task_data (task, data, (GDestroyNotify) revoke_data_free);

  /* Revoking the refresh token ends the whole grant at most servers
   * (RFC 7009 §2.1), so prefer it. */
  data->params = g_hash_table_new (g_str_hash, g_str_equal);
  if (refresh_token != NULL)
    {
      g_hash_table_insert (data->params, (char *) "token", (char *) refresh_token);
      g_hash_table_insert (data->params, (char *) "token_type_hint", (char *) "refresh_token");
    }
  else
    {
      g_hash_table_insert (data->params, (char *) "token", (char *) lanyard_token_set_get_access_token (tokens));
      g_hash_table_insert (data->params, (char *) "token_type_hint", (char *) "access_token");
    }
  g_hash_table_insert (data->params, (char *) "client_id", priv->client_id);
  if (priv->client_secret != NULL)
    g_hash_table_insert (data->params, (char *) "client_secret", priv->client_secret);

  send_revoke (self, g_steal_pointer (&task));
}

static gboolean
lanyard_provider_real_revoke_finish (LanyardProvider *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lanyard_provider_class_init (LanyardProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lanyard_provider_finalize;

  klass->prepare_async = lanyard_provider_real_prepare_async;
  klass->prepare_finish = lanyard_provider_real_prepare_finish;
  klass->fetch_identity_async = lanyard_provider_real_fetch_identity_async;
  klass->fetch_identity_finish = lanyard_provider_real_fetch_identity_finish;
  klass->revoke_async = lanyard_provider_real_revoke_async;
  klass->revoke_finish = lanyard_provider_real_revoke_finish;
  klass->check_issuer = lanyard_provider_real_check_issuer;
}

static void
lanyard_provider_init (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  priv->redirect_host = g_strdup ("127.0.0.1");
  priv->store_tokens = TRUE;
}

static GStrv
parse_scopes (const char *scopes)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) words = g_strsplit_set (scopes != NULL ? scopes : "", " ,", -1);

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_strv_builder_add (builder, words[i]);

  return g_strv_builder_end (builder);
}

/**
 * lanyard_provider_configure:
 * @config: the instance's settings; its `type` selected this class
 * @session: the HTTP session shared by all providers
 *
 * Reads the common keys (`display_name`, `client_id`, `client_secret`,
 * `scopes`), lets the subclass read its own, and refuses unknown keys.
 * Every message names the key and says what to do.
 */
gboolean
lanyard_provider_configure (LanyardProvider       *self,
                            LanyardProviderConfig *config,
                            SoupSession           *session,
                            GError               **error)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  LanyardProviderClass   *klass = LANYARD_PROVIDER_GET_CLASS (self);
  const char             *value;

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), FALSE);
  g_return_val_if_fail (LANYARD_IS_PROVIDER_CONFIG (config), FALSE);
  g_return_val_if_fail (SOUP_IS_SESSION (session), FALSE);
  g_return_val_if_fail (priv->id == NULL, FALSE);

  priv->id = g_strdup (lanyard_provider_config_get_id (config));
  g_set_object (&priv->session, session);

  value = lanyard_provider_config_get (config, "display_name");
  priv->display_name = g_strdup (value != NULL ? value : klass->default_display_name);

  value = lanyard_provider_config_get (config, "scopes");
  priv->scopes = parse_scopes (value != NULL ? value : klass->default_scopes);

  priv->client_id = g_strdup (lanyard_provider_config_get (config, "client_id"));

  priv->clock_skew = LANYARD_ID_TOKEN_SKEW_SECONDS;
  value = lanyard_provider_config_get (config, "clock_skew");
  if (value != NULL)
    {
      guint64 skew;

      if (!g_ascii_string_to_unsigned (value, 10, 0, LANYARD_ID_TOKEN_MAX_SKEW_SECONDS, &skew, NULL))
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                       _ ("“clock_skew” must be a number of seconds from 0 to %d, not “%s”"),
                       LANYARD_ID_TOKEN_MAX_SKEW_SECONDS, value);
          return FALSE;
        }
      priv->clock_skew = (gint64) skew;
    }
  priv->client_secret = g_strdup (lanyard_provider_config_get (config, "client_secret"));

  /* For servers that compare the whole redirect URI, port included. */
  value = lanyard_provider_config_get (config, "redirect_port");
  if (value != NULL)
    {
      guint64 port;

      if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT16, &port, NULL))
        {
          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                       _ ("“redirect_port” must be a port number from 1 to 65535, not “%s”"), value);
          return FALSE;
        }
      priv->redirect_port = (guint) port;
    }

  value = lanyard_provider_config_get (config, "store_tokens");
  if (value != NULL && !g_str_equal (value, "true") && !g_str_equal (value, "false"))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“store_tokens” must be true or false, not “%s”"), value);
      return FALSE;
    }
  priv->store_tokens = g_strcmp0 (value, "false") != 0;

  /* The device authorization grant (RFC 8628): `true`, `false`, or
   * `only` for a client that can do nothing else (Google's "TVs and
   * Limited Input devices" type). Unset, the type decides. */
  priv->device_default = klass->device_flow_default;
  priv->device_url_known = TRUE;
  value = lanyard_provider_config_get (config, "device_flow");
  if (value != NULL)
    {
      if (g_str_equal (value, "true"))
        priv->device_setting = DEVICE_SETTING_ON;
      else if (g_str_equal (value, "false"))
        priv->device_setting = DEVICE_SETTING_OFF;
      else if (g_str_equal (value, "only"))
        priv->device_setting = DEVICE_SETTING_ONLY;
      else
        {
          g_autofree char *shown = g_utf8_make_valid (value, MIN (strlen (value), 64));

          g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                       _ ("“device_flow” must be “true”, “false” or “only”, not “%s”"), shown);
          return FALSE;
        }
    }

  if (!klass->configure (self, config, error))
    return FALSE;

  /* Claims are OpenID Connect's: only where the ID token or userinfo
   * says them. */
  if (lanyard_provider_get_uses_nonce (self) && !read_claim_rules (self, config, error))
    return FALSE;

  if (priv->device_setting == DEVICE_SETTING_ONLY && priv->device_url_known &&
      priv->device_authorization_url == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“device_flow=only”, but %s has no device authorization endpoint to sign in with"),
                   priv->display_name);
      return FALSE;
    }
  if (priv->device_setting == DEVICE_SETTING_ONLY && priv->device_problem != NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED, "%s", priv->device_problem);
      return FALSE;
    }

  /* The demo provider sets its own client id in configure(). */
  if (priv->client_id == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“client_id” is missing; register an application with %s and set its client ID"),
                   priv->display_name);
      return FALSE;
    }

  if (klass->secret_policy == LANYARD_SECRET_REQUIRED && priv->client_secret == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“client_secret” is missing; %s requires the client secret of the registered application"),
                   priv->display_name);
      return FALSE;
    }

  if (klass->secret_policy == LANYARD_SECRET_FORBIDDEN && priv->client_secret != NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   _ ("“client_secret” must not be set; %s refuses a secret from a desktop (public client) application"),
                   priv->display_name);
      return FALSE;
    }

  return lanyard_provider_config_check_unused (config, error);
}

const char *
lanyard_provider_get_id (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  return priv->id;
}

const char *
lanyard_provider_get_type_name (LanyardProvider *self)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  return LANYARD_PROVIDER_GET_CLASS (self)->type_name;
}

const char *
lanyard_provider_get_display_name (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  return priv->display_name;
}

const char *
lanyard_provider_get_client_id (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  return priv->client_id;
}

const char *const *
lanyard_provider_get_scopes (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  return (const char *const *) priv->scopes;
}

/**
 * lanyard_provider_get_issuer:
 *
 * Returns: (nullable): the authorization server's issuer identifier, known
 *   for OpenID Connect providers after prepare
 */
const char *
lanyard_provider_get_issuer (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  return priv->issuer;
}

/**
 * lanyard_provider_get_iss_parameter_supported:
 *
 * Returns: whether the server advertises RFC 9207 `iss` in authorization
 *   responses, in which case a response without it is refused
 */
gboolean
lanyard_provider_get_iss_parameter_supported (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), FALSE);
  return priv->iss_parameter_supported;
}

LanyardBrowserPolicy
lanyard_provider_get_browser_policy (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), LANYARD_BROWSER_POLICY_ANY);
  return priv->browser_policy;
}

/**
 * lanyard_provider_get_redirect_host:
 *
 * Returns: the host written in the redirect URI: `127.0.0.1` (RFC 8252
 *   §7.3), or `localhost` where the provider ignores the port only for that
 *   name (Microsoft)
 */
const char *
lanyard_provider_get_redirect_host (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  return priv->redirect_host;
}

/**
 * lanyard_provider_dup_redirect_path:
 *
 * A distinct callback path per provider instance, so that a redirect meant
 * for one provider can never complete another's flow (RFC 9700 §4.4.2).
 * Register `http://127.0.0.1/callback/ID` (or `http://localhost/…` for
 * Microsoft) with the provider.
 */
char *
lanyard_provider_dup_redirect_path (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  return g_strconcat ("/callback/", priv->id, NULL);
}

/**
 * lanyard_provider_get_redirect_port:
 *
 * Returns: the loopback port every sign-in listens on (`redirect_port=`),
 *   or 0 for any free port (RFC 8252 §7.3)
 */
guint
lanyard_provider_get_redirect_port (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), 0);
  return priv->redirect_port;
}

gboolean
lanyard_provider_get_is_demo (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), FALSE);
  return priv->is_demo;
}

/**
 * lanyard_provider_get_uses_nonce:
 *
 * Returns: whether sign-ins send an OpenID Connect `nonce`: when `openid`
 *   is among the scopes
 */
gboolean
lanyard_provider_get_uses_nonce (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), FALSE);
  return g_strv_contains ((const char *const *) priv->scopes, "openid");
}

/**
 * lanyard_provider_can_revoke:
 *
 * Returns: whether unlinking can revoke the token at the provider
 */
gboolean
lanyard_provider_can_revoke (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), FALSE);
  return priv->revocation_url != NULL ||
    LANYARD_PROVIDER_GET_CLASS (self)->revoke_async != lanyard_provider_real_revoke_async;
}

SoupSession *
lanyard_provider_get_session (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  return priv->session;
}

void
_lanyard_provider_set_endpoints (LanyardProvider *self,
                                 const char      *authorize_url,
                                 const char      *token_url,
                                 const char      *userinfo_url,
                                 const char      *revocation_url)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  set_str (&priv->authorize_url, authorize_url);
  set_str (&priv->token_url, token_url);
  set_str (&priv->userinfo_url, userinfo_url);
  set_str (&priv->revocation_url, revocation_url);
}

/**
 * _lanyard_provider_set_device_authorization_url:
 * @url: (nullable): the device authorization endpoint (RFC 8628 §3.1)
 * @known: %FALSE while it is not known whether the provider has one (an
 *   OpenID provider before its discovery document was read)
 */
void
_lanyard_provider_set_device_authorization_url (LanyardProvider *self,
                                                const char      *url,
                                                gboolean         known)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  set_str (&priv->device_authorization_url, url);
  priv->device_url_known = known;
}

void
_lanyard_provider_set_device_flow_default (LanyardProvider *self,
                                           gboolean         offered)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  priv->device_default = offered;
}

/**
 * _lanyard_provider_set_device_problem:
 * @problem: (nullable): why the device grant cannot work with this
 *   configuration (Google: a scope it does not allow there)
 */
void
_lanyard_provider_set_device_problem (LanyardProvider *self,
                                      const char      *problem)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  set_str (&priv->device_problem, problem);
}

/**
 * lanyard_provider_supports_grant:
 * @problem: (out) (optional) (transfer full): why not, in words, when it
 *   does not
 *
 * Whether a sign-in with @grant can work with this configuration. For an
 * OpenID provider whose discovery document was not read yet, the device
 * grant counts as possible; the sign-in reads the document and says so
 * when it has no `device_authorization_endpoint`.
 */
gboolean
lanyard_provider_supports_grant (LanyardProvider *self,
                                 LanyardGrant     grant,
                                 char           **problem)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  LanyardProviderClass   *klass = LANYARD_PROVIDER_GET_CLASS (self);
  char                   *why = NULL;

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), FALSE);

  if (grant == LANYARD_GRANT_AUTHORIZATION_CODE)
    {
      if (priv->device_setting == DEVICE_SETTING_ONLY)
        why = g_strdup_printf (_ ("%s is set up for signing in on another device only (“device_flow=only”)."),
                               priv->display_name);
    }
  else if (priv->device_setting == DEVICE_SETTING_OFF)
    why = g_strdup_printf (_ ("Signing in on another device is turned off for %s (“device_flow=false”)."),
                           priv->display_name);
  else if (priv->device_setting == DEVICE_SETTING_UNSET && !priv->device_default)
    why = g_strdup_printf (_ ("Signing in on another device is not turned on for %s. %s"), priv->display_name,
                           klass->device_flow_hint != NULL ? _ (klass->device_flow_hint)
                                                           : _ ("Set “device_flow=true” if the provider offers it."));
  else if (priv->device_problem != NULL)
    why = g_strdup (priv->device_problem);
  else if (priv->device_url_known && priv->device_authorization_url == NULL)
    why = g_strdup_printf (_ ("%s does not offer signing in on another device (it has no device authorization endpoint)."),
                           priv->display_name);

  if (problem != NULL)
    *problem = why;
  else
    g_free (why);
  return why == NULL;
}

void
_lanyard_provider_set_jwks_uri (LanyardProvider *self,
                                const char      *jwks_uri)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  set_str (&priv->jwks_uri, jwks_uri);
}

/**
 * lanyard_provider_set_jwks_cache:
 *
 * Where the provider keeps its issuer's signing keys; set by the registry,
 * shared by all providers.
 */
void
lanyard_provider_set_jwks_cache (LanyardProvider  *self,
                                 LanyardJwksCache *cache)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_if_fail (LANYARD_IS_PROVIDER (self));
  g_set_object (&priv->jwks_cache, cache);
}

void
_lanyard_provider_set_issuer (LanyardProvider *self,
                              const char      *issuer,
                              gboolean         iss_parameter_supported)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  set_str (&priv->issuer, issuer);
  priv->iss_parameter_supported = !!iss_parameter_supported;
}

void
_lanyard_provider_set_browser_policy (LanyardProvider     *self,
                                      LanyardBrowserPolicy policy)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  priv->browser_policy = policy;
}

void
_lanyard_provider_set_redirect_host (LanyardProvider *self,
                                     const char      *host)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  set_str (&priv->redirect_host, host);
}

void
_lanyard_provider_set_is_demo (LanyardProvider *self,
                               gboolean         is_demo)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  priv->is_demo = !!is_demo;
}

void
_lanyard_provider_set_display_name (LanyardProvider *self,
                                    const char      *display_name)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  set_str (&priv->display_name, display_name);
}

void
_lanyard_provider_set_client_id (LanyardProvider *self,
                                 const char      *client_id)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  set_str (&priv->client_id, client_id);
}

const char *
_lanyard_provider_get_client_secret (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  return priv->client_secret;
}

const char *
_lanyard_provider_get_userinfo_url (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  return priv->userinfo_url;
}

/**
 * _lanyard_provider_set_revoke_page:
 * @page: (nullable): where a person revokes Lanyard's access by hand,
 *   said in a message: a URL, or URLs with words around them
 */
void
_lanyard_provider_set_revoke_page (LanyardProvider *self,
                                   const char      *page)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  set_str (&priv->revoke_page, page);
}

/**
 * lanyard_provider_get_revoke_page:
 *
 * Returns: (nullable): where a person can revoke Lanyard's access by hand
 *   (a URL, possibly with words), when the provider has such a page
 */
const char *
lanyard_provider_get_revoke_page (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  return priv->revoke_page;
}

/**
 * _lanyard_provider_set_web_url:
 * @url: (nullable): the provider's web address, where it serves git
 *   repositories over HTTPS (GitHub, GitLab); %NULL for others
 */
void
_lanyard_provider_set_web_url (LanyardProvider *self,
                               const char      *url)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  set_str (&priv->web_url, url);
}

/**
 * lanyard_provider_get_web_url:
 *
 * Returns: (nullable): the provider's web address, where it serves git
 *   repositories (`https://github.com`, a GitLab's base URL), for
 *   git-credential-lanyard; %NULL for providers that serve none
 */
const char *
lanyard_provider_get_web_url (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  return priv->web_url;
}

const char *
_lanyard_provider_get_revocation_url (LanyardProvider *self)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);

  return priv->revocation_url;
}

/**
 * _lanyard_provider_identity_from_claims:
 * @claims: OpenID Connect standard claims (userinfo or ID token)
 * @username_claim: the claim that holds the user name (`nickname` at
 *   GitLab, `preferred_username` elsewhere)
 *
 * The account id is `sub`, which OIDC Core §5.7 makes the only stable key.
 */
LanyardIdentity *
_lanyard_provider_identity_from_claims (LanyardProvider *self,
                                        JsonObject      *claims,
                                        const char      *username_claim,
                                        GError         **error)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  g_autofree char        *sub = lanyard_json_dup_id (claims, "sub");
  const char             *username;

  if (sub == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   _ ("%s described the account without a usable subject (“sub”: missing, too long, or with control characters); the sign-in was refused"),
                   priv->display_name);
      return NULL;
    }

  /* The provider's own claim first, then the other standard ones (OIDC
   * Core §5.1); lanyard_identity_new() falls back to the e-mail and the
   * name. */
  username = lanyard_json_get_string (claims, username_claim);
  if (username == NULL)
    username = lanyard_json_get_string (claims, "preferred_username");
  if (username == NULL)
    username = lanyard_json_get_string (claims, "nickname");

  return lanyard_identity_new (priv->id, sub, username,
                               lanyard_json_get_string (claims, "name"),
                               lanyard_json_get_string (claims, "email"),
                               lanyard_json_get_string (claims, "picture"));
}

/**
 * _lanyard_provider_join_url:
 *
 * Appends @path to @base, with exactly one slash between them.
 */
char *
_lanyard_provider_join_url (const char *base,
                            const char *path)
{
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    len--;
  while (*path == '/')
    path++;

  return g_strdup_printf ("%.*s/%s", (int) len, base, path);
}

static void
get_json_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardProvider *self = g_task_get_source_object (task);
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize       len;
  const char *data;

  reply = lanyard_http_send_finish (result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!lanyard_http_check_reply (reply, NULL, lanyard_provider_get_display_name (self), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_bytes_get_data (reply->body, &len);
  root = lanyard_json_parse (data, len, &error);
  if (root == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                               _ ("%s sent an answer Lanyard cannot read: %s"),
                               lanyard_provider_get_display_name (self), error->message);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&root), (GDestroyNotify) json_node_unref);
}

/**
 * _lanyard_provider_get_json_async:
 * @tokens: (nullable): when set, the request carries its access token
 *
 * GETs a JSON document (userinfo, discovery, e-mail list).
 */
void
_lanyard_provider_get_json_async (LanyardProvider    *self,
                                  const char         *url,
                                  LanyardTokenSet    *tokens,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;

  g_task_set_source_tag (task, _lanyard_provider_get_json_async);

  message = soup_message_new (SOUP_METHOD_GET, url);
  if (message == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                               _ ("%s: “%s” is not a usable URL"), priv->display_name, url);
      return;
    }

  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (tokens != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", lanyard_token_set_get_access_token (tokens), NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
      memset (authorization, 0, strlen (authorization));
    }

  lanyard_http_send_async (priv->session, message, priv->display_name, cancellable,
                           get_json_cb, g_steal_pointer (&task));
}

JsonNode *
_lanyard_provider_get_json_finish (LanyardProvider *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
lanyard_provider_prepare_async (LanyardProvider    *self,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_return_if_fail (LANYARD_IS_PROVIDER (self));
  LANYARD_PROVIDER_GET_CLASS (self)->prepare_async (self, cancellable, callback, user_data);
}

gboolean
lanyard_provider_prepare_finish (LanyardProvider *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), FALSE);
  return LANYARD_PROVIDER_GET_CLASS (self)->prepare_finish (self, result, error);
}

/**
 * lanyard_provider_build_authorize_url:
 * @nonce: (nullable): the OpenID Connect nonce
 * @login_hint: (nullable): the account to sign in as (its login or
 *   e-mail), sent where the provider takes one
 *   (#LanyardProviderClass.login_hint_param) and left out elsewhere
 *
 * Builds the authorization request (RFC 6749 §4.1.1 with PKCE S256, RFC
 * 7636 §4.3). Only valid after a successful prepare.
 *
 * Returns: (transfer full): the URL to open in a browser
 */
char *
lanyard_provider_build_authorize_url (LanyardProvider *self,
                                      const char      *redirect_uri,
                                      const char      *state,
                                      const char      *code_challenge,
                                      const char      *nonce,
                                      const char      *login_hint)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  LanyardProviderClass   *klass;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *query = NULL;
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *existing_query;

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (priv->authorize_url != NULL, NULL);

  klass = LANYARD_PROVIDER_GET_CLASS (self);
  scope = g_strjoinv (" ", priv->scopes);

  params = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (params, (char *) "response_type", g_strdup ("code"));
  g_hash_table_insert (params, (char *) "client_id", g_strdup (priv->client_id));
  g_hash_table_insert (params, (char *) "redirect_uri", g_strdup (redirect_uri));
  g_hash_table_insert (params, (char *) "state", g_strdup (state));
  g_hash_table_insert (params, (char *) "code_challenge", g_strdup (code_challenge));
  g_hash_table_insert (params, (char *) "code_challenge_method", g_strdup ("S256"));
  if (scope[0] != '\0')
    g_hash_table_insert (params, (char *) "scope", g_strdup (scope));
  if (nonce != NULL)
    g_hash_table_insert (params, (char *) "nonce", g_strdup (nonce));
  if (login_hint != NULL && login_hint[0] != '\0' && klass->login_hint_param != NULL)
    g_hash_table_insert (params, (char *) klass->login_hint_param, g_strdup (login_hint));
  if (klass->add_authorize_params != NULL)
    klass->add_authorize_params (self, params);

  query = soup_form_encode_hash (params);

  /* Keep a query the configured endpoint already has (some servers put
   * tenant or policy parameters there). */
  base = g_uri_parse (priv->authorize_url, G_URI_FLAGS_ENCODED, NULL);
  g_return_val_if_fail (base != NULL, NULL);
  existing_query = g_uri_get_query (base);
  if (existing_query != NULL && existing_query[0] != '\0')
    {
      char *joined = g_strconcat (existing_query, "&", query, NULL);
      g_free (query);
      query = joined;
    }

  uri = soup_uri_copy (base, SOUP_URI_QUERY, query, SOUP_URI_NONE);
  return g_uri_to_string (uri);
}

typedef struct
{
  LanyardTokenSet  *previous;
  LanyardTokenSet  *result;
  gboolean          device; /* a device grant's poll (RFC 8628 §3.4) */
  LanyardDevicePoll poll;
} TokenRequestData;

static void
token_request_data_free (TokenRequestData *data)
{
  g_clear_object (&data->previous);
  g_clear_object (&data->result);
  g_free (data);
}

static void
refreshed_id_token_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TokenRequestData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(GError) error = NULL;

  claims = _lanyard_provider_validate_id_token_finish (LANYARD_PROVIDER (object), result, &error);
  if (claims == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&data->result), g_object_unref);
}

static void
token_request_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardProvider  *self = g_task_get_source_object (task);
  TokenRequestData *data = g_task_get_task_data (task);
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(LanyardTokenSet) tokens = NULL;
  const char *name = lanyard_provider_get_display_name (self);

  reply = lanyard_http_send_finish (result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fields = lanyard_http_parse_fields (reply->content_type, reply->body, &parse_error);

  /* RFC 8628 §3.5: the answers that keep a device sign-in going, and the
   * one that ends it for lack of time, in words of its own. */
  if (data->device && fields != NULL && g_hash_table_lookup (fields, "error") != NULL)
    {
      const char *code = g_hash_table_lookup (fields, "error");

      if (g_str_equal (code, "authorization_pending") || g_str_equal (code, "slow_down"))
        {
          data->poll = g_str_equal (code, "slow_down") ? LANYARD_DEVICE_POLL_SLOW_DOWN : LANYARD_DEVICE_POLL_PENDING;
          g_task_return_pointer (task, NULL, NULL);
          return;
        }
      if (g_str_equal (code, "expired_token"))
        {
          g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_TIMED_OUT,
                                   _ ("The code for signing in to %s expired before the sign-in was approved. "
                                      "Start again for a new code."),
                                   name);
          return;
        }
      if (g_str_equal (code, "access_denied"))
        {
          g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_ACCESS_DENIED,
                                   _ ("The sign-in to %s was declined on the other device. Start again and approve it "
                                      "to link this account."),
                                   name);
          return;
        }
    }

  /* A refresh refused with 400 or 401 and an empty body, or a body that
   * names no OAuth error (glewlwyd, for a revoked or expired refresh
   * token): the grant is gone, as with invalid_grant. Trying again would
   * get the same answer. A body that cannot be read (a proxy's HTML page)
   * says nothing of the grant, and goes the usual way. */
  if (data->previous != NULL && (reply->status == 400 || reply->status == 401) &&
      (fields != NULL ? g_hash_table_lookup (fields, "error") == NULL
                      : reply->body == NULL || g_bytes_get_size (reply->body) == 0))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT,
                               _ ("%s refused to renew the sign-in (HTTP %u %s) without saying why: "
                                  "the sign-in has ended there (expired or revoked). Sign in again."),
                               name, reply->status, soup_status_get_phrase (reply->status));
      return;
    }

  if (!lanyard_http_check_reply (reply, fields, name, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (fields == NULL && g_error_matches (parse_error, LANYARD_ERROR, LANYARD_ERROR_SERVER))
    {
      /* A success status with nothing in it: a fault at the server, and
       * one that may pass, so a refresh tries again later. */
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_SERVER,
                               _ ("%s's token endpoint sent an empty answer, so no new tokens were received. "
                                  "The problem is on %s's side; try again later."),
                               name, name);
      return;
    }

  if (fields == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                               _ ("%s's token endpoint sent an unreadable answer: %s"),
                               name, parse_error->message);
      return;
    }

  tokens = lanyard_token_set_new_from_fields (fields, g_get_real_time () / G_USEC_PER_SEC, &error);
  if (tokens == NULL)
    {
      g_prefix_error (&error, _ ("%s: "), name);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (data->previous == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&tokens), g_object_unref);
      return;
    }

  data->result = lanyard_token_set_merge_refresh (data->previous, tokens);

  /* A renewed ID token is verified like the first, and must name the same
   * subject (OIDC Core §12.2). */
  if (lanyard_provider_get_uses_nonce (self) &&
      lanyard_token_set_get_id_token (tokens) != NULL &&
      g_strcmp0 (lanyard_token_set_get_id_token (tokens), lanyard_token_set_get_id_token (data->previous)) != 0)
    {
      _lanyard_provider_validate_id_token_async (self, lanyard_token_set_get_id_token (tokens), NULL,
                                                 lanyard_token_set_get_id_token (data->previous),
                                                 g_task_get_cancellable (task), refreshed_id_token_cb,
                                                 g_object_ref (task));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&data->result), g_object_unref);
}

static void
send_token_request (LanyardProvider *self,
                    GHashTable      *params,
                    LanyardTokenSet *previous,
                    GTask           *task)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  g_autoptr(SoupMessage) message = NULL;
  TokenRequestData *data = g_new0 (TokenRequestData, 1);

  data->previous = previous != NULL ? g_object_ref (previous) : NULL;
  data->device = g_task_get_source_tag (task) == lanyard_provider_poll_device_token_async;
  g_task_set_task_data (task, data, (GDestroyNotify) token_request_data_free);

  /* Client authentication in the body (client_secret_post): every provider
   * Lanyard supports accepts it, and it keeps the code path single. */
  g_hash_table_insert (params, (char *) "client_id", priv->client_id);
  if (priv->client_secret != NULL)
    g_hash_table_insert (params, (char *) "client_secret", priv->client_secret);

  message = lanyard_http_new_form_post (priv->token_url, params);
  lanyard_http_send_async (priv->session, message, priv->display_name,
                           g_task_get_cancellable (task), token_request_cb, task);
}

/**
 * lanyard_provider_exchange_code_async:
 *
 * Exchanges an authorization code for tokens (RFC 6749 §4.1.3, with the PKCE
 * verifier of RFC 7636 §4.5).
 */
void
lanyard_provider_exchange_code_async (LanyardProvider    *self,
                                      const char         *code,
                                      const char         *code_verifier,
                                      const char         *redirect_uri,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data)
{
  g_autoptr(GHashTable) params = NULL;
  GTask *task;

  g_return_if_fail (LANYARD_IS_PROVIDER (self));
  g_return_if_fail (code != NULL && code_verifier != NULL && redirect_uri != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_provider_exchange_code_async);

  params = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (params, (char *) "grant_type", (char *) "authorization_code");
  g_hash_table_insert (params, (char *) "code", (char *) code);
  g_hash_table_insert (params, (char *) "redirect_uri", (char *) redirect_uri);
  g_hash_table_insert (params, (char *) "code_verifier", (char *) code_verifier);

  send_token_request (self, params, NULL, task);
}

/**
 * lanyard_provider_exchange_code_finish:
 *
 * Returns: (transfer full): the tokens
 */
LanyardTokenSet *
lanyard_provider_exchange_code_finish (LanyardProvider *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * lanyard_provider_refresh_async:
 * @tokens: the current tokens, with a refresh token
 *
 * RFC 6749 §6. The result keeps the old refresh token when the provider
 * does not rotate it.
 */
static void
refresh_prepared_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  LanyardProvider *self = LANYARD_PROVIDER (object);
  GTask           *task = user_data;
  LanyardTokenSet *tokens = g_task_get_task_data (task);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;

  if (!lanyard_provider_prepare_finish (self, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  params = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (params, (char *) "grant_type", (char *) "refresh_token");
  g_hash_table_insert (params, (char *) "refresh_token", (char *) lanyard_token_set_get_refresh_token (tokens));
  send_token_request (self, params, tokens, task);
}

void
lanyard_provider_refresh_async (LanyardProvider    *self,
                                LanyardTokenSet    *tokens,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  const char             *refresh_token;
  GTask                  *task;

  g_return_if_fail (LANYARD_IS_PROVIDER (self));
  g_return_if_fail (LANYARD_IS_TOKEN_SET (tokens));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_provider_refresh_async);

  refresh_token = lanyard_token_set_get_refresh_token (tokens);
  if (refresh_token == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_INVALID_GRANT,
                               _ ("%s gave no refresh token for this account; sign in again to renew access"),
                               priv->display_name);
      g_object_unref (task);
      return;
    }

  /* The endpoints first: an OpenID provider learns them from discovery,
   * which no sign-in may have fetched since the daemon started (or since
   * a server added by its address was registered again). */
  g_task_set_task_data (task, g_object_ref (tokens), g_object_unref);
  lanyard_provider_prepare_async (self, cancellable, refresh_prepared_cb, task);
}

/**
 * lanyard_provider_refresh_finish:
 *
 * Returns: (transfer full): the tokens to store, before they are used
 */
LanyardTokenSet *
lanyard_provider_refresh_finish (LanyardProvider *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
check_access_token_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = _lanyard_provider_get_json_finish (LANYARD_PROVIDER (object), result, &error);
  if (answer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * lanyard_provider_check_access_token_async:
 * @tokens: the tokens whose access token to check
 *
 * Asks the provider's userinfo endpoint whether it still accepts the
 * access token, and nothing more: no ID token is looked at (a stored one
 * has expired long ago), no identity made. A refusal (HTTP 401) is
 * %LANYARD_ERROR_INVALID_GRANT; a provider without a userinfo endpoint
 * cannot be asked (%LANYARD_ERROR_NOT_SUPPORTED).
 */
void
lanyard_provider_check_access_token_async (LanyardProvider    *self,
                                           LanyardTokenSet    *tokens,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  GTask                  *task;

  g_return_if_fail (LANYARD_IS_PROVIDER (self));
  g_return_if_fail (LANYARD_IS_TOKEN_SET (tokens));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_provider_check_access_token_async);
  if (priv->userinfo_url == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED,
                               _ ("%s offers no way to check an access token"), priv->display_name);
      g_object_unref (task);
      return;
    }
  _lanyard_provider_get_json_async (self, priv->userinfo_url, tokens, cancellable, check_access_token_cb, task);
}

/**
 * lanyard_provider_check_access_token_finish:
 *
 * Returns: %TRUE when the provider accepts the access token
 */
gboolean
lanyard_provider_check_access_token_finish (LanyardProvider *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * lanyard_provider_fetch_identity_async:
 * @nonce: (nullable): the flow's nonce, checked against an ID token
 */
void
lanyard_provider_fetch_identity_async (LanyardProvider    *self,
                                       LanyardTokenSet    *tokens,
                                       const char         *nonce,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data)
{
  g_return_if_fail (LANYARD_IS_PROVIDER (self));
  g_return_if_fail (LANYARD_IS_TOKEN_SET (tokens));

  LANYARD_PROVIDER_GET_CLASS (self)->fetch_identity_async (self, tokens, nonce, cancellable,
                                                           callback, user_data);
}

/**
 * lanyard_provider_fetch_identity_finish:
 *
 * Returns: (transfer full): who signed in
 */
LanyardIdentity *
lanyard_provider_fetch_identity_finish (LanyardProvider *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_autoptr(LanyardIdentity) identity = NULL;

  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), NULL);

  identity = LANYARD_PROVIDER_GET_CLASS (self)->fetch_identity_finish (self, result, error);
  /* The demo avatar's stored form is the demo provider's alone: sent by
   * any other provider, it would make the daemon start the demo server to
   * show it. Every provider's identity comes through here. */
  if (identity != NULL && !lanyard_provider_get_is_demo (self) &&
      lanyard_demo_avatar_is_stored (lanyard_identity_get_avatar_url (identity)))
    {
      LanyardIdentity *cleaned = lanyard_identity_new (lanyard_identity_get_provider_id (identity),
                                                       lanyard_identity_get_account_id (identity),
                                                       lanyard_identity_get_username (identity),
                                                       lanyard_identity_get_display_name (identity),
                                                       lanyard_identity_get_email (identity), NULL);

      lanyard_identity_set_orgs (cleaned, lanyard_identity_get_orgs (identity));
      return cleaned;
    }
  return g_steal_pointer (&identity);
}

void
lanyard_provider_revoke_async (LanyardProvider    *self,
                               LanyardTokenSet    *tokens,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_return_if_fail (LANYARD_IS_PROVIDER (self));
  g_return_if_fail (LANYARD_IS_TOKEN_SET (tokens));

  LANYARD_PROVIDER_GET_CLASS (self)->revoke_async (self, tokens, cancellable, callback, user_data);
}

/**
 * lanyard_provider_revoke_finish:
 *
 * Returns: %TRUE when the provider revoked the grant; a
 *   %LANYARD_ERROR_NOT_SUPPORTED error when it cannot
 */
gboolean
lanyard_provider_revoke_finish (LanyardProvider *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (LANYARD_IS_PROVIDER (self), FALSE);
  return LANYARD_PROVIDER_GET_CLASS (self)->revoke_finish (self, result, error);
}

/**
 * lanyard_provider_recheck_async:
 * @tokens: the account's tokens, just renewed
 *
 * Who @tokens belong to now, with the organisations the provider says
 * today, checked against the administrator's rules again (membership can
 * end). An OpenID provider is asked at its userinfo endpoint, as the ID
 * token of a sign-in is not renewed everywhere; the error is
 * %LANYARD_ERROR_ACCESS_DENIED when the account no longer qualifies.
 */
void
lanyard_provider_recheck_async (LanyardProvider    *self,
                                LanyardTokenSet    *tokens,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  LanyardProviderClass   *klass = LANYARD_PROVIDER_GET_CLASS (self);
  g_autoptr(GTask) task = NULL;
  IdentityData *data;

  g_return_if_fail (LANYARD_IS_PROVIDER (self));
  g_return_if_fail (LANYARD_IS_TOKEN_SET (tokens));

  /* A provider of its own dialect (GitHub) reads its identity anew. */
  if (klass->fetch_identity_async != lanyard_provider_real_fetch_identity_async || priv->userinfo_url == NULL)
    {
      klass->fetch_identity_async (self, tokens, NULL, cancellable, callback, user_data);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_provider_real_fetch_identity_async);
  data = g_new0 (IdentityData, 1);
  data->tokens = g_object_ref (tokens);
  g_task_set_task_data (task, data, (GDestroyNotify) identity_data_free);
  _lanyard_provider_get_json_async (self, priv->userinfo_url, tokens, cancellable, fetch_userinfo_cb, g_steal_pointer (&task));
}

LanyardIdentity *
lanyard_provider_recheck_finish (LanyardProvider *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  return lanyard_provider_fetch_identity_finish (self, result, error);
}

static void
device_authorization_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardProvider *self = g_task_get_source_object (task);
  const char      *name = lanyard_provider_get_display_name (self);
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) parse_error = NULL;
  LanyardDeviceAuthorization *authorization;
  const char                 *oauth_error;

  reply = lanyard_http_send_finish (result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fields = lanyard_http_parse_fields (reply->content_type, reply->body, &parse_error);
  oauth_error = fields != NULL ? g_hash_table_lookup (fields, "error") : NULL;

  /* GitHub's word, with status 200, for an app whose settings do not
   * allow it. */
  if (g_strcmp0 (oauth_error, "device_flow_disabled") == 0)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                               _ ("%s does not allow this application to sign in on another device. Turn on “Enable Device "
                                  "Flow” in the OAuth app's settings at %s, or set “device_flow=false”."),
                               name, name);
      return;
    }
  if (!lanyard_http_check_reply (reply, fields, name, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (fields == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                               _ ("%s's answer to the request for a sign-in code is unreadable: %s"),
                               name, parse_error->message);
      return;
    }

  authorization = lanyard_device_authorization_parse (fields, name, &error);
  if (authorization == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, authorization, (GDestroyNotify) lanyard_device_authorization_free);
}

/**
 * lanyard_provider_request_device_authorization_async:
 *
 * Asks the device authorization endpoint for a device code and a user code
 * (RFC 8628 §3.1), with the client id and the configured scopes. The
 * answer is bounded (%LANYARD_HTTP_MAX_BODY, the JSON limits) and every
 * member checked (lanyard_device_authorization_parse()).
 */
void
lanyard_provider_request_device_authorization_async (LanyardProvider    *self,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data)
{
  LanyardProviderPrivate *priv = lanyard_provider_get_instance_private (self);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *problem = NULL;

  g_return_if_fail (LANYARD_IS_PROVIDER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_provider_request_device_authorization_async);

  if (!lanyard_provider_supports_grant (self, LANYARD_GRANT_DEVICE, &problem))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED, "%s", problem);
      return;
    }
  if (priv->device_authorization_url == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED,
                               _ ("%s does not offer signing in on another device (it has no device authorization endpoint)."),
                               priv->display_name);
      return;
    }

  /* No client secret here: RFC 8628 §3.1 asks for client authentication
   * only of confidential clients, and none of the providers wants it at
   * this endpoint (Google takes it at the token endpoint). */
  scope = g_strjoinv (" ", priv->scopes);
  params = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (params, (char *) "client_id", priv->client_id);
  if (scope[0] != '\0')
    g_hash_table_insert (params, (char *) "scope", scope);

  message = lanyard_http_new_form_post (priv->device_authorization_url, params);
  lanyard_http_send_async (priv->session, message, priv->display_name, cancellable,
                           device_authorization_cb, g_steal_pointer (&task));
}

/**
 * lanyard_provider_request_device_authorization_finish:
 *
 * Returns: (transfer full): the codes and where the person enters them
 */
LanyardDeviceAuthorization *
lanyard_provider_request_device_authorization_finish (LanyardProvider *self,
                                                      GAsyncResult    *result,
                                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * lanyard_provider_poll_device_token_async:
 * @device_code: from the device authorization answer
 *
 * One poll of the token endpoint (RFC 8628 §3.4). The caller keeps the
 * interval (#LanyardDeviceGrant).
 */
void
lanyard_provider_poll_device_token_async (LanyardProvider    *self,
                                          const char         *device_code,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data)
{
  g_autoptr(GHashTable) params = NULL;
  GTask *task;

  g_return_if_fail (LANYARD_IS_PROVIDER (self));
  g_return_if_fail (device_code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lanyard_provider_poll_device_token_async);

  params = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (params, (char *) "grant_type", (char *) "urn:ietf:params:oauth:grant-type:device_code");
  g_hash_table_insert (params, (char *) "device_code", (char *) device_code);

  send_token_request (self, params, NULL, task);
}

/**
 * lanyard_provider_poll_device_token_finish:
 * @poll: (out): whether the tokens came, or to ask again (and how fast)
 *
 * Returns: (transfer full) (nullable): the tokens when @poll is
 *   %LANYARD_DEVICE_POLL_APPROVED; %NULL without an error when the person
 *   has not answered yet; %NULL with an error when the sign-in is over
 *   (`access_denied`, `expired_token`, any other error)
 */
LanyardTokenSet *
lanyard_provider_poll_device_token_finish (LanyardProvider   *self,
                                           GAsyncResult      *result,
                                           LanyardDevicePoll *poll,
                                           GError           **error)
{
  TokenRequestData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  *poll = data != NULL ? data->poll : LANYARD_DEVICE_POLL_APPROVED;
  return g_task_propagate_pointer (G_TASK (result), error);
}
