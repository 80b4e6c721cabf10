#!/usr/bin/env bash
# Sets up and runs every test on a fresh machine: npm packages, the tools at the versions the
# stack deploys (built once, then cached), types, lint, the jest suites, and the end-to-end
# tests on a real Pulumi engine: with a Docker engine, and on a local Kubernetes cluster whose
# node runs the containers.
#
#   scripts/test.sh            everything
#   scripts/test.sh --no-e2e   without the end-to-end tests (Docker, Kubernetes)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/stage.sh
e2e=true
[[ ${1:-} == --no-e2e ]] && e2e=false

stage "npm ci" npm ci --no-audit --no-fund
# The blackbox exporter probes the error tracker: the exporter-catalog tool test runs it.
stage "toolchain: promtool, amtool, node_exporter, blackbox_exporter" scripts/toolchain/install.sh prometheus alertmanager node-exporter blackbox-exporter
# Jaeger and the collector check their rendered configs in the tools tests; all three are in
# the e2e images. Loki is not built (AGPL): its config is checked statically, and the e2e
# stack runs a stand-in in its place.
stage "toolchain: jaeger, otelcol, cadvisor" scripts/toolchain/install.sh jaeger otelcol cadvisor
# Checkers of what the stack renders, in the tools tests: pint (rules), kubeconform and
# kube-score (the Kubernetes manifests of `render --manifests`).
stage "toolchain: pint, kubeconform, kube-score" scripts/toolchain/install.sh pint kubeconform kube-score
if $e2e; then
  stage "toolchain: Pulumi CLI, language host, plugins" scripts/toolchain/install.sh pulumi pulumi-plugins
  # kube-state-metrics: in the Kubernetes e2e's images (the k8s-e2e stack deploys it).
  stage "toolchain: kube-state-metrics" scripts/toolchain/install.sh kube-state-metrics
fi
source scripts/toolchain/env.sh
stage "typecheck" npm run -s build
stage "lint" npm run -s lint
stage "unit and tool tests" npx jest --ci
if $e2e; then
  stage "Docker engine" scripts/docker-engine.sh
  stage "end-to-end: dev model on Docker" npm run -s test:e2e -- --ci
  # Kubernetes: a local cluster with a real node (test infrastructure, scripts/k8s), stopped on
  # any exit. The node runs the images the Docker e2e built, copied from its engine.
  stage "cluster: etcd, kube-*, kubectl; kubelet, containerd, runc, CoreDNS, policy agent" scripts/k8s/build.sh
  trap 'scripts/k8s/down.sh >/dev/null 2>&1 || true' EXIT
  stage "cluster: start, with a real node" env OBS_K8S_NODE=real scripts/k8s/up.sh
  stage "cluster: the k8s-e2e stack's images" bash -c 'scripts/e2e/images.sh k8s-e2e && scripts/k8s/load-images.sh k8s-e2e'
  stage "end-to-end: staging model on a real Kubernetes node" npm run -s test:e2e:k8s -- --ci
  stage "cluster: stop" scripts/k8s/down.sh
fi
