#!/usr/bin/env bash
# Start a local Kubernetes cluster for the Kubernetes end-to-end test and benchmark: etcd,
# kube-apiserver (TLS from a throwaway CA, RBAC, service accounts, Pod Security admission),
# kube-controller-manager, kube-scheduler, and its node(s). Test infrastructure only: never a
# dependency of the stack, which deploys to any cluster.
#
#   scripts/k8s/up.sh        start (or confirm it is running); prints the kubeconfig path
#
# OBS_K8S_NODE chooses the node:
#   kwok (default)  kwok simulates $OBS_K8S_NODES nodes: pods become Running/Ready from kwok's
#                   stages and no container runs; the API server is on 127.0.0.1.
#   real            one real node (scripts/k8s/node.sh): kubelet, kube-proxy, containerd and
#                   runc, CoreDNS, kube-network-policies and a volume provisioner; the API
#                   server listens on the node's bridge address $k8s_node_ip. Needs root.
#
# Needs the binaries of scripts/k8s/build.sh, and openssl. Writes everything under
# $OBS_K8S_DIR (default ${TMPDIR:-/tmp}/observability-stack-k8s); scripts/k8s/down.sh stops
# the processes and removes it. Also creates:
#   - $OBS_K8S_NODES (default 1) kwok nodes kwok-node-<i>, waited for until Ready;
#   - the default StorageClass "obs-local" (no provisioner, Immediate binding): claims bind
#     to static PersistentVolumes, which a test creates for the claims it expects.
# Ports (127.0.0.1): OBS_K8S_APISERVER_PORT 16443, OBS_K8S_ETCD_PORT 12379,
# OBS_K8S_ETCD_PEER_PORT 12380, OBS_K8S_KWOK_PORT 10247.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

started=$SECONDS
node_mode=${OBS_K8S_NODE:-kwok}
case $node_mode in
  kwok) tools=(etcd kubernetes kwok) api_ip=127.0.0.1 ;;
  real) tools=(etcd kubernetes node containerd runc crictl coredns netpol provisioner pause) api_ip=$k8s_node_ip ;;
  *) k8s_die "OBS_K8S_NODE=$node_mode: expected kwok or real" ;;
esac
command -v openssl >/dev/null || k8s_die "openssl is not installed"
bins=()
for tool in "${tools[@]}"; do
  dir=$("$k8s_script_dir/build.sh" --bin-dir "$tool")
  [[ -d $dir ]] || k8s_die "$tool is not built: run scripts/k8s/build.sh"
  bins+=("$dir")
done
PATH=$(IFS=:; echo "${bins[*]}"):$PATH
export PATH
version_of() { node -p "require('$k8s_script_dir/../../versions.json').testInfra.$1"; }

kubeconfig=$k8s_dir/kubeconfig
kubectl_() { kubectl --kubeconfig "$kubeconfig" "$@"; }

