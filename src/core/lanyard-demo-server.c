/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-demo-server"

#include "lanyard-demo-server.h"

#include <libsoup/soup.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-pkce.h"

/**
 * LanyardDemoServer:
 *
 * A tiny authorization server inside Lanyard's own process, on loopback,
 * so that the demo providers go through the whole round trip — consent
 * page, redirect to the loopback listener, code exchange with PKCE, user
 * information, refresh, revocation — with no account anywhere. It speaks a
 * GitHub-like dialect below `/github` and a GitLab-like one below `/gitlab`.
 *
 * It speaks the device authorization grant (RFC 8628) too: `device/code`
 * hands out a code, and `device` is the page where the person enters it
 * (in any browser on this computer) and approves or denies; the polls get
 * `authorization_pending` until then.
 *
 * Every page it shows says "Demo". It holds nothing but what the current
 * process made up, and is started only when a demo provider is used.
 */
struct _LanyardDemoServer
{
  GObject parent_instance;

  SoupServer *server;
  guint       port;
  GHashTable *codes; /* code → Grant */
  GHashTable *access_tokens; /* token → Grant */
  GHashTable *refresh_tokens; /* token → Grant */
  GHashTable *devices; /* device code → Device */
};

/* A device sign-in waiting for the person (RFC 8628). */
typedef enum
{
  DEVICE_PENDING,
  DEVICE_APPROVED,
  DEVICE_DENIED,
} DeviceState;

typedef struct
{
  char       *flavor;
  char       *user_code;
  char       *username;
  DeviceState state;
  gint64      expires_at; /* monotonic µs */
} Device;

#define DEMO_DEVICE_LIFETIME 600
#define DEMO_DEVICE_INTERVAL 5
/* At most this many device sign-ins wait at once: the oldest go first. */
#define DEMO_DEVICE_MAX 32

static void
device_free (Device *device)
{
  g_free (device->flavor);
  g_free (device->user_code);
  g_free (device->username);
  g_free (device);
}

typedef struct
{
  gatomicrefcount ref_count;
  char           *flavor;
  char           *username;
  char           *challenge;
  char           *redirect_uri;
} Grant;

G_DEFINE_FINAL_TYPE (LanyardDemoServer, lanyard_demo_server, G_TYPE_OBJECT)

static Grant *
grant_ref (Grant *grant)
{
  g_atomic_ref_count_inc (&grant->ref_count);
  return grant;
}

static void
grant_unref (Grant *grant)
{
  if (!g_atomic_ref_count_dec (&grant->ref_count))
    return;

  g_free (grant->flavor);
  g_free (grant->username);
  g_free (grant->challenge);
  g_free (grant->redirect_uri);
  g_free (grant);
}

static void
lanyard_demo_server_finalize (GObject *object)
{
  LanyardDemoServer *self = LANYARD_DEMO_SERVER (object);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_hash_table_unref (self->codes);
  g_hash_table_unref (self->access_tokens);
  g_hash_table_unref (self->refresh_tokens);
  g_hash_table_unref (self->devices);

  G_OBJECT_CLASS (lanyard_demo_server_parent_class)->finalize (object);
}

static void
lanyard_demo_server_class_init (LanyardDemoServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lanyard_demo_server_finalize;
}

static void
lanyard_demo_server_init (LanyardDemoServer *self)
{
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_unref);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_unref);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_unref);
  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) device_free);
}

/**
 * lanyard_demo_server_get_default:
 *
 * Returns: (transfer none): the process's demo server, not yet started
 */
LanyardDemoServer *
lanyard_demo_server_get_default (void)
{
  static gsize              initialized;
  static LanyardDemoServer *instance;

  if (g_once_init_enter (&initialized))
    {
      instance = g_object_new (LANYARD_TYPE_DEMO_SERVER, NULL);
      g_once_init_leave (&initialized, 1);
    }

  return instance;
}

