#!/usr/bin/env bash
# Build the project's command-line tools with Go and cache them by version.
#
#   scripts/toolchain/install.sh [tool...]     default: every tool, in this order:
#     prometheus      prometheus + promtool        (Go module proxy)
#     alertmanager    alertmanager + amtool        (Go module proxy)
#     node-exporter   node_exporter                (Go module proxy)
#     pulumi          pulumi CLI (module proxy) + pulumi-language-nodejs (shared sources)
#     pulumi-plugins  pulumi-resource-{random,docker,kubernetes} (shared sources), then
#                     registered with `pulumi plugin install`; implies `pulumi`
#     jaeger          jaeger (v2)                  (wrapper module, Go module proxy)
#     otelcol         otelcol (our builder manifest scripts/toolchain/otelcol-builder.yaml)
#     cadvisor        cadvisor (our main in scripts/toolchain/cadvisor on the library)
#     pint            pint: Prometheus rule linter  (wrapper module, Go module proxy)
#     kubeconform     kubeconform: manifest schemas (wrapper module, Go module proxy)
#     kube-score      kube-score: manifest checks   (wrapper module, Go module proxy)
#     blackbox-exporter  blackbox_exporter: the error tracker's probe, and its metrics
#                     for test/tools/exporter-catalog.test.ts (wrapper module, Go module proxy)
#     kube-state-metrics  kube-state-metrics: Kubernetes object metrics, deployed on the
#                     kubernetes target (wrapper module, Go module proxy; exact version)
#   scripts/toolchain/install.sh --print-path  colon-separated bin dirs of the cached
#                                              tools (no plugins); builds nothing
#
# Versions come from versions.json only. Cache: $OBS_TOOLCHAIN_DIR (default
# ~/.cache/observability-stack/toolchain)/<tool>/<version>/bin. Shared sources:
# $OBS_SHARED_DIR (default <repo>/../shared), read-only, copied to a temp dir to build.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(git -C "$script_dir" rev-parse --show-toplevel 2>/dev/null || (cd "$script_dir/../.." && pwd))
versions_file=$repo_root/versions.json
shared_dir=${OBS_SHARED_DIR:-$repo_root/../shared}
cache_root=${OBS_TOOLCHAIN_DIR:-$HOME/.cache/observability-stack/toolchain}

# Not Loki: Loki's Go module is AGPL, and no AGPL module is built into the project
# or its tests (the e2e stack runs a stand-in, components/loki/stand-in.ts).
all_tools=(prometheus alertmanager node-exporter pulumi pulumi-plugins jaeger otelcol cadvisor pint kubeconform kube-score blackbox-exporter kube-state-metrics)
# The tools --print-path (and so env.sh) puts on PATH.
path_tools=(prometheus alertmanager node-exporter pulumi jaeger otelcol cadvisor pint kubeconform kube-score blackbox-exporter kube-state-metrics)
plugins=(random docker kubernetes)

log() { printf 'toolchain: %s\n' "$*"; }
die() { printf 'toolchain: error: %s\n' "$*" >&2; exit 1; }

