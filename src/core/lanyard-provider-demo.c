/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-provider-demo"

#include "lanyard-provider-demo.h"

#include <glib/gi18n.h>

#include <string.h>

#include "lanyard-demo-server.h"
#include "lanyard-error.h"
#include "lanyard-provider-github.h"
#include "lanyard-provider-private.h"

/**
 * LanyardProviderDemo:
 *
 * A provider that needs no account anywhere: it talks to the
 * #LanyardDemoServer in this process, in a GitHub-like (`flavor=github`,
 * the default) or GitLab-like (`flavor=gitlab`) dialect. Its name always
 * says "Demo", and it exists only when asked for (`type=demo` in the
 * configuration, or the demo switch of the program).
 */
struct _LanyardProviderDemo
{
  LanyardProvider parent_instance;

  char *flavor;
};

G_DEFINE_FINAL_TYPE (LanyardProviderDemo, lanyard_provider_demo, LANYARD_TYPE_PROVIDER)

static gboolean
lanyard_provider_demo_configure (LanyardProvider       *provider,
                                 LanyardProviderConfig *config,
                                 GError               **error)
{
  LanyardProviderDemo *self = LANYARD_PROVIDER_DEMO (provider);
  const char          *flavor = lanyard_provider_config_get (config, "flavor");
  const char          *display_name = lanyard_provider_config_peek (config, "display_name");
  g_autofree char     *labelled = NULL;

  if (flavor == NULL)
    flavor = "github";
  if (!g_str_equal (flavor, "github") && !g_str_equal (flavor, "gitlab"))
    {
      g_set_error (error, LANYARD_ERROR, LANYARD_ERROR_MISCONFIGURED,
                   "“flavor” must be github or gitlab, not “%s”", flavor);
      return FALSE;
    }
  self->flavor = g_strdup (flavor);

  /* Whatever it is called, a demo provider is labelled as one. */
  if (display_name == NULL)
    labelled = g_strdup (g_str_equal (flavor, "gitlab") ? _ ("GitLab (Demo)") : _ ("GitHub (Demo)"));
  else if (strstr (display_name, "Demo") == NULL)
    labelled = g_strdup_printf ("%s (Demo)", display_name);
  if (labelled != NULL)
    _lanyard_provider_set_display_name (provider, labelled);

  _lanyard_provider_set_client_id (provider, LANYARD_DEMO_CLIENT_ID);
  _lanyard_provider_set_is_demo (provider, TRUE);
  /* The demo server's address is known once it runs. */
  _lanyard_provider_set_device_authorization_url (provider, NULL, FALSE);

  return TRUE;
}

/* The demo server starts on first use, not when the configuration loads. */
static void
lanyard_provider_demo_prepare_async (LanyardProvider    *provider,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  LanyardProviderDemo *self = LANYARD_PROVIDER_DEMO (provider);
  LanyardDemoServer   *server = lanyard_demo_server_get_default ();
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *authorize = NULL;
  g_autofree char *token = NULL;
  g_autofree char *user = NULL;
  g_autofree char *revoke = NULL;

  g_task_set_source_tag (task, lanyard_provider_demo_prepare_async);

  if (!lanyard_demo_server_start (server, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  base = lanyard_demo_server_dup_base_url (server, self->flavor);
  authorize = _lanyard_provider_join_url (base, "authorize");
  token = _lanyard_provider_join_url (base, "token");
  user = _lanyard_provider_join_url (base, "user");
  revoke = _lanyard_provider_join_url (base, "revoke");
  _lanyard_provider_set_endpoints (provider, authorize, token, user, revoke);
  {
    g_autofree char *device = _lanyard_provider_join_url (base, "device/code");
    _lanyard_provider_set_device_authorization_url (provider, device, TRUE);
  }

  g_task_return_boolean (task, TRUE);
}

static gboolean
lanyard_provider_demo_prepare_finish (LanyardProvider *provider,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static LanyardIdentity *
lanyard_provider_demo_identity_from_userinfo (LanyardProvider *provider,
                                              JsonObject      *userinfo,
                                              GError         **error)
{
  LanyardProviderDemo *self = LANYARD_PROVIDER_DEMO (provider);
  g_autoptr(LanyardIdentity) identity = NULL;
  g_autofree char *avatar = NULL;

  if (g_str_equal (self->flavor, "gitlab"))
    identity = _lanyard_provider_identity_from_claims (provider, userinfo, "nickname", error);
  else
    identity = lanyard_github_identity_from_user (lanyard_provider_get_id (provider),
                                                  lanyard_provider_get_display_name (provider),
                                                  userinfo, error);
  if (identity == NULL)
    return NULL;

  /* Kept without the demo server's port, which changes with every start. */
  avatar = lanyard_demo_avatar_to_stored (lanyard_identity_get_avatar_url (identity));
  return lanyard_identity_new (lanyard_identity_get_provider_id (identity),
                               lanyard_identity_get_account_id (identity),
                               lanyard_identity_get_username (identity),
                               lanyard_identity_get_display_name (identity),
                               lanyard_identity_get_email (identity),
                               avatar);
}

static void
lanyard_provider_demo_finalize (GObject *object)
{
  g_free (LANYARD_PROVIDER_DEMO (object)->flavor);
  G_OBJECT_CLASS (lanyard_provider_demo_parent_class)->finalize (object);
}

static void
lanyard_provider_demo_class_init (LanyardProviderDemoClass *klass)
{
  LanyardProviderClass *provider_class = LANYARD_PROVIDER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lanyard_provider_demo_finalize;

  provider_class->type_name = "demo";
  provider_class->default_display_name = "Demo";
  provider_class->default_scopes = "read_user";
  provider_class->secret_policy = LANYARD_SECRET_OPTIONAL;
  provider_class->configure = lanyard_provider_demo_configure;
  provider_class->device_flow_default = TRUE;
  provider_class->prepare_async = lanyard_provider_demo_prepare_async;
  provider_class->prepare_finish = lanyard_provider_demo_prepare_finish;
  provider_class->identity_from_userinfo = lanyard_provider_demo_identity_from_userinfo;
}

static void
lanyard_provider_demo_init (LanyardProviderDemo *self)
{
}
