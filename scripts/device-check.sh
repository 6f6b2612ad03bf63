#!/usr/bin/env bash
# The GPU check, in one call on the lent machine (see README "GPU machine"):
#   bash ../shared/device/pack.sh && cp -r ../shared/reference .device/
#   device run, carry [".device"]:  bash .device/remote.sh 'bash scripts/device-check.sh'
# Builds against that machine's CUDA LibTorch (for the GPU found, scripts/cuda-arch.js), compiles the
# CUDA sources alone, runs the CUDA tests (test/cuda: the fused kernels' review findings among them),
# the 10-epoch default run, both benchmarks (with the PyTorch programs in the same run) and the whole
# test suite. Logs go to $OUT. GT_DEVICE_QUICK=1 stops after the CUDA tests and the Gumbel benchmark.
set -uo pipefail
OUT=${OUT:-/tmp/gt-device-out}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
step() { echo "=== $* ($(date +%T))"; }

step build
node scripts/install.js > "$OUT/build.log" 2>&1
rc=$?
grep -E "gumbel-torch:|error|Error" "$OUT/build.log" | head -40
[ $rc -eq 0 ] && [ -f build/Release/gumbel_torch.node ] || { tail -60 "$OUT/build.log"; exit 1; }
node node_modules/typescript/bin/tsc -p tsconfig.json || exit 1
node dist/cli/main.js info | tee -a "$OUT/build.log"

grep -E "CUDA architectures" "$OUT/build.log"

step cuda compile check
node scripts/cuda-compile-check.js 2>&1 | tail -12 | tee "$OUT/cuda-compile-check.log"

step cuda tests
GT_REPORT_DIR="$OUT" node --expose-gc node_modules/jest/bin/jest.js --verbose test/cuda > "$OUT/jest-cuda.log" 2>&1
grep -E "✓|✕|○|Tests:|Expected|Received|●" "$OUT/jest-cuda.log" | head -80

if [ "${GT_DEVICE_QUICK:-0}" = 1 ]; then
  step gumbel benchmark
  node bench/gumbel.js cuda 2>&1 | tee "$OUT/bench-gumbel.txt"
  step done
  exit 0
fi

step 10-epoch default run
node dist/cli/main.js train --out /tmp/run10 --log-every 100 > "$OUT/train10.log" 2>&1
grep -vE "^\s*$" "$OUT/train10.log" | tail -36
cp /tmp/run10/samples.png "$OUT/samples10.png" 2>/dev/null

step gumbel benchmark
node bench/gumbel.js cuda 2>&1 | tee "$OUT/bench-gumbel.txt"

step vae benchmark
node bench/vae.js 3 cuda 2>&1 | tee "$OUT/bench-vae.txt"

step full test suite
node --expose-gc node_modules/jest/bin/jest.js --testPathIgnorePatterns test/cuda > "$OUT/jest-all.log" 2>&1
grep -E "✕|Tests:|FAIL" "$OUT/jest-all.log" | head -30
step done