# version_of <dotted.key> [default]: a string from versions.json, e.g. components.prometheus.
version_of() {
  local value
  value=$(node -e '
    const [file, key] = process.argv.slice(1);
    const v = key.split(".").reduce((o, k) => (o == null ? undefined : o[k]), require(file));
    if (typeof v === "string" && v !== "") console.log(v);' "$versions_file" "$1") \
    || die "cannot read $versions_file (is node installed?)"
  if [[ -z $value ]]; then
    [[ $# -ge 2 ]] || die "versions.json has no string at '$1'"
    value=$2
  fi
  printf '%s\n' "$value"
}

# --- versions and cache keys (one place, also used by --print-path) --------------------
prometheus_version=$(version_of components.prometheus)
alertmanager_version=$(version_of components.alertmanager)
# amtool validates alertmanager.yml; it follows alertmanager unless tools.amtool says otherwise.
amtool_version=$(version_of tools.amtool "$alertmanager_version")
node_exporter_version=$(version_of components.nodeExporter)
pulumi_version=$(version_of pulumi.cli)
language_nodejs_version=$(version_of pulumi.languageNodejs)
# Jaeger v2 is released as Go module v1.x (2.13.0 = v1.76.0): versions.json says which.
jaeger_version=$(version_of components.jaeger)
jaeger_module_version=$(version_of tools.jaegerModule)
# The collector: builder, core and contrib modules at v<version>; the stable (1.x) core
# modules such as the confmap providers at tools.otelcolStable.
otelcol_version=$(version_of components.otelCollector)
otelcol_stable_version=$(version_of tools.otelcolStable)
# The manifest decides which components the binary holds, so it is part of the key: a
# changed manifest builds a new entry beside the old one (e2e images follow the binary).
otelcol_manifest_hash=$(sha256sum "$script_dir/otelcol-builder.yaml" | cut -c1-12)
cadvisor_version=$(version_of components.cadvisor)
# Checkers of what the program renders (rules, Kubernetes manifests), not deployed.
pint_version=$(version_of checkers.pint)
kubeconform_version=$(version_of checkers.kubeconform)
kube_score_version=$(version_of checkers.kubeScore)
# The error tracker's probe (errorTracking.probe): deployed as an image, run by the tool tests.
blackbox_version=$(version_of errorTracking.probe)
kube_state_metrics_version=$(version_of components.kubeStateMetrics)
declare -A plugin_version
for p in "${plugins[@]}"; do plugin_version[$p]=$(version_of "pulumi.plugins.$p"); done

key_of() {
  case $1 in
    prometheus) echo "$prometheus_version" ;;
    alertmanager)
      if [[ $amtool_version == "$alertmanager_version" ]]; then echo "$alertmanager_version"
      else echo "$alertmanager_version+amtool-$amtool_version"; fi ;;
    node-exporter) echo "$node_exporter_version" ;;
    pulumi)
      if [[ $language_nodejs_version == "$pulumi_version" ]]; then echo "$pulumi_version"
      else echo "$pulumi_version+nodejs-$language_nodejs_version"; fi ;;
    pulumi-resource-*) echo "${plugin_version[${1#pulumi-resource-}]}" ;;
    jaeger) echo "$jaeger_version" ;;
    otelcol) echo "$otelcol_version+manifest-$otelcol_manifest_hash" ;;
    cadvisor) echo "$cadvisor_version" ;;
    pint) echo "$pint_version" ;;
    kubeconform) echo "$kubeconform_version" ;;
    kube-score) echo "$kube_score_version" ;;
    blackbox-exporter) echo "$blackbox_version" ;;
    kube-state-metrics) echo "$kube_state_metrics_version" ;;
    *) die "unknown tool '$1'" ;;
  esac
}
binaries_of() {
  case $1 in
    prometheus) echo prometheus promtool ;;
    alertmanager) echo alertmanager amtool ;;
    node-exporter) echo node_exporter ;;
    blackbox-exporter) echo blackbox_exporter ;;
    pulumi) echo pulumi pulumi-language-nodejs ;;
    pulumi-resource-*) echo "$1" ;;
    jaeger | otelcol | cadvisor | pint | kubeconform | kube-score | kube-state-metrics) echo "$1" ;;
  esac
}
bin_dir_of() { echo "$cache_root/$1/$(key_of "$1")/bin"; }
is_cached() {
  local dir b
  dir=$(bin_dir_of "$1")
  for b in $(binaries_of "$1"); do [[ -x $dir/$b ]] || return 1; done
}

if [[ ${1:-} == --print-path ]]; then
  out=
  for t in "${path_tools[@]}"; do
    is_cached "$t" && out+="${out:+:}$(bin_dir_of "$t")"
  done
  printf '%s\n' "$out"
  exit 0
fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
  exit 0
fi

# --- which tools, in dependency order --------------------------------------------------
declare -A wanted=()
[[ $# -gt 0 ]] || set -- "${all_tools[@]}"
for t in "$@"; do
  case " ${all_tools[*]} " in *" $t "*) wanted[$t]=1 ;; *) die "unknown tool '$t' (known: ${all_tools[*]})" ;; esac
done
[[ -n ${wanted[pulumi-plugins]:-} ]] && wanted[pulumi]=1

