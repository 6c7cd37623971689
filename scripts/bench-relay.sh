#!/usr/bin/env bash
# Measures the candidate live paths between nodes (Redis Streams, Redis pub/sub, PostgreSQL LISTEN/NOTIFY) on this
# machine and writes bench/relay-engines.md (docs/scaling.md reads it). Starts its own redis-server; PostgreSQL is
# the local cluster (scripts/start-postgres.sh), database MOORING_PG_DB (default mooring_relay_bench), made fresh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export MOORING_PG_DB="${MOORING_PG_DB:-mooring_relay_bench}"
scripts/start-postgres.sh
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
OUT="$(mktemp)"
java -cp "target/test-classes:$(cat target/bench.classpath)" dev.mooring.bench.RelayEngines "$OUT" \
  "jdbc:postgresql://127.0.0.1:5432/$MOORING_PG_DB?user=mooring&password=mooring"
{
  echo "# Live paths between nodes"
  echo
  echo "Measured $(date -u +%Y-%m-%d) by \`scripts/bench-relay.sh\` on $(nproc) cores, shared with other builds; publisher"
  echo "and follower are two connections in one JVM; redis-server $(redis-server --version | sed -E 's/.*v=([0-9.]+).*/\1/')"
  echo "without persistence; PostgreSQL $(ls /usr/lib/postgresql | sort -n | tail -1), the machine's shared cluster."
  echo
  cat "$OUT"
} > bench/relay-engines.md
echo "wrote bench/relay-engines.md"
