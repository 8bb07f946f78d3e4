/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-account"

#include "lanyard-account.h"

#include <glib/gi18n.h>

#include "lanyard-demo-server.h"
#include "lanyard-error.h"
#include "lanyard-http.h"
#include "lanyard-provider-config.h"

#include <string.h>

/**
 * LanyardAccount:
 *
 * A linked account: who it is (kept up to date from the provider), when it
 * was linked and refreshed, whether it is the primary one, and whether it
 * needs the person's attention (sign in again). No token lives here: those
 * are in the Secret Service. This is what the accounts file holds, with
 * one thing it does not: whether the keyring could be used the last time
 * it was tried (#LanyardAccount:available).
 */
struct _LanyardAccount
{
  GObject parent_instance;

  LanyardIdentity *identity;
  gint64           linked_at;
  gint64           last_refresh;
  gint64           expires_at;
  char            *attention;
  GStrv            scopes; /* never NULL */
  gboolean         primary;
  gboolean         available;
  gboolean         identity_only; /* linked with store_tokens=false: no tokens kept */
  char            *demo_avatar_url; /* the stored demo avatar on this process's demo server */
};

enum
{
  PROP_0,
  PROP_USERNAME,
  PROP_DISPLAY_NAME,
  PROP_EMAIL,
  PROP_AVATAR_URL,
  PROP_PRIMARY,
  PROP_EXPIRES_AT,
  PROP_LAST_REFRESH,
  PROP_SCOPES,
  PROP_NEEDS_ATTENTION,
  PROP_ATTENTION_REASON,
  PROP_AVAILABLE,
  PROP_ORGS,
  PROP_IDENTITY_ONLY,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (LanyardAccount, lanyard_account, G_TYPE_OBJECT)

static void
lanyard_account_finalize (GObject *object)
{
  LanyardAccount *self = LANYARD_ACCOUNT (object);

  g_clear_object (&self->identity);
  g_free (self->demo_avatar_url);
  g_free (self->attention);
  g_strfreev (self->scopes);

  G_OBJECT_CLASS (lanyard_account_parent_class)->finalize (object);
}

static void
lanyard_account_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LanyardAccount *self = LANYARD_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_USERNAME: g_value_set_string (value, lanyard_account_get_username (self)); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, lanyard_account_get_display_name (self)); break;
    case PROP_EMAIL: g_value_set_string (value, lanyard_account_get_email (self)); break;
    case PROP_AVATAR_URL: g_value_set_string (value, lanyard_account_get_avatar_url (self)); break;
    case PROP_PRIMARY: g_value_set_boolean (value, self->primary); break;
    case PROP_EXPIRES_AT: g_value_set_int64 (value, self->expires_at); break;
    case PROP_LAST_REFRESH: g_value_set_int64 (value, self->last_refresh); break;
    case PROP_SCOPES: g_value_set_boxed (value, self->scopes); break;
    case PROP_NEEDS_ATTENTION: g_value_set_boolean (value, self->attention != NULL); break;
    case PROP_ATTENTION_REASON: g_value_set_string (value, self->attention); break;
    case PROP_AVAILABLE: g_value_set_boolean (value, self->available); break;
    case PROP_ORGS: g_value_set_boxed (value, lanyard_identity_get_orgs (self->identity)); break;
    case PROP_IDENTITY_ONLY: g_value_set_boolean (value, self->identity_only); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lanyard_account_class_init (LanyardAccountClass *klass)
{
  GObjectClass     *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lanyard_account_finalize;
  object_class->get_property = lanyard_account_get_property;

  props[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, flags);
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  props[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, flags);
  props[PROP_AVATAR_URL] = g_param_spec_string ("avatar-url", NULL, NULL, NULL, flags);
  props[PROP_PRIMARY] = g_param_spec_boolean ("primary", NULL, NULL, FALSE, flags);
  props[PROP_EXPIRES_AT] = g_param_spec_int64 ("expires-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_LAST_REFRESH] = g_param_spec_int64 ("last-refresh", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /**
   * LanyardAccount:scopes:
   *
   * The scopes the provider granted at the last sign-in or renewal, as
   * the token set said them (an empty list when it is not known).
   */
  props[PROP_SCOPES] = g_param_spec_boxed ("scopes", NULL, NULL, G_TYPE_STRV, flags);
  /**
   * LanyardAccount:needs-attention:
   *
   * Whether the person must sign in again (the grant is gone or the
   * tokens are missing); #LanyardAccount:attention-reason says why.
   */
  props[PROP_NEEDS_ATTENTION] = g_param_spec_boolean ("needs-attention", NULL, NULL, FALSE, flags);
  /**
   * LanyardAccount:attention-reason:
   *
   * Why the account needs the person (sign in again), or %NULL.
   */
  props[PROP_ATTENTION_REASON] = g_param_spec_string ("attention-reason", NULL, NULL, NULL, flags);
  /**
   * LanyardAccount:available:
   *
   * %FALSE while the keyring holding the account's tokens is locked or
   * gone: nothing is lost, and the account comes back by itself when the
   * keyring answers again. Not stored: every account starts available.
   */
  props[PROP_AVAILABLE] = g_param_spec_boolean ("available", NULL, NULL, TRUE, flags);
  /**
   * LanyardAccount:orgs:
   *
   * The organisations, groups or domain the provider said at the last
   * sign-in or check (lanyard_identity_get_orgs()).
   */
  props[PROP_ORGS] = g_param_spec_boxed ("orgs", NULL, NULL, G_TYPE_STRV, flags);
  /**
   * LanyardAccount:identity-only:
   *
   * Linked for who the person is only (`store_tokens=false`): no token is
   * kept, none can be handed out, nothing is renewed.
   */
  props[PROP_IDENTITY_ONLY] = g_param_spec_boolean ("identity-only", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lanyard_account_init (LanyardAccount *self)
{
  self->available = TRUE;
  self->scopes = g_new0 (char *, 1);
}

/**
 * lanyard_account_new_from_identity:
 * @linked_at: wall-clock seconds
 */
LanyardAccount *
lanyard_account_new_from_identity (LanyardIdentity *identity,
                                   gint64           linked_at)
{
  LanyardAccount *self;

  g_return_val_if_fail (LANYARD_IS_IDENTITY (identity), NULL);

  self = g_object_new (LANYARD_TYPE_ACCOUNT, NULL);
  self->identity = g_object_ref (identity);
  self->linked_at = linked_at;
  return self;
}

/**
 * lanyard_account_update_identity:
 *
 * The same account (provider, account id) signed in again: take the
 * provider's current user name, name, e-mail and avatar, and clear the
 * need for attention.
 */
void
lanyard_account_update_identity (LanyardAccount  *self,
                                 LanyardIdentity *identity)
{
  g_autoptr(LanyardIdentity) old = NULL;

  g_return_if_fail (LANYARD_IS_ACCOUNT (self));
  g_return_if_fail (g_strcmp0 (lanyard_identity_get_provider_id (identity), lanyard_account_get_provider_id (self)) == 0);
  g_return_if_fail (g_strcmp0 (lanyard_identity_get_account_id (identity), lanyard_account_get_account_id (self)) == 0);

  old = g_steal_pointer (&self->identity);
  self->identity = g_object_ref (identity);
  g_clear_pointer (&self->demo_avatar_url, g_free);

  if (g_strcmp0 (lanyard_identity_get_username (old), lanyard_identity_get_username (identity)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_USERNAME]);
  if (g_strcmp0 (lanyard_identity_get_display_name (old), lanyard_identity_get_display_name (identity)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DISPLAY_NAME]);
  if (g_strcmp0 (lanyard_identity_get_email (old), lanyard_identity_get_email (identity)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EMAIL]);
  if (g_strcmp0 (lanyard_identity_get_avatar_url (old), lanyard_identity_get_avatar_url (identity)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AVATAR_URL]);
  if (!g_strv_equal (lanyard_identity_get_orgs (old), lanyard_identity_get_orgs (identity)))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ORGS]);

  lanyard_account_set_attention (self, NULL);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/**
 * lanyard_account_to_json:
 *
 * Returns: (transfer full): the account as stored in the accounts file
 */
JsonNode *
lanyard_account_to_json (LanyardAccount *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), NULL);

  json_builder_begin_object (builder);
  add_string (builder, "provider", lanyard_account_get_provider_id (self));
  add_string (builder, "account_id", lanyard_account_get_account_id (self));
  add_string (builder, "username", lanyard_account_get_username (self));
  add_string (builder, "display_name", lanyard_account_get_display_name (self));
  add_string (builder, "email", lanyard_account_get_email (self));
  /* As stored: a demo avatar without the demo server's port. */
  add_string (builder, "avatar_url", lanyard_identity_get_avatar_url (self->identity));
  add_int (builder, "linked_at", self->linked_at);
  add_int (builder, "last_refresh", self->last_refresh);
  add_int (builder, "expires_at", self->expires_at);
  json_builder_set_member_name (builder, "scopes");
  json_builder_begin_array (builder);
  for (guint i = 0; self->scopes[i] != NULL; i++)
    json_builder_add_string_value (builder, self->scopes[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "orgs");
  json_builder_begin_array (builder);
  for (const char *const *org = lanyard_identity_get_orgs (self->identity); *org != NULL; org++)
    json_builder_add_string_value (builder, *org);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "primary");
  json_builder_add_boolean_value (builder, self->primary);
  json_builder_set_member_name (builder, "identity_only");
  json_builder_add_boolean_value (builder, self->identity_only);
  add_string (builder, "attention", self->attention);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gint64
get_time (JsonObject *object,
          const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return MAX (0, json_node_get_int (node));
}

/* Scopes are short words; a file edited by hand or by a newer Lanyard
 * may hold anything, and what is not a string is left out. */
#define MAX_SCOPES 64
#define MAX_SCOPE_LENGTH 256

static GStrv
get_words (JsonObject *object,
           const char *name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode  *node = json_object_get_member (object, name);
  JsonArray *array;
  guint      n = 0;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array) && n < MAX_SCOPES; i++)
        {
          JsonNode   *element = json_array_get_element (array, i);
          const char *scope;

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            continue;
          scope = json_node_get_string (element);
          if (scope[0] == '\0' || strlen (scope) > MAX_SCOPE_LENGTH || !g_utf8_validate (scope, -1, NULL))
            continue;
          g_strv_builder_add (builder, scope);
          n++;
        }
    }
  return g_strv_builder_end (builder);
}