static void
send_html (SoupServerMessage *message,
           guint              status,
           const char        *title,
           const char        *body_html)
{
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);
  char            *page = g_strdup_printf ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                                                      "<meta name=\"viewport\" content=\"width=device-width\">"
                                                      "<title>%s</title><style>"
                                           /* Form controls follow the dark style too. */
                                           ":root{color-scheme:light dark}"
                                                      "body{font-family:system-ui,sans-serif;max-width:28em;margin:3em auto;padding:0 1em;color:#222;background:#fafafa}"
                                                      ".demo{display:inline-block;background:#e5a50a;color:#000;border-radius:4px;padding:2px 8px;font-weight:bold}"
                                                      "button{font-size:1em;padding:.5em 1.2em;margin-right:.5em;border-radius:6px}"
                                           /* As a GNOME suggested action: the expected answer. */
                                           "button.suggested{background:#3584e4;color:#fff;border:1px solid #1c71d8}"
                                                      "@media(prefers-color-scheme:dark){body{color:#eee;background:#242424}}"
                                                      "</style></head><body><p class=\"demo\">Demo</p><h1>%s</h1>%s</body></html>\n",
                                           escaped_title, escaped_title, body_html);

  soup_message_headers_replace (soup_server_message_get_response_headers (message), "Cache-Control", "no-store");
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, page, strlen (page));
}

static void
send_json (SoupServerMessage *message,
           guint              status,
           const char        *json)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (message), "Cache-Control", "no-store");
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static gboolean
redirect_uri_is_loopback (const char *redirect_uri)
{
  g_autoptr(GUri) uri = redirect_uri != NULL ? g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;

  host = g_uri_get_host (uri);
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0 ||
    g_strcmp0 (host, "localhost") == 0;
}

static void
append_hidden (GString    *html,
               GHashTable *query,
               const char *name)
{
  const char      *value = g_hash_table_lookup (query, name);
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  escaped = g_markup_escape_text (value, -1);
  g_string_append_printf (html, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", name, escaped);
}

static const char *
flavor_name (const char *flavor)
{
  return g_str_equal (flavor, "gitlab") ? "GitLab (Demo)" : "GitHub (Demo)";
}

/* LANYARD_DEMO_AUTO_APPROVE=USER, when USER is a valid demo user name. */
static const char *
demo_auto_approve_user (void)
{
  const char *user = g_getenv ("LANYARD_DEMO_AUTO_APPROVE");

  if (user == NULL || user[0] == '\0' || strlen (user) > 39)
    return NULL;
  for (const char *c = user; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-')
      return NULL;
  return user;
}

static void
handle_authorize (SoupServerMessage *message,
                  const char        *flavor,
                  GHashTable        *query)
{
  g_autoptr(GString) html = g_string_new (NULL);
  const char      *redirect_uri = query != NULL ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  g_autofree char *title = g_strdup_printf ("Sign in to %s", flavor_name (flavor));

  /* RFC 6749 §4.1.2.1: with a bad redirect URI, tell the person, never
   * redirect. */
  if (query == NULL ||
      g_strcmp0 (g_hash_table_lookup (query, "client_id"), LANYARD_DEMO_CLIENT_ID) != 0 ||
      !redirect_uri_is_loopback (redirect_uri) ||
      g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "code_challenge_method"), "S256") != 0 ||
      g_hash_table_lookup (query, "code_challenge") == NULL)
    {
      send_html (message, SOUP_STATUS_BAD_REQUEST, "Invalid sign-in request",
                 "<p>This demo sign-in request is incomplete. Start again from Lanyard.</p>");
      return;
    }

  /* Scripted demos and tests that drive a web view nobody clicks in (the
   * Flatpak test's window): the consent page answers as if Approve had been
   * pressed for that demo user. */
  if (demo_auto_approve_user () != NULL)
    {
      g_autofree char *request = g_uri_to_string (soup_server_message_get_uri (message));
      g_autofree char *approve = lanyard_demo_approve_url (request, demo_auto_approve_user ());

      if (approve != NULL)
        {
          soup_server_message_set_redirect (message, SOUP_STATUS_FOUND, approve);
          return;
        }
    }

  g_string_append_printf (html,
                          "<p>Lanyard asks to link your demo account. Nothing here is real: "
                          "no password is needed and nothing leaves this computer.</p>"
                          "<form method=\"get\" action=\"/%s/approve\">",
                          flavor);
  append_hidden (html, query, "redirect_uri");
  append_hidden (html, query, "state");
  append_hidden (html, query, "code_challenge");
  append_hidden (html, query, "scope");
  g_string_append (html,
                   "<p><label>Demo user name <input name=\"username\" value=\"demo-user\" "
                   "pattern=\"[A-Za-z0-9-]{1,39}\" required></label></p>"
                   "<p><button type=\"submit\" name=\"decision\" value=\"approve\" class=\"suggested\">Approve</button>"
                   "<button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button></p>"
                   "</form>");

  send_html (message, SOUP_STATUS_OK, title, html->str);
}

