#!/usr/bin/env bash
# Benchmarks the packaged chat service on this machine (demo model, 1,000-chunk answers, as fast as they go,
# durable progress on) and writes bench/results.md. Numbers are for comparing versions on one machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./mvnw -q -B package -DskipTests
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
DATA="$(mktemp -d)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TOKEN=bench-token
QUARKUS_HTTP_PORT=$PORT CHAT_TOKEN=$TOKEN CHAT_DATA_DIR="$DATA" CHAT_MODEL_PROVIDER=demo \
CHAT_DEMO_TOKENS_PER_SECOND=0 CHAT_DEMO_REPLY_TOKENS=1000 CHAT_COMPLETIONS_RETAIN_AFTER_END=1s \
CHAT_RATE_LIMIT_FRAMES_PER_SECOND=100000 CHAT_RATE_LIMIT_BURST=100000 \
  java -Xmx1g -jar target/quarkus-app/quarkus-run.jar > "$DATA/service.log" 2>&1 &
SERVICE=$!
trap 'kill $SERVICE 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null && break
  sleep 0.5
done
mkdir -p bench
{
  echo "# Benchmark results"
  echo
  echo "Measured $(date -u +%Y-%m-%d) by \`scripts/bench.sh\` on $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB;"
  echo "service and load generator on the same machine (the load generator, the JDK WebSocket client parsing every"
  echo "frame into a JSON tree, takes a large share of the 2 cores); H2 embedded; demo model at full speed, 1,000-chunk"
  echo "answers; resume times are from sending \`resume\` to receiving \`done\` after all 1,000 chunks."
  echo
} > bench/results.md
java -cp "target/test-classes:$(cat target/bench.classpath)" dev.mooring.bench.ChatBenchmark \
  "http://127.0.0.1:$PORT" "$TOKEN" "$DATA/table.md" "$SERVICE"
cat "$DATA/table.md" >> bench/results.md
echo "wrote bench/results.md"
