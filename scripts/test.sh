#!/usr/bin/env bash
# Sets up a machine and runs every test of every module (unit tests, then integration tests
# against the packaged services over real sockets).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
cd "$root"
exec mvn -B -ntp verify "$@"
