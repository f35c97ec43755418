#!/usr/bin/env bash
# The engine-correctness figures of docs/BENCHMARKS.md (issue 9): the known-answer check's verdict
# under every oneDNN instruction-set cap, with and without the strided-1x1 detour; what the detour
# costs; what each fallback configuration costs; and the check's start-up cost.
# Usage: benchmarks/engine_paths.sh [rounds]   (raw outputs in runs/bench/engine/)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
out=runs/bench/engine
mkdir -p "$out"
export PRUNE4J_CACHE_DIR="$out/cache"   # a fresh cache: every verdict below is checked now
rm -rf "$PRUNE4J_CACHE_DIR"

verdict() { # label, environment...
  local label=$1; shift
  env "$@" ./prune4j doctor --threads 2 --json > "$out/doctor-$label.json" 2> "$out/doctor-$label.log" || true
  python3 - "$out/doctor-$label.json" "$label" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
tries = "; ".join(f"{a['configuration']}: " + (a['problem'] or f"{a['failureCount']}/{a['cases']} wrong"
                  + (f" ({a['failures'][0]})" if a['failures'] else "")) for a in d['attempts'])
print(f"{sys.argv[2]:<28} isa {d['attempts'][0]['isa']!r:<50} -> {d['configuration']}   [{tries}]")
EOF
}

echo "== verdicts (2 threads)"
for isa in "" AVX512_CORE AVX2 AVX SSE41; do
  for route in true false; do
    verdict "${isa:-default}-route-$route" ${isa:+ONEDNN_MAX_CPU_ISA=$isa} \
        PRUNE4J_JAVA_OPTS="-Dprune4j.engine.routeStridedPointwise=$route"
  done
done

throughput() { # label, java options
  PRUNE4J_JAVA_OPTS="$2" ./prune4j measure throughput --model resnet20 --threads 2 --json 2>/dev/null \
    | python3 -c "import json,sys; d=json.load(sys.stdin); print('$1', round(d['train']['medianImagesPerSecond']), round(d['infer']['medianImagesPerSecond']), round(d['inferFoldedBatchNorm']['medianImagesPerSecond']))"
}

echo "== ResNet-20 images/s (train, infer, infer BN folded): the detour on and off, interleaved"
for r in $(seq "$rounds"); do
  throughput "round $r detour-on " "-Dprune4j.engine.config=default"
  throughput "round $r detour-off" "-Dprune4j.engine.config=default -Dprune4j.engine.routeStridedPointwise=false"
done | tee "$out/detour.txt"

echo "== ResNet-20 images/s in each configuration the guard can fall back to"
for c in default isa:AVX512_CORE isa:AVX2 isa:SSE41 no-onednn; do
  throughput "$c" "-Dprune4j.engine.config=$c"
done | tee "$out/configurations.txt"

echo "== start-up: ./prune4j doctor with an empty cache (the check runs) and with the cached verdict"
for i in 1 2 3; do
  rm -rf "$PRUNE4J_CACHE_DIR"
  s=$(date +%s.%N); ./prune4j doctor --threads 2 > /dev/null 2>&1; m=$(date +%s.%N)
  ./prune4j doctor --threads 2 > /dev/null 2>&1; e=$(date +%s.%N)
  echo "run $i: first $(echo "$m - $s" | bc) s, cached $(echo "$e - $m" | bc) s"
done | tee "$out/startup.txt"
