#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a C file differs from what clang-format (.clang-format) makes
# of it. Fix with: clang-format -i FILE
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
while IFS= read -r -d '' file; do
  if ! clang-format --dry-run --Werror "$file" >/dev/null 2>&1; then
    echo "not formatted: $file (run: clang-format -i $file)"
    status=1
  fi
done < <(git ls-files -z -- '*.c' '*.h' 2>/dev/null || find src tests tools -name '*.[ch]' -print0)
exit $status
