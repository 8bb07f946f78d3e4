/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyardctl"

/* lanyardctl: the command-line client of lanyard-daemon. */

#include "config.h"

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#if HAVE_QRENCODE
#include <qrencode.h>
#endif

#include "lanyard-client-connection.h"
#include "lanyard-client-generated.h"
#include "lanyard-dbus-enum-types.h"
#include "lanyard-dbus-enums.h"

#define ROOT_PATH "/io/github/lanyard/Lanyard"
#define MANAGER_PATH ROOT_PATH "/Manager"
#define ERROR_PREFIX "io.github.lanyard.Error."

enum
{
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
  EXIT_NOT_FOUND = 3,
  EXIT_NO_DAEMON = 4,
  EXIT_KEYRING = 5,
};

static const char usage[] =
  "Usage: lanyardctl [--json] COMMAND [ARGUMENTS]\n"
  "\n"
  "Commands:\n"
  "  providers                      configured providers, and why one is not usable\n"
  "  link PROVIDER [--browser=system|none]\n"
  "                                 sign in and link an account; prints\n"
  "                                 \"Open this URL to sign in: URL\" first\n"
  "  link --device PROVIDER         sign in on another device: prints\n"
  "                                 \"Open this URL on any device: URL\" and\n"
  "                                 \"Enter the code: CODE\", a QR code, and waits\n"
  "                                 (Ctrl-C cancels)\n"
  "  list                           linked accounts\n"
  "  whoami                         the current identity\n"
  "  token ACCOUNT                  a fresh access token (only this prints a secret)\n"
  "  primary ACCOUNT                make ACCOUNT the current identity\n"
  "  unlink ACCOUNT                 revoke at the provider and forget\n"
  "\n"
  "ACCOUNT is provider:account-id, as `lanyardctl list` shows it.\n"
  "--json prints data as JSON (providers, list, whoami, link).\n"
  "\n"
  "Exit status:\n"
  "  0  done\n"
  "  1  the daemon or the provider refused or failed (the message says why)\n"
  "  2  usage error\n"
  "  3  no such provider or account, or the provider is misconfigured\n"
  "  4  lanyard-daemon cannot be reached\n"
  "  5  the keyring is locked or missing\n";

static gboolean json_output;

static int
report_error (GError *error)
{
  g_autofree char *name = g_dbus_error_get_remote_error (error);
  int              status = EXIT_FAILED;

  g_dbus_error_strip_remote_error (error);

  if (name == NULL && (error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR))
    {
      g_printerr ("lanyard-daemon cannot be reached: %s\n", error->message);
      return EXIT_NO_DAEMON;
    }

  if (g_strcmp0 (name, "org.freedesktop.DBus.Error.ServiceUnknown") == 0 ||
      g_strcmp0 (name, "org.freedesktop.DBus.Error.NameHasNoOwner") == 0)
    {
      g_printerr ("lanyard-daemon is not running and could not be started (%s)\n", error->message);
      return EXIT_NO_DAEMON;
    }

  if (g_strcmp0 (name, ERROR_PREFIX "NotFound") == 0 || g_strcmp0 (name, ERROR_PREFIX "Misconfigured") == 0)
    status = EXIT_NOT_FOUND;
  else if (g_strcmp0 (name, ERROR_PREFIX "KeyringLocked") == 0 || g_strcmp0 (name, ERROR_PREFIX "KeyringUnavailable") == 0)
    status = EXIT_KEYRING;

  g_printerr ("%s\n", error->message);
  return status;
}

static void
print_json (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, TRUE);
  g_print ("%s\n", text);
}

static JsonNode *
variant_to_json (GVariant *variant)
{
  return json_gvariant_serialize (variant);
}

/* The session bus, or the daemon's private socket when it runs in a
 * Flatpak (lanyard-client-connection.c); with a NULL name there. */
static GDBusConnection *daemon_connection;
static const char      *daemon_name;

static LanyardDBusManager *
get_manager (GError **error)
{
  daemon_connection = lanyard_client_connect (&daemon_name, NULL, error);
  if (daemon_connection == NULL)
    return NULL;
  return lanyard_dbus_manager_proxy_new_sync (daemon_connection, G_DBUS_PROXY_FLAGS_NONE,
                                              daemon_name, MANAGER_PATH, NULL, error);
}

