#!/usr/bin/env bash
# Runs a service's benchmark beside its Python reference and prints the numbers.
# Usage: scripts/bench.sh env|replay|learner|inference|all
# Benchmarks want a quiet machine: numbers are only comparable within one run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

usage() { echo "usage: scripts/bench.sh env|replay|learner|inference|all" >&2; exit 2; }
[[ $# -eq 1 ]] || usage

"$root/scripts/setup.sh" >/dev/null
echo "bench: building (tests skipped)"
mvn -B -ntp -q install -DskipTests

run_main() { # module main-class [extra mvn args...]
  local module=$1 main=$2
  shift 2
  mvn -B -o -q -pl "$module" test-compile exec:java -Dexec.classpathScope=test \
    -Dexec.mainClass="$main" "$@"
}

# PyTorch and ONNX Runtime for the reference side, in their own environment.
bench_python() {
  local env="$root/.cache/benchenv"
  if [[ ! -x "$env/bin/python" ]] || ! "$env/bin/python" -c "import torch" 2>/dev/null; then
    echo "bench: creating $env (torch, onnxruntime)" >&2
    python3 -m venv "$env"
    "$env/bin/python" -m pip install --quiet -r "$root/python/requirements-bench.txt" >&2
  fi
  echo "$env/bin/python"
}

bench_env() {
  run_main env-service dqn.env.bench.EnvThroughputBench -Dbench.seconds=15
}

bench_replay() {
  local frames=.cache/replay-bench/pong-frames.bin
  if [[ ! -f "$frames" ]]; then
    echo "bench: recording 200,000 Pong frames into $frames"
    mkdir -p "$(dirname "$frames")"
    .cache/pyenv/bin/python replay-service/bench/pong_frames.py --steps 200000 --out "$frames"
  fi
  run_main replay-service dqn.replay.bench.ReplayBenchmark
}

bench_learner() {
  PYTHON=$(bench_python) learner-service/bench/compare.sh 3 1,2
}

bench_inference() {
  run_main inference-service dqn.inference.bench.InferenceBenchmark
}

echo "bench: $(uptime)"
case $1 in
  env) bench_env ;;
  replay) bench_replay ;;
  learner) bench_learner ;;
  inference) bench_inference ;;
  all) bench_env; bench_replay; bench_learner; bench_inference ;;
  *) usage ;;
esac
echo "bench: $(uptime)"