static gboolean
username_is_valid (const char *username)
{
  if (username == NULL || username[0] == '\0' || strlen (username) > 39)
    return FALSE;
  for (const char *p = username; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

static void
redirect_with (SoupServerMessage *message,
               const char        *redirect_uri,
               const char        *first_name,
               ...)
{
  g_autoptr(GUri) base = g_uri_parse (redirect_uri, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *query = NULL;
  g_autofree char *location = NULL;
  va_list          args;

  va_start (args, first_name);
  query = soup_form_encode_valist (first_name, args);
  va_end (args);

  uri = soup_uri_copy (base, SOUP_URI_QUERY, query, SOUP_URI_NONE);
  location = g_uri_to_string (uri);
  soup_server_message_set_redirect (message, SOUP_STATUS_FOUND, location);
}

static void
handle_approve (LanyardDemoServer *self,
                SoupServerMessage *message,
                const char        *flavor,
                GHashTable        *query)
{
  const char *redirect_uri = query != NULL ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state, *username, *challenge;
  Grant      *grant;
  char       *code;

  if (!redirect_uri_is_loopback (redirect_uri))
    {
      send_html (message, SOUP_STATUS_BAD_REQUEST, "Invalid sign-in request",
                 "<p>This demo sign-in request is incomplete. Start again from Lanyard.</p>");
      return;
    }

  state = g_hash_table_lookup (query, "state");
  if (g_strcmp0 (g_hash_table_lookup (query, "decision"), "approve") != 0)
    {
      redirect_with (message, redirect_uri, "error", "access_denied",
                     "error_description", "The demo sign-in was denied",
                     state != NULL ? "state" : NULL, state, NULL);
      return;
    }

  username = g_hash_table_lookup (query, "username");
  challenge = g_hash_table_lookup (query, "code_challenge");
  if (!username_is_valid (username) || challenge == NULL)
    {
      send_html (message, SOUP_STATUS_BAD_REQUEST, "Invalid user name",
                 "<p>Demo user names are 1 to 39 letters, digits or dashes. Go back and try another.</p>");
      return;
    }

  grant = g_new0 (Grant, 1);
  g_atomic_ref_count_init (&grant->ref_count);
  grant->flavor = g_strdup (flavor);
  grant->username = g_strdup (username);
  grant->challenge = g_strdup (challenge);
  grant->redirect_uri = g_strdup (redirect_uri);

  code = lanyard_random_token (16);
  g_hash_table_insert (self->codes, code, grant);

  redirect_with (message, redirect_uri, "code", code,
                 state != NULL ? "state" : NULL, state, NULL);
}

static void
issue_tokens (LanyardDemoServer *self,
              SoupServerMessage *message,
              Grant             *grant)
{
  g_autofree char *json = NULL;
  g_autofree char *random = lanyard_random_token (24);
  char            *access_token = g_strconcat ("demo_at_", random, NULL);

  /* Like GitHub OAuth Apps, the GitHub-like tokens do not expire; like
   * GitLab, the GitLab-like ones last two hours and come with a refresh
   * token that rotates. */
  g_hash_table_insert (self->access_tokens, access_token, grant_ref (grant));
  if (g_str_equal (grant->flavor, "gitlab"))
    {
      g_autofree char *random_refresh = lanyard_random_token (24);
      char            *refresh_token = g_strconcat ("demo_rt_", random_refresh, NULL);

      g_hash_table_insert (self->refresh_tokens, refresh_token, grant_ref (grant));
      json = g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"Bearer\",\"expires_in\":7200,"
                              "\"refresh_token\":\"%s\",\"scope\":\"read_user\"}",
                              access_token, refresh_token);
    }
  else
    {
      json = g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"bearer\",\"scope\":\"read:user\"}",
                              access_token);
    }

  send_json (message, SOUP_STATUS_OK, json);
  memset (json, 0, strlen (json));
}

static void handle_device_poll (LanyardDemoServer *self,
                                SoupServerMessage *message,
                                GHashTable        *form);

static void
handle_token (LanyardDemoServer *self,
              SoupServerMessage *message)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");

  if (g_strcmp0 (g_hash_table_lookup (form, "client_id"), LANYARD_DEMO_CLIENT_ID) != 0)
    {
      send_json (message, SOUP_STATUS_UNAUTHORIZED, "{\"error\":\"invalid_client\"}");
      return;
    }

  if (g_strcmp0 (grant_type, "urn:ietf:params:oauth:grant-type:device_code") == 0)
    {
      handle_device_poll (self, message, form);
      return;
    }

  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    {
      const char      *code = g_hash_table_lookup (form, "code");
      g_autofree char *challenge = NULL;
      g_autofree char *stolen_code = NULL;
      Grant           *grant = NULL;

      /* Codes are single-use: taken out of the table whatever happens. */
      if (code != NULL)
        g_hash_table_steal_extended (self->codes, code, (gpointer *) &stolen_code, (gpointer *) &grant);
      challenge = lanyard_pkce_challenge_s256 (g_hash_table_lookup (form, "code_verifier"));

      if (grant == NULL ||
          g_strcmp0 (grant->redirect_uri, g_hash_table_lookup (form, "redirect_uri")) != 0 ||
          challenge == NULL || !g_str_equal (challenge, grant->challenge))
        send_json (message, SOUP_STATUS_BAD_REQUEST,
                   "{\"error\":\"invalid_grant\",\"error_description\":\"The code is unknown, used, or does not match the verifier\"}");
      else
        issue_tokens (self, message, grant);

      g_clear_pointer (&grant, grant_unref);
      return;
    }

  if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      const char      *refresh_token = g_hash_table_lookup (form, "refresh_token");
      g_autofree char *stolen = NULL;
      Grant           *grant = NULL;

      if (refresh_token != NULL)
        g_hash_table_steal_extended (self->refresh_tokens, refresh_token, (gpointer *) &stolen, (gpointer *) &grant);

      if (grant == NULL)
        send_json (message, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_grant\"}");
      else
        issue_tokens (self, message, grant);

      g_clear_pointer (&grant, grant_unref);
      return;
    }

  send_json (message, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"unsupported_grant_type\"}");
}

