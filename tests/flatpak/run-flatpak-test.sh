#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Lanyard as a Flatpak, for real: a small runtime and SDK made from the
# host's own Debian packages (make-runtime.sh), installed --user from a
# local repository; the application built from
# flatpak/io.github.lanyard.Lanyard.json with only the runtime and SDK
# names replaced, by flatpak-builder; then `flatpak run` (bubblewrap) on a
# private session bus with gnome-keyring, xdg-desktop-portal (the Secret
# portal) and Xvfb, beside a second small Flatpak application that plays
# "another app" and the host's lanyardctl that plays a host program.
#
# Runs as an unprivileged user (bubblewrap here uses user namespaces); as
# root it creates the user lanyard-flatpak-test and runs the test as that
# user. TAP on stdout; known gaps are "not ok … # TODO" with the reason.
#
# usage: run-flatpak-test.sh SOURCE_DIR HOST_LANYARDCTL [WORK_DIR]
# WORK_DIR is kept for the next run (the runtime and SDK are made again only
# when the packages change); by default /var/tmp/lanyard-flatpak-test as
# root, ~/.cache/lanyard-flatpak-test otherwise. One run at a time.
set -euo pipefail

source_dir=$(cd "$1" && pwd)
host_ctl=$(realpath "$2")
work=${3:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
app_id=io.github.lanyard.Lanyard
other_id=io.github.lanyard.Test.OtherApp
platform_id=org.lanyard.Test.Platform
sdk_id=org.lanyard.Test.Sdk
test_user=lanyard-flatpak-test

# What Lanyard needs at run time, and what it needs to build (the
# runtime's packages too). The GNOME runtime and SDK have all of it.
platform_packages=(libc-bin bash coreutils dash findutils grep sed libglib2.0-bin libgtk-4-1 libadwaita-1-0
  libwebkitgtk-6.0-4 libsoup-3.0-0 libjson-glib-1.0-0 libsecret-1-0 glib-networking gsettings-desktop-schemas
  shared-mime-info fonts-dejavu-core hicolor-icon-theme adwaita-icon-theme librsvg2-common libqrencode4)
sdk_packages=("${platform_packages[@]}" gcc libc6-dev pkg-config meson ninja-build libglib2.0-dev libglib2.0-dev-bin
  libsoup-3.0-dev libjson-glib-dev libsecret-1-dev libgnutls28-dev libgtk-4-dev libadwaita-1-dev libwebkitgtk-6.0-dev libqrencode-dev
  gettext desktop-file-utils gtk-update-icon-cache appstream-util libxml2-utils diffutils)

if [ "${LANYARD_FLATPAK_STAGE:-}" != user ]; then
  # Kept from run to run, so that an unchanged runtime is not made again;
  # somewhere the test user can reach.
  if [ -z "$work" ]; then
    if [ "$(id -u)" -eq 0 ]; then work=/var/tmp/lanyard-flatpak-test; else work=${XDG_CACHE_HOME:-$HOME/.cache}/lanyard-flatpak-test; fi
  fi
  mkdir -p "$work"
  work=$(cd "$work" && pwd)
  start=$(date +%s)
  # The runtime and SDK are read from /usr by whoever runs this (some of
  # Debian's files are readable by root only, none that Lanyard needs).
  # Made again only when the packages or this script change.
  stamp=$( (cat "$here/make-runtime.sh"; echo "${platform_packages[*]} ${sdk_packages[*]}"; dpkg-query -W) | sha256sum)
  if [ ! -f "$work/repo.stamp" ] || [ "$(cat "$work/repo.stamp")" != "$stamp" ]; then
    rm -rf "$work/repo" "$work/runtime-build" "$work/repo.stamp"
    mkdir -p "$work/runtime-build"
    ostree --repo="$work/repo" init --mode=bare-user-only
    bash "$here/make-runtime.sh" "$work/repo" "$work/runtime-build" "$platform_id" "$platform_id" "$sdk_id" 50 \
      "${platform_packages[@]}" >"$work/runtime.log" 2>&1 || { sed 's/^/# /' "$work/runtime.log"; exit 1; }
    bash "$here/make-runtime.sh" "$work/repo" "$work/runtime-build" "$sdk_id" "$platform_id" "$sdk_id" 50 \
      "${sdk_packages[@]}" >>"$work/runtime.log" 2>&1 || { sed 's/^/# /' "$work/runtime.log"; exit 1; }
    flatpak build-update-repo "$work/repo" >>"$work/runtime.log" 2>&1
    echo "$stamp" >"$work/repo.stamp"
    grep -E '^org\.lanyard\.' "$work/runtime.log" | sed 's/^/# /'
    echo "# runtime and SDK made in $(($(date +%s) - start)) s"
  else
    echo "# runtime and SDK unchanged since the last run: kept"
  fi

  # The sources as they are in the working tree (not only what is
  # committed), where the test user can read them.
  rm -rf "$work/src"
  mkdir -p "$work/src"
  if git -C "$source_dir" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$source_dir" && git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done | tar -c --null -T - -f -) |
      tar -x -C "$work/src" -f -
  else
    tar -C "$source_dir" -c --exclude='./build*' --exclude='./_build' -f - . | tar -x -C "$work/src" -f -
  fi
  cp "$host_ctl" "$work/lanyardctl"

  # A clean environment: nothing of the caller's session (nor the test
  # suite's G_DEBUG=fatal-warnings, which is for Lanyard's own tests).
  stage=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 LANYARD_FLATPAK_STAGE=user
    bash "$work/src/tests/flatpak/run-flatpak-test.sh" "$work/src" "$work/lanyardctl" "$work")
  if [ "$(id -u)" -eq 0 ]; then
    id "$test_user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$test_user"
    chown -R "$test_user:" "$work"
    exec runuser -u "$test_user" -- "${stage[@]}"
  fi
  exec "${stage[@]}"
