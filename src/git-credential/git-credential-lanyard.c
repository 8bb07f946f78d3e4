/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "git-credential-lanyard"
/* explicit_bzero(): a wipe the compiler may not drop as a dead store. */
#define _DEFAULT_SOURCE
/* memmem() */
#define _GNU_SOURCE

/* git-credential-lanyard: git's credential helper (gitcredentials(7)),
 * answering for the hosts of the GitHub and GitLab providers Lanyard has
 * linked accounts at, with the account's fresh access token. A client of
 * lanyard-daemon like lanyardctl; docs/git.md says what it does and why. */

#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lanyard-client-connection.h"
#include "lanyard-client-generated.h"
#include "lanyard-git-credential-request.h"

#define ROOT_PATH "/io/github/lanyard/Lanyard"
#define MANAGER_PATH ROOT_PATH "/Manager"
#define ACCOUNT_INTERFACE "io.github.lanyard.Account"

/* A git command waits for its helpers, so the helper has one deadline
 * for its whole run, and each call to the daemon gets what is left of it
 * (at most its own bound). Reaching the daemon, or starting it (D-Bus
 * activation), gets a few seconds: all a `get` costs when the daemon is
 * absent or its socket does not answer. Questions it answers from memory
 * get a few seconds each, a token that must be renewed at the provider
 * first a little more. docs/git.md says the same. */
#define TOTAL_TIMEOUT_MSEC 20000
#define CONNECT_TIMEOUT_MSEC 5000
#define QUICK_TIMEOUT_MSEC 5000
#define PROVIDER_TIMEOUT_MSEC 15000

/* When the helper must be done (g_get_monotonic_time ()). */
static gint64 deadline;

/* The timeout of the next call: what is left until the deadline, at most
 * @bound_msec, at least a millisecond (0 and -1 are GDBus's default). */
static int
time_left (int bound_msec)
{
  gint64 left = (deadline - g_get_monotonic_time ()) / 1000;

  return (int) CLAMP (left, 1, bound_msec);
}

/* GitLab takes an OAuth access token as the password of this user name. */
#define GITLAB_USERNAME "oauth2"

static const char usage[] =
  "Usage: git-credential-lanyard get|store|erase\n"
  "\n"
  "git's credential helper for the accounts linked in Lanyard. Set it up with\n"
  "  git config --global credential.helper lanyard\n"
  "and see git-credential-lanyard(1).\n";

typedef struct
{
  char *id;
  char *type;
  char *display_name;
} Provider;

typedef struct
{
  char     *path;
  char     *provider_id;
  char     *username;
  char     *attention_reason;
  gboolean  primary;
  gboolean  needs_attention;
  gboolean  available;
  gint64    linked_at;
  Provider *provider; /* borrowed */
} Account;

static void
provider_free (Provider *provider)
{
  g_free (provider->id);
  g_free (provider->type);
  g_free (provider->display_name);
  g_free (provider);
}

static void
account_free (Account *account)
{
  g_free (account->path);
  g_free (account->provider_id);
  g_free (account->username);
  g_free (account->attention_reason);
  g_free (account);
}

/* What git-credential-lanyard says goes to standard error, which git
 * shows; standard output is git's alone. */
G_GNUC_PRINTF (1, 2)
static void
say (const char *format,
     ...)
{
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("git-credential-lanyard: %s\n", message);
}

/* Whether @data holds the empty line that ends a request (or starts
 * with it). */
static gboolean
has_end (const guint8 *data,
         gsize         length)
{
  if (length > 0 && (data[0] == '\n' || (length > 1 && data[0] == '\r' && data[1] == '\n')))
    return TRUE;
  return memmem (data, length, "\n\n", 2) != NULL || memmem (data, length, "\n\r\n", 3) != NULL;
}

/* Reads standard input up to the empty line that ends git's request, or
 * its end (git closes it), within the bound. The buffer is never moved
 * (it may hold a password), and wiped when refused. */
