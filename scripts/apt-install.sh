#!/usr/bin/env bash
# Installs the Debian packages named (none: nothing to do) with apt-get as root, in one line of
# output; apt's own output is kept and shown only when it fails.
set -euo pipefail
(( $# )) || exit 0
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "setup: missing $*: install with 'sudo apt-get install $*'" >&2
  exit 1
fi
echo "setup: installing $* (apt-get)" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq "$@"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup: apt-get could not install $*" >&2
  exit 1
fi
