/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-server-registrar"

#include "config.h"

#include <glib/gi18n.h>

#include "lanyard-server-registrar.h"

#include <libsecret/secret.h>
#include <string.h>

#include "lanyard-error.h"
#include "lanyard-http.h"
#include "lanyard-registration.h"

/**
 * LanyardServerRegistrar:
 *
 * Connects to a server by its address (issue 17). It reads what the server
 * says of itself — OpenID Connect Discovery at
 * `{address}/.well-known/openid-configuration`, else RFC 8414 metadata at
 * `/.well-known/oauth-authorization-server` inserted between host and path
 * — used only when its `issuer` is the address; tells GitLab from other
 * OpenID providers by where its endpoints are; and, where the server
 * offers a `registration_endpoint` and the administrator allows it,
 * registers Lanyard there as a native public client (RFC 7591). The client
 * id goes with the provider settings into #LanyardServerStore's file; the
 * registration access token, a secret, into the keyring. The new provider
 * is then added to the registry like a configured one.
 *
 * Where registration is not offered, refused or forbidden, nothing is
 * added and the outcome says why and what to register by hand; adding the
 * server with a client id then does the rest.
 *
 * Removing a server deletes its registration at the server (RFC 7592
 * DELETE with the registration access token) when the server gave a
 * `registration_client_uri`, and forgets it here: file, keyring, registry.
 *
 * Logs name the server and the client id, never the registration access
 * token.
 */
struct _LanyardServerRegistrar
{
  GObject parent_instance;

  /* Owned references */
  LanyardProviderRegistry *registry;
  LanyardServerStore      *store;
  GHashTable              *pending; /* addresses and provider ids being added now */
  GHashTable              *offers; /* address → Offer: the manual path last shown for it */
};

/* The provider id and port a manual path named, so that the client id
 * registered with them is added under them. */
typedef struct
{
  char *id;
  guint port;
} Offer;

static void
offer_free (Offer *offer)
{
  g_free (offer->id);
  g_free (offer);
}

/* Addresses typed in a session are few; a caller that tries thousands
 * must not grow the daemon. */
#define MAX_OFFERS 32

/* More servers than anyone signs in to; each is a provider, a file entry
 * and perhaps a registration somewhere. */
#define MAX_SERVERS 64