static GBytes *
read_input (GError **error)
{
  g_autoptr(GByteArray) input = g_byte_array_sized_new (LANYARD_GIT_CREDENTIAL_MAX_INPUT + 4096);
  guint8 buffer[4096];

  while (!has_end (input->data, input->len))
    {
      ssize_t n = read (STDIN_FILENO, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          explicit_bzero (input->data, input->len);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _ ("git's request cannot be read: %s"),
                       g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      g_byte_array_append (input, buffer, (guint) n);
      explicit_bzero (buffer, sizeof buffer);
      /* What follows the empty line is not git's request. */
      if (input->len > LANYARD_GIT_CREDENTIAL_MAX_INPUT && !has_end (input->data, LANYARD_GIT_CREDENTIAL_MAX_INPUT))
        {
          explicit_bzero (input->data, input->len);
          g_set_error (error, LANYARD_GIT_CREDENTIAL_ERROR, LANYARD_GIT_CREDENTIAL_ERROR_TOO_LARGE,
                       _ ("git's request is longer than %d bytes"), LANYARD_GIT_CREDENTIAL_MAX_INPUT);
          return NULL;
        }
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&input));
}

static void
wipe_bytes (GBytes *bytes)
{
  gsize size = 0;
  /* Ours alone: the data was read into it here. */
  char *data = (char *) g_bytes_get_data (bytes, &size);

  if (data != NULL)
    explicit_bzero (data, size);
  g_bytes_unref (bytes);
}

/* Whether the session bus can be reached without starting one: with no
 * address in the environment and no socket at the usual place, GIO would
 * autolaunch a bus (dbus-launch), which is no business of a git helper. */
static gboolean
session_bus_exists (void)
{
  g_autofree char *socket = NULL;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    return TRUE;
  socket = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

static const char *
lookup_string (GVariant   *dict,
               const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup (dict, key, "&s", &value))
    return NULL;
  return value;
}

/* The one configured GitHub or GitLab provider that serves what git asks
 * about, in a list of one, or an empty list. Of providers on one host,
 * only the most specific (the longest path of its web address) is
 * chosen: a GitLab under /gitlab shares its host with whatever serves
 * the rest, and neither's token is for the other. No answer when a
 * provider under a path is on the host and git sent no path (it could
 * be for either), or when two are equally specific (the configuration
 * does not say which). */
static GPtrArray *
find_providers (LanyardDBusManager                *manager,
                const LanyardGitCredentialRequest *request,
                GError                           **error)
{
  g_autoptr(GVariant) providers = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) provider_free);
  GVariantIter iter;
  GVariant    *entry;
  gboolean     needs_path = FALSE;
  gboolean     ambiguous = FALSE;
  guint        best = 0;

  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (manager), time_left (QUICK_TIMEOUT_MSEC));
  if (!lanyard_dbus_manager_call_list_providers_sync (manager, &providers, NULL, error))
    return NULL;

  g_variant_iter_init (&iter, providers);
  while ((entry = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char               *web_url = lookup_string (entry, "web-url");
      const char               *type = lookup_string (entry, "type");
      gboolean                  configured = FALSE;
      guint                     depth = 0;
      LanyardGitCredentialMatch match = LANYARD_GIT_CREDENTIAL_MATCH_NONE;

      g_variant_lookup (entry, "configured", "b", &configured);
      if (configured && web_url != NULL && type != NULL && lookup_string (entry, "id") != NULL &&
          (g_str_equal (type, "github") || g_str_equal (type, "gitlab")))
        match = lanyard_git_credential_request_match (request, web_url, &depth);
      if (match == LANYARD_GIT_CREDENTIAL_MATCH_NEEDS_PATH)
        needs_path = TRUE;
      else if (match == LANYARD_GIT_CREDENTIAL_MATCH_YES && (found->len == 0 || depth >= best))
        {
          Provider *provider = g_new0 (Provider, 1);

          if (found->len > 0 && depth > best)
            {
              g_ptr_array_set_size (found, 0);
              ambiguous = FALSE;
            }
          else if (found->len > 0)
            ambiguous = TRUE;
          best = depth;
          provider->id = g_strdup (lookup_string (entry, "id"));
          provider->type = g_strdup (type);
          provider->display_name = g_strdup (lookup_string (entry, "display-name") ?: provider->id);
          g_ptr_array_add (found, provider);
        }
      g_variant_unref (entry);
    }

  if (needs_path)
    {
      g_autofree char *host = g_ascii_strdown (request->host, -1);

      say (_ ("A provider in Lanyard serves only a path of %s; for git to say which repository it means, run: "
              "git config --global credential.%s://%s.useHttpPath true"),
           host, request->protocol, host);
      g_ptr_array_set_size (found, 0);
    }
  else if (ambiguous)
    {
      say (_ ("Several providers in Lanyard serve %s at the same address; give each its own to use them with git."),
           request->host);
      g_ptr_array_set_size (found, 0);
    }
  return g_steal_pointer (&found);
}

