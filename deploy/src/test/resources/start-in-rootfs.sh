#!/bin/sh
# Starts an image's entrypoint in its unpacked root filesystem the way a container runtime with
# readOnlyRootFilesystem would: in its own mount and PID namespaces (unshare --mount --pid --fork
# runs this), the root read-only, fresh /proc, /dev, a tmpfs /tmp and one per declared volume,
# then chroot, working directory and the image's user (not root) by util-linux's unshare.
# Network stays the host's, so the test reaches the service on loopback.
# Usage: start-in-rootfs.sh ROOTFS UID GID WORKDIR "VOLUME..." ENTRYPOINT [ARG...]
set -eu
root=$1 uid=$2 gid=$3 workdir=$4 volumes=$5
shift 5
# Mount points a runtime makes; the image has none.
mkdir -p "$root/proc" "$root/dev"
mount --bind "$root" "$root"
mount -o remount,bind,ro "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
for volume in $volumes; do
  mount -t tmpfs -o "uid=$uid,gid=$gid,mode=0755" tmpfs "$root$volume"
done
exec unshare --root="$root" --wd="$workdir" --setgid="$gid" --setuid="$uid" -- "$@"
