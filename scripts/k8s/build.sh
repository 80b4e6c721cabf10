#!/usr/bin/env bash
# Build the local Kubernetes control plane that `npm run test:e2e:k8s` runs against: test
# infrastructure only, never a dependency of the stack. Cached like scripts/toolchain.
#
#   scripts/k8s/build.sh [tool...]     default: every tool, in this order:
#     etcd         etcd                                  go.etcd.io/etcd/server/v3
#     kubernetes   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
#                                                        k8s.io/kubernetes (wrapper module)
#     node         kubelet, kube-proxy                   k8s.io/kubernetes (the same wrapper)
#     containerd   containerd, ctr, containerd-shim-runc-v2
#                                                        github.com/containerd/containerd/v2
#     runc         runc (cgo, seccomp)                   github.com/opencontainers/runc
#     crictl       crictl: stops the node's pods at teardown (CNI DEL)
#                                                        sigs.k8s.io/cri-tools
#     coredns      coredns: the cluster's DNS            github.com/coredns/coredns
#     netpol       kube-network-policies: enforces NetworkPolicies (nftables + nfqueue)
#                                                        sigs.k8s.io/kube-network-policies
#     provisioner  obs-local-provisioner: creates a host directory volume per claim
#                                                        scripts/k8s/provisioner (ours)
#     pause        pause: the pod sandbox's process      scripts/k8s/pause.c (ours, static)
#     kwok         kwok + its Stage objects (stages/)    sigs.k8s.io/kwok, cmd/kwok; simulated
#                  nodes for scale experiments only, not built by default
#   scripts/k8s/build.sh --print-path  colon-separated bin dirs of the cached tools
#   scripts/k8s/build.sh --bin-dir <tool>  the bin dir of one tool (cached or not)
#
# Versions come from versions.json (testInfra). Cache: $OBS_TOOLCHAIN_DIR (default
# ~/.cache/observability-stack/toolchain)/<tool>/<version>/bin, the same layout as
# scripts/toolchain/install.sh. Each build prints its time.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
versions_file=$repo_root/versions.json
cache_root=${OBS_TOOLCHAIN_DIR:-$HOME/.cache/observability-stack/toolchain}
all_tools=(etcd kubernetes node containerd runc crictl coredns netpol provisioner pause)
known_tools=("${all_tools[@]}" kwok)

log() { printf 'k8s-build: %s\n' "$*"; }
die() { printf 'k8s-build: error: %s\n' "$*" >&2; exit 1; }

