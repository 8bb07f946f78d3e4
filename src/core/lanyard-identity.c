/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-identity"

#include "lanyard-identity.h"

/**
 * LanyardIdentity:
 *
 * Who signed in: the pair (provider id, account id) is the key that never
 * changes (GitHub's numeric id, an OIDC `sub`, Microsoft's `tid`.`oid`), the
 * rest is what a person recognises and may change at the provider.
 */
struct _LanyardIdentity
{
  GObject parent_instance;

  char *provider_id;
  char *account_id;
  char *username;
  char *display_name;
  char *email;
  char *avatar_url;
};

enum
{
  PROP_0,
  PROP_PROVIDER_ID,
  PROP_ACCOUNT_ID,
  PROP_USERNAME,
  PROP_DISPLAY_NAME,
  PROP_EMAIL,
  PROP_AVATAR_URL,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (LanyardIdentity, lanyard_identity, G_TYPE_OBJECT)

static void
lanyard_identity_finalize (GObject *object)
{
  LanyardIdentity *self = LANYARD_IDENTITY (object);

  g_free (self->provider_id);
  g_free (self->account_id);
  g_free (self->username);
  g_free (self->display_name);
  g_free (self->email);
  g_free (self->avatar_url);

  G_OBJECT_CLASS (lanyard_identity_parent_class)->finalize (object);
}

static char **
field_for_prop (LanyardIdentity *self,
                guint            prop_id)
{
  switch (prop_id)
    {
    case PROP_PROVIDER_ID: return &self->provider_id;
    case PROP_ACCOUNT_ID: return &self->account_id;
    case PROP_USERNAME: return &self->username;
    case PROP_DISPLAY_NAME: return &self->display_name;
    case PROP_EMAIL: return &self->email;
    case PROP_AVATAR_URL: return &self->avatar_url;
    default: return NULL;
    }
}

static void
lanyard_identity_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  char **field = field_for_prop (LANYARD_IDENTITY (object), prop_id);

  if (field == NULL)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  else
    g_value_set_string (value, *field);
}

static void
lanyard_identity_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  char      **field = field_for_prop (LANYARD_IDENTITY (object), prop_id);
  const char *str = g_value_get_string (value);

  if (field == NULL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  /* Empty strings from a provider mean "not set". */
  g_free (*field);
  *field = str != NULL && str[0] != '\0' ? g_strdup (str) : NULL;
}

static void
lanyard_identity_class_init (LanyardIdentityClass *klass)
{
  GObjectClass     *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lanyard_identity_finalize;
  object_class->get_property = lanyard_identity_get_property;
  object_class->set_property = lanyard_identity_set_property;

  props[PROP_PROVIDER_ID] = g_param_spec_string ("provider-id", NULL, NULL, NULL, flags);
  props[PROP_ACCOUNT_ID] = g_param_spec_string ("account-id", NULL, NULL, NULL, flags);
  props[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, flags);
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  props[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, flags);
  props[PROP_AVATAR_URL] = g_param_spec_string ("avatar-url", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lanyard_identity_init (LanyardIdentity *self)
{
}

/**
 * lanyard_identity_new:
 * @provider_id: the configured provider instance's id
 * @account_id: the provider's stable id for the account, as a string
 * @username: (nullable):
 * @display_name: (nullable):
 * @email: (nullable):
 * @avatar_url: (nullable):
 */
LanyardIdentity *
lanyard_identity_new (const char *provider_id,
                      const char *account_id,
                      const char *username,
                      const char *display_name,
                      const char *email,
                      const char *avatar_url)
{
  g_return_val_if_fail (provider_id != NULL && provider_id[0] != '\0', NULL);
  g_return_val_if_fail (account_id != NULL && account_id[0] != '\0', NULL);

  return g_object_new (LANYARD_TYPE_IDENTITY,
                       "provider-id", provider_id,
                       "account-id", account_id,
                       "username", username,
                       "display-name", display_name,
                       "email", email,
                       "avatar-url", avatar_url,
                       NULL);
}

const char *
lanyard_identity_get_provider_id (LanyardIdentity *self)
{
  g_return_val_if_fail (LANYARD_IS_IDENTITY (self), NULL);
  return self->provider_id;
}

const char *
lanyard_identity_get_account_id (LanyardIdentity *self)
{
  g_return_val_if_fail (LANYARD_IS_IDENTITY (self), NULL);
  return self->account_id;
}

const char *
lanyard_identity_get_username (LanyardIdentity *self)
{
  g_return_val_if_fail (LANYARD_IS_IDENTITY (self), NULL);
  return self->username;
}

const char *
lanyard_identity_get_display_name (LanyardIdentity *self)
{
  g_return_val_if_fail (LANYARD_IS_IDENTITY (self), NULL);
  return self->display_name;
}

const char *
lanyard_identity_get_email (LanyardIdentity *self)
{
  g_return_val_if_fail (LANYARD_IS_IDENTITY (self), NULL);
  return self->email;
}

const char *
lanyard_identity_get_avatar_url (LanyardIdentity *self)
{
  g_return_val_if_fail (LANYARD_IS_IDENTITY (self), NULL);
  return self->avatar_url;
}

gboolean
lanyard_identity_equal (LanyardIdentity *a,
                        LanyardIdentity *b)
{
  g_return_val_if_fail (LANYARD_IS_IDENTITY (a), FALSE);
  g_return_val_if_fail (LANYARD_IS_IDENTITY (b), FALSE);

  return g_strcmp0 (a->provider_id, b->provider_id) == 0 &&
    g_strcmp0 (a->account_id, b->account_id) == 0 &&
    g_strcmp0 (a->username, b->username) == 0 &&
    g_strcmp0 (a->display_name, b->display_name) == 0 &&
    g_strcmp0 (a->email, b->email) == 0 &&
    g_strcmp0 (a->avatar_url, b->avatar_url) == 0;
}
