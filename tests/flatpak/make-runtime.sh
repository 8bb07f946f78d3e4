#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A Flatpak runtime (or SDK) made of the host's own Debian packages: the
# files of the named packages and of everything they depend on, as dpkg
# lists them, put under usr/ (merged /usr; /etc goes to usr/etc, which
# Flatpak shows as /etc), with the caches that Debian's triggers would
# have made, exported to an OSTree repository with
# `flatpak build-export --runtime`. Small and quick next to the GNOME
# runtime, and enough to build and run Lanyard.
#
# usage: make-runtime.sh REPO WORKDIR ID PLATFORM_ID SDK_ID BRANCH PACKAGE...
set -euo pipefail

repo=$1 workdir=$2 id=$3 platform_id=$4 sdk_id=$5 branch=$6
shift 6
arch=$(flatpak --default-arch)
dir=$workdir/$id
rm -rf "$dir"
mkdir -p "$dir/usr/etc" "$dir/files"

# Every installed package the named ones need, recommendations left out.
# apt-cache does not recurse into the packages that provide a virtual one
# (libsoup-3.0-dev needs libsysprof-capture-4-dev, which libsysprof-4-dev
# provides), so those are added and the closure computed again until it
# grows no more.
deps_opts=(--no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances)
installed() {
  xargs dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null | awk '$1 == "ii" { print $2 }'
}
closure() {
  {
    apt-cache depends --recurse --installed "${deps_opts[@]}" "$@" | grep -v '^[ <]'
    # The providers of the virtual packages among the dependencies.
    apt-cache depends "${deps_opts[@]}" "$@" | sed -n 's/^    \([^ <][^ ]*\)$/\1/p' | installed
  } | LC_ALL=C sort -u
}
wanted=("$@")
while :; do
  mapfile -t found < <(closure "${wanted[@]}")
  [ "${#found[@]}" -gt "${#wanted[@]}" ] || break
  wanted=("${found[@]}")
done
mapfile -t packages < <(printf '%s\n' "${wanted[@]}" | installed | LC_ALL=C sort -u)

# Their files (merged /usr: /lib is /usr/lib and so on), documentation
# and other programs' translations left out, copied from / into usr/
# (/etc into usr/etc), symlinks kept as they are.
for p in "${packages[@]}"; do dpkg -L "$p"; done | LC_ALL=C sort -u |
  grep -E '^/(usr|bin|sbin|lib|lib64|etc)/' |
  grep -Ev '^/usr/share/(doc|man|info|lintian|bug|locale)/' |
  while IFS= read -r f; do
    if [ -L "$f" ] || [ -f "$f" ]; then echo "${f#/}"; fi
  done >"$workdir/$id.files"
tar -C / -c --no-recursion -T "$workdir/$id.files" -f - |
  tar -x -C "$dir" --transform 's,^\(etc\|bin\|sbin\|lib\|lib64\)/,usr/&,' -f -

# The caches Debian's triggers make, made for what is here.
lib=$dir/usr/lib/x86_64-linux-gnu
[ -d "$dir/usr/share/glib-2.0/schemas" ] && glib-compile-schemas "$dir/usr/share/glib-2.0/schemas"
[ -d "$lib/gio/modules" ] && gio-querymodules "$lib/gio/modules"
if [ -d "$lib/gdk-pixbuf-2.0/2.10.0/loaders" ]; then
  "$lib/gdk-pixbuf-2.0/gdk-pixbuf-query-loaders" "$lib"/gdk-pixbuf-2.0/2.10.0/loaders/*.so |
    sed "s|$dir/usr/|/usr/|" >"$lib/gdk-pixbuf-2.0/2.10.0/loaders.cache"
fi
[ -d "$dir/usr/share/mime/packages" ] && update-mime-database "$dir/usr/share/mime"
for theme in "$dir"/usr/share/icons/*/; do
  [ -f "$theme/index.theme" ] && gtk-update-icon-cache -q -f "$theme"
done

cat >"$dir/metadata" <<META
[Runtime]
name=$id
runtime=$platform_id/$arch/$branch
sdk=$sdk_id/$arch/$branch
META

flatpak build-export --no-update-summary --disable-sandbox --runtime "$repo" "$dir" "$branch"
echo "$id: ${#packages[@]} packages, $(wc -l <"$workdir/$id.files") files, $(du -sh "$dir" | cut -f1)"
rm -rf "$dir"
