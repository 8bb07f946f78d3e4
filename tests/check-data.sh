#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# What a distribution or Flathub reviewer checks before shipping Lanyard:
# the desktop file, the AppStream metadata, the settings schema, every XML
# file we ship or compile in, and the list of files `meson install` puts on
# disk (so that nothing goes missing or lands somewhere unexpected).
#
# usage: check-data.sh SOURCE_DIR BUILD_DIR PREFIX LIBDIR APPLICATION_ID PROFILE NAME_SUFFIX SYSTEMD_USER_UNIT
set -euo pipefail

source_dir=$1
build_dir=$2
prefix=$3
libdir=$4
app_id=$5
profile=$6
name_suffix=${7:-}
systemd_user_unit=${8:-true}

# shellcheck source=tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

check "desktop file is valid" \
  desktop-file-validate "$build_dir/data/$app_id.desktop"
check "daemon autostart entry is valid" \
  desktop-file-validate "$build_dir/data/$app_id.Daemon.desktop"

# appstreamcli exits 0 on warnings; a warning (W:) or error (E:) would get
# the application rejected by Flathub, so either fails here. Pedantic and
# info hints are allowed.
appstream_strict() {
  local out
  out=$(appstreamcli validate --no-net --no-color "$1" 2>&1) || { echo "$out"; return 1; }
  if grep -E '^(W|E):' <<<"$out"; then return 1; fi
}
check "AppStream metadata is valid" appstream_strict "$build_dir/data/$app_id.metainfo.xml"

# The newest release in the metadata (the first) is the version meson builds.
release_matches() {
  local version newest
  version=$(meson introspect "$build_dir" --projectinfo |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
  newest=$(grep -m1 -o '<release version="[^"]*"' "$build_dir/data/$app_id.metainfo.xml")
  [ "$newest" = "<release version=\"$version\"" ] || {
    echo "meson builds version $version; the metainfo's newest release is: $newest"
    return 1
  }
}
check "AppStream newest release is the project version" release_matches

check "settings schema compiles strictly" \
  glib-compile-schemas --strict --dry-run "$build_dir/data"

xml_files=()
while IFS= read -r -d '' f; do xml_files+=("$f"); done < <(
  find "$source_dir/data" "$source_dir/src" \( -name '*.xml' -o -name '*.ui' -o -name '*.svg' -o -name '*.xml.in' \) -print0)
check "every shipped XML, .ui and SVG file is well-formed (${#xml_files[@]} files)" \
  xmllint --noout --nonet "${xml_files[@]}"

# Every icon the desktop file names is installed under that name.
icon_installed() {
  local icon
  icon=$(sed -n 's/^Icon=//p' "$build_dir/data/$app_id.desktop")
  [ "$icon" = "$app_id" ] || { echo "Icon=$icon, expected $app_id"; return 1; }
}
check "desktop file names the application's icon" icon_installed

# The installed tree against tests/installed-files.txt, whose placeholders
# stand for this build's libdir, application ID and program-name suffix.
expected_files() {
  grep -v '^#' "$source_dir/tests/installed-files.txt" |
    awk -v systemd="$systemd_user_unit" -v profile="$profile" '
      /\[systemd_user_unit\]/ { if (systemd != "true") next; sub(/ *\[systemd_user_unit\]/, "") }
      /\[default_profile\]/ { if (profile != "default") next; sub(/ *\[default_profile\]/, "") }
      { print }' |
    sed -e "s|LIBDIR|$libdir|g" -e "s|APP_ID|$app_id|g" -e "s|SUFFIX|$name_suffix|g" | LC_ALL=C sort
}
install_list() {
  meson install -C "$build_dir" --no-rebuild --quiet --destdir "$workdir/root" >"$workdir/install.log" 2>&1 || {
    cat "$workdir/install.log"
    return 1
  }
  (cd "$workdir/root$prefix" && find . -type f -o -type l) | sed 's|^\./||' | LC_ALL=C sort >"$workdir/installed.txt"
  expected_files >"$workdir/expected.txt"
  diff -u "$workdir/expected.txt" "$workdir/installed.txt"
}
check "meson install puts exactly the expected files in place" install_list

# The other profile, configured (not built) from the same sources with the
# same prefix: meson's introspection says where it would install. Not one
# file may be shared, or installing one build would break the other.
profiles_apart() {
  local this=$profile other
  if [ "$this" = development ]; then other=default; else other=development; fi
  meson setup "$workdir/other" "$source_dir" --prefix "$prefix" --libdir "$libdir" -Dprofile="$other" \
    -Dsystemd_user_unit="$systemd_user_unit" \
    >"$workdir/setup.log" 2>&1 || { cat "$workdir/setup.log"; return 1; }
  installed_paths() {
    python3 -c 'import json,sys; print("\n".join(sorted(json.load(open(sys.argv[1])).values())))' "$1/meson-info/intro-installed.json"
  }
  # liblanyard-1 is installed by the default profile only (its files are
  # the same in both): left out of the comparison.
  installed_paths "$build_dir" | grep -v -e '/liblanyard-1' -e '/Lanyard-1\.' >"$workdir/this-profile.txt"
  installed_paths "$workdir/other" | grep -v -e '/liblanyard-1' -e '/Lanyard-1\.' >"$workdir/other-profile.txt"
  [ "$(wc -l <"$workdir/other-profile.txt")" -eq "$(wc -l <"$workdir/this-profile.txt")" ] || {
    echo "the $other profile installs a different number of files:"
    diff "$workdir/this-profile.txt" "$workdir/other-profile.txt"
    return 1
  }
  if LC_ALL=C comm -12 "$workdir/this-profile.txt" "$workdir/other-profile.txt" | grep .; then
    echo "^ installed by both the $this and the $other profile"
    return 1
  fi
}
check "the default and development profiles install no file in common" profiles_apart

# Installed service files point at installed programs.
services_point_at_binaries() {
  local f exec_line program
  shopt -s nullglob
  for f in "$workdir/root$prefix"/share/dbus-1/services/*.service "$workdir/root$prefix"/lib/systemd/user/*.service \
    "$workdir/root$prefix"/etc/xdg/autostart/*.desktop; do
    exec_line=$(sed -n 's/^Exec\(Start\)\?=//p' "$f" | head -n1)
    program=${exec_line%% *}
    [ -x "$workdir/root$program" ] || { echo "$f runs $program, which is not installed"; return 1; }
  done
}
check "installed service files run installed programs" services_point_at_binaries

tap_finish
