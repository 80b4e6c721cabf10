#!/usr/bin/env bash
# Makes sure a Docker engine answers, and that busybox-static (for the e2e images) is there.
# On a machine without one (CI here), installs Debian's docker.io and starts dockerd with the
# vfs storage driver, which works without overlayfs or a bridge.
set -euo pipefail
missing=()
command -v busybox >/dev/null || missing+=(busybox-static)
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || missing+=(docker.io)
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  [[ $(id -u) == 0 ]] || { echo "docker-engine: need ${missing[*]}; install them (as root)" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if docker info >/dev/null 2>&1; then
  echo "docker-engine: $(docker version --format '{{.Server.Version}}') answers"
  exit 0
fi
[[ $(id -u) == 0 ]] || { echo "docker-engine: no Docker engine answers; start one" >&2; exit 1; }
log=${TMPDIR:-/tmp}/observability-stack-dockerd.log
nohup dockerd --storage-driver=vfs --iptables=false --bridge=none >"$log" 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "docker-engine: started dockerd $(docker version --format '{{.Server.Version}}') (log: $log)"
    exit 0
  fi
  sleep 1
done
echo "docker-engine: dockerd did not answer within 60 s; see $log" >&2
tail -20 "$log" >&2
exit 1
