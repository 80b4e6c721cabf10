# shellcheck shell=bash
# stage <name> <command...>: runs one step of a script and prints how long it took.
stage() {
  local name=$1 started
  shift
  started=$(date +%s)
  printf '\n=== %s\n' "$name"
  "$@"
  printf '=== %s: done in %ss\n' "$name" "$(($(date +%s) - started))"
}
