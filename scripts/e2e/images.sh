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

# build_image <component id> <binary> <user> <data dir or -> <entrypoint> [workdir] [cmd json]
#   The binary goes where the official image has it (<entrypoint>, or the program an
#   entrypoint script starts); scripts/e2e/official-images.md has each official image's facts
#   and every difference left.
build_image() {
  local id=$1 binary=$2 user=$3 data=$4 entrypoint=$5 workdir=${6:-/} cmd=${7:-} image root
  image=$(image_of "$id")
  [[ -n $image ]] || { echo "images: stack $stack has no component $id" >&2; exit 1; }
  local note=
  enabled "$id" || note=" (disabled in stack $stack)"
  local source digest held
  source=$(command -v "$binary") || { echo "images: $binary not built; run scripts/toolchain/install.sh" >&2; exit 1; }
  # The binary and the layout: a changed layout rebuilds an image as a changed binary does.
  digest=$( (sha256sum "$source" | cut -c1-64; printf '%s\n' "$@"; declare -f build_image) | sha256sum | cut -c1-64)
  held=$(docker image inspect --format '{{ index .Config.Labels "observability-stack.e2e-binary" }}' "$image" 2>/dev/null || true)
  if [[ $held == "$digest" ]]; then
    echo "images: $image exists$note"
    return
  fi
  [[ -z $held ]] || echo "images: $image holds another $binary or layout: rebuilding"
  root=$(mktemp -d)
  chmod 755 "$root"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp"
  chmod 1777 "$root/tmp"
  # <entrypoint>: the program, then any arguments the official ENTRYPOINT gives it.
  local words program
  read -ra words <<<"$entrypoint"
  program=${words[0]}
  entrypoint=$(printf '"%s",' "${words[@]}")
  if [[ $id == cadvisor ]]; then
    # The official entrypoint is a script that starts the binary with -logtostderr.
    program=/usr/bin/cadvisor
    mkdir -p "$root/usr/bin"
    printf '#!/bin/sh\nexec /usr/bin/cadvisor -logtostderr "$@"\n' > "$root${words[0]}"
    chmod 755 "$root${words[0]}"
  fi
  install -D -m 755 "$source" "$root$program"
  cp "$busybox" "$root/bin/busybox"
  for applet in sh wget kill ls cat chown; do ln -s busybox "$root/bin/$applet"; done
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
  local changes=(--change "ENTRYPOINT [${entrypoint%,}]" --change "USER $user" --change "WORKDIR $workdir")
  [[ -z $cmd ]] || changes+=(--change "CMD $cmd")
  tar -C "$root" -c . | docker import "${changes[@]}" \
    --change "LABEL observability-stack.e2e-image=$id" \
    --change "LABEL observability-stack.e2e-binary=$digest" \
    - "$image" >/dev/null
  rm -rf "$root"
  echo "images: built $image from $source$note"
}

build_image prometheus prometheus 65534 /prometheus /bin/prometheus /prometheus \
  '["--config.file=/etc/prometheus/prometheus.yml","--storage.tsdb.path=/prometheus"]'
build_image alertmanager alertmanager 65534 /alertmanager /bin/alertmanager /alertmanager \
  '["--config.file=/etc/alertmanager/alertmanager.yml","--storage.path=/alertmanager"]'
build_image nodeExporter node_exporter 65534 - /bin/node_exporter
# No Loki image: Loki is not built here (AGPL). The e2e stack runs its stand-in, a second
# collector, from the collector's image (components.loki.standIn in Pulumi.e2e.yaml).
# No /badger: the official image has none (the Docker adapter hands the volume to 10001).
build_image jaeger jaeger 10001 - /cmd/jaeger/jaeger-linux
# The official collector image holds only the binary (no Docker health check there; the
# spec knows that); this one has busybox too, which changes nothing the stack relies on.
build_image otelCollector otelcol 10001 - /otelcol-contrib / \
  '["--config","/etc/otelcol-contrib/config.yaml"]'
# cAdvisor runs as root with the host mounts its spec declares, as the official image does.
# The stack runs it privileged, which this machine's Docker engine cannot start (see
# Pulumi.e2e.yaml); the pipeline test runs this image unprivileged beside the stack.
build_image cadvisor cadvisor 0 - /usr/bin/entrypoint.sh
# kube-state-metrics runs on the Kubernetes target only (the k8s-e2e stack), as nobody.
if enabled kubeStateMetrics; then
  build_image kubeStateMetrics kube-state-metrics 65534 - "/kube-state-metrics --port=8080 --telemetry-port=8081"
fi