static Provider *
provider_by_id (GPtrArray  *providers,
                const char *id)
{
  for (guint i = 0; i < providers->len; i++)
    {
      Provider *provider = g_ptr_array_index (providers, i);

      if (g_str_equal (provider->id, id))
        return provider;
    }
  return NULL;
}

static gint
compare_linked (gconstpointer a,
                gconstpointer b)
{
  const Account *x = *(Account *const *) a;
  const Account *y = *(Account *const *) b;

  if (x->linked_at != y->linked_at)
    return x->linked_at < y->linked_at ? -1 : 1;
  return strcmp (x->path, y->path);
}

/* The linked accounts at @providers, the first linked first, from one
 * GetManagedObjects (with a bound on the wait, which the object manager
 * client has not). */
static GPtrArray *
find_accounts (GDBusConnection *connection,
               const char      *name,
               GPtrArray       *providers,
               GError         **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) objects = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) account_free);
  GVariantIter iter;
  const char  *path;
  GVariant    *interfaces;

  reply = g_dbus_connection_call_sync (connection, name, ROOT_PATH, "org.freedesktop.DBus.ObjectManager",
                                       "GetManagedObjects", NULL, G_VARIANT_TYPE ("(a{oa{sa{sv}}})"),
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, time_left (QUICK_TIMEOUT_MSEC), NULL, error);
  if (reply == NULL)
    return NULL;

  objects = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", &path, &interfaces))
    {
      g_autoptr(GVariant) properties = g_variant_lookup_value (interfaces, ACCOUNT_INTERFACE, G_VARIANT_TYPE ("a{sv}"));
      const char *provider_id = properties != NULL ? lookup_string (properties, "ProviderId") : NULL;
      Provider   *provider = provider_id != NULL ? provider_by_id (providers, provider_id) : NULL;

      if (provider != NULL)
        {
          Account *account = g_new0 (Account, 1);

          account->path = g_strdup (path);
          account->provider_id = g_strdup (provider_id);
          account->username = g_strdup (lookup_string (properties, "Username") ?: "");
          account->attention_reason = g_strdup (lookup_string (properties, "AttentionReason") ?: "");
          account->available = TRUE;
          g_variant_lookup (properties, "Primary", "b", &account->primary);
          g_variant_lookup (properties, "NeedsAttention", "b", &account->needs_attention);
          g_variant_lookup (properties, "Available", "b", &account->available);
          g_variant_lookup (properties, "LinkedAt", "x", &account->linked_at);
          account->provider = provider;
          g_ptr_array_add (found, account);
        }
      g_variant_unref (interfaces);
    }
  g_ptr_array_sort (found, compare_linked);
  return g_steal_pointer (&found);
}

static gboolean
is_gitlab (const Account *account)
{
  return g_str_equal (account->provider->type, "gitlab");
}

