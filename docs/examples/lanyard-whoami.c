/* SPDX-License-Identifier: CC0-1.0 */
/* lanyard-whoami: who the user is in Lanyard, the linked accounts, and an
 * access token for one of them, of which it shows only the length and the
 * expiry (a token is a secret: never print or log it).
 *
 * usage: lanyard-whoami [PROVIDER:ACCOUNT-ID]   (default: the current identity)
 *
 * Build it against an installed liblanyard:
 *   cc lanyard-whoami.c -o lanyard-whoami $(pkg-config --cflags --libs liblanyard-1)
 *
 * docs/app-developers.md explains it; the test suite builds and runs it. */
#include <lanyard.h>
#include <locale.h>
#include <string.h>

typedef struct
{
  GMainLoop     *loop;
  const char    *wanted;
  int            status;
  LanyardClient *client; /* kept while the token call runs */
} Whoami;

static const char *
or_none (const char *value)
{
  return value != NULL ? value : "-";
}

static void
got_token (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  LanyardLinkedAccount *account = LANYARD_LINKED_ACCOUNT (source);
  Whoami               *whoami = user_data;
  g_autoptr(GError) error = NULL;
  gint64 expires_at = 0;
  char  *token = lanyard_linked_account_get_access_token_finish (account, result, &expires_at, &error);

  if (token == NULL)
    {
      g_printerr ("No token for %s: %s\n", lanyard_linked_account_get_key (account), error->message);
      whoami->status = g_error_matches (error, LANYARD_CLIENT_ERROR, LANYARD_CLIENT_ERROR_PERMISSION_DENIED) ? 3 : 1;
    }
  else
    {
      g_autoptr(GDateTime) expiry = expires_at != 0 ? g_date_time_new_from_unix_utc (expires_at) : NULL;
      g_autofree char *when = expiry != NULL ? g_date_time_format_iso8601 (expiry) : g_strdup ("never");

      g_print ("Token for %s: %zu characters, expires %s\n", lanyard_linked_account_get_key (account),
               strlen (token), when);
      /* Done with the secret: wiped, then freed. */
      memset (token, 0, strlen (token));
      g_free (token);
    }
  g_main_loop_quit (whoami->loop);
}

static void
got_client (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Whoami *whoami = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardClient) client = lanyard_client_get_default_finish (result, &error);
  LanyardLinkedAccount *me;
  LanyardLinkedAccount *chosen;
  GListModel           *accounts;

  if (client == NULL)
    {
      g_printerr ("Lanyard is not available: %s\n", error->message);
      whoami->status = 2;
      g_main_loop_quit (whoami->loop);
      return;
    }

  me = lanyard_client_get_current_identity (client);
  if (me != NULL)
    g_print ("Current identity: %s (%s, %s)\n", lanyard_linked_account_get_key (me),
             or_none (lanyard_linked_account_get_username (me)), or_none (lanyard_linked_account_get_display_name (me)));
  else
    g_print ("Current identity: none\n");

  accounts = lanyard_client_get_accounts (client);
  g_print ("Linked accounts: %u\n", g_list_model_get_n_items (accounts));
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(LanyardLinkedAccount) account = g_list_model_get_item (accounts, i);

      g_print ("  %s %s <%s>%s%s\n", lanyard_linked_account_get_key (account),
               or_none (lanyard_linked_account_get_username (account)),
               or_none (lanyard_linked_account_get_email (account)),
               lanyard_linked_account_get_primary (account) ? " primary" : "",
               lanyard_linked_account_get_needs_attention (account) ? " needs-attention" : "");
    }

  chosen = whoami->wanted != NULL ? lanyard_client_find_account (client, whoami->wanted) : me;
  if (chosen == NULL)
    {
      if (whoami->wanted != NULL)
        {
          g_printerr ("No linked account %s\n", whoami->wanted);
          whoami->status = 1;
        }
      g_main_loop_quit (whoami->loop);
      return;
    }
  /* The client keeps the accounts up to date: held until the token
   * comes, not let go with this callback. */
  whoami->client = g_steal_pointer (&client);
  lanyard_linked_account_get_access_token_async (chosen, NULL, got_token, whoami);
}

int
main (int   argc,
      char *argv[])
{
  Whoami whoami = { g_main_loop_new (NULL, FALSE), argc > 1 ? argv[1] : NULL, 0, NULL };

  /* The person's language and character set: liblanyard's messages are
   * translated, and g_print() writes in the locale's encoding. */
  setlocale (LC_ALL, "");
  lanyard_client_get_default_async (NULL, got_client, &whoami);
  g_main_loop_run (whoami.loop);
  g_clear_object (&whoami.client);
  g_main_loop_unref (whoami.loop);
  return whoami.status;
}
