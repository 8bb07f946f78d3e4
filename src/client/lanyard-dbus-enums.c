/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-client"

#include "lanyard-dbus-enums.h"

/**
 * lanyard_dbus_enum_to_nick:
 * @enum_type: a type from lanyard-dbus-enum-types.h
 *
 * Returns: (transfer none): the string @value is on the bus
 */
const char *
lanyard_dbus_enum_to_nick (GType enum_type,
                           int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  g_return_val_if_fail (enum_value != NULL, NULL);
  /* Nicks are static strings: the class lives as long as the type. */
  return enum_value->value_nick;
}

/**
 * lanyard_dbus_enum_from_nick:
 * @nick: (nullable): a string from the bus
 * @fallback: the value for a string this version does not know
 */
int
lanyard_dbus_enum_from_nick (GType       enum_type,
                             const char *nick,
                             int         fallback)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *enum_value = nick != NULL ? g_enum_get_value_by_nick (klass, nick) : NULL;

  return enum_value != NULL ? enum_value->value : fallback;
}