/* The user name git must send for @account. */
static const char *
git_username (const Account *account)
{
  return is_gitlab (account) ? GITLAB_USERNAME : account->username;
}

/* Whether git's user name names @account: its login (GitHub logins are
 * not case-sensitive, nor are GitLab's), or, at GitLab, "oauth2", which
 * names none in particular. */
static gboolean
username_fits (const Account *account,
               const char    *username,
               gboolean      *generic)
{
  *generic = is_gitlab (account) && g_str_equal (username, GITLAB_USERNAME);
  return *generic || g_ascii_strcasecmp (account->username, username) == 0;
}

/* The accounts git's request may mean, best first: with a user name, the
 * account of that login (or, for GitLab's "oauth2", every GitLab account
 * there); without, all of them, the primary one first, then the first
 * linked. */
static GPtrArray *
candidates (GPtrArray                         *accounts,
            const LanyardGitCredentialRequest *request)
{
  g_autoptr(GPtrArray) named = g_ptr_array_new ();
  g_autoptr(GPtrArray) generic = g_ptr_array_new ();
  GPtrArray *chosen = g_ptr_array_new ();

  if (request->username != NULL && request->username[0] != '\0')
    {
      for (guint i = 0; i < accounts->len; i++)
        {
          Account *account = g_ptr_array_index (accounts, i);
          gboolean is_generic;

          if (username_fits (account, request->username, &is_generic))
            g_ptr_array_add (is_generic ? generic : named, account);
        }
      /* A login wins over the name every GitLab account goes by. */
      accounts = named->len > 0 ? named : generic;
    }

  for (guint i = 0; i < accounts->len; i++)
    if (((Account *) g_ptr_array_index (accounts, i))->primary)
      g_ptr_array_add (chosen, g_ptr_array_index (accounts, i));
  for (guint i = 0; i < accounts->len; i++)
    if (!((Account *) g_ptr_array_index (accounts, i))->primary)
      g_ptr_array_add (chosen, g_ptr_array_index (accounts, i));
  return chosen;
}

static LanyardDBusAccount *
account_proxy (GDBusConnection *connection,
               const char      *name,
               const Account   *account,
               GError         **error)
{
  LanyardDBusAccount *proxy;

  proxy = lanyard_dbus_account_proxy_new_sync (connection,
                                               G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                                 G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS |
                                                 G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                               name, account->path, NULL, error);
  return proxy;
}

/* @proxy with what is left of the deadline for its next call. */
static LanyardDBusAccount *
bounded (LanyardDBusAccount *proxy)
{
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (proxy), time_left (PROVIDER_TIMEOUT_MSEC));
  return proxy;
}

static char *
error_text (GError *error)
{
  g_dbus_error_strip_remote_error (error);
  return g_strdup (error->message);
}

static void
say_needs_attention (const Account *account)
{
  say (_ ("Lanyard's %s account “%s” needs you to sign in again (%s); open Lanyard to do so."),
       account->provider->display_name, account->username,
       account->attention_reason[0] != '\0' ? account->attention_reason : _ ("the provider refused its token"));
}

/* git's "get": the username and password for the account, on standard
 * output; nothing when Lanyard has no usable account for the host. */
