/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-provider"

#include "fake-provider.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "lanyard-pkce.h"
#include "test-keys.h"

/**
 * FakeProvider:
 *
 * A loopback authorization server for tests that speaks the dialects of
 * GitHub (`/github`), GitLab (`/gitlab`), Google (`/google`), Microsoft
 * (`/ms`), a generic OpenID Connect issuer (`/oidc`) and a plain OAuth 2.0
 * server (`/oauth2`), with their rules: GitHub and Google insist on the
 * client secret, Microsoft refuses one, codes are single-use and bound to
 * the PKCE challenge and redirect URI, refresh tokens rotate. It can be told
 * to fail in the ways real providers do (#FakeFailure).
 *
 * Authorization auto-approves: the scripted browser in the tests follows
 * the redirect straight back to Lanyard's loopback listener.
 *
 * Told to (fake_provider_serve_git()), it is also the forge's git server:
 * smart HTTP through `git http-backend` at `/github/REPO.git` and
 * `/gitlab/REPO.git`, for the credentials each forge wants (handle_git()).
 *
 * The device authorization grant (RFC 8628) at each dialect's address for
 * it (GitHub `/login/device/code`, GitLab `/oauth/authorize_device`,
 * Microsoft `/devicecode`, Google and the OpenID issuer `/device/code`):
 * the token endpoint answers the polls as fake_provider_set_device_script()
 * says, and records when each poll came (fake_provider_get_device_polls()),
 * so that tests check the client's pace from the server's side.
 */
struct _FakeProvider
{
  GObject parent_instance;

  SoupServer      *server;
  char            *base_url;
  FakeFailure      failure;
  GHashTable      *codes; /* code → Grant */
  GHashTable      *access_tokens; /* token → Grant */
  GHashTable      *refresh_tokens; /* token → Grant */
  GHashTable      *counts; /* endpoint → count */
  GHashTable      *last_authorize;
  char            *last_revoked;
  GPtrArray       *paused;
  guint            serial;
  TestKey         *signing_key;
  GPtrArray       *published; /* TestKey */
  char            *jwks_override;
  char            *jwks_cache_control;
  char            *discovery_cache_control;
  JsonObject      *claim_changes;
  char            *header_override;
  gboolean         corrupt_signature;
  gint64           expires_in;
  GHashTable      *answers; /* endpoint → Answer */
  SoupServer      *elsewhere; /* where FAKE_ANSWER_REDIRECT sends clients */
  char            *elsewhere_url;
  guint            elsewhere_count;
  FakeQuirks       quirks;
  char            *exact_redirect; /* the one redirect URI registered, or NULL for any loopback port */
  char            *orgs_json; /* GitHub's /user/orgs answer */
  GStrv            memberships; /* organisations /user/memberships/orgs/{org} calls active */
  JsonObject      *userinfo_extra; /* more userinfo members (groups, hd, email_verified) */
  gint64           github_id; /* who the next GitHub sign-in signs in as */
  char            *github_login;
  char            *git_root; /* where the git repositories served are, or NULL */
  FakeRegistration registration; /* how /register answers */
  GHashTable      *clients; /* registered client id → Client */
  char            *last_registration; /* the last registration request's body */
  guint            client_serial;
  GStrv            device_script; /* what successive polls get: pending, slow_down, denied, expired, approve */
  guint            device_step;
  guint            device_interval;
  guint            device_expires_in;
  GHashTable      *device_codes; /* device code → Grant */
  GArray          *device_polls; /* gint64, monotonic µs */
  char            *last_user_code;
  GHashTable      *last_device_request;
};

/* A client registered dynamically (RFC 7591). */
typedef struct
{
  char *token; /* its registration access token */
  char *redirect_uri;
} Client;

static void
client_free (Client *client)
{
  g_free (client->token);
  g_free (client->redirect_uri);
  g_free (client);
}

typedef struct
{
  FakeAnswer answer;
  guint      status;
  char      *content_type;
  char      *body;
} Answer;

static void
answer_free (Answer *answer)
{
  g_free (answer->content_type);
  g_free (answer->body);
  g_free (answer);
}

typedef struct
{
  gatomicrefcount ref_count;
  char           *dialect;
  char           *challenge;
  char           *redirect_uri;
  char           *nonce;
  char           *scope;
  char           *client_id;
  gint64          github_id; /* who signed in, at GitHub */
  char           *github_login;
} Grant;

G_DEFINE_FINAL_TYPE (FakeProvider, fake_provider, G_TYPE_OBJECT)

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
  g_free (grant->dialect);
  g_free (grant->challenge);
  g_free (grant->redirect_uri);
  g_free (grant->nonce);
  g_free (grant->scope);
  g_free (grant->client_id);
  g_free (grant->github_login);
  g_free (grant);
}

static void
fake_provider_dispose (GObject *object)
{
  FakeProvider *self = FAKE_PROVIDER (object);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  if (self->elsewhere != NULL)
    soup_server_disconnect (self->elsewhere);
  g_clear_object (&self->elsewhere);
  g_clear_pointer (&self->paused, g_ptr_array_unref);

  G_OBJECT_CLASS (fake_provider_parent_class)->dispose (object);
}

static void
fake_provider_finalize (GObject *object)
{
  FakeProvider *self = FAKE_PROVIDER (object);

  g_free (self->base_url);
  g_hash_table_unref (self->codes);
  g_hash_table_unref (self->access_tokens);
  g_hash_table_unref (self->refresh_tokens);
  g_hash_table_unref (self->counts);
  g_clear_pointer (&self->last_authorize, g_hash_table_unref);
  g_free (self->last_revoked);
  g_free (self->orgs_json);
  g_strfreev (self->memberships);
  g_clear_pointer (&self->userinfo_extra, json_object_unref);
  g_free (self->exact_redirect);
  g_hash_table_unref (self->clients);
  g_free (self->last_registration);
  g_free (self->github_login);
  g_free (self->git_root);
  g_clear_pointer (&self->signing_key, test_key_unref);
  g_ptr_array_unref (self->published);
  g_free (self->jwks_override);
  g_free (self->jwks_cache_control);
  g_free (self->discovery_cache_control);
  g_clear_pointer (&self->claim_changes, json_object_unref);
  g_free (self->header_override);
  g_hash_table_unref (self->answers);
  g_free (self->elsewhere_url);
  g_clear_pointer (&self->device_script, g_strfreev);
  g_hash_table_unref (self->device_codes);
  g_array_unref (self->device_polls);
  g_free (self->last_user_code);
  g_clear_pointer (&self->last_device_request, g_hash_table_unref);

  G_OBJECT_CLASS (fake_provider_parent_class)->finalize (object);
}

static void
fake_provider_class_init (FakeProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fake_provider_dispose;
  object_class->finalize = fake_provider_finalize;
}

static void
count (FakeProvider *self,
       const char   *endpoint)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, endpoint));
  g_hash_table_replace (self->counts, g_strdup (endpoint), GUINT_TO_POINTER (n + 1));
}

guint
fake_provider_get_count (FakeProvider *self,
                         const char   *endpoint)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, endpoint));
}

static void
reply (SoupServerMessage *message,
       guint              status,
       const char        *content_type,
       const char        *body)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
reply_json (SoupServerMessage *message,
            guint              status,
            JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *json = json_to_string (root, FALSE);

  reply (message, status, "application/json", json);
}

static void
reply_error (SoupServerMessage *message,
             guint              status,
             const char        *error,
             const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  if (description != NULL)
    {
      json_builder_set_member_name (builder, "error_description");
      json_builder_add_string_value (builder, description);
    }
  json_builder_end_object (builder);
  reply_json (message, status, builder);
}

static char *
issuer_for (FakeProvider *self,
            const char   *dialect)
{
  if (g_str_equal (dialect, "ms"))
    return g_strdup_printf ("%s/ms/%s/v2.0", self->base_url, FAKE_MS_TENANT_ID);
  return g_strdup_printf ("%s/%s", self->base_url, dialect);
}

static gboolean
dialect_has_id_token (const char *dialect)
{
  return g_str_equal (dialect, "gitlab") || g_str_equal (dialect, "google") ||
    g_str_equal (dialect, "ms") || g_str_equal (dialect, "oidc");
}

static gboolean
dialect_has_refresh (const char *dialect)
{
  return !g_str_equal (dialect, "github");
}

