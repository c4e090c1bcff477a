#!/usr/bin/env bash
# Side-by-side benchmark of threatflow and OWASP pytm 1.4.0 on the same models, plus threatflow
# alone at scale. One command, from anywhere: `bash bench/run.sh` (RUNS=5 PYTM_RUNS=3 BIG_RUNS=3
# to change the repetitions; SKIP_PYTM=1 to measure threatflow alone). Wall time is the median of the
# runs, memory the largest peak resident set size (bench/measure.py).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
PYTM_RUNS=${PYTM_RUNS:-3}
BIG_RUNS=${BIG_RUNS:-3}   # for the 100,000- and 1,000,000-element checks
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --quiet --release --bin threatflow --example gen_model
TF=target/release/threatflow
GEN=target/release/examples/gen_model

if [ -z "${SKIP_PYTM:-}" ]; then
  VENV=bench/.venv
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet pytm==1.4.0
  fi
  PY="$VENV/bin/python"
fi

# measure NAME RUNS [--fresh OUTPUT] COMMAND…: appends "NAME median_seconds peak_kib" to the
# results. Every command that writes a file is given --fresh: the file is removed before each run
# (untimed), for both tools (see bench/measure.py).
measure() {
  local name=$1 runs=$2; shift 2
  local result
  result=$(python3 bench/measure.py "$runs" "$@")
  echo "$name $result" >> "$WORK/results"
  echo "  $name: $result (s, KiB)" >&2
}

for units in 300 3000; do
  "$GEN" --units "$units" > "$WORK/m$units.flow"
  measure "threatflow report json ${units} units" "$RUNS" --fresh "$WORK/tf$units.json" "$TF" report "$WORK/m$units.flow" --format json -o "$WORK/tf$units.json"
  if [ -n "${PY:-}" ]; then
    python3 bench/pytm_model.py "$units" > "$WORK/tm$units.py"
    measure "pytm --json ${units} units" "$PYTM_RUNS" --fresh "$WORK/pytm$units.json" "$PY" "$WORK/tm$units.py" --json "$WORK/pytm$units.json"
  fi
done
"$GEN" --units 15000 > "$WORK/m15000.flow"
measure "threatflow report json 15000 units" "$RUNS" --fresh "$WORK/tf15000.json" "$TF" report "$WORK/m15000.flow" --format json -o "$WORK/tf15000.json"
# N units are 2N + 1 elements.
for elements in 100000 1000000; do
  units=$(( (elements - 1) / 2 ))
  "$GEN" --units "$units" > "$WORK/e$elements.flow"
  measure "threatflow check ${elements} elements" "$BIG_RUNS" "$TF" check "$WORK/e$elements.flow" --color never
done
"$GEN" --units 150 > "$WORK/d300.flow"
measure "threatflow diagram svg 301 elements" "$RUNS" --fresh "$WORK/d300.svg" "$TF" diagram "$WORK/d300.flow" --format svg -o "$WORK/d300.svg"

python3 - "$WORK/results" <<'PY'
import sys
rows = [line.rsplit(" ", 2) for line in open(sys.argv[1]) if line.strip()]
r = {name: (float(s), int(k)) for name, s, k in rows}
print(f"\n{'case':<44} {'median s':>10} {'peak MiB':>10}")
for name, (s, k) in r.items():
    print(f"{name:<44} {s:>10.3f} {k / 1024:>10.1f}")
print()
for units in (300, 3000):
    tf, py = r.get(f"threatflow report json {units} units"), r.get(f"pytm --json {units} units")
    if tf and py:
        speed = py[0] / max(tf[0], 0.001)
        print(f"{units} units: threatflow {speed:,.0f}x faster than pytm, {py[1] / tf[1]:.1f}x less memory")
small, big = r.get("threatflow check 100000 elements"), r.get("threatflow check 1000000 elements")
if small and big:
    print(f"10x the elements (100,000 -> 1,000,000): {big[0] / max(small[0], 0.001):.1f}x the time")
PY

# Parsing speed of .flow source (the same generated models), in process.
echo
cargo bench --quiet --bench parse 2>/dev/null | grep '^parse'