# --- Go environment: no surprises from the caller ----------------------------------------
command -v go >/dev/null || die "go is not installed"
export GOTOOLCHAIN=local GOWORK=off GO111MODULE=on CGO_ENABLED=0
export GOFLAGS=-buildvcs=false  # replaces any GOFLAGS from the environment or go env
# Two served module versions have no checksum database entry (see pulumi-src/README.md).
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi-kubernetes,github.com/fluxcd"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
go_ver=$(go env GOVERSION)
go_ver=${go_ver#go}

mkdir -p "$cache_root"

tmp_dirs=()
current_stage=
cleanup() {
  local rc=$? d
  [[ $rc -eq 0 || -z $current_stage ]] || printf 'toolchain: error: %s failed (exit %s); nothing cached\n' "$current_stage" "$rc" >&2
  for d in "${tmp_dirs[@]}"; do chmod -R u+w "$d" 2>/dev/null || true; rm -rf "$d"; done
}
trap cleanup EXIT

# stage <tool> <builder>: build into a temp dir beside the cache entry, check, move into place.
# The builder is called as: <builder> <key> <bin-dir> <scratch-dir>, from the scratch dir.
stage() {
  local tool=$1 builder=$2 key dest tmp start b
  key=$(key_of "$tool")
  dest=$cache_root/$tool/$key
  if is_cached "$tool"; then log "$tool $key cached ($dest)"; return; fi
  # One build of a tool at a time; another install.sh may have built it meanwhile.
  mkdir -p "$cache_root/$tool"
  exec 9>"$cache_root/$tool/.lock"
  if ! flock -n 9; then log "$tool $key: waiting for another install.sh"; flock 9; fi
  if is_cached "$tool"; then log "$tool $key cached ($dest)"; exec 9>&-; return; fi
  log "$tool $key: building"
  start=$SECONDS
  current_stage="$tool $key"
  tmp=$(mktemp -d "$cache_root/$tool/.build-$key.XXXXXX")
  tmp_dirs+=("$tmp")
  mkdir -p "$tmp/out/bin" "$tmp/scratch"
  (cd "$tmp/scratch" && "$builder" "$key" "$tmp/out/bin" "$tmp/scratch")
  for b in $(binaries_of "$tool"); do
    [[ -x $tmp/out/bin/$b ]] || die "$tool: $b was not built"
  done
  rm -rf "$dest"
  mv "$tmp/out" "$dest"
  log "$tool $key built in $((SECONDS - start))s ($dest)"
  current_stage=
  exec 9>&-
}

# expect_version <binary> <version> <args...>: the binary reports the version we pinned.
expect_version() {
  local bin=$1 want=$2 out; shift 2
  out=$("$bin" "$@" 2>&1 | head -n 3) || die "$(basename "$bin") $* failed: $out"
  grep -qF -- "$want" <<<"$out" || die "$(basename "$bin") reports '$out', want $want"
  log "  $(basename "$bin"): $(head -n 1 <<<"$out")"
}

# Flags for github.com/prometheus/common/version; BuildDate is the tag's commit time.
prometheus_ldflags() {  # <module@version> <version>
  local date
  date=$(go list -m -f '{{if .Time}}{{.Time.UTC.Format "20060102-15:04:05"}}{{end}}' "$1")
  local v=github.com/prometheus/common/version
  echo "-s -w -X $v.Version=$2 -X $v.Branch=HEAD -X $v.BuildUser=observability-stack/toolchain -X $v.BuildDate=$date"
}

# --- builders ----------------------------------------------------------------------------
build_prometheus() {
  local bin=$2 v=$prometheus_version major minor patch mod
  IFS=. read -r major minor patch <<<"$v"
  # Prometheus 3.16.0 is published as Go module version v0.316.0.
  mod=github.com/prometheus/prometheus@$(printf 'v0.%d%02d.%d' "$major" "$minor" "$patch")
  GOBIN=$bin go install -trimpath -ldflags "$(prometheus_ldflags "$mod" "$v")" \
    "${mod%@*}/cmd/prometheus@${mod#*@}" "${mod%@*}/cmd/promtool@${mod#*@}"
  expect_version "$bin/prometheus" "version $v" --version
  expect_version "$bin/promtool" "version $v" --version
}

build_alertmanager() {
  local bin=$2 m=github.com/prometheus/alertmanager
  GOBIN=$bin go install -trimpath -ldflags "$(prometheus_ldflags "$m@v$alertmanager_version" "$alertmanager_version")" \
    "$m/cmd/alertmanager@v$alertmanager_version"
  GOBIN=$bin go install -trimpath -ldflags "$(prometheus_ldflags "$m@v$amtool_version" "$amtool_version")" \
    "$m/cmd/amtool@v$amtool_version"
  expect_version "$bin/alertmanager" "version $alertmanager_version" --version
  expect_version "$bin/amtool" "version $amtool_version" --version
}

build_node_exporter() {
  local bin=$2 m=github.com/prometheus/node_exporter@v$node_exporter_version
  GOBIN=$bin go install -trimpath -ldflags "$(prometheus_ldflags "$m" "$node_exporter_version")" "$m"
  expect_version "$bin/node_exporter" "version $node_exporter_version" --version
}

# copy_shared <dir-under-pulumi-src> <scratch>: a writable copy of read-only shared sources.
copy_shared() {
  local src=$shared_dir/pulumi-src/$1
  [[ -d $src ]] || die "missing $src (set OBS_SHARED_DIR to the shared directory)"
  cp -R "$src" "$2/"
  chmod -R u+w "$2/$(basename "$1")"
}

# The shared sources are fixed versions; refuse to label them with another one.
check_shared_version() {  # <grep -F pattern> <what>
  grep -qF -- "$1" "$shared_dir/pulumi-src/README.md" \
    || die "$2: $shared_dir/pulumi-src is not the version pinned in versions.json (no '$1' in its README.md)"
}

build_pulumi() {
  local bin=$2 scratch=$3 v=$pulumi_version lv=$language_nodejs_version
  local sdkver=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
  # The CLI: a wrapper module of our own around pkg/v3 from the module proxy.
  mkdir cli
  cat >cli/go.mod <<GOMOD
module observability-stack/toolchain/pulumi-cli

go $go_ver

require (
	github.com/pulumi/pulumi/pkg/v3 v$v
	github.com/pulumi/pulumi/sdk/v3 v$v
)

// As upstream pkg/v3 does: the original clipboard module does not build here.
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
  cat >cli/tools.go <<'GOSRC'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GOSRC
  (cd cli && GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -ldflags "-s -w -X $sdkver=v$v" \
    -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  expect_version "$bin/pulumi" "v$v" version

  # The Node.js language host: from the shared sources (the proxy refuses its module).
  grep -qE "^[[:space:]]*github.com/pulumi/pulumi/sdk/v3 v$lv\$" "$shared_dir/pulumi-src/language-nodejs/go.mod" \
    || die "pulumi-language-nodejs: shared sources do not use sdk v$lv"
  copy_shared language-nodejs "$scratch"
  (cd language-nodejs && go build -trimpath -ldflags "-s -w -X $sdkver=v$lv" -o "$bin/pulumi-language-nodejs" .)
}

# The plugin the engine runs for dynamic providers (pulumi.dynamic.Resource, such as the error
# tracker's project): Pulumi's Node.js SDK ships it as this script beside the CLI, which runs the
# provider host of the program's own @pulumi/pulumi. Written next to a cached CLI too.
ensure_dynamic_provider_plugin() {
  local file
  file=$(bin_dir_of pulumi)/pulumi-resource-pulumi-nodejs
  [[ -x $file ]] && return
  # Upstream's script resolves the SDK from the working directory (the project's); a project
  # elsewhere (a test's scratch copy whose main is this repository) falls back to this one's.
  cat >"$file" <<SHIM
#!/bin/sh
PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH=\$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider', { paths: [process.cwd(), '$repo_root'] }))")
if [ ! -z "\$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" ]; then
    node "\$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" "\$@"
fi
SHIM
  chmod 755 "$file"
  log "pulumi-resource-pulumi-nodejs (dynamic providers) written to $(bin_dir_of pulumi)"
}

build_pulumi_plugin() {  # called through build_pulumi_resource_<name>
  local name=$1 bin=$3 scratch=$4 v=${plugin_version[$1]}
  local major=${v%%.*}
  check_shared_version "pulumi/pulumi-$name \`provider/\` @ v$v" "pulumi-resource-$name"
  copy_shared "$name" "$scratch"
  (cd "$name/provider" && go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-$name/provider/v$major/pkg/version.Version=$v" \
    -o "$bin/pulumi-resource-$name" "./cmd/pulumi-resource-$name")
}
build_pulumi_resource_random() { build_pulumi_plugin random "$@"; }
build_pulumi_resource_docker() { build_pulumi_plugin docker "$@"; }
build_pulumi_resource_kubernetes() { build_pulumi_plugin kubernetes "$@"; }

# --- component binaries: wrapper modules of our own around the upstream module ------------
# module_dir <module@version>: download it (with its go.mod and go.sum) and print its directory.
module_dir() {
  local dir
  dir=$(go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [[ -n $dir && -f $dir/go.mod ]] || die "go mod download $1 gave no module directory"
  printf '%s\n' "$dir"
}

# wrapper_module <dir> <module> <version> <package>: a module in <dir> that requires
# <module>@<version> and builds <package> from it. Replace and exclude directives do not
# apply from a dependency, so the upstream go.mod's are repeated here, except relative
# (local directory) replaces, which only work inside upstream's own tree. The upstream
# go.sum is copied as is: the checksum database does not know every module it pins.
wrapper_module() {
  local dir=$1 module=$2 version=$3 package=$4 up
  up=$(module_dir "$module@$version")
  mkdir -p "$dir"
  printf 'module observability-stack/toolchain/%s\n\ngo %s\n\nrequire %s %s\n' \
    "$(basename "$dir")" "$go_ver" "$module" "$version" >"$dir/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$package" >"$dir/tools.go"
  cp "$up/go.sum" "$dir/go.sum"
  chmod u+w "$dir/go.sum"
  local edits
  # shellcheck disable=SC2016  # JavaScript, not shell
  mapfile -t edits < <(go mod edit -json "$up/go.mod" | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const at = (x) => (x.Version ? `${x.Path}@${x.Version}` : x.Path);
    for (const r of m.Replace || []) {
      if (r.New.Path.startsWith("./") || r.New.Path.startsWith("../")) continue;
      console.log(`-replace=${at(r.Old)}=${at(r.New)}`);
    }
    for (const e of m.Exclude || []) console.log(`-exclude=${e.Path}@${e.Version}`);')
  if [[ ${#edits[@]} -gt 0 ]]; then
    (cd "$dir" && go mod edit "${edits[@]}")
    log "  $module: upstream directives kept: ${edits[*]}"
  fi
}

# module_time <module@version>: the tag's commit time, RFC 3339 in UTC.
module_time() { go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' "$1"; }

build_jaeger() {
  local bin=$2 v=$jaeger_version mv=v$jaeger_module_version m=github.com/jaegertracing/jaeger b date
  wrapper_module jaeger "$m" "$mv" "$m/cmd/jaeger"
  b=$m/internal/version
  date=$(module_time "$m@$mv")
  (cd jaeger && GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath \
    -ldflags "-s -w -X $b.latestVersion=v$v -X $b.date=$date" \
    -o "$bin/jaeger" "$m/cmd/jaeger")
  expect_version "$bin/jaeger" "v$v" version
}

# The collector: the builder at the collector's version, our manifest with the versions
# filled in; the builder generates the distribution's sources and runs go build (static).
build_otelcol() {
  local bin=$2 scratch=$3 v=$otelcol_version
  GOBIN=$scratch/builder go install "go.opentelemetry.io/collector/cmd/builder@v$v"
  sed -e "s/@VERSION@/$v/g" -e "s/@STABLE@/$otelcol_stable_version/g" \
    "$script_dir/otelcol-builder.yaml" >manifest.yaml
  ! grep -q '@[A-Z]*@' manifest.yaml || die "otelcol: manifest.yaml has unfilled placeholders"
  "$scratch/builder/builder" --config=manifest.yaml
  cp otelcol/otelcol "$bin/otelcol"
  expect_version "$bin/otelcol" "$v" --version
}

# cAdvisor: our main (scripts/toolchain/cadvisor) in a module that requires the library.
build_cadvisor() {
  local bin=$2 v=$cadvisor_version m=github.com/google/cadvisor up
  up=$(module_dir "$m@v$v")
  mkdir cadvisor
  cp "$script_dir/cadvisor/main.go" cadvisor/
  printf 'module observability-stack/toolchain/cadvisor\n\ngo %s\n\nrequire %s v%s\n' "$go_ver" "$m" "$v" >cadvisor/go.mod
  cp "$up/go.sum" cadvisor/go.sum
  chmod u+w cadvisor/go.sum
  (cd cadvisor && GOFLAGS="$GOFLAGS -mod=mod" go mod tidy \
    && go build -trimpath -ldflags "-s -w -X main.Version=$v" -o "$bin/cadvisor" .)
  expect_version "$bin/cadvisor" "version $v" --version
}

# checker <module> <version> <cmd-dir> <binary> <version-flag...>: a wrapper module that
# requires the exact version (pint's version list answers 403, so `go install @v` is refused)
# and builds its command, with the version in main.version as upstream's releases set it.
build_checker() {
  local bin=$1 module=$2 v=$3 cmd=$4 name=$5; shift 5
  wrapper_module "$name" "$module" "v$v" "$module/$cmd"
  (cd "$name" && GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath \
    -ldflags "-s -w -X main.version=$v" -o "$bin/$name" "$module/$cmd")
  expect_version "$bin/$name" "$v" "$@"
}
build_pint() { build_checker "$2" github.com/cloudflare/pint "$pint_version" cmd/pint pint version; }
build_kubeconform() { build_checker "$2" github.com/yannh/kubeconform "$kubeconform_version" cmd/kubeconform kubeconform -v; }
build_kube_score() { build_checker "$2" github.com/zegl/kube-score "$kube_score_version" cmd/kube-score kube-score version; }

build_blackbox_exporter() {
  local bin=$2 m=github.com/prometheus/blackbox_exporter v=$blackbox_version
  wrapper_module blackbox "$m" "v$v" "$m"
  (cd blackbox && GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath \
    -ldflags "$(prometheus_ldflags "$m@v$v" "$v")" -o "$bin/blackbox_exporter" "$m")
  expect_version "$bin/blackbox_exporter" "version $v" --version
}

# kube-state-metrics stamps its own version package, as its Makefile does.
build_kube_state_metrics() {
  local bin=$2 m=k8s.io/kube-state-metrics/v2 v=$kube_state_metrics_version
  wrapper_module kube-state-metrics "$m" "v$v" "$m"
  (cd kube-state-metrics && GOFLAGS="$GOFLAGS -mod=mod" CGO_ENABLED=0 go build -trimpath \
    -ldflags "$(prometheus_ldflags "$m@v$v" "v$v")" -o "$bin/kube-state-metrics" "$m")
  expect_version "$bin/kube-state-metrics" "v$v" version
}

# register_plugin <name>: make the engine find the exact version (PULUMI_HOME/plugins).
register_plugin() {
  local name=$1 v=${plugin_version[$1]} file installed start=$SECONDS
  file=$(bin_dir_of "pulumi-resource-$name")/pulumi-resource-$name
  installed=${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-$name-v$v/pulumi-resource-$name
  if cmp -s "$file" "$installed"; then log "plugin resource $name $v already registered"; return; fi
  "$(bin_dir_of pulumi)/pulumi" plugin install resource "$name" "$v" --file "$file" --reinstall
  log "plugin resource $name $v registered in $((SECONDS - start))s"
}

# --- run ---------------------------------------------------------------------------------
log "go $go_ver, GOPROXY=$(go env GOPROXY), cache $cache_root"
[[ -n ${wanted[prometheus]:-} ]] && stage prometheus build_prometheus
[[ -n ${wanted[alertmanager]:-} ]] && stage alertmanager build_alertmanager
[[ -n ${wanted[node-exporter]:-} ]] && stage node-exporter build_node_exporter
[[ -n ${wanted[pulumi]:-} ]] && stage pulumi build_pulumi && ensure_dynamic_provider_plugin
if [[ -n ${wanted[pulumi-plugins]:-} ]]; then
  for p in "${plugins[@]}"; do stage "pulumi-resource-$p" "build_pulumi_resource_$p"; done
  for p in "${plugins[@]}"; do register_plugin "$p"; done
fi
[[ -n ${wanted[jaeger]:-} ]] && stage jaeger build_jaeger
[[ -n ${wanted[otelcol]:-} ]] && stage otelcol build_otelcol
[[ -n ${wanted[cadvisor]:-} ]] && stage cadvisor build_cadvisor
[[ -n ${wanted[pint]:-} ]] && stage pint build_pint
[[ -n ${wanted[kubeconform]:-} ]] && stage kubeconform build_kubeconform
[[ -n ${wanted[kube-score]:-} ]] && stage kube-score build_kube_score
[[ -n ${wanted[kube-state-metrics]:-} ]] && stage kube-state-metrics build_kube_state_metrics
[[ -n ${wanted[blackbox-exporter]:-} ]] && stage blackbox-exporter build_blackbox_exporter
log "done; use them with: source scripts/toolchain/env.sh"