static int
do_get (GDBusConnection                   *connection,
        const char                        *name,
        GPtrArray                         *accounts,
        const LanyardGitCredentialRequest *request)
{
  g_autoptr(GPtrArray) chosen = candidates (accounts, request);
  g_autoptr(LanyardDBusAccount) proxy = NULL;
  g_autoptr(GError) error = NULL;
  Account *account;
  char    *token = NULL;
  gint64   expires_at = 0;

  if (chosen->len == 0)
    return 0;
  account = g_ptr_array_index (chosen, 0);
  if (account->needs_attention)
    {
      say_needs_attention (account);
      return 0;
    }
  if (!account->available)
    {
      say (_ ("The keyring holding the token of Lanyard's %s account “%s” is locked or missing; unlock it and try again."),
           account->provider->display_name, account->username);
      return 0;
    }

  proxy = account_proxy (connection, name, account, &error);
  if (proxy == NULL || !lanyard_dbus_account_call_get_access_token_sync (bounded (proxy), &token, &expires_at, NULL, &error))
    {
      g_autofree char *text = error_text (error);

      say (_ ("No token for Lanyard's %s account “%s”: %s"), account->provider->display_name, account->username, text);
      return 0;
    }
  /* A token git could not send (Lanyard's are printable ASCII anyway). */
  if (token[0] == '\0' || strpbrk (token, "\n\r") != NULL)
    {
      lanyard_git_credential_wipe (token);
      return 0;
    }

  {
    /* The answer in one buffer of its final size (no reallocation leaves
     * a copy of the token behind), wiped after it is written. */
    char  expiry[64] = "";
    gsize size;
    char *answer;
    int   length;

    if (expires_at > 0)
      g_snprintf (expiry, sizeof expiry, "password_expiry_utc=%" G_GINT64_FORMAT "\n", expires_at);
    size = strlen ("username=\npassword=\n") + strlen (git_username (account)) + strlen (token) + strlen (expiry) + 1;
    answer = g_malloc (size);
    length = g_snprintf (answer, size, "username=%s\npassword=%s\n%s", git_username (account), token, expiry);
    fwrite (answer, 1, (gsize) length, stdout);
    fflush (stdout);
    explicit_bzero (answer, size);
    g_free (answer);
  }
  lanyard_git_credential_wipe (token);
  return 0;
}

/* Whether two secrets are equal, in time that depends on their lengths
 * only. */
static gboolean
same_secret (const char *a,
             const char *b)
{
  gsize         length = strlen (a);
  unsigned char difference = 0;

  if (length != strlen (b))
    return FALSE;
  for (gsize i = 0; i < length; i++)
    difference |= (unsigned char) (a[i] ^ b[i]);
  return difference == 0;
}

/* The provider accepts the account's token, after a renewal or as it
 * was: with a new one, git's next try works; with the same one, the git
 * server refused a token the provider takes, and what the token may do is
 * the likely cause. */
static void
say_accepted (LanyardDBusAccount *proxy,
              const Account      *account,
              const char         *refused)
{
  g_autoptr(GError) error = NULL;
  char    *token = NULL;
  gint64   expires_at = 0;
  gboolean renewed;

  if (!lanyard_dbus_account_call_get_access_token_sync (bounded (proxy), &token, &expires_at, NULL, &error))
    return;
  renewed = !same_secret (token, refused);
  lanyard_git_credential_wipe (token);
  if (renewed)
    say (_ ("The token of the account “%s” at %s was renewed; run the git command again."), account->username,
         account->provider->display_name);
  else
    say (_ ("%s accepts the token of the account “%s”, but the git server refused it: the token may lack "
            "the scope for repositories (“repo” at GitHub, “write_repository” at GitLab; see "
            "git-credential-lanyard(1))."),
         account->provider->display_name, account->username);
}

/* git's "erase": the password was refused. Nothing is deleted: the
 * daemon is asked to check the token of the account it belongs to (the
 * one whose current token it is), and marks the account as needing
 * attention when the provider refuses it. */
