#!/usr/bin/env bash
# The main job: train a DQN agent on an Atari game.
#
# Today this builds the four services, starts them on loopback, and checks that each one serves;
# the closed training loop (actors, replay, learner, inference driven by one command) is wired in
# by a later issue, and until then this script says so instead of pretending to train.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
cd "$root"

echo "train: building the services (tests skipped; ./scripts/test.sh runs them)"
mvn -B -ntp -q install -DskipTests

run_dir="$root/runs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run_dir"
pids=()
stop_all() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop_all EXIT

declare -A ports=([env-service]=50051 [replay-service]=50052 [learner-service]=50053 [inference-service]=50054)
for svc in env-service replay-service learner-service inference-service; do
  (
    # The learner's glibc malloc settings (why: in the file).
    [[ $svc == learner-service ]] && { set -a; source k8s/learner-malloc.env; set +a; }
    exec java -jar "$svc/target/quarkus-app/quarkus-run.jar"
  ) >"$run_dir/$svc.log" 2>&1 &
  pids+=($!)
done

for svc in env-service replay-service learner-service inference-service; do
  port=${ports[$svc]}
  for _ in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; then
      echo "train: $svc serving on 127.0.0.1:$port (log: $run_dir/$svc.log)"
      continue 2
    fi
    sleep 0.5
  done
  echo "train: $svc did not become ready; its log follows" >&2
  cat "$run_dir/$svc.log" >&2
  exit 1
done

cat <<MSG
train: all four services are up. The closed training loop (actor loops in the env-service playing
       through the inference-service, feeding the replay-service, with the learner-service
       publishing snapshots) is not wired yet: it lands with the training-loop issue, after the
       four services' own issues. Stopping the services.
MSG
if [[ "${DQN_KEEP_RUNNING:-0}" == 1 ]]; then
  echo "train: DQN_KEEP_RUNNING=1: services keep running until Ctrl-C"
  wait
fi
