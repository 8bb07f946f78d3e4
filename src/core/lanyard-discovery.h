/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * LanyardDiscovery:
 *
 * What Lanyard uses of an OpenID Provider's metadata (OIDC Discovery §3).
 */
typedef struct
{
  char    *issuer;
  char    *authorization_endpoint;
  char    *token_endpoint;
  char    *userinfo_endpoint;
  char    *revocation_endpoint;
  char    *jwks_uri;
  char    *device_authorization_endpoint;
  gboolean iss_parameter_supported;
} LanyardDiscovery;

LanyardDiscovery *lanyard_discovery_parse (const char *json,
                                           gssize      length,
                                           const char *expected_issuer,
                                           const char *provider_name,
                                           GError    **error);
void              lanyard_discovery_free (LanyardDiscovery *discovery);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardDiscovery, lanyard_discovery_free)

G_END_DECLS