static char *
claims_json (FakeProvider *self,
             Grant        *grant)
{
  g_autoptr(JsonBuilder) claims = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *issuer = issuer_for (self, grant->dialect);
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;
  JsonObject      *object;

  json_builder_begin_object (claims);
  json_builder_set_member_name (claims, "iss");
  json_builder_add_string_value (claims, self->failure == FAKE_FAIL_ID_TOKEN_ISSUER ? "https://evil.example" : issuer);
  json_builder_set_member_name (claims, "aud");
  json_builder_add_string_value (claims, self->failure == FAKE_FAIL_ID_TOKEN_AUDIENCE ? "other-client" : grant->client_id);
  json_builder_set_member_name (claims, "sub");
  json_builder_add_string_value (claims, g_str_equal (grant->dialect, "ms") ? "per-app-subject" : "4242");
  json_builder_set_member_name (claims, "iat");
  json_builder_add_int_value (claims, now);
  json_builder_set_member_name (claims, "exp");
  json_builder_add_int_value (claims, now + 3600);
  if (grant->nonce != NULL)
    {
      json_builder_set_member_name (claims, "nonce");
      json_builder_add_string_value (claims, self->failure == FAKE_FAIL_ID_TOKEN_NONCE ? "another-nonce" : grant->nonce);
    }
  if (g_str_equal (grant->dialect, "ms"))
    {
      json_builder_set_member_name (claims, "tid");
      json_builder_add_string_value (claims, FAKE_MS_TENANT_ID);
      json_builder_set_member_name (claims, "oid");
      json_builder_add_string_value (claims, "00000000-0000-0000-66f3-3332eca7ea81");
      json_builder_set_member_name (claims, "preferred_username");
      json_builder_add_string_value (claims, "ada@contoso.example");
      json_builder_set_member_name (claims, "name");
      json_builder_add_string_value (claims, "Ada Lovelace");
    }
  json_builder_end_object (claims);

  /* The test's changes: a member set to null is removed. */
  root = json_builder_get_root (claims);
  object = json_node_get_object (root);
  if (self->claim_changes != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (self->claim_changes);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (self->claim_changes, l->data);

          if (JSON_NODE_HOLDS_NULL (value))
            json_object_remove_member (object, l->data);
          else
            json_object_set_member (object, l->data, json_node_copy (value));
        }
    }

  return json_to_string (root, FALSE);
}

static char *
make_id_token (FakeProvider *self,
               Grant        *grant)
{
  g_autofree char *payload = claims_json (self, grant);
  const char      *header = self->header_override;
  char            *token;

  if (header != NULL && strstr (header, "\"none\"") != NULL)
    return test_jws_assemble (header, payload, NULL, 0);

  if (header != NULL && strstr (header, "\"HS256\"") != NULL)
    {
      /* The public key as the HMAC secret: the classic confusion attack. */
      g_autofree char *secret = test_key_to_jwk_json (self->signing_key);
      return test_jws_hs256 (header, payload, secret);
    }

  token = test_key_sign (self->signing_key, header, payload);
  if (self->corrupt_signature)
    {
      /* Flip a bit in the middle of the signature. */
      char *last_dot = strrchr (token, '.');
      gsize sig_len = strlen (last_dot + 1);
      char *c = last_dot + 1 + sig_len / 2;

      *c = *c == 'A' ? 'B' : 'A';
    }
  return token;
}

static gboolean
trickle_cb (gpointer user_data)
{
  SoupServerMessage *message = user_data;

  soup_message_body_append (soup_server_message_get_response_body (message), SOUP_MEMORY_STATIC, " ", 1);
  soup_server_message_unpause (message);
  return G_SOURCE_CONTINUE;
}

static void
trickle_wrote_chunk_cb (SoupServerMessage *message)
{
  soup_server_message_pause (message);
}

static void
trickle_stop_cb (SoupServerMessage *message)
{
  guint source = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (message), "trickle-source"));

  if (source != 0)
    g_source_remove (source);
  g_object_set_data (G_OBJECT (message), "trickle-source", NULL);
}

static void
elsewhere_cb (SoupServer        *server,
              SoupServerMessage *message,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  FakeProvider *self = user_data;

  /* Another host's tokens, which must never be taken for the provider's. */
  self->elsewhere_count++;
  reply (message, SOUP_STATUS_OK, "application/json",
         "{\"access_token\":\"elsewhere_at\",\"token_type\":\"bearer\",\"expires_in\":3600,"
         "\"refresh_token\":\"elsewhere_rt\",\"sub\":\"4242\",\"id\":583231,\"issuer\":\"elsewhere\"}");
}

static const char *
elsewhere_url (FakeProvider *self)
{
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSList) listeners = NULL;
  g_autoptr(GError) error = NULL;

  if (self->elsewhere_url != NULL)
    return self->elsewhere_url;

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  self->elsewhere = soup_server_new (NULL, NULL);
  soup_server_listen (self->elsewhere, address, 0, &error);
  g_assert_no_error (error);
  soup_server_add_handler (self->elsewhere, NULL, elsewhere_cb, self, NULL);
  listeners = soup_server_get_listeners (self->elsewhere);
  local = g_socket_get_local_address (listeners->data, NULL);
  self->elsewhere_url = g_strdup_printf ("http://127.0.0.1:%u",
                                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  return self->elsewhere_url;
}

/* Answers for @endpoint as fake_provider_set_answer() said, if it did. */
static gboolean
misbehave (FakeProvider      *self,
           SoupServerMessage *message,
           const char        *endpoint)
{
  Answer *answer = g_hash_table_lookup (self->answers, endpoint);

  if (answer == NULL)
    return FALSE;

  switch (answer->answer)
    {
    case FAKE_ANSWER_NORMAL:
      return FALSE;

    case FAKE_ANSWER_EMPTY_FORM:
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (message, "application/x-www-form-urlencoded", SOUP_MEMORY_STATIC, "", 0);
      return TRUE;

    case FAKE_ANSWER_DEEP_JSON:
      {
        gsize depth = 100000;
        char *deep = g_malloc (depth);

        memset (deep, '[', depth);
        soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE, deep, depth);
        return TRUE;
      }

    case FAKE_ANSWER_REDIRECT:
      {
        g_autofree char *location = g_strconcat (elsewhere_url (self),
                                                 g_uri_get_path (soup_server_message_get_uri (message)), NULL);

        soup_server_message_set_redirect (message, SOUP_STATUS_FOUND, location);
        return TRUE;
      }

    case FAKE_ANSWER_TRICKLE:
      {
        SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);

        soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
        soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
        soup_message_headers_set_content_type (headers, "application/json", NULL);
        soup_message_body_append (soup_server_message_get_response_body (message), SOUP_MEMORY_STATIC, "{", 1);
        g_signal_connect (message, "wrote-chunk", G_CALLBACK (trickle_wrote_chunk_cb), NULL);
        g_signal_connect (message, "finished", G_CALLBACK (trickle_stop_cb), NULL);
        g_signal_connect (message, "disconnected", G_CALLBACK (trickle_stop_cb), NULL);
        g_object_set_data (G_OBJECT (message), "trickle-source",
                           GUINT_TO_POINTER (g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 1, trickle_cb,
                                                                         g_object_ref (message), g_object_unref)));
        return TRUE;
      }

    case FAKE_ANSWER_RAW:
      soup_server_message_set_status (message, answer->status, NULL);
      soup_server_message_set_response (message, answer->content_type, SOUP_MEMORY_COPY,
                                        answer->body, strlen (answer->body));
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static void
handle_jwks (FakeProvider      *self,
             SoupServerMessage *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  count (self, "jwks");
  if (misbehave (self, message, "jwks"))
    return;

  if (self->jwks_cache_control != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                  "Cache-Control", self->jwks_cache_control);

  if (self->jwks_override != NULL)
    {
      reply (message, SOUP_STATUS_OK, "application/json", self->jwks_override);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "keys");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->published->len; i++)
    json_builder_add_value (builder, test_key_to_jwk (g_ptr_array_index (self->published, i), TRUE));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  reply (message, SOUP_STATUS_OK, "application/json", json);
}

static gboolean
resume_cb (gpointer user_data)
{
  SoupServerMessage *message = user_data;

  g_object_set_data (G_OBJECT (message), "resume-source", NULL);
  soup_server_message_unpause (message);
  return G_SOURCE_REMOVE;
}

/* The client may give up before the slow answer is due. */
static void
slow_message_finished_cb (SoupServerMessage *message)
{
  guint source = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (message), "resume-source"));

  if (source != 0)
    g_source_remove (source);
  g_object_set_data (G_OBJECT (message), "resume-source", NULL);
}

static void
issue_tokens (FakeProvider      *self,
              SoupServerMessage *message,
              Grant             *grant)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *access_token = g_strdup_printf ("fake_at_%u_%s", ++self->serial, grant->dialect);
  g_autofree char *refresh_token = g_strdup_printf ("fake_rt_%u_%s", self->serial, grant->dialect);

  g_hash_table_insert (self->access_tokens, g_strdup (access_token), grant_ref (grant));

  if (self->failure == FAKE_FAIL_TOKEN_FORM)
    {
      g_autofree char *form = soup_form_encode ("access_token", access_token,
                                                "token_type", "bearer",
                                                "scope", grant->scope != NULL ? grant->scope : "",
                                                NULL);
      reply (message, SOUP_STATUS_OK, "application/x-www-form-urlencoded", form);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, access_token);
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, g_str_equal (grant->dialect, "github") ? "bearer" : "Bearer");
  if (grant->scope != NULL)
    {
      json_builder_set_member_name (builder, "scope");
      json_builder_add_string_value (builder, grant->scope);
    }
  if (dialect_has_refresh (grant->dialect))
    {
      g_hash_table_insert (self->refresh_tokens, g_strdup (refresh_token), grant_ref (grant));
      json_builder_set_member_name (builder, "refresh_token");
      json_builder_add_string_value (builder, refresh_token);
      json_builder_set_member_name (builder, "expires_in");
      json_builder_add_int_value (builder, self->expires_in);
    }
  if (dialect_has_id_token (grant->dialect) && grant->scope != NULL && strstr (grant->scope, "openid") != NULL)
    {
      g_autofree char *id_token = make_id_token (self, grant);

      json_builder_set_member_name (builder, "id_token");
      json_builder_add_string_value (builder, id_token);
    }
  json_builder_end_object (builder);

  reply_json (message, SOUP_STATUS_OK, builder);
}

