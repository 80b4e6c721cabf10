#!/usr/bin/env bash
# Builds the local images the e2e stack runs, since no registry can be reached here: each is
# a static binary from scripts/toolchain (prometheus, alertmanager, node_exporter, jaeger,
# otelcol, cadvisor) plus busybox (a shell and wget for the health check),
# imported with `docker import`. The image names come from the e2e stack's own settings
# (the loader `pulumi up` and `npm run render` use), so they always match what
# Pulumi.e2e.yaml deploys; a disabled component's image is built too when its binary is
# (test/e2e/pipeline.test.ts runs cAdvisor beside the stack). An image that exists is kept
# while it holds the binary the toolchain has now (a label carries the binary's digest), and
# rebuilt when the binary changed under the same tag (the collector from a new manifest).
#
#   scripts/e2e/images.sh [stack]      default stack: e2e
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
source scripts/toolchain/env.sh
stack=${1:-e2e}
busybox=$(command -v busybox) || { echo "images: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
file "$busybox" 2>/dev/null | grep -q "statically linked" || [[ ! -x /bin/busybox ]] || busybox=/bin/busybox

# "<id> <image> <enabled>" per component, from the stack's settings.
images=$(OBS_STACK=$stack npx ts-node --transpile-only -e '
  const { loadSettings } = require("./config/load");
  const { readStackFile } = require("./config/stack-file");
  const settings = loadSettings(readStackFile(process.cwd(), process.env.OBS_STACK));
  for (const c of Object.values(settings.components)) console.log(c.id, c.image, c.enabled);')
image_of() { awk -v id="$1" '$1 == id { print $2 }' <<<"$images"; }
enabled() { awk -v id="$1" '$1 == id { print $3 }' <<<"$images" | grep -qx true; }

# build_image <component id> <binary> <user> <data dir or ->
build_image() {
  local id=$1 binary=$2 user=$3 data=$4 image root
  image=$(image_of "$id")
  [[ -n $image ]] || { echo "images: stack $stack has no component $id" >&2; exit 1; }
  local note=
  enabled "$id" || note=" (disabled in stack $stack)"
  local source digest held
  source=$(command -v "$binary") || { echo "images: $binary not built; run scripts/toolchain/install.sh" >&2; exit 1; }
  digest=$(sha256sum "$source" | cut -c1-64)
  held=$(docker image inspect --format '{{ index .Config.Labels "observability-stack.e2e-binary" }}' "$image" 2>/dev/null || true)
  if [[ $held == "$digest" ]]; then
    echo "images: $image exists$note"
    return
  fi
  [[ -z $held ]] || echo "images: $image holds another $binary than $source: rebuilding"
  root=$(mktemp -d)
  chmod 755 "$root"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp"
  chmod 1777 "$root/tmp"
  cp "$source" "$root/bin/$binary"
  cp "$busybox" "$root/bin/busybox"
  for applet in sh wget kill ls cat; do ln -s busybox "$root/bin/$applet"; done
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
  if [[ $user != 0 && $user != 65534 ]]; then
    printf '%s:x:%s:%s:%s:/:/bin/false\n' "$binary" "$user" "$user" "$binary" >> "$root/etc/passwd"
    printf '%s:x:%s:\n' "$binary" "$user" >> "$root/etc/group"
  fi
  if [[ $data != - ]]; then
    mkdir -p "$root$data"
    chown "$user:$user" "$root$data"
  fi
  tar -C "$root" -c . | docker import \
    --change "ENTRYPOINT [\"/bin/$binary\"]" \
    --change "USER $user" \
    --change "LABEL observability-stack.e2e-image=$id" \
    --change "LABEL observability-stack.e2e-binary=$digest" \
    - "$image" >/dev/null
  rm -rf "$root"
  echo "images: built $image from $source$note"
}

build_image prometheus prometheus 65534 /prometheus
build_image alertmanager alertmanager 65534 /alertmanager
build_image nodeExporter node_exporter 65534 -
# No Loki image: Loki is not built here (AGPL). The e2e stack runs its stand-in, a second
# collector, from the collector's image (components.loki.standIn in Pulumi.e2e.yaml).
build_image jaeger jaeger 10001 /badger
# The official collector image holds only the binary (no Docker health check there; the
# spec knows that); this one has busybox too, which changes nothing the stack relies on.
build_image otelCollector otelcol 10001 -
# cAdvisor runs as root with the host mounts its spec declares, as the official image does.
# The stack runs it privileged, which this machine's Docker engine cannot start (see
# Pulumi.e2e.yaml); the pipeline test runs this image unprivileged beside the stack.
build_image cadvisor cadvisor 0 -
# kube-state-metrics runs on the Kubernetes target only (the k8s-e2e stack), as nobody.
if enabled kubeStateMetrics; then build_image kubeStateMetrics kube-state-metrics 65534 -; fi
