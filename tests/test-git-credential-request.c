/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reader of git's request to git-credential-lanyard: git-credential(1)'s
 * format, its arrays, and the bounds. */

#include <string.h>

#include "lanyard-git-credential-request.h"

static LanyardGitCredentialRequest *
parse (const char *text,
       GError    **error)
{
  return lanyard_git_credential_request_parse (text, strlen (text), error);
}

static void
test_attributes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardGitCredentialRequest) request =
               parse ("capability[]=authtype\r\ncapability[]=state\nprotocol=https\nhost=gitlab.example.com:8443\n"
                      "path=group/repo.git\nusername=first\nusername=oauth2\npassword=a=b\nwwwauth[]=Basic realm=\"GitLab\"\n"
                      "url=https://ignored.example\nstate[]=x\nfuture_attribute=\n\nhost=after.the.end\n",
                      &error);

  g_assert_no_error (error);
  g_assert_cmpstr (request->protocol, ==, "https");
  g_assert_cmpstr (request->host, ==, "gitlab.example.com:8443");
  g_assert_cmpstr (request->path, ==, "group/repo.git");
  /* The last value wins, as in git; values may hold "=". */
  g_assert_cmpstr (request->username, ==, "oauth2");
  g_assert_cmpstr (request->password, ==, "a=b");
  g_assert_cmpuint (request->wwwauth->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (request->wwwauth, 0), ==, "Basic realm=\"GitLab\"");
  g_assert_true (lanyard_git_credential_request_has_capability (request, "authtype"));
  g_assert_true (lanyard_git_credential_request_has_capability (request, "state"));
  g_assert_false (lanyard_git_credential_request_has_capability (request, "other"));
}

static void
test_array_cleared (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardGitCredentialRequest) request =
               parse ("wwwauth[]=Basic\nwwwauth[]=Bearer\nwwwauth[]=\nwwwauth[]=Negotiate", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (request->wwwauth->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (request->wwwauth, 0), ==, "Negotiate");
  g_assert_null (request->host);
}

