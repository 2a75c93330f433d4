#!/usr/bin/env bash
# Makes a Java 17 base image from this machine's JDK, for building Courier's image where no registry is
# reachable (docs/deploy.md, "Without a registry"). Output: a docker-save tarball Jib takes as
#   -Dimage.base=tar://<output>
#
#   deploy/image/make-base-image.sh [OUTPUT]     default OUTPUT: courier-cli/target/base-image.tar
#
# The image holds a jlink-ed runtime in /opt/java (only the modules the gateway and its libraries use)
# and the shared libraries that runtime links against, copied from the host with their paths. No shell,
# no package manager. Needs: a JDK 17+ with jlink, ldd, python3. Linux x86-64 or arm64.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(realpath -m "${1:-$root/courier-cli/target/base-image.tar}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The modules `jdeps --print-module-deps --ignore-missing-deps` finds in courier.jar and courier-cli/target/lib,
# plus jdk.crypto.ec (TLS with EC keys to Kafka) and jdk.jcmd (thread dumps of a running gateway).
modules=java.base,java.desktop,java.logging,java.management,java.net.http,java.security.jgss,java.security.sasl,java.sql,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.jcmd

rootfs="$work/rootfs"
mkdir -p "$rootfs/opt" "$rootfs/tmp" "$rootfs/etc"
chmod 1777 "$rootfs/tmp"
# The image's user (65532, as in pom.xml) by name, and host lookups from /etc/hosts, then DNS.
printf 'root:x:0:0:root:/root:/sbin/nologin\ncourier:x:65532:65532:courier:/tmp:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\ncourier:x:65532:\n' > "$rootfs/etc/group"
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$rootfs/opt/java"
# java.desktop is there for java.beans only; its GUI and sound libraries would need X11 and ALSA.
rm -f "$rootfs"/opt/java/lib/lib{awt,awt_xawt,awt_headless,fontmanager,javajpeg,mlib_image,splashscreen,lcms,jawt,jsound}.so

# Every shared library the remaining binaries link against, and the dynamic loader, at their host paths.
find "$rootfs/opt/java" -type f \( -name '*.so' -o -perm -u+x \) -print0 \
  | xargs -0 ldd 2>/dev/null \
  | grep -o '/[^ ]*\.so[^ ]*' | grep -v "^$rootfs" | sort -u > "$work/libs"
# Netty's native epoll library (in the gateway's jars, unpacked at run time; http.native-transport) also links
# libdl and librt, which no JDK library needs: without them it does not load and the event loops run on Java NIO.
libc_dir="$(dirname "$(grep -m1 '/libc\.so\.6$' "$work/libs")")"
for lib in libdl.so.2 librt.so.1; do
  if [ -e "$libc_dir/$lib" ]; then echo "$libc_dir/$lib" >> "$work/libs"; fi
done
while read -r lib; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done < "$work/libs"

python3 - "$rootfs" "$out" <<'PY'
import hashlib, io, json, os, platform, sys, tarfile

rootfs, out = sys.argv[1], sys.argv[2]

def reset(info):  # reproducible: no host owners or times
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 0
    return info

layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as tar:
    for name in sorted(os.listdir(rootfs)):
        tar.add(os.path.join(rootfs, name), arcname=name, filter=reset)
layer = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()

arch = {"x86_64": "amd64", "aarch64": "arm64"}[platform.machine()]
config = json.dumps({
    "architecture": arch,
    "os": "linux",
    "config": {
        "Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
    },
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [{"created_by": "deploy/image/make-base-image.sh: jlink runtime and its shared libraries"}],
}, sort_keys=True).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
manifest = json.dumps([{
    "Config": config_name,
    "RepoTags": ["courier-base:local"],
    "Layers": ["layer.tar"],
}]).encode()

os.makedirs(os.path.dirname(out), exist_ok=True)
with tarfile.open(out, mode="w") as tar:
    for name, data in (("layer.tar", layer), (config_name, config), ("manifest.json", manifest)):
        info = reset(tarfile.TarInfo(name))
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
PY
echo "$out ($(du -h "$out" | cut -f1)): use -Dimage.base=tar://$out"
