#!/usr/bin/env bash
# Stop the local cluster of scripts/k8s/up.sh (only the processes it started, by their pid
# files), then, for the real node, what it added to the machine (scripts/k8s/node.sh
# node_cleanup), and remove its directory: certificates, kubeconfigs, etcd data, the node's
# containers and volumes, logs.
#
#   scripts/k8s/down.sh          stop and remove
#   scripts/k8s/down.sh --keep   stop, keep $OBS_K8S_DIR (to read the logs)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

keep=false
[[ ${1:-} == --keep ]] && keep=true
started=$SECONDS
mode=$(k8s_node_mode)
if [[ $mode == real ]]; then
  # shellcheck source-path=SCRIPTDIR source=node.sh
  source "$k8s_script_dir/node.sh"
  PATH=$("$k8s_script_dir/build.sh" --bin-dir crictl):$PATH
fi
# stop_component <name>: TERM, then KILL after 10 s.
stop_component() {
  local c=$1 pid
  pid=$(k8s_pid "$c") || return 0
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
}
mapfile -t components < <(k8s_started)
if [[ $mode == real ]]; then
  # The kubelet first, or it would start the pods again; then the pods, while containerd
  # still runs, so the CNI plugin releases their network.
  stop_component kubelet
  node_down
fi
for ((i = ${#components[@]} - 1; i >= 0; i--)); do stop_component "${components[i]}"; done
[[ $mode != real ]] || node_cleanup
rm -f "$k8s_dir"/run/*.pid "$k8s_dir/run/started" 2>/dev/null || true
if ! $keep && [[ -d $k8s_dir ]]; then
  # Never through a mount that is left: node_cleanup unmounted what it could.
  rm -rf --one-file-system "$k8s_dir"
  k8s_log "removed $k8s_dir"
fi
k8s_log "down in $((SECONDS - started))s"
