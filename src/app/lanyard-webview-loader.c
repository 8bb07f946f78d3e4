/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>

#include "lanyard-webview.h"

/**
 * lanyard_webview_load:
 *
 * Loads the WebKit module on first use. It lives in
 * `$LANYARD_MODULE_DIR` (the build tree, tests) or the installed
 * `$libdir/lanyard`.
 *
 * Returns: (transfer none) (nullable): the module's functions
 */
const LanyardWebviewFuncs *
lanyard_webview_load (GError **error)
{
  static const LanyardWebviewFuncs *funcs;
  g_autofree char                  *path = NULL;
  const char                       *dir;
  GModule                          *module;

  if (funcs != NULL)
    return funcs;

  dir = g_getenv ("LANYARD_MODULE_DIR");
  path = g_module_build_path (dir != NULL ? dir : LANYARD_MODULE_DIR, "lanyard-webview");
  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL || !g_module_symbol (module, LANYARD_WEBVIEW_SYMBOL, (gpointer *) &funcs) || funcs == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _ ("Signing in inside this window is not available (%s). Use “Open in Browser” instead."),
                   g_module_error ());
      if (module != NULL)
        g_module_close (module);
      funcs = NULL;
      return NULL;
    }

  /* Kept for the process's life: WebKit cannot be unloaded. */
  g_module_make_resident (module);
  return funcs;
}