static const char *
lookup_string (GVariant   *dict,
               const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup (dict, key, "&s", &value))
    return "";
  return value;
}

static int
cmd_providers (LanyardDBusManager *manager)
{
  g_autoptr(GVariant) providers = NULL;
  g_autoptr(GError) error = NULL;
  GVariantIter iter;
  GVariant    *entry;

  if (!lanyard_dbus_manager_call_list_providers_sync (manager, &providers, NULL, &error))
    return report_error (error);

  if (json_output)
    {
      g_autoptr(JsonNode) node = variant_to_json (providers);
      print_json (node);
      return EXIT_OK;
    }

  if (g_variant_n_children (providers) == 0)
    g_print ("No provider is configured (see docs/configuration.md).\n");

  g_variant_iter_init (&iter, providers);
  while ((entry = g_variant_iter_next_value (&iter)) != NULL)
    {
      gboolean                configured = FALSE, demo = FALSE, added = FALSE;
      g_autofree const char **grants = NULL;
      gboolean                browser = TRUE, device = FALSE;

      g_variant_lookup (entry, "configured", "b", &configured);
      g_variant_lookup (entry, "demo", "b", &demo);
      g_variant_lookup (entry, "added", "b", &added);
      /* A daemon older than the device grant sends no "grants". */
      if (g_variant_lookup (entry, "grants", "^a&s", &grants))
        {
          browser = g_strv_contains (grants, lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_GRANT, LANYARD_DBUS_GRANT_AUTHORIZATION_CODE));
          device = g_strv_contains (grants, lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_GRANT, LANYARD_DBUS_GRANT_DEVICE));
        }
      if (configured)
        g_print ("%-16s %-10s %s%s%s%s\n", lookup_string (entry, "id"), lookup_string (entry, "type"),
                 lookup_string (entry, "display-name"),
                 !browser ? " (only on another device: link --device)"
                   : lanyard_dbus_enum_from_nick (LANYARD_TYPE_DBUS_BROWSER_POLICY, lookup_string (entry, "browser-policy"),
                                                  LANYARD_DBUS_BROWSER_POLICY_ANY) == LANYARD_DBUS_BROWSER_POLICY_SYSTEM
                   ? " (signs in with your web browser)"
                   : "",
                 added ? " (added by its address)" : "",
                 browser && device ? " (also on another device: link --device)" : "");
      else
        g_print ("%-16s %-10s not usable: %s\n", lookup_string (entry, "id"), lookup_string (entry, "type"),
                 lookup_string (entry, "problem"));
      (void) demo;
      g_variant_unref (entry);
    }

  return EXIT_OK;
}

static void
print_identity (GVariant *identity)
{
  gboolean attention = FALSE;

  g_variant_lookup (identity, "needs-attention", "b", &attention);
  g_print ("%s:%s\n", lookup_string (identity, "provider"), lookup_string (identity, "account-id"));
  g_print ("  username:     %s\n", lookup_string (identity, "username"));
  g_print ("  name:         %s\n", lookup_string (identity, "display-name"));
  g_print ("  e-mail:       %s\n", lookup_string (identity, "email"));
  {
    g_autofree const char **orgs = NULL;

    if (g_variant_lookup (identity, "orgs", "^a&s", &orgs) && orgs[0] != NULL)
      {
        g_autofree char *joined = g_strjoinv (", ", (GStrv) orgs);

        g_print ("  orgs:         %s\n", joined);
      }
  }
  if (attention)
    g_print ("  needs attention: sign in again\n");
}

static int
cmd_whoami (LanyardDBusManager *manager)
{
  g_autoptr(GVariant) identity = NULL;
  g_autoptr(GError) error = NULL;

  if (!lanyard_dbus_manager_call_get_current_identity_sync (manager, &identity, NULL, &error))
    return report_error (error);

  if (json_output)
    {
      g_autoptr(JsonNode) node = variant_to_json (identity);
      print_json (node);
      return g_variant_n_children (identity) > 0 ? EXIT_OK : EXIT_NOT_FOUND;
    }

  if (g_variant_n_children (identity) == 0)
    {
      g_printerr ("No account is linked.\n");
      return EXIT_NOT_FOUND;
    }

  print_identity (identity);
  return EXIT_OK;
}

