/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Enumerations that cross the bus as strings, shared by the daemon, the
 * window and lanyardctl: each value's nick is the string on the wire
 * (docs/dbus-api.md). Convert with g_enum_get_value_by_nick() and
 * lanyard_dbus_enum_to_nick(), never with a table of strings. */

/**
 * LanyardDBusFlowStatus:
 * @LANYARD_DBUS_FLOW_STATUS_WAITING: the authorize URL is ready; waiting
 *   for the browser
 * @LANYARD_DBUS_FLOW_STATUS_EXCHANGING: the browser came back; exchanging
 *   the code and storing the tokens
 * @LANYARD_DBUS_FLOW_STATUS_SUCCEEDED: the account is linked
 * @LANYARD_DBUS_FLOW_STATUS_FAILED: the sign-in ended without an account
 *
 * `io.github.lanyard.Flow.Status`.
 */
typedef enum
{
  LANYARD_DBUS_FLOW_STATUS_WAITING, /*< nick=waiting >*/
  LANYARD_DBUS_FLOW_STATUS_EXCHANGING, /*< nick=exchanging >*/
  LANYARD_DBUS_FLOW_STATUS_SUCCEEDED, /*< nick=succeeded >*/
  LANYARD_DBUS_FLOW_STATUS_FAILED, /*< nick=failed >*/
} LanyardDBusFlowStatus;

/**
 * LanyardDBusBrowserPolicy:
 * @LANYARD_DBUS_BROWSER_POLICY_ANY: an embedded view or the system browser
 * @LANYARD_DBUS_BROWSER_POLICY_SYSTEM: the system browser only
 *
 * `io.github.lanyard.Flow.BrowserPolicy`, and `browser-policy` in
 * `ListProviders`.
 */
typedef enum
{
  LANYARD_DBUS_BROWSER_POLICY_ANY, /*< nick=any >*/
  LANYARD_DBUS_BROWSER_POLICY_SYSTEM, /*< nick=system >*/
} LanyardDBusBrowserPolicy;

/**
 * LanyardDBusGrant:
 * @LANYARD_DBUS_GRANT_AUTHORIZATION_CODE: the browser sign-in
 * @LANYARD_DBUS_GRANT_DEVICE: the device authorization grant (RFC 8628):
 *   a code the person enters on another device
 *
 * StartFlow's `grant` option, `io.github.lanyard.Flow.Grant`, and the
 * `grants` of `ListProviders`.
 */
typedef enum
{
  LANYARD_DBUS_GRANT_AUTHORIZATION_CODE, /*< nick=authorization_code >*/
  LANYARD_DBUS_GRANT_DEVICE, /*< nick=device >*/
} LanyardDBusGrant;

const char *lanyard_dbus_enum_to_nick (GType enum_type,
                                       int   value);
int         lanyard_dbus_enum_from_nick (GType       enum_type,
                                         const char *nick,
                                         int         fallback);

G_END_DECLS