/* Eight letters from an alphabet without look-alikes (no 0/O, 1/I/L), as
 * "BCDF-GHJK". */
static char *
new_user_code (void)
{
  static const char alphabet[] = "BCDFGHJKMNPQRSTVWXZ";
  g_autofree char  *random = lanyard_random_token (16);
  GString          *code = g_string_new (NULL);

  for (guint i = 0; i < 8; i++)
    {
      if (i == 4)
        g_string_append_c (code, '-');
      g_string_append_c (code, alphabet[(guchar) random[i] % (sizeof alphabet - 1)]);
    }
  return g_string_free (code, FALSE);
}

static void
drop_expired_devices (LanyardDemoServer *self)
{
  GHashTableIter iter;
  Device        *device;
  gint64         now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &device))
    if (device->expires_at <= now || g_hash_table_size (self->devices) > DEMO_DEVICE_MAX)
      g_hash_table_iter_remove (&iter);
}

/* RFC 8628 §3.1–3.2 */
static void
handle_device_code (LanyardDemoServer *self,
                    SoupServerMessage *message,
                    const char        *flavor)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  g_autofree char *device_code = NULL;
  g_autofree char *json = NULL;
  Device          *device;

  if (g_strcmp0 (g_hash_table_lookup (form, "client_id"), LANYARD_DEMO_CLIENT_ID) != 0)
    {
      send_json (message, SOUP_STATUS_UNAUTHORIZED, "{\"error\":\"invalid_client\"}");
      return;
    }

  drop_expired_devices (self);
  device = g_new0 (Device, 1);
  device->flavor = g_strdup (flavor);
  device->user_code = new_user_code ();
  device->expires_at = g_get_monotonic_time () + DEMO_DEVICE_LIFETIME * G_USEC_PER_SEC;
  /* Scripted demos: approved at once for that demo user. */
  if (demo_auto_approve_user () != NULL)
    {
      device->username = g_strdup (demo_auto_approve_user ());
      device->state = DEVICE_APPROVED;
    }
  device_code = lanyard_random_token (24);
  json = g_strdup_printf ("{\"device_code\":\"%s\",\"user_code\":\"%s\","
                          "\"verification_uri\":\"http://127.0.0.1:%u/%s/device\","
                          "\"verification_uri_complete\":\"http://127.0.0.1:%u/%s/device?user_code=%s\","
                          "\"expires_in\":%d,\"interval\":%d}",
                          device_code, device->user_code, self->port, flavor, self->port, flavor,
                          device->user_code, DEMO_DEVICE_LIFETIME, DEMO_DEVICE_INTERVAL);
  g_hash_table_insert (self->devices, g_strdup (device_code), device);
  send_json (message, SOUP_STATUS_OK, json);
  memset (json, 0, strlen (json));
}

