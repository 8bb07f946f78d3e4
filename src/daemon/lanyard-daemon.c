/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"

/* lanyard-daemon: owns io.github.lanyard.Lanyard.Daemon on the session bus
 * and keeps the accounts, their tokens and their refreshes. Started by D-Bus
 * activation (or by hand: see docs/dbus-api.md). */

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "lanyard-private-socket.h"
#include "lanyard-rlimit.h"
#include "lanyard-service.h"

typedef struct
{
  GMainLoop               *loop;
  LanyardService          *service;
  LanyardProviderRegistry *registry;
  GDBusConnection         *system_bus;
  LanyardPrivateSocket    *private_socket;
  int                      status;
  gboolean                 owned;
} Daemon;

static void
bus_acquired_cb (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;

  lanyard_service_export (daemon->service, connection);
  /* In a Flatpak: the way in for the window and host programs. */
  if (lanyard_private_socket_is_wanted ())
    {
      daemon->private_socket = lanyard_private_socket_new (connection, lanyard_service_get_callers (daemon->service),
                                                           &error);
      if (daemon->private_socket == NULL)
        g_warning ("No private socket; only identity is available: %s", error->message);
    }
}

#ifdef __GLIBC__
/* Start-up (reading the accounts file, announcing every account on the
 * bus) leaves freed memory in the allocator's arenas; a resident service
 * gives it back once, when the announcements have gone out. */
static gboolean
trim_cb (gpointer user_data)
{
  malloc_trim (0);
  return G_SOURCE_REMOVE;
}
#endif

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  Daemon *daemon = user_data;

  daemon->owned = TRUE;
  g_message ("Owning %s", name);
#ifdef __GLIBC__
  g_timeout_add_seconds (2, trim_cb, NULL);
#endif
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  Daemon *daemon = user_data;

  if (connection == NULL && daemon->owned)
    g_message ("The session bus went away; leaving");
  else if (connection == NULL)
    g_printerr ("lanyard-daemon: the session bus cannot be reached\n");
  else if (daemon->owned)
    g_message ("Replaced by another lanyard-daemon; leaving");
  else
    g_printerr ("lanyard-daemon: %s is owned by another process (--replace takes it over from a lanyard-daemon "
                "started with --replaceable)\n",
                name);

  daemon->status = daemon->owned ? EXIT_SUCCESS : EXIT_FAILURE;
  g_main_loop_quit (daemon->loop);
}

/* logind says the machine wakes up: expiry is wall-clock time, and the
 * refresh timer slept through the suspend, so look again now. */
static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char      *sender,
                      const char      *path,
                      const char      *interface,
                      const char      *signal,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  Daemon  *daemon = user_data;
  gboolean going_to_sleep = TRUE;

  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (!going_to_sleep)
    {
      g_debug ("Resumed from suspend; checking expiry times");
      lanyard_service_recheck (daemon->service);
    }
}

static void
watch_suspend (Daemon *daemon)
{
  g_autoptr(GDBusConnection) system_bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, NULL);

  /* No system bus (a container, a test): the refresh timer's one-minute
   * cap still catches up after a resume. */
  if (system_bus == NULL)
    return;

  g_dbus_connection_signal_subscribe (system_bus, "org.freedesktop.login1", "org.freedesktop.login1.Manager",
                                      "PrepareForSleep", "/org/freedesktop/login1", NULL,
                                      G_DBUS_SIGNAL_FLAGS_NONE, prepare_for_sleep_cb, daemon, NULL);
  daemon->system_bus = g_steal_pointer (&system_bus);
}

