#!/usr/bin/env bash
# Side-by-side speed comparison with the PyTorch reference, on this machine, in one run.
# Usage: scripts/bench-vs-pytorch.sh [ROUNDS] [STEPS] [THREADS] [more bench options, e.g. --precision mixed_bfloat16]
# Needs Debian's python3-torch and python3-numpy (/usr/bin/python3); the reference is scripts/pytorch_reference.py.
# The machines are noisy: rounds alternate the two programs, and the medians are compared.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5} steps=${2:-300} threads=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
reference=${REFERENCE:-scripts/pytorch_reference.py}
if ! /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then
  echo "bench-vs-pytorch: the PyTorch reference needs Debian's python3-torch and python3-numpy (sudo apt-get install python3-torch python3-numpy)." >&2
  exit 2
fi
dotnet publish src/FashionCnn.Cli -c Release -o bin/bench -v quiet -nologo >/dev/null

for ((i = 1; i <= rounds; i++)); do
  bin/bench/fashioncnn bench --steps "$steps" --threads "$threads" --batch-size 32 --json "$@" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print("ours", d["train_samples_per_s"], d["eval_samples_per_s"], d["peak_rss_mb"])'
  /usr/bin/python3 "$reference" data/fashion-mnist --epochs 1 --steps "$steps" --threads "$threads" --batch 32 |
    python3 -c 'import json,sys; l=[json.loads(x) for x in sys.stdin]; print("torch", l[-1]["train_samples_per_s"], l[0]["eval_samples_per_s"])'
done | python3 -c '
import statistics, sys
rows = [line.split() for line in sys.stdin]
ours = [r for r in rows if r[0] == "ours"]; torch = [r for r in rows if r[0] == "torch"]
for name, i in (("train samples/s", 1), ("eval samples/s", 2)):
    o = [float(r[i]) for r in ours]; t = [float(r[i]) for r in torch]
    per_round = ", ".join("%.2f" % (a / b) for a, b in zip(o, t))
    print("%-16s fashioncnn %8.0f  pytorch %8.0f  ratio %.2f  (per round: %s)" % (name, statistics.median(o), statistics.median(t), statistics.median(o) / statistics.median(t), per_round))
print("peak RSS (bench)  %.0f MB" % max(float(r[3]) for r in ours))
'
