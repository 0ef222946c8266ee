#!/usr/bin/env bash
# Makes a machine ready to build and train (what ./dqn needs): checks the JDK, Maven and g++,
# installs the missing system packages (as root, with apt-get) and fetches ALE. The tests' own
# tools come from scripts/setup.sh. Silent when everything is there; one line for each thing it
# installs; the installer's output only when it fails. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

fail() { echo "setup: $*" >&2; exit 1; }

command -v java >/dev/null || fail "java not found: install a JDK 17 or newer"
command -v mvn >/dev/null || fail "mvn not found: install Apache Maven 3.8 or newer"
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
(( ${java_major%%.*} >= 17 )) || fail "java $java_major found: dqn needs Java 17 or newer"

missing=()
command -v g++ >/dev/null || missing+=(g++)
# ALE's native library refers to the Python C API, which the loader must resolve (never run).
ldconfig -p | grep -q 'libpython3\.11\.so\.1\.0' || missing+=(libpython3.11)
command -v python3 >/dev/null || missing+=(python3 python3-pip)
"$root/scripts/apt-install.sh" "${missing[@]}"

"$root/scripts/fetch-ale.sh"
