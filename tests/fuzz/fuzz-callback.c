/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: what a sign-in makes of the browser's redirect to the
 * loopback listener. The query is read as libsoup's server reads it (the
 * request target as an HTTP URI, its query through soup_form_decode()),
 * then checked by the flow's own check (lanyard-flow-private.h): state,
 * RFC 9207 `iss`, an OAuth error with its description, the code; its
 * verdict (accept, fail the sign-in, or refuse and wait on) must agree
 * with the query.
 *
 * Input: a first line naming the provider (github: no issuer; gitlab: an
 * issuer, `iss` optional; oidc: `iss` required, as its discovery says),
 * then the query. @STATE@ stands for the flow's state and @BASE@ for the
 * loopback server's URL, so that the fuzzer can get past both checks. */
#define G_LOG_DOMAIN "fuzz-callback"

#include <string.h>

#include "fuzz-common.h"
#include "lanyard-error.h"
#include "lanyard-flow-private.h"
#include "lanyard-provider-registry.h"

static LanyardProviderRegistry *registry;

static char *
replace (const char *text,
         const char *placeholder,
         const char *value)
{
  g_auto(GStrv) parts = g_strsplit (text, placeholder, -1);
  return g_strjoinv (value, parts);
}

static void
add_provider (const char *id,
              const char *compound)
{
  g_autofree char *expanded = replace (compound, "@BASE@", fuzz_server_get_base_url ());
  g_autoptr(LanyardProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  config = lanyard_provider_config_new_from_compound (id, "fuzz", expanded, &error);
  g_assert_no_error (error);
  lanyard_provider_registry_add_config (registry, config);
  if (lanyard_provider_registry_lookup (registry, id) == NULL)
    g_error ("%s", lanyard_provider_registry_get_entry (registry, id)->problem);
}

static void
setup (void)
{
  g_autofree char *discovery = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *base;

  if (registry != NULL)
    return;

  fuzz_init ();
  base = fuzz_server_get_base_url ();
  registry = lanyard_provider_registry_new ();
  add_provider ("github", "github client_id=fuzz-client client_secret=fuzz-secret base_url=@BASE@/github");
  add_provider ("gitlab", "gitlab client_id=fuzz-client base_url=@BASE@/gitlab");
  add_provider ("oidc", "oidc client_id=fuzz-client issuer=@BASE@/oidc");

  discovery = g_strdup_printf ("{\"issuer\":\"%s/oidc\",\"authorization_endpoint\":\"%s/oidc/authorize\","
                               "\"token_endpoint\":\"%s/oidc/token\",\"jwks_uri\":\"%s/oidc/jwks\","
                               "\"authorization_response_iss_parameter_supported\":true}",
                               base, base, base, base);
  fuzz_server_set_reply ("/oidc/.well-known/openid-configuration", 200, "application/json", NULL,
                         discovery, strlen (discovery));
  lanyard_provider_prepare_async (lanyard_provider_registry_lookup (registry, "oidc"), NULL,
                                  fuzz_store_result, &result);
  fuzz_wait (&result);
  if (!lanyard_provider_prepare_finish (lanyard_provider_registry_lookup (registry, "oidc"), result, &error))
    g_error ("%s", error->message);
  g_assert_true (lanyard_provider_get_iss_parameter_supported (lanyard_provider_registry_lookup (registry, "oidc")));
  fuzz_server_clear_replies ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LanyardFlow) flow = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char       *id = NULL;
  g_autofree char       *text = NULL;
  g_autofree char       *with_state = NULL;
  g_autofree char       *query = NULL;
  g_autofree char       *target = NULL;
  const char            *newline = memchr (data, '\n', size);
  LanyardProvider       *provider;
  LanyardCallbackVerdict verdict;

  setup ();

  if (newline == NULL || size > 64 * 1024)
    return 0;
  id = g_strndup ((const char *) data, newline - (const char *) data);
  provider = lanyard_provider_registry_lookup (registry, id);
  if (provider == NULL)
    return 0;

  /* A request line has no NUL; the text ends at the first. */
  text = g_strndup (newline + 1, size - (newline + 1 - (const char *) data));
  flow = lanyard_flow_new (provider);
  with_state = replace (text, "@STATE@", lanyard_flow_get_state (flow));
  query = replace (with_state, "@BASE@", fuzz_server_get_base_url ());

  /* libsoup's server parses the request target with these flags and
   * answers 400 when it cannot; the handler then sees the decoded form. */
  target = g_strconcat ("http://127.0.0.1:1/callback/", id, "?", query, NULL);
  uri = g_uri_parse (target, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    return 0;
  params = g_uri_get_query (uri) != NULL ? soup_form_decode (g_uri_get_query (uri))
                                         : g_hash_table_new (g_str_hash, g_str_equal);

  verdict = _lanyard_flow_check_callback (flow, params, &error);
  g_assert ((verdict == LANYARD_CALLBACK_ACCEPT) == (error == NULL));

  if (verdict == LANYARD_CALLBACK_ACCEPT)
    {
      /* Nothing is accepted without this sign-in's state and a code. */
      g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, lanyard_flow_get_state (flow));
      g_assert_true (((const char *) g_hash_table_lookup (params, "code"))[0] != '\0');
      g_assert_null (g_hash_table_lookup (params, "error"));
    }
  else
    {
      /* Only an answer with this sign-in's state may end it. */
      if (verdict == LANYARD_CALLBACK_FAIL)
        g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, lanyard_flow_get_state (flow));
      /* The message goes on the page the browser shows and, when the
       * sign-in fails, onto the bus. */
      g_assert_true (error->domain == LANYARD_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  return 0;
}
