#!/usr/bin/env bash
# Times `keel data add FILE` at an older commit and at this checkout, alternating, with pandas'
# side of bench/data-ingest.ts between them, so that a change is measured against the code before
# it on the same machine at the same moment.
#
#   bash bench/compare-versions.sh REV FILE [RUNS]
#
# REV is checked out in a git worktree under $TMPDIR. Its node_modules holds links to this
# checkout's packages but not node_modules/.cache, where bin/keel.js keeps its CLI bundle: a shared
# cache would run one version's bundle for both.
set -euo pipefail
rev=${1:?usage: compare-versions.sh REV FILE [RUNS]}
file=$(realpath "${2:?usage: compare-versions.sh REV FILE [RUNS]}")
runs=${3:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
old=$(mktemp -d "${TMPDIR:-/tmp}/keel-compare-XXXXXX")
cleanup() { git -C "$here" worktree remove --force "$old" >/dev/null 2>&1 || rm -rf "$old"; }
trap cleanup EXIT
git -C "$here" worktree add --detach "$old" "$rev" >/dev/null
mkdir -p "$old/node_modules"
for dep in "$here"/node_modules/* "$here"/node_modules/.bin; do ln -s "$dep" "$old/node_modules/"; done

seconds() { # the wall time of a command, in seconds
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
add() { # keel data add FILE in checkout $1, into a fresh store
  local home
  home=$(mktemp -d)
  (cd "$1" && node bin/keel.js data add bench "$file" --home "$home" --json)
  rm -rf "$home"
}
echo "keel data add $(basename "$file"): $rev against $(git -C "$here" rev-parse --short HEAD), $runs alternating runs (seconds)"
for _ in $(seq "$runs"); do
  echo "old $(seconds add "$old")  new $(seconds add "$here")  pandas $(seconds /usr/bin/python3 "$here/bench/data-ingest-pandas.py" "$file")"
done
