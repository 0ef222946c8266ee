#!/usr/bin/env bash
# Builds the service images from the Maven output (run `mvn package` first), each from its
# module's Dockerfile. By default with buildah and no daemon: as root, in its own store under
# .cache/images, each image also written as an OCI archive target/images/<service>.oci.tar
# (`skopeo copy oci-archive:FILE docker://REGISTRY/...` or `buildah push` sends it on). With
# --docker, the same Dockerfiles go through `docker build`.
#
# The base images (dqn/base, and dqn/base-python for the env-service) are a jlink runtime plus
# Debian's runtime libraries, laid out by images/base/rootfs.sh: on the host here, or in
# images/base/Dockerfile's Debian stage with --docker. Each service's natives are staged in its
# target/image first: ALE and its ROMs (env), libtorch unpacked by DJL itself (learner), ONNX
# Runtime's library (learner, inference).
#
# --cuda builds the CUDA variants of the learner and the inference-service instead
# (Dockerfile.cuda, tag suffix -cuda). They start from NVIDIA's CUDA image and download libtorch,
# so they need a registry and the internet; the inference one needs `mvn -Pgpu package` first.
#
# Usage: scripts/images.sh [--docker] [--cuda] [SERVICE...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

builder=buildah
variant=cpu
services=()
for arg in "$@"; do
  case $arg in
    --docker) builder=docker ;;
    --cuda) variant=cuda ;;
    -*) echo "images: unknown option $arg" >&2; exit 2 ;;
    *) services+=("$arg") ;;
  esac
done
if (( ${#services[@]} == 0 )); then
  if [[ $variant == cuda ]]; then
    services=(learner-service inference-service)
  else
    services=(env-service replay-service learner-service inference-service)
  fi
fi

# The project version (the root pom's own), the tag of every image.
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)
tag=$version
[[ $variant == cuda ]] && tag=$version-cuda
out=$root/target/images
store=$root/.cache/images
mkdir -p "$out" "$store"

fail() { echo "images: $*" >&2; exit 1; }
log() { echo "images: $*"; }

buildah_() {
  buildah --root "$store/containers" --runroot "$store/run" --storage-driver overlay "$@"
}

# A base image, rebuilt only when rootfs.sh, its packages or the JDK change.
build_base() {
  local name=$1
  shift
  local key
  key=$( { cat images/base/rootfs.sh; echo "$*"; java -version 2>&1; } | sha256sum | cut -c1-16)
  if [[ $builder == docker ]]; then
    docker build -q -t "$name" --build-arg PACKAGES="$*" images/base >/dev/null
    return
  fi
  if [[ $(buildah_ inspect --type image --format '{{index .ImageAnnotations "dqn.base-key"}}' \
            "$name" 2>/dev/null || true) == "$key" ]]; then
    log "$name is up to date"
    return
  fi
  log "making $name"
  local rootfs=$store/rootfs-$key
  rm -rf "$rootfs"
  DQN_DEB_CACHE=$store/debs images/base/rootfs.sh "$rootfs" "$@" >/dev/null
  local container mount
  container=$(buildah_ from scratch)
  mount=$(buildah_ mount "$container")
  # cp -a keeps the ownership rootfs.sh set (/var/lib/dqn belongs to the user dqn).
  cp -a "$rootfs"/. "$mount"/
  buildah_ umount "$container" >/dev/null
  buildah_ config --user 1001:1001 --annotation dqn.base-key="$key" "$container"
  buildah_ commit -q --rm "$container" "$name" >/dev/null
  rm -rf "$rootfs"
}

stage_ale() {
  local dest=env-service/target/image/ale
  local home=${DQN_ALE_HOME:-$root/.cache/ale}
  [[ -d $home/ale_py/roms ]] || fail "no ALE in $home: run scripts/fetch-ale.sh"
  rm -rf "$dest"
  mkdir -p "$dest/ale_py"
  cp -rL "$home"/ale_py/_ale_py*.so "$home"/ale_py/libSDL2*.so* "$home"/ale_py/roms "$dest/ale_py/"
  cp -rL "$home/ale_py.libs" "$dest/"
}

# libtorch as DJL lays it out in its cache at a first start, made by DJL itself.
stage_libtorch() {
  local dest=learner-service/target/image/djl
  if [[ ! -d $dest/pytorch ]]; then
    log "unpacking libtorch with DJL into $dest"
    DJL_CACHE_DIR=$dest java -cp "learner-service/target/quarkus-app/lib/main/*" \
      images/learner/UnpackLibtorch.java >/dev/null 2>&1 || fail "DJL could not unpack libtorch"
  fi
  # DJL makes its folders private (0700) to the user who unpacked; the service's user reads them.
  chmod -R a+rX "$dest"
}

# ONNX Runtime's library and its JNI glue (and the CUDA provider in the -Pgpu build).
stage_onnxruntime() {
  local module=$1
  local dest=$module/target/image/onnxruntime
  local jar
  jar=$(ls "$module"/target/quarkus-app/lib/main/com.microsoft.onnxruntime.onnxruntime*.jar)
  # The learner checks snapshots on the CPU build in either variant.
  if [[ $variant == cuda && $module == inference-service && $jar != *onnxruntime_gpu* ]]; then
    fail "$module was built for the CPU: mvn -Pgpu -pl $module -am package -DskipTests"
  fi
  rm -rf "$dest"
  mkdir -p "$dest"
  unzip -q -j "$jar" 'ai/onnxruntime/native/linux-x64/*' -d "$dest"
}

start_s=$SECONDS
if [[ $variant == cpu ]]; then
  build_base dqn/base:"$version"
  [[ " ${services[*]} " == *" env-service "* ]] && build_base dqn/base-python:"$version" libpython3.11 libexpat1
else
  # The CUDA images take only the Java runtime from the base.
  build_base dqn/base:"$version"
fi

for service in "${services[@]}"; do
  [[ -f $service/target/quarkus-app/quarkus-run.jar ]] \
    || fail "$service is not packaged: mvn -pl $service -am package -DskipTests"
  case $service in
    env-service) stage_ale; stage_onnxruntime env-service ;;
    learner-service) stage_libtorch; stage_onnxruntime learner-service ;;
    inference-service) stage_onnxruntime inference-service ;;
    replay-service) ;;
    *) fail "unknown service $service" ;;
  esac
  dockerfile=$service/Dockerfile
  [[ $variant == cuda ]] && dockerfile=$service/Dockerfile.cuda
  [[ -f $dockerfile ]] || fail "$service has no $dockerfile"
  image=dqn/$service:$tag
  log "building $image from $dockerfile"
  if [[ $builder == docker ]]; then
    docker build -q -t "$image" -f "$dockerfile" "$service" >/dev/null
  else
    buildah_ bud -q --isolation chroot --layers=false -t "$image" -f "$dockerfile" "$service" >/dev/null
    rm -f "$out/$service.oci.tar"
    buildah_ push -q "$image" "oci-archive:$out/$service.oci.tar:$image"
    log "$image: $out/$service.oci.tar ($(du -m "$out/$service.oci.tar" | cut -f1) MB)"
  fi
done
# Earlier builds of the same tags leave untagged images behind.
[[ $builder == buildah ]] && buildah_ rmi --prune >/dev/null 2>&1 || true
log "built ${services[*]} in $((SECONDS - start_s)) s"