version_of() {
  local value
  value=$(node -e '
    const [file, key] = process.argv.slice(1);
    const v = key.split(".").reduce((o, k) => (o == null ? undefined : o[k]), require(file));
    if (typeof v === "string" && v !== "") console.log(v);' "$versions_file" "$1") \
    || die "cannot read $versions_file (is node installed?)"
  [[ -n $value ]] || die "versions.json has no string at '$1'"
  printf '%s\n' "$value"
}
etcd_version=$(version_of testInfra.etcd)
kubernetes_version=$(version_of testInfra.kubernetes)
kwok_version=$(version_of testInfra.kwok)
containerd_version=$(version_of testInfra.containerd)
runc_version=$(version_of testInfra.runc)
crictl_version=$(version_of testInfra.criTools)
coredns_version=$(version_of testInfra.coredns)
netpol_version=$(version_of testInfra.kubeNetworkPolicies)
# Our own sources: their digest is the cache key, so an edit builds a new entry.
provisioner_key=$(cat "$script_dir"/provisioner/go.mod "$script_dir"/provisioner/go.sum "$script_dir"/provisioner/*.go | sha256sum | cut -c1-12)
pause_key=$(sha256sum "$script_dir/pause.c" | cut -c1-12)

key_of() {
  case $1 in
    etcd) echo "$etcd_version" ;;
    kwok) echo "$kwok_version" ;;
    kubernetes | node) echo "$kubernetes_version" ;;
    containerd) echo "$containerd_version" ;;
    runc) echo "$runc_version" ;;
    crictl) echo "$crictl_version" ;;
    coredns) echo "$coredns_version" ;;
    netpol) echo "$netpol_version" ;;
    provisioner) echo "$provisioner_key" ;;
    pause) echo "$pause_key" ;;
    *) die "unknown tool '$1' (known: ${known_tools[*]})" ;;
  esac
}
binaries_of() {
  case $1 in
    etcd) echo etcd ;;
    kwok) echo kwok ;;
    kubernetes) echo kube-apiserver kube-controller-manager kube-scheduler kubectl ;;
    node) echo kubelet kube-proxy ;;
    containerd) echo containerd ctr containerd-shim-runc-v2 ;;
    runc) echo runc ;;
    crictl) echo crictl ;;
    coredns) echo coredns ;;
    netpol) echo kube-network-policies ;;
    provisioner) echo obs-local-provisioner ;;
    pause) echo pause ;;
  esac
}
bin_dir_of() { echo "$cache_root/$1/$(key_of "$1")/bin"; }
is_cached() {
  local dir b
  dir=$(bin_dir_of "$1")
  for b in $(binaries_of "$1"); do [[ -x $dir/$b ]] || return 1; done
  [[ $1 != kwok || -d $dir/../stages ]]
}

case ${1:-} in
  --print-path)
    out=
    for t in "${known_tools[@]}"; do is_cached "$t" && out+="${out:+:}$(bin_dir_of "$t")"; done
    printf '%s\n' "$out"
    exit 0 ;;
  --bin-dir) bin_dir_of "${2:?--bin-dir needs a tool}"; exit 0 ;;
  -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
esac

[[ $# -gt 0 ]] || set -- "${all_tools[@]}"
for t in "$@"; do key_of "$t" >/dev/null; done

command -v go >/dev/null || die "go is not installed"
export GOTOOLCHAIN=local GOWORK=off GO111MODULE=on CGO_ENABLED=0
export GOFLAGS="-buildvcs=false -mod=mod"
go_ver=$(go env GOVERSION)
go_ver=${go_ver#go}
mkdir -p "$cache_root"

tmp_dirs=()
cleanup() { local d; for d in "${tmp_dirs[@]}"; do chmod -R u+w "$d" 2>/dev/null || true; rm -rf "$d"; done; }
trap cleanup EXIT

# stage <tool> <builder>: build into a temp dir beside the cache entry, then move into place.
# The builder is called as <builder> <out-dir> (bin/ inside it) from a scratch dir.
stage() {
  local tool=$1 builder=$2 key dest tmp start b
  key=$(key_of "$tool")
  dest=$cache_root/$tool/$key
  if is_cached "$tool"; then log "$tool $key cached ($dest)"; return; fi
  mkdir -p "$cache_root/$tool"
  exec 9>"$cache_root/$tool/.lock"
  if ! flock -n 9; then log "$tool $key: waiting for another build"; flock 9; fi
  if is_cached "$tool"; then log "$tool $key cached ($dest)"; exec 9>&-; return; fi
  log "$tool $key: building"
  start=$SECONDS
  tmp=$(mktemp -d "$cache_root/$tool/.build-$key.XXXXXX")
  tmp_dirs+=("$tmp")
  mkdir -p "$tmp/out/bin" "$tmp/scratch"
  (cd "$tmp/scratch" && "$builder" "$tmp/out")
  for b in $(binaries_of "$tool"); do [[ -x $tmp/out/bin/$b ]] || die "$tool: $b was not built"; done
  rm -rf "$dest"
  mv "$tmp/out" "$dest"
  log "$tool $key built in $((SECONDS - start))s ($dest)"
  exec 9>&-
}

# reports_version <name> <wanted text> <what the binary printed>
reports_version() {
  grep -qF -- "$2" <<<"$3" || die "$1 reports '$(head -n 1 <<<"$3")', want $2"
}

module_dir() {
  local dir
  dir=$(go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [[ -n $dir && -f $dir/go.mod ]] || die "go mod download $1 gave no module directory"
  printf '%s\n' "$dir"
}
module_time() { go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' "$1"; }
# module_commit <module@version>: the tag's commit hash when the proxy reports it.
module_commit() {
  go mod download -json "$1" | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log((m.Origin && m.Origin.Hash) || "");'
}
# wrapper <dir> <module> <version> <package>: a module of our own that requires <module>.
wrapper() {
  mkdir -p "$1"
  printf 'module observability-stack/test-infra/%s\n\ngo %s\n\nrequire %s %s\n' "$(basename "$1")" "$go_ver" "$2" "$3" >"$1/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$4" >"$1/tools.go"
}

build_etcd() {
  local out=$1 v=v$etcd_version m=go.etcd.io/etcd/server/v3
  wrapper etcd "$m" "$v" "$m"
  (cd etcd && go mod tidy && go build -trimpath -ldflags "-s -w" -o "$out/bin/etcd" "$m")
  # The output is read whole first: `cmd | grep -q` under pipefail fails when grep stops
  # reading at its first match and the command dies of SIGPIPE.
  reports_version "etcd" "etcd Version: $etcd_version" "$("$out/bin/etcd" --version)"
  log "  $("$out/bin/etcd" --version | head -n 1)"
}

build_kwok() {
  local out=$1 v=v$kwok_version m=sigs.k8s.io/kwok up
  up=$(module_dir "$m@$v")
  wrapper kwok "$m" "$v" "$m/cmd/kwok"
  cp "$up/go.sum" kwok/go.sum && chmod u+w kwok/go.sum
  (cd kwok && go build -trimpath -ldflags "-s -w -X $m/pkg/consts.Version=$kwok_version" -o "$out/bin/kwok" "$m/cmd/kwok")
  # The Stage objects kwok needs to do anything: node initialize + heartbeat with lease,
  # pod create/ready/complete/delete (the "general" set), as shipped in the module.
  mkdir -p "$out/stages"
  cp "$up"/kustomize/stage/node/fast/node-initialize.yaml \
    "$up"/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    "$up"/kustomize/stage/pod/general/pod-*.yaml "$out/stages/"
  chmod -R u+w "$out/stages"
  reports_version "kwok" "$kwok_version" "$("$out/bin/kwok" --version 2>&1)"
  log "  $("$out/bin/kwok" --version 2>&1 | head -n 1); stages: $(cd "$out/stages" && echo *.yaml)"
}

# kubernetes_wrapper: the wrapper module of k8s.io/kubernetes in ./kubernetes, and in
# $kubernetes_ldflags the version stamps its commands print.
kubernetes_wrapper() {
  local v=$kubernetes_version m=k8s.io/kubernetes up staging date commit major minor rest
  up=$(module_dir "$m@v$v")
  IFS=. read -r major minor rest <<<"$v"
  staging=v0.$minor.$rest
  wrapper kubernetes "$m" "v$v" "$m/cmd/kube-apiserver"
  # Upstream points every staging module at ./staging/src/k8s.io/<m>: the published
  # k8s.io/<m> at v0.<minor>.<patch> instead (sample-cli-plugin and sample-controller are
  # refused by the proxy and used by none of our commands).
  local edits
  # shellcheck disable=SC2016 # JavaScript, not shell
  mapfile -t edits < <(go mod edit -json "$up/go.mod" | STAGING=$staging node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const r of m.Replace || []) {
      if (!r.New.Path.startsWith("./staging/src/")) continue;
      if (/\/sample-(cli-plugin|controller)$/.test(r.Old.Path)) continue;
      console.log(`-replace=${r.Old.Path}=${r.Old.Path}@${process.env.STAGING}`);
    }')
  [[ ${#edits[@]} -gt 20 ]] || die "kubernetes: found only ${#edits[@]} staging replaces in upstream go.mod"
  (cd kubernetes && go mod edit "${edits[@]}")
  log "  kubernetes: ${#edits[@]} staging modules replaced by their published $staging"
  cp "$up/go.sum" kubernetes/go.sum && chmod u+w kubernetes/go.sum
  date=$(module_time "$m@v$v")
  commit=$(module_commit "$m@v$v")
  kubernetes_ldflags="-s -w"
  local p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    kubernetes_ldflags+=" -X $p.gitVersion=v$v -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitCommit=$commit"
    kubernetes_ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
}
# kubernetes_commands <out> <command...>: build cmd/<command> of k8s.io/kubernetes.
kubernetes_commands() {
  local out=$1 b s
  shift
  kubernetes_wrapper
  for b in "$@"; do
    s=$SECONDS
    (cd kubernetes && go build -tags providerless -trimpath -ldflags "$kubernetes_ldflags" -o "$out/bin/$b" "k8s.io/kubernetes/cmd/$b")
    log "  $b built in $((SECONDS - s))s"
  done
}

build_kubernetes() {
  local out=$1 v=$kubernetes_version
  kubernetes_commands "$out" kube-apiserver kube-controller-manager kube-scheduler kubectl
  reports_version "kube-apiserver" "v$v" "$("$out/bin/kube-apiserver" --version)"
  log "  $("$out/bin/kube-apiserver" --version); kubectl $("$out/bin/kubectl" version --client -o json | node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).clientVersion.gitVersion)')"
}

build_node() {
  local out=$1 v=$kubernetes_version
  kubernetes_commands "$out" kubelet kube-proxy
  reports_version "kubelet" "v$v" "$("$out/bin/kubelet" --version)"
  reports_version "kube-proxy" "v$v" "$("$out/bin/kube-proxy" --version)"
  log "  $("$out/bin/kubelet" --version)"
}

# upstream_wrapper <dir> <module> <version> <package>: a wrapper with upstream's go.sum.
upstream_wrapper() {
  local up
  up=$(module_dir "$2@$3")
  wrapper "$@"
  cp "$up/go.sum" "$1/go.sum" && chmod u+w "$1/go.sum"
}

build_containerd() {
  local out=$1 v=v$containerd_version m=github.com/containerd/containerd/v2 c
  upstream_wrapper containerd "$m" "$v" "$m/cmd/containerd"
  for c in containerd ctr containerd-shim-runc-v2; do
    (cd containerd && go build -trimpath -tags "no_btrfs no_devmapper no_zfs" \
      -ldflags "-s -w -X $m/version.Version=$containerd_version -X $m/version.Revision=v$containerd_version" \
      -o "$out/bin/$c" "$m/cmd/$c")
  done
  reports_version "containerd" "$containerd_version" "$("$out/bin/containerd" --version)"
  log "  $("$out/bin/containerd" --version)"
}

# runc needs cgo for seccomp (Debian's libseccomp-dev); Debian's own runc 1.1.5 fails every
# pod sandbox here (../shared/BUILD-NOTES.md).
build_runc() {
  local out=$1 v=v$runc_version m=github.com/opencontainers/runc
  [[ -f /usr/include/seccomp.h ]] || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libseccomp-dev >/dev/null
  } || die "runc needs libseccomp-dev (apt-get install libseccomp-dev)"
  upstream_wrapper runc "$m" "$v" "$m"
  (cd runc && CGO_ENABLED=1 go build -trimpath -tags seccomp -ldflags "-s -w" -o "$out/bin/runc" "$m")
  reports_version "runc" "runc version $runc_version" "$("$out/bin/runc" --version)"
  log "  $("$out/bin/runc" --version | head -n 1)"
}

build_crictl() {
  local out=$1 v=v$crictl_version m=sigs.k8s.io/cri-tools
  upstream_wrapper crictl "$m" "$v" "$m/cmd/crictl"
  (cd crictl && go build -trimpath -ldflags "-s -w -X $m/pkg/version.Version=$crictl_version" -o "$out/bin/crictl" "$m/cmd/crictl")
  reports_version "crictl" "$crictl_version" "$("$out/bin/crictl" --version)"
}

build_coredns() {
  local out=$1 v=v$coredns_version m=github.com/coredns/coredns
  upstream_wrapper coredns "$m" "$v" "$m"
  (cd coredns && go build -trimpath -ldflags "-s -w" -o "$out/bin/coredns" "$m")
  reports_version "coredns" "CoreDNS-$coredns_version" "$("$out/bin/coredns" -version)"
  log "  $("$out/bin/coredns" -version | head -n 1)"
}

build_netpol() {
  local out=$1 v=v$netpol_version m=sigs.k8s.io/kube-network-policies
  upstream_wrapper netpol "$m" "$v" "$m/cmd"
  (cd netpol && go build -trimpath -ldflags "-s -w" -o "$out/bin/kube-network-policies" "$m/cmd")
  log "  kube-network-policies $netpol_version"
}

build_provisioner() {
  local out=$1
  cp -r "$script_dir/provisioner" provisioner
  chmod -R u+w provisioner
  (cd provisioner && go mod tidy && go build -trimpath -ldflags "-s -w" -o "$out/bin/obs-local-provisioner" .)
}

build_pause() {
  local out=$1
  command -v gcc >/dev/null || die "gcc is not installed"
  gcc -O2 -static -o "$out/bin/pause" "$script_dir/pause.c"
}

log "go $go_ver, GOPROXY=$(go env GOPROXY), cache $cache_root"
total=$SECONDS
for t in "$@"; do stage "$t" "build_$t"; done
log "done in $((SECONDS - total))s; bin dirs: $("${BASH_SOURCE[0]}" --print-path)"
