#!/usr/bin/env bash
# Fetches the Arcade Learning Environment (the official ale-py wheel, which carries ALE's C++
# library and 104 ROMs) and unpacks it where the env-service looks by default: .cache/ale/.
# Idempotent: a second run only checks a marker file.
set -euo pipefail

ALE_VERSION=0.12.1
root=$(cd "$(dirname "$0")/.." && pwd)
dest="${DQN_ALE_HOME:-$root/.cache/ale}"
marker="$dest/.ale-py-$ALE_VERSION"

if [[ -f "$marker" ]]; then
  echo "ALE $ALE_VERSION: ready in $dest"
  exit 0
fi

echo "ALE $ALE_VERSION: fetching the ale-py wheel with pip"
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
# The wheel is built for CPython 3.11 on manylinux x86-64; only its native library and ROMs are
# used, so the wheel is fetched for that platform whatever python3 runs pip.
python3 -m pip download --quiet --retries 0 --timeout 5 --no-deps --only-binary=:all: \
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
touch "$marker"
echo "ALE $ALE_VERSION: library $library"
echo "ALE $ALE_VERSION: $roms ROMs in $dest/ale_py/roms"
