/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-daemon"
/* O_PATH, openat() */
#define _GNU_SOURCE

#include "lanyard-caller.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/**
 * LanyardCaller:
 *
 * Who is on the other end of a bus connection, as the access policy needs
 * to know it: the same user or not, a host program or a sandboxed one, and
 * which sandbox. Built once per unique bus name from the bus's
 * `GetConnectionCredentials` (see #LanyardCallerTracker) and never changed:
 * a unique name is never given to another connection.
 *
 * - Another user: `UnixUserID` differs from the daemon's.
 * - Snap: the AppArmor label in `LinuxSecurityLabel`,
 *   `snap.NAME.APP (enforce)`.
 * - Flatpak: `/.flatpak-info` at the process's root, seen from here as
 *   `/proc/PID/root/.flatpak-info`. For a Flatpak application the bus
 *   connection is its xdg-dbus-proxy's, whose root is the sandbox's.
 * - When the bus gives a `ProcessFD` (a pidfd, dbus ≥ 1.15.?), the pid is
 *   read from it and the process is checked to be alive after its root was
 *   opened, so that a process that died and whose pid was reused is not
 *   taken for the caller. Without one (dbus 1.14) the pid is the bus's
 *   `ProcessID`, as good as the bus can say.
 * - Anything that cannot be looked at (the process is gone, its root
 *   cannot be opened, the file cannot be read) makes an unknown caller,
 *   which the policy treats as sandboxed: refusing is the safe side.
 */
struct _LanyardCaller
{
  char             *name;
  char             *app_id;
  LanyardCallerKind kind;
  guint32           uid;
  guint32           pid;
};

/* More than any real .flatpak-info; a bigger one is not believed. */
#define FLATPAK_INFO_MAX_SIZE (64 * 1024)

static LanyardCaller *
caller_new (const char       *name,
            LanyardCallerKind kind)
{
  LanyardCaller *self = g_atomic_rc_box_new0 (LanyardCaller);

  self->name = g_strdup (name);
  self->kind = kind;
  return self;
}

/**
 * lanyard_caller_new_host:
 * @name: (nullable): the bus name, %NULL on a peer-to-peer connection
 *
 * A program of this user outside a sandbox: the other end of a
 * peer-to-peer connection, which only this user can open.
 */
LanyardCaller *
lanyard_caller_new_host (const char *name)
{
  return caller_new (name, LANYARD_CALLER_HOST);
}

/* The pid a pidfd stands for, from /proc/self/fdinfo; 0 when the process
 * has exited or lives in a pid namespace this one cannot name. */
static guint32
pidfd_get_pid (int pidfd)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/fdinfo/%d", pidfd);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gint64 pid;

      if (g_str_has_prefix (lines[i], "Pid:") &&
          g_ascii_string_to_signed (g_strstrip (lines[i] + strlen ("Pid:")), 10, 1, G_MAXUINT32, &pid, NULL))
        return (guint32) pid;
    }
  return 0;
}

/* A pidfd becomes readable when its process exits. */
static gboolean
pidfd_is_alive (int pidfd)
{
  struct pollfd poll_fd = { .fd = pidfd, .events = POLLIN };

  return poll (&poll_fd, 1, 0) == 0;
}

static char *
read_flatpak_app_id (int info)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *contents = g_malloc (FLATPAK_INFO_MAX_SIZE + 1);
  gsize            length = 0;
  g_autofree char *app_id = NULL;

  while (length < FLATPAK_INFO_MAX_SIZE)
    {
      ssize_t n = read (info, contents + length, FLATPAK_INFO_MAX_SIZE - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      length += n;
    }
  contents[length] = '\0';

  if (!g_key_file_load_from_data (key_file, contents, length, G_KEY_FILE_NONE, NULL))
    return NULL;
  app_id = g_key_file_get_string (key_file, "Application", "name", NULL);
  if (app_id == NULL || !g_application_id_is_valid (app_id))
    return NULL;
  return g_steal_pointer (&app_id);
}

/* Whether the process lives in this daemon's user namespace. A sandbox
 * that is not Flatpak (bwrap, `unshare -U`, a container) runs in one of
 * its own, and could show a root without /.flatpak-info: only a process
 * in our own user namespace can be a host program. A procfs without
 * namespace files (the tests' written /proc) cannot tell, and says yes. */
static gboolean
in_our_user_namespace (const char *proc_root,
                       guint32     pid)
{
  g_autofree char *ours_path = g_strdup_printf ("%s/self/ns/user", proc_root);
  g_autofree char *theirs_path = g_strdup_printf ("%s/%u/ns/user", proc_root, pid);
  struct stat      ours, theirs;

  if (stat (ours_path, &ours) != 0)
    return TRUE;
  if (stat (theirs_path, &theirs) != 0)
    return FALSE;
  return ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino;
}

