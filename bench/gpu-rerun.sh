#!/usr/bin/env bash
# A prepared GPU re-run (not run by CI): bench/cuda-check.ts without its 4096² case, twice — with the
# default CPU intra-op threads (up to 8 on a 16-core machine) and with TENSORJIT_THREADS=1 — to see
# (a) what the Slice-based lowering of periodic shifts (simulation 3.4× faster on the CPU here) does
# on CUDA, and (b) whether more CPU threads help graphs of many medium-sized ops on a big machine.
# On the GPU machine, after the steps of shared/gpu/README.md (upload dist/ as well):
#   /root/g/run.sh bash bench/gpu-rerun.sh          (writes two JSON files into $OUT)
# About a minute of machine time: session creation with the CUDA provider dominates.
set -euo pipefail
out=${OUT:-.}
CUDA_CHECK_QUICK=1 OUT="$out" node dist/bench/cuda-check.js
mv "$out/cuda-check.json" "$out/cuda-check-default-threads.json"
CUDA_CHECK_QUICK=1 TENSORJIT_THREADS=1 OUT="$out" node dist/bench/cuda-check.js
mv "$out/cuda-check.json" "$out/cuda-check-1-thread.json"
