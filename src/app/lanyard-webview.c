/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

/* The loadable module that holds every use of WebKitGTK (see
 * lanyard-webview.h). */

#include <webkit/webkit.h>

#include "lanyard-webview.h"

typedef struct
{
  LanyardWebviewOpenFunc open_externally;
  gpointer               user_data;
} Popups;

/* Pop-ups (help pages, "forgot password") go to the web browser. */
static gboolean
decide_policy_cb (WebKitWebView           *view,
                  WebKitPolicyDecision    *decision,
                  WebKitPolicyDecisionType type,
                  Popups                  *popups)
{
  WebKitNavigationAction *action;

  if (type != WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION)
    return FALSE;

  action = webkit_navigation_policy_decision_get_navigation_action (WEBKIT_NAVIGATION_POLICY_DECISION (decision));
  popups->open_externally (webkit_uri_request_get_uri (webkit_navigation_action_get_request (action)),
                           popups->user_data);
  webkit_policy_decision_ignore (decision);
  return TRUE;
}

static GtkWidget *
new_view (LanyardWebviewOpenFunc open_externally,
          gpointer               user_data)
{
  /* Its own ephemeral session: no cookie or cache of this sign-in
   * survives it, and a removed account is not still signed in here. */
  g_autoptr(WebKitNetworkSession) session = webkit_network_session_new_ephemeral ();
  GtkWidget *view = g_object_new (WEBKIT_TYPE_WEB_VIEW, "network-session", session, NULL);
  Popups    *popups = g_new0 (Popups, 1);

  popups->open_externally = open_externally;
  popups->user_data = user_data;
  g_signal_connect_data (view, "decide-policy", G_CALLBACK (decide_policy_cb), popups,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  return view;
}

static void
load_uri (GtkWidget  *view,
          const char *uri)
{
  webkit_web_view_load_uri (WEBKIT_WEB_VIEW (view), uri);
}

static const char *
get_uri (GtkWidget *view)
{
  return webkit_web_view_get_uri (WEBKIT_WEB_VIEW (view));
}

static double
get_progress (GtkWidget *view)
{
  return webkit_web_view_get_estimated_load_progress (WEBKIT_WEB_VIEW (view));
}

static gboolean
error_is_benign (const GError *error)
{
  return g_error_matches (error, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED) ||
    g_error_matches (error, WEBKIT_POLICY_ERROR, WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE);
}

G_MODULE_EXPORT const LanyardWebviewFuncs lanyard_webview_funcs = {
  new_view,
  load_uri,
  get_uri,
  get_progress,
  error_is_benign,
};
