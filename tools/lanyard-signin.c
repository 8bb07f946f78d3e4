/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-signin"

/* lanyard-signin: one sign-in, in this process, without the daemon.
 *
 * A developer's tool for trying a provider configuration and for the demo:
 * it runs the whole flow (loopback listener, browser, code exchange,
 * identity) and prints who signed in. It keeps nothing: tokens are
 * dropped at exit and never printed. Linking accounts for good is the
 * daemon's job (lanyardctl link). */

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "lanyard-demo-server.h"
#include "lanyard-error.h"
#include "lanyard-flow.h"
#include "lanyard-provider-registry.h"

enum
{
  EXIT_SIGNED_IN = 0,
  EXIT_SIGN_IN_FAILED = 1,
  EXIT_USAGE = 2,
  EXIT_MISCONFIGURED = 3,
};

typedef struct
{
  GMainLoop    *loop;
  LanyardFlow  *flow;
  GCancellable *cancellable;
  char         *auto_approve;
  gboolean      open_browser;
  SoupSession  *browser;
  int           status;
} SignIn;

static const char *
or_dash (const char *value)
{
  return value != NULL ? value : "—";
}

static void
print_providers (LanyardProviderRegistry *registry)
{
  GPtrArray         *entries = lanyard_provider_registry_get_entries (registry);
  const char *const *problems = lanyard_provider_registry_get_problems (registry);

  if (entries->len == 0)
    g_print ("No provider is configured. See docs/configuration.md, or try --demo.\n");

  for (guint i = 0; i < entries->len; i++)
    {
      const LanyardProviderEntry *entry = g_ptr_array_index (entries, i);

      if (entry->provider != NULL)
        g_print ("%-16s %-10s %s\n", entry->id, entry->type_name, entry->display_name);
      else
        g_print ("%-16s %-10s %s — not usable: %s\n", entry->id, entry->type_name, entry->display_name, entry->problem);
    }

  for (guint i = 0; problems[i] != NULL; i++)
    g_printerr ("%s\n", problems[i]);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SignIn *sign_in = user_data;
  g_autoptr(GError) error = NULL;
  LanyardIdentity *identity;
  LanyardTokenSet *tokens;

  if (!lanyard_flow_wait_finish (LANYARD_FLOW (object), result, &error))
    {
      g_printerr ("Sign-in failed: %s\n", error->message);
      sign_in->status = EXIT_SIGN_IN_FAILED;
      g_main_loop_quit (sign_in->loop);
      return;
    }

  identity = lanyard_flow_get_identity (sign_in->flow);
  tokens = lanyard_flow_get_tokens (sign_in->flow);

  g_print ("Signed in to %s.\n", lanyard_provider_get_display_name (lanyard_flow_get_provider (sign_in->flow)));
  g_print ("  provider:     %s\n", lanyard_identity_get_provider_id (identity));
  g_print ("  account id:   %s\n", lanyard_identity_get_account_id (identity));
  g_print ("  username:     %s\n", or_dash (lanyard_identity_get_username (identity)));
  g_print ("  name:         %s\n", or_dash (lanyard_identity_get_display_name (identity)));
  g_print ("  e-mail:       %s\n", or_dash (lanyard_identity_get_email (identity)));
  if (lanyard_token_set_get_expires_at (tokens) != 0)
    {
      g_autoptr(GDateTime) expiry = g_date_time_new_from_unix_local (lanyard_token_set_get_expires_at (tokens));
      g_autofree char *text = g_date_time_format (expiry, "%c");

      g_print ("  token valid until %s%s\n", text,
               lanyard_token_set_get_refresh_token (tokens) != NULL ? ", renewable" : "");
    }
  else
    {
      g_print ("  token does not expire\n");
    }
  g_print ("The tokens were not stored anywhere; this tool forgets them now.\n");

  sign_in->status = EXIT_SIGNED_IN;
  g_main_loop_quit (sign_in->loop);
}

static void
approve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) page = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  /* The flow reports the outcome; a failed page load is only a detail. */
  if (page == NULL)
    g_debug ("The scripted browser got no page: %s", error->message);
}

static void
start_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  SignIn *sign_in = user_data;
  g_autoptr(GError) error = NULL;
  const char *url;

  if (!lanyard_flow_start_finish (sign_in->flow, result, &error))
    {
      g_printerr ("Sign-in could not start: %s\n", error->message);
      sign_in->status = EXIT_SIGN_IN_FAILED;
      g_main_loop_quit (sign_in->loop);
      return;
    }

  url = lanyard_flow_get_authorize_url (sign_in->flow);
  g_print ("Open this URL to sign in: %s\n", url);
  fflush (stdout);

  if (sign_in->open_browser)
    {
      g_autoptr(GError) launch_error = NULL;

      /* RFC 8252 §8.12: the person's own browser, where their password
       * manager and existing sessions are. */
      if (!g_app_info_launch_default_for_uri (url, NULL, &launch_error))
        g_printerr ("The web browser could not be opened (%s). Open the URL above yourself.\n",
                    launch_error->message);
    }

  if (sign_in->auto_approve != NULL)
    {
      g_autofree char *approve = lanyard_demo_approve_url (url, sign_in->auto_approve);
      g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, approve);

      g_print ("Approving as the demo user “%s”, as if you had pressed Approve…\n", sign_in->auto_approve);
      sign_in->browser = soup_session_new ();
      soup_session_send_and_read_async (sign_in->browser, message, G_PRIORITY_DEFAULT,
                                        NULL, approve_cb, sign_in);
    }

  lanyard_flow_wait_async (sign_in->flow, sign_in->cancellable, wait_cb, sign_in);
}

