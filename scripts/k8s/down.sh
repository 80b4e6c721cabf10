#!/usr/bin/env bash
# Stop the local control plane of scripts/k8s/up.sh (only the processes it started, by their
# pid files) and remove its directory: certificates, kubeconfigs, etcd data, logs.
#
#   scripts/k8s/down.sh          stop and remove
#   scripts/k8s/down.sh --keep   stop, keep $OBS_K8S_DIR (to read the logs)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

keep=false
[[ ${1:-} == --keep ]] && keep=true
started=$SECONDS
for ((i = ${#k8s_components[@]} - 1; i >= 0; i--)); do
  c=${k8s_components[i]}
  pid=$(k8s_pid "$c") || continue
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    k8s_log "$c ($pid) did not stop in 10s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  k8s_log "stopped $c ($pid)"
done
rm -f "$k8s_dir"/run/*.pid 2>/dev/null || true
if ! $keep && [[ -d $k8s_dir ]]; then
  rm -rf "$k8s_dir"
  k8s_log "removed $k8s_dir"
fi
k8s_log "down in $((SECONDS - started))s"