/**
 * lanyard_account_new_from_json:
 *
 * Returns: (transfer full): the account, or %NULL when the entry lacks
 *   its provider or account id
 */
LanyardAccount *
lanyard_account_new_from_json (JsonObject *object,
                               GError    **error)
{
  g_autoptr(LanyardIdentity) identity = NULL;
  g_autofree char *account_id = lanyard_json_dup_id (object, "account_id");
  const char      *provider = lanyard_json_get_string (object, "provider");
  LanyardAccount  *self;
  JsonNode        *primary;

  if (provider == NULL || account_id == NULL)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                   "an account has no provider or account id");
      return NULL;
    }

  identity = lanyard_identity_new (provider, account_id,
                                   lanyard_json_get_string (object, "username"),
                                   lanyard_json_get_string (object, "display_name"),
                                   lanyard_json_get_string (object, "email"),
                                   lanyard_json_get_string (object, "avatar_url"));
  {
    g_auto(GStrv) orgs = get_words (object, "orgs");

    /* Cleaned again, as from a provider: the file may be hand-edited. */
    lanyard_identity_set_orgs (identity, (const char *const *) orgs);
  }
  self = lanyard_account_new_from_identity (identity, get_time (object, "linked_at"));
  self->last_refresh = get_time (object, "last_refresh");
  self->expires_at = get_time (object, "expires_at");
  g_strfreev (self->scopes);
  self->scopes = get_words (object, "scopes");
  self->attention = g_strdup (lanyard_json_get_string (object, "attention"));
  primary = json_object_get_member (object, "primary");
  self->primary = primary != NULL && JSON_NODE_HOLDS_VALUE (primary) &&
    json_node_get_value_type (primary) == G_TYPE_BOOLEAN && json_node_get_boolean (primary);
  primary = json_object_get_member (object, "identity_only");
  self->identity_only = primary != NULL && JSON_NODE_HOLDS_VALUE (primary) &&
    json_node_get_value_type (primary) == G_TYPE_BOOLEAN && json_node_get_boolean (primary);

  return self;
}

