#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Lanyard as `meson install` leaves it, run for real: a second build of the
# same sources with a temporary prefix, installed there without --destdir
# (meson skips its post-install steps under --destdir, so only a real
# install shows that the settings schema gets compiled), then the installed
# programs started with nothing from the build tree: no
# GSETTINGS_SCHEMA_DIR, no LANYARD_MODULE_DIR, the D-Bus service files of
# the prefix only.
#
# usage: check-installed.sh SOURCE_DIR
set -euo pipefail

source_dir=$1

# shellcheck source=tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

workdir=$(mktemp -d /tmp/lanyard-installed-XXXXXX)
cleanup() {
  [ -n "${bus_pid:-}" ] && kill "$bus_pid" 2>/dev/null
  rm -rf "$workdir"
}
trap cleanup EXIT
prefix=$workdir/prefix
build=$workdir/build

# Only what gets installed is built (not the tests, tools and benchmarks);
# without optimisation, which is quicker to compile and changes nothing here.
build_and_install() {
  meson setup "$build" "$source_dir" --prefix "$prefix" --buildtype plain -Dsystemd_user_unit=false || return 1
  local targets
  mapfile -t targets < <(
    comm -12 <(meson introspect "$build" --installed |
      python3 -c 'import json, os, sys; b = os.path.realpath(sys.argv[1])
for k in json.load(sys.stdin):
    if k.startswith(b + "/"): print(os.path.relpath(k, b))' "$build" | LC_ALL=C sort) \
      <(ninja -C "$build" -t targets all | sed 's/: .*//' | LC_ALL=C sort))
  ninja -C "$build" "${targets[@]}" || return 1
  meson install -C "$build" --no-rebuild
}
if ! check "a second build installs to a temporary prefix" build_and_install; then
  echo "1..$tap_count"
  exit 1
fi

check "the installed settings schema is compiled" \
  test -s "$prefix/share/glib-2.0/schemas/gschemas.compiled"

# The session of someone who installed to this prefix: their XDG_DATA_DIRS
# name it, their bus finds its D-Bus service files there, their keyring
# runs. Everything the programs keep goes to the temporary directory.
export HOME=$workdir/home XDG_DATA_HOME=$workdir/home/data XDG_CONFIG_HOME=$workdir/home/config \
  XDG_CACHE_HOME=$workdir/home/cache XDG_RUNTIME_DIR=$workdir/runtime
export XDG_DATA_DIRS=$prefix/share:/usr/local/share:/usr/share
# LANYARD_DEMO_AUTO_APPROVE: the demo sign-in below approves itself (as
# user "installed"), with nobody at the page.
export LANYARD_DEMO=1 LANYARD_DEMO_AUTO_APPROVE=installed GTK_A11Y=none GDK_BACKEND=x11
unset GSETTINGS_SCHEMA_DIR LANYARD_MODULE_DIR
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
cat >"$workdir/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$XDG_RUNTIME_DIR/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  <servicedir>$prefix/share/dbus-1/services</servicedir>
</busconfig>
CONF
dbus-daemon --config-file="$workdir/session.conf" --nofork --nopidfile --nosyslog &
bus_pid=$!
export DBUS_SESSION_BUS_ADDRESS=unix:path=$XDG_RUNTIME_DIR/bus
for _ in $(seq 50); do [ -S "$XDG_RUNTIME_DIR/bus" ] && break; sleep 0.1; done
echo "" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null

# The application object reads its settings before anything else, so even
# --help dies without the compiled schema.
check "the installed lanyard starts (--help)" "$prefix/bin/lanyard" --help
check "the installed lanyardctl runs (--version)" "$prefix/bin/lanyardctl" --version

# D-Bus activation through the installed service file, which names the
# installed daemon.
activated_daemon() {
  local out
  out=$("$prefix/bin/lanyardctl" providers) || return 1
  echo "$out"
  grep -q demo-github <<<"$out" || return 1
  # The program that answers is the installed one.
  local pid
  pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.GetConnectionUnixProcessID io.github.lanyard.Lanyard.Daemon |
    sed 's/^(uint32 \([0-9]*\),)$/\1/')
  [ "$(readlink "/proc/$pid/exe")" = "$prefix/libexec/lanyard-daemon" ] || {
    echo "the daemon that answers is $(readlink "/proc/$pid/exe")"
    return 1
  }
}
check "the installed daemon is D-Bus activated and answers" activated_daemon

# git finds the installed helper on the PATH (as for credential.helper=lanyard);
# with only demo providers it serves no host and says nothing.
git_helper_quiet() {
  local out
  out=$(printf 'protocol=https\nhost=github.com\n\n' |
    PATH="$prefix/bin:$PATH" git credential-lanyard get) || return 1
  [ -z "$out" ] || {
    echo "git-credential-lanyard answered: $out"
    return 1
  }
}
check "git finds the installed git-credential-lanyard, which serves no demo host" git_helper_quiet

# The window, under Xvfb: its actions are on the bus once it has started
# (the preference action is made from the settings), and it is still alive
# after it has shown its window.
has_owner() {
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner "$1" | grep -q true
}
window_starts() {
  local app_pid i actions
  xvfb-run -a -s '-screen 0 1280x800x24' "$prefix/bin/lanyard" >"$workdir/window.log" 2>&1 &
  app_pid=$!
  # Asked only once the window owns its name: asking before would start
  # another one through the application's own D-Bus service file.
  for i in $(seq 100); do
    has_owner io.github.lanyard.Lanyard && break
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.2
  done
  for i in $(seq 100); do
    has_owner io.github.lanyard.Lanyard || break
    actions=$(gdbus call --session --dest io.github.lanyard.Lanyard --object-path /io/github/lanyard/Lanyard \
      --method org.gtk.Actions.List 2>/dev/null) && grep -q always-use-browser <<<"$actions" && break
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.2
  done
  sleep 2
  if ! kill -0 "$app_pid" 2>/dev/null || ! grep -q always-use-browser <<<"${actions:-}"; then
    cat "$workdir/window.log"
    return 1
  fi
  gdbus call --session --dest io.github.lanyard.Lanyard --object-path /io/github/lanyard/Lanyard \
    --method org.gtk.Actions.Activate quit '[]' '{}' >/dev/null
  wait "$app_pid" || { cat "$workdir/window.log"; return 1; }
}
if command -v xvfb-run >/dev/null; then
  check "the installed window starts under Xvfb" window_starts
fi

# An app built against the installed liblanyard-1 as its developer would
# build it (pkg-config and the installed headers only), and the Python
# example over the installed typelib: both run against the installed
# daemon, with a demo account linked, and say the same.
libdir=$(meson introspect "$build" --buildoptions |
  python3 -c 'import json, sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "libdir"][0])')
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
app_builds_against_installed_library() {
  # shellcheck disable=SC2046 # pkg-config's words are separate arguments
  cc "$source_dir/docs/examples/lanyard-whoami.c" -o "$workdir/lanyard-whoami" \
    $(pkg-config --cflags --libs liblanyard-1) || return 1
  # Nothing of the build tree: the headers, library and typelib are the
  # prefix's.
  pkg-config --variable=includedir liblanyard-1 | grep -qx "$prefix/include" || return 1
  test -s "$prefix/$libdir/girepository-1.0/Lanyard-1.typelib"
}
check "an app builds against the installed liblanyard-1 (pkg-config)" app_builds_against_installed_library

link_demo_account() {
  local url
  "$prefix/bin/lanyardctl" link demo-github --browser=none >"$workdir/link.log" 2>&1 &
  local link_pid=$!
  for _ in $(seq 100); do
    url=$(sed -n 's/^Open this URL to sign in: //p' "$workdir/link.log")
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$workdir/link.log"; return 1; }
  curl -sSL -o /dev/null "$url" || return 1
  wait "$link_pid" || { cat "$workdir/link.log"; return 1; }
  grep -q '^Linked demo-github:' "$workdir/link.log"
}
check "a demo account is linked through the installed daemon" link_demo_account

installed_app_runs() {
  LD_LIBRARY_PATH=$prefix/$libdir "$workdir/lanyard-whoami" >"$workdir/whoami-c.txt" || return 1
  cat "$workdir/whoami-c.txt"
  grep -q '^Current identity: demo-github:.* (installed, ' "$workdir/whoami-c.txt" &&
    grep -q '^Token for demo-github:.*: [1-9][0-9]* characters, expires ' "$workdir/whoami-c.txt"
}
check "the app built against the installed library runs" installed_app_runs

# PyGObject: the first python3 that has it (a python3 of one's own on PATH
# may not).
python_example_runs() {
  local python
  for python in python3 /usr/bin/python3; do
    "$python" -c 'import gi' 2>/dev/null && break
  done
  GI_TYPELIB_PATH=$prefix/$libdir/girepository-1.0 LD_LIBRARY_PATH=$prefix/$libdir \
    "$python" "$source_dir/docs/examples/lanyard-whoami.py" >"$workdir/whoami-py.txt" || return 1
  diff -u "$workdir/whoami-c.txt" "$workdir/whoami-py.txt"
}
check "the Python example runs over the installed typelib, and says the same" python_example_runs

tap_finish
