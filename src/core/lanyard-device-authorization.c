/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-device"

#include "lanyard-device-authorization.h"

#include <glib/gi18n.h>

#include <string.h>

#include "lanyard-error.h"
#include "lanyard-provider-config.h"

static void
wipe_string (char **str)
{
  if (*str != NULL)
    {
      memset (*str, 0, strlen (*str));
      g_clear_pointer (str, g_free);
    }
}

void
lanyard_device_authorization_free (LanyardDeviceAuthorization *self)
{
  if (self == NULL)
    return;
  wipe_string (&self->device_code);
  g_free (self->user_code);
  g_free (self->verification_uri);
  g_free (self->verification_uri_complete);
  g_free (self);
}

static GError *
invalid (const char *provider_name,
         const char *what)
{
  return g_error_new (LANYARD_ERROR, LANYARD_ERROR_INVALID_RESPONSE,
                      _ ("%s's answer to the request for a sign-in code was refused: %s. "
                         "Sign in with the browser instead, or try again later."),
                      provider_name, what);
}

/* RFC 8628 §3.2 and RFC 6749 Appendix A: the device code is VSCHAR. */
static gboolean
is_vschar (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (*p < 0x21 || *p > 0x7e)
      return FALSE;
  return TRUE;
}

/* What a person can read aloud and type: letters, digits, and the
 * separators providers put in (GitHub's and Google's "WDJB-MJHT"). Anything
 * else could be made to look like another code, or carry control or
 * direction characters to the screen. */
static gboolean
is_user_code (const char *text)
{
  gboolean has_alnum = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p))
        has_alnum = TRUE;
      else if (*p != '-' && *p != ' ')
        return FALSE;
    }
  return has_alnum;
}

static gboolean
read_uri (GHashTable *fields,
          const char *member,
          const char *alias,
          gboolean    required,
          const char *provider_name,
          char      **out,
          GError    **error)
{
  const char      *value = g_hash_table_lookup (fields, member);
  g_autofree char *what = NULL;

  /* Google's answer says verification_url, as its documentation does. */
  if (value == NULL && alias != NULL)
    value = g_hash_table_lookup (fields, alias);
  if (value == NULL || value[0] == '\0')
    {
      if (!required)
        return TRUE;
      what = g_strdup_printf (_ ("“%s” is missing"), member);
      g_propagate_error (error, invalid (provider_name, what));
      return FALSE;
    }
  if (strlen (value) > LANYARD_DEVICE_URI_MAX || !is_vschar (value) ||
      !lanyard_url_is_acceptable (value, NULL))
    {
      what = g_strdup_printf (_ ("“%s” is not an https:// address of at most %d characters"),
                              member, LANYARD_DEVICE_URI_MAX);
      g_propagate_error (error, invalid (provider_name, what));
      return FALSE;
    }
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
read_seconds (GHashTable *fields,
              const char *member,
              guint       fallback,
              guint       min,
              guint       max,
              const char *provider_name,
              guint      *out,
              GError    **error)
{
  const char *value = g_hash_table_lookup (fields, member);
  guint64     seconds;

  if (value == NULL && fallback != 0)
    {
      *out = fallback;
      return TRUE;
    }
  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, min, max, &seconds, NULL))
    {
      g_autofree char *what = g_strdup_printf (_ ("“%s” is not a number of seconds from %u to %u"),
                                               member, min, max);

      g_propagate_error (error, invalid (provider_name, what));
      return FALSE;
    }
  *out = (guint) seconds;
  return TRUE;
}

static gboolean
same_origin (const char *a,
             const char *b)
{
  g_autoptr(GUri) ua = g_uri_parse (a, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) ub = g_uri_parse (b, G_URI_FLAGS_NONE, NULL);

  return ua != NULL && ub != NULL &&
    g_ascii_strcasecmp (g_uri_get_scheme (ua), g_uri_get_scheme (ub)) == 0 &&
    g_ascii_strcasecmp (g_uri_get_host (ua), g_uri_get_host (ub)) == 0 &&
    g_uri_get_port (ua) == g_uri_get_port (ub);
}

/**
 * lanyard_device_authorization_parse:
 * @fields: (element-type utf8 utf8): the answer, as lanyard_http_parse_fields()
 *   read it
 *
 * Checks every member (RFC 8628 §3.2): `device_code` VSCHAR and at most
 * %LANYARD_DEVICE_CODE_MAX bytes; `user_code` letters, digits, `-` and
 * spaces, at most %LANYARD_DEVICE_USER_CODE_MAX; `verification_uri` (or
 * Google's `verification_url`) https:// or loopback http://;
 * `verification_uri_complete`, when given, the same and on the same origin
 * (the person is shown one server, and the QR code must not lead to
 * another); `expires_in` from %LANYARD_DEVICE_EXPIRES_MIN to
 * %LANYARD_DEVICE_EXPIRES_MAX; `interval` from 1 to
 * %LANYARD_DEVICE_INTERVAL_MAX, %LANYARD_DEVICE_INTERVAL_DEFAULT when left out.
 *
 * Returns: (transfer full) (nullable): the answer, or %NULL with a
 *   %LANYARD_ERROR_INVALID_RESPONSE that names the member
 */
LanyardDeviceAuthorization *
lanyard_device_authorization_parse (GHashTable *fields,
                                    const char *provider_name,
                                    GError    **error)
{
  g_autoptr(LanyardDeviceAuthorization) self = g_new0 (LanyardDeviceAuthorization, 1);
  const char *device_code = g_hash_table_lookup (fields, "device_code");
  const char *user_code = g_hash_table_lookup (fields, "user_code");

  if (device_code == NULL || device_code[0] == '\0' || strlen (device_code) > LANYARD_DEVICE_CODE_MAX ||
      !is_vschar (device_code))
    {
      g_propagate_error (error, invalid (provider_name, _ ("“device_code” is missing or malformed")));
      return NULL;
    }
  if (user_code == NULL || strlen (user_code) > LANYARD_DEVICE_USER_CODE_MAX || !is_user_code (user_code))
    {
      g_autofree char *what = g_strdup_printf (_ ("“user_code” is missing or is not up to %d letters, digits and dashes"),
                                               LANYARD_DEVICE_USER_CODE_MAX);

      g_propagate_error (error, invalid (provider_name, what));
      return NULL;
    }

  if (!read_uri (fields, "verification_uri", "verification_url", TRUE, provider_name, &self->verification_uri, error) ||
      !read_uri (fields, "verification_uri_complete", NULL, FALSE, provider_name, &self->verification_uri_complete, error) ||
      !read_seconds (fields, "expires_in", 0, LANYARD_DEVICE_EXPIRES_MIN, LANYARD_DEVICE_EXPIRES_MAX, provider_name,
                     &self->expires_in, error) ||
      !read_seconds (fields, "interval", LANYARD_DEVICE_INTERVAL_DEFAULT, 1, LANYARD_DEVICE_INTERVAL_MAX, provider_name,
                     &self->interval, error))
    return NULL;

  if (self->verification_uri_complete != NULL &&
      !same_origin (self->verification_uri, self->verification_uri_complete))
    {
      g_propagate_error (error, invalid (provider_name, _ ("“verification_uri_complete” leads to another server than “verification_uri”")));
      return NULL;
    }

  self->device_code = g_strdup (device_code);
  self->user_code = g_strdup (user_code);
  return g_steal_pointer (&self);
}
