#!/usr/bin/env bash
# Interleaved throughput comparison, prune4j vs PyTorch (same architectures, threads, batch).
# Each round runs every configuration once; the summary gives medians over rounds and ratios,
# so load from other processes on a shared machine hits all configurations alike.
#   benchmarks/compare_throughput.sh [ROUNDS] [OUT.jsonl]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
out=${2:-runs/bench/throughput.jsonl}
mkdir -p "$(dirname "$out")"
: > "$out"
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
py=/usr/bin/python3
if ! $py -c "import torch" 2>/dev/null || [[ ! -d /usr/lib/x86_64-linux-gnu/openblas-pthread ]]; then
  echo "compare_throughput.sh needs Debian's PyTorch and OpenBLAS:" \
       "sudo apt-get install -y python3-torch libopenblas0-pthread" >&2
  exit 1
fi
for round in $(seq 1 "$rounds"); do
  for model in lenet5 resnet20; do
    for layout in channels-last contiguous; do
      flag=true; [[ $layout == contiguous ]] && flag=false
      PRUNE4J_JAVA_OPTS="-Dprune4j.channelsLast=$flag" ./prune4j measure throughput --model "$model" \
          --threads 2 --json 2>/dev/null \
        | $py -c "import json,sys
d=json.load(sys.stdin)
for mode in ('train','infer','inferFoldedBatchNorm'):
    print(json.dumps({'round':$round,'impl':'prune4j','config':'tcmalloc+$layout','model':'$model','mode':mode,
                      'ips':d[mode]['medianImagesPerSecond']}))" >> "$out"
    done
    # Debian's torch takes libblas.so.3 from the alternatives system; LD_LIBRARY_PATH pins it:
    # "stock" is the reference BLAS and LAPACK, "tuned" OpenBLAS (Debian package libopenblas0-pthread).
    for config in stock tuned; do
      if [[ $config == stock ]]; then
        LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack $py -B benchmarks/pytorch_throughput.py --model "$model" --json
      else
        LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread LD_PRELOAD=$tcmalloc \
            $py -B benchmarks/pytorch_throughput.py --model "$model" --channels-last --json
      fi | $py -c "import json,sys
for line in sys.stdin:
    d=json.loads(line)
    print(json.dumps({'round':$round,'impl':'pytorch','config':'$config','model':d['model'],'mode':d['mode'],
                      'ips':d['median_images_per_second'],'torch':d['torch_version'],
                      'blas':[l for l in d['loaded_libs'] if 'blas' in l]}))" >> "$out"
    done
  done
done
$py benchmarks/summarize_throughput.py "$out"