/* The built-in client, or one registered and not forgotten. */
static gboolean
client_is_known (FakeProvider *self,
                 const char   *client_id)
{
  return g_strcmp0 (client_id, FAKE_CLIENT_ID) == 0 || (client_id != NULL && g_hash_table_contains (self->clients, client_id));
}

/* A registered client's redirect URI, compared as GitLab does (any port
 * on loopback, RFC 8252 §7.3) or, for other servers, exactly, as glewlwyd
 * does: Lanyard registers a port with those. */
static gboolean
client_allows_redirect (FakeProvider *self,
                        const char   *client_id,
                        const char   *redirect_uri,
                        const char   *dialect)
{
  Client *client = client_id != NULL ? g_hash_table_lookup (self->clients, client_id) : NULL;
  g_autoptr(GUri) registered = NULL;
  g_autoptr(GUri) used = NULL;

  if (client == NULL)
    return TRUE;
  if (!g_str_equal (dialect, "gitlab"))
    return g_strcmp0 (client->redirect_uri, redirect_uri) == 0;
  registered = g_uri_parse (client->redirect_uri, G_URI_FLAGS_NONE, NULL);
  used = redirect_uri != NULL ? g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL) : NULL;
  return registered != NULL && used != NULL && g_strcmp0 (g_uri_get_host (registered), g_uri_get_host (used)) == 0 &&
    g_strcmp0 (g_uri_get_path (registered), g_uri_get_path (used)) == 0;
}

static gboolean
is_loopback_redirect (const char *redirect_uri,
                      const char *dialect)
{
  g_autoptr(GUri) uri = redirect_uri != NULL ? g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;

  /* Microsoft matches loopback redirects only for the name localhost. */
  if (g_str_equal (dialect, "ms"))
    return g_strcmp0 (g_uri_get_host (uri), "localhost") == 0;

  return g_strcmp0 (g_uri_get_host (uri), "127.0.0.1") == 0 ||
    g_strcmp0 (g_uri_get_host (uri), "::1") == 0;
}

static void
handle_authorize (FakeProvider      *self,
                  SoupServerMessage *message,
                  const char        *dialect,
                  GHashTable        *query)
{
  g_autoptr(GHashTable) answer = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *code = NULL;
  g_autofree char *issuer = issuer_for (self, dialect);
  g_autofree char *encoded = NULL;
  g_autofree char *location = NULL;
  const char      *redirect_uri, *state;
  Grant           *grant;

  count (self, "authorize");
  g_clear_pointer (&self->last_authorize, g_hash_table_unref);
  self->last_authorize = query != NULL ? g_hash_table_ref (query) : NULL;

  redirect_uri = query != NULL ? g_hash_table_lookup (query, "redirect_uri") : NULL;

  /* A server that compares the whole redirect URI, port included, as
   * glewlwyd does: its words, with its status. */
  if (self->exact_redirect != NULL && g_strcmp0 (redirect_uri, self->exact_redirect) != 0)
    {
      g_autofree char *text = g_strdup_printf ("redirect_uri '%s' is invalid for the client", redirect_uri != NULL ? redirect_uri : "");

      count (self, "authorize-wrong-redirect");
      reply (message, SOUP_STATUS_FORBIDDEN, "text/plain", text);
      return;
    }

  if (query == NULL ||
      !client_is_known (self, g_hash_table_lookup (query, "client_id")) ||
      !client_allows_redirect (self, g_hash_table_lookup (query, "client_id"), redirect_uri, dialect) ||
      !is_loopback_redirect (redirect_uri, dialect) ||
      g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "code_challenge_method"), "S256") != 0 ||
      g_hash_table_lookup (query, "code_challenge") == NULL)
    {
      reply (message, SOUP_STATUS_BAD_REQUEST, "text/plain", "invalid authorization request");
      return;
    }

  state = g_hash_table_lookup (query, "state");
  if (self->failure == FAKE_FAIL_WRONG_STATE)
    state = "forged-state";
  if (self->failure != FAKE_FAIL_MISSING_STATE && state != NULL)
    g_hash_table_insert (answer, (char *) "state", (char *) state);

  if (g_str_equal (dialect, "oidc") && self->failure != FAKE_FAIL_MISSING_ISS)
    g_hash_table_insert (answer, (char *) "iss", self->failure == FAKE_FAIL_WRONG_ISS ? (char *) "https://evil.example" : issuer);
  else if (self->failure == FAKE_FAIL_WRONG_ISS)
    g_hash_table_insert (answer, (char *) "iss", (char *) "https://evil.example");

  if (self->failure == FAKE_FAIL_ACCESS_DENIED)
    {
      g_hash_table_insert (answer, (char *) "error", (char *) "access_denied");
      g_hash_table_insert (answer, (char *) "error_description", (char *) "The user denied the request");
    }
  else if (self->failure != FAKE_FAIL_MISSING_CODE)
    {
      grant = g_new0 (Grant, 1);
      g_atomic_ref_count_init (&grant->ref_count);
      grant->dialect = g_strdup (dialect);
      grant->challenge = g_strdup (g_hash_table_lookup (query, "code_challenge"));
      grant->redirect_uri = g_strdup (redirect_uri);
      grant->nonce = g_strdup (g_hash_table_lookup (query, "nonce"));
      grant->scope = g_strdup (g_hash_table_lookup (query, "scope"));
      grant->client_id = g_strdup (g_hash_table_lookup (query, "client_id"));
      grant->github_id = self->github_id;
      grant->github_login = g_strdup (self->github_login);
      code = g_strdup_printf ("code_%u", ++self->serial);
      g_hash_table_insert (self->codes, g_strdup (code), grant);
      g_hash_table_insert (answer, (char *) "code", code);
    }

  encoded = soup_form_encode_hash (answer);
  location = g_strconcat (redirect_uri, "?", encoded, NULL);
  soup_server_message_set_redirect (message, SOUP_STATUS_FOUND, location);
}

static GHashTable *
read_form (SoupServerMessage *message)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return soup_form_decode (text);
}

/* RFC 8628 §3.1–3.2 */
static void
handle_device_authorization (FakeProvider      *self,
                             SoupServerMessage *message,
                             const char        *dialect)
{
  g_autoptr(GHashTable) form = read_form (message);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *device_code = NULL;
  g_autofree char *user_code = NULL;
  g_autofree char *verification = NULL;
  g_autofree char *complete = NULL;
  Grant           *grant;

  count (self, "device-authorization");
  g_clear_pointer (&self->last_device_request, g_hash_table_unref);
  self->last_device_request = g_hash_table_ref (form);
  if (misbehave (self, message, "device"))
    return;
  if (g_strcmp0 (g_hash_table_lookup (form, "client_id"), FAKE_CLIENT_ID) != 0)
    {
      reply_error (message, SOUP_STATUS_UNAUTHORIZED, "invalid_client", "Unknown client");
      return;
    }

  grant = g_new0 (Grant, 1);
  g_atomic_ref_count_init (&grant->ref_count);
  grant->dialect = g_strdup (dialect);
  grant->scope = g_strdup (g_hash_table_lookup (form, "scope"));
  grant->client_id = g_strdup (g_hash_table_lookup (form, "client_id"));
  grant->github_id = self->github_id;
  grant->github_login = g_strdup (self->github_login);
  device_code = g_strdup_printf ("fake_dc_%u", ++self->serial);
  user_code = g_strdup_printf ("WDJB-%04u", self->serial);
  g_hash_table_insert (self->device_codes, g_strdup (device_code), grant);
  g_free (self->last_user_code);
  self->last_user_code = g_strdup (user_code);
  self->device_step = 0;

  verification = g_strdup_printf ("%s/%s/device", self->base_url, dialect);
  complete = g_strdup_printf ("%s?user_code=%s", verification, user_code);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device_code");
  json_builder_add_string_value (builder, device_code);
  json_builder_set_member_name (builder, "user_code");
  json_builder_add_string_value (builder, user_code);
  /* Google spells it verification_url. */
  json_builder_set_member_name (builder, g_str_equal (dialect, "google") ? "verification_url" : "verification_uri");
  json_builder_add_string_value (builder, verification);
  if (!g_str_equal (dialect, "github"))
    {
      json_builder_set_member_name (builder, "verification_uri_complete");
      json_builder_add_string_value (builder, complete);
    }
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, self->device_expires_in);
  json_builder_set_member_name (builder, "interval");
  json_builder_add_int_value (builder, self->device_interval);
  json_builder_end_object (builder);
  reply_json (message, SOUP_STATUS_OK, builder);
}

