#!/usr/bin/env bash
# Builds the local images of the error tracker the e2e stack runs (sentry.mode bugsink), since
# no registry can be reached here; scripts/e2e/images.sh builds the stack's other images.
#
#   bugsink   a Debian bookworm root filesystem (debootstrap --variant=minbase) with python3
#             and `pip install bugsink==<version>` in a venv, laid out like the official image
#             (user bugsink 14237, /data, /app/bugsink_conf.py from the docker template), then
#             `docker import`. The stack's spec gives the command, as it does for the official one.
#   probe     blackbox_exporter from the toolchain (scripts/toolchain/install.sh
#             blackbox-exporter), plus busybox, as images.sh builds the others.
#
# The image names come from the stack's own render (manifest.json, errorTracking), so they
# match what Pulumi deploys; an image that exists is kept (delete it to rebuild).
#
#   scripts/e2e/error-tracker-images.sh [stack] [--mode bugsink]   default stack: e2e
#     --mode renders the stack with that sentry.mode (the e2e stack file may leave it off).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
stack=e2e
mode=
while [[ $# -gt 0 ]]; do
  case $1 in
    --mode) mode=$2; shift 2 ;;
    *) stack=$1; shift ;;
  esac
done
cache=${OBS_TOOLCHAIN_DIR:-$HOME/.cache/observability-stack/toolchain}
log() { printf 'error-tracker-images: %s\n' "$*"; }
die() { printf 'error-tracker-images: error: %s\n' "$*" >&2; exit 1; }

render_dir=$(mktemp -d)
project_dir=$(mktemp -d)
trap 'rm -rf "$render_dir" "$project_dir"' EXIT
# The stack file, with sentry.mode set when asked, rendered from a scratch project directory.
node -e '
  const fs = require("fs"), yaml = require(process.argv[1]);
  const [file, out, mode] = process.argv.slice(2);
  const doc = yaml.load(fs.readFileSync(file, "utf8"));
  if (mode) doc.config["observability-stack:sentry"] = { ...(doc.config["observability-stack:sentry"] || {}), mode };
  fs.writeFileSync(out, yaml.dump(doc));' \
  "$repo/node_modules/js-yaml" "$repo/Pulumi.$stack.yaml" "$project_dir/Pulumi.$stack.yaml" "$mode"
(cd "$project_dir" && TS_NODE_PROJECT=$repo/tsconfig.json node -r "$repo/node_modules/ts-node/register/transpile-only" \
  "$repo/scripts/render.ts" --stack "$stack" --out "$render_dir" >/dev/null)
image_of() {
  node -e 'const m = require(process.argv[1]); const s = (m.errorTracking || {}).services || {};
    if (s[process.argv[2]]) console.log(s[process.argv[2]].image);' "$render_dir/manifest.json" "$1"
}
version_of() { node -e 'console.log(require(process.argv[1]).errorTracking[process.argv[2]])' "$repo/versions.json" "$1"; }