/**
 * lanyard_account_dup_key:
 *
 * Returns: (transfer full): `provider:account-id`, the form people and
 *   `lanyardctl` use
 */
char *
lanyard_account_dup_key (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), NULL);
  return g_strconcat (lanyard_account_get_provider_id (self), ":", lanyard_account_get_account_id (self), NULL);
}

/**
 * lanyard_account_key_parse:
 * @key: (nullable): `provider:account-id`, as someone wrote it: any length,
 *   any bytes
 * @provider_id: (out) (optional) (transfer full): the provider id
 * @account_id: (out) (optional) (transfer full): the account id
 *
 * The one place where a key is taken apart, at the first colon (provider
 * ids have none; account ids may). The provider id must be a valid one
 * (lanyard_provider_id_is_valid()) and the account id must not be empty.
 *
 * A key longer than %LANYARD_ACCOUNT_KEY_MAX_LENGTH or not valid UTF-8 is
 * refused without being looked at further, and the error never repeats
 * it: a caller's 10 MiB string does not come back in a message. A short,
 * valid key that is merely malformed is named in the message, so the
 * person sees what they typed.
 *
 * Returns: %TRUE when @key is well formed; otherwise %FALSE with @error set
 *   to %LANYARD_ERROR_NOT_FOUND (no account can be called that)
 */
