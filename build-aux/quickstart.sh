#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README's two commands. On a fresh Debian 12 machine, as root (or with
# sudo available), each installs what it needs, builds, and then:
#
#   run   — runs Lanyard in demo mode: the window, on a private session
#           bus with the daemon and the built-in demo providers and a
#           keyring of its own, kept with the demo accounts between runs
#           in build/demo-data; `run --fresh` wipes them first; without a
#           display, a sign-in against the demo provider from the command
#           line, end to end
#   test  — runs every test (warnings are errors), the Flatpak test too:
#           Lanyard built from its manifest and run under `flatpak run`
#           (about 3 minutes the first time; tests/flatpak/run-flatpak-test.sh)
#   test-sanitize — the same under AddressSanitizer and UBSan (CI runs it),
#           less the Flatpak and installed-programs tests (each builds
#           its own copy, unsanitized)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  mapfile -t packages < <(grep -v '^\s*\(#\|$\)' build-aux/debian-packages.txt)
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

setup() {
  local dir=$1; shift
  if [ -d "$dir" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
  meson compile -C "$dir"
}

case "${1:-}" in
  run)
    install_packages
    setup build
    fresh=()
    [ "${2:-}" = "--fresh" ] && fresh=(--fresh)
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      exec bash build-aux/dev-session.sh "${fresh[@]}" build/src/app/lanyard
    fi
    echo "No display here: running the command-line demo instead of the window."
    exec build/tools/lanyard-signin --demo --auto-approve=demo-user demo-github
    ;;
  test)
    install_packages
    setup build -Dwerror=true
    meson test -C build --print-errorlogs
    ;;
  test-sanitize)
    install_packages
    setup build-sanitize -Dwerror=true -Db_sanitize=address,undefined -Dbuildtype=debug
    meson test -C build-sanitize --print-errorlogs --no-suite flatpak --no-suite installed
    ;;
  *)
    echo "usage: $0 run [--fresh]|test|test-sanitize" >&2
    exit 2
    ;;
esac
