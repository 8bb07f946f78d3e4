/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lanyard-account-store.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("lanyard-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "lanyard", "accounts.json", NULL);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_assert_cmpint (system (command), ==, 0);
  g_free (f->dir);
  g_free (f->path);
}

static LanyardIdentity *
identity (const char *provider,
          const char *id,
          const char *username)
{
  return lanyard_identity_new (provider, id, username, "Name", "e@example.com", NULL);
}

static void
test_link_updates_not_duplicates (Fixture      *f,
                                  gconstpointer data)
{
  g_autoptr(LanyardAccountStore) store = lanyard_account_store_new (f->path);
  g_autoptr(LanyardIdentity) first = identity ("github", "583231", "octocat");
  g_autoptr(LanyardIdentity) renamed = identity ("github", "583231", "octo-renamed");
  LanyardAccount *a, *b;
  gboolean        created = FALSE;

  a = lanyard_account_store_link (store, first, 100, &created);
  g_assert_true (created);
  lanyard_account_set_attention (a, "Sign in again");

  /* Same id, new login: the same account, updated, attention cleared. */
  b = lanyard_account_store_link (store, renamed, 200, &created);
  g_assert_false (created);
  g_assert_true (a == b);
  g_assert_cmpuint (lanyard_account_store_get_accounts (store)->len, ==, 1);
  g_assert_cmpstr (lanyard_account_get_username (b), ==, "octo-renamed");
  g_assert_cmpint (lanyard_account_get_linked_at (b), ==, 100);
  g_assert_null (lanyard_account_get_attention (b));
}

static void
test_current_identity_rule (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(LanyardAccountStore) store = lanyard_account_store_new (f->path);
  g_autoptr(LanyardIdentity) gh = identity ("github", "1", "gh");
  g_autoptr(LanyardIdentity) gl = identity ("gitlab", "1", "gl");
  LanyardAccount *a, *b;
  guint           changes = 0;

  g_assert_null (lanyard_account_store_get_current (store));

  g_signal_connect_swapped (store, "current-changed", G_CALLBACK (g_atomic_int_inc), &changes);

  a = lanyard_account_store_link (store, gh, 100, NULL);
  g_assert_cmpuint (changes, ==, 1);
  b = lanyard_account_store_link (store, gl, 200, NULL);
  g_assert_cmpuint (changes, ==, 1);

  /* No primary: the account linked first. */
  g_assert_true (lanyard_account_store_get_current (store) == a);

  lanyard_account_store_set_primary (store, b);
  g_assert_true (lanyard_account_store_get_current (store) == b);
  g_assert_true (lanyard_account_get_primary (b));
  g_assert_false (lanyard_account_get_primary (a));
  g_assert_cmpuint (changes, ==, 2);

  lanyard_account_store_remove (store, b);
  g_assert_true (lanyard_account_store_get_current (store) == a);
  g_assert_cmpuint (changes, ==, 3);
}

static void
test_save_and_load (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr(LanyardAccountStore) store = lanyard_account_store_new (f->path);
  g_autoptr(LanyardAccountStore) again = lanyard_account_store_new (f->path);
  g_autoptr(LanyardIdentity) gh = identity ("github", "583231", "octocat");
  g_autoptr(LanyardIdentity) ms = identity ("ms", "oid.tid", "ada");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  LanyardAccount  *account;
  GStatBuf         st;

  lanyard_account_store_link (store, gh, 100, NULL);
  account = lanyard_account_store_link (store, ms, 200, NULL);
  lanyard_account_store_set_primary (store, account);
  lanyard_account_set_expires_at (account, 5000);
  lanyard_account_set_attention (account, "Sign in again");
  lanyard_account_set_last_refresh (account, 4000);
  lanyard_account_set_scopes (account, (const char *const[]){ "openid", "User.Read", NULL });
  g_assert_true (lanyard_account_store_save (store, &error));
  g_assert_no_error (error);

  /* Only its owner can read it, and it holds no token. */
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_file_get_contents (f->path, &contents, NULL, NULL);
  g_assert_null (strstr (contents, "token\""));

  g_assert_true (lanyard_account_store_load (again, &error));
  g_assert_null (lanyard_account_store_get_problem (again));
  g_assert_cmpuint (lanyard_account_store_get_accounts (again)->len, ==, 2);
  account = lanyard_account_store_get_current (again);
  g_assert_cmpstr (lanyard_account_get_account_id (account), ==, "oid.tid");
  g_assert_cmpint (lanyard_account_get_expires_at (account), ==, 5000);
  g_assert_cmpstr (lanyard_account_get_attention (account), ==, "Sign in again");
  g_assert_cmpint (lanyard_account_get_linked_at (account), ==, 200);
  g_assert_cmpint (lanyard_account_get_last_refresh (account), ==, 4000);
  g_assert_cmpstrv (lanyard_account_get_scopes (account), ((const char *const[]){ "openid", "User.Read", NULL }));
}