/* One account as `list --json` and `link --json` print it: built, never
 * printed into a template, since the strings come from the provider and
 * may look like JSON themselves. */
static void
add_account_json (JsonBuilder        *builder,
                  LanyardDBusAccount *account)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, lanyard_dbus_account_get_key (account));
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, lanyard_dbus_account_get_provider_id (account));
  json_builder_set_member_name (builder, "account-id");
  json_builder_add_string_value (builder, lanyard_dbus_account_get_account_id (account));
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, lanyard_dbus_account_get_username (account));
  json_builder_set_member_name (builder, "display-name");
  json_builder_add_string_value (builder, lanyard_dbus_account_get_display_name (account));
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, lanyard_dbus_account_get_email (account));
  json_builder_set_member_name (builder, "primary");
  json_builder_add_boolean_value (builder, lanyard_dbus_account_get_primary (account));
  json_builder_set_member_name (builder, "needs-attention");
  json_builder_add_boolean_value (builder, lanyard_dbus_account_get_needs_attention (account));
  json_builder_set_member_name (builder, "expires-at");
  json_builder_add_int_value (builder, lanyard_dbus_account_get_expires_at (account));
  json_builder_set_member_name (builder, "orgs");
  json_builder_begin_array (builder);
  for (const char *const *org = lanyard_dbus_account_get_orgs (account); org != NULL && *org != NULL; org++)
    json_builder_add_string_value (builder, *org);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "identity-only");
  json_builder_add_boolean_value (builder, lanyard_dbus_account_get_identity_only (account));
  json_builder_end_object (builder);
}

static int
cmd_list (void)
{
  g_autoptr(GDBusObjectManager) objects = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *owner = NULL;
  GList           *list;

  objects = lanyard_dbus_object_manager_client_new_sync (daemon_connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
                                                         daemon_name, ROOT_PATH, NULL, &error);
  if (objects == NULL)
    return report_error (error);
  owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (objects));
  /* On the private socket there is no bus name to own: the connection is
   * the daemon. */
  if (owner == NULL && daemon_name != NULL)
    {
      g_printerr ("lanyard-daemon is not running and could not be started\n");
      return EXIT_NO_DAEMON;
    }

  json_builder_begin_array (builder);
  list = g_dbus_object_manager_get_objects (objects);
  for (GList *l = list; l != NULL; l = l->next)
    {
      LanyardDBusAccount *account = lanyard_dbus_object_peek_account (LANYARD_DBUS_OBJECT (l->data));

      if (account == NULL)
        continue;

      if (json_output)
        {
          add_account_json (builder, account);
        }
      else
        {
          g_print ("%s%s  %s  %s%s\n", lanyard_dbus_account_get_key (account),
                   lanyard_dbus_account_get_primary (account) ? " (primary)" : "",
                   lanyard_dbus_account_get_username (account),
                   lanyard_dbus_account_get_email (account),
                   lanyard_dbus_account_get_needs_attention (account) ? "  — needs attention: sign in again" : "");
        }
    }
  g_list_free_full (list, g_object_unref);
  json_builder_end_array (builder);

  if (json_output)
    {
      g_autoptr(JsonNode) node = json_builder_get_root (builder);
      print_json (node);
    }

  return EXIT_OK;
}

static LanyardDBusAccount *
get_account (LanyardDBusManager *manager,
             const char         *key,
             int                *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char    *path = NULL;
  LanyardDBusAccount *account;

  if (!lanyard_dbus_manager_call_find_account_sync (manager, key, &path, NULL, &error))
    {
      *status = report_error (error);
      return NULL;
    }

  account = lanyard_dbus_account_proxy_new_sync (daemon_connection, G_DBUS_PROXY_FLAGS_NONE,
                                                 daemon_name, path, NULL, &error);
  if (account == NULL)
    *status = report_error (error);
  return account;
}