static Device *
device_by_user_code (LanyardDemoServer *self,
                     const char        *flavor,
                     const char        *user_code)
{
  GHashTableIter iter;
  Device        *device;

  if (user_code == NULL)
    return NULL;
  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &device))
    if (g_str_equal (device->flavor, flavor) && g_ascii_strcasecmp (device->user_code, user_code) == 0 &&
        device->expires_at > g_get_monotonic_time ())
      return device;
  return NULL;
}

/* The page where the person enters the code (RFC 8628 §3.3), and its
 * answer. */
static void
handle_device_page (LanyardDemoServer *self,
                    SoupServerMessage *message,
                    const char        *flavor,
                    GHashTable        *query)
{
  g_autoptr(GString) html = g_string_new (NULL);
  g_autofree char *title = g_strdup_printf ("Sign in to %s on this device", flavor_name (flavor));
  const char      *decision = query != NULL ? g_hash_table_lookup (query, "decision") : NULL;
  const char      *user_code = query != NULL ? g_hash_table_lookup (query, "user_code") : NULL;
  g_autofree char *escaped = g_markup_escape_text (user_code != NULL ? user_code : "", -1);

  if (decision != NULL)
    {
      Device     *device = device_by_user_code (self, flavor, user_code);
      const char *username = g_hash_table_lookup (query, "username");

      if (device == NULL || device->state != DEVICE_PENDING)
        {
          send_html (message, SOUP_STATUS_BAD_REQUEST, "Unknown code",
                     "<p>No demo sign-in is waiting for this code, or it has expired. Check the code Lanyard shows, "
                     "or start again from Lanyard.</p>");
          return;
        }
      if (!g_str_equal (decision, "approve"))
        {
          device->state = DEVICE_DENIED;
          send_html (message, SOUP_STATUS_OK, "Denied", "<p>The demo sign-in was denied. You can close this page.</p>");
          return;
        }
      if (!username_is_valid (username))
        {
          send_html (message, SOUP_STATUS_BAD_REQUEST, "Invalid user name",
                     "<p>Demo user names are 1 to 39 letters, digits or dashes. Go back and try another.</p>");
          return;
        }
      device->username = g_strdup (username);
      device->state = DEVICE_APPROVED;
      send_html (message, SOUP_STATUS_OK, "Approved",
                 "<p>The demo sign-in was approved. Lanyard finishes it in a few seconds; you can close this page.</p>");
      return;
    }

  g_string_append_printf (html,
                          "<p>Enter the code Lanyard shows to link your demo account. Nothing here is real: "
                          "no password is needed and nothing leaves this computer.</p>"
                          "<form method=\"get\" action=\"/%s/device\">"
                          "<p><label>Code <input name=\"user_code\" value=\"%s\" required "
                          "pattern=\"[A-Za-z-]{4,9}\" autocapitalize=\"characters\"></label></p>"
                          "<p><label>Demo user name <input name=\"username\" value=\"demo-user\" "
                          "pattern=\"[A-Za-z0-9-]{1,39}\" required></label></p>"
                          "<p><button type=\"submit\" name=\"decision\" value=\"approve\" class=\"suggested\">Approve</button>"
                          "<button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button></p>"
                          "</form>",
                          flavor, escaped);
  send_html (message, SOUP_STATUS_OK, title, html->str);
}

