#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A private D-Bus session for trying Lanyard from the build tree:
# lanyard-daemon is activatable there, a keyring (empty password) keeps the
# tokens, and the demo providers are on. The keyring and the accounts live
# in a demo data directory that is kept between runs, so that the window
# shows what it does with accounts; --fresh wipes it first.
#   bash build-aux/dev-session.sh [--fresh]        a shell; try
#                                                  build/src/cli/lanyardctl link demo-github
#   bash build-aux/dev-session.sh [--fresh] build/src/app/lanyard      the window
# The demo data directory is $LANYARD_DEMO_DIR, by default build/demo-data.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$top/build}
demo=${LANYARD_DEMO_DIR:-$build/demo-data}

if [ "${1:-}" = "--fresh" ]; then
  shift
  # Only what this script made: the data and its marker.
  if [ -f "$demo/.lanyard-demo" ]; then
    rm -rf "$demo"
    echo "Demo data wiped: $demo"
  fi
fi
mkdir -p "$demo/data"
touch "$demo/.lanyard-demo"

# Sockets and the bus configuration are per run.
run=$(mktemp -d /tmp/lanyard-dev-XXXXXX)
conf=$run/session.conf
cat > "$conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <include>/usr/share/dbus-1/session.conf</include>
  <servicedir>$build/src/daemon/dev</servicedir>
</busconfig>
CONF

export LANYARD_DEMO=1 XDG_DATA_HOME=$demo/data GSETTINGS_SCHEMA_DIR=$build/data LANYARD_MODULE_DIR=$build/src/app
# The build's translations (po/<lang>/LC_MESSAGES) and the application's
# icon from the source tree, as an installed Lanyard would find them.
export LANYARD_LOCALEDIR=$build/po
export XDG_DATA_DIRS=$top/data:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}
# The keyring's control socket lives in the runtime directory; a private
# one keeps it away from the desktop's keyring.
export LANYARD_DEV_RUNTIME=$run
if [ $# -eq 0 ]; then
  echo "Private Lanyard session; demo data in $demo (exit the shell to end it)."
  set -- "${SHELL:-bash}"
fi
# The keyring's password is empty: made on the first run, unlocked with it
# on the next ones.
exec dbus-run-session --config-file="$conf" -- bash -c \
  'XDG_RUNTIME_DIR=$LANYARD_DEV_RUNTIME sh -c "echo \"\" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null"; exec "$@"' _ "$@"
