/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The contract between the window and its WebKitGTK module
 * (lanyard-webview.c, built as a loadable module): WebKit is loaded only
 * when a sign-in first needs a web view, so the window starts small. */

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef void (*LanyardWebviewOpenFunc) (const char *uri,
                                        gpointer    user_data);

typedef struct
{
  /* A WebKitWebView on its own ephemeral network session; pop-ups go to
   * @open_externally. Signals (load-failed, load-failed-with-tls-errors,
   * web-process-terminated) and properties (uri, estimated-load-progress)
   * are WebKit's own. */
  GtkWidget *(*new_view) (LanyardWebviewOpenFunc open_externally,
                          gpointer               user_data);
  void (*load_uri) (GtkWidget  *view,
                    const char *uri);
  const char *(*get_uri) (GtkWidget *view);
  double (*get_progress) (GtkWidget *view);
  /* A load error that only means "replaced by another navigation". */
  gboolean (*error_is_benign) (const GError *error);
} LanyardWebviewFuncs;

#define LANYARD_WEBVIEW_SYMBOL "lanyard_webview_funcs"

const LanyardWebviewFuncs *lanyard_webview_load (GError **error);

G_END_DECLS
