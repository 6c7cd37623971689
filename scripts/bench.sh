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
TOKEN=bench-token-0123456789
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
  echo "service and load generator on the same machine (the load generator, JDK WebSocket clients that only look at"
  echo "each frame's first bytes, still takes a share of the 2 cores); H2 embedded; demo model at full speed, 1,000-chunk"
  echo "answers; resume times are from sending \`resume\` to receiving \`done\` after all 1,000 chunks."
  echo
} > bench/results.md
java -cp "target/test-classes:$(cat target/bench.classpath)" dev.mooring.bench.ChatBenchmark \
  "http://127.0.0.1:$PORT" "$TOKEN" "$DATA/table.md" "$SERVICE"
cat "$DATA/table.md" >> bench/results.md
kill $SERVICE 2>/dev/null || true
wait $SERVICE 2>/dev/null || true

# Per-chunk latency: a local server in OpenAI's streaming format stamps each delta with the moment it writes it; the
# service (its own process, openai provider, H2) reads it through LangChain4j and streams it to WebSocket clients in
# the same JVM as that server, which note the arrival.
java -cp "target/test-classes:$(cat target/bench.classpath)" -Dmooring.jar=target/quarkus-app/quarkus-run.jar \
  dev.mooring.bench.LatencyBenchmark "$DATA/latency.md"
{
  echo
  echo "## Per-chunk latency, model server to client"
  echo
  echo "From the moment a local server speaking OpenAI's streaming format writes a delta to the moment a WebSocket client"
  echo "receives it as a chunk: LangChain4j's HTTP client, the completion run, durable progress (H2) and the WebSocket in"
  echo "between. Every answer streams at its pace at the same time; model server, service and clients share the 2 cores."
  echo
  cat "$DATA/latency.md"
} >> bench/results.md
echo "wrote bench/results.md"