/* Host, Flatpak (with its app id, when it has a valid one) or unknown. */
static LanyardCallerKind
look_at_root (const char *proc_root,
              guint32     pid,
              int         pidfd,
              char      **app_id)
{
  g_autofree char  *root_path = g_strdup_printf ("%s/%u/root", proc_root, pid);
  int               root = open (root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  int               info, saved_errno;
  LanyardCallerKind kind;

  if (root < 0)
    return LANYARD_CALLER_UNKNOWN;

  info = openat (root, ".flatpak-info", O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  saved_errno = errno;
  close (root);

  /* The root that was opened is the caller's only if the caller still
   * lives: otherwise the pid may already be another process's. */
  if (pidfd >= 0 && !pidfd_is_alive (pidfd))
    kind = LANYARD_CALLER_UNKNOWN;
  else if (info < 0)
    kind = saved_errno == ENOENT && in_our_user_namespace (proc_root, pid) ? LANYARD_CALLER_HOST : LANYARD_CALLER_UNKNOWN;
  else
    {
      *app_id = read_flatpak_app_id (info);
      kind = LANYARD_CALLER_FLATPAK;
    }

  if (info >= 0)
    close (info);
  return kind;
}

/* `snap.NAME.APP (enforce)` (or a hook: `snap.NAME.hook.HOOK`): a Snap,
 * whose name is NAME when it is one (lower-case letters, digits, dashes). */
static gboolean
is_snap_label (GVariant *label,
               char    **snap_name)
{
  gsize            length = 0;
  const char      *bytes = g_variant_get_fixed_array (label, &length, 1);
  g_autofree char *text = g_strndup (bytes, length);
  const char      *name = text + strlen ("snap.");
  const char      *dot;

  if (!g_str_has_prefix (text, "snap."))
    return FALSE;
  dot = strchr (name, '.');
  if (dot != NULL && dot != name && strspn (name, "abcdefghijklmnopqrstuvwxyz0123456789-") == (gsize) (dot - name))
    *snap_name = g_strndup (name, dot - name);
  return TRUE;
}

/**
 * lanyard_caller_new_from_credentials:
 * @name: the caller's unique bus name
 * @credentials: the `a{sv}` that `GetConnectionCredentials` answered
 * @fds: (nullable): the file descriptors of that answer (for `ProcessFD`)
 * @proc_root: where procfs is, `/proc` but for tests
 * @own_uid: the daemon's user
 *
 * Returns: (transfer full): who @name is
 */
LanyardCaller *
lanyard_caller_new_from_credentials (const char  *name,
                                     GVariant    *credentials,
                                     GUnixFDList *fds,
                                     const char  *proc_root,
                                     guint32      own_uid)
{
  g_autoptr(GVariant) label = NULL;
  g_autofree char  *app_id = NULL;
  LanyardCaller    *self;
  guint32           uid = G_MAXUINT32, pid = 0;
  gint32            fd_index = -1;
  int               pidfd = -1;
  LanyardCallerKind kind;

  g_variant_lookup (credentials, "UnixUserID", "u", &uid);
  g_variant_lookup (credentials, "ProcessID", "u", &pid);
  label = g_variant_lookup_value (credentials, "LinuxSecurityLabel", G_VARIANT_TYPE_BYTESTRING);

  if (fds != NULL && g_variant_lookup (credentials, "ProcessFD", "h", &fd_index) &&
      fd_index >= 0 && fd_index < g_unix_fd_list_get_length (fds))
    {
      pidfd = g_unix_fd_list_get (fds, fd_index, NULL);
      if (pidfd >= 0)
        pid = pidfd_get_pid (pidfd);
    }

  if (uid != own_uid)
    kind = LANYARD_CALLER_OTHER_USER;
  else if (label != NULL && is_snap_label (label, &app_id))
    kind = LANYARD_CALLER_SNAP;
  else if (pid == 0)
    kind = LANYARD_CALLER_UNKNOWN;
  else
    kind = look_at_root (proc_root, pid, pidfd, &app_id);

  if (pidfd >= 0)
    close (pidfd);

  self = caller_new (name, kind);
  self->uid = uid;
  self->pid = pid;
  self->app_id = g_steal_pointer (&app_id);
  return self;
}

LanyardCaller *
lanyard_caller_ref (LanyardCaller *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
caller_clear (LanyardCaller *self)
{
  g_free (self->name);
  g_free (self->app_id);
}

void
lanyard_caller_unref (LanyardCaller *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) caller_clear);
}

LanyardCallerKind
lanyard_caller_get_kind (const LanyardCaller *self)
{
  return self->kind;
}

/**
 * lanyard_caller_get_name:
 *
 * Returns: (nullable): the unique bus name; %NULL on a peer-to-peer
 *   connection
 */
const char *
lanyard_caller_get_name (const LanyardCaller *self)
{
  return self->name;
}

/**
 * lanyard_caller_get_app_id:
 *
 * Returns: (nullable): the Flatpak app id or the snap name; %NULL for
 *   other callers and for a Flatpak without a valid app id
 */
const char *
lanyard_caller_get_app_id (const LanyardCaller *self)
{
  return self->app_id;
}

guint32
lanyard_caller_get_pid (const LanyardCaller *self)
{
  return self->pid;
}

/**
 * lanyard_caller_is_sandboxed:
 *
 * Returns: %TRUE for Flatpak, Snap and unknown callers
 */
gboolean
lanyard_caller_is_sandboxed (const LanyardCaller *self)
{
  return self->kind == LANYARD_CALLER_FLATPAK || self->kind == LANYARD_CALLER_SNAP ||
    self->kind == LANYARD_CALLER_UNKNOWN;
}

/**
 * lanyard_caller_describe:
 *
 * Returns: (transfer full): the caller in words, to begin a sentence
 *   ("The Flatpak application “org.example.App”")
 */
char *
lanyard_caller_describe (const LanyardCaller *self)
{
  switch (self->kind)
    {
    case LANYARD_CALLER_HOST:
      return g_strdup ("This program");
    case LANYARD_CALLER_FLATPAK:
      if (self->app_id != NULL)
        return g_strdup_printf ("The Flatpak application “%s”", self->app_id);
      return g_strdup ("This Flatpak application");
    case LANYARD_CALLER_SNAP:
      if (self->app_id != NULL)
        return g_strdup_printf ("The Snap “%s”", self->app_id);
      return g_strdup ("This Snap");
    case LANYARD_CALLER_OTHER_USER:
      return g_strdup ("A program of another user");
    case LANYARD_CALLER_UNKNOWN:
    default:
      return g_strdup ("A program Lanyard could not identify (taken for a sandboxed one)");
    }
}
