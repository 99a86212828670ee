#!/usr/bin/env bash
# Times each case in PyTorch (scripts/bench_torch.py) and in gru4j (./gru4j bench), one right after the other,
# and prints a table: case, mode, threads, torch ms, gru4j ms, ratio = torch / gru4j (above 1: gru4j is faster).
#
#   scripts/bench_compare.sh                 # all cases
#   scripts/bench_compare.sh 'gru infer'     # only the cases whose line contains this text
#   SECONDS_PER_CASE=5 ROUNDS=3 scripts/bench_compare.sh
#   TORCH_BLAS=reference scripts/bench_compare.sh   # torch on Debian's default reference BLAS instead of OpenBLAS
# A case line: cell mode B T I H L bidirectional(0/1) threads. Stream times are per step (B and T unused).
# Each case runs ROUNDS times (default 2), torch and gru4j alternating, and each side keeps its lowest median: on a
# machine shared with other work, interference only ever adds time, so the lowest is the fairest estimate.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
filter="${1:-}"
secs="${SECONDS_PER_CASE:-3}"
rounds="${ROUNDS:-2}"
py=/usr/bin/python3

cases=$(cat <<'CASES'
gru   stream 1  1   32  128 1 0 1
gru   stream 1  1   32  512 1 0 1
gru   infer  32 100 64  256 1 0 1
gru   infer  32 100 64  256 1 0 2
gru   train  32 100 64  256 1 0 1
gru   train  32 100 64  256 1 0 2
gru   train  64 200 128 512 1 0 1
gru   train  64 200 128 512 1 0 2
gru   train  32 100 64  256 2 1 1
gru   train  32 100 64  256 2 1 2
lstm  infer  32 100 64  256 1 0 1
lstm  train  32 100 64  256 1 0 1
lstm  train  32 100 64  256 1 0 2
rnn   infer  32 100 64  256 1 0 1
rnn   train  32 100 64  256 1 0 1
rnn   train  32 100 64  256 1 0 2
CASES
)

"$here/gru4j" --version >/dev/null   # build first, outside the timings

printf '%-40s %-6s %7s %11s %11s %7s\n' case mode threads torch_ms gru4j_ms ratio
while read -r cell mode B T I H L bi thr; do
  [ -n "$cell" ] || continue
  line="$cell $mode $B $T $I $H $L $bi $thr"
  if [ -n "$filter" ] && [[ "$line" != *"$filter"* ]]; then continue; fi
  args=(--cell "$cell" --mode "$mode" --batch "$B" --steps "$T" --input "$I" --hidden "$H" --layers "$L" --threads "$thr" --seconds "$secs")
  [ "$bi" = 1 ] && args+=(--bidirectional)
  if [ "$mode" = stream ]; then name="$cell I=$I H=$H"; else name="$cell I=$I H=$H B=$B T=$T"; fi
  [ "$L" != 1 ] && name="$name L=$L"
  [ "$bi" = 1 ] && name="$name bidir"
  t=""; g=""
  for ((r = 0; r < rounds; r++)); do
    tr=$("$py" "$here/scripts/bench_torch.py" "${args[@]}" 2>/dev/null | sed -n 's/^median_ms=//p' | tail -n1)
    gr=$("$here/gru4j" bench "${args[@]}" 2>/dev/null | sed -n 's/^median_ms=//p' | tail -n1)
    t=$(awk -v a="$t" -v b="$tr" 'BEGIN { if (a == "" || b + 0 < a + 0) print b; else print a }')
    g=$(awk -v a="$g" -v b="$gr" 'BEGIN { if (a == "" || b + 0 < a + 0) print b; else print a }')
  done
  ratio=$(awk -v t="$t" -v g="$g" 'BEGIN { if (g > 0) printf "%.2f", t / g; else print "?" }')
  printf '%-40s %-6s %7s %11.4f %11.4f %7s\n' "$name" "$mode" "$thr" "$t" "$g" "$ratio"
done <<< "$cases"
