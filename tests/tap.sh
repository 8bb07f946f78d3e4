# SPDX-License-Identifier: GPL-3.0-or-later
# TAP output for the shell tests (check-data.sh, check-installed.sh,
# flatpak/run-flatpak-test.sh), sourced by each: `check NAME COMMAND…` runs
# the command, prints "ok" or "not ok" with its output as comments, and
# leaves its status in $last_status. Logs go to $TAP_TMPDIR (default
# $TMPDIR or /tmp). The script ends with `tap_finish`.

tap_count=0
failed=0
last_status=0

ok() {
  tap_count=$((tap_count + 1))
  echo "ok $tap_count - $1"
}

not_ok() {
  tap_count=$((tap_count + 1))
  failed=1
  echo "not ok $tap_count - $1"
  if [ -n "${2:-}" ]; then sed 's/^/# /' "$2"; fi
  return 0
}

check() {
  local name=$1 log
  shift
  log=$(mktemp "${TAP_TMPDIR:-${TMPDIR:-/tmp}}/check-XXXXXX")
  last_status=0
  "$@" >"$log" 2>&1 || last_status=$?
  if [ "$last_status" -eq 0 ]; then ok "$name"; else not_ok "$name" "$log"; fi
  rm -f "$log"
}

tap_finish() {
  echo "1..$tap_count"
  exit $failed
}