G_DEFINE_FINAL_TYPE (LanyardServerRegistrar, lanyard_server_registrar, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What Lanyard needs to tell who signed in: the type's default scopes
 * (lanyard-provider-gitlab.c, lanyard-provider-oidc.c). */
#define NEEDED_SCOPES "openid profile email"

void
lanyard_server_outcome_free (LanyardServerOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_free (outcome->provider_id);
  g_free (outcome->kind);
  g_free (outcome->server_name);
  g_free (outcome->problem);
  g_free (outcome->redirect_uri);
  g_free (outcome->scopes);
  g_free (outcome->applications_url);
  g_free (outcome->suggested_id);
  g_free (outcome);
}

static void
lanyard_server_registrar_dispose (GObject *object)
{
  LanyardServerRegistrar *self = LANYARD_SERVER_REGISTRAR (object);

  g_clear_object (&self->registry);
  g_clear_object (&self->store);
  g_clear_pointer (&self->offers, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);

  G_OBJECT_CLASS (lanyard_server_registrar_parent_class)->dispose (object);
}

static void
lanyard_server_registrar_class_init (LanyardServerRegistrarClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lanyard_server_registrar_dispose;

  /**
   * LanyardServerRegistrar::changed:
   *
   * A server was added, registered again, renamed or removed: the
   * registry's providers changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
lanyard_server_registrar_init (LanyardServerRegistrar *self)
{
  self->offers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) offer_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

LanyardServerRegistrar *
lanyard_server_registrar_new (LanyardProviderRegistry *registry,
                              LanyardServerStore      *store)
{
  LanyardServerRegistrar *self = g_object_new (LANYARD_TYPE_SERVER_REGISTRAR, NULL);

  self->registry = g_object_ref (registry);
  self->store = g_object_ref (store);
  return self;
}

LanyardServerStore *
lanyard_server_registrar_get_store (LanyardServerRegistrar *self)
{
  g_return_val_if_fail (LANYARD_IS_SERVER_REGISTRAR (self), NULL);
  return self->store;
}

/**
 * lanyard_server_registrar_load:
 *
 * Loads the store and adds its servers to the registry. An id the
 * configuration already uses keeps the configured provider: what a person
 * or administrator wrote wins.
 */
void
lanyard_server_registrar_load (LanyardServerRegistrar *self)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records;

  g_return_if_fail (LANYARD_IS_SERVER_REGISTRAR (self));

  if (!lanyard_server_store_load (self->store, &error))
    g_message ("%s", error->message);
  records = lanyard_server_store_get_records (self->store);
  for (guint i = 0; i < records->len; i++)
    {
      LanyardServerRecord *record = g_ptr_array_index (records, i);
      g_autoptr(LanyardProviderConfig) config = NULL;

      if (lanyard_provider_registry_get_entry (self->registry, record->id) != NULL)
        {
          g_message ("The server %s added as “%s” is not used: providers.conf uses that id", record->address,
                     record->id);
          continue;
        }
      config = lanyard_server_store_make_config (self->store, record);
      lanyard_provider_registry_add_config (self->registry, config);
    }
}

gboolean
lanyard_server_registrar_is_added (LanyardServerRegistrar *self,
                                   const char             *provider_id)
{
  const LanyardProviderEntry *entry;

  g_return_val_if_fail (LANYARD_IS_SERVER_REGISTRAR (self), FALSE);

  entry = lanyard_provider_registry_get_entry (self->registry, provider_id);
  /* Not one of providers.conf that uses the same id. */
  return entry != NULL && lanyard_server_store_lookup (self->store, provider_id) != NULL &&
    g_str_has_suffix (entry->source, lanyard_server_store_get_path (self->store));
}

gboolean
lanyard_server_registrar_is_registered (LanyardServerRegistrar *self,
                                        const char             *provider_id)
{
  LanyardServerRecord *record;

  g_return_val_if_fail (LANYARD_IS_SERVER_REGISTRAR (self), FALSE);

  record = lanyard_server_registrar_is_added (self, provider_id) ? lanyard_server_store_lookup (self->store, provider_id) : NULL;
  return record != NULL && record->registered;
}

/* "gitlab.example.com", "127.0.0.1:8080/oidc": how a server is named in
 * messages, before it has a name. */
static char *
server_label (const char *address)
{
  g_autoptr(GUri) uri = g_uri_parse (address, G_URI_FLAGS_NONE, NULL);
  GString *label;

  if (uri == NULL)
    return g_strdup (address);
  label = g_string_new (g_uri_get_host (uri));
  if (g_uri_get_port (uri) > 0)
    g_string_append_printf (label, ":%d", g_uri_get_port (uri));
  if (g_uri_get_path (uri) != NULL && g_uri_get_path (uri)[0] != '\0' && !g_str_equal (g_uri_get_path (uri), "/"))
    g_string_append (label, g_uri_get_path (uri));
  return g_string_free (label, FALSE);
}

/* A provider id from the address: "gitlab-example-com",
 * "sso-example-com-realms-corp"; one the registry does not use yet. */
static char *
choose_id (LanyardServerRegistrar *self,
           const char             *address)
{
  g_autofree char *label = server_label (address);
  g_autoptr(GString) id = g_string_new (NULL);
  g_autofree char *base = NULL;

  for (const char *p = label; *p != '\0' && id->len < 48; p++)
    {
      char c = g_ascii_tolower (*p);

      if (g_ascii_isalnum (c))
        g_string_append_c (id, c);
      else if (id->len > 0 && id->str[id->len - 1] != '-')
        g_string_append_c (id, '-');
    }
  while (id->len > 0 && id->str[id->len - 1] == '-')
    g_string_truncate (id, id->len - 1);
  if (id->len == 0 || !g_ascii_islower (id->str[0]))
    g_string_prepend (id, "server-");

  base = g_strdup (id->str);
  for (guint n = 2; lanyard_provider_registry_get_entry (self->registry, id->str) != NULL ||
       lanyard_server_store_lookup (self->store, id->str) != NULL;
       n++)
    {
      g_string_truncate (id, 0);
      g_string_append_printf (id, "%s-%u", base, n);
    }
  return g_string_free (g_steal_pointer (&id), FALSE);
}

/* A loopback port free now, for servers that compare the whole redirect
 * URI: Lanyard registers it and every sign-in listens there
 * (`redirect_port`), as a person would set it by hand for glewlwyd. */
static guint
choose_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  if (socket == NULL || !g_socket_bind (socket, any, FALSE, NULL))
    return 0;
  bound = g_socket_get_local_address (socket, NULL);
  return bound != NULL ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)) : 0;
}

static char *
redirect_uri_for (const char *id,
                  guint       port)
{
  if (port == 0)
    return g_strdup_printf ("http://127.0.0.1/callback/%s", id);
  return g_strdup_printf ("http://127.0.0.1:%u/callback/%s", port, id);
}

static char *
client_name (void)
{
  return g_strdup_printf (_ ("Lanyard on %s"), g_get_host_name ());
}

/* Adding. */

typedef struct
{
  LanyardServerRegistrar *registrar; /* for its pending set */
  char                   *pending_id; /* this addition's id in it, once chosen */
  char                   *address;
  char                   *label;
  char                   *client_id; /* given by hand, or NULL */
  char                   *wanted_id; /* given by hand, or NULL */
  guint                   wanted_port;
  char                   *reregister; /* the id being registered again, or NULL */
  LanyardServerMetadata  *metadata;
  LanyardRegistration    *registration;
  LanyardServerOutcome   *outcome;
} Add;

