/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A fake provider, a registry pointed at it, and whole sign-ins driven by
 * the scripted browser: shared by the flow and OpenID Connect tests. */

#include "fake-provider.h"
#include "lanyard-flow.h"
#include "lanyard-provider-registry.h"
#include "test-util.h"

G_BEGIN_DECLS

typedef struct
{
  FakeProvider            *fake;
  LanyardProviderRegistry *registry;
} Fixture;

G_GNUC_UNUSED static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  f->fake = fake_provider_new ();
  f->registry = lanyard_provider_registry_new ();
  /* Short enough that the slow and silent provider tests end quickly. */
  g_object_set (lanyard_provider_registry_get_session (f->registry), "timeout", 1, NULL);
}

G_GNUC_UNUSED static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->registry);
  g_assert_finalize_object (f->fake);
}

G_GNUC_UNUSED static LanyardProvider *
add_provider (Fixture    *f,
              const char *id,
              const char *dialect)
{
  g_autofree char *compound = fake_provider_config (f->fake, dialect);
  g_autoptr(GError) error = NULL;
  g_autoptr(LanyardProviderConfig) config = lanyard_provider_config_new_from_compound (id, "test", compound, &error);
  const LanyardProviderEntry *entry;

  g_assert_no_error (error);
  lanyard_provider_registry_add_config (f->registry, config);
  entry = lanyard_provider_registry_get_entry (f->registry, id);
  g_assert_null (entry->problem);
  return entry->provider;
}

G_GNUC_UNUSED static LanyardFlow *
start_flow (LanyardProvider *provider,
            GError         **error)
{
  g_autoptr(LanyardFlow) flow = lanyard_flow_new (provider);
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_flow_start_async (flow, NULL, test_store_result, &result);
  if (!lanyard_flow_start_finish (flow, test_wait_result (&result), error))
    return NULL;

  g_assert_cmpint (lanyard_flow_get_status (flow), ==, LANYARD_FLOW_STATUS_WAITING);
  g_assert_true (lanyard_flow_is_listening (flow));
  return g_steal_pointer (&flow);
}

G_GNUC_UNUSED static gboolean
wait_flow (LanyardFlow *flow,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lanyard_flow_wait_async (flow, NULL, test_store_result, &result);
  return lanyard_flow_wait_finish (flow, test_wait_result (&result), error);
}

G_GNUC_UNUSED static guint
redirect_port (LanyardFlow *flow)
{
  g_autoptr(GUri) uri = g_uri_parse (lanyard_flow_get_redirect_uri (flow), G_URI_FLAGS_NONE, NULL);
  return g_uri_get_port (uri);
}

G_GNUC_UNUSED static gboolean
port_is_open (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_socket_client_connect_to_host_async (client, "127.0.0.1", port, NULL, test_store_result, &result);
  test_wait_result (&result);
  connection = g_socket_client_connect_to_host_finish (client, result, NULL);
  return connection != NULL;
}

/* A whole sign-in: start, let the scripted browser follow the authorize
 * URL back to the listener, wait for the end. */
G_GNUC_UNUSED static LanyardFlow *
sign_in (Fixture    *f,
         const char *id,
         const char *dialect,
         TestPage  **page_out,
         GError    **error)
{
  LanyardProvider *provider = add_provider (f, id, dialect);
  g_autoptr(LanyardFlow) flow = start_flow (provider, error);
  g_autoptr(TestPage) page = NULL;
  guint port;

  if (flow == NULL)
    return NULL;

  port = redirect_port (flow);
  page = test_browse ("GET", lanyard_flow_get_authorize_url (flow));
  g_assert_no_error (page->error);

  wait_flow (flow, error);

  /* Whatever happened, the listener is gone. */
  g_assert_false (lanyard_flow_is_listening (flow));
  g_assert_false (port_is_open (port));

  if (page_out != NULL)
    *page_out = g_steal_pointer (&page);
  return g_steal_pointer (&flow);
}

G_END_DECLS