static void
test_missing_file_is_empty (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(LanyardAccountStore) store = lanyard_account_store_new (f->path);

  g_assert_true (lanyard_account_store_load (store, NULL));
  g_assert_cmpuint (lanyard_account_store_get_accounts (store)->len, ==, 0);
  g_assert_null (lanyard_account_store_get_problem (store));
}

static void
write_file (Fixture    *f,
            const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (f->path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->path, contents, -1, NULL));
}

static guint
count_files (Fixture    *f,
             const char *prefix)
{
  g_autofree char *dir_path = g_path_get_dirname (f->path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint       n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix))
      n++;
  return n;
}

/* Scopes from a file edited by hand: what is not a short string is left
 * out; an account from before Lanyard kept them has none. */
static void
test_scopes_from_file (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(LanyardAccountStore) store = lanyard_account_store_new (f->path);
  g_autofree char *long_scope = g_strnfill (300, 's');
  g_autofree char *contents =
    g_strdup_printf ("{\"format\":1,\"accounts\":["
                     "{\"provider\":\"github\",\"account_id\":\"1\",\"scopes\":[1,\"\",\"read:user\",{\"a\":1},\"%s\",null]},"
                     "{\"provider\":\"gitlab\",\"account_id\":\"2\"},"
                     "{\"provider\":\"google\",\"account_id\":\"3\",\"scopes\":\"email\"}]}",
                     long_scope);
  const char *const only[] = { "read:user", NULL };
  const char *const none[] = { NULL };
  GPtrArray        *accounts;

  write_file (f, contents);
  g_assert_true (lanyard_account_store_load (store, NULL));
  g_assert_null (lanyard_account_store_get_problem (store));
  accounts = lanyard_account_store_get_accounts (store);
  g_assert_cmpuint (accounts->len, ==, 3);
  g_assert_cmpstrv (lanyard_account_get_scopes (g_ptr_array_index (accounts, 0)), only);
  g_assert_cmpstrv (lanyard_account_get_scopes (g_ptr_array_index (accounts, 1)), none);
  g_assert_cmpstrv (lanyard_account_get_scopes (g_ptr_array_index (accounts, 2)), none);
}

