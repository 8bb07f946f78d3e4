/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "lanyard-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LanyardApplication) application = NULL;
  const char *localedir = g_getenv ("LANYARD_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* build-aux/dev-session.sh points it at the build tree's translations,
   * so that a demo from the build speaks the person's language. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && localedir[0] != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = lanyard_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
