# shellcheck shell=bash
# Source this file (`source scripts/toolchain/env.sh`) to use the tools that
# scripts/toolchain/install.sh built: it puts the bin dir of each cached tool at the
# version pinned in versions.json on PATH (never the provider plugins: the Pulumi engine
# finds those where `pulumi plugin install` registered them). Tools that are not built
# are left out; nothing here fails or changes shell options.

_obs_toolchain_dir=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)
_obs_toolchain_path=$("$_obs_toolchain_dir/install.sh" --print-path 2>/dev/null) || _obs_toolchain_path=

if [ -n "$_obs_toolchain_path" ]; then
  _obs_toolchain_rest=$_obs_toolchain_path
  _obs_toolchain_new=
  while [ -n "$_obs_toolchain_rest" ]; do
    _obs_toolchain_d=${_obs_toolchain_rest%%:*}
    case $_obs_toolchain_rest in *:*) _obs_toolchain_rest=${_obs_toolchain_rest#*:} ;; *) _obs_toolchain_rest= ;; esac
    case ":$PATH:" in
      *":$_obs_toolchain_d:"*) ;;
      *) _obs_toolchain_new=${_obs_toolchain_new:+$_obs_toolchain_new:}$_obs_toolchain_d ;;
    esac
  done
  [ -z "$_obs_toolchain_new" ] || PATH=$_obs_toolchain_new:$PATH
  export PATH
fi

# Plugins come only from `install.sh pulumi-plugins` (exact versions), never downloaded.
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_UPDATE_CHECK=true

unset _obs_toolchain_dir _obs_toolchain_path _obs_toolchain_rest _obs_toolchain_new _obs_toolchain_d