# build_bugsink <image>
build_bugsink() {
  local image=$1 version root start=$SECONDS
  version=$(version_of bugsink)
  [[ $(id -u) == 0 ]] || die "building the bugsink image needs root (debootstrap, chroot)"
  command -v debootstrap >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  root=$(mktemp -d)
  chmod 755 "$root"  # the image's / : mktemp makes it 700, which only root could traverse
  log "bugsink $version: debootstrap bookworm into $root"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$root.log" 2>&1 \
    || { tail -20 "$root.log" >&2; die "debootstrap failed"; }
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 chroot "$root" /bin/sh -euc '
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends python3 python3-venv ca-certificates >/dev/null
    apt-get clean
    rm -rf /var/lib/apt/lists/*'
  log "bugsink $version: pip install bugsink==$version"
  # pip inside the root uses this host's CA bundle (a proxy's CA may be in it), then forgets it.
  local ca=${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
  cp "$ca" "$root/tmp/host-ca.crt"
  # A clean environment: this host's SSL_CERT_FILE or REQUESTS_CA_BUNDLE would name the root's own bundle.
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 PIP_CERT=/tmp/host-ca.crt \
    chroot "$root" /bin/sh -euc "
    python3 -m venv /opt/bugsink
    /opt/bugsink/bin/pip install --no-cache-dir -q 'bugsink==$version'
    rm /tmp/host-ca.crt
    groupadd --gid 14237 bugsink
    useradd --uid 14237 --gid 14237 --no-create-home --home-dir /app bugsink
    mkdir -p /app /data
    cp /opt/bugsink/lib/python3*/site-packages/bugsink/conf_templates/docker.py.template /app/bugsink_conf.py
    chown -R bugsink:bugsink /data
    # The image's snappea queue is migrated at build time, as the official image does.
    cd /app && PATH=/opt/bugsink/bin:\$PATH SECRET_KEY=build-only-not-a-secret-key-build-only-not-a-secret-key \
      bugsink-manage migrate snappea --database=snappea >/dev/null
    chown bugsink:bugsink /tmp/snappea.sqlite3*"
  rm -f "$root/etc/resolv.conf"
  rm -rf "$root/var/cache/apt" "$root/usr/share/doc" "$root/usr/share/man"
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/opt/bugsink/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV PYTHONUNBUFFERED=1' \
    --change 'ENV PORT=8000' \
    --change 'WORKDIR /app' \
    --change 'USER bugsink' \
    --change 'CMD ["/bin/sh", "-c", "bugsink-manage migrate && bugsink-manage prestart && exec monofy gunicorn --bind=0.0.0.0:$PORT bugsink.wsgi \"|||\" bugsink-runsnappea"]' \
    --change "LABEL observability-stack.e2e-image=bugsink" \
    - "$image" >/dev/null
  rm -rf "$root" "$root.log"
  log "built $image in $((SECONDS - start)) s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}'))"
}

# The blackbox exporter binary: a toolchain tool (scripts/toolchain/install.sh), which the
# tool tests run too.
blackbox_binary() {
  "$repo/scripts/toolchain/install.sh" blackbox-exporter >&2
  echo "$cache/blackbox-exporter/$(version_of probe)/bin/blackbox_exporter"
}

# build_probe <image>: the binary, busybox (wget for the Docker health check), user nobody.
build_probe() {
  local image=$1 binary busybox root
  binary=$(blackbox_binary)
  busybox=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
  root=$(mktemp -d)
  chmod 755 "$root"
  mkdir -p "$root/bin" "$root/etc/blackbox_exporter" "$root/tmp"
  chmod 1777 "$root/tmp"
  cp "$binary" "$root/bin/blackbox_exporter"
  cp "$busybox" "$root/bin/busybox"
  for applet in sh wget; do ln -s busybox "$root/bin/$applet"; done
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -c . | docker import \
    --change 'ENTRYPOINT ["/bin/blackbox_exporter"]' \
    --change 'CMD ["--config.file=/etc/blackbox_exporter/config.yml"]' \
    --change 'USER 65534' \
    --change 'LABEL observability-stack.e2e-image=probe' \
    - "$image" >/dev/null
  rm -rf "$root"
  log "built $image from $binary"
}

if [[ ${OBS_BUGSINK_IMAGE:-} != "" ]]; then
  # Build one image by name, without a render (used while the stack's code is being changed).
  docker image inspect "$OBS_BUGSINK_IMAGE" >/dev/null 2>&1 || build_bugsink "$OBS_BUGSINK_IMAGE"
  exit 0
fi
for service in bugsink probe; do
  image=$(image_of "$service")
  [[ -n $image ]] || { log "$service is not deployed in stack $stack"; continue; }
  if docker image inspect "$image" >/dev/null 2>&1; then log "$image exists"; continue; fi
  "build_$service" "$image"
done
