#!/usr/bin/env bash
# Build-time measurement: a cold build of the native addon (configure + compile + link, exactly what
# `npm install` runs) in a scratch copy of the tracked sources, then a rebuild after touching one .cc.
# ccache is disabled so the cold figure is real. Prints wall and CPU (user+sys) seconds and the load
# average, since the wall time on a shared machine depends on what else runs.
#   bash bench/build-time.sh [file-to-touch=native/ops/autograd.cc]
set -euo pipefail
cd "$(dirname "$0")/.."
touchfile=${1:-native/ops/autograd.cc}
# Checked before the cold build: a path outside the copy would touch the real tree, a new name would
# measure adding a file.
if [[ "$touchfile" = /* ]] || ! git ls-files --error-unmatch -- "$touchfile" > /dev/null 2>&1; then
  echo "build-time.sh: $touchfile is not a tracked file (give a path relative to the repository, e.g. native/ops/ops.cc)" >&2
  exit 2
fi
export CCACHE_DISABLE=1
work=$(mktemp -d /tmp/gt-build-time.XXXXXX)
trap 'rm -rf "$work"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$work"
ln -s "$PWD/node_modules" "$work/node_modules"
cd "$work"
TIMEFORMAT='%R %U %S'
measure() {  # label, command...
  local load0 t
  load0=$(cut -d' ' -f1 /proc/loadavg)
  { t=$( { time "${@:2}" > "$work/$1.log" 2>&1; } 2>&1 ); } || { tail -30 "$work/$1.log"; exit 1; }
  read -r real user sys <<< "$t"
  printf '| %-28s | %7.1f | %7.1f | %5s -> %-5s |\n' "$1" "$real" "$(echo "$user + $sys" | bc)" "$load0" "$(cut -d' ' -f1 /proc/loadavg)"
}
echo "$(nproc) cores, $(uname -m), $(g++ --version | head -1), launcher=${CMAKE_CXX_COMPILER_LAUNCHER:-none}, ccache disabled"
echo '| build                        | wall s  | CPU s   | load avg (1 min) |'
echo '|------------------------------|---------|---------|------------------|'
measure "cold (configure+compile)" node scripts/install.js
touch "$touchfile"
measure "touch $(basename "$touchfile")" node scripts/install.js
grep -E '^gumbel-torch:' "$work/cold (configure+compile).log" | sed 's/^/    /'