fi

# From here on: the unprivileged user, in a session of its own.
TAP_TMPDIR=$work
# shellcheck source=../tap.sh
source "$here/../tap.sh"
# A check that the rest depends on: stop when it fails.
require() {
  check "$@"
  if [ "$last_status" -ne 0 ]; then
    echo "1..$tap_count"
    exit 1
  fi
}
# A known gap: reported, not counted as a failure, and an unexpected pass
# says so.
known_gap() {
  local name=$1 reason=$2; shift 2
  local log
  tap_count=$((tap_count + 1))
  log=$(mktemp "$work/check-XXXXXX")
  if "$@" >"$log" 2>&1; then
    echo "ok $tap_count - $name # TODO passes now: $reason"
  else
    echo "not ok $tap_count - $name # TODO $reason"
    sed 's/^/# /' "$log"
  fi
  rm -f "$log"
}
timer_start=$(date +%s)
elapsed() { echo "# $1 after $(($(date +%s) - timer_start)) s"; }

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

export HOME=$work/home
export XDG_RUNTIME_DIR=$work/run
export XDG_DATA_HOME=$HOME/.local/share XDG_CONFIG_HOME=$HOME/.config XDG_CACHE_HOME=$HOME/.cache
# The --user installation stays here whatever XDG_DATA_HOME is.
export FLATPAK_USER_DIR=$work/flatpak-user
# The bus finds the exported D-Bus service files and the portals here.
export XDG_DATA_DIRS=$FLATPAK_USER_DIR/exports/share:/usr/local/share:/usr/share
# Chooses gnome-keyring as the Secret portal's backend.
export XDG_CURRENT_DESKTOP=GNOME
export GTK_A11Y=none NO_AT_BRIDGE=1 GDK_BACKEND=x11
rm -rf "$HOME" "$XDG_RUNTIME_DIR" "$FLATPAK_USER_DIR"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME"
chmod 700 "$XDG_RUNTIME_DIR"

# Debian's flatpak asks the parental controls service on the system bus
# before it installs or runs an application. On a bus of our own the
# service is unknown, which flatpak takes as "no controls".
dbus-daemon --session --address="unix:path=$work/system_bus" --nofork --nopidfile --nosyslog &
pids+=($!)
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$work/system_bus
dbus-daemon --session --address="unix:path=$XDG_RUNTIME_DIR/bus" --nofork --nopidfile --nosyslog \
  >"$work/session-bus.log" 2>&1 &
pids+=($!)
export DBUS_SESSION_BUS_ADDRESS=unix:path=$XDG_RUNTIME_DIR/bus
for _ in $(seq 100); do [ -S "$XDG_RUNTIME_DIR/bus" ] && [ -S "$work/system_bus" ] && break; sleep 0.1; done
# The host's own keyring, which must never see Lanyard's tokens.
echo "" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null

# A free display of Xvfb's choosing, told on a file descriptor.
rm -f "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=:$(head -n1 "$work/display")

flatpak remote-add --user --no-gpg-verify lanyard-test "file://$work/repo"
step=$(date +%s)
require "the test runtime and SDK install --user from a local repository" \
  flatpak install --user --noninteractive -y lanyard-test "$platform_id//50" "$sdk_id//50"
