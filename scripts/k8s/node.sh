# shellcheck shell=bash
# The local cluster's real node (test infrastructure, scripts/k8s): containerd + runc, the
# kubelet and kube-proxy, a bridge network of its own, cluster DNS (CoreDNS, the cluster zone
# only), NetworkPolicy enforcement (kube-network-policies) and a provisioner that creates a
# volume per claim. Sourced by scripts/k8s/up.sh (node_network before the API server, which
# listens on the node's address; node_up after the control plane) and scripts/k8s/down.sh
# (node_down). Needs root, iptables, nft, ip and the CNI plugins in /usr/lib/cni (Debian's
# containernetworking-plugins).

k8s_cni_bin=/usr/lib/cni
# The firewall chain that keeps the pod network on this machine.
k8s_isolate_chain=OBS-K8S-ISOLATE
# Where new connections of the pod network go for kube-network-policies' verdict.
k8s_netpol_chain=OBS-K8S-NETPOL
k8s_netpol_queue=98

# node_network: the bridge (its address is the node's and the API server's) and the rule that
# drops whatever the pod network would send out of any other interface: nothing leaves the
# machine, although the bridge plugin turns IP forwarding on.
node_network() {
  [[ $(id -u) == 0 ]] || k8s_die "the node needs root (network, containers)"
  local tool
  for tool in ip iptables nft; do command -v "$tool" >/dev/null || k8s_die "$tool is not installed"; done
  if [[ ! -x $k8s_cni_bin/bridge ]] && command -v apt-get >/dev/null; then
    k8s_log "installing the CNI plugins (Debian's containernetworking-plugins)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq containernetworking-plugins >/dev/null
  fi
  [[ -x $k8s_cni_bin/bridge && -x $k8s_cni_bin/host-local && -x $k8s_cni_bin/loopback ]] ||
    k8s_die "the CNI plugins are not in $k8s_cni_bin (apt-get install containernetworking-plugins)"
  cat /proc/sys/net/ipv4/ip_forward >"$k8s_dir/run/ip_forward.before"
  ip link add "$k8s_bridge" type bridge
  ip addr add "$k8s_node_ip/${k8s_pod_cidr#*/}" dev "$k8s_bridge"
  ip link set "$k8s_bridge" up
  iptables -N "$k8s_isolate_chain"
  iptables -A "$k8s_isolate_chain" -s "$k8s_pod_cidr" ! -o "$k8s_bridge" -j DROP
  iptables -I FORWARD 1 -j "$k8s_isolate_chain"
  # NetworkPolicies: kube-network-policies decides every new connection that a pod makes or
  # receives, read from the netfilter queue $k8s_netpol_queue. Its own nftables rules hand
  # connections to the queue with nft's `queue` expression, which this kernel lacks (no
  # nft_queue module: the rule is refused and the agent's sync fails), so the same steering is
  # written here with iptables' NFQUEUE target, in the same place: POSTROUTING before source
  # NAT (mangle; the agent's chain has priority srcnat - 5). As in its chain: the node's own
  # root traffic (the kubelet's probes) and established connections pass; there is no bypass,
  # so nothing of the pod network is let through while the agent is not running. One
  # difference: it queues only pods that a policy selects; here every pod's connections are
  # queued, and the agent accepts those of pods no policy selects.
  iptables -t mangle -N "$k8s_netpol_chain"
  iptables -t mangle -A "$k8s_netpol_chain" -m owner --uid-owner 0 -j RETURN
  iptables -t mangle -A "$k8s_netpol_chain" -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
  iptables -t mangle -A "$k8s_netpol_chain" -s "$k8s_pod_cidr" -j NFQUEUE --queue-num "$k8s_netpol_queue"
  iptables -t mangle -A "$k8s_netpol_chain" -d "$k8s_pod_cidr" -j NFQUEUE --queue-num "$k8s_netpol_queue"
  iptables -t mangle -A POSTROUTING -j "$k8s_netpol_chain"
}

