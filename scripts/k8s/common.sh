# shellcheck shell=bash disable=SC2034
# Shared by scripts/k8s/*.sh: where the local cluster keeps its state, its ports and addresses.
# Test infrastructure only (npm run test:e2e:k8s, npm run bench); never part of the stack.
k8s_script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Everything of one cluster: certificates, kubeconfigs, etcd data, the node's containers and
# volumes, logs, pid files.
k8s_dir=${OBS_K8S_DIR:-${TMPDIR:-/tmp}/observability-stack-k8s}
k8s_apiserver_port=${OBS_K8S_APISERVER_PORT:-16443}
k8s_etcd_port=${OBS_K8S_ETCD_PORT:-12379}
k8s_etcd_peer_port=${OBS_K8S_ETCD_PEER_PORT:-12380}
# The simulated node(s) of OBS_K8S_NODE=kwok.
k8s_kwok_port=${OBS_K8S_KWOK_PORT:-10247}
k8s_nodes=${OBS_K8S_NODES:-1}
# The node: one real kubelet with containerd and runc. Its network exists only on a bridge of
# its own; the bridge's address is the node's InternalIP and the API server's address, so pods
# reach the API through the kubernetes Service as on any cluster. Private ranges that do not
# collide with Docker's default address pools (172.16/12, 192.168/16).
k8s_node=obs-node
k8s_bridge=obs-k8s0
k8s_pod_cidr=10.244.0.0/24
k8s_node_ip=10.244.0.1
k8s_service_cidr=10.96.0.0/16
k8s_dns_ip=10.96.0.10
k8s_cluster_domain=cluster.local
k8s_containerd_socket=$k8s_dir/containerd/containerd.sock

# k8s_started: the processes up.sh started, in start order (down.sh stops them in reverse).
k8s_started() { [[ -f $k8s_dir/run/started ]] && cat "$k8s_dir/run/started"; true; }
# k8s_node_mode: kwok or real, as up.sh started the cluster (empty when it did not).
k8s_node_mode() { [[ -f $k8s_dir/run/node-mode ]] && cat "$k8s_dir/run/node-mode"; true; }

# k8s_storage_class <provisioner> <volumeBindingMode> <reclaimPolicy>: the default
# StorageClass obs-local, as YAML.
k8s_storage_class() {
  cat <<YAML
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: obs-local
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: $1
volumeBindingMode: $2
reclaimPolicy: $3
YAML
}

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
