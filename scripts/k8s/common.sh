# shellcheck shell=bash disable=SC2034
# Shared by scripts/k8s/{up,down}.sh: where the local control plane keeps its state and ports.
# Test infrastructure only (npm run test:e2e:k8s, npm run bench); never part of the stack.
k8s_script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Everything of one control plane: certificates, kubeconfigs, etcd data, logs, pid files.
k8s_dir=${OBS_K8S_DIR:-${TMPDIR:-/tmp}/observability-stack-k8s}
k8s_apiserver_port=${OBS_K8S_APISERVER_PORT:-16443}
k8s_etcd_port=${OBS_K8S_ETCD_PORT:-12379}
k8s_etcd_peer_port=${OBS_K8S_ETCD_PEER_PORT:-12380}
k8s_kwok_port=${OBS_K8S_KWOK_PORT:-10247}
k8s_nodes=${OBS_K8S_NODES:-1}
# The processes in start order; down.sh stops them in reverse.
k8s_components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

k8s_log() { printf 'k8s: %s\n' "$*"; }
k8s_die() { printf 'k8s: error: %s\n' "$*" >&2; exit 1; }

# k8s_pid <component>: its pid when it is running and is ours (its command line names k8s_dir).
k8s_pid() {
  local file=$k8s_dir/run/$1.pid pid
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  grep -qF -- "$k8s_dir" <<<"$(tr '\0' ' ' <"/proc/$pid/cmdline")" || return 1
  printf '%s\n' "$pid"
}