echo "# installed in $(($(date +%s) - step)) s"

# The project's manifest with the runtime and the SDK renamed, nothing
# else: beside the original, so that its source path ("..") is the same.
manifest=$work/src/flatpak/$app_id.test.json
sed -e "s|\"org.gnome.Platform\"|\"$platform_id\"|" -e "s|\"org.gnome.Sdk\"|\"$sdk_id\"|" \
  "$work/src/flatpak/$app_id.json" >"$manifest"
manifest_differs_by_names_only() {
  diff "$work/src/flatpak/$app_id.json" "$manifest" | grep '^[<>]' | sort >"$work/manifest.diff" || true
  cat "$work/manifest.diff"
  [ "$(grep -c '^<' "$work/manifest.diff")" -eq 2 ] && [ "$(grep -c '^>' "$work/manifest.diff")" -eq 2 ] &&
    grep -q "^> .*\"runtime\" : \"$platform_id\"" "$work/manifest.diff" &&
    grep -q "^> .*\"sdk\" : \"$sdk_id\"" "$work/manifest.diff"
}
check "the test manifest differs from the project's in the runtime and SDK names only" manifest_differs_by_names_only

step=$(date +%s)
build_app() {
  # No /dev/fuse here, so no rofiles-fuse.
  (cd "$work" && flatpak-builder --user --install --force-clean --disable-rofiles-fuse --disable-updates \
    --state-dir="$work/builder-state" "$work/app-build" "$manifest")
}
require "flatpak-builder builds and installs Lanyard from the manifest" build_app
echo "# built and installed in $(($(date +%s) - step)) s"

step=$(date +%s)
require "flatpak-builder builds and installs the other test application" \
  sh -c "cd '$work' && flatpak-builder --user --install --force-clean --disable-rofiles-fuse --disable-updates \
    --state-dir='$work/builder-state' '$work/other-build' '$here/$other_id.json'"
echo "# other app built and installed in $(($(date +%s) - step)) s"

services=$FLATPAK_USER_DIR/exports/share/dbus-1/services
exported_services() {
  ls "$services"
  grep -q "^Exec=.*flatpak run .*--command=[^ ]*/lanyard-daemon $app_id\$" "$services/$app_id.Daemon.service" &&
    grep -q "^Exec=.*flatpak run .*--command=[^ ]*/lanyard $app_id --gapplication-service\$" "$services/$app_id.service"
}
check "the application's and the daemon's D-Bus service files are exported" exported_services

# The demo providers, for the sandboxed daemon too (the exported service
# file runs `flatpak run`, which applies the override).
# The consent page approves by itself for window-user, in the window's
# web view, which nobody clicks in here; lanyardctl's sign-ins below
# approve explicitly as demo-user.
flatpak override --user --env=LANYARD_DEMO=1 --env=LANYARD_DEMO_AUTO_APPROVE=window-user "$app_id"

bus_call() {
  gdbus call --session --dest "$1" --object-path "$2" --method "$3" "${@:4}"
}
daemon_pid() {
  bus_call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID \
    "$app_id.Daemon" | sed 's/^(uint32 \([0-9]*\),)$/\1/'
}
# Bounded: a sign-in that never ends must not hang the test.
ctl() { G_MESSAGES_DEBUG=lanyard-client timeout 60 "$work/lanyardctl" "$@"; }

activation_from_host() {
  ctl providers | tee "$work/providers.txt"
  grep -q demo-github "$work/providers.txt" || return 1
  local pid
  pid=$(daemon_pid)
  # The daemon that answers runs in the sandbox: its root has the
  # .flatpak-info of Lanyard.
  grep -q "^name=$app_id$" "/proc/$pid/root/.flatpak-info"
}
require "a host program starts the sandboxed daemon by D-Bus activation" activation_from_host
elapsed "daemon activated"

