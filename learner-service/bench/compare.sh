#!/usr/bin/env bash
# One DQN update at batch 32, DJL (this module) beside PyTorch in Python, alternating so that both
# see the same machine load. Usage: learner-service/bench/compare.sh [rounds] [threads] [precision]
# precision: float32 (default) or bfloat16 (DJL's mixed precision beside PyTorch's CPU autocast).
# The learner runs with its glibc malloc settings (k8s/learner-malloc.env), as ./dqn train and the k8s
# manifests start it; PyTorch runs as installed and again with the same settings.
#   PYTHON   interpreter with torch (default: .cache/torchref/bin/python, made with
#            python3 -m venv .cache/torchref && .cache/torchref/bin/pip install torch)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
threads=${2:-1,2}
precision=${3:-float32}
python=${PYTHON:-.cache/torchref/bin/python}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
mvn -B -ntp -q -pl learner-service test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/learner-service/target/bench-classpath.txt" -Dmdep.includeScope=test
cp="learner-service/target/test-classes:learner-service/target/classes:$(cat learner-service/target/bench-classpath.txt)"
echo "# OMP_WAIT_POLICY=$OMP_WAIT_POLICY, precision $precision, $(uptime)"
malloc_env=$(grep -E '^[A-Z_]+=' k8s/learner-malloc.env | tr '\n' ' ')
for round in $(seq "$rounds"); do
  echo "## round $round: PyTorch (Python), as installed"
  "$python" learner-service/bench/dqn_update_bench.py --threads "$threads" --iters 40 --warmup 20 \
    --precision "$precision" | grep -v act_fwd
  echo "## round $round: PyTorch (Python), with $malloc_env"
  env $malloc_env "$python" learner-service/bench/dqn_update_bench.py --threads "$threads" --iters 40 --warmup 20 \
    --precision "$precision" | grep -v act_fwd
  echo "## round $round: DJL (Java), with $malloc_env"
  env $malloc_env java -Dai.djl.offline=true -cp "$cp" dqn.learner.bench.UpdateBenchmark --threads "$threads" \
    --iters 40 --warmup 60 --precision "$precision" ${JAVA_BENCH_ARGS:-} 2>&1 | grep -vE "INFO|WARN|DjlRuntime start"
done
echo "# $(uptime)"