# node_up <pki dir> <path of the sandbox image's pause binary>
node_up() {
  local pki=$1 pause=$2 d=$k8s_dir
  mkdir -p "$d"/{containerd,cni,cni-ipam,kubelet,volumes,images}
  # --- container runtime -------------------------------------------------------------------
  local sandbox_image=localhost/obs-k8s/pause:$(sha256sum "$pause" | cut -c1-12)
  cat >"$d/cni/10-obs-k8s.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "obs-k8s",
  "plugins": [
    {
      "type": "bridge", "bridge": "$k8s_bridge", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$d/cni-ipam",
        "ranges": [[{ "subnet": "$k8s_pod_cidr", "gateway": "$k8s_node_ip" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
  # restrict_oom_score_adj: this machine's capability bounding set lacks CAP_SYS_RESOURCE, so
  # the negative oom_score_adj of a sandbox would be refused. NRI off: nothing here uses it,
  # and its socket would be a machine-wide path.
  cat >"$d/containerd/config.toml" <<TOML
version = 3
root = "$d/containerd/root"
state = "$d/containerd/state"

[grpc]
  address = "$k8s_containerd_socket"

[ttrpc]
  address = "$k8s_containerd_socket.ttrpc"

[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"

[plugins."io.containerd.cri.v1.runtime"]
  restrict_oom_score_adj = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["$k8s_cni_bin"]
    conf_dir = "$d/cni"

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "$sandbox_image"

[plugins."io.containerd.nri.v1.nri"]
  disable = true
TOML
  start containerd containerd --config "$d/containerd/config.toml"
  wait_for containerd 30 ctr_ version

  # --- the images of the node's own pods, built here (see node_images) ---------------------
  node_images "$pause" "$sandbox_image"

  # --- kubelet ---------------------------------------------------------------------------
  # cgroup v1 only on this machine (failCgroupV1: false); no swap accounting; no node
  # allocatable enforcement (the machine's cgroups are not the kubelet's to carve);
  # resolvConf "": a pod's DNS is the cluster's, nothing is forwarded beyond its zone.
  cat >"$d/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $k8s_node_ip
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $pki/ca.crt }
authorization: { mode: Webhook }
tlsCertFile: $pki/kubelet.crt
tlsPrivateKeyFile: $pki/kubelet.key
clusterDNS: [$k8s_dns_ip]
clusterDomain: $k8s_cluster_domain
resolvConf: ""
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
enforceNodeAllocatable: []
containerRuntimeEndpoint: unix://$k8s_containerd_socket
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
YAML
  start kubelet kubelet --config "$d/kubelet/config.yaml" --kubeconfig "$d/kubelet.kubeconfig" \
    --hostname-override "$k8s_node" --node-ip "$k8s_node_ip" --root-dir "$d/kubelet/root" \
    --cert-dir "$d/kubelet/pki" --v 1
  # kube-proxy: Services as iptables rules; NodePorts only on the bridge; the machine's
  # conntrack sysctls left as they are (0 = do not set).
  start kube-proxy kube-proxy --kubeconfig "$d/kube-proxy.kubeconfig" --hostname-override "$k8s_node" \
    --proxy-mode iptables --cluster-cidr "$k8s_pod_cidr" --nodeport-addresses "$k8s_node_ip/32" \
    --metrics-bind-address 127.0.0.1:10249 --healthz-bind-address 127.0.0.1:10256 \
    --conntrack-max-per-core 0 --conntrack-tcp-timeout-established 0 --conntrack-tcp-timeout-close-wait 0
  start provisioner obs-local-provisioner --kubeconfig "$d/provisioner.kubeconfig" \
    --root "$d/volumes" --node "$k8s_node"
  wait_for "node $k8s_node" 120 kubectl_ wait --for=condition=Ready "node/$k8s_node" --timeout=1s

  # --- cluster add-ons: storage, DNS, NetworkPolicy enforcement -------------------------------
  node_addons | kubectl_ apply -f - >/dev/null
  wait_for "cluster DNS and NetworkPolicy agent" 120 kubectl_ -n kube-system rollout status \
    deployment/coredns daemonset/kube-network-policies --timeout=1s
}

ctr_() { ctr --address "$k8s_containerd_socket" --namespace k8s.io "$@"; }

# node_images <pause binary> <sandbox image>: the sandbox image and the images of CoreDNS, the
# NetworkPolicy agent and the tests' client pods, each laid out as its official image is
# (user, entrypoint, paths); imported into the node's containerd.
node_images() {
  local pause=$1 sandbox=$2 root
  # registry.k8s.io/pause: /pause, user 65535:65535.
  root=$(mktemp -d)
  image_root "$root" 65535 65535
  install -m 755 "$pause" "$root/pause"
  node_image "$sandbox" "$root" '{"User":"65535:65535","Entrypoint":["/pause"]}'
  # coredns/coredns: /coredns, user 65532:65532 (nonroot), workdir /. The official binary has
  # the file capability cap_net_bind_service; this one listens on 1053 instead of 53 (the
  # Service maps 53 to it), so it needs no capability at all.
  root=$(mktemp -d)
  image_root "$root" 65532 65532
  install -m 755 "$(command -v coredns)" "$root/coredns"
  node_image "localhost/obs-k8s/coredns:$coredns_version" "$root" \
    '{"User":"65532:65532","Entrypoint":["/coredns"],"WorkingDir":"/","ExposedPorts":{"1053/tcp":{},"1053/udp":{}}}'
  # registry.k8s.io/networking/kube-network-policies: /bin/netpol, root, CMD ["/bin/netpol"].
  root=$(mktemp -d)
  image_root "$root" 0 0
  install -D -m 755 "$(command -v kube-network-policies)" "$root/bin/netpol"
  node_image "localhost/obs-k8s/kube-network-policies:$netpol_version" "$root" '{"User":"0","Cmd":["/bin/netpol"]}'
  # The tests' client pods (NetworkPolicy probes, a crash-looping pod): static busybox.
  local busybox applet
  busybox=$(command -v busybox) || k8s_die "busybox not found (apt-get install busybox-static)"
  root=$(mktemp -d)
  image_root "$root" 65534 65534
  install -D -m 755 "$busybox" "$root/bin/busybox"
  for applet in sh wget nc timeout sleep cat ls; do ln -s busybox "$root/bin/$applet"; done
  node_image localhost/obs-k8s/busybox:test "$root" '{"User":"65534:65534","Entrypoint":["/bin/sh"]}'
}

# node_image <ref> <root dir> <config json>: archive, import, and remove the root dir.
node_image() {
  local archive=$k8s_dir/images/$(tr '/:' '__' <<<"$1").tar
  image_archive "$1" "$2" "$3" "$archive"
  rm -rf "$2"
  ctr_ images import "$archive" 2>&1 >/dev/null | grep -v DEPRECATION >&2 || true
  rm -f "$archive"
  k8s_log "image $1 imported"
}

# reader_identity <name> <core resources> <group: resources>: a ServiceAccount in kube-system
# that may list and watch those resources cluster-wide, as YAML.
reader_identity() {
  cat <<YAML
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: $1, namespace: kube-system }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: "obs-k8s:$1" }
rules:
  - { apiGroups: [""], resources: [$2], verbs: [list, watch] }
  - { apiGroups: [${3%%:*}], resources: [${3#*: }], verbs: [list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: "obs-k8s:$1" }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "obs-k8s:$1" }
subjects: [{ kind: ServiceAccount, name: $1, namespace: kube-system }]
YAML
}

node_addons() {
  # Volumes are created by the node's provisioner when a pod of the claim is scheduled, as
  # with any cloud disk, and removed with the claim.
  k8s_storage_class observability-stack.test/local WaitForFirstConsumer Delete
  reader_identity coredns "services, pods, namespaces" "discovery.k8s.io: endpointslices"
  reader_identity kube-network-policies "pods, namespaces" "networking.k8s.io: networkpolicies"
  cat <<YAML
---
# Only the cluster's own zones: any other name is refused, never forwarded.
apiVersion: v1
kind: ConfigMap
metadata: { name: coredns, namespace: kube-system }
data:
  Corefile: |
    $k8s_cluster_domain:1053 96.10.in-addr.arpa:1053 0.244.10.in-addr.arpa:1053 {
        errors
        health :8080
        ready :8181
        kubernetes $k8s_cluster_domain 96.10.in-addr.arpa 0.244.10.in-addr.arpa {
            pods insecure
        }
        cache 30
        loop
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: coredns, namespace: kube-system, labels: { k8s-app: kube-dns } }
spec:
  replicas: 1
  selector: { matchLabels: { k8s-app: kube-dns } }
  template:
    metadata: { labels: { k8s-app: kube-dns } }
    spec:
      serviceAccountName: coredns
      dnsPolicy: Default
      securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: coredns
          image: localhost/obs-k8s/coredns:$coredns_version
          imagePullPolicy: Never
          args: [-conf, /etc/coredns/Corefile]
          ports:
            - { name: dns, containerPort: 1053, protocol: UDP }
            - { name: dns-tcp, containerPort: 1053, protocol: TCP }
          readinessProbe: { httpGet: { path: /ready, port: 8181 }, periodSeconds: 2 }
          livenessProbe: { httpGet: { path: /health, port: 8080 }, periodSeconds: 10 }
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
          resources: { requests: { cpu: 50m, memory: 32Mi }, limits: { memory: 128Mi } }
          volumeMounts: [{ name: config, mountPath: /etc/coredns, readOnly: true }]
      volumes: [{ name: config, configMap: { name: coredns } }]
---
apiVersion: v1
kind: Service
metadata: { name: kube-dns, namespace: kube-system, labels: { k8s-app: kube-dns } }
spec:
  clusterIP: $k8s_dns_ip
  selector: { k8s-app: kube-dns }
  ports:
    - { name: dns, port: 53, targetPort: 1053, protocol: UDP }
    - { name: dns-tcp, port: 53, targetPort: 1053, protocol: TCP }
---
# As upstream's install.yaml runs it, without NRI (off in this containerd); its metrics on
# loopback only, since it shares the node's network; without its DNS workaround, another
# nftables queue chain for a conntrack race that kernels fixed in 6.12 (node_network says
# how connections reach its queue).
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: kube-network-policies, namespace: kube-system, labels: { k8s-app: kube-network-policies } }
spec:
  selector: { matchLabels: { k8s-app: kube-network-policies } }
  template:
    metadata: { labels: { k8s-app: kube-network-policies } }
    spec:
      hostNetwork: true
      serviceAccountName: kube-network-policies
      tolerations: [{ operator: Exists, effect: NoSchedule }]
      containers:
        - name: kube-network-policies
          image: localhost/obs-k8s/kube-network-policies:$netpol_version
          imagePullPolicy: Never
          args: [/bin/netpol, "--hostname-override=\$(NODE_NAME)", --nfqueue-id=$k8s_netpol_queue, --disable-nri, --netfilter-bug-1766-fix=false, --metrics-bind-address=127.0.0.1:9080, --v=2]
          env: [{ name: NODE_NAME, valueFrom: { fieldRef: { fieldPath: spec.nodeName } } }]
          securityContext: { privileged: true }
          resources: { requests: { cpu: 50m, memory: 50Mi } }
YAML
}

# node_down: after the kubelet has stopped (or it would start them again), stop every pod
# through the CRI, so the CNI plugin releases its addresses, veths and network namespaces.
node_down() {
  [[ -S $k8s_containerd_socket ]] && command -v crictl >/dev/null || return 0
  local cri=(crictl --runtime-endpoint "unix://$k8s_containerd_socket" --timeout 30s) pods
  mapfile -t pods < <("${cri[@]}" pods -q 2>/dev/null)
  [[ ${#pods[@]} -eq 0 ]] && return 0
  "${cri[@]}" stopp "${pods[@]}" >/dev/null 2>&1 || k8s_log "crictl stopp failed: cleaning up by hand"
  "${cri[@]}" rmp --force "${pods[@]}" >/dev/null 2>&1 || true
  k8s_log "stopped ${#pods[@]} pod(s) of the node"
}

# node_cleanup: after every process has stopped.
node_cleanup() {
  local d=$k8s_dir pid m t chain rule ns
  # What the CRI could not stop: every process left in the kubelet's cgroups, and the shims,
  # which outlive containerd by design (ours name our socket on their command line).
  for t in /sys/fs/cgroup/memory/kubepods; do
    [[ -d $t ]] || continue
    for pid in $(find "$t" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $k8s_containerd_socket" || true); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  sleep 0.5
  if [[ -d $d ]]; then
    for m in $(findmnt -rn -o TARGET | grep -F -- "$d/" | sort -r); do umount -l "$m" 2>/dev/null || true; done
  fi
  for t in $(find /sys/fs/cgroup/*/kubepods -depth -type d 2>/dev/null); do rmdir "$t" 2>/dev/null || true; done
  # Network namespaces the CNI plugin made for our pods: those holding an address of the pod
  # network; and the host ends of their veths, on our bridge.
  for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^cni-/ { print $1 }'); do
    ip netns exec "$ns" ip -4 -o addr show 2>/dev/null | grep -qF " ${k8s_pod_cidr%.*}." && ip netns delete "$ns"
  done
  for m in $(ip -o link show master "$k8s_bridge" 2>/dev/null | awk -F': ' '{ print $2 }' | cut -d@ -f1); do
    ip link del "$m" 2>/dev/null || true
  done
  ip link del "$k8s_bridge" 2>/dev/null || true
  local ipt
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null || continue
    for t in filter nat mangle; do
      # Rules of built-in chains that jump to a chain of ours, then those chains.
      while read -r rule; do
        # eval: the rule as iptables -S prints it, quoted comments and all.
        [[ -n $rule ]] && eval "$ipt -t $t ${rule/-A/-D}" 2>/dev/null || true
      done < <($ipt -t "$t" -S 2>/dev/null | grep -E '^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) .*-j (KUBE-|CNI-|OBS-K8S-)' || true)
      for chain in $($ipt -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^(KUBE-|CNI-|OBS-K8S-)/ { print $2 }'); do
        $ipt -t "$t" -F "$chain" 2>/dev/null || true
      done
      for chain in $($ipt -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^(KUBE-|CNI-|OBS-K8S-)/ { print $2 }'); do
        $ipt -t "$t" -X "$chain" 2>/dev/null || true
      done
    done
  done
  for t in "inet kube-network-policies" "ip kube-proxy" "ip6 kube-proxy"; do
    # shellcheck disable=SC2086 # family and name
    nft list table $t >/dev/null 2>&1 && nft delete table $t
  done
  if [[ -f $d/run/ip_forward.before ]]; then
    cat "$d/run/ip_forward.before" >/proc/sys/net/ipv4/ip_forward
  fi
}
