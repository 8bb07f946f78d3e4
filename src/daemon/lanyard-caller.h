/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gio/gunixfdlist.h>

G_BEGIN_DECLS

/**
 * LanyardCallerKind:
 * @LANYARD_CALLER_HOST: a program of the same user, outside any sandbox
 * @LANYARD_CALLER_FLATPAK: a Flatpak application (with its app id, when
 *   it has a valid one)
 * @LANYARD_CALLER_SNAP: a Snap (with its name, when it has a valid one)
 * @LANYARD_CALLER_OTHER_USER: a program of another Unix user
 * @LANYARD_CALLER_UNKNOWN: a program Lanyard could not look at (gone, its
 *   root unreadable, its credentials not given): treated as sandboxed
 */
typedef enum
{
  LANYARD_CALLER_HOST,
  LANYARD_CALLER_FLATPAK,
  LANYARD_CALLER_SNAP,
  LANYARD_CALLER_OTHER_USER,
  LANYARD_CALLER_UNKNOWN,
} LanyardCallerKind;

typedef struct _LanyardCaller LanyardCaller;

LanyardCaller    *lanyard_caller_new_from_credentials (const char  *name,
                                                       GVariant    *credentials,
                                                       GUnixFDList *fds,
                                                       const char  *proc_root,
                                                       guint32      own_uid);
LanyardCaller    *lanyard_caller_new_host (const char *name);
LanyardCaller    *lanyard_caller_ref (LanyardCaller *self);
void              lanyard_caller_unref (LanyardCaller *self);
LanyardCallerKind lanyard_caller_get_kind (const LanyardCaller *self);
const char       *lanyard_caller_get_name (const LanyardCaller *self);
const char       *lanyard_caller_get_app_id (const LanyardCaller *self);
guint32           lanyard_caller_get_pid (const LanyardCaller *self);
gboolean          lanyard_caller_is_sandboxed (const LanyardCaller *self);
char             *lanyard_caller_describe (const LanyardCaller *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LanyardCaller, lanyard_caller_unref)

G_END_DECLS