static int
do_erase (GDBusConnection                   *connection,
          const char                        *name,
          GPtrArray                         *accounts,
          const LanyardGitCredentialRequest *request)
{
  g_autoptr(GPtrArray) chosen = candidates (accounts, request);

  if (request->password == NULL || request->password[0] == '\0')
    return 0;

  for (guint i = 0; i < chosen->len; i++)
    {
      Account *account = g_ptr_array_index (chosen, i);
      g_autoptr(LanyardDBusAccount) proxy = NULL;
      g_autoptr(GError) error = NULL;
      char    *token = NULL;
      gint64   expires_at = 0;
      gboolean ours, accepted = TRUE;

      if (account->needs_attention || !account->available)
        continue;
      proxy = account_proxy (connection, name, account, &error);
      if (proxy == NULL || !lanyard_dbus_account_call_get_access_token_sync (bounded (proxy), &token, &expires_at, NULL, &error))
        continue;
      ours = same_secret (token, request->password);
      lanyard_git_credential_wipe (token);
      if (!ours)
        continue;

      if (!lanyard_dbus_account_call_check_credentials_sync (bounded (proxy), &accepted, NULL, &error))
        {
          g_autofree char *text = error_text (error);

          say (_ ("The token of Lanyard's %s account “%s” could not be checked: %s"),
               account->provider->display_name, account->username, text);
        }
      else if (!accepted)
        say (_ ("%s refused the token of the account “%s”; sign in again in Lanyard."),
             account->provider->display_name, account->username);
      else
        say_accepted (proxy, account, request->password);
      return 0;
    }
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LanyardGitCredentialRequest) request = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(LanyardDBusManager) manager = NULL;
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  const char *operation;
  const char *name = NULL;
  GBytes     *input;

  deadline = g_get_monotonic_time () + (gint64) TOTAL_TIMEOUT_MSEC * 1000;
  /* The helper holds git's password and a token: no core dump, no
   * ptrace by other processes of the user. */
  {
    struct rlimit no_core = { 0, 0 };

    (void) setrlimit (RLIMIT_CORE, &no_core);
    (void) prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  }
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc != 2)
    {
      g_printerr ("%s", usage);
      return 2;
    }
  operation = argv[1];
  if (g_str_equal (operation, "--help") || g_str_equal (operation, "-h"))
    {
      g_print ("%s", usage);
      return 0;
    }
  if (g_str_equal (operation, "--version"))
    {
      g_print ("git-credential-lanyard %s\n", PACKAGE_VERSION);
      return 0;
    }

  input = read_input (&error);
  if (input == NULL)
    {
      say ("%s", error->message);
      return 1;
    }
  {
    gsize       size = 0;
    const char *data = g_bytes_get_data (input, &size);

    request = lanyard_git_credential_request_parse (data, size, &error);
  }
  wipe_bytes (input);
  if (request == NULL)
    {
      say ("%s", error->message);
      return 1;
    }

  /* gitcredentials(7): "store" keeps what another helper found, which
   * Lanyard never does (it is the store); other operations a newer git
   * may send are ignored. */
  if (!g_str_equal (operation, "get") && !g_str_equal (operation, "erase"))
    return 0;
  if (request->protocol == NULL || request->host == NULL ||
      !(g_str_equal (request->protocol, "https") || g_str_equal (request->protocol, "http")))
    return 0;

  /* No daemon, no bus, nothing linked for this host: silent, so that the
   * next helper (or git's prompt) takes over. */
  if (!session_bus_exists ())
    return 0;
  connection = lanyard_client_connect_full (&name, time_left (CONNECT_TIMEOUT_MSEC), NULL, &error);
  if (connection == NULL)
    {
      g_debug ("No session bus: %s", error->message);
      return 0;
    }
  manager = lanyard_dbus_manager_proxy_new_sync (connection,
                                                 G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                                   G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS |
                                                   G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                                 name, MANAGER_PATH, NULL, &error);
  if (manager == NULL)
    return 0;

  providers = find_providers (manager, request, &error);
  if (providers == NULL)
    {
      g_debug ("lanyard-daemon does not answer: %s", error->message);
      return 0;
    }
  if (providers->len == 0)
    return 0;
  accounts = find_accounts (connection, name, providers, &error);
  if (accounts == NULL)
    {
      g_debug ("lanyard-daemon does not list its accounts: %s", error->message);
      return 0;
    }

  if (g_str_equal (operation, "get"))
    return do_get (connection, name, accounts, request);
  return do_erase (connection, name, accounts, request);
}
