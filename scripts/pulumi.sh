#!/usr/bin/env bash
# scripts/pulumi.sh <up|preview|destroy|outputs|pulumi-args...> --stack <name> [more pulumi args]
#
# Runs the Pulumi CLI on a stack of this project with local state: the tools from
# scripts/toolchain (or a Pulumi already on PATH), state in .pulumi-state/ (git-ignored)
# unless PULUMI_BACKEND_URL is set, and the passphrase from PULUMI_CONFIG_PASSPHRASE, or
# PULUMI_CONFIG_PASSPHRASE_FILE, or else a random one generated once into .pulumi-state/.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
source scripts/toolchain/env.sh

command -v pulumi >/dev/null || {
  echo "pulumi: not found. Install it with Pulumi's installer, or build it here:" >&2
  echo "  scripts/toolchain/install.sh pulumi pulumi-plugins" >&2
  exit 1
}

action=${1:?usage: scripts/pulumi.sh <up|preview|destroy|outputs|...> --stack <name> [args]}
shift
stack=
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --stack | -s) stack=$2; shift 2 ;;
    --stack=*) stack=${1#--stack=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
[[ -n $stack ]] || { echo "scripts/pulumi.sh: --stack <name> is required (stacks: $(ls Pulumi.*.yaml | sed 's/Pulumi\.\(.*\)\.yaml/\1/' | tr '\n' ' '))" >&2; exit 2; }
[[ -f Pulumi.$stack.yaml ]] || { echo "scripts/pulumi.sh: no Pulumi.$stack.yaml" >&2; exit 2; }

state=$repo/.pulumi-state
mkdir -p "$state"
export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$state}
if [[ -z ${PULUMI_CONFIG_PASSPHRASE:-} && -z ${PULUMI_CONFIG_PASSPHRASE_FILE:-} ]]; then
  if [[ ! -s $state/passphrase ]]; then
    (umask 077 && head -c 32 /dev/urandom | base64 > "$state/passphrase")
  fi
  export PULUMI_CONFIG_PASSPHRASE_FILE=$state/passphrase
fi
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_SKIP_UPDATE_CHECK=true
# `npm run build` type-checks; the engine only needs the JavaScript (a preview takes half the time).
export PULUMI_NODEJS_TRANSPILE_ONLY=${PULUMI_NODEJS_TRANSPILE_ONLY:-true}

pulumi stack select "$stack" >/dev/null 2>&1 || pulumi stack init "$stack" >/dev/null

print_urls() {
  echo
  echo "Stack $stack is up:"
  pulumi stack output urls --json --stack "$stack" |
    node -e 'const u = JSON.parse(require("fs").readFileSync(0, "utf8")); for (const [k, v] of Object.entries(u)) console.log(`  ${k.padEnd(13)} ${v}`);'
  echo "  Grafana login: $(pulumi stack output grafanaAdminUser --stack "$stack" 2>/dev/null || echo admin) / pulumi stack output --show-secrets grafanaAdminPassword"
}

case $action in
  up) pulumi up --yes --skip-preview --stack "$stack" "${args[@]}"; print_urls ;;
  preview) pulumi preview --stack "$stack" "${args[@]}" ;;
  destroy | down) pulumi destroy --yes --skip-preview --stack "$stack" "${args[@]}" ;;
  outputs) print_urls ;;
  *) pulumi "$action" --stack "$stack" "${args[@]}" ;;
esac
