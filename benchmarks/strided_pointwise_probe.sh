#!/usr/bin/env bash
# Which 1x1 stride-2 convolutions does the engine's own kernel get wrong, crash or hang on, per
# oneDNN instruction set? (The figures behind engine/Convolution's detour, docs/BENCHMARKS.md.)
# Usage: benchmarks/strided_pointwise_probe.sh [ISA ...]   (default: AVX2 AVX512_CORE); 2 threads.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p runs/bench/engine
for isa in "${@:-AVX2 AVX512_CORE}"; do
  for threads in 2 1; do
    log=runs/bench/engine/strided-pointwise-$isa-t$threads.txt
    : > "$log"
    next=0
    while :; do
      set +e
      ONEDNN_MAX_CPU_ISA=$isa OPT_OUT_TRACKING=true timeout 60 java -XX:ErrorFile=/tmp/probe-hs_err_%p.log \
          -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=$threads -Dprune4j.engine.config=default \
          -cp "prune4j-cli/target/lib/*" benchmarks/StridedPointwiseProbe.java "$next" 2>/dev/null > /tmp/probe-run.txt
      rc=$?
      set -e
      grep '^case' /tmp/probe-run.txt >> "$log" || true
      grep -q '^done' /tmp/probe-run.txt && break
      failed=$(grep '^start' /tmp/probe-run.txt | tail -1 | cut -d' ' -f2 || true)
      [[ -n $failed ]] || { echo "the probe failed before its first case (exit $rc)" >&2; exit 1; }
      signal=$(grep -m1 -o -E 'SIG[A-Z]+|corrupted [a-z -]+|free\(\): [a-z ]+' /tmp/probe-run.txt || true)
      if [[ $rc -eq 124 ]]; then what="HANG (killed after 60 s)"; else what="CRASH (exit $rc${signal:+, $signal})"; fi
      echo "case $failed: $what" >> "$log"
      next=$((failed + 1))
    done
    echo "$isa, $threads threads: $(grep -c right "$log") right, $(grep -c WRONG "$log") wrong, $(grep -c CRASH "$log") crashed, $(grep -c HANG "$log") hung of $(grep -c '^case' "$log")"
    grep -E 'WRONG|CRASH|HANG' "$log" | sed 's/^/    /' || true
  done
done
