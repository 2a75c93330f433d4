#!/usr/bin/env bash
# Runs a docker-save image tarball without a container engine: unpacks its layers into a directory and
# runs its entrypoint there with chroot, as the image's user, with the image's environment. A check that
# the image starts, not a sandbox (no namespaces, no resource limits, the host's network). Needs root.
#
#   deploy/image/run-in-chroot.sh courier-cli/target/jib-image.tar [ARGS...]    ARGS replace the image's Cmd
#   COURIER_IMAGE_FILES="/etc/courier/courier.yaml=deploy/kubernetes/courier.yaml" deploy/image/run-in-chroot.sh ...
#                                                                         copies host files into the root first
set -euo pipefail
image="$(realpath "$1")"
shift
root="$(mktemp -d)"
trap 'umount "$root/fs/proc" 2>/dev/null; rm -rf "$root"' EXIT
tar -xf "$image" -C "$root"
mapfile -t layers < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$root/manifest.json")
mkdir "$root/fs"
for layer in "${layers[@]}"; do
  tar --warning=no-unknown-keyword -xf "$root/$layer" -C "$root/fs"   # whiteouts are not handled: Jib's layers add files only
done
# A container has /proc: the loader finds the JDK's libraries through it ($ORIGIN), the JVM its limits.
mkdir -p "$root/fs/proc"
mount -t proc proc "$root/fs/proc"
for pair in ${COURIER_IMAGE_FILES:-}; do
  mkdir -p "$root/fs$(dirname "${pair%%=*}")"
  cp "${pair#*=}" "$root/fs${pair%%=*}"
done
# The config as lines: user, then Env entries, then the command (Entrypoint + Cmd), NUL-separated.
config="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Config"])' "$root/manifest.json")"
python3 - "$root/$config" "$@" > "$root/run" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["config"]
args = sys.argv[2:] or (c.get("Cmd") or [])
out = [c.get("User") or "0:0", str(len(c.get("Env") or []))] + (c.get("Env") or []) + (c.get("Entrypoint") or []) + args
sys.stdout.write("\0".join(out))
PY
mapfile -d '' -t run < "$root/run"
user="${run[0]}"
envs=("${run[@]:2:${run[1]}}")
command=("${run[@]:$((2 + run[1]))}")
# The image has no env binary: the environment is set outside and chroot execs the command with its PATH.
env -i "${envs[@]}" "$(command -v chroot)" --userspec="$user" "$root/fs" "${command[@]}"
