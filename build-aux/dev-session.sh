#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A private D-Bus session for trying Lanyard from the build tree:
# lanyard-daemon is activatable there, a keyring (empty password) keeps the
# tokens in a temporary directory, and the demo providers are on.
#   bash build-aux/dev-session.sh                  a shell; try
#                                                  build/src/cli/lanyardctl link demo-github
#   bash build-aux/dev-session.sh build/src/app/lanyard      the window
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$top/build}
home=$(mktemp -d /tmp/lanyard-dev-XXXXXX)
conf=$home/session.conf

cat > "$conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <include>/usr/share/dbus-1/session.conf</include>
  <servicedir>$build/src/daemon/dev</servicedir>
</busconfig>
CONF

export LANYARD_DEMO=1 XDG_DATA_HOME=$home/data GSETTINGS_SCHEMA_DIR=$build/data LANYARD_MODULE_DIR=$build/src/app
# The keyring's control socket lives in the runtime directory; a private
# one keeps it away from the desktop's keyring.
export LANYARD_DEV_RUNTIME=$home
if [ $# -eq 0 ]; then
  echo "Private Lanyard session in $home (exit the shell to end it)."
  set -- "${SHELL:-bash}"
fi
exec dbus-run-session --config-file="$conf" -- bash -c \
  'XDG_RUNTIME_DIR=$LANYARD_DEV_RUNTIME sh -c "echo \"\" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null"; exec "$@"' _ "$@"
