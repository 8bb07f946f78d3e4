/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-identity"

#include "lanyard-identity.h"

#include "lanyard-demo-server.h"

#include <string.h>

/**
 * LanyardIdentity:
 *
 * Who signed in: the pair (provider id, account id) is the key that never
 * changes (GitHub's numeric id, an OIDC `sub`, Microsoft's `tid`.`oid`), the
 * rest is what a person recognises and may change at the provider.
 *
 * Everything here comes from a server and ends up in a terminal
 * (`lanyardctl list`), a window, a notification and the accounts file, so
 * it is cleaned on the way in (lanyard_identity_new()): names lose control
 * characters (terminal escape sequences, line breaks) and bidirectional
 * overrides (which make a name read as another), text that is not UTF-8
 * is dropped, an e-mail must be one address on one line, and an avatar
 * address must be https:// (http:// only on loopback, for the demo).
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
  GStrv orgs; /* never NULL */
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
  g_strfreev (self->orgs);

  G_OBJECT_CLASS (lanyard_identity_parent_class)->finalize (object);
}

#define MAX_NAME_CHARS 256
#define MAX_EMAIL_BYTES 254 /* RFC 5321 §4.5.3.1.3, a path less its brackets */
#define MAX_URL_BYTES 2048

/* C0 and C1 controls, DEL, and the characters that change the direction
 * of the text after them (Unicode bidi embeddings, overrides, isolates
 * and marks). */
static gboolean
is_hidden_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
    c == 0x061c || c == 0x200e || c == 0x200f ||
    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/**
 * lanyard_identity_check_account_id:
 *
 * Returns: whether @id can be an account id: a non-empty line of at most
 *   255 bytes of UTF-8 without control or bidirectional characters (the id
 *   is part of the account's key, its object path and its keyring entry)
 */
gboolean
lanyard_identity_check_account_id (const char *id)
{
  if (id == NULL || id[0] == '\0' || strlen (id) > 255 || !g_utf8_validate (id, -1, NULL))
    return FALSE;

  for (const char *p = id; *p != '\0'; p = g_utf8_next_char (p))
    if (is_hidden_control (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

/* A name to show: controls and direction changes are removed (line breaks
 * and tabs become spaces), the length is bounded, blanks mean "none". */
static char *
clean_name (const char *text)
{
  g_autoptr(GString) out = NULL;
  guint chars = 0;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = text; *p != '\0' && chars < MAX_NAME_CHARS; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\t' || c == '\n' || c == '\r')
        c = ' ';
      else if (is_hidden_control (c))
        continue;
      g_string_append_unichar (out, c);
      chars++;
    }

  g_strstrip (out->str);
  if (out->str[0] == '\0')
    return NULL;
  return g_strdup (out->str);
}

/* One address on one line, or nothing: an e-mail is shown and may be used
 * to write to, never "repaired". */
static char *
clean_email (const char *text)
{
  const char *at;

  if (text == NULL || strlen (text) > MAX_EMAIL_BYTES || !g_utf8_validate (text, -1, NULL))
    return NULL;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_hidden_control (c) || g_unichar_isspace (c))
        return NULL;
    }

  at = strchr (text, '@');
  if (at == NULL || at == text || at[1] == '\0' || strchr (at + 1, '@') != NULL)
    return NULL;

  return g_strdup (text);
}

static gboolean
is_loopback_host (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0 ||
    g_strcmp0 (host, "localhost") == 0;
}

/* The window downloads the avatar: https:// only (http:// on loopback,
 * where the demo provider serves its pictures); never file://, data: or
 * another scheme (but the demo avatar's stored form), never credentials in
 * the address. */