/* RFC 8628 §3.4–3.5 */
static void
handle_device_poll (LanyardDemoServer *self,
                    SoupServerMessage *message,
                    GHashTable        *form)
{
  const char      *device_code = g_hash_table_lookup (form, "device_code");
  Device          *device = device_code != NULL ? g_hash_table_lookup (self->devices, device_code) : NULL;
  g_autofree char *stolen = NULL;
  Grant           *grant;

  if (device == NULL)
    {
      send_json (message, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"invalid_grant\"}");
      return;
    }
  if (device->expires_at <= g_get_monotonic_time ())
    {
      g_hash_table_remove (self->devices, device_code);
      send_json (message, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"expired_token\"}");
      return;
    }
  if (device->state == DEVICE_PENDING)
    {
      send_json (message, SOUP_STATUS_BAD_REQUEST, "{\"error\":\"authorization_pending\"}");
      return;
    }
  if (device->state == DEVICE_DENIED)
    {
      g_hash_table_remove (self->devices, device_code);
      send_json (message, SOUP_STATUS_BAD_REQUEST,
                 "{\"error\":\"access_denied\",\"error_description\":\"The demo sign-in was denied\"}");
      return;
    }

  /* Approved: a device code is used once. */
  g_hash_table_steal_extended (self->devices, device_code, (gpointer *) &stolen, (gpointer *) &device);
  grant = g_new0 (Grant, 1);
  g_atomic_ref_count_init (&grant->ref_count);
  grant->flavor = g_strdup (device->flavor);
  grant->username = g_strdup (device->username);
  device_free (device);
  issue_tokens (self, message, grant);
  grant_unref (grant);
}

static Grant *
grant_for_bearer (LanyardDemoServer *self,
                  SoupServerMessage *message)
{
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                            "Authorization");

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return NULL;

  return g_hash_table_lookup (self->access_tokens, authorization + 7);
}

/* Stable across runs for the same user name, like a real account id. */
static guint64
account_number (const char *username)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize  len = sizeof digest;

  g_checksum_update (checksum, (const guchar *) username, -1);
  g_checksum_get_digest (checksum, digest, &len);

  return 1000000 + (((guint64) digest[0] << 16 | digest[1] << 8 | digest[2]) % 9000000);
}

static void
handle_user (LanyardDemoServer *self,
             SoupServerMessage *message,
             const char        *flavor)
{
  Grant           *grant = grant_for_bearer (self, message);
  g_autofree char *json = NULL;
  g_autofree char *avatar = NULL;

  if (grant == NULL || !g_str_equal (grant->flavor, flavor))
    {
      send_json (message, SOUP_STATUS_UNAUTHORIZED, "{\"message\":\"Bad credentials\"}");
      return;
    }

  avatar = g_strdup_printf ("http://127.0.0.1:%u/avatar/%s.svg", self->port, grant->username);
  if (g_str_equal (flavor, "gitlab"))
    json = g_strdup_printf ("{\"sub\":\"%" G_GUINT64_FORMAT "\",\"nickname\":\"%s\",\"name\":\"Demo User %s\","
                            "\"email\":\"%s@demo.invalid\",\"email_verified\":true,\"picture\":\"%s\"}",
                            account_number (grant->username), grant->username, grant->username,
                            grant->username, avatar);
  else
    json = g_strdup_printf ("{\"id\":%" G_GUINT64_FORMAT ",\"login\":\"%s\",\"name\":\"Demo User %s\","
                            "\"email\":\"%s@demo.invalid\",\"avatar_url\":\"%s\"}",
                            account_number (grant->username), grant->username, grant->username,
                            grant->username, avatar);

  send_json (message, SOUP_STATUS_OK, json);
}

static void
handle_revoke (LanyardDemoServer *self,
               SoupServerMessage *message)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  const char *token = g_hash_table_lookup (form, "token");

  /* RFC 7009 §2.2: 200 whether or not the token was known. */
  if (token != NULL)
    {
      g_hash_table_remove (self->access_tokens, token);
      g_hash_table_remove (self->refresh_tokens, token);
    }
  send_json (message, SOUP_STATUS_OK, "{}");
}