gboolean
lanyard_account_key_parse (const char *key,
                           char      **provider_id,
                           char      **account_id,
                           GError    **error)
{
  g_autofree char *provider = NULL;
  const char      *colon;
  gsize            length;

  if (key == NULL)
    {
      g_set_error_literal (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                           _ ("No account was named; write it as provider:account-id"));
      return FALSE;
    }

  /* Bounded: never walk the whole of a hostile string. */
  for (length = 0; length <= LANYARD_ACCOUNT_KEY_MAX_LENGTH && key[length] != '\0'; length++)
    ;
  if (length > LANYARD_ACCOUNT_KEY_MAX_LENGTH)
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                   _ ("The account name given is longer than %d bytes, so no account is called that; "
                      "write it as provider:account-id"),
                   LANYARD_ACCOUNT_KEY_MAX_LENGTH);
      return FALSE;
    }
  if (!g_utf8_validate_len (key, length, NULL))
    {
      g_set_error_literal (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                           _ ("The account name given is not valid text, so no account is called that; "
                              "write it as provider:account-id"));
      return FALSE;
    }

  colon = memchr (key, ':', length);
  if (colon != NULL)
    provider = g_strndup (key, colon - key);
  if (colon == NULL || colon[1] == '\0' || !lanyard_provider_id_is_valid (provider))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                   "“%s” does not name an account; write it as provider:account-id, as `lanyardctl list` shows it",
                   key);
      return FALSE;
    }

  if (provider_id != NULL)
    *provider_id = g_steal_pointer (&provider);
  if (account_id != NULL)
    *account_id = g_strdup (colon + 1);
  return TRUE;
}

const char *
lanyard_account_get_provider_id (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), NULL);
  return lanyard_identity_get_provider_id (self->identity);
}

const char *
lanyard_account_get_account_id (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), NULL);
  return lanyard_identity_get_account_id (self->identity);
}

const char *
lanyard_account_get_username (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), NULL);
  return lanyard_identity_get_username (self->identity);
}

const char *
lanyard_account_get_display_name (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), NULL);
  return lanyard_identity_get_display_name (self->identity);
}

const char *
lanyard_account_get_email (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), NULL);
  return lanyard_identity_get_email (self->identity);
}

/**
 * lanyard_account_get_avatar_url:
 *
 * A demo account's avatar is kept without the demo server's port
 * (lanyard_demo_avatar_to_stored()); this gives its URL on the demo server
 * of this process.
 */
const char *
lanyard_account_get_avatar_url (LanyardAccount *self)
{
  const char *stored;

  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), NULL);

  stored = lanyard_identity_get_avatar_url (self->identity);
  if (stored == NULL || !g_str_has_prefix (stored, LANYARD_DEMO_AVATAR_SCHEME ":"))
    return stored;
  if (self->demo_avatar_url == NULL)
    self->demo_avatar_url = lanyard_demo_avatar_from_stored (stored);
  return self->demo_avatar_url;
}

