/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * LanyardServerKind:
 * @LANYARD_SERVER_OPENID: an OpenID Connect provider (becomes type `oidc`)
 * @LANYARD_SERVER_GITLAB: a GitLab instance (becomes type `gitlab`)
 * @LANYARD_SERVER_OAUTH_ONLY: an OAuth 2.0 server without OpenID Connect,
 *   which cannot tell Lanyard who signed in
 */
typedef enum
{
  LANYARD_SERVER_OPENID,
  LANYARD_SERVER_GITLAB,
  LANYARD_SERVER_OAUTH_ONLY,
} LanyardServerKind;

/**
 * LanyardServerMetadata:
 *
 * What Lanyard uses of a server's metadata, from OpenID Connect Discovery
 * or RFC 8414 (`/.well-known/oauth-authorization-server`), to connect to
 * it by its address.
 */
typedef struct
{
  char             *issuer;
  char             *authorization_endpoint;
  char             *token_endpoint;
  char             *registration_endpoint; /* nullable: registration not offered */
  char             *device_authorization_endpoint; /* nullable */
  LanyardServerKind kind;
} LanyardServerMetadata;

/**
 * LanyardRegistration:
 *
 * A registration answer (RFC 7591 §3.2.1). The registration access token
 * is a secret: it goes to the keyring and nowhere else.
 */
typedef struct
{
  char *client_id;
  char *registration_access_token; /* nullable */
  char *registration_client_uri; /* nullable */
  char *scope; /* nullable: the server did not say */
  char *client_name; /* nullable */
} LanyardRegistration;

/* No client id, registration access token or client name a server sends
 * is longer; longer ones are refused rather than stored. */
#define LANYARD_REGISTRATION_MAX_CLIENT_ID 256
#define LANYARD_REGISTRATION_MAX_TOKEN 4096
#define LANYARD_REGISTRATION_MAX_NAME 200

LanyardServerMetadata *lanyard_server_metadata_parse (const char *json,
                                                      gsize       length,
                                                      const char *expected_issuer,
                                                      const char *server_name,
                                                      GError    **error);
void                   lanyard_server_metadata_free (LanyardServerMetadata *metadata);

LanyardRegistration *lanyard_registration_parse (const char *json,
                                                 gsize       length,
                                                 const char *server_name,
                                                 GError    **error);
void                 lanyard_registration_free (LanyardRegistration *registration);
GError              *lanyard_registration_refusal (guint       status,
                                                   const char *body,
                                                   gsize       length,
                                                   const char *server_name);
char                *lanyard_registration_build_request (const char *client_name,
                                                         const char *redirect_uri,
                                                         const char *scope,
                                                         gboolean    device_grant);
gboolean             lanyard_registration_scope_covers (const char *granted,
                                                        const char *needed);
char                *lanyard_registration_normalize_address (const char *address,
                                                             GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardServerMetadata, lanyard_server_metadata_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardRegistration, lanyard_registration_free)

G_END_DECLS
