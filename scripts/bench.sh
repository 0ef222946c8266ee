#!/usr/bin/env bash
# Runs a service's benchmark beside its Python reference and prints the numbers.
# Usage: scripts/bench.sh env|replay|learner|inference|loop|soak|all
# Benchmarks want a quiet machine: numbers are only comparable within one run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

usage() { echo "usage: scripts/bench.sh env|replay|learner|inference|loop|soak|all" >&2; exit 2; }
[[ $# -eq 1 ]] || usage

"$root/scripts/setup.sh" >/dev/null
echo "bench: building (tests skipped)"
mvn -B -ntp -q install -DskipTests

run_main() { # module main-class [extra mvn args...]
  local module=$1 main=$2
  shift 2
  mvn -B -ntp -q -pl "$module" test-compile exec:java -Dexec.classpathScope=test \
    -Dexec.mainClass="$main" "$@"
}

# PyTorch and ONNX Runtime for the reference side, in their own environment.
bench_python() {
  local env="$root/.cache/benchenv"
  if [[ ! -x "$env/bin/python" ]] || ! "$env/bin/python" -c "import torch" 2>/dev/null; then
    echo "bench: creating $env (torch, onnxruntime)" >&2
    python3 -m venv "$env"
    "$env/bin/python" -m pip install --quiet --retries 0 --timeout 5 -r "$root/python/requirements-bench.txt" >&2
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

# One update, DJL beside PyTorch: float32 at 1 and 2 threads, then bfloat16 (mixed precision on both
# sides) at 1 thread.
bench_learner() {
  local python
  python=$(bench_python)
  PYTHON=$python learner-service/bench/compare.sh 3 1,2 float32
  PYTHON=$python learner-service/bench/compare.sh 3 1 bfloat16
}

# Training throughput with learning on: ./dqn train pong through the four real services at the DQN
# ratio (one update of batch 32 per 4 env steps), beside the learner-bound limit (4 / one update's
# time, measured here in the same minute) and the project's single-process reference loop
# (learner-service/bench/dqn_loop_reference.py; DQN_LOOP_REFERENCE names another) at the learner's
# one torch thread, as installed and with the learner's malloc settings. The update benchmark and
# the reference loop compute in the precision the learner's log says its updates used (float32, or
# bfloat16 where the default auto picks it). LOOP_SECONDS sets each learning phase (default 90).
bench_loop() {
  local seconds=${LOOP_SECONDS:-90} python reference runs malloc_env net precision
  python=$(bench_python)
  reference=${DQN_LOOP_REFERENCE:-$root/learner-service/bench/dqn_loop_reference.py}
  [[ -f "$reference" ]] || { echo "bench: no reference loop at $reference (set DQN_LOOP_REFERENCE)" >&2; exit 1; }
  malloc_env=$(grep -E '^[A-Z_]+=' k8s/learner-malloc.env | tr '\n' ' ')
  runs=$(mktemp -d)
  mvn -B -ntp -q -pl learner-service test-compile dependency:build-classpath \
    -Dmdep.outputFile="$root/learner-service/target/bench-classpath.txt" -Dmdep.includeScope=test
  local cp="learner-service/target/test-classes:learner-service/target/classes:$(cat learner-service/target/bench-classpath.txt)"
  for net in nips nature; do
    echo "bench: loop, $net network: ./dqn train pong for ${seconds} s of learning ($(uptime))"
    # The reference's settings: no dueling, no Double DQN, 1-step returns, 10k learning starts,
    # a target sync every 1,000 env steps (250 updates), epsilon 0.01.
    java -Ddqn.home="$root" -jar cli/target/dqn-cli.jar train pong --run "loop-$net" --runs-dir "$runs" \
      --no-dashboard --no-eval --progress-seconds 5 \
      --set network.architecture="$net" --set network.dueling=false --set algorithm.double-dqn=false \
      --set algorithm.n-step=1 --set algorithm.batch-size=32 --set algorithm.update-period-steps=4 \
      --set algorithm.learning-starts-steps=10000 --set algorithm.target-sync-period-updates=250 \
      --set replay.capacity=100000 --set exploration.epsilon-start=0.01 --set exploration.epsilon-end=0.01 \
      > "$runs/loop-$net.log" 2>&1 &
    local train=$!
    # Learning starts once the replay holds 10k steps; then the measured phase.
    until [[ -f "$runs/loop-$net/metrics.csv" ]] && awk -F, 'NR > 1 && $3 > 0 { found = 1 } END { exit !found }' \
        "$runs/loop-$net/metrics.csv"; do
      kill -0 "$train" 2>/dev/null || { tail -20 "$runs/loop-$net.log"; exit 1; }
      sleep 2
    done
    sleep "$((seconds + 10))"
    kill -TERM "$train"
    wait "$train" || true
    python3 - "$runs/loop-$net/metrics.csv" "$seconds" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if int(r["updates"]) > 0]
rows = rows[2:]  # the first 10 s of learning: services warming up
first, last = rows[0], rows[-1]
frames = int(last["frames"]) - int(first["frames"])
wall = float(last["wall_seconds"]) - float(first["wall_seconds"])
updates = int(last["updates"]) - int(first["updates"])
print(f"loop: learning phase {wall:.0f} s: {frames / 4 / wall:.1f} env steps/s, {updates / wall:.1f} updates/s"
      f" ({4 * updates / (frames / 4 if frames else 1):.2f} per 4 steps)")
PY
    # The learner logs "updates compute in bfloat16 (dqn.learner.compute.precision=auto)" as it starts.
    precision=$(grep -ohE 'updates compute in (float32|bfloat16)' "$runs/loop-$net/logs/learner-service.log" \
      | tail -1 | awk '{ print $NF }') || true
    [[ -n "$precision" ]] || { echo "bench: no precision in $runs/loop-$net/logs/learner-service.log" >&2; exit 1; }
    echo "bench: the learner's updates computed in $precision"
    echo "bench: one update, batch 32, 1 thread, $precision, gradient clip 10 (the learner's), with $malloc_env"
    env $malloc_env java -Dai.djl.offline=true -cp "$cp" dqn.learner.bench.UpdateBenchmark --threads 1 --nets "$net" \
      --iters 60 --warmup 30 --max-grad-norm 10 --precision "$precision" 2>&1 | grep -vE "INFO|WARN"
    echo "bench: reference loop, $net, 1 thread, $precision, as installed"
    OMP_WAIT_POLICY=PASSIVE "$python" "$reference" --net "$net" --threads 1 --precision "$precision" \
      --seconds "$seconds"
    echo "bench: reference loop, $net, 1 thread, $precision, with $malloc_env"
    env $malloc_env OMP_WAIT_POLICY=PASSIVE "$python" "$reference" --net "$net" --threads 1 --precision "$precision" \
      --seconds "$seconds"
  done
  rm -rf "$runs"
}

bench_inference() {
  run_main inference-service dqn.inference.bench.InferenceBenchmark
}

# 16 clients x 10 minutes on the inference-service: p50/p99 and resident size per minute.
bench_soak() {
  run_main inference-service dqn.inference.bench.SoakBenchmark
}

echo "bench: $(uptime)"
case $1 in
  env) bench_env ;;
  replay) bench_replay ;;
  learner) bench_learner ;;
  inference) bench_inference ;;
  loop) bench_loop ;;
  soak) bench_soak ;;
  all) bench_env; bench_replay; bench_learner; bench_inference; bench_loop ;;
  *) usage ;;
esac
echo "bench: $(uptime)"