static gboolean
quit_cb (gpointer user_data)
{
  Daemon *daemon = user_data;

  g_message ("Leaving on a signal");
  g_main_loop_quit (daemon->loop);
  return G_SOURCE_CONTINUE;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;

  if (!lanyard_service_load_finish (LANYARD_SERVICE (object), result, &error))
    {
      g_printerr ("lanyard-daemon: %s\n", error->message);
      daemon->status = EXIT_FAILURE;
      g_main_loop_quit (daemon->loop);
      return;
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *accounts_path = NULL;
  gboolean         replace = FALSE;
  gboolean         demo = FALSE;
  gboolean         replaceable = FALSE;
  gboolean         version = FALSE;
  const char      *localedir;
  Daemon           daemon = { 0 };
  GPtrArray       *entries;
  guint            owner_id;
  GOptionEntry     options[] = {
        { "replace", 'r', 0, G_OPTION_ARG_NONE, &replace, "Replace a running lanyard-daemon started with --replaceable", NULL },
        { "replaceable", 0, 0, G_OPTION_ARG_NONE, &replaceable, "Let a later lanyard-daemon --replace take over (for development)",
          NULL },
        { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Add the demo providers demo-github and demo-gitlab", NULL },
        { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
        { NULL }
  };

  lanyard_raise_fd_limit ();
  setlocale (LC_ALL, "");
  /* The desktop notifications, and the reasons a sign-in failed or a
   * provider is not set up, are in the person's language. The build tree's
   * translations when build-aux/dev-session.sh or a test says so. */
  localedir = g_getenv ("LANYARD_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && localedir[0] != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new ("— Lanyard's account service");
  g_option_context_add_main_entries (context, options, NULL);
  g_option_context_set_description (context,
                                    "Owns io.github.lanyard.Lanyard.Daemon on the session bus. Providers come\n"
                                    "from lanyard/providers.conf and LANYARD_PROVIDER_<ID> variables\n"
                                    "(docs/configuration.md); LANYARD_DEMO=1 has the effect of --demo.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("lanyard-daemon %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  daemon.registry = lanyard_provider_registry_new ();
  lanyard_provider_registry_load_default (daemon.registry);
  if (demo || g_strcmp0 (g_getenv ("LANYARD_DEMO"), "1") == 0)
    lanyard_provider_registry_add_demo_providers (daemon.registry);

  /* Configuration problems are told now, at start, not at click time. */
  entries = lanyard_provider_registry_get_entries (daemon.registry);
  for (guint i = 0; i < entries->len; i++)
    {
      const LanyardProviderEntry *entry = g_ptr_array_index (entries, i);

      if (entry->problem != NULL)
        g_message ("Configuration problem: %s", entry->problem);
    }
  for (const char *const *p = lanyard_provider_registry_get_problems (daemon.registry); *p != NULL; p++)
    g_message ("Configuration problem: %s", *p);

  accounts_path = g_build_filename (g_get_user_data_dir (), LANYARD_USER_DIR_NAME, "accounts.json", NULL);
  daemon.service = lanyard_service_new (daemon.registry, accounts_path);
  daemon.loop = g_main_loop_new (NULL, FALSE);
  daemon.status = EXIT_SUCCESS;

  g_unix_signal_add (SIGTERM, quit_cb, &daemon);
  g_unix_signal_add (SIGINT, quit_cb, &daemon);

  lanyard_service_load_async (daemon.service, loaded_cb, &daemon);
  watch_suspend (&daemon);

  /* Replaceable only when asked for: whoever replaced the daemon would be
   * the identity and the sign-ins of every program on the bus, and any
   * program that can talk to the bus directly (a sandbox given the whole
   * session bus, too) could ask to. */
  owner_id = g_bus_own_name (G_BUS_TYPE_SESSION, LANYARD_DAEMON_BUS_NAME,
                             (replaceable ? G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT : 0) |
                               (replace ? G_BUS_NAME_OWNER_FLAGS_REPLACE : 0),
                             bus_acquired_cb, name_acquired_cb, name_lost_cb, &daemon, NULL);

  g_main_loop_run (daemon.loop);

  g_bus_unown_name (owner_id);
  g_clear_object (&daemon.private_socket);
  g_clear_object (&daemon.system_bus);
  g_clear_object (&daemon.service);
  g_clear_object (&daemon.registry);
  g_main_loop_unref (daemon.loop);

  return daemon.status;
}
