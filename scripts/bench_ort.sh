#!/usr/bin/env bash
# gru4j beside ONNX Runtime Java (issue 12's table): exports the torch models once (scripts/bench_export_onnx.py,
# into target/bench-onnx), builds gru4j-bench, and runs org.gru4j.bench.OrtCompare on them at 1 and 2 threads.
#
#   scripts/bench_ort.sh                         # every case, 2 rounds of 2 s per side
#   scripts/bench_ort.sh --only stream           # only the cases whose name or label contains this
#   scripts/bench_ort.sh --threads 1 --rounds 3 --seconds 3
# Needs /usr/bin/python3 with torch and onnx (Debian python3-torch, python3-onnx) for the export, and JDK 17+.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$here/target/bench-onnx"
if [ ! -f "$dir/cases.tsv" ] || [ "$here/scripts/bench_export_onnx.py" -nt "$dir/cases.tsv" ]; then
  /usr/bin/python3 "$here/scripts/bench_export_onnx.py" "$dir" >/dev/null 2>&1 || { echo "bench_ort: export failed (needs python3-torch, python3-onnx)" >&2; exit 1; }
fi
jar="$here/gru4j-bench/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here"/gru4j-core/src "$here"/gru4j-onnx/src "$here"/gru4j-bench -newer "$jar" -name '*.java' -print -quit)" ]; then
  (cd "$here" && mvn -q -B -o -DskipTests -pl gru4j-bench -am package >&2)
fi
java=java
for j in /usr/lib/jvm/temurin-25*/bin/java; do [ -x "$j" ] && java="$j"; done
exec "$java" --add-modules jdk.incubator.vector -cp "$jar" org.gru4j.bench.OrtCompare "$dir" "$@"
