#!/usr/bin/env bash
# Drainer throughput beside a raw Chronicle tailer over the same queue: bench/run-drain.sh [events] [rounds]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/bench/target/benchmarks.jar"
if [ ! -f "$JAR" ]; then
  (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
fi
FLAGS=$(sed -n 's/^AEGIS_JVM_FLAGS="\(.*\)"$/\1/p' "$ROOT/bin/aegis")
# shellcheck disable=SC2086
exec java $FLAGS -Xms2g -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "$JAR" io.aegis.bench.DrainerBenchmark "$@"