static void
handle_avatar (SoupServerMessage *message,
               const char        *name)
{
  g_autofree char *initial = g_utf8_strup (name, 1);
  char            *svg = g_strdup_printf ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"96\" height=\"96\">"
                                                     "<rect width=\"96\" height=\"96\" rx=\"48\" fill=\"#e5a50a\"/>"
                                                     "<text x=\"48\" y=\"62\" font-size=\"44\" text-anchor=\"middle\" "
                                                     "font-family=\"sans-serif\">%c</text></svg>",
                               g_ascii_isalnum (initial[0]) ? initial[0] : '?');

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "image/svg+xml", SOUP_MEMORY_TAKE, svg, strlen (svg));
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  LanyardDemoServer *self = user_data;
  const char        *method = soup_server_message_get_method (message);
  g_auto(GStrv) parts = g_strsplit (path + 1, "/", 3);
  const char *flavor = parts[0];
  const char *rest = parts[0] != NULL ? parts[1] : NULL;

  if (g_strcmp0 (flavor, "avatar") == 0 && rest != NULL && g_str_has_suffix (rest, ".svg"))
    {
      handle_avatar (message, rest);
      return;
    }

  if ((g_strcmp0 (flavor, "github") != 0 && g_strcmp0 (flavor, "gitlab") != 0) || rest == NULL)
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  if (method == SOUP_METHOD_GET && g_str_equal (rest, "authorize"))
    handle_authorize (message, flavor, query);
  else if (method == SOUP_METHOD_GET && g_str_equal (rest, "approve"))
    handle_approve (self, message, flavor, query);
  else if (method == SOUP_METHOD_POST && g_str_equal (rest, "token"))
    handle_token (self, message);
  else if (method == SOUP_METHOD_GET && g_str_equal (rest, "user"))
    handle_user (self, message, flavor);
  else if (method == SOUP_METHOD_POST && g_str_equal (rest, "revoke"))
    handle_revoke (self, message);
  else if (method == SOUP_METHOD_POST && g_str_equal (rest, "device") && g_strcmp0 (parts[2], "code") == 0)
    handle_device_code (self, message, flavor);
  else if (method == SOUP_METHOD_GET && g_str_equal (rest, "device") && parts[2] == NULL)
    handle_device_page (self, message, flavor, query);
  else
    soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
}

/**
 * lanyard_demo_server_start:
 *
 * Starts listening on 127.0.0.1 on an ephemeral port, once per process.
 */
gboolean
lanyard_demo_server_start (LanyardDemoServer *self,
                           GError           **error)
{
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSList) listeners = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (LANYARD_IS_DEMO_SERVER (self), FALSE);

  if (self->server != NULL)
    return TRUE;

  self->server = soup_server_new ("server-header", "Lanyard-Demo", NULL);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  if (!soup_server_listen (self->server, address, 0, &local_error))
    {
      g_clear_object (&self->server);
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_FAILED,
                   "The demo provider could not start: %s", local_error->message);
      return FALSE;
    }

  listeners = soup_server_get_listeners (self->server);
  local = g_socket_get_local_address (listeners->data, NULL);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);

  g_debug ("Demo provider listening on 127.0.0.1:%u", self->port);
  return TRUE;
}

/**
 * lanyard_demo_server_dup_base_url:
 * @flavor: `github` or `gitlab`
 */
char *
lanyard_demo_server_dup_base_url (LanyardDemoServer *self,
                                  const char        *flavor)
{
  g_return_val_if_fail (LANYARD_IS_DEMO_SERVER (self), NULL);
  g_return_val_if_fail (self->server != NULL, NULL);

  return g_strdup_printf ("http://127.0.0.1:%u/%s", self->port, flavor);
}

/**
 * lanyard_demo_approve_url:
 * @authorize_url: an authorize URL of a demo provider
 * @username: the demo user to sign in as
 *
 * What pressing "Approve" on the demo consent page requests, for scripted
 * demos (the README's run command) where nobody clicks.
 *
 * Returns: (transfer full) (nullable):
 */