/* RFC 8628 §3.4–3.5, the answer the script says for this poll. */
static void
handle_device_poll (FakeProvider      *self,
                    SoupServerMessage *message,
                    const char        *dialect,
                    GHashTable        *form)
{
  const char *device_code = g_hash_table_lookup (form, "device_code");
  Grant      *grant = device_code != NULL ? g_hash_table_lookup (self->device_codes, device_code) : NULL;
  guint       status = g_str_equal (dialect, "github") ? SOUP_STATUS_OK : SOUP_STATUS_BAD_REQUEST;
  guint       n = self->device_script != NULL ? g_strv_length (self->device_script) : 0;
  const char *step;
  gint64      now = g_get_monotonic_time ();

  g_array_append_val (self->device_polls, now);
  count (self, "device-poll");
  if (grant == NULL || !g_str_equal (grant->dialect, dialect))
    {
      reply_error (message, status, g_str_equal (dialect, "github") ? "incorrect_device_code" : "invalid_grant",
                   "The device code is not known");
      return;
    }

  step = n == 0 ? "approve" : self->device_script[MIN (self->device_step, n - 1)];
  self->device_step++;
  if (g_str_equal (step, "pending"))
    reply_error (message, status, "authorization_pending", NULL);
  else if (g_str_equal (step, "slow_down"))
    reply_error (message, status, "slow_down", NULL);
  else if (g_str_equal (step, "denied"))
    reply_error (message, status, "access_denied", "The user denied the request");
  else if (g_str_equal (step, "expired"))
    reply_error (message, status, "expired_token", NULL);
  else if (g_str_equal (step, "server_error"))
    reply (message, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/html", "<h1>Service Unavailable</h1>");
  else if (g_str_equal (step, "approve"))
    {
      g_autofree char *stolen_key = NULL;

      /* A device code is used once. */
      g_hash_table_steal_extended (self->device_codes, device_code, (gpointer *) &stolen_key, (gpointer *) &grant);
      issue_tokens (self, message, grant);
      grant_unref (grant);
    }
  else
    g_assert_not_reached ();
}

static void
handle_token (FakeProvider      *self,
              SoupServerMessage *message,
              const char        *dialect)
{
  g_autoptr(GHashTable) form = read_form (message);
  const char      *grant_type = g_hash_table_lookup (form, "grant_type");
  const char      *secret = g_hash_table_lookup (form, "client_secret");
  g_autofree char *stolen_key = NULL;
  g_autofree char *challenge = NULL;
  Grant           *grant = NULL;

  count (self, g_strcmp0 (grant_type, "refresh_token") == 0 ? "refresh" : "token");
  if (misbehave (self, message, "token"))
    return;

  switch (self->failure)
    {
    case FAKE_FAIL_TOKEN_500:
      reply (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/html", "<h1>Internal Server Error</h1>");
      return;
    case FAKE_FAIL_TOKEN_INVALID_JSON:
      reply (message, SOUP_STATUS_OK, "application/json", "{\"access_token\": \"abc\", ");
      return;
    case FAKE_FAIL_TOKEN_INVALID_GRANT:
      reply_error (message, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "The provided authorization grant is invalid, expired or revoked");
      return;
    case FAKE_FAIL_TOKEN_SLOW:
      reply_error (message, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "too late");
      soup_server_message_pause (message);
      g_object_set_data (G_OBJECT (message), "resume-source",
                         GUINT_TO_POINTER (g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 3, resume_cb,
                                                                       g_object_ref (message), g_object_unref)));
      g_signal_connect (message, "finished", G_CALLBACK (slow_message_finished_cb), NULL);
      g_signal_connect (message, "disconnected", G_CALLBACK (slow_message_finished_cb), NULL);
      return;
    case FAKE_FAIL_TOKEN_NO_REPLY:
      soup_server_message_pause (message);
      g_ptr_array_add (self->paused, g_object_ref (message));
      return;
    default:
      break;
    }

  if (!client_is_known (self, g_hash_table_lookup (form, "client_id")))
    {
      count (self, "token-unknown-client");
      reply_error (message, SOUP_STATUS_UNAUTHORIZED, "invalid_client", "Unknown client");
      return;
    }

  /* GitHub answers errors with 200; Microsoft refuses secrets from public
   * clients; GitHub and Google want the secret. */
  if ((g_str_equal (dialect, "github") || g_str_equal (dialect, "google")) &&
      g_strcmp0 (secret, FAKE_CLIENT_SECRET) != 0)
    {
      reply_error (message, g_str_equal (dialect, "github") ? SOUP_STATUS_OK : SOUP_STATUS_UNAUTHORIZED,
                   g_str_equal (dialect, "github") ? "incorrect_client_credentials" : "invalid_client",
                   "The client_id and/or client_secret passed are incorrect.");
      return;
    }
  if (g_str_equal (dialect, "ms") && secret != NULL)
    {
      reply_error (message, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                   "AADSTS700025: Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
      return;
    }

  if (g_strcmp0 (grant_type, "urn:ietf:params:oauth:grant-type:device_code") == 0)
    {
      handle_device_poll (self, message, dialect, form);
      return;
    }

  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    {
      const char *code = g_hash_table_lookup (form, "code");

      if (code != NULL)
        g_hash_table_steal_extended (self->codes, code, (gpointer *) &stolen_key, (gpointer *) &grant);
      challenge = lanyard_pkce_challenge_s256 (g_hash_table_lookup (form, "code_verifier"));

      if (grant == NULL || !g_str_equal (grant->dialect, dialect) ||
          g_strcmp0 (grant->client_id, g_hash_table_lookup (form, "client_id")) != 0 ||
          g_strcmp0 (grant->redirect_uri, g_hash_table_lookup (form, "redirect_uri")) != 0 ||
          g_strcmp0 (challenge, grant->challenge) != 0)
        reply_error (message, g_str_equal (dialect, "github") ? SOUP_STATUS_OK : SOUP_STATUS_BAD_REQUEST,
                     g_str_equal (dialect, "github") ? "bad_verification_code" : "invalid_grant",
                     "The code passed is incorrect or expired.");
      else
        issue_tokens (self, message, grant);

      /* Renewed ID tokens carry no nonce (OIDC Core §12.2). */
      if (grant != NULL)
        g_clear_pointer (&grant->nonce, g_free);
    }
  else if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      const char *refresh_token = g_hash_table_lookup (form, "refresh_token");

      /* Rotation: the old refresh token dies with its use. */
      if (refresh_token != NULL)
        g_hash_table_steal_extended (self->refresh_tokens, refresh_token, (gpointer *) &stolen_key, (gpointer *) &grant);
      if (grant == NULL || !g_str_equal (grant->dialect, dialect) ||
          g_strcmp0 (grant->client_id, g_hash_table_lookup (form, "client_id")) != 0)
        reply_error (message, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Unknown refresh token");
      else
        issue_tokens (self, message, grant);
    }
  else
    {
      reply_error (message, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type", NULL);
    }

  g_clear_pointer (&grant, grant_unref);
}

static Grant *
bearer_grant (FakeProvider      *self,
              SoupServerMessage *message)
{
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (message), "Authorization");

  if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer "))
    return NULL;
  return g_hash_table_lookup (self->access_tokens, authorization + strlen ("Bearer "));
}

static void
handle_userinfo (FakeProvider      *self,
                 SoupServerMessage *message,
                 const char        *dialect,
                 const char        *what)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  Grant      *grant = bearer_grant (self, message);
  const char *sub = self->failure == FAKE_FAIL_USERINFO_OTHER_SUB ? "9999" : "4242";

  count (self, "userinfo");
  if (misbehave (self, message, g_str_equal (what, "emails") ? "emails" : "userinfo"))
    return;

  if (self->failure == FAKE_FAIL_USERINFO_500)
    {
      reply (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain", "oops");
      return;
    }
  if (grant == NULL || !g_str_equal (grant->dialect, dialect))
    {
      reply (message, SOUP_STATUS_UNAUTHORIZED, "application/json", "{\"message\":\"Bad credentials\"}");
      return;
    }

  if (g_str_equal (what, "emails"))
    {
      reply (message, SOUP_STATUS_OK, "application/json",
             "[{\"email\":\"old@example.com\",\"primary\":false,\"verified\":true},"
             "{\"email\":\"octocat@example.com\",\"primary\":true,\"verified\":true}]");
      return;
    }

  json_builder_begin_object (builder);
  if (g_str_equal (dialect, "github"))
    {
      /* No public e-mail: it comes from /user/emails. */
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, grant->github_id);
      json_builder_set_member_name (builder, "login");
      json_builder_add_string_value (builder, grant->github_login);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, "The Octocat");
      json_builder_set_member_name (builder, "email");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "avatar_url");
      json_builder_add_string_value (builder, "https://avatars.example/u/583231");
    }
  else if (g_str_equal (dialect, "oauth2"))
    {
      json_builder_set_member_name (builder, "user_id");
      json_builder_add_int_value (builder, 77);
      json_builder_set_member_name (builder, "handle");
      json_builder_add_string_value (builder, "plainuser");
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, "Plain User");
    }
  else
    {
      json_builder_set_member_name (builder, "sub");
      json_builder_add_string_value (builder, sub);
      if (!(self->quirks & FAKE_QUIRK_NO_USERNAME))
        {
          json_builder_set_member_name (builder, g_str_equal (dialect, "gitlab") ? "nickname" : "preferred_username");
          json_builder_add_string_value (builder, "tanuki");
        }
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, "Tanu Ki");
      if (!(self->quirks & FAKE_QUIRK_NO_EMAIL))
        {
          json_builder_set_member_name (builder, "email");
          json_builder_add_string_value (builder, "tanuki@example.com");
        }
      json_builder_set_member_name (builder, "picture");
      json_builder_add_string_value (builder, "https://avatars.example/tanuki");
      if (self->userinfo_extra != NULL)
        {
          g_autoptr(GList) members = json_object_get_members (self->userinfo_extra);

          for (GList *l = members; l != NULL; l = l->next)
            {
              json_builder_set_member_name (builder, l->data);
              json_builder_add_value (builder, json_node_copy (json_object_get_member (self->userinfo_extra, l->data)));
            }
        }
    }
  json_builder_end_object (builder);
  reply_json (message, SOUP_STATUS_OK, builder);
}

