#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Translations: po/POTFILES.in lists exactly the files with translatable
# strings, and every language in po/LINGUAS is complete for the strings the
# sources have now (not only for an old template): no fuzzy, no untranslated,
# format strings that match.
#
# usage: check-po.sh SOURCE_DIR
set -euo pipefail

source_dir=$1
cd "$source_dir"

tap_count=0
failed=0
report() {
  tap_count=$((tap_count + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $tap_count - $2"
  else
    failed=1
    echo "not ok $tap_count - $2"
    sed 's/^/# /' "$3"
  fi
}

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

listed() {
  grep -v -e '^#' -e '^\s*$' po/POTFILES.in | LC_ALL=C sort
}

# Files that have strings for translators: C with _(), N_(), C_(), NC_() or
# ngettext; GtkBuilder files with translatable="yes"; and the desktop file,
# AppStream metadata and settings schema, which always do.
translatable() {
  {
    grep -rlE '(^|[^A-Za-z0-9_])(N?C?_|g?d?ngettext) \("' --include='*.c' src
    grep -rl 'translatable="yes"' --include='*.ui' src
    ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml.in
  } | LC_ALL=C sort -u
}

listed >"$workdir/listed"
translatable >"$workdir/translatable"
LC_ALL=C comm -13 "$workdir/listed" "$workdir/translatable" >"$workdir/missing"
[ -s "$workdir/missing" ] && sed -i '1i files with translatable strings missing from po/POTFILES.in:' "$workdir/missing"
report "$([ -s "$workdir/missing" ] && echo 1 || echo 0)" "every file with translatable strings is in POTFILES.in" "$workdir/missing"

LC_ALL=C comm -23 "$workdir/listed" "$workdir/translatable" >"$workdir/extra"
[ -s "$workdir/extra" ] && sed -i '1i listed in po/POTFILES.in without translatable strings (or missing):' "$workdir/extra"
report "$([ -s "$workdir/extra" ] && echo 1 || echo 0)" "every file in POTFILES.in has translatable strings" "$workdir/extra"

# The template the sources make today, with meson's "glib" preset keywords.
xgettext_status=0
xgettext --from-code=UTF-8 --add-comments --package-name=lanyard \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --files-from=<(listed) --output="$workdir/lanyard.pot" 2>"$workdir/xgettext.log" || xgettext_status=1
report $xgettext_status "xgettext reads every listed file" "$workdir/xgettext.log"
template_count=$(grep -c '^msgid ' "$workdir/lanyard.pot")
template_count=$((template_count - 1)) # the header

while read -r lang; do
  [ -n "$lang" ] || continue
  po="po/$lang.po"
  log="$workdir/$lang.log"
  # Complete against today's template: merged without fuzzy matching, a
  # string the translation lacks stays untranslated and is counted.
  if msgmerge --quiet --no-fuzzy-matching "$po" "$workdir/lanyard.pot" -o "$workdir/$lang.po" 2>"$log" &&
    msgfmt --check --statistics -o /dev/null "$workdir/$lang.po" 2>>"$log"; then
    stats=$(tail -n1 "$log")
    if [ "$stats" = "$template_count translated messages." ]; then
      report 0 "$lang: $stats" "$log"
    else
      echo "expected all $template_count messages translated, none fuzzy" >>"$log"
      report 1 "$lang is complete" "$log"
    fi
  else
    report 1 "$lang is valid" "$log"
  fi
  # The file in git is what msgfmt builds: it must check too.
  status=0
  msgfmt --check -o /dev/null "$po" 2>"$log" || status=1
  report $status "$lang: po/$lang.po passes msgfmt --check" "$log"
done <po/LINGUAS

echo "1..$tap_count"
exit $failed