gint64
lanyard_account_get_linked_at (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), 0);
  return self->linked_at;
}

gboolean
lanyard_account_get_primary (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), FALSE);
  return self->primary;
}

void
lanyard_account_set_primary (LanyardAccount *self,
                             gboolean        primary)
{
  g_return_if_fail (LANYARD_IS_ACCOUNT (self));

  primary = !!primary;
  if (self->primary == primary)
    return;
  self->primary = primary;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PRIMARY]);
}

gint64
lanyard_account_get_expires_at (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), 0);
  return self->expires_at;
}

void
lanyard_account_set_expires_at (LanyardAccount *self,
                                gint64          expires_at)
{
  g_return_if_fail (LANYARD_IS_ACCOUNT (self));

  if (self->expires_at == expires_at)
    return;
  self->expires_at = expires_at;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EXPIRES_AT]);
}

gint64
lanyard_account_get_last_refresh (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), 0);
  return self->last_refresh;
}

void
lanyard_account_set_last_refresh (LanyardAccount *self,
                                  gint64          last_refresh)
{
  g_return_if_fail (LANYARD_IS_ACCOUNT (self));

  if (self->last_refresh == last_refresh)
    return;
  self->last_refresh = last_refresh;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_REFRESH]);
}

/**
 * lanyard_account_get_scopes:
 *
 * Returns: (transfer none): the scopes granted, possibly none
 */
const char *const *
lanyard_account_get_scopes (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), NULL);
  return (const char *const *) self->scopes;
}

/**
 * lanyard_account_set_scopes:
 * @scopes: (nullable) (array zero-terminated=1): what the provider granted
 */
void
lanyard_account_set_scopes (LanyardAccount    *self,
                            const char *const *scopes)
{
  static const char *const none[] = { NULL };

  g_return_if_fail (LANYARD_IS_ACCOUNT (self));

  if (scopes == NULL)
    scopes = none;
  if (g_strv_equal ((const char *const *) self->scopes, scopes))
    return;
  g_strfreev (self->scopes);
  self->scopes = g_strdupv ((GStrv) scopes);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SCOPES]);
}

/**
 * lanyard_account_get_attention:
 *
 * Returns: (nullable): why the person must sign in again, or %NULL
 */
const char *
lanyard_account_get_attention (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), NULL);
  return self->attention;
}

void
lanyard_account_set_attention (LanyardAccount *self,
                               const char     *reason)
{
  gboolean needed;

  g_return_if_fail (LANYARD_IS_ACCOUNT (self));

  if (g_strcmp0 (self->attention, reason) == 0)
    return;
  needed = self->attention != NULL;
  g_free (self->attention);
  self->attention = g_strdup (reason);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ATTENTION_REASON]);
  if (needed != (reason != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_NEEDS_ATTENTION]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
lanyard_account_get_needs_attention (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), FALSE);
  return self->attention != NULL;
}

/**
 * lanyard_account_get_attention_reason:
 *
 * The same as lanyard_account_get_attention(), named as the property is.
 *
 * Returns: (nullable): why the person must sign in again, or %NULL
 */
const char *
lanyard_account_get_attention_reason (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), NULL);
  return self->attention;
}

gboolean
lanyard_account_get_available (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), FALSE);
  return self->available;
}

void
lanyard_account_set_available (LanyardAccount *self,
                               gboolean        available)
{
  g_return_if_fail (LANYARD_IS_ACCOUNT (self));

  available = !!available;
  if (self->available == available)
    return;
  self->available = available;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AVAILABLE]);
}

/**
 * lanyard_account_get_orgs:
 *
 * Returns: (transfer none): see #LanyardAccount:orgs
 */
const char *const *
lanyard_account_get_orgs (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), NULL);
  return lanyard_identity_get_orgs (self->identity);
}

gboolean
lanyard_account_get_identity_only (LanyardAccount *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT (self), FALSE);
  return self->identity_only;
}

void
lanyard_account_set_identity_only (LanyardAccount *self,
                                   gboolean        identity_only)
{
  g_return_if_fail (LANYARD_IS_ACCOUNT (self));

  if (self->identity_only == !!identity_only)
    return;
  self->identity_only = !!identity_only;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IDENTITY_ONLY]);
}