static gboolean
same_grant (gpointer key,
            gpointer value,
            gpointer grant)
{
  return value == grant;
}

/* GitHub's GET /user/memberships/orgs/{org}: 404 unless a member. */
static void
handle_membership (FakeProvider      *self,
                   SoupServerMessage *message,
                   const char        *org)
{
  g_autofree char *body = NULL;

  count (self, "memberships");
  if (bearer_grant (self, message) == NULL)
    {
      reply (message, SOUP_STATUS_UNAUTHORIZED, "application/json", "{\"message\":\"Bad credentials\"}");
      return;
    }
  if (self->memberships == NULL || !g_strv_contains ((const char *const *) self->memberships, org))
    {
      reply (message, SOUP_STATUS_NOT_FOUND, "application/json", "{\"message\":\"Not Found\"}");
      return;
    }
  body = g_strdup_printf ("{\"state\":\"active\",\"role\":\"member\",\"organization\":{\"login\":\"%s\"}}", org);
  reply (message, SOUP_STATUS_OK, "application/json", body);
}

/* GitHub's GET /user/orgs: the organisations of the token's user. */
static void
handle_orgs (FakeProvider      *self,
             SoupServerMessage *message)
{
  Grant *grant = bearer_grant (self, message);

  count (self, "orgs");
  if (grant == NULL)
    {
      reply (message, SOUP_STATUS_UNAUTHORIZED, "application/json", "{\"message\":\"Bad credentials\"}");
      return;
    }
  reply (message, SOUP_STATUS_OK, "application/json", self->orgs_json != NULL ? self->orgs_json : "[]");
}

static void
handle_revoke (FakeProvider      *self,
               SoupServerMessage *message,
               const char        *dialect)
{
  count (self, "revoke");
  if (misbehave (self, message, "revoke"))
    return;

  if (g_str_equal (dialect, "github"))
    {
      const char      *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (message), "Authorization");
      g_autofree char *credentials = g_base64_encode ((const guchar *) FAKE_CLIENT_ID ":" FAKE_CLIENT_SECRET,
                                                      strlen (FAKE_CLIENT_ID ":" FAKE_CLIENT_SECRET));
      g_autofree char *expected = g_strconcat ("Basic ", credentials, NULL);
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;

      if (g_strcmp0 (authorization, expected) != 0)
        {
          reply (message, SOUP_STATUS_UNAUTHORIZED, "application/json", "{\"message\":\"Requires authentication\"}");
          return;
        }
      if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          reply (message, SOUP_STATUS_UNPROCESSABLE_ENTITY, "application/json", "{\"message\":\"Invalid request\"}");
          return;
        }
      object = json_node_get_object (json_parser_get_root (parser));
      g_free (self->last_revoked);
      self->last_revoked = g_strdup (json_object_get_string_member_with_default (object, "access_token", ""));
      if (!g_hash_table_remove (self->access_tokens, self->last_revoked))
        {
          soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
          return;
        }
      soup_server_message_set_status (message, SOUP_STATUS_NO_CONTENT, NULL);
      return;
    }

  {
    g_autoptr(GHashTable) form = read_form (message);

    /* glewlwyd with bearer revocation: a public client is refused, with
     * no body, unless its access token authenticates the request. */
    if (self->quirks & FAKE_QUIRK_BEARER_REVOCATION)
      {
        Grant *grant = bearer_grant (self, message);

        if (grant == NULL)
          {
            soup_server_message_set_status (message, SOUP_STATUS_UNAUTHORIZED, NULL);
            return;
          }
        count (self, "revoke-bearer");
      }

    g_free (self->last_revoked);
    self->last_revoked = g_strdup (g_hash_table_lookup (form, "token"));
    if (self->last_revoked != NULL)
      {
        Grant *grant = g_hash_table_lookup (self->refresh_tokens, self->last_revoked);

        /* RFC 7009 §2.1: revoking a refresh token ends its grant, the
         * access tokens issued with it too. */
        if (grant != NULL)
          g_hash_table_foreach_remove (self->access_tokens, same_grant, grant);
        g_hash_table_remove (self->access_tokens, self->last_revoked);
        g_hash_table_remove (self->refresh_tokens, self->last_revoked);
      }
    reply (message, SOUP_STATUS_OK, "application/json", "{}");
  }
}

static void
handle_discovery (FakeProvider      *self,
                  SoupServerMessage *message,
                  const char        *dialect,
                  gboolean           oauth_metadata)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *issuer = issuer_for (self, dialect);
  gboolean         gitlab = g_str_equal (dialect, "gitlab");
  const struct
  {
    const char *member;
    const char *path;
  } endpoints[] = {
    { "authorization_endpoint", "authorize" },
    { "token_endpoint", "token" },
    { "userinfo_endpoint", "userinfo" },
    { "revocation_endpoint", "revoke" },
    { "jwks_uri", "jwks" },
    { "device_authorization_endpoint", "device/code" },
  };

  count (self, oauth_metadata ? "oauth-metadata" : "discovery");
  if (misbehave (self, message, "discovery"))
    return;
  if (self->discovery_cache_control != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                  "Cache-Control", self->discovery_cache_control);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "issuer");
  json_builder_add_string_value (builder, self->failure == FAKE_FAIL_DISCOVERY_ISSUER ? "https://evil.example" : issuer);
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      /* GitLab's endpoints are below /oauth, its keys at /oauth/discovery/keys. */
      g_autofree char *url = g_strdup_printf ("%s/%s%s", issuer, gitlab ? "oauth/" : "",
                                              gitlab && g_str_equal (endpoints[i].path, "jwks") ? "discovery/keys" : endpoints[i].path);

      if ((self->quirks & FAKE_QUIRK_NO_DEVICE_ENDPOINT) && g_str_equal (endpoints[i].path, "device/code"))
        continue;

      json_builder_set_member_name (builder, endpoints[i].member);
      json_builder_add_string_value (builder, url);
    }
  if (!gitlab)
    {
      json_builder_set_member_name (builder, "authorization_response_iss_parameter_supported");
      json_builder_add_boolean_value (builder, TRUE);
    }
  /* GitLab names its registration endpoint in the RFC 8414 document
   * only; the OpenID provider in both. */
  if (self->registration != FAKE_REGISTRATION_NOT_OFFERED && (oauth_metadata || !gitlab))
    {
      g_autofree char *url = g_strdup_printf ("%s/%sregister", issuer, gitlab ? "oauth/" : "");

      json_builder_set_member_name (builder, "registration_endpoint");
      json_builder_add_string_value (builder, url);
    }
  if (self->quirks & FAKE_QUIRK_UNDER_REPORTING_DISCOVERY)
    {
      /* What glewlwyd lists: neither "none" nor "refresh_token", though it
       * accepts public clients and refreshes. */
      json_builder_set_member_name (builder, "token_endpoint_auth_methods_supported");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, "client_secret_basic");
      json_builder_add_string_value (builder, "client_secret_post");
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "grant_types_supported");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, "authorization_code");
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "response_types_supported");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, "code");
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  reply_json (message, SOUP_STATUS_OK, builder);
}

/* POST /register (RFC 7591): as self->registration says. */
static void
handle_register (FakeProvider      *self,
                 SoupServerMessage *message,
                 const char        *dialect)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *client_id = NULL;
  g_autofree char *token = NULL;
  g_autofree char *uri = NULL;
  JsonObject      *request;
  JsonArray       *redirects;
  Client          *client;

  count (self, "register");
  g_free (self->last_registration);
  self->last_registration = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (misbehave (self, message, "register"))
    return;

  switch (self->registration)
    {
    case FAKE_REGISTRATION_REFUSED:
      reply_error (message, SOUP_STATUS_BAD_REQUEST, "invalid_client_metadata", "Registration is closed here");
      return;
    case FAKE_REGISTRATION_INITIAL_TOKEN:
      reply (message, SOUP_STATUS_UNAUTHORIZED, "application/json", "{\"error\":\"invalid_token\"}");
      return;
    default:
      break;
    }

  if (!json_parser_load_from_data (parser, self->last_registration, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      reply_error (message, SOUP_STATUS_BAD_REQUEST, "invalid_client_metadata", "Not JSON");
      return;
    }
  request = json_node_get_object (json_parser_get_root (parser));
  redirects = json_object_has_member (request, "redirect_uris") ? json_object_get_array_member (request, "redirect_uris") : NULL;
  if (redirects == NULL || json_array_get_length (redirects) != 1 ||
      g_strcmp0 (json_object_get_string_member_with_default (request, "token_endpoint_auth_method", ""), "none") != 0)
    {
      reply_error (message, SOUP_STATUS_BAD_REQUEST, "invalid_redirect_uri", "One redirect URI, public clients only");
      return;
    }

  client_id = g_strdup_printf ("dyn-%s-%u", dialect, ++self->client_serial);
  token = g_strdup_printf ("rat-secret-%u-%s", self->client_serial, dialect);
  uri = g_strdup_printf ("%s/%s/%sregister/%s", self->base_url, dialect, g_str_equal (dialect, "gitlab") ? "oauth/" : "", client_id);
  client = g_new0 (Client, 1);
  client->token = g_strdup (token);
  client->redirect_uri = g_strdup (json_array_get_string_element (redirects, 0));
  g_hash_table_insert (self->clients, g_strdup (client_id), client);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "client_id");
  json_builder_add_string_value (builder, client_id);
  json_builder_set_member_name (builder, "client_id_issued_at");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "registration_access_token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "registration_client_uri");
  json_builder_add_string_value (builder, uri);
  json_builder_set_member_name (builder, "client_name");
  json_builder_add_string_value (builder, json_object_get_string_member_with_default (request, "client_name", ""));
  json_builder_set_member_name (builder, "redirect_uris");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, client->redirect_uri);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "token_endpoint_auth_method");
  json_builder_add_string_value (builder, "none");
  json_builder_set_member_name (builder, "scope");
  /* GitLab gives dynamic applications its "mcp" scope only. */
  json_builder_add_string_value (builder, self->registration == FAKE_REGISTRATION_MCP_ONLY ? "mcp" : json_object_get_string_member_with_default (request, "scope", ""));
  json_builder_end_object (builder);
  reply_json (message, SOUP_STATUS_CREATED, builder);
}