# A sign-in with the demo provider, from the host (lanyardctl link), the
# consent page "approved" by a request of our own as the browser would.
approve_demo() {
  local url
  url=$(sed "s|/authorize?|/approve?decision=approve\\&username=${2:-demo-user}\\&|" <<<"$1")
  curl -sS -L -o /dev/null --max-time 20 "$url"
}
link_from_host() {
  local url
  ctl link demo-github --browser none >"$work/link.out" 2>&1 &
  local link_pid=$!
  for _ in $(seq 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/[^ ]*/authorize?[^ ]*' "$work/link.out" | head -n1) && [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$work/link.out"; return 1; }
  approve_demo "$url" || { cat "$work/link.out"; return 1; }
  wait "$link_pid" || { cat "$work/link.out"; return 1; }
  cat "$work/link.out"
}
check "a host lanyardctl links a demo account through the sandboxed daemon" link_from_host
account=$(ctl list 2>/dev/null | awk 'NR == 1 { print $1 }')
echo "# account: $account"

keyring_dir=$HOME/.var/app/$app_id/data/keyrings
tokens_in_portal_keyring() {
  ls -la "$keyring_dir"
  [ -s "$keyring_dir/default.keyring" ]
}
check "the tokens are in the application's own keyring file (Secret portal)" tokens_in_portal_keyring
not_in_host_keyring() {
  local found
  # The host keyring answers at all: a search that fails would find
  # nothing either.
  echo probe | secret-tool store --label="Lanyard test probe" lanyard-test probe || return 1
  secret-tool lookup lanyard-test probe | grep -qx probe || return 1
  secret-tool clear lanyard-test probe
  found=$(secret-tool search --all xdg:schema "$app_id.Token" 2>&1) || true
  echo "$found"
  ! grep -q "$app_id.Token" <<<"$found"
}
check "the host's keyring holds none of Lanyard's tokens" not_in_host_keyring

account_path() {
  bus_call "$app_id.Daemon" /io/github/lanyard/Lanyard/Manager io.github.lanyard.Manager.FindAccount "$1" |
    sed "s/^(objectpath '\(.*\)',)$/\1/"
}
property() {
  bus_call "$app_id.Daemon" "$1" org.freedesktop.DBus.Properties.Get io.github.lanyard.Account "$2"
}
path=$(account_path "$account")

# The daemon's private socket: where the window and host programs act
# (docs/flatpak.md), in the application's runtime directory.
private_socket=$XDG_RUNTIME_DIR/app/$app_id/daemon
check "the sandboxed daemon listens on its private socket" test -S "$private_socket"

# A host program gets a token (through the private socket: on the bus the
# sandboxed daemon cannot tell it from a sandboxed one).
host_gets_token() {
  ctl token "$account" >"$work/token.out" 2>&1 || { cat "$work/token.out"; return 1; }
  [ -s "$work/token.out" ]
}
check "a host program (lanyardctl) gets an access token" host_gets_token

# Another sandboxed application: the identity, yes; tokens and changes, no.
other() { flatpak run "$other_id" "$@"; }
other_reads_identity() {
  local out
  out=$(other /io/github/lanyard/Lanyard/Manager io.github.lanyard.Manager.GetCurrentIdentity) || { echo "$out"; return 1; }
  echo "$out"
  grep -q "'username': <'demo-user'>" <<<"$out"
}
check "another sandboxed application reads the current identity" other_reads_identity
refused() {
  local out
  if out=$("$@" 2>&1 | grep -v "Can't get document portal"); then
    echo "allowed: $out"
    return 1
  fi
  echo "$out"
  grep -q 'io.github.lanyard.Error.PermissionDenied' <<<"$out"
}
check "another sandboxed application is refused an access token" \
  refused other "$path" io.github.lanyard.Account.GetAccessToken

# A second account, for the changes below (they may succeed, which is
# the gap).
ctl link demo-gitlab --browser none >"$work/link2.out" 2>&1 &
link2_pid=$!
for _ in $(seq 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/[^ ]*/authorize?[^ ]*' "$work/link2.out" | head -n1) && [ -n "$url" ] && break
  sleep 0.1
done
approve_demo "$url" || true
wait "$link2_pid" || cat "$work/link2.out"
second=$(ctl list 2>/dev/null | awk '$1 ~ /^demo-gitlab:/ { print $1; exit }')
second_path=$(account_path "$second")
echo "# second account: $second"

check "another sandboxed application is refused SetPrimary" \
  refused other /io/github/lanyard/Lanyard/Manager io.github.lanyard.Manager.SetPrimary "$path"
check "another sandboxed application is refused StartFlow" \
  refused other /io/github/lanyard/Lanyard/Manager io.github.lanyard.Manager.StartFlow demo-github '{}'
check "another sandboxed application is refused Unlink" \
  refused other "$second_path" io.github.lanyard.Account.Unlink
check "another sandboxed application is refused EnsureCredentials" \
  refused other "$second_path" io.github.lanyard.Account.EnsureCredentials
cannot_reach_socket() {
  local seen
  # The other application runs and sees its own runtime directory, so a
  # missing socket is not a sandbox that failed to start.
  seen=$(flatpak run --command=sh "$other_id" -c \
    'test -d "$1" && echo runtime-dir; test -e "$2" && echo socket; true' \
    sh "/run/user/$(id -u)" "/run/user/$(id -u)/app/$app_id/daemon") || return 1
  echo "$seen"
  grep -qx runtime-dir <<<"$seen" || return 1
  if grep -qx socket <<<"$seen"; then
    echo "the socket is visible in the other application's sandbox"
    return 1
  fi
}
check "another sandboxed application cannot reach Lanyard's private socket" cannot_reach_socket
# Whatever happened above, the first account is the current identity again.
ctl primary "$account" >/dev/null 2>&1 || true
elapsed "other application done"

# The window, in the sandbox, under Xvfb: started, its settings found
# (the preference action is made from them), and a demo sign-in from it:
# its web view loads the consent page, which approves by itself for
# window-user (LANYARD_DEMO_AUTO_APPROVE), and the sign-in completes.
has_owner() {
  bus_call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner "$1" | grep -q true
}
window_pid=
window_starts() {
  local actions=
  flatpak run "$app_id" >"$work/window.log" 2>&1 &
  window_pid=$!
  pids+=("$window_pid")
  for _ in $(seq 150); do
    has_owner "$app_id" && break
    kill -0 "$window_pid" 2>/dev/null || break
    sleep 0.2
  done
  for _ in $(seq 100); do
    has_owner "$app_id" || break
    actions=$(bus_call "$app_id" /io/github/lanyard/Lanyard org.gtk.Actions.List 2>/dev/null) &&
      grep -q always-use-browser <<<"$actions" && break
    sleep 0.2
  done
  sleep 2
  if ! kill -0 "$window_pid" 2>/dev/null || ! grep -q always-use-browser <<<"$actions"; then
    cat "$work/window.log"
    return 1
  fi
}
check "the window starts in the sandbox (its settings schema is found)" window_starts
window_ok=$last_status

window_signs_in() {
  bus_call "$app_id" /io/github/lanyard/Lanyard/window/1 org.gtk.Actions.Activate connect "[<'demo-github'>]" '{}' ||
    return 1
  for _ in $(seq 150); do
    ctl list 2>/dev/null | grep -q window-user && break
    kill -0 "$window_pid" 2>/dev/null || break
    sleep 0.2
  done
  ctl list
  ctl list | grep -q window-user || { cat "$work/window.log"; return 1; }
  kill -0 "$window_pid" || { cat "$work/window.log"; return 1; }
}
if [ "$window_ok" -eq 0 ]; then
  check "a demo sign-in started from the window in the sandbox links an account" window_signs_in
  bus_call "$app_id" /io/github/lanyard/Lanyard org.gtk.Actions.Activate quit '[]' '{}' >/dev/null 2>&1 || true
  wait "$window_pid" 2>/dev/null || true
fi
elapsed "window done"

# The daemon restarted: the tokens are read back from the portal's
# keyring, and the demo avatar is served on the demo server's new port.
stop_daemon() {
  local pid
  pid=$(daemon_pid) || return 0
  kill "$pid"
  for _ in $(seq 100); do has_owner "$app_id.Daemon" || return 0; sleep 0.1; done
  return 1
}
after_restart() {
  stop_daemon || return 1
  ctl token "$account" >/dev/null || return 1
  path=$(account_path "$account")
  local avatar
  avatar=$(property "$path" AvatarUrl | sed "s/^(<'\(.*\)'>,)$/\1/")
  echo "avatar: $avatar"
  curl -sS --max-time 10 "$avatar" | grep -q '<svg'
}
check "after a restart of the daemon the tokens are read back and the demo avatar loads" after_restart

# The portal's keyring file lost (deleted while the daemon was stopped:
# libsecret reads it once): "sign in again", the account needs attention,
# and Unlink forgets it.
lost_item() {
  stop_daemon || return 1
  rm -f "$keyring_dir"/*.keyring
  local out
  if out=$(ctl token "$account" 2>&1); then
    echo "a token after the keyring file was lost"
    return 1
  fi
  path=$(account_path "$account")
  echo "$out"
  grep -q "sign in again" <<<"$out" || return 1
  property "$path" NeedsAttention | tee /dev/stderr | grep -q true || return 1
  property "$path" AttentionReason
  ctl unlink "$account" || return 1
  ! ctl list | grep -q "^$account "
}
check "a lost keyring item reads as 'sign in again', needs attention, and unlinks" lost_item

echo "1..$tap_count"
elapsed "done"
exit $failed
