#!/usr/bin/env bash
# Runs `PYTHON -m pip ARGS...` without retries or long waits, keeping its output (including the
# warnings some machines' pip configuration prints about index folders that do not exist) and
# showing it only when pip fails.
# Usage: scripts/pip-quiet.sh PYTHON pip-arguments...
set -euo pipefail
python=$1
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "$python" -m pip --disable-pip-version-check "$@" --retries 0 --timeout 5 >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup: pip $1 failed" >&2
  exit 1
fi