/* DELETE /register/CLIENT_ID (RFC 7592 §2.3), with its registration
 * access token. */
static void
handle_register_delete (FakeProvider      *self,
                        SoupServerMessage *message,
                        const char        *client_id)
{
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (message), "Authorization");
  Client     *client = g_hash_table_lookup (self->clients, client_id);

  count (self, "register-delete");
  if (client == NULL || authorization == NULL || !g_str_has_prefix (authorization, "Bearer ") ||
      g_strcmp0 (authorization + strlen ("Bearer "), client->token) != 0)
    {
      soup_server_message_set_status (message, SOUP_STATUS_UNAUTHORIZED, NULL);
      return;
    }
  count (self, "register-deleted");
  g_hash_table_remove (self->clients, client_id);
  soup_server_message_set_status (message, SOUP_STATUS_NO_CONTENT, NULL);
}

static gboolean
endless_cb (gpointer user_data)
{
  SoupServerMessage *message = user_data;
  FakeProvider      *self = g_object_get_data (G_OBJECT (message), "fake");
  static const char  chunk[64 * 1024];

  count (self, "avatar-chunks");
  soup_message_body_append (soup_server_message_get_response_body (message), SOUP_MEMORY_STATIC, chunk, sizeof chunk);
  soup_server_message_unpause (message);
  return G_SOURCE_CONTINUE;
}

static void
endless_stop_cb (SoupServerMessage *message)
{
  FakeProvider *self = g_object_get_data (G_OBJECT (message), "fake");
  guint         source = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (message), "endless-source"));

  if (source == 0)
    return;
  g_source_remove (source);
  g_object_set_data (G_OBJECT (message), "endless-source", NULL);
  count (self, "avatar-closed");
}

/* /avatars/endless: a picture that never ends, 64 KiB a millisecond, as
 * fast as the client takes it (at a priority below the window's avatar
 * download, which would starve in the shared main loop otherwise). "avatar-chunks" counts what was sent,
 * "avatar-closed" when the client hung up. */
static void
handle_endless_avatar (FakeProvider      *self,
                       SoupServerMessage *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);

  count (self, "avatar");
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, "image/png", NULL);
  g_object_set_data (G_OBJECT (message), "fake", self);
  g_signal_connect (message, "wrote-chunk", G_CALLBACK (trickle_wrote_chunk_cb), NULL);
  g_signal_connect (message, "finished", G_CALLBACK (endless_stop_cb), NULL);
  g_signal_connect (message, "disconnected", G_CALLBACK (endless_stop_cb), NULL);
  g_object_set_data (G_OBJECT (message), "endless-source",
                     GUINT_TO_POINTER (g_timeout_add_full (G_PRIORITY_LOW + 1, 1, endless_cb,
                                                           g_object_ref (message), g_object_unref)));
  soup_server_message_pause (message);
}

/* Smart HTTP git (git-http-backend(1) as a CGI program) for the
 * repositories under git_root, behind the credentials a forge wants: an
 * access token this fake issued as the password, with the login of its
 * account as the user name at GitHub and "oauth2" at GitLab. Anything
 * else is answered 401 with a Basic challenge, as the forges do.
 * "git" counts the requests, "git-refused" the 401s, "git-accepted" the
 * requests let through. */
typedef struct
{
  FakeProvider      *self;
  SoupServerMessage *message;
} GitRequest;

static void
git_backend_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GitRequest         *request = user_data;
  SoupServerMessage  *message = request->message;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  const char *end;
  gsize       size = 0;
  guint       status = SOUP_STATUS_OK;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (object), result, &out, NULL, &error))
    {
      g_test_message ("git http-backend: %s", error->message);
      soup_server_message_set_status (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      goto done;
    }

  /* The CGI answer: header lines, an empty line, the body. */
  data = g_bytes_get_data (out, &size);
  end = data + size;
  while (data < end)
    {
      const char      *newline = memchr (data, '\n', end - data);
      g_autofree char *line = NULL;
      char            *colon;

      if (newline == NULL)
        break;
      line = g_strndup (data, newline - data);
      g_strchomp (line);
      data = newline + 1;
      if (line[0] == '\0')
        break;
      colon = strchr (line, ':');
      if (colon == NULL)
        continue;
      *colon = '\0';
      if (g_ascii_strcasecmp (line, "Status") == 0)
        status = (guint) g_ascii_strtoull (g_strchug (colon + 1), NULL, 10);
      else
        soup_message_headers_replace (headers, line, g_strchug (colon + 1));
    }
  soup_server_message_set_status (message, status, NULL);
  soup_message_body_append (soup_server_message_get_response_body (message), SOUP_MEMORY_COPY, data, end - data);

done:
  soup_server_message_unpause (message);
  g_object_unref (message);
  g_object_unref (request->self);
  g_free (request);
}

