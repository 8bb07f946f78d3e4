#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# liblanyard-1's boundary, as built: it exports its public functions and
# nothing else (the proxies it generates stay its own), its GIR names only
# the public API, its soname is versioned, and its headers are used
# through lanyard.h alone.
#
# usage: check-liblanyard.sh SOURCE_DIR BUILD_DIR
set -euo pipefail

source_dir=$1
build_dir=$2
lib_dir=$build_dir/src/liblanyard

# shellcheck source=tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

workdir=$(mktemp -d /tmp/lanyard-liblanyard-XXXXXX)
trap 'rm -rf "$workdir"' EXIT

only_public_symbols() {
  nm -D --defined-only "$lib_dir/liblanyard-1.so.0" | awk '{ print $3 }' >"$workdir/symbols"
  [ -s "$workdir/symbols" ] || { echo "no exported symbols"; return 1; }
  if grep -v -E '^lanyard_(client|client_error|linked_account)_[a-z0-9_]+$' "$workdir/symbols"; then
    echo "^ exported, but not public API"
    return 1
  fi
  grep -qx lanyard_client_get_default_async "$workdir/symbols"
}
check "the library exports its public functions only" only_public_symbols

versioned_soname() {
  objdump -p "$lib_dir/liblanyard-1.so.0" | grep -E '^ +SONAME +liblanyard-1\.so\.0$'
}
check "its soname is liblanyard-1.so.0" versioned_soname

gir_is_public_api() {
  local gir=$lib_dir/Lanyard-1.gir
  [ -s "$gir" ] || { echo "no $gir"; return 1; }
  if grep -n -e 'LibDBus' -e 'lib_dbus' -e '"_lanyard' "$gir"; then
    echo "^ private names in the GIR"
    return 1
  fi
  grep -q '<class name="Client"' "$gir" && grep -q '<class name="LinkedAccount"' "$gir" &&
    grep -q 'glib:error-domain="lanyard-client-error-quark"' "$gir"
}
check "the GIR names the public API only" gir_is_public_api

only_lanyard_h() {
  local cflags
  cflags=$(pkg-config --cflags gio-2.0)
  printf '%s\n' '#include <lanyard.h>' \
    '#if !LANYARD_CHECK_VERSION (0, 1, 0) || LANYARD_CHECK_VERSION (LANYARD_MAJOR_VERSION + 1, 0, 0)' \
    '#error "LANYARD_CHECK_VERSION is wrong"' '#endif' \
    'int main (void) { return LANYARD_TYPE_CLIENT == 0; }' >"$workdir/whole.c"
  # shellcheck disable=SC2086 # pkg-config's words are separate arguments
  cc -c -Werror -o "$workdir/whole.o" -I"$source_dir/src/liblanyard" -I"$lib_dir" $cflags "$workdir/whole.c" || return 1
  echo '#include <lanyard-client.h>' >"$workdir/part.c"
  # shellcheck disable=SC2086
  if cc -c -o "$workdir/part.o" -I"$source_dir/src/liblanyard" -I"$lib_dir" $cflags "$workdir/part.c" 2>"$workdir/part.log"; then
    echo "lanyard-client.h could be included on its own"
    return 1
  fi
  grep -q 'Only <lanyard.h> can be included directly' "$workdir/part.log"
}
check "apps include lanyard.h, and only it" only_lanyard_h

# Every error name the daemon sends has its code in the library (a name
# added there and forgotten here would reach apps as a bare FAILED).
every_daemon_error_mapped() {
  local name missing=0
  grep -o '"io\.github\.lanyard\.Error\.[A-Za-z]*"' "$source_dir/src/daemon/lanyard-dbus-errors.c" |
    sort -u >"$workdir/daemon-errors"
  [ -s "$workdir/daemon-errors" ] || { echo "no error names found in lanyard-dbus-errors.c"; return 1; }
  while read -r name; do
    grep -qF "$name" "$source_dir/src/liblanyard/lanyard-client-error.c" || { echo "not mapped: $name"; missing=1; }
  done <"$workdir/daemon-errors"
  return $missing
}
check "every error name the daemon sends is mapped to LANYARD_CLIENT_ERROR" every_daemon_error_mapped

tap_finish