char *
lanyard_demo_approve_url (const char *authorize_url,
                          const char *username)
{
  g_autoptr(GUri) uri = g_uri_parse (authorize_url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) answer = NULL;
  g_autoptr(GUri) approve = NULL;
  GHashTableIter   iter;
  gpointer         key, value;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;

  if (uri == NULL || g_uri_get_query (uri) == NULL || !g_str_has_suffix (g_uri_get_path (uri), "/authorize"))
    return NULL;

  /* soup_form_decode() values share their key's allocation: add ours to a
   * table that owns nothing. */
  params = soup_form_decode (g_uri_get_query (uri));
  answer = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (answer, key, value);
  g_hash_table_insert (answer, (char *) "decision", (char *) "approve");
  g_hash_table_insert (answer, (char *) "username", (char *) username);
  query = soup_form_encode_hash (answer);

  path = g_strndup (g_uri_get_path (uri), strlen (g_uri_get_path (uri)) - strlen ("authorize"));
  {
    char *full = g_strconcat (path, "approve", NULL);
    g_free (path);
    path = full;
  }

  approve = soup_uri_copy (uri, SOUP_URI_PATH, path, SOUP_URI_QUERY, query, SOUP_URI_NONE);
  return g_uri_to_string (approve);
}

/**
 * lanyard_demo_avatar_to_stored:
 * @avatar_url: (nullable): an avatar URL as the demo server's user endpoint
 *   gives it, `http://127.0.0.1:PORT/avatar/NAME.svg`
 *
 * The form an account keeps: `lanyard-demo:avatar/NAME.svg`. The port is
 * that of this process's demo server, which listens on another one after a
 * restart; a URL with it would point at nothing then.
 *
 * Returns: (transfer full) (nullable): the stored form, or a copy of
 *   @avatar_url when it is not this demo server's
 */
char *
lanyard_demo_avatar_to_stored (const char *avatar_url)
{
  LanyardDemoServer *self = lanyard_demo_server_get_default ();
  g_autofree char   *prefix = NULL;

  if (avatar_url == NULL || self->server == NULL)
    return g_strdup (avatar_url);
  prefix = g_strdup_printf ("http://127.0.0.1:%u/avatar/", self->port);
  if (!g_str_has_prefix (avatar_url, prefix))
    return g_strdup (avatar_url);
  return g_strconcat (LANYARD_DEMO_AVATAR_SCHEME ":avatar/", avatar_url + strlen (prefix), NULL);
}

/**
 * lanyard_demo_avatar_is_stored:
 * @text: (nullable): an avatar address
 *
 * Whether @text is a demo avatar as an account keeps it,
 * `lanyard-demo:avatar/NAME.svg` with NAME a demo user name, and nothing
 * else.
 */
gboolean
lanyard_demo_avatar_is_stored (const char *text)
{
  const char *name;
  gsize       length;

  if (text == NULL || !g_str_has_prefix (text, LANYARD_DEMO_AVATAR_SCHEME ":avatar/"))
    return FALSE;
  name = text + strlen (LANYARD_DEMO_AVATAR_SCHEME ":avatar/");
  if (!g_str_has_suffix (name, ".svg"))
    return FALSE;
  length = strlen (name) - strlen (".svg");
  if (length == 0 || length > 39)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '-')
      return FALSE;
  return TRUE;
}

/**
 * lanyard_demo_avatar_from_stored:
 * @stored: (nullable): an avatar URL as an account keeps it
 *
 * The URL of a stored demo avatar on this process's demo server, which
 * starts for it if it has not yet.
 *
 * Returns: (transfer full) (nullable): an `http://127.0.0.1` URL, or %NULL
 *   when @stored is not a demo avatar (or the demo server cannot start)
 */
char *
lanyard_demo_avatar_from_stored (const char *stored)
{
  LanyardDemoServer *self = lanyard_demo_server_get_default ();
  const char        *name;
  g_autoptr(GError) error = NULL;

  if (!lanyard_demo_avatar_is_stored (stored))
    return NULL;
  name = stored + strlen (LANYARD_DEMO_AVATAR_SCHEME ":avatar/");
  if (!lanyard_demo_server_start (self, &error))
    {
      g_debug ("No demo avatar: %s", error->message);
      return NULL;
    }
  return g_strdup_printf ("http://127.0.0.1:%u/avatar/%s", self->port, name);
}