static gboolean
interrupted_cb (gpointer user_data)
{
  SignIn *sign_in = user_data;

  g_cancellable_cancel (sign_in->cancellable);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(LanyardProviderRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char            *browser = NULL;
  g_autofree char            *auto_approve = NULL;
  gboolean                    demo = FALSE;
  gboolean                    list = FALSE;
  const LanyardProviderEntry *entry;
  SignIn                      sign_in = { 0 };
  GOptionEntry                options[] = {
                   { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Add the demo providers demo-github and demo-gitlab", NULL },
                   { "list", 'l', 0, G_OPTION_ARG_NONE, &list, "List the configured providers and exit", NULL },
                   { "browser", 0, 0, G_OPTION_ARG_STRING, &browser, "none: only print the sign-in URL (default); system: also open it in the web browser", "none|system" },
                   { "auto-approve", 0, 0, G_OPTION_ARG_STRING, &auto_approve, "Demo providers only: approve as USER without a browser", "USER" },
                   { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("PROVIDER — sign in once, without the daemon");
  g_option_context_add_main_entries (context, options, NULL);
  g_option_context_set_description (context,
                                    "Runs one OAuth 2.0 sign-in (authorization code with PKCE, loopback\n"
                                    "redirect) and prints who signed in. Nothing is stored.\n\n"
                                    "Providers come from lanyard/providers.conf in the XDG configuration\n"
                                    "directories and from LANYARD_PROVIDER_<ID> variables; see\n"
                                    "docs/configuration.md. LANYARD_DEMO=1 has the effect of --demo.\n\n"
                                    "Exit status: 0 signed in; 1 the sign-in failed; 2 usage error;\n"
                                    "3 the provider is unknown or misconfigured.");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_USAGE;
    }

  if (browser != NULL && !g_str_equal (browser, "none") && !g_str_equal (browser, "system"))
    {
      g_printerr ("--browser must be none or system\n");
      return EXIT_USAGE;
    }

  registry = lanyard_provider_registry_new ();
  lanyard_provider_registry_load_default (registry);
  if (demo || g_strcmp0 (g_getenv ("LANYARD_DEMO"), "1") == 0)
    lanyard_provider_registry_add_demo_providers (registry);

  if (list)
    {
      print_providers (registry);
      return EXIT_SIGNED_IN;
    }

  if (argc != 2)
    {
      g_printerr ("Name one provider to sign in with. Configured providers:\n");
      print_providers (registry);
      return EXIT_USAGE;
    }

  entry = lanyard_provider_registry_get_entry (registry, argv[1]);
  if (entry == NULL)
    {
      g_printerr ("No provider is called “%s”. Configured providers:\n", argv[1]);
      print_providers (registry);
      return EXIT_MISCONFIGURED;
    }
  if (entry->provider == NULL)
    {
      g_printerr ("%s\n", entry->problem);
      return EXIT_MISCONFIGURED;
    }
  if (auto_approve != NULL && !lanyard_provider_get_is_demo (entry->provider))
    {
      g_printerr ("--auto-approve works with demo providers only; a real provider needs you to sign in.\n");
      return EXIT_USAGE;
    }

  if (lanyard_provider_get_is_demo (entry->provider))
    g_print ("%s is a demo: everything happens on this computer, no account is involved.\n",
             entry->display_name);

  sign_in.loop = g_main_loop_new (NULL, FALSE);
  sign_in.cancellable = g_cancellable_new ();
  sign_in.flow = lanyard_flow_new (entry->provider);
  sign_in.auto_approve = auto_approve;
  sign_in.open_browser = g_strcmp0 (browser, "system") == 0;
  g_unix_signal_add (SIGINT, interrupted_cb, &sign_in);
  g_unix_signal_add (SIGTERM, interrupted_cb, &sign_in);

  lanyard_flow_start_async (sign_in.flow, sign_in.cancellable, start_cb, &sign_in);
  g_main_loop_run (sign_in.loop);

  g_clear_object (&sign_in.browser);
  g_clear_object (&sign_in.flow);
  g_clear_object (&sign_in.cancellable);
  g_main_loop_unref (sign_in.loop);

  return sign_in.status;
}