static void
add_free (Add *add)
{
  if (add->registrar != NULL && add->registrar->pending != NULL)
    {
      if (add->address != NULL)
        g_hash_table_remove (add->registrar->pending, add->address);
      if (add->pending_id != NULL)
        g_hash_table_remove (add->registrar->pending, add->pending_id);
    }
  g_clear_object (&add->registrar);
  g_free (add->pending_id);
  g_free (add->address);
  g_free (add->label);
  g_free (add->client_id);
  g_free (add->wanted_id);
  g_free (add->reregister);
  g_clear_pointer (&add->metadata, lanyard_server_metadata_free);
  g_clear_pointer (&add->registration, lanyard_registration_free);
  g_clear_pointer (&add->outcome, lanyard_server_outcome_free);
  g_free (add);
}

static void fetch_oauth_metadata (GTask *task);
static void decide (GTask *task);

static SoupMessage *
new_get (const char *url)
{
  SoupMessage *message = soup_message_new (SOUP_METHOD_GET, url);

  if (message != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  return message;
}

static LanyardServerMetadata *
read_metadata (Add              *add,
               LanyardHttpReply *reply,
               GError          **error)
{
  gsize       len = 0;
  const char *body = reply->body != NULL ? g_bytes_get_data (reply->body, &len) : NULL;

  return lanyard_server_metadata_parse (body != NULL ? body : "", len, add->address, add->label, error);
}

static void
oauth_metadata_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Add *add = g_task_get_task_data (task);
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(LanyardServerMetadata) metadata = NULL;
  g_autoptr(GError) error = NULL;

  reply = lanyard_http_send_finish (result, &error);
  if (reply != NULL && reply->status >= 200 && reply->status < 300)
    metadata = read_metadata (add, reply, &error);

  if (add->metadata != NULL)
    {
      /* The OpenID document came first; this one only adds registration. */
      if (metadata != NULL && add->metadata->registration_endpoint == NULL)
        {
          add->metadata->registration_endpoint = g_steal_pointer (&metadata->registration_endpoint);
          if (add->metadata->device_authorization_endpoint == NULL)
            add->metadata->device_authorization_endpoint = g_steal_pointer (&metadata->device_authorization_endpoint);
        }
      decide (task);
      return;
    }

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (metadata == NULL && error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (metadata == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED,
                               _ ("%s does not describe itself as an OpenID Connect or OAuth server (neither "
                                  "/.well-known/openid-configuration nor /.well-known/oauth-authorization-server "
                                  "answered). Check the address."),
                               add->label);
      return;
    }
  /* Without an OpenID document the provider could not read one either:
   * only GitLab, whose endpoints Lanyard knows, works from RFC 8414. */
  if (metadata->kind == LANYARD_SERVER_OPENID)
    metadata->kind = LANYARD_SERVER_OAUTH_ONLY;
  add->metadata = g_steal_pointer (&metadata);
  decide (task);
}

/* RFC 8414 §3: the well-known part goes between the host and the path. */
static void
fetch_oauth_metadata (GTask *task)
{
  LanyardServerRegistrar *self = g_task_get_source_object (task);
  Add                    *add = g_task_get_task_data (task);
  g_autoptr(GUri) uri = g_uri_parse (add->address, G_URI_FLAGS_NONE, NULL);
  g_autofree char *path = g_strconcat ("/.well-known/oauth-authorization-server", g_uri_get_path (uri), NULL);
  g_autoptr(GUri) well_known = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                                             g_uri_get_port (uri), path, NULL, NULL);
  g_autofree char *url = g_uri_to_string (well_known);
  g_autoptr(SoupMessage) message = new_get (url);

  lanyard_http_send_async (lanyard_provider_registry_get_session (self->registry), message, add->label,
                           g_task_get_cancellable (task), oauth_metadata_cb, g_object_ref (task));
}

static void
openid_metadata_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Add *add = g_task_get_task_data (task);
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = lanyard_http_send_finish (result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (reply->status >= 200 && reply->status < 300)
    {
      add->metadata = read_metadata (add, reply, &error);
      if (add->metadata == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (add->metadata->registration_endpoint != NULL)
        {
          decide (task);
          return;
        }
    }
  /* No OpenID document, or one without registration (GitLab names its
   * registration endpoint in the RFC 8414 document only). */
  fetch_oauth_metadata (task);
}

static void
stale_token_deleted_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lanyard_server_store_delete_token_finish (LANYARD_SERVER_STORE (object), result, &error))
    g_message ("The key of a forgotten registration stays in the keyring: %s", error->message);
}

