/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "git-credential-lanyard"
/* explicit_bzero(): a wipe the compiler may not drop as a dead store. */
#define _DEFAULT_SOURCE

#include "lanyard-git-credential-request.h"

#include <glib/gi18n.h>

#include <string.h>

G_DEFINE_QUARK (lanyard - git - credential - error - quark, lanyard_git_credential_error)

/**
 * lanyard_git_credential_wipe:
 * @secret: (nullable): a secret to zero, then free
 */
void
lanyard_git_credential_wipe (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

void
lanyard_git_credential_request_free (LanyardGitCredentialRequest *self)
{
  if (self == NULL)
    return;
  g_free (self->protocol);
  g_free (self->host);
  g_free (self->path);
  g_free (self->username);
  lanyard_git_credential_wipe (self->password);
  g_ptr_array_unref (self->wwwauth);
  g_ptr_array_unref (self->capabilities);
  g_free (self->authtype);
  lanyard_git_credential_wipe (self->credential);
  g_free (self);
}

/* Text Lanyard compares, prints in messages or sends on the bus: UTF-8,
 * no control characters (git itself refuses newlines and NULs in
 * these). */
static gboolean
is_text (const char *value)
{
  if (!g_utf8_validate (value, -1, NULL))
    return FALSE;
  for (const char *c = value; *c != '\0'; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f)
      return FALSE;
  return TRUE;
}

static void
replace (char      **field,
         const char *value,
         gboolean    secret)
{
  if (secret)
    lanyard_git_credential_wipe (*field);
  else
    g_free (*field);
  *field = g_strdup (value);
}

static gboolean
add_to_array (GPtrArray  *array,
              const char *key,
              const char *value,
              GError    **error)
{
  /* git-credential(1): an empty value clears the array. */
  if (value[0] == '\0')
    {
      g_ptr_array_set_size (array, 0);
      return TRUE;
    }
  if (array->len >= LANYARD_GIT_CREDENTIAL_MAX_ARRAY)
    {
      g_set_error (error, LANYARD_GIT_CREDENTIAL_ERROR, LANYARD_GIT_CREDENTIAL_ERROR_TOO_LARGE,
                   _ ("git sent more than %d values of “%s”"), LANYARD_GIT_CREDENTIAL_MAX_ARRAY, key);
      return FALSE;
    }
  g_ptr_array_add (array, g_strdup (value));
  return TRUE;
}

/* One `key=value` line, without its newline (and a CR before it). */
static gboolean
read_attribute (LanyardGitCredentialRequest *self,
                char                        *line,
                guint                        number,
                GError                     **error)
{
  char       *equals = strchr (line, '=');
  const char *key = line;
  const char *value;
  struct
  {
    const char *key;
    char      **field;
    gboolean    secret;
  } const fields[] = {
    { "protocol", &self->protocol, FALSE },
    { "host", &self->host, FALSE },
    { "path", &self->path, FALSE },
    { "username", &self->username, FALSE },
    { "password", &self->password, TRUE },
    { "authtype", &self->authtype, FALSE },
    { "credential", &self->credential, TRUE },
  };

  if (equals == NULL || equals == line)
    {
      g_set_error (error, LANYARD_GIT_CREDENTIAL_ERROR, LANYARD_GIT_CREDENTIAL_ERROR_INVALID,
                   _ ("Line %u of git's request is not a key=value pair"), number);
      return FALSE;
    }
  *equals = '\0';
  value = equals + 1;

  /* The server's challenges: kept for what they may tell one day, never
   * a reason to refuse git's request (a server may send anything there):
   * values that are not text, and those beyond the bound, are dropped. */
  if (g_str_equal (key, "wwwauth[]"))
    {
      if (value[0] == '\0')
        g_ptr_array_set_size (self->wwwauth, 0);
      else if (is_text (value) && self->wwwauth->len < LANYARD_GIT_CREDENTIAL_MAX_ARRAY)
        g_ptr_array_add (self->wwwauth, g_strdup (value));
      return TRUE;
    }
  if (g_str_equal (key, "capability[]"))
    {
      if (!is_text (value))
        goto not_text;
      return add_to_array (self->capabilities, key, value, error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (key, fields[i].key))
      {
        /* A secret is compared as bytes and never shown, but it must be
         * a token: Lanyard's are printable ASCII. */
        if (!is_text (value))
          goto not_text;
        replace (fields[i].field, value, fields[i].secret);
        return TRUE;
      }

  /* Anything else (url, state[], ephemeral, password_expiry_utc,
   * oauth_refresh_token, attributes of future gits) is not Lanyard's. */
  return TRUE;

not_text:
  g_set_error (error, LANYARD_GIT_CREDENTIAL_ERROR, LANYARD_GIT_CREDENTIAL_ERROR_INVALID,
               _ ("The value of “%s” on line %u of git's request is not text"), is_text (key) ? key : "?", number);
  return FALSE;
}

/**
 * lanyard_git_credential_request_parse:
 * @data: what git wrote, not necessarily NUL-terminated
 * @length: its length in bytes
 *
 * Reads git's request up to the first empty line or the end of @data.
 * Refuses, rather than cuts short, anything beyond the bounds of
 * lanyard-git-credential-request.h.
 *
 * Returns: (transfer full): the request, or %NULL with @error set
 */
LanyardGitCredentialRequest *
lanyard_git_credential_request_parse (const char *data,
                                      gsize       length,
                                      GError    **error)
{
  g_autoptr(LanyardGitCredentialRequest) self = g_new0 (LanyardGitCredentialRequest, 1);
  gsize position = 0;
  guint number = 0;

  self->wwwauth = g_ptr_array_new_with_free_func (g_free);
  self->capabilities = g_ptr_array_new_with_free_func (g_free);

  /* The bounds and the NUL apply to the request, up to its empty line:
   * what follows is not read. */
  while (position < length)
    {
      const char *start = data + position;
      const char *newline = memchr (start, '\n', length - position);
      gsize       line_length = newline != NULL ? (gsize) (newline - start) : length - position;
      char        line[LANYARD_GIT_CREDENTIAL_MAX_LINE + 1];
      gboolean    ok;

      position += line_length + (newline != NULL ? 1 : 0);
      if (line_length > 0 && start[line_length - 1] == '\r')
        line_length--;
      /* The end of the request. */
      if (line_length == 0)
        break;
      if (position > LANYARD_GIT_CREDENTIAL_MAX_INPUT)
        {
          g_set_error (error, LANYARD_GIT_CREDENTIAL_ERROR, LANYARD_GIT_CREDENTIAL_ERROR_TOO_LARGE,
                       _ ("git's request is longer than %d bytes"), LANYARD_GIT_CREDENTIAL_MAX_INPUT);
          return NULL;
        }
      if (memchr (start, '\0', line_length) != NULL)
        {
          g_set_error_literal (error, LANYARD_GIT_CREDENTIAL_ERROR, LANYARD_GIT_CREDENTIAL_ERROR_INVALID,
                               _ ("git's request holds a NUL byte"));
          return NULL;
        }
      if (++number > LANYARD_GIT_CREDENTIAL_MAX_LINES)
        {
          g_set_error (error, LANYARD_GIT_CREDENTIAL_ERROR, LANYARD_GIT_CREDENTIAL_ERROR_TOO_LARGE,
                       _ ("git's request has more than %d lines"), LANYARD_GIT_CREDENTIAL_MAX_LINES);
          return NULL;
        }
      if (line_length > LANYARD_GIT_CREDENTIAL_MAX_LINE)
        {
          g_set_error (error, LANYARD_GIT_CREDENTIAL_ERROR, LANYARD_GIT_CREDENTIAL_ERROR_TOO_LARGE,
                       _ ("Line %u of git's request is longer than %d bytes"), number, LANYARD_GIT_CREDENTIAL_MAX_LINE);
          return NULL;
        }

      memcpy (line, start, line_length);
      line[line_length] = '\0';
      ok = read_attribute (self, line, number, error);
      /* The line may hold the password (read_attribute() cut it at "="). */
      explicit_bzero (line, line_length + 1);
      if (!ok)
        return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * lanyard_git_credential_request_has_capability:
 *
 * Returns: whether git said it understands @capability (`capability[]`)
 */
gboolean
lanyard_git_credential_request_has_capability (const LanyardGitCredentialRequest *self,
                                               const char                        *capability)
{
  for (guint i = 0; i < self->capabilities->len; i++)
    if (g_str_equal (g_ptr_array_index (self->capabilities, i), capability))
      return TRUE;
  return FALSE;
}

static const char *
default_port (const char *scheme)
{
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return "443";
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    return "80";
  return "";
}

/* "host" or "host:port" as git writes it (the port only when the URL has
 * one), lower-cased, without a port that is the scheme's default. IPv6
 * addresses keep their brackets, as in a URL. */
static char *
normalize_host (const char *scheme,
                const char *host)
{
  g_autofree char *lower = g_ascii_strdown (host, -1);
  const char      *colon = strrchr (lower, ':');
  const char      *bracket = strrchr (lower, ']');

  /* "[::1]" has colons but no port after its bracket. */
  if (colon != NULL && (lower[0] != '[' || (bracket != NULL && colon > bracket)) &&
      g_str_equal (colon + 1, default_port (scheme)))
    return g_strndup (lower, colon - lower);
  return g_steal_pointer (&lower);
}

/* Whether git's path names a place below a prefix by its segments alone:
 * git decodes percent-escapes before it hands the path over, so
 * `gitlab/%2e%2e/evil` arrives as `gitlab/../evil`, which a server
 * resolves outside "gitlab". Paths with `.`, `..` or empty segments, or
 * any `%` (left after decoding, or encoded twice), are refused. */
static gboolean
is_plain_path (const char *path)
{
  g_auto(GStrv) segments = NULL;

  if (strchr (path, '%') != NULL)
    return FALSE;
  segments = g_strsplit (path, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    if (segments[i][0] == '\0' || g_str_equal (segments[i], ".") || g_str_equal (segments[i], ".."))
      return FALSE;
  return TRUE;
}

/**
 * lanyard_git_credential_request_match:
 * @web_url: where a provider serves git repositories (ListProviders'
 *   `web-url`), such as `https://gitlab.example.com:8443/gitlab`
 * @depth: (out) (optional): how specific the match is, the number of
 *   path segments of @web_url (0 for a whole host)
 *
 * Whether git asks about what @web_url serves: the same scheme, the same
 * host and port (a port that is the scheme's default is none, case does
 * not matter), and, when @web_url has a path, a path from git below it.
 * A provider under a path shares its host with others, so git's request
 * without a path (no `credential.useHttpPath`) is not enough to tell:
 * %LANYARD_GIT_CREDENTIAL_MATCH_NEEDS_PATH. A path from git with `.`,
 * `..` or empty segments, or a `%`, matches nothing.
 */
LanyardGitCredentialMatch
lanyard_git_credential_request_match (const LanyardGitCredentialRequest *self,
                                      const char                        *web_url,
                                      guint                             *depth)
{
  g_autoptr(GUri) uri = g_uri_parse (web_url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *host = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *asked = NULL;
  g_autofree char *prefix = NULL;
  gsize            n;

  if (depth != NULL)
    *depth = 0;
  if (uri == NULL || g_uri_get_host (uri) == NULL || self->protocol == NULL || self->host == NULL ||
      g_ascii_strcasecmp (g_uri_get_scheme (uri), self->protocol) != 0)
    return LANYARD_GIT_CREDENTIAL_MATCH_NONE;

  /* GUri gives an IPv6 address without its brackets. */
  host = strchr (g_uri_get_host (uri), ':') != NULL ? g_strdup_printf ("[%s]", g_uri_get_host (uri))
                                                    : g_strdup (g_uri_get_host (uri));
  if (g_uri_get_port (uri) > 0)
    {
      g_autofree char *with_port = g_strdup_printf ("%s:%d", host, g_uri_get_port (uri));

      expected = normalize_host (g_uri_get_scheme (uri), with_port);
    }
  else
    expected = normalize_host (g_uri_get_scheme (uri), host);
  asked = normalize_host (self->protocol, self->host);
  if (!g_str_equal (expected, asked))
    return LANYARD_GIT_CREDENTIAL_MATCH_NONE;
  if (self->path != NULL && !is_plain_path (self->path))
    return LANYARD_GIT_CREDENTIAL_MATCH_NONE;

  /* git sends the path without its leading slash. */
  prefix = g_strdup (g_uri_get_path (uri));
  g_strstrip (prefix);
  while ((n = strlen (prefix)) > 0 && prefix[n - 1] == '/')
    prefix[n - 1] = '\0';
  if (prefix[0] == '\0')
    return LANYARD_GIT_CREDENTIAL_MATCH_YES;
  if (self->path == NULL)
    return LANYARD_GIT_CREDENTIAL_MATCH_NEEDS_PATH;
  n = strlen (prefix + 1);
  if (strncmp (self->path, prefix + 1, n) != 0 || (self->path[n] != '\0' && self->path[n] != '/'))
    return LANYARD_GIT_CREDENTIAL_MATCH_NONE;
  if (depth != NULL)
    for (const char *c = prefix; *c != '\0'; c++)
      if (*c == '/')
        (*depth)++;
  return LANYARD_GIT_CREDENTIAL_MATCH_YES;
}

/**
 * lanyard_git_credential_request_is_for:
 *
 * Returns: whether lanyard_git_credential_request_match() says yes
 */
gboolean
lanyard_git_credential_request_is_for (const LanyardGitCredentialRequest *self,
                                       const char                        *web_url)
{
  return lanyard_git_credential_request_match (self, web_url, NULL) == LANYARD_GIT_CREDENTIAL_MATCH_YES;
}