static int
cmd_token (LanyardDBusManager *manager,
           const char         *key)
{
  g_autoptr(LanyardDBusAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64           expires_at;
  int              status = EXIT_OK;

  account = get_account (manager, key, &status);
  if (account == NULL)
    return status;

  if (!lanyard_dbus_account_call_get_access_token_sync (account, &token, &expires_at, NULL, &error))
    return report_error (error);

  g_print ("%s\n", token);
  return EXIT_OK;
}

static int
cmd_primary (LanyardDBusManager *manager,
             const char         *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (!lanyard_dbus_manager_call_find_account_sync (manager, key, &path, NULL, &error) ||
      !lanyard_dbus_manager_call_set_primary_sync (manager, path, NULL, &error))
    return report_error (error);

  g_print ("%s is now the current identity.\n", key);
  return EXIT_OK;
}

static int
cmd_unlink (LanyardDBusManager *manager,
            const char         *key)
{
  g_autoptr(LanyardDBusAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean         revoked;
  int              status = EXIT_OK;

  account = get_account (manager, key, &status);
  if (account == NULL)
    return status;

  if (!lanyard_dbus_account_call_unlink_sync (account, &revoked, &message, NULL, &error))
    return report_error (error);

  if (revoked)
    g_print ("Unlinked %s; its access was revoked at the provider.\n", key);
  else
    g_print ("Unlinked %s. %s\n", key, message);
  return EXIT_OK;
}

typedef struct
{
  GMainLoop *loop;
  char      *account_path;
  char      *error_name;
  char      *error_message;
} LinkWait;

static void
succeeded_cb (LanyardDBusFlow *flow,
              const char      *account_path,
              LinkWait        *wait)
{
  wait->account_path = g_strdup (account_path);
  g_main_loop_quit (wait->loop);
}

static void
failed_cb (LanyardDBusFlow *flow,
           const char      *name,
           const char      *message,
           LinkWait        *wait)
{
  wait->error_name = g_strdup (name);
  wait->error_message = g_strdup (message);
  g_main_loop_quit (wait->loop);
}

/* The daemon went away mid-sign-in (crashed, replaced, killed). */
static void
owner_changed_cb (GDBusProxy *proxy,
                  GParamSpec *pspec,
                  LinkWait   *wait)
{
  g_autofree char *owner = g_dbus_proxy_get_name_owner (proxy);

  if (owner != NULL)
    return;
  wait->error_name = g_strdup ("org.freedesktop.DBus.Error.NoReply");
  wait->error_message = g_strdup ("lanyard-daemon stopped during the sign-in. Start it again and link again.");
  g_main_loop_quit (wait->loop);
}

static gboolean
interrupted_cb (gpointer user_data)
{
  LinkWait *wait = user_data;

  wait->error_name = g_strdup (ERROR_PREFIX "Cancelled");
  wait->error_message = g_strdup ("Cancelled.");
  g_main_loop_quit (wait->loop);
  /* cmd_link() removes it once the loop has returned. */
  return G_SOURCE_CONTINUE;
}

#if HAVE_QRENCODE
/* A QR code in the terminal, two modules a character with Unicode half
 * blocks, and a quiet zone of two modules. On a terminal the colours are
 * set (black on white) so that a dark background does not invert it; into
 * a pipe it goes without escapes, dark modules as blocks. */
static void
print_qr_code (FILE       *stream,
               const char *text)
{
  g_autoptr(GString) out = g_string_new (NULL);
  QRcode  *qr = QRcode_encodeString (text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
  gboolean tty = isatty (fileno (stream));
  int      margin = 2;
  int      size;

  if (qr == NULL)
    return;
  size = qr->width + 2 * margin;
  for (int y = 0; y < size; y += 2)
    {
      if (tty)
        g_string_append (out, "\033[30;107m");
      for (int x = 0; x < size; x++)
        {
          int      qx = x - margin;
          int      top_y = y - margin, bottom_y = y + 1 - margin;
          gboolean top = qx >= 0 && qx < qr->width && top_y >= 0 && top_y < qr->width &&
            (qr->data[top_y * qr->width + qx] & 1);
          gboolean bottom = qx >= 0 && qx < qr->width && bottom_y >= 0 && bottom_y < qr->width &&
            (qr->data[bottom_y * qr->width + qx] & 1);

          g_string_append (out, top && bottom ? "█" : top ? "▀"
                             : bottom                     ? "▄"
                                                          : " ");
        }
      if (tty)
        g_string_append (out, "\033[0m");
      g_string_append_c (out, '\n');
    }
  QRcode_free (qr);
  fputs (out->str, stream);
}
#endif

/* The device sign-in's instructions: the two lines scripts read first,
 * then the QR code and the time left. With --json they go to stderr, so
 * that stdout stays one JSON document. */
static void
print_device_instructions (LanyardDBusFlow *flow)
{
  FILE *out = json_output ? stderr : stdout;

  const char *uri = lanyard_dbus_flow_get_verification_uri (flow);
  const char *complete = lanyard_dbus_flow_get_verification_uri_complete (flow);
  gint64      expires_at = lanyard_dbus_flow_get_expires_at (flow);
  gint64      left = expires_at - g_get_real_time () / G_USEC_PER_SEC;

  fprintf (out, "Open this URL on any device: %s\n", uri);
  fprintf (out, "Enter the code: %s\n", lanyard_dbus_flow_get_user_code (flow));
#if HAVE_QRENCODE
  fprintf (out, "Or scan this QR code%s:\n", complete != NULL && complete[0] != '\0' ? " (the code is in it)" : "");
  print_qr_code (out, complete != NULL && complete[0] != '\0' ? complete : uri);
#else
  (void) complete;
#endif
  if (left > 0)
    fprintf (out, "The code expires in %" G_GINT64_FORMAT " minutes. Waiting for the sign-in… (Ctrl-C cancels)\n",
             MAX (1, (left + 30) / 60));
  fflush (out);
}

static int
cmd_link (LanyardDBusManager *manager,
          const char         *provider,
          const char         *browser,
          gboolean            device)
{
  g_autoptr(LanyardDBusFlow) flow = NULL;
  g_autoptr(LanyardDBusAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  LinkWait         wait = { 0 };
  int              status;
  int              result = EXIT_OK;

  {
    GVariantDict options;

    g_variant_dict_init (&options, NULL);
    if (device)
      g_variant_dict_insert (&options, "grant", "s",
                             lanyard_dbus_enum_to_nick (LANYARD_TYPE_DBUS_GRANT, LANYARD_DBUS_GRANT_DEVICE));
    if (!lanyard_dbus_manager_call_start_flow_sync (manager, provider, g_variant_dict_end (&options), &path, NULL, &error))
      return report_error (error);
  }

  flow = lanyard_dbus_flow_proxy_new_sync (daemon_connection, G_DBUS_PROXY_FLAGS_NONE, daemon_name, path, NULL, &error);
  if (flow == NULL)
    return report_error (error);

  wait.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (flow, "succeeded", G_CALLBACK (succeeded_cb), &wait);
  g_signal_connect (flow, "failed", G_CALLBACK (failed_cb), &wait);
  g_signal_connect (flow, "notify::g-name-owner", G_CALLBACK (owner_changed_cb), &wait);

  /* The one line scripts wait for, flushed at once. */
  if (device)
    print_device_instructions (flow);
  else
    {
      g_print ("Open this URL to sign in: %s\n", lanyard_dbus_flow_get_authorize_url (flow));
      fflush (stdout);
    }

  if (!device && g_strcmp0 (browser, "system") == 0)
    {
      g_autoptr(GError) launch_error = NULL;

      if (!g_app_info_launch_default_for_uri (lanyard_dbus_flow_get_authorize_url (flow), NULL, &launch_error))
        g_printerr ("The web browser could not be opened (%s). Open the URL above yourself.\n", launch_error->message);
    }

  /* It may have ended before the signals were connected. */
  status = lanyard_dbus_enum_from_nick (LANYARD_TYPE_DBUS_FLOW_STATUS, lanyard_dbus_flow_get_status (flow),
                                        LANYARD_DBUS_FLOW_STATUS_WAITING);
  if (status == LANYARD_DBUS_FLOW_STATUS_SUCCEEDED)
    wait.account_path = g_strdup (lanyard_dbus_flow_get_account (flow));
  else if (status == LANYARD_DBUS_FLOW_STATUS_FAILED)
    wait.error_message = g_strdup ("The sign-in failed.");
  else
    {
      guint sigint = g_unix_signal_add (SIGINT, interrupted_cb, &wait);
      g_main_loop_run (wait.loop);
      g_source_remove (sigint);
    }

  if (wait.account_path == NULL)
    {
      g_printerr ("Sign-in failed: %s\n", wait.error_message);
      if (g_strcmp0 (wait.error_name, ERROR_PREFIX "Cancelled") == 0)
        lanyard_dbus_flow_call_cancel_sync (flow, NULL, NULL);
      if (g_strcmp0 (wait.error_name, ERROR_PREFIX "KeyringLocked") == 0 ||
          g_strcmp0 (wait.error_name, ERROR_PREFIX "KeyringUnavailable") == 0)
        result = EXIT_KEYRING;
      else if (g_strcmp0 (wait.error_name, "org.freedesktop.DBus.Error.NoReply") == 0)
        result = EXIT_NO_DAEMON;
      else
        result = EXIT_FAILED;
      goto out;
    }

  account = lanyard_dbus_account_proxy_new_sync (daemon_connection, G_DBUS_PROXY_FLAGS_NONE, daemon_name,
                                                 wait.account_path, NULL, &error);
  if (account == NULL)
    {
      result = report_error (error);
      goto out;
    }

  if (json_output)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      add_account_json (builder, account);
      node = json_builder_get_root (builder);
      print_json (node);
    }
  else
    {
      const char *username = lanyard_dbus_account_get_username (account);

      /* No empty brackets for a provider that named nobody. */
      if (username != NULL && username[0] != '\0')
        g_print ("Linked %s:%s (%s)\n", lanyard_dbus_account_get_provider_id (account),
                 lanyard_dbus_account_get_account_id (account), username);
      else
        g_print ("Linked %s:%s\n", lanyard_dbus_account_get_provider_id (account),
                 lanyard_dbus_account_get_account_id (account));
    }

out:
  g_main_loop_unref (wait.loop);
  g_free (wait.account_path);
  g_free (wait.error_name);
  g_free (wait.error_message);
  return result;
}

static int
cmd_add (LanyardDBusManager *manager,
         const char         *address,
         const char         *client_id)
{
  g_autoptr(GVariant) details = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *provider_id = NULL;
  const char      *problem;
  const char      *page;
  gboolean         registered = FALSE, existing = FALSE;

  if (client_id != NULL)
    {
      if (!lanyard_dbus_manager_call_add_server_with_client_id_sync (manager, address, client_id,
                                                                     g_variant_new ("a{sv}", NULL), &provider_id,
                                                                     NULL, &error))
        return report_error (error);
      g_print ("Added %s with the client ID you registered. Sign in with: lanyardctl link %s\n", provider_id,
               provider_id);
      return EXIT_OK;
    }

  if (!lanyard_dbus_manager_call_add_server_sync (manager, address, g_variant_new ("a{sv}", NULL), &provider_id,
                                                  &details, NULL, &error))
    return report_error (error);

  if (json_output)
    {
      g_autoptr(JsonNode) node = variant_to_json (details);
      print_json (node);
      return provider_id[0] != '\0' ? EXIT_OK : EXIT_FAILED;
    }

  g_variant_lookup (details, "registered", "b", &registered);
  g_variant_lookup (details, "existing", "b", &existing);
  if (provider_id[0] != '\0')
    {
      g_print ("%s %s: %s%s. Sign in with: lanyardctl link %s\n", existing ? "Already added as" : "Added",
               provider_id, lookup_string (details, "server-name"),
               existing ? "" : (registered ? ", where Lanyard registered itself" : ""), provider_id);
      return EXIT_OK;
    }

  problem = lookup_string (details, "problem");
  page = lookup_string (details, "applications-url");
  g_print ("%s\n\n"
           "Register Lanyard at %s by hand, with:\n"
           "  redirect URI:  %s\n"
           "  type:          %s\n"
           "  scopes:        %s\n",
           problem, lookup_string (details, "server-name"), lookup_string (details, "redirect-uri"),
           lookup_string (details, "client-type"), lookup_string (details, "scopes"));
  if (page[0] != '\0')
    g_print ("  on the page:   %s\n", page);
  g_print ("then give its client ID: lanyardctl add %s --client-id=CLIENT_ID\n", address);
  return EXIT_FAILED;
}

static int
cmd_rename_provider (LanyardDBusManager *manager,
                     const char         *provider_id,
                     const char         *name)
{
  g_autoptr(GError) error = NULL;

  if (!lanyard_dbus_manager_call_rename_provider_sync (manager, provider_id, name, NULL, &error))
    return report_error (error);
  g_print ("Renamed %s to “%s”\n", provider_id, name);
  return EXIT_OK;
}

static int
cmd_remove_provider (LanyardDBusManager *manager,
                     const char         *provider_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean         deleted = FALSE;

  if (!lanyard_dbus_manager_call_remove_provider_sync (manager, provider_id, &deleted, &message, NULL, &error))
    return report_error (error);
  if (deleted)
    g_print ("Removed %s, and deleted Lanyard's registration at the server.\n", provider_id);
  else if (message[0] != '\0')
    g_print ("Removed %s. %s\n", provider_id, message);
  else
    g_print ("Removed %s.\n", provider_id);
  return EXIT_OK;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(LanyardDBusManager) manager = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *browser = NULL;
  g_autofree char *client_id = NULL;
  gboolean         version = FALSE;
  gboolean         device = FALSE;
  const char      *command;
  GOptionEntry     options[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json_output, "Print data as JSON", NULL },
        { "browser", 0, 0, G_OPTION_ARG_STRING, &browser, "link: system (default) opens the web browser; none only prints the URL", "system|none" },
        { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, "add: the client ID of the application you registered at the server by hand", "ID" },
        { "device", 0, 0, G_OPTION_ARG_NONE, &device, "link: sign in on another device (a code to enter there)", NULL },
        { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
        { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("COMMAND [ARGUMENTS]");
  g_option_context_add_main_entries (context, options, NULL);
  g_option_context_set_summary (context, "The command-line client of lanyard-daemon.");
  g_option_context_set_description (context, usage);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n\n%s", error->message, usage);
      return EXIT_USAGE;
    }

  if (version)
    {
      g_print ("lanyardctl %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  if (argc < 2)
    {
      g_printerr ("%s", usage);
      return EXIT_USAGE;
    }

  command = argv[1];
  if (browser != NULL && !g_str_equal (browser, "system") && !g_str_equal (browser, "none"))
    {
      g_printerr ("--browser must be system or none\n");
      return EXIT_USAGE;
    }

  manager = get_manager (&error);
  if (manager == NULL)
    return report_error (error);

  if (g_str_equal (command, "providers") && argc == 2)
    return cmd_providers (manager);
  if (g_str_equal (command, "whoami") && argc == 2)
    return cmd_whoami (manager);
  if (g_str_equal (command, "list") && argc == 2)
    return cmd_list ();
  if (g_str_equal (command, "link") && argc == 3)
    return cmd_link (manager, argv[2], browser != NULL ? browser : "system", device);
  if (g_str_equal (command, "token") && argc == 3)
    return cmd_token (manager, argv[2]);
  if (g_str_equal (command, "primary") && argc == 3)
    return cmd_primary (manager, argv[2]);
  if (g_str_equal (command, "unlink") && argc == 3)
    return cmd_unlink (manager, argv[2]);
  if (g_str_equal (command, "add") && argc == 3)
    return cmd_add (manager, argv[2], client_id);
  if (g_str_equal (command, "rename-provider") && argc == 4)
    return cmd_rename_provider (manager, argv[2], argv[3]);
  if (g_str_equal (command, "remove-provider") && argc == 3)
    return cmd_remove_provider (manager, argv[2]);

  g_printerr ("Unknown command or wrong arguments: %s\n\n%s", command, usage);
  return EXIT_USAGE;
}