static void
test_corrupt_file_moved_aside (Fixture      *f,
                               gconstpointer data)
{
  const char *cases[] = {
    "{\"format\":1,\"accounts\":[{\"provider\":\"github\"",
    "",
    "[1,2,3]",
    "{\"accounts\":[]}",
    "{\"format\":1,\"accounts\":[{\"provider\":\"github\"}]}",
    "{\"format\":1,\"accounts\":[{\"provider\":\"a\",\"account_id\":\"1\"},{\"provider\":\"a\",\"account_id\":\"1\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LanyardAccountStore) store = lanyard_account_store_new (f->path);
      g_autoptr(GError) error = NULL;

      write_file (f, cases[i]);
      g_assert_true (lanyard_account_store_load (store, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (lanyard_account_store_get_accounts (store)->len, ==, 0);
      g_assert_nonnull (lanyard_account_store_get_problem (store));
      g_assert_nonnull (strstr (lanyard_account_store_get_problem (store), "It was kept as"));
      g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
      g_assert_cmpuint (count_files (f, "accounts.json.unreadable-"), >=, 1);

      /* Names carry the second: keep the next case from reusing one. */
      {
        g_autofree char *dir = g_path_get_dirname (f->path);
        g_autofree char *command = g_strdup_printf ("cd '%s' && for x in accounts.json.unreadable-*; do mv \"$x\" \"kept-%u-$x\"; done", dir, i);
        g_assert_cmpint (system (command), ==, 0);
      }
    }
}

static void
test_newer_format_refused (Fixture      *f,
                           gconstpointer data)
{
  const char *newer = "{\"format\":2,\"accounts\":[],\"vaults\":{}}";
  g_autoptr(LanyardAccountStore) store = lanyard_account_store_new (f->path);
  g_autoptr(LanyardIdentity) gh = identity ("github", "1", "gh");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  write_file (f, newer);
  g_assert_true (lanyard_account_store_load (store, NULL));
  g_assert_true (lanyard_account_store_is_read_only (store));
  g_assert_nonnull (strstr (lanyard_account_store_get_problem (store), "written by a newer version of Lanyard (format 2)"));

  lanyard_account_store_link (store, gh, 1, NULL);
  g_assert_false (lanyard_account_store_save (store, &error));
  g_assert_nonnull (error);

  g_file_get_contents (f->path, &contents, NULL, NULL);
  g_assert_cmpstr (contents, ==, newer);
}

/* What a provider says about an account is cleaned on the way in. */
static void
test_identity_intake (void)
{
  const struct
  {
    const char *avatar;
    gboolean    kept;
  } avatars[] = {
    { "https://avatars.example/u/1?s=80", TRUE },
    { "http://127.0.0.1:8080/avatar.png", TRUE },
    { "http://[::1]:8080/avatar.png", TRUE },
    { "http://localhost/avatar.png", TRUE },
    { "http://avatars.example/u/1", FALSE },
    { "file:///etc/passwd", FALSE },
    { "data:image/png;base64,AAAA", FALSE },
    { "javascript:alert(1)", FALSE },
    { "https://user:secret@avatars.example/u/1", FALSE },
    { "https://avatars.example/u/1\r\nX: y", FALSE },
    { "https:///nohost", FALSE },
  };
  const struct
  {
    const char *email;
    gboolean    kept;
  } emails[] = {
    { "ada@example.com", TRUE },
    { "ada+lanyard@sub.example.co.uk", TRUE },
    { "ada@example.com\r\nBcc: all@example.com", FALSE },
    { "ada example@example.com", FALSE },
    { "no-at-sign", FALSE },
    { "@example.com", FALSE },
    { "ada@", FALSE },
    { "a@b@c", FALSE },
    { "ada@exa\u202emple.com", FALSE },
  };
  g_autofree char *local_part = g_strnfill (250, 'a');
  g_autofree char *long_email = g_strconcat (local_part, "@b.example", NULL);
  g_autofree char *long_name = g_strnfill (1000, 'n');
  g_autoptr(LanyardIdentity) cleaned = NULL;
  g_autoptr(LanyardIdentity) invalid = NULL;
  g_autoptr(LanyardIdentity) long_one = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (avatars); i++)
    {
      g_autoptr(LanyardIdentity) identity = lanyard_identity_new ("gh", "1", NULL, NULL, NULL, avatars[i].avatar);

      g_test_message ("avatar %s", avatars[i].avatar);
      g_assert_cmpstr (lanyard_identity_get_avatar_url (identity), ==, avatars[i].kept ? avatars[i].avatar : NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (emails); i++)
    {
      g_autoptr(LanyardIdentity) identity = lanyard_identity_new ("gh", "1", NULL, NULL, emails[i].email, NULL);

      g_test_message ("e-mail %s", emails[i].email);
      g_assert_cmpstr (lanyard_identity_get_email (identity), ==, emails[i].kept ? emails[i].email : NULL);
    }

  cleaned = lanyard_identity_new ("gh", "1", "\033[2J\033]0;title\007octo\u2067cat\u200f", " \t Mona\nLisa \xc2\x85", NULL, NULL);
  g_assert_cmpstr (lanyard_identity_get_username (cleaned), ==, "[2J]0;titleoctocat");
  g_assert_cmpstr (lanyard_identity_get_display_name (cleaned), ==, "Mona Lisa");

  invalid = lanyard_identity_new ("gh", "1", "\xff\xfe", "\033\007", NULL, NULL);
  g_assert_null (lanyard_identity_get_username (invalid));
  g_assert_null (lanyard_identity_get_display_name (invalid));

  long_one = lanyard_identity_new ("gh", "1", long_name, NULL, long_email, NULL);
  g_assert_cmpuint (strlen (lanyard_identity_get_username (long_one)), ==, 256);
  g_assert_null (lanyard_identity_get_email (long_one));

  g_assert_true (lanyard_identity_check_account_id ("583231"));
  g_assert_true (lanyard_identity_check_account_id ("00000000-0000-0000-66f3-3332eca7ea81.72f988bf"));
  g_assert_false (lanyard_identity_check_account_id (""));
  g_assert_false (lanyard_identity_check_account_id ("58\n3231"));
  g_assert_false (lanyard_identity_check_account_id ("58\u202e3231"));
  g_assert_false (lanyard_identity_check_account_id ("\xff"));
}

#define ADD(path, func) \
  g_test_add ("/Lanyard/AccountStore/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("link-updates-not-duplicates", test_link_updates_not_duplicates);
  ADD ("current-identity-rule", test_current_identity_rule);
  ADD ("save-and-load", test_save_and_load);
  ADD ("scopes-from-file", test_scopes_from_file);
  ADD ("missing-file-is-empty", test_missing_file_is_empty);
  ADD ("corrupt-file-moved-aside", test_corrupt_file_moved_aside);
  ADD ("newer-format-refused", test_newer_format_refused);
  g_test_add_func ("/Lanyard/Identity/intake", test_identity_intake);

  return g_test_run ();
}
