# shellcheck shell=bash
# image_archive <ref> <root dir> <config json> <archive>: a one-layer image of <root dir> as a
# docker-archive tarball (manifest.json, the config, the layer), which `ctr images import`
# reads; no Docker engine needed. <config json> is the image's runtime config: User,
# Entrypoint, Cmd, WorkingDir, ExposedPorts, Env, as the official image declares them.
# Sourced by scripts/k8s/up.sh and scripts/k8s/load-images.sh.
image_archive() {
  local ref=$1 root=$2 config=$3 archive=$4 work layer_sha config_sha
  work=$(mktemp -d)
  # Numeric owners, no timestamps that vary: the same inputs give the same layer digest.
  tar -C "$root" --numeric-owner --sort=name --mtime=@0 -cf "$work/layer.tar" .
  layer_sha=$(sha256sum "$work/layer.tar" | cut -c1-64)
  mkdir "$work/$layer_sha"
  mv "$work/layer.tar" "$work/$layer_sha/layer.tar"
  node -e '
    const [config, layer, out] = process.argv.slice(1);
    const image = {
      architecture: "amd64",
      os: "linux",
      config: JSON.parse(config),
      rootfs: { type: "layers", diff_ids: [`sha256:${layer}`] },
      history: [{ created_by: "observability-stack scripts/k8s image_archive" }],
    };
    require("fs").writeFileSync(out, JSON.stringify(image));' "$config" "$layer_sha" "$work/config.json"
  config_sha=$(sha256sum "$work/config.json" | cut -c1-64)
  mv "$work/config.json" "$work/$config_sha.json"
  node -e '
    const [ref, config, layer, out] = process.argv.slice(1);
    const manifest = [{ Config: `${config}.json`, RepoTags: [ref], Layers: [`${layer}/layer.tar`] }];
    require("fs").writeFileSync(out, JSON.stringify(manifest));' "$ref" "$config_sha" "$layer_sha" "$work/manifest.json"
  tar -C "$work" -cf "$archive" manifest.json "$config_sha.json" "$layer_sha"
  rm -rf "$work"
}

# image_root <dir> <uid> <gid>: the files every image here has: /etc/passwd and /etc/group
# naming root, nobody and the runtime user, and a world-writable /tmp.
image_root() {
  local dir=$1 uid=$2 gid=$3
  mkdir -p "$dir/etc" "$dir/tmp"
  chmod 755 "$dir"
  chmod 1777 "$dir/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$dir/etc/group"
  if [[ $uid != 0 && $uid != 65534 ]]; then
    printf 'nonroot:x:%s:%s:nonroot:/home/nonroot:/sbin/nologin\n' "$uid" "$gid" >>"$dir/etc/passwd"
    printf 'nonroot:x:%s:\n' "$gid" >>"$dir/etc/group"
  fi
}