static char *
clean_avatar_url (const char *text)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme, *host;

  if (text == NULL || strlen (text) > MAX_URL_BYTES)
    return NULL;
  /* A demo avatar as accounts keep it, without the demo server's port; the
   * daemon hands out its http://127.0.0.1 address. */
  if (lanyard_demo_avatar_is_stored (text))
    return g_strdup (text);
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
      return NULL;

  uri = g_uri_parse (text, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_userinfo (uri) != NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (host == NULL || host[0] == '\0')
    return NULL;
  if (g_ascii_strcasecmp (scheme, "https") == 0 ||
      (g_ascii_strcasecmp (scheme, "http") == 0 && is_loopback_host (host)))
    return g_strdup (text);

  return NULL;
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

  g_free (*field);
  switch (prop_id)
    {
    case PROP_USERNAME:
    case PROP_DISPLAY_NAME:
      *field = clean_name (str);
      break;
    case PROP_EMAIL:
      *field = clean_email (str);
      break;
    case PROP_AVATAR_URL:
      *field = clean_avatar_url (str);
      break;
    default:
      /* Empty strings from a provider mean "not set". */
      *field = str != NULL && str[0] != '\0' ? g_strdup (str) : NULL;
      break;
    }
}

/* Some servers send no user name at all (glewlwyd has no
 * preferred_username): something a person recognises stands in for it,
 * so that no list, message or keyring label shows an empty one. The
 * e-mail's local part first (the whole address when that part is not a
 * name on its own), then the display name. */
static void
lanyard_identity_constructed (GObject *object)
{
  LanyardIdentity *self = LANYARD_IDENTITY (object);

  G_OBJECT_CLASS (lanyard_identity_parent_class)->constructed (object);

  if (self->username != NULL)
    return;

  if (self->email != NULL)
    {
      const char      *at = strrchr (self->email, '@');
      g_autofree char *local = at != NULL ? g_strndup (self->email, at - self->email) : NULL;

      self->username = clean_name (local);
      if (self->username == NULL)
        self->username = clean_name (self->email);
    }
  if (self->username == NULL)
    self->username = g_strdup (self->display_name);
}

static void
lanyard_identity_class_init (LanyardIdentityClass *klass)
{
  GObjectClass     *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = lanyard_identity_constructed;
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
  self->orgs = g_new0 (char *, 1);
}

/**
 * lanyard_identity_new:
 * @provider_id: the configured provider instance's id
 * @account_id: the provider's stable id for the account, as a string
 * @username: (nullable): when missing or blank, the e-mail's local part
 *   (or the whole e-mail), else the display name stands in for it
 * @display_name: (nullable):
 * @email: (nullable):
 * @avatar_url: (nullable):
 *
 * The account id must pass lanyard_identity_check_account_id(); the rest
 * is cleaned (see #LanyardIdentity), and what cannot be cleaned is left
 * out.
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
  g_return_val_if_fail (lanyard_identity_check_account_id (account_id), NULL);

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
    g_strcmp0 (a->avatar_url, b->avatar_url) == 0 &&
    g_strv_equal ((const char *const *) a->orgs, (const char *const *) b->orgs);
}

/* A person in a thousand groups is possible; the bus, the accounts file
 * and a window need not carry them all. */
#define MAX_ORGS 200

/**
 * lanyard_identity_get_orgs:
 *
 * Returns: (transfer none): the organisations, groups or domain the
 *   provider says the account belongs to (GitHub organisations, GitLab
 *   groups, a Google Workspace domain, an OpenID `groups` claim); empty
 *   when it says none
 */
const char *const *
lanyard_identity_get_orgs (LanyardIdentity *self)
{
  g_return_val_if_fail (LANYARD_IS_IDENTITY (self), NULL);
  return (const char *const *) self->orgs;
}

/**
 * lanyard_identity_set_orgs:
 * @orgs: (nullable): as the provider said them
 *
 * Cleaned like names (lanyard_identity_new()): text that is not UTF-8 or
 * is blank is dropped, as are repeats; at most 200 are kept. Only while
 * the identity is being made, before anyone shares it.
 */
void
lanyard_identity_set_orgs (LanyardIdentity   *self,
                           const char *const *orgs)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_if_fail (LANYARD_IS_IDENTITY (self));

  for (guint i = 0; orgs != NULL && orgs[i] != NULL && g_hash_table_size (seen) < MAX_ORGS; i++)
    {
      g_autofree char *org = clean_name (orgs[i]);

      if (org != NULL && g_hash_table_add (seen, g_strdup (org)))
        g_strv_builder_add (builder, org);
    }
  g_strfreev (self->orgs);
  self->orgs = g_strv_builder_end (builder);
}