static void
handle_git (FakeProvider      *self,
            SoupServerMessage *message,
            const char        *dialect,
            const char        *rest)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (message);
  const char         *authorization = soup_message_headers_get_one (request_headers, "Authorization");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) backend = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  g_autofree char *path_info = NULL;
  Grant           *grant = NULL;
  GitRequest      *request;
  const char      *query = g_uri_get_query (soup_server_message_get_uri (message));

  count (self, "git");
  if (authorization != NULL && g_str_has_prefix (authorization, "Basic "))
    {
      gsize            length = 0;
      g_autofree char *decoded = (char *) g_base64_decode (authorization + strlen ("Basic "), &length);
      g_autofree char *text = g_strndup (decoded, length);
      char            *colon = strchr (text, ':');

      if (colon != NULL)
        {
          *colon = '\0';
          grant = g_hash_table_lookup (self->access_tokens, colon + 1);
          user = g_strdup (text);
        }
    }
  if (grant == NULL || !g_str_equal (grant->dialect, dialect) ||
      g_strcmp0 (user, g_str_equal (dialect, "github") ? grant->github_login : "oauth2") != 0)
    {
      count (self, "git-refused");
      soup_message_headers_replace (soup_server_message_get_response_headers (message), "WWW-Authenticate",
                                    "Basic realm=\"fake git\"");
      reply (message, SOUP_STATUS_UNAUTHORIZED, "text/plain", "Invalid username or token");
      return;
    }
  count (self, "git-accepted");

  path_info = g_strconcat ("/", rest, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "GIT_PROJECT_ROOT", self->git_root, TRUE);
  g_subprocess_launcher_setenv (launcher, "GIT_HTTP_EXPORT_ALL", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "PATH_INFO", path_info, TRUE);
  g_subprocess_launcher_setenv (launcher, "QUERY_STRING", query != NULL ? query : "", TRUE);
  g_subprocess_launcher_setenv (launcher, "REQUEST_METHOD", soup_server_message_get_method (message), TRUE);
  g_subprocess_launcher_setenv (launcher, "REMOTE_USER", user, TRUE);
  g_subprocess_launcher_setenv (launcher, "REMOTE_ADDR", "127.0.0.1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GIT_CONFIG_NOSYSTEM", "1", TRUE);
  if (soup_message_headers_get_one (request_headers, "Content-Type") != NULL)
    g_subprocess_launcher_setenv (launcher, "CONTENT_TYPE", soup_message_headers_get_one (request_headers, "Content-Type"), TRUE);
  if (soup_message_headers_get_one (request_headers, "Content-Encoding") != NULL)
    g_subprocess_launcher_setenv (launcher, "HTTP_CONTENT_ENCODING",
                                  soup_message_headers_get_one (request_headers, "Content-Encoding"), TRUE);
  body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  {
    g_autofree char *length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (body));
    g_subprocess_launcher_setenv (launcher, "CONTENT_LENGTH", length, TRUE);
  }
  backend = g_subprocess_launcher_spawn (launcher, &error, "git", "http-backend", NULL);
  if (backend == NULL)
    {
      g_test_message ("git http-backend cannot start: %s", error->message);
      soup_server_message_set_status (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      return;
    }

  request = g_new0 (GitRequest, 1);
  request->self = g_object_ref (self);
  request->message = g_object_ref (message);
  soup_server_message_pause (message);
  g_subprocess_communicate_async (backend, body, NULL, git_backend_cb, request);
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  FakeProvider *self = user_data;
  const char   *method = soup_server_message_get_method (message);
  g_auto(GStrv) parts = g_strsplit (path + 1, "/", 2);
  const char *dialect = parts[0];
  const char *rest = parts[1] != NULL ? parts[1] : "";

  /* RFC 8414 §3: /.well-known/oauth-authorization-server/DIALECT. */
  if (g_str_equal (dialect, ".well-known") && g_str_has_prefix (rest, "oauth-authorization-server/"))
    {
      const char *of = rest + strlen ("oauth-authorization-server/");

      if (g_str_equal (of, "gitlab") || g_str_equal (of, "oidc"))
        handle_discovery (self, message, of, TRUE);
      else
        soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  if (g_str_equal (dialect, "avatars") && g_str_equal (rest, "endless"))
    {
      handle_endless_avatar (self, message);
      return;
    }

  if (self->git_root != NULL && (g_str_equal (dialect, "github") || g_str_equal (dialect, "gitlab")) &&
      (strstr (rest, ".git/") != NULL || g_str_has_suffix (rest, ".git")))
    {
      handle_git (self, message, dialect, rest);
      return;
    }

  if (g_str_equal (dialect, "ms"))
    {
      /* /ms/{tenant}/oauth2/v2.0/… : the tenant is not checked. */
      const char *slash = strchr (rest, '/');
      rest = slash != NULL ? slash + 1 : "";
      if (g_str_has_prefix (rest, "oauth2/v2.0/"))
        rest += strlen ("oauth2/v2.0/");
    }

  if (g_str_equal (dialect, "github"))
    {
      if (g_str_equal (rest, "login/oauth/authorize"))
        handle_authorize (self, message, dialect, query);
      else if (method == SOUP_METHOD_POST && g_str_equal (rest, "login/oauth/access_token"))
        handle_token (self, message, dialect);
      else if (method == SOUP_METHOD_POST && g_str_equal (rest, "login/device/code"))
        handle_device_authorization (self, message, dialect);
      else if (g_str_equal (rest, "api/v3/user"))
        handle_userinfo (self, message, dialect, "user");
      else if (g_str_equal (rest, "api/v3/user/emails"))
        handle_userinfo (self, message, dialect, "emails");
      else if (g_str_equal (rest, "api/v3/user/orgs"))
        handle_orgs (self, message);
      else if (g_str_has_prefix (rest, "api/v3/user/memberships/orgs/"))
        handle_membership (self, message, rest + strlen ("api/v3/user/memberships/orgs/"));
      else if (method == SOUP_METHOD_DELETE && g_str_has_prefix (rest, "api/v3/applications/" FAKE_CLIENT_ID "/token"))
        handle_revoke (self, message, dialect);
      else
        soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  if (g_str_equal (dialect, "gitlab") && g_str_has_prefix (rest, "oauth/"))
    rest += strlen ("oauth/");

  /* Every dialect's key set, at the provider's own address for it. */
  if (g_str_equal (rest, "jwks") || g_str_equal (rest, "discovery/keys") || g_str_equal (rest, "discovery/v2.0/keys"))
    {
      handle_jwks (self, message);
      return;
    }

  if (g_str_equal (rest, "authorize"))
    handle_authorize (self, message, dialect, query);
  else if (method == SOUP_METHOD_POST && g_str_equal (rest, "token"))
    handle_token (self, message, dialect);
  else if (g_str_equal (rest, "userinfo") || g_str_equal (rest, "me"))
    handle_userinfo (self, message, dialect, "user");
  else if (method == SOUP_METHOD_POST && g_str_equal (rest, "revoke"))
    handle_revoke (self, message, dialect);
  else if (method == SOUP_METHOD_POST &&
           (g_str_equal (rest, "authorize_device") || g_str_equal (rest, "devicecode") || g_str_equal (rest, "device/code")))
    handle_device_authorization (self, message, dialect);
  else if ((g_str_equal (dialect, "oidc") || g_str_equal (dialect, "gitlab")) && g_str_equal (rest, ".well-known/openid-configuration"))
    handle_discovery (self, message, dialect, FALSE);
  else if ((g_str_equal (dialect, "oidc") || g_str_equal (dialect, "gitlab")) && method == SOUP_METHOD_POST &&
           g_str_equal (rest, "register") && self->registration != FAKE_REGISTRATION_NOT_OFFERED)
    handle_register (self, message, dialect);
  else if ((g_str_equal (dialect, "oidc") || g_str_equal (dialect, "gitlab")) && method == SOUP_METHOD_DELETE &&
           g_str_has_prefix (rest, "register/"))
    handle_register_delete (self, message, rest + strlen ("register/"));
  else
    soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
fake_provider_init (FakeProvider *self)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSList) listeners = NULL;
  g_autoptr(GError) error = NULL;

  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_unref);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_unref);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_unref);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->paused = g_ptr_array_new_with_free_func (g_object_unref);
  self->published = g_ptr_array_new_with_free_func ((GDestroyNotify) test_key_unref);
  self->signing_key = test_key_ref (test_key_get_shared ("RS256"));
  g_ptr_array_add (self->published, test_key_ref (self->signing_key));
  self->jwks_cache_control = g_strdup ("max-age=3600");
  self->expires_in = 3600;
  self->github_id = 583231;
  self->github_login = g_strdup ("octocat");
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) answer_free);
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) client_free);
  self->device_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_unref);
  self->device_polls = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->device_interval = 1;
  self->device_expires_in = 600;

  self->server = soup_server_new (NULL, NULL);
  soup_server_listen (self->server, address, 0, &error);
  g_assert_no_error (error);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);

  listeners = soup_server_get_listeners (self->server);
  local = g_socket_get_local_address (listeners->data, NULL);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u",
                                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
}

FakeProvider *
fake_provider_new (void)
{
  return g_object_new (FAKE_TYPE_PROVIDER, NULL);
}

const char *
fake_provider_get_base_url (FakeProvider *self)
{
  return self->base_url;
}

void
fake_provider_set_failure (FakeProvider *self,
                           FakeFailure   failure)
{
  self->failure = failure;
}

const char *
fake_provider_get_last_revoked (FakeProvider *self)
{
  return self->last_revoked;
}

GHashTable *
fake_provider_get_last_authorize (FakeProvider *self)
{
  return self->last_authorize;
}

/**
 * fake_provider_config:
 * @dialect: github, gitlab, google, microsoft, oidc or oauth2
 *
 * Returns: the compound configuration for a provider of that type pointed
 *   at this fake
 */
char *
fake_provider_config (FakeProvider *self,
                      const char   *dialect)
{
  const char *b = self->base_url;

  if (g_str_equal (dialect, "github"))
    return g_strdup_printf ("github client_id=%s client_secret=%s base_url=%s/github", FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, b);
  if (g_str_equal (dialect, "gitlab"))
    return g_strdup_printf ("gitlab client_id=%s base_url=%s/gitlab", FAKE_CLIENT_ID, b);
  if (g_str_equal (dialect, "google"))
    return g_strdup_printf ("google client_id=%s client_secret=%s issuer=%s/google authorize_url=%s/google/authorize "
                            "token_url=%s/google/token userinfo_url=%s/google/userinfo revocation_url=%s/google/revoke jwks_url=%s/google/jwks "
                            "device_authorization_url=%s/google/device/code",
                            FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, b, b, b, b, b, b, b);
  if (g_str_equal (dialect, "microsoft"))
    return g_strdup_printf ("microsoft client_id=%s authority=%s/ms", FAKE_CLIENT_ID, b);
  if (g_str_equal (dialect, "oidc"))
    return g_strdup_printf ("oidc client_id=%s issuer=%s/oidc display_name='Example SSO'", FAKE_CLIENT_ID, b);
  if (g_str_equal (dialect, "oauth2"))
    return g_strdup_printf ("oauth2 client_id=%s authorize_url=%s/oauth2/authorize token_url=%s/oauth2/token "
                            "userinfo_url=%s/oauth2/me revocation_url=%s/oauth2/revoke id_field=user_id username_field=handle",
                            FAKE_CLIENT_ID, b, b, b, b);
  g_assert_not_reached ();
}

/**
 * fake_provider_set_signing_key:
 *
 * Signs ID tokens with @key from now on; it is not published unless
 * fake_provider_publish_key() says so.
 */
void
fake_provider_set_signing_key (FakeProvider *self,
                               TestKey      *key)
{
  g_clear_pointer (&self->signing_key, test_key_unref);
  self->signing_key = test_key_ref (key);
}

void
fake_provider_publish_key (FakeProvider *self,
                           TestKey      *key)
{
  g_ptr_array_add (self->published, test_key_ref (key));
}

void
fake_provider_unpublish_keys (FakeProvider *self)
{
  g_ptr_array_set_size (self->published, 0);
}

/**
 * fake_provider_set_jwks:
 * @json: (nullable): the key set to serve as it is; %NULL for the
 *   published keys
 */
void
fake_provider_set_jwks (FakeProvider *self,
                        const char   *json)
{
  g_free (self->jwks_override);
  self->jwks_override = g_strdup (json);
}

void
fake_provider_set_jwks_cache_control (FakeProvider *self,
                                      const char   *value)
{
  g_free (self->jwks_cache_control);
  self->jwks_cache_control = g_strdup (value);
}

