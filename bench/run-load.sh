#!/usr/bin/env bash
# End-to-end load benchmark: mock direct vs through the gateway, same run. Options: --help.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/bench/target/benchmarks.jar"
if [ ! -f "$JAR" ]; then
  (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
fi
# The product's JVM flags, from the launcher that mirrors the parent pom.
FLAGS=$(sed -n 's/^AEGIS_JVM_FLAGS="\(.*\)"$/\1/p' "$ROOT/bin/aegis")
# shellcheck disable=SC2086
exec java $FLAGS -Xms1g -Xmx1g -XX:+AlwaysPreTouch ${BENCH_JAVA_OPTS:-} -Daegis.home="$ROOT" -cp "$JAR" io.aegis.bench.LoadBenchmark "$@"
