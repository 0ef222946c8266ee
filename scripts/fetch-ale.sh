#!/usr/bin/env bash
# Fetches the Arcade Learning Environment (the official ale-py wheel, which carries ALE's C++
# library and 104 ROMs) and unpacks it where the env-service looks by default: .cache/ale/.
# Idempotent and silent once done: a second run only checks a marker file. One line when it
# fetches; pip's output only when pip fails.
set -euo pipefail

ALE_VERSION=0.12.1
root=$(cd "$(dirname "$0")/.." && pwd)
dest="${DQN_ALE_HOME:-$root/.cache/ale}"
marker="$dest/.ale-py-$ALE_VERSION"

[[ -f "$marker" ]] && exit 0

command -v python3 >/dev/null || { echo "setup: python3 not found: install Python 3 with pip" >&2; exit 1; }
echo "setup: fetching ALE $ALE_VERSION (the ale-py wheel, with pip) into $dest" >&2
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
# The wheel is built for CPython 3.11 on manylinux x86-64; only its native library and ROMs are
# used, so the wheel is fetched for that platform whatever python3 runs pip.
"$root/scripts/pip-quiet.sh" python3 download --no-deps --only-binary=:all: \
  --python-version 3.11 --implementation cp --abi cp311 \
  --platform manylinux_2_28_x86_64 \
  -d "$download" "ale-py==$ALE_VERSION"
wheel=$(ls "$download"/ale_py-"$ALE_VERSION"-*.whl)

rm -rf "$dest"
mkdir -p "$dest"
python3 -m zipfile -e "$wheel" "$dest"
rm -rf "$dest"/ale_py-"$ALE_VERSION".dist-info

library=$(ls "$dest"/ale_py/_ale_py.cpython-311-*.so)
roms=$(ls "$dest"/ale_py/roms/*.bin | wc -l)
(( roms > 0 )) || { echo "setup: the ale-py wheel held no ROMs" >&2; exit 1; }
[[ -f $library ]] || { echo "setup: the ale-py wheel held no library" >&2; exit 1; }
touch "$marker"
