#!/usr/bin/env bash
# Lays out the root filesystem of the dqn base image in DEST: a jlink runtime of this machine's
# JDK in /opt/java, the Debian runtime libraries that it and the services' natives link against
# (fetched with apt-get download, unpacked with dpkg -x: nothing runs as root at build or start),
# and the unprivileged user dqn (1001) whose home /var/lib/dqn is the services' working directory.
# Extra Debian packages go in after DEST (the env-service's base adds libpython3.11).
# Run by scripts/images.sh on the host, and by images/base/Dockerfile in a Debian build stage.
# Usage: rootfs.sh DEST [PACKAGE...]
set -euo pipefail
dest=$1
shift
# Modules the four services use (Quarkus, Netty, Vert.x, Micrometer's JVM binders, DJL's JNA);
# the started-image test fails when one is missing.
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.sql,java.xml,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.unsupported,jdk.zipfs
packages=(libc6 libgcc-s1 libstdc++6 zlib1g "$@")
debs=${DQN_DEB_CACHE:-$(mktemp -d)}
mkdir -p "$debs" "$dest"

(cd "$debs" && apt-get download -qq "${packages[@]}" 2>/dev/null) || {
  # A fresh machine has no package lists yet.
  apt-get update -qq
  (cd "$debs" && apt-get download -qq "${packages[@]}")
}
for package in "${packages[@]}"; do
  # The newest file of each package: the cache keeps older versions a later update left behind.
  deb=$(ls -t "$debs/${package}_"*.deb | head -1)
  dpkg -x "$deb" "$dest"
done
rm -rf "$dest"/usr/share/{doc,man,info,lintian,locale,gcc,gdb} "$dest"/usr/lib/x86_64-linux-gnu/gconv

jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$dest/opt/java"

mkdir -p "$dest/etc" "$dest/tmp" "$dest/var/lib/dqn"
chmod 1777 "$dest/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\ndqn:x:1001:1001:dqn:/var/lib/dqn:/sbin/nologin\n' \
  > "$dest/etc/passwd"
printf 'root:x:0:\ndqn:x:1001:\n' > "$dest/etc/group"
chown 1001:1001 "$dest/var/lib/dqn"
# A loader cache, so that libraries opened by name (libpython3.11.so.1.0) are found.
echo 'include /etc/ld.so.conf.d/*.conf' > "$dest/etc/ld.so.conf"
ldconfig -r "$dest"