static void
finish_add (GTask *task)
{
  LanyardServerRegistrar *self = g_task_get_source_object (task);
  Add                    *add = g_task_get_task_data (task);
  LanyardServerOutcome   *outcome = add->outcome;
  g_autoptr(LanyardServerRecord) record = g_new0 (LanyardServerRecord, 1);
  g_autoptr(LanyardProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  LanyardServerRecord        *old = add->reregister != NULL ? lanyard_server_store_lookup (self->store, add->reregister) : NULL;
  const LanyardProviderEntry *entry;

  /* Registered again without a registration access token this time: the
   * old one, for a registration the server forgot, goes. */
  if (old != NULL && add->registration != NULL && add->registration->registration_access_token == NULL)
    lanyard_server_store_delete_token_async (self->store, old->id, NULL, stale_token_deleted_cb, NULL);

  record->id = g_strdup (outcome->suggested_id);
  record->type = g_strdup (add->metadata->kind == LANYARD_SERVER_GITLAB ? "gitlab" : "oidc");
  record->address = g_strdup (add->metadata->kind == LANYARD_SERVER_GITLAB ? add->address : add->metadata->issuer);
  record->display_name = g_strdup (old != NULL && old->display_name != NULL ? old->display_name : outcome->server_name);
  record->redirect_port = outcome->redirect_port;
  if (add->registration != NULL)
    {
      record->client_id = g_strdup (add->registration->client_id);
      record->registration_client_uri = g_strdup (add->registration->registration_client_uri);
      record->registered = TRUE;
    }
  else
    record->client_id = g_strdup (add->client_id);

  config = lanyard_server_store_make_config (self->store, record);
  lanyard_server_store_add (self->store, g_steal_pointer (&record));
  if (!lanyard_server_store_save (self->store, &error))
    {
      lanyard_server_store_remove (self->store, outcome->suggested_id);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  lanyard_provider_registry_add_config (self->registry, config);
  entry = lanyard_provider_registry_get_entry (self->registry, outcome->suggested_id);
  if (entry == NULL || entry->provider == NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED, "%s",
                               entry != NULL ? entry->problem : "");
      return;
    }

  g_message ("Added the server %s as “%s” (client %s%s)", add->address, outcome->suggested_id,
             lanyard_provider_get_client_id (entry->provider),
             add->registration != NULL ? ", registered by Lanyard" : ", registered by hand");
  outcome->provider_id = g_strdup (outcome->suggested_id);
  outcome->registered = add->registration != NULL;
  g_signal_emit (self, signals[CHANGED], 0);
  g_task_return_pointer (task, g_steal_pointer (&add->outcome), (GDestroyNotify) lanyard_server_outcome_free);
}

static void
orphan_deleted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *client_id = user_data;

  reply = lanyard_http_send_finish (result, &error);
  if (reply != NULL && (reply->status == 204 || reply->status == 200))
    g_message ("Deleted the unused registration of client %s", client_id);
  else
    g_message ("The unused registration of client %s could not be deleted (%s)", client_id,
               reply != NULL ? soup_status_get_phrase (reply->status) : error->message);
}

/* A registration Lanyard will not keep (of no use, or its key could not
 * be stored): deleted at the server where it can be (RFC 7592), so that
 * nothing is left registered in the person's name. */
static void
delete_unkept_registration (LanyardServerRegistrar *self,
                            Add                    *add)
{
  LanyardRegistration *registration = add->registration;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *bearer = NULL;

  if (registration == NULL || registration->registration_client_uri == NULL ||
      registration->registration_access_token == NULL)
    return;
  message = soup_message_new (SOUP_METHOD_DELETE, registration->registration_client_uri);
  if (message == NULL)
    return;
  bearer = g_strconcat ("Bearer ", registration->registration_access_token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", bearer);
  memset (bearer, 0, strlen (bearer));
  lanyard_http_send_async (lanyard_provider_registry_get_session (self->registry), message, add->label, NULL,
                           orphan_deleted_cb, g_strdup (registration->client_id));
}

static void
token_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!lanyard_server_store_save_token_finish (LANYARD_SERVER_STORE (object), result, &error))
    {
      /* Without its token the registration could never be deleted: say
       * so rather than keep one Lanyard cannot manage. */
      g_prefix_error (&error, _ ("Lanyard registered itself, but could not keep the registration's key: "));
      delete_unkept_registration (g_task_get_source_object (task), g_task_get_task_data (task));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  finish_add (task);
}

/* Nothing was added: the outcome says why and what to do by hand. */
static void
return_manual (GTask *task,
               char  *problem)
{
  LanyardServerRegistrar *self = g_task_get_source_object (task);
  Add                    *add = g_task_get_task_data (task);
  Offer                  *offer;

  g_message ("Not registered at %s: %s", add->address, problem);
  if (add->reregister != NULL)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED, "%s", problem);
      g_free (problem);
      return;
    }
  add->outcome->problem = problem;

  if (g_hash_table_size (self->offers) >= MAX_OFFERS)
    g_hash_table_remove_all (self->offers);
  offer = g_new0 (Offer, 1);
  offer->id = g_strdup (add->outcome->suggested_id);
  offer->port = add->outcome->redirect_port;
  g_hash_table_replace (self->offers, g_strdup (add->address), offer);
  g_task_return_pointer (task, g_steal_pointer (&add->outcome), (GDestroyNotify) lanyard_server_outcome_free);
}