static void
test_refused (void)
{
  struct
  {
    const char *input;
    gsize       length;
    int         code;
    const char *message;
  } cases[] = {
    { "protocol=https\nhost\n", 0, LANYARD_GIT_CREDENTIAL_ERROR_INVALID, "Line 2 of git's request is not a key=value pair" },
    { "=value\n", 0, LANYARD_GIT_CREDENTIAL_ERROR_INVALID, "Line 1 of git's request is not a key=value pair" },
    { "host=git\x01hub.com\n", 0, LANYARD_GIT_CREDENTIAL_ERROR_INVALID, "The value of “host” on line 1 of git's request is not text" },
    { "username=\xff\n", 0, LANYARD_GIT_CREDENTIAL_ERROR_INVALID, "The value of “username” on line 1 of git's request is not text" },
    { "host=a\0b\n", 9, LANYARD_GIT_CREDENTIAL_ERROR_INVALID, "git's request holds a NUL byte" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LanyardGitCredentialRequest) request =
                   lanyard_git_credential_request_parse (cases[i].input, cases[i].length ? cases[i].length : strlen (cases[i].input), &error);

      g_assert_null (request);
      g_assert_error (error, LANYARD_GIT_CREDENTIAL_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  /* Unknown attributes are not read, whatever they hold. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LanyardGitCredentialRequest) request = parse ("oauth_refresh_token=\xff\x01\nhost=x\n", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (request->host, ==, "x");
  }
}

static void
test_bounds (void)
{
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_autoptr(GString) line = g_string_new ("path=");
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardGitCredentialRequest) request = NULL;

  for (guint i = 0; i < LANYARD_GIT_CREDENTIAL_MAX_LINES; i++)
    g_string_append (lines, "x=1\n");
  request = parse (lines->str, &error);
  g_assert_no_error (error);
  g_clear_pointer (&request, lanyard_git_credential_request_free);
  g_string_append (lines, "x=1\n");
  request = parse (lines->str, &error);
  g_assert_null (request);
  g_assert_error (error, LANYARD_GIT_CREDENTIAL_ERROR, LANYARD_GIT_CREDENTIAL_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "git's request has more than 256 lines");
  g_clear_error (&error);

  for (guint i = 0; i <= LANYARD_GIT_CREDENTIAL_MAX_ARRAY; i++)
    g_string_append (values, "capability[]=authtype\n");
  request = parse (values->str, &error);
  g_assert_null (request);
  g_assert_cmpstr (error->message, ==, "git sent more than 64 values of “capability[]”");
  g_clear_error (&error);

  while (line->len < LANYARD_GIT_CREDENTIAL_MAX_LINE)
    g_string_append_c (line, 'a');
  request = parse (line->str, &error);
  g_assert_no_error (error);
  g_clear_pointer (&request, lanyard_git_credential_request_free);
  g_string_append_c (line, 'a');
  request = parse (line->str, &error);
  g_assert_null (request);
  g_assert_cmpstr (error->message, ==, "Line 1 of git's request is longer than 8192 bytes");
  g_clear_error (&error);

  /* Lines within their bound, the request beyond its own. */
  while (big->len <= LANYARD_GIT_CREDENTIAL_MAX_INPUT)
    {
      g_string_append (big, "x=");
      for (guint i = 0; i < 8000; i++)
        g_string_append_c (big, 'a');
      g_string_append_c (big, '\n');
    }
  request = parse (big->str, &error);
  g_assert_null (request);
  g_assert_cmpstr (error->message, ==, "git's request is longer than 65536 bytes");
  g_clear_error (&error);

  /* What follows the empty line is not read: its size and a NUL there
   * are no reason to refuse the request. */
  {
    g_autoptr(GString) after = g_string_new ("host=x\n\n");
    g_autoptr(LanyardGitCredentialRequest) ended = NULL;

    while (after->len <= LANYARD_GIT_CREDENTIAL_MAX_INPUT)
      g_string_append (after, "\n");
    g_string_append_len (after, "\0junk", 5);
    ended = lanyard_git_credential_request_parse (after->str, after->len, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ended->host, ==, "x");
  }

  /* The server's challenges, which Lanyard does not use: beyond the bound,
   * or not text, they are dropped, not a reason to refuse. Other arrays
   * keep theirs. */
  {
    g_autoptr(GString) challenges = g_string_new ("host=x\nwwwauth[]=\xff\x01\n");
    g_autoptr(GString) capabilities = g_string_new (NULL);
    g_autoptr(LanyardGitCredentialRequest) many = NULL;

    for (guint i = 0; i <= LANYARD_GIT_CREDENTIAL_MAX_ARRAY; i++)
      g_string_append (challenges, "wwwauth[]=Basic\n");
    many = parse (challenges->str, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (many->host, ==, "x");
    g_assert_cmpuint (many->wwwauth->len, ==, LANYARD_GIT_CREDENTIAL_MAX_ARRAY);

    for (guint i = 0; i <= LANYARD_GIT_CREDENTIAL_MAX_ARRAY; i++)
      g_string_append (capabilities, "capability[]=authtype\n");
    g_assert_null (parse (capabilities->str, &error));
    g_assert_cmpstr (error->message, ==, "git sent more than 64 values of “capability[]”");
    g_clear_error (&error);
  }
}

static gboolean
is_for (const char *request_text,
        const char *web_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardGitCredentialRequest) request = parse (request_text, &error);

  g_assert_no_error (error);
  return lanyard_git_credential_request_is_for (request, web_url);
}

static LanyardGitCredentialMatch
match (const char *request_text,
       const char *web_url,
       guint      *depth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardGitCredentialRequest) request = parse (request_text, &error);

  g_assert_no_error (error);
  return lanyard_git_credential_request_match (request, web_url, depth);
}

/* Which hosts a provider's web address serves, as git names them. */
static void
test_is_for (void)
{
  g_assert_true (is_for ("protocol=https\nhost=github.com\n", "https://github.com"));
  g_assert_true (is_for ("protocol=https\nhost=GitHub.com\n", "https://github.com/"));
  /* The scheme's default port is no port. */
  g_assert_true (is_for ("protocol=https\nhost=github.com:443\n", "https://github.com"));
  g_assert_true (is_for ("protocol=https\nhost=github.com\n", "https://github.com:443"));
  g_assert_false (is_for ("protocol=https\nhost=github.com:8443\n", "https://github.com"));
  g_assert_false (is_for ("protocol=http\nhost=github.com\n", "https://github.com"));
  g_assert_false (is_for ("protocol=https\nhost=gist.github.com\n", "https://github.com"));
  g_assert_false (is_for ("protocol=https\nhost=github.com.evil.example\n", "https://github.com"));
  g_assert_false (is_for ("protocol=https\n", "https://github.com"));
  g_assert_false (is_for ("host=github.com\n", "https://github.com"));
  g_assert_false (is_for ("protocol=https\nhost=github.com\n", "not a url"));

  /* Self-managed, on a port, on loopback, on IPv6. */
  g_assert_true (is_for ("protocol=https\nhost=gitlab.example.com:8443\n", "https://gitlab.example.com:8443"));
  g_assert_false (is_for ("protocol=https\nhost=gitlab.example.com\n", "https://gitlab.example.com:8443"));
  g_assert_true (is_for ("protocol=http\nhost=127.0.0.1:40123\npath=github/o/r.git\n", "http://127.0.0.1:40123/github"));
  g_assert_false (is_for ("protocol=http\nhost=127.0.0.1:40124\npath=github/o/r.git\n", "http://127.0.0.1:40123/github"));
  g_assert_true (is_for ("protocol=http\nhost=[::1]:8080\n", "http://[::1]:8080"));
  g_assert_true (is_for ("protocol=http\nhost=[::1]\n", "http://[::1]:80"));
  g_assert_false (is_for ("protocol=http\nhost=[::1]:8081\n", "http://[::1]:8080"));

  /* A GitLab under a path, when git sends the path (useHttpPath). */
  g_assert_true (is_for ("protocol=https\nhost=example.com\npath=gitlab/group/repo.git\n", "https://example.com/gitlab/"));
  g_assert_true (is_for ("protocol=https\nhost=example.com\npath=gitlab\n", "https://example.com/gitlab"));
  g_assert_false (is_for ("protocol=https\nhost=example.com\npath=gitlabx/repo.git\n", "https://example.com/gitlab"));
  g_assert_false (is_for ("protocol=https\nhost=example.com\npath=other/repo.git\n", "https://example.com/gitlab"));
  g_assert_true (is_for ("protocol=https\nhost=github.com\npath=octocat/hello.git\n", "https://github.com"));

  /* Without the path, a provider under a path cannot tell its requests
   * from those for the rest of the host: no answer (the helper hints at
   * useHttpPath). A provider of the whole host matches either way. */
  g_assert_false (is_for ("protocol=https\nhost=example.com\n", "https://example.com/gitlab"));
  g_assert_cmpint (match ("protocol=https\nhost=example.com\n", "https://example.com/gitlab", NULL), ==,
                   LANYARD_GIT_CREDENTIAL_MATCH_NEEDS_PATH);
  g_assert_cmpint (match ("protocol=https\nhost=example.com\n", "https://example.com/", NULL), ==,
                   LANYARD_GIT_CREDENTIAL_MATCH_YES);
  g_assert_cmpint (match ("protocol=https\nhost=other.example\n", "https://example.com/gitlab", NULL), ==,
                   LANYARD_GIT_CREDENTIAL_MATCH_NONE);

  /* How specific a match is: the helper takes the deepest provider. */
  {
    guint depth = 99;

    g_assert_cmpint (match ("protocol=https\nhost=example.com\npath=a/b/r.git\n", "https://example.com", &depth), ==,
                     LANYARD_GIT_CREDENTIAL_MATCH_YES);
    g_assert_cmpuint (depth, ==, 0);
    g_assert_cmpint (match ("protocol=https\nhost=example.com\npath=a/b/r.git\n", "https://example.com/a/", &depth),
                     ==, LANYARD_GIT_CREDENTIAL_MATCH_YES);
    g_assert_cmpuint (depth, ==, 1);
    g_assert_cmpint (match ("protocol=https\nhost=example.com\npath=a/b/r.git\n", "https://example.com/a/b", &depth),
                     ==, LANYARD_GIT_CREDENTIAL_MATCH_YES);
    g_assert_cmpuint (depth, ==, 2);
  }

  /* git decodes %2e%2e before it hands the path over: segments that
   * climb, stay or are empty, and any "%", match nothing. */
  g_assert_false (is_for ("protocol=https\nhost=example.com\npath=gitlab/../evil/r.git\n", "https://example.com/gitlab"));
  g_assert_false (is_for ("protocol=https\nhost=example.com\npath=gitlab/..\n", "https://example.com/gitlab"));
  g_assert_false (is_for ("protocol=https\nhost=example.com\npath=gitlab/./r.git\n", "https://example.com/gitlab"));
  g_assert_false (is_for ("protocol=https\nhost=example.com\npath=gitlab//r.git\n", "https://example.com/gitlab"));
  g_assert_false (is_for ("protocol=https\nhost=example.com\npath=gitlab/r.git/\n", "https://example.com/gitlab"));
  g_assert_false (is_for ("protocol=https\nhost=example.com\npath=gitlab/%2e%2e/r.git\n", "https://example.com/gitlab"));
  g_assert_false (is_for ("protocol=https\nhost=example.com\npath=gitlab%2fx/r.git\n", "https://example.com/gitlab"));
  g_assert_false (is_for ("protocol=https\nhost=github.com\npath=octo/../hello.git\n", "https://github.com"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Lanyard/GitCredentialRequest/attributes", test_attributes);
  g_test_add_func ("/Lanyard/GitCredentialRequest/array-cleared", test_array_cleared);
  g_test_add_func ("/Lanyard/GitCredentialRequest/refused", test_refused);
  g_test_add_func ("/Lanyard/GitCredentialRequest/bounds", test_bounds);
  g_test_add_func ("/Lanyard/GitCredentialRequest/is-for", test_is_for);
  return g_test_run ();
}
