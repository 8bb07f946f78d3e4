/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard-rlimit"

#include "lanyard-rlimit.h"

#include <errno.h>
#include <sys/resource.h>

/**
 * lanyard_raise_fd_limit:
 *
 * Raises the soft limit on open files (`RLIMIT_NOFILE`) to the hard limit.
 * A failure is logged, not fatal: the daemon still works, with less margin.
 *
 * The soft limit is often 1,024 for the sake of select(), which cannot
 * watch higher descriptors. The daemon waits only through poll() (GLib's
 * main loop) and starts no other program that would inherit the raised
 * limit. It holds a descriptor for every listening socket, browser
 * connection, provider connection, keyring and bus connection: 1,024 were
 * once filled by half-sent requests to a sign-in listener. The listener
 * now bounds its own connections; this is the margin for everything else.
 */
void
lanyard_raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    {
      g_message ("Could not read the limit on open files: %s", g_strerror (errno));
      return;
    }

  if (limit.rlim_cur == limit.rlim_max)
    return;

  g_debug ("Raising the limit on open files from %llu to %llu",
           (unsigned long long) limit.rlim_cur, (unsigned long long) limit.rlim_max);
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    g_message ("Could not raise the limit on open files to %llu (%s); many sign-ins at once may fail with “Too many open files”",
               (unsigned long long) limit.rlim_max, g_strerror (errno));
}
