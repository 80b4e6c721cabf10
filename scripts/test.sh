#!/usr/bin/env bash
# Sets up and runs every test on a fresh machine: npm packages, the validators at the
# versions the stack deploys (built once, then cached), types, lint, and the jest suites.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/stage.sh

stage "npm ci" npm ci --no-audit --no-fund
stage "toolchain (promtool, amtool)" scripts/toolchain/install.sh prometheus alertmanager
source scripts/toolchain/env.sh
stage "typecheck" npm run -s build
stage "lint" npm run -s lint
stage "tests" npx jest --ci