static void
registered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardServerRegistrar *self = g_task_get_source_object (task);
  Add                    *add = g_task_get_task_data (task);
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  gsize       len = 0;
  const char *body;

  reply = lanyard_http_send_finish (result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  body = reply->body != NULL ? g_bytes_get_data (reply->body, &len) : NULL;
  if (reply->status < 200 || reply->status >= 300)
    {
      g_autoptr(GError) refusal = lanyard_registration_refusal (reply->status, body, len, add->label);
      return_manual (task, g_strdup (refusal->message));
      return;
    }

  add->registration = lanyard_registration_parse (body != NULL ? body : "", len, add->label, &error);
  if (add->registration == NULL)
    {
      return_manual (task, g_strdup (error->message));
      return;
    }
  if (!lanyard_registration_scope_covers (add->registration->scope, NEEDED_SCOPES))
    {
      g_autofree char *shown = g_strndup (add->registration->scope, 200);

      /* GitLab limits dynamically registered applications to its "mcp"
       * scope: they cannot tell Lanyard who signed in. The registration
       * is of no use; it is not kept. */
      g_message ("%s registered client %s for the scope “%s” only; not kept", add->address,
                 add->registration->client_id, shown);
      delete_unkept_registration (self, add);
      return_manual (task, g_strdup_printf (_ ("%s lets applications that register themselves have only the "
                                               "permission “%s”, which does not tell Lanyard who signs in."),
                                            add->label, shown));
      return;
    }

  g_message ("Registered at %s as client %s", add->address, add->registration->client_id);
  if (add->registration->registration_access_token != NULL)
    {
      g_autofree char *label = g_strdup_printf (_ ("Lanyard: registration at %s"), add->label);

      lanyard_server_store_save_token_async (self->store, add->outcome->suggested_id, label,
                                             add->registration->registration_access_token,
                                             g_task_get_cancellable (task), token_saved_cb, g_object_ref (task));
      return;
    }
  finish_add (task);
}

static void
decide (GTask *task)
{
  LanyardServerRegistrar *self = g_task_get_source_object (task);
  Add                    *add = g_task_get_task_data (task);
  LanyardServerMetadata  *metadata = add->metadata;
  LanyardServerOutcome   *outcome;
  LanyardServerRecord    *old = add->reregister != NULL ? lanyard_server_store_lookup (self->store, add->reregister) : NULL;
  gboolean                gitlab = metadata->kind == LANYARD_SERVER_GITLAB;

  if (metadata->kind == LANYARD_SERVER_OAUTH_ONLY)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED,
                               _ ("%s is an OAuth server without OpenID Connect: it does not tell applications who "
                                  "signed in, so Lanyard cannot link accounts there."),
                               add->label);
      return;
    }

  outcome = add->outcome = g_new0 (LanyardServerOutcome, 1);
  outcome->kind = g_strdup (gitlab ? "gitlab" : "openid");
  outcome->server_name = gitlab ? g_strdup_printf (_ ("GitLab (%s)"), add->label) : g_strdup (add->label);
  if (old != NULL)
    {
      outcome->suggested_id = g_strdup (old->id);
      outcome->redirect_port = old->redirect_port;
    }
  else
    {
      outcome->suggested_id = add->wanted_id != NULL ? g_strdup (add->wanted_id) : choose_id (self, add->address);
      /* GitLab matches loopback redirect URIs without their port
       * (Doorkeeper, as RFC 8252 §7.3 asks); other servers may compare
       * the whole URI, so Lanyard registers, and listens on, one port. */
      outcome->redirect_port = add->wanted_port != 0 ? add->wanted_port : (gitlab ? 0 : choose_port ());
    }
  outcome->redirect_uri = redirect_uri_for (outcome->suggested_id, outcome->redirect_port);
  outcome->scopes = g_strdup (NEEDED_SCOPES);
  if (add->reregister == NULL)
    {
      /* Two additions at once do not pick the same id. */
      add->pending_id = g_strdup (outcome->suggested_id);
      g_hash_table_add (self->pending, g_strdup (add->pending_id));
    }
  if (gitlab)
    outcome->applications_url = g_strconcat (add->address, "/-/user_settings/applications", NULL);

  if (add->client_id != NULL)
    {
      finish_add (task);
      return;
    }
  /* `[policy] allow_registration` of the system's providers.conf
   * (lanyard-config-policy.c): the administrator's, not the person's. */
  if (!lanyard_config_policy_get_boolean (lanyard_provider_registry_get_policy (self->registry), "allow_registration"))
    {
      return_manual (task, g_strdup_printf (_ ("An administrator has turned off registering Lanyard with servers "
                                               "(%s sets [policy] allow_registration=false), so it must be "
                                               "registered at %s by hand."),
                                            lanyard_config_policy_get_source (lanyard_provider_registry_get_policy (self->registry), "allow_registration"), add->label));
      return;
    }
  if (metadata->registration_endpoint == NULL)
    {
      return_manual (task, g_strdup_printf (_ ("%s does not let applications register themselves."), add->label));
      return;
    }

  {
    g_autofree char *name = client_name ();
    g_autofree char *request = lanyard_registration_build_request (name, outcome->redirect_uri, NEEDED_SCOPES,
                                                                   metadata->device_authorization_endpoint != NULL);
    g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, metadata->registration_endpoint);
    gsize length = strlen (request);
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&request), length);

    soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
    soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    lanyard_http_send_async (lanyard_provider_registry_get_session (self->registry), message, add->label,
                             g_task_get_cancellable (task), registered_cb, g_object_ref (task));
  }
}

