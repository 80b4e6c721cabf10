#!/usr/bin/env bash
# Load the images a stack deploys into the real node's containerd (scripts/k8s/up.sh with
# OBS_K8S_NODE=real), from the local Docker engine where scripts/e2e/images.sh (and
# error-tracker-images.sh) built them: the same images the Docker e2e runs, built once.
# The list is the stack's own (npm run images), so it always matches what Pulumi deploys;
# an image the engine lacks is named, with the script that builds it.
#
#   scripts/k8s/load-images.sh <stack>
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source-path=SCRIPTDIR source=node.sh
source "$k8s_script_dir/node.sh"
stack=${1:?usage: scripts/k8s/load-images.sh <stack>}
[[ $(k8s_node_mode) == real ]] || k8s_die "no real node runs (start one with OBS_K8S_NODE=real scripts/k8s/up.sh)"
PATH=$("$k8s_script_dir/build.sh" --bin-dir containerd):$PATH
cd "$k8s_script_dir/../.."
started=$SECONDS
mapfile -t images < <(npm run -s images -- --stack "$stack")
[[ ${#images[@]} -gt 0 ]] || k8s_die "stack $stack deploys no image"
missing=()
for image in "${images[@]}"; do
  docker image inspect "$image" >/dev/null 2>&1 || missing+=("$image")
done
[[ ${#missing[@]} -eq 0 ]] || k8s_die "not in the Docker engine: ${missing[*]} (build them: scripts/e2e/images.sh $stack; scripts/e2e/error-tracker-images.sh $stack)"
docker save "${images[@]}" | ctr_ images import - 2>&1 | grep -v DEPRECATION >&2 || true
for image in "${images[@]}"; do
  ref=$image
  [[ $ref == */*/* || $ref == localhost/* ]] || ref=docker.io/$ref
  [[ $ref == docker.io/*/* ]] || ref=${ref/docker.io\//docker.io/library/}
  ctr_ images ls -q 2>/dev/null | grep -qxF "$ref" || k8s_die "$image is not in the node's containerd after the import"
done
k8s_log "${#images[@]} images of stack $stack loaded into the node in $((SECONDS - started))s"