/**
 * fake_provider_set_claims:
 * @json: (nullable): a JSON object merged into the next ID tokens' claims;
 *   members set to null are removed
 */
void
fake_provider_set_claims (FakeProvider *self,
                          const char   *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_clear_pointer (&self->claim_changes, json_object_unref);
  if (json == NULL)
    return;
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  self->claim_changes = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/**
 * fake_provider_set_header:
 * @json: (nullable): the JOSE header of the next ID tokens; alg none and
 *   HS256 make an unsigned and an HMAC token
 */
void
fake_provider_set_header (FakeProvider *self,
                          const char   *json)
{
  g_free (self->header_override);
  self->header_override = g_strdup (json);
}

void
fake_provider_set_corrupt_signature (FakeProvider *self,
                                     gboolean      corrupt)
{
  self->corrupt_signature = corrupt;
}

void
fake_provider_set_discovery_cache_control (FakeProvider *self,
                                           const char   *value)
{
  g_free (self->discovery_cache_control);
  self->discovery_cache_control = g_strdup (value);
}

/**
 * fake_provider_set_expires_in:
 *
 * The lifetime of the access tokens issued from now on (not GitHub's,
 * which never expire).
 */
void
fake_provider_set_expires_in (FakeProvider *self,
                              gint64        seconds)
{
  self->expires_in = seconds;
}

/**
 * fake_provider_set_answer:
 * @endpoint: token (for codes and refreshes), userinfo, emails (GitHub's
 *   e-mail list), revoke, discovery or jwks
 *
 * How @endpoint answers from now on; %FAKE_ANSWER_NORMAL undoes it.
 */
void
fake_provider_set_answer (FakeProvider *self,
                          const char   *endpoint,
                          FakeAnswer    what)
{
  Answer *answer = g_new0 (Answer, 1);

  g_assert (what != FAKE_ANSWER_RAW);
  answer->answer = what;
  g_hash_table_replace (self->answers, g_strdup (endpoint), answer);
}

/**
 * fake_provider_set_raw_answer:
 *
 * @endpoint answers with exactly this from now on.
 */
void
fake_provider_set_raw_answer (FakeProvider *self,
                              const char   *endpoint,
                              guint         status,
                              const char   *content_type,
                              const char   *body)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->answer = FAKE_ANSWER_RAW;
  answer->status = status;
  answer->content_type = g_strdup (content_type);
  answer->body = g_strdup (body);
  g_hash_table_replace (self->answers, g_strdup (endpoint), answer);
}

/**
 * fake_provider_set_quirks:
 *
 * Behaves as @quirks say from now on (#FakeQuirks); %FAKE_QUIRK_NONE
 * undoes it.
 */
void
fake_provider_set_quirks (FakeProvider *self,
                          FakeQuirks    quirks)
{
  self->quirks = quirks;
}

/**
 * fake_provider_set_exact_redirect:
 * @redirect_uri: (nullable): the one redirect URI registered for the
 *   client, compared as a whole; %NULL accepts any loopback port again
 *
 * Authorization requests with another redirect URI are answered with 403
 * and glewlwyd's words, and counted as "authorize-wrong-redirect".
 */
void
fake_provider_set_exact_redirect (FakeProvider *self,
                                  const char   *redirect_uri)
{
  g_free (self->exact_redirect);
  self->exact_redirect = g_strdup (redirect_uri);
}

/**
 * fake_provider_set_device_script:
 * @script: (nullable): comma-separated answers for successive polls of the
 *   next device sign-ins: `pending`, `slow_down`, `denied`, `expired`,
 *   `server_error` (HTTP 503), `approve`; the last one repeats. %NULL (the default) approves at once.
 */
void
fake_provider_set_device_script (FakeProvider *self,
                                 const char   *script)
{
  g_clear_pointer (&self->device_script, g_strfreev);
  if (script != NULL)
    self->device_script = g_strsplit (script, ",", -1);
}

/**
 * fake_provider_set_device_timing:
 *
 * The `interval` and `expires_in` of the next device authorization
 * answers (default 1 and 600).
 */
void
fake_provider_set_device_timing (FakeProvider *self,
                                 guint         interval,
                                 guint         expires_in)
{
  self->device_interval = interval;
  self->device_expires_in = expires_in;
}

/**
 * fake_provider_get_device_polls:
 *
 * Returns: (transfer none) (element-type gint64): when each device poll
 *   arrived, g_get_monotonic_time() µs
 */
GArray *
fake_provider_get_device_polls (FakeProvider *self)
{
  return self->device_polls;
}

const char *
fake_provider_get_last_user_code (FakeProvider *self)
{
  return self->last_user_code;
}

/**
 * fake_provider_get_last_device_request:
 *
 * Returns: (transfer none) (nullable): the form of the last device
 *   authorization request
 */
GHashTable *
fake_provider_get_last_device_request (FakeProvider *self)
{
  return self->last_device_request;
}

/**
 * fake_provider_get_elsewhere_count:
 *
 * Returns: how many requests reached the server that %FAKE_ANSWER_REDIRECT
 *   points to
 */
guint
fake_provider_get_elsewhere_count (FakeProvider *self)
{
  return self->elsewhere_count;
}

/**
 * fake_provider_set_orgs:
 * @logins: (nullable): the GitHub organisations the user is in, from now on
 */
void
fake_provider_set_orgs (FakeProvider      *self,
                        const char *const *logins)
{
  g_autoptr(GString) json = g_string_new ("[");

  for (guint i = 0; logins != NULL && logins[i] != NULL; i++)
    g_string_append_printf (json, "%s{\"login\":\"%s\",\"id\":%u}", i > 0 ? "," : "", logins[i], 1000 + i);
  g_string_append (json, "]");
  g_free (self->orgs_json);
  self->orgs_json = g_string_free (g_steal_pointer (&json), FALSE);
}

/**
 * fake_provider_set_userinfo_extra:
 * @json: (nullable): a JSON object whose members every OpenID userinfo
 *   answer carries from now on (`{"groups":["staff"],"email_verified":true}`)
 */
void
fake_provider_set_userinfo_extra (FakeProvider *self,
                                  const char   *json)
{
  g_clear_pointer (&self->userinfo_extra, json_object_unref);
  if (json != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (json, NULL);

      g_assert_nonnull (node);
      self->userinfo_extra = json_object_ref (json_node_get_object (node));
    }
}

/**
 * fake_provider_is_token_live:
 *
 * Returns: whether @token (an access or refresh token) is one this fake
 *   issued and nobody has revoked (nor replaced by a refresh)
 */
gboolean
fake_provider_is_token_live (FakeProvider *self,
                             const char   *token)
{
  return g_hash_table_contains (self->access_tokens, token) || g_hash_table_contains (self->refresh_tokens, token);
}

/**
 * fake_provider_set_memberships:
 * @orgs: (nullable): the organisations whose membership GitHub's
 *   /user/memberships/orgs/{org} shows as active (those that restrict
 *   OAuth Apps may be missing from /user/orgs)
 */
void
fake_provider_set_memberships (FakeProvider      *self,
                               const char *const *orgs)
{
  g_strfreev (self->memberships);
  self->memberships = g_strdupv ((GStrv) orgs);
}

/**
 * fake_provider_set_registration:
 *
 * How the GitLab and OpenID dialects answer dynamic client registration
 * (RFC 7591); by default they do not offer it.
 */
void
fake_provider_set_registration (FakeProvider    *self,
                                FakeRegistration registration)
{
  self->registration = registration;
}

/**
 * fake_provider_forget_registrations:
 *
 * Forgets every registered client, as a server that was reset does: their
 * client ids are then refused with invalid_client.
 */
void
fake_provider_forget_registrations (FakeProvider *self)
{
  g_hash_table_remove_all (self->clients);
}

/**
 * fake_provider_get_n_clients:
 *
 * Returns: how many registered clients the server knows
 */
guint
fake_provider_get_n_clients (FakeProvider *self)
{
  return g_hash_table_size (self->clients);
}

/**
 * fake_provider_get_last_registration:
 *
 * Returns: (nullable): the body of the last registration request
 */
const char *
fake_provider_get_last_registration (FakeProvider *self)
{
  return self->last_registration;
}

/**
 * fake_provider_set_github_user:
 * @login: the account's login
 *
 * Who the next GitHub sign-ins sign in as (583231, octocat unless told).
 */
void
fake_provider_set_github_user (FakeProvider *self,
                               gint64        id,
                               const char   *login)
{
  self->github_id = id;
  g_free (self->github_login);
  self->github_login = g_strdup (login);
}

/**
 * fake_provider_serve_git:
 * @root: a directory of git repositories (bare), as
 *   `git http-backend` takes in `GIT_PROJECT_ROOT`
 *
 * Serves the repositories under @root over smart HTTP, as the forges do,
 * at `/github/REPO.git` and `/gitlab/REPO.git`, to the credentials each
 * wants (see handle_git()).
 */
void
fake_provider_serve_git (FakeProvider *self,
                         const char   *root)
{
  g_free (self->git_root);
  self->git_root = g_strdup (root);
}

/**
 * fake_provider_forget_access_tokens:
 *
 * Every access token issued so far is refused from now on, as when the
 * person revoked Lanyard's access at the provider or the tokens expired
 * early; refresh tokens still work.
 */
void
fake_provider_forget_access_tokens (FakeProvider *self)
{
  g_hash_table_remove_all (self->access_tokens);
}