/**
 * lanyard_server_registrar_add_async:
 * @address: what the person typed
 * @client_id: (nullable): a client id registered by hand; %NULL to
 *   register Lanyard itself
 * @provider_id: (nullable): the id to use (the manual path's), %NULL to
 *   choose one
 * @redirect_port: the port of the manual path's redirect URI, 0 to choose
 *
 * Adds the server at @address. Finishes with an outcome that names the
 * new provider, or, when Lanyard could not register itself, says why and
 * what to register by hand; fails when the address is unusable, the
 * server cannot be reached, does not describe itself, names another
 * issuer, or cannot tell who signs in.
 */
void
lanyard_server_registrar_add_async (LanyardServerRegistrar *self,
                                    const char             *address,
                                    const char             *client_id,
                                    const char             *provider_id,
                                    guint                   redirect_port,
                                    GCancellable           *cancellable,
                                    GAsyncReadyCallback     callback,
                                    gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) message = NULL;
  LanyardServerRecord *existing;
  Add                 *add;

  g_return_if_fail (LANYARD_IS_SERVER_REGISTRAR (self));
  g_task_set_source_tag (task, lanyard_server_registrar_add_async);

  add = g_new0 (Add, 1);
  g_task_set_task_data (task, add, (GDestroyNotify) add_free);
  add->address = lanyard_registration_normalize_address (address, &error);
  if (add->address == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  add->label = server_label (add->address);
  add->client_id = g_strdup (client_id);
  add->wanted_id = g_strdup (provider_id);
  add->wanted_port = redirect_port;
  if (client_id != NULL && provider_id == NULL && redirect_port == 0)
    {
      Offer *offer = g_hash_table_lookup (self->offers, add->address);

      /* What the manual path showed, when it is still free. */
      if (offer != NULL && lanyard_provider_registry_get_entry (self->registry, offer->id) == NULL)
        {
          add->wanted_id = g_strdup (offer->id);
          add->wanted_port = offer->port;
        }
    }

  /* Nothing the person adds would be usable: say so before registering. */
  if (lanyard_config_policy_get_boolean (lanyard_provider_registry_get_policy (self->registry), "only_system_providers"))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED,
                               _ ("The administrator allows only the providers of the system configuration (%s sets "
                                  "[policy] only_system_providers=true), so no server can be added here."),
                               lanyard_config_policy_get_source (lanyard_provider_registry_get_policy (self->registry), "only_system_providers"));
      return;
    }

  if (lanyard_server_store_get_records (self->store)->len >= MAX_SERVERS)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED,
                               _ ("Lanyard keeps at most %d servers added by their address; remove one first."),
                               MAX_SERVERS);
      return;
    }

  if (provider_id != NULL && (lanyard_provider_registry_get_entry (self->registry, provider_id) != NULL || g_hash_table_contains (self->pending, provider_id)))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                               _ ("A provider is already called “%s”; choose another id."), provider_id);
      return;
    }

  existing = lanyard_server_store_find_address (self->store, add->address);
  if (existing == NULL)
    {
      g_autofree char *slash = g_strconcat (add->address, "/", NULL);
      existing = lanyard_server_store_find_address (self->store, slash);
    }
  if (existing != NULL && lanyard_provider_registry_get_entry (self->registry, existing->id) != NULL &&
      client_id != NULL && g_strcmp0 (client_id, existing->client_id) != 0)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_FAILED,
                               _ ("%s is added already, as “%s”, with another client ID; remove it first to use "
                                  "this one."),
                               add->label, existing->id);
      return;
    }
  if (existing != NULL && lanyard_provider_registry_get_entry (self->registry, existing->id) != NULL)
    {
      LanyardServerOutcome *outcome = g_new0 (LanyardServerOutcome, 1);

      outcome->provider_id = g_strdup (existing->id);
      outcome->suggested_id = g_strdup (existing->id);
      outcome->kind = g_strdup (g_str_equal (existing->type, "gitlab") ? "gitlab" : "openid");
      outcome->server_name = g_strdup (existing->display_name != NULL ? existing->display_name : add->label);
      outcome->redirect_port = existing->redirect_port;
      outcome->redirect_uri = redirect_uri_for (existing->id, existing->redirect_port);
      outcome->scopes = g_strdup (NEEDED_SCOPES);
      outcome->registered = existing->registered;
      outcome->existing = TRUE;
      g_task_return_pointer (task, outcome, (GDestroyNotify) lanyard_server_outcome_free);
      return;
    }

  /* One addition of a server at a time: two would both register. */
  if (g_hash_table_contains (self->pending, add->address))
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_FAILED,
                               _ ("%s is being added already; wait for that to finish."), add->label);
      return;
    }
  g_hash_table_add (self->pending, g_strdup (add->address));
  add->registrar = g_object_ref (self);

  url = g_strconcat (add->address, "/.well-known/openid-configuration", NULL);
  message = new_get (url);
  lanyard_http_send_async (lanyard_provider_registry_get_session (self->registry), message, add->label, cancellable,
                           openid_metadata_cb, g_steal_pointer (&task));
}

