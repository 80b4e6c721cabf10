#!/usr/bin/env bash
# Builds the local images the e2e stack runs, since no registry can be reached here: each is
# a static binary from scripts/toolchain plus busybox (a shell and wget for the health check),
# imported with `docker import`. The image names come from the e2e stack's own render, so
# they always match what Pulumi.e2e.yaml deploys. An image that exists is kept.
#
#   scripts/e2e/images.sh [stack]      default stack: e2e
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
source scripts/toolchain/env.sh
stack=${1:-e2e}
busybox=$(command -v busybox) || { echo "images: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
file "$busybox" 2>/dev/null | grep -q "statically linked" || [[ ! -x /bin/busybox ]] || busybox=/bin/busybox

render_dir=$(mktemp -d)
trap 'rm -rf "$render_dir"' EXIT
npx ts-node --transpile-only scripts/render.ts --stack "$stack" --out "$render_dir" >/dev/null
image_of() {
  node -e 'const m = require(process.argv[1]); const c = m.components[process.argv[2]]; if (c) console.log(c.image);' \
    "$render_dir/manifest.json" "$1"
}

# build_image <component id> <binary> <user> <data dir or ->
build_image() {
  local id=$1 binary=$2 user=$3 data=$4 image root
  image=$(image_of "$id")
  [[ -n $image ]] || { echo "images: $id is disabled in stack $stack"; return; }
  if docker image inspect "$image" >/dev/null 2>&1; then
    echo "images: $image exists"
    return
  fi
  local source
  source=$(command -v "$binary") || { echo "images: $binary not built; run scripts/toolchain/install.sh" >&2; exit 1; }
  root=$(mktemp -d)
  chmod 755 "$root"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp"
  chmod 1777 "$root/tmp"
  cp "$source" "$root/bin/$binary"
  cp "$busybox" "$root/bin/busybox"
  for applet in sh wget kill ls cat; do ln -s busybox "$root/bin/$applet"; done
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
  if [[ $data != - ]]; then
    mkdir -p "$root$data"
    chown "$user:$user" "$root$data"
  fi
  tar -C "$root" -c . | docker import \
    --change "ENTRYPOINT [\"/bin/$binary\"]" \
    --change "USER $user" \
    --change "LABEL observability-stack.e2e-image=$id" \
    - "$image" >/dev/null
  rm -rf "$root"
  echo "images: built $image from $source"
}

build_image prometheus prometheus 65534 /prometheus
build_image alertmanager alertmanager 65534 /alertmanager
build_image nodeExporter node_exporter 65534 -
