#!/usr/bin/env bash
# Prepares a machine to deploy the stack: npm packages, the Pulumi CLI and the exact plugin
# versions in versions.json. Uses Pulumi's official installer and plugin downloads where
# they can be reached, and otherwise builds them from source (scripts/toolchain), once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/stage.sh

version_of() { node -p "require('./versions.json').$1"; }

install_cli() {
  source scripts/toolchain/env.sh
  if command -v pulumi >/dev/null && [[ $(pulumi version) == "v$(version_of pulumi.cli)" ]]; then
    echo "pulumi $(pulumi version) found"
    return
  fi
  local installer
  installer=$(mktemp)
  if curl -fsSL --max-time 20 https://get.pulumi.com -o "$installer" 2>/dev/null; then
    sh "$installer" --version "$(version_of pulumi.cli)" --no-edit-path
    export PATH=$HOME/.pulumi/bin:$PATH
  else
    echo "Pulumi's installer is out of reach: building the CLI from the Go module proxy"
    scripts/toolchain/install.sh pulumi
  fi
  rm -f "$installer"
}

install_plugins() {
  source scripts/toolchain/env.sh
  export PATH=$HOME/.pulumi/bin:$PATH
  local name missing=()
  for name in random docker kubernetes; do
    local version
    version=$(version_of "pulumi.plugins.$name")
    grep -qE "^$name +resource +$version " <<<"$(pulumi plugin ls 2>/dev/null)" && continue
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=false pulumi plugin install resource "$name" "$version" 2>/dev/null ||
      missing+=("$name")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "plugins out of reach (${missing[*]}): building them from ../shared/pulumi-src"
    scripts/toolchain/install.sh pulumi-plugins
  fi
}

stage "npm ci" npm ci --no-audit --no-fund
stage "Pulumi CLI" install_cli
stage "Pulumi plugins" install_plugins
if ! docker info >/dev/null 2>&1; then
  echo "note: no Docker engine answers; start one before deploying the dev stack" >&2
fi