running=0
mapfile -t components < <(k8s_started)
for c in "${components[@]}"; do k8s_pid "$c" >/dev/null && running=$((running + 1)); done
if [[ $running -gt 0 && $running -eq ${#components[@]} && $(k8s_node_mode) == "$node_mode" ]] &&
  kubectl_ get --raw /readyz >/dev/null 2>&1; then
  k8s_log "already running ($k8s_dir)"
  echo "KUBECONFIG=$kubeconfig"
  exit 0
fi
if [[ $running -gt 0 || -d $k8s_dir ]]; then
  k8s_log "a partial control plane is in $k8s_dir: stopping it first"
  "$k8s_script_dir/down.sh"
fi

mkdir -p "$k8s_dir"/{pki,run,logs,etcd}
chmod 700 "$k8s_dir" "$k8s_dir/etcd"
echo "$node_mode" >"$k8s_dir/run/node-mode"
pki=$k8s_dir/pki
if [[ $node_mode == real ]]; then
  # shellcheck source-path=SCRIPTDIR source=node.sh
  source "$k8s_script_dir/node.sh"
  # shellcheck source-path=SCRIPTDIR source=image-archive.sh
  source "$k8s_script_dir/image-archive.sh"
  coredns_version=$(version_of coredns)
  netpol_version=$(version_of kubeNetworkPolicies)
  # Before the API server, which listens on the bridge's address.
  node_network
fi

# --- certificates: a CA of our own, the API server's serving cert, one client cert per user --
openssl_quiet() { openssl "$@" 2>/dev/null; }
openssl_quiet req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
  -keyout "$pki/ca.key" -out "$pki/ca.crt" -subj "/CN=observability-stack-test-ca"
# cert <name> <subject> [subjectAltName]: a key and a certificate signed by the CA.
cert() {
  local name=$1 subject=$2 san=${3:-} ext=$pki/$1.ext
  openssl_quiet req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$pki/$name.key" -out "$pki/$name.csr" -subj "$subject"
  if [[ -n $san ]]; then
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >"$ext"
  else
    printf 'extendedKeyUsage=clientAuth\n' >"$ext"
  fi
  openssl_quiet x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 7 -extfile "$ext" -out "$pki/$name.crt"
}
cert apiserver "/CN=kube-apiserver" \
  "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:$k8s_node_ip,IP:10.96.0.1"
cert admin "/O=system:masters/CN=observability-stack-admin"
cert controller-manager "/CN=system:kube-controller-manager"
cert scheduler "/CN=system:kube-scheduler"
# kwok writes node and pod status for every simulated node: an admin identity, as in kwokctl.
cert kwok "/O=system:masters/CN=kwok"
# The real node: the kubelet as a node identity (the Node authorizer), its serving certificate
# for the node's address (Prometheus verifies it with the cluster CA), the API server's client
# identity towards kubelets, kube-proxy, and the provisioner (test infrastructure: admin).
cert kubelet-client "/O=system:nodes/CN=system:node:$k8s_node"
cert kubelet "/CN=$k8s_node" "DNS:$k8s_node,IP:$k8s_node_ip"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
cert kube-proxy "/CN=system:kube-proxy"
cert provisioner "/O=system:masters/CN=obs-local-provisioner"
# The service-account token signing key pair.
openssl_quiet genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/sa.key"
openssl_quiet pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub"
chmod 600 "$pki"/*.key

# kubeconfig_for <user> <file>: a kubeconfig with that user's client certificate.
kubeconfig_for() {
  cat >"$2" <<YAML
apiVersion: v1
kind: Config
clusters:
  - name: obs-local
    cluster:
      server: https://$api_ip:$k8s_apiserver_port
      certificate-authority: $pki/ca.crt
users:
  - name: $1
    user:
      client-certificate: $pki/${3:-$1}.crt
      client-key: $pki/${3:-$1}.key
contexts:
  - name: obs-local
    context: { cluster: obs-local, user: $1 }
current-context: obs-local
YAML
}
kubeconfig_for admin "$kubeconfig"
for user in controller-manager scheduler kwok kube-proxy provisioner; do kubeconfig_for "$user" "$k8s_dir/$user.kubeconfig"; done
kubeconfig_for kubelet "$k8s_dir/kubelet.kubeconfig" kubelet-client

# start <component> <binary> <args...>: in the background, its own session, logged, pid kept.
start() {
  local name=$1
  shift
  setsid "$@" >"$k8s_dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$k8s_dir/run/$name.pid"
  echo "$name" >>"$k8s_dir/run/started"
}
# wait_for <what> <seconds> <command...>
wait_for() {
  local what=$1 limit=$2 begin=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    [[ $((SECONDS - begin)) -lt $limit ]] || k8s_die "$what not ready after ${limit}s; logs in $k8s_dir/logs"
    sleep 0.5
  done
  k8s_log "$what ready after $((SECONDS - started))s"
}

# --- processes ---------------------------------------------------------------------------
start etcd etcd --name obs-local --data-dir "$k8s_dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$k8s_etcd_port" \
  --advertise-client-urls "http://127.0.0.1:$k8s_etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$k8s_etcd_peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$k8s_etcd_peer_port" \
  --initial-cluster "obs-local=http://127.0.0.1:$k8s_etcd_peer_port" \
  --unsafe-no-fsync --log-level warn
wait_for etcd 30 curl -fsS "http://127.0.0.1:$k8s_etcd_port/health"

# With kwok, a loopback advertise address is refused by the endpoint reconciler: no reconciler
# (the kubernetes Service keeps no endpoints, which no simulated pod needs). With the real
# node, the API server is on the node's address, the kubernetes Service's endpoint, and
# reaches the kubelet (logs, exec) there with a client certificate. Privileged pods are
# allowed by the API server; Pod Security admission decides per namespace.
apiserver_mode_args=(--endpoint-reconciler-type none)
if [[ $node_mode == real ]]; then
  apiserver_mode_args=(--kubelet-preferred-address-types InternalIP
    --kubelet-certificate-authority "$pki/ca.crt"
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt"
    --kubelet-client-key "$pki/apiserver-kubelet-client.key")
fi
start kube-apiserver kube-apiserver \
  --etcd-servers "http://127.0.0.1:$k8s_etcd_port" \
  --bind-address "$api_ip" --advertise-address "$api_ip" --secure-port "$k8s_apiserver_port" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --authorization-mode Node,RBAC \
  --service-cluster-ip-range 10.96.0.0/16 \
  "${apiserver_mode_args[@]}" \
  --allow-privileged=true \
  --profiling=false
wait_for kube-apiserver 120 kubectl_ get --raw /readyz

start kube-controller-manager kube-controller-manager \
  --kubeconfig "$k8s_dir/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$k8s_dir/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$k8s_dir/controller-manager.kubeconfig" \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --use-service-account-credentials=true \
  --leader-elect=false --secure-port 0 --profiling=false
start kube-scheduler kube-scheduler \
  --kubeconfig "$k8s_dir/scheduler.kubeconfig" \
  --authentication-kubeconfig "$k8s_dir/scheduler.kubeconfig" \
  --authorization-kubeconfig "$k8s_dir/scheduler.kubeconfig" \
  --leader-elect=false --secure-port 0 --profiling=false

if [[ $node_mode == real ]]; then
  # Without the controller-manager's service-account controller no pod can be created.
  wait_for "default ServiceAccount" 60 kubectl_ get serviceaccount default --namespace kube-system
  node_up "$pki" "$(command -v pause)"
  k8s_log "up in $((SECONDS - started))s: API https://$api_ip:$k8s_apiserver_port, node $k8s_node (real), default StorageClass obs-local (provisioned); logs in $k8s_dir/logs"
  echo "KUBECONFIG=$kubeconfig"
  exit 0
fi

stages_dir=$("$k8s_script_dir/build.sh" --bin-dir kwok)/../stages
# kwok's stages as one config file: node initialize + heartbeat with lease, the pod lifecycle.
# The heartbeat stage writes node status only every 10-20 minutes: kwok must renew the nodes'
# Leases (--node-lease-duration-seconds, as kwokctl sets it), or the node lifecycle controller
# marks the node NotReady after its grace period and its pods unready for a while.
# The nodes' InternalIP, which hostNetwork pods (node-exporter) get as their pod IP: not a
# loopback address, which the EndpointSlice controller never makes an endpoint of, so a
# Service of such pods would have none. TEST-NET-1 (RFC 5737) is routed nowhere; no container
# runs on a kwok node, so nothing is ever sent there.
kwok_node_ip=192.0.2.10
stages=$k8s_dir/kwok-stages.yaml
for f in "$stages_dir"/*.yaml; do printf -- '---\n'; cat "$f"; done >"$stages"
start kwok kwok --kubeconfig "$k8s_dir/kwok.kubeconfig" -c "$stages" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
  --node-lease-duration-seconds 40 \
  --cidr 10.244.0.0/16 --node-ip "$kwok_node_ip" --server-address "127.0.0.1:$k8s_kwok_port"

# --- cluster objects: simulated nodes and the default StorageClass -------------------------
{
  for ((i = 0; i < k8s_nodes; i++)); do
    cat <<YAML
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
    type: kwok
status:
  allocatable: { cpu: "16", memory: 64Gi, pods: "110" }
  capacity: { cpu: "16", memory: 64Gi, pods: "110" }
YAML
  done
  # Volumes are static PersistentVolumes (the benchmark creates one per claim it expects);
  # Immediate binding, because no simulated pod would ever consume a WaitForFirstConsumer claim.
  k8s_storage_class kubernetes.io/no-provisioner Immediate Retain
} | kubectl_ apply -f - >/dev/null
wait_for "kwok node(s)" 90 kubectl_ wait --for=condition=Ready node --all --timeout=1s
# Without the controller-manager's service-account controller no pod can be created.
wait_for "default ServiceAccount" 60 kubectl_ get serviceaccount default --namespace default

k8s_log "up in $((SECONDS - started))s: API https://127.0.0.1:$k8s_apiserver_port, $k8s_nodes kwok node(s), default StorageClass obs-local; logs in $k8s_dir/logs"
echo "KUBECONFIG=$kubeconfig"