/**
 * lanyard_server_registrar_add_finish:
 *
 * Returns: (transfer full):
 */
LanyardServerOutcome *
lanyard_server_registrar_add_finish (LanyardServerRegistrar *self,
                                     GAsyncResult           *result,
                                     GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
reregistered_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(LanyardServerOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;

  outcome = g_task_propagate_pointer (G_TASK (result), &error);
  if (outcome == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * lanyard_server_registrar_reregister_async:
 *
 * Registers Lanyard once more at a server that forgot its registration
 * (its client id now refused as `invalid_client`), under the same provider
 * id, port and name. Fails when the server no longer lets it register.
 */
void
lanyard_server_registrar_reregister_async (LanyardServerRegistrar *self,
                                           const char             *provider_id,
                                           GCancellable           *cancellable,
                                           GAsyncReadyCallback     callback,
                                           gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  LanyardServerRecord *record = lanyard_server_store_lookup (self->store, provider_id);
  g_autoptr(GTask) inner = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) message = NULL;
  Add *add;

  g_task_set_source_tag (task, lanyard_server_registrar_reregister_async);
  if (record == NULL || !record->registered)
    {
      g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                               _ ("“%s” is not a server Lanyard registered itself with."), provider_id);
      return;
    }

  inner = g_task_new (self, cancellable, reregistered_cb, g_steal_pointer (&task));
  add = g_new0 (Add, 1);
  g_task_set_task_data (inner, add, (GDestroyNotify) add_free);
  add->address = g_strdup (record->address);
  /* An issuer kept with its trailing slash is the address without it. */
  if (g_str_has_suffix (add->address, "/"))
    add->address[strlen (add->address) - 1] = '\0';
  add->label = server_label (add->address);
  add->reregister = g_strdup (provider_id);
  url = g_strconcat (add->address, "/.well-known/openid-configuration", NULL);
  message = new_get (url);
  lanyard_http_send_async (lanyard_provider_registry_get_session (self->registry), message, add->label, cancellable,
                           openid_metadata_cb, g_steal_pointer (&inner));
}

gboolean
lanyard_server_registrar_reregister_finish (LanyardServerRegistrar *self,
                                            GAsyncResult           *result,
                                            GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Removing. */

typedef struct
{
  char    *id;
  char    *label;
  char    *uri; /* registration_client_uri, or NULL */
  char    *message;
  gboolean deleted;
} Remove;

static void
remove_free (Remove *remove)
{
  g_free (remove->id);
  g_free (remove->label);
  g_free (remove->uri);
  g_free (remove->message);
  g_free (remove);
}

static void
forget (GTask *task)
{
  LanyardServerRegistrar *self = g_task_get_source_object (task);
  Remove                 *remove = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  lanyard_server_store_remove (self->store, remove->id);
  if (!lanyard_server_store_save (self->store, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  lanyard_provider_registry_remove (self->registry, remove->id);
  g_signal_emit (self, signals[CHANGED], 0);
  g_message ("Removed the server “%s”%s", remove->id,
             remove->deleted ? " and its registration there" : "");
  g_task_return_boolean (task, remove->deleted);
}

static void
token_deleted_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* A keyring that cannot be used keeps the server: its token would be
   * left behind otherwise, with nothing pointing at it. */
  if (!lanyard_server_store_delete_token_finish (LANYARD_SERVER_STORE (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  forget (task);
}

static void
delete_local (GTask *task)
{
  LanyardServerRegistrar *self = g_task_get_source_object (task);
  Remove                 *remove = g_task_get_task_data (task);

  lanyard_server_store_delete_token_async (self->store, remove->id, g_task_get_cancellable (task), token_deleted_cb,
                                           g_object_ref (task));
}

static void
deleted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Remove *remove = g_task_get_task_data (task);
  g_autoptr(LanyardHttpReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = lanyard_http_send_finish (result, &error);
  if (reply != NULL && (reply->status == 204 || reply->status == 200))
    remove->deleted = TRUE;
  else if (reply != NULL && (reply->status == 401 || reply->status == 403 || reply->status == 404))
    remove->message = g_strdup_printf (_ ("%s no longer knows Lanyard's registration (HTTP %u); it was forgotten "
                                          "here."),
                                       remove->label, reply->status);
  else
    remove->message = g_strdup_printf (_ ("Lanyard's registration could not be deleted at %s (%s); it was forgotten "
                                          "here. Its administrators can remove the application “%s”."),
                                       remove->label,
                                       reply == NULL ? error->message : soup_status_get_phrase (reply->status),
                                       remove->id);
  delete_local (task);
}

static void
token_found_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LanyardServerRegistrar *self = g_task_get_source_object (task);
  Remove                 *remove = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *token = lanyard_server_store_lookup_token_finish (LANYARD_SERVER_STORE (object), result, &error);
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *bearer = NULL;

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (token == NULL)
    {
      remove->message = g_strdup_printf (_ ("The keyring held no key for Lanyard's registration at %s, so it could "
                                            "not be deleted there; it was forgotten here."),
                                         remove->label);
      delete_local (task);
      return;
    }

  /* RFC 7592 §2.3. */
  message = soup_message_new (SOUP_METHOD_DELETE, remove->uri);
  bearer = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", bearer);
  memset (bearer, 0, strlen (bearer));
  secret_password_free (token);
  lanyard_http_send_async (lanyard_provider_registry_get_session (self->registry), message, remove->label,
                           g_task_get_cancellable (task), deleted_cb, g_object_ref (task));
}

/**
 * lanyard_server_registrar_remove_async:
 *
 * Removes a server added by its address: deletes Lanyard's registration
 * there when the server offered a `registration_client_uri`, then the
 * registration access token, the file's entry and the provider. Only for
 * servers added by their address; configured providers stay.
 */
void
lanyard_server_registrar_remove_async (LanyardServerRegistrar *self,
                                       const char             *provider_id,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  LanyardServerRecord *record;
  Remove              *remove;

  g_return_if_fail (LANYARD_IS_SERVER_REGISTRAR (self));
  g_task_set_source_tag (task, lanyard_server_registrar_remove_async);

  if (!lanyard_server_registrar_is_added (self, provider_id))
    {
      const LanyardProviderEntry *entry = lanyard_provider_registry_get_entry (self->registry, provider_id);

      if (entry == NULL)
        g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND, _ ("No provider is called “%s”"),
                                 provider_id);
      else
        g_task_return_new_error (task, LANYARD_ERROR, LANYARD_ERROR_NOT_SUPPORTED,
                                 _ ("“%s” was not added by its address but configured (%s); remove it there."),
                                 provider_id, entry->source);
      return;
    }

  record = lanyard_server_store_lookup (self->store, provider_id);
  remove = g_new0 (Remove, 1);
  remove->id = g_strdup (provider_id);
  remove->label = server_label (record->address);
  remove->uri = g_strdup (record->registration_client_uri);
  g_task_set_task_data (task, remove, (GDestroyNotify) remove_free);

  if (record->registered && remove->uri != NULL)
    lanyard_server_store_lookup_token_async (self->store, provider_id, cancellable, token_found_cb,
                                             g_steal_pointer (&task));
  else
    {
      if (record->registered)
        remove->message = g_strdup_printf (_ ("%s offers no way to delete Lanyard's registration; it was forgotten "
                                              "here. Its administrators can remove the application."),
                                           remove->label);
      delete_local (task);
    }
}

/**
 * lanyard_server_registrar_remove_finish:
 * @message: (out) (optional) (transfer full): why the registration was
 *   not deleted at the server, or %NULL
 *
 * Returns: %TRUE when the registration was deleted at the server; %FALSE
 *   with @error unset when the server was removed all the same
 */
gboolean
lanyard_server_registrar_remove_finish (LanyardServerRegistrar *self,
                                        GAsyncResult           *result,
                                        char                  **message,
                                        GError                **error)
{
  Remove *remove;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  remove = g_task_get_task_data (G_TASK (result));
  if (message != NULL)
    *message = remove != NULL ? g_strdup (remove->message) : NULL;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * lanyard_server_registrar_rename:
 *
 * Gives a server added by its address another name, kept in the file.
 */
gboolean
lanyard_server_registrar_rename (LanyardServerRegistrar *self,
                                 const char             *provider_id,
                                 const char             *display_name,
                                 GError                **error)
{
  LanyardServerRecord *record;
  g_autofree char     *old = NULL;
  g_autoptr(LanyardProviderConfig) config = NULL;

  g_return_val_if_fail (LANYARD_IS_SERVER_REGISTRAR (self), FALSE);

  if (!lanyard_server_registrar_is_added (self, provider_id))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_NOT_FOUND,
                   _ ("“%s” is not a server added by its address; configured providers are renamed in "
                      "providers.conf (display_name)."),
                   provider_id);
      return FALSE;
    }
  record = lanyard_server_store_lookup (self->store, provider_id);
  old = g_steal_pointer (&record->display_name);
  record->display_name = g_strdup (display_name);
  if (!lanyard_server_store_save (self->store, error))
    {
      g_free (record->display_name);
      record->display_name = g_steal_pointer (&old);
      return FALSE;
    }
  config = lanyard_server_store_make_config (self->store, record);
  lanyard_provider_registry_add_config (self->registry, config);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}
