#!/usr/bin/env bash
# Benchmarks of the chat service (see bench/README.md). One command per table:
#   scripts/bench.sh                 every table below, then bench/results.md
#   scripts/bench.sh latency         answers at once: delivered chunks/s, per-chunk latency, first chunk, CPU
#   scripts/bench.sh sessions        idle sessions: heap and resident memory per session, heartbeat CPU
#   scripts/bench.sh memory          heap per answer running and per finished answer kept hot; 1,000 answers/min steady
#   scripts/bench.sh answers         answers of 100 / 1,000 / 10,000 chunks: checkpoint bytes, resume (H2 and PostgreSQL)
#   scripts/bench.sh proxy           the same loads directly and through the Jupyter server extension's proxy
#   scripts/bench.sh profile         where the service's CPU goes per chunk (async-profiler), ranked
#   scripts/bench.sh --compare       Mooring beside mito-ai (installed from PyPI) with the same workload
#   scripts/bench.sh scale           1, 2 and 3 nodes (PostgreSQL build) behind HAProxy with Redis; resume on the owning node
#                                    (not in the default set: it needs redis-server and haproxy; see docs/scaling.md)
#   scripts/bench.sh --smoke         every tool but --compare at a tiny load, into a temporary folder (CI); asserts only that
#                                    each produced its table
# Each table is written to bench/tables/<table>.md with the command, date and machine load, and bench/results.md is
# assembled from them. The model server and the load clients run in one JVM pinned to core 0 (taskset), the servers
# under test on core 1; BENCH_PIN=0 runs everything unpinned. Settings: bench/README.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }

SMOKE=0
TABLES=()
for arg in "$@"; do
  case "$arg" in
    --smoke) SMOKE=1 ;;
    --compare) TABLES+=(compare) ;;
    latency | sessions | memory | answers | proxy | profile | compare | scale) TABLES+=("$arg") ;;
    *) echo "usage: scripts/bench.sh [--smoke] [--compare] [latency|sessions|memory|answers|proxy|profile|compare|scale]..." >&2; exit 2 ;;
  esac
done
if ((SMOKE && ${#TABLES[@]} == 0)); then
  TABLES=(latency sessions memory answers proxy profile)
elif ((${#TABLES[@]} == 0)); then
  TABLES=(latency sessions memory answers proxy profile compare)
fi

# ---- build: the service jar (H2), the benchmark classes and their classpath -------------------------------------
if ((SMOKE)) && [[ -f target/quarkus-app/quarkus-run.jar ]]; then
  ./mvnw -q -B -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
else
  say "building the service and the benchmark tools…"
  ./mvnw -q -B -ntp package -DskipTests
  ./mvnw -q -B -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
fi
CLASSPATH_BENCH="target/test-classes:$(cat target/bench.classpath)"

if ((SMOKE)); then
  OUT="$(mktemp -d "${TMPDIR:-/tmp}/mooring-bench-smoke.XXXXXX")"
else
  OUT="$ROOT/bench/tables"
  mkdir -p "$OUT"
fi
LOAD_PIN=()
SERVER_CORES=""
if [[ "${BENCH_PIN:-1}" == 1 && "$(nproc)" -ge 2 ]]; then
  LOAD_PIN=(taskset -c 0)
  SERVER_CORES=1
fi
# The service is sized as on the whole machine (thread pools, GC), not as on the one core it is pinned to.
SERVICE_JVM="-XX:ActiveProcessorCount=$(nproc) ${BENCH_SERVICE_JVM:-}"

# Runs the benchmark JVM: bench TABLE OUT.md [-Dname=value...]
bench() {
  local table="$1" out="$2"; shift 2
  "${LOAD_PIN[@]}" java -Xmx4g -cp "$CLASSPATH_BENCH" -Dbench.serverCores="$SERVER_CORES" \
    -Dbench.serviceJvm="$SERVICE_JVM" -Dbench.workDir="$ROOT/target/bench-work" "$@" dev.mooring.bench.Bench "$table" "$out"
}

# Writes OUT/TABLE.md: a title, how it was measured, the table (from FILE).
section() {
  local table="$1" title="$2" about="$3" file="$4"
  {
    echo "## $title"
    echo
    echo "$about"
    echo
    echo "Command: \`scripts/bench.sh $table\`. Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores and" \
      "$(free -g | awk '/Mem/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg) when it ended" \
      "(a machine shared with other builds unless the load average says otherwise)."
    echo
    cat "$file"
  } > "$OUT/$table.md"
}

# ---- the private PostgreSQL cluster of the answers table (WAL is counted per cluster, so it holds nothing else) ----
PG_DIR=""
stop_postgres() {
  if [[ -n "$PG_DIR" ]]; then
    su postgres -c "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl -D $PG_DIR -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
trap stop_postgres EXIT
start_postgres() {
  local bin port
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/mooring-bench-pg.XXXXXX")"
  chown postgres "$PG_DIR"
  su postgres -c "$bin/initdb -D $PG_DIR -U postgres --auth=trust -E UTF8" >/dev/null
  su postgres -c "$bin/pg_ctl -D $PG_DIR -w -l $PG_DIR/log -o '-p $port -k $PG_DIR -c listen_addresses=127.0.0.1' start" >/dev/null
  su postgres -c "psql -q -h 127.0.0.1 -p $port -c \"CREATE ROLE mooring LOGIN PASSWORD 'mooring'\" -c 'CREATE DATABASE mooring_perf OWNER mooring'"
  PG_URL="jdbc:postgresql://127.0.0.1:$port/mooring_perf"
}

# ---- the tables --------------------------------------------------------------------------------------------------
run_latency() {
  local opts=()
  ((SMOKE)) && opts=(-Dbench.loads=3x20x50,2x50x0 -Dbench.warmUp=2x10x0)
  bench latency "$OUT/latency.raw" "${opts[@]}"
  section latency "Answers at once" "Each answer streams from the model server at its pace (or flat out) through LangChain4j, the completion (durable progress on, H2) and the WebSocket. Latency: model server writes a delta -> client receives its chunk. First chunk added: question sent -> first chunk, minus the model server's own delay; of which the question is stored: question sent -> \`accepted\`. CPU from /proc/<pid>/stat over the load; the second table splits it by the service's threads (/proc/<pid>/task)." "$OUT/latency.raw"
}

run_sessions() {
  local opts=()
  ((SMOKE)) && opts=(-Dbench.sessions=20,50 -Dbench.heartbeatSeconds=1)
  bench sessions "$OUT/sessions.raw" "${opts[@]}"
  section sessions "Idle sessions" "Connected WebSocket clients that answer heartbeats and ask nothing, with the default heartbeats (15 s / 45 s). Heap: used heap after a full GC (jcmd), minus the same before the sessions. Resident memory: VmRSS. CPU: the service's over a quiet window (30 s) with all sessions open, and the part above the same window before any session. One process holds at most 20,000 open files here, so 19,000 is the largest step." "$OUT/sessions.raw"
}

run_memory() {
  local opts=()
  ((SMOKE)) && opts=(-Dbench.memoryLoads=20x40x20)
  bench memory "$OUT/memory.raw" "${opts[@]}"
  section memory "Memory per answer" "Used heap after a full GC (jcmd), minus the same before the load, on a fresh service per load (H2): half-way through the answers (running) and 2 s after the last ended (finished, kept hot for resumes: \`chat.completions.retain-after-end\` set to 1 h and \`chat.completions.retain-max-bytes\` to 4 GiB for the measurement, so none is let go of). Estimate: the hot window's own count (\`mooring_completions_retained_bytes\`). Steady state: 5,000 finished answers (1,000 a minute for the default 5 minutes) plus those running at any moment, from the two figures per answer; the default \`chat.completions.retain-max-bytes\` (64 MiB) caps the finished part." "$OUT/memory.raw"
}

run_answers() {
  local opts=()
  ((SMOKE)) && opts=(-Dbench.lengths=50 -Dbench.answersAtOnce=1 -Dbench.resumes=2 -Dbench.retainSeconds=1 -Dbench.warmUp=2x10x0)
  bench answers "$OUT/answers-h2.raw" "${opts[@]}"
  cp "$OUT/answers-h2.raw" "$OUT/answers.raw"
  if ((! SMOKE)); then
    say "building the service for PostgreSQL (target/bench-pg-app)…"
    ./mvnw -q -B -ntp package -DskipTests -Dquarkus.datasource.db-kind=postgresql -Dquarkus.package.output-directory=bench-pg-app
    start_postgres
    bench answers "$OUT/answers-pg.raw" -Dbench.jar=target/bench-pg-app/quarkus-run.jar -Dbench.jdbcUrl="$PG_URL"
    tail -n +3 "$OUT/answers-pg.raw" >> "$OUT/answers.raw"
    stop_postgres
    PG_DIR=""
  fi
  section answers "Answers of growing length: checkpoint writes and resume" "Four answers at once, each at 500 chunks/s; a chunk is a stamp of about 17 characters. Written per answer: bytes the service process caused to be written to storage (write_bytes of /proc/<pid>/io) for H2, WAL bytes (pg_current_wal_insert_lsn, a private cluster that holds nothing else) for PostgreSQL, over the whole answer, divided by the answers. Resume: \`resume {afterSeq: 0}\` of a finished answer, to its first chunk and to \`done\`; from memory right after the end, from the database once the memory log expired." "$OUT/answers.raw"
}

run_proxy() {
  local opts=()
  ((SMOKE)) && opts=(-Dbench.loads=2x20x50,1x50x0 -Dbench.warmUp=2x10x0)
  if [[ ! -x frontend-extension/.venv/bin/jupyter ]]; then
    if ((SMOKE)); then say "no frontend-extension/.venv: the proxy table is skipped"; return 0; fi
    MOORING_BUILD_ONLY=1 scripts/run-jupyterlab.sh
  fi
  bench proxy "$OUT/proxy.raw" "${opts[@]}"
  section proxy "Through the Jupyter proxy" "The same loads against one service, directly and through the Jupyter server extension's proxy (\`<base_url>mooring/api/chat\` with Jupyter's token), one after the other. Jupyter Server and the service share the server core. Latency: model server writes a delta -> client receives its chunk." "$OUT/proxy.raw"
}

run_profile() {
  local tools="target/bench-tools" opts=(-Dbench.loads=1000x200x20,100x200x20,10x200x20,40x1000x0)
  ((SMOKE)) && opts=(-Dbench.loads=3x40x50 -Dbench.warmUp=2x10x0)
  if [[ ! -f "$tools/libasyncProfiler.so" ]]; then
    ./mvnw -q -B -ntp dependency:copy -Dartifact=tools.profiler:async-profiler:4.2:jar:linux-x64 -DoutputDirectory="$tools"
    python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("linux-x64/libasyncProfiler.so"))' \
      "$tools/async-profiler-4.2-linux-x64.jar" "$tools/libasyncProfiler.so"
  fi
  local dir="$OUT/profile"
  ((SMOKE)) || dir="$ROOT/bench/profile"
  rm -rf "$dir" && mkdir -p "$dir"
  bench latency "$OUT/profile-latency.raw" "${opts[@]}" -Dbench.profiler="$tools/libasyncProfiler.so" -Dbench.profileDir="$dir"
  python3 bench/profile_summary.py "$dir" > "$OUT/profile.raw"
  section profile "Where the service's CPU goes per chunk" "async-profiler (CPU samples every 1 ms of CPU, all threads) attached to the pinned service for one load after warm-up. Each sample is charged to a component by its thread (GC, JIT), the path it is on (accepting a question, the checkpointer) or the innermost known frame on its stack (see bench/README.md); the service's CPU per 1,000 chunks is split in the same shares. Collapsed stacks (the hottest, trimmed) are in bench/profile/." "$OUT/profile.raw"
}

run_scale() {
  say "building the service for PostgreSQL (target/cluster-app)…"
  ./mvnw -q -B -ntp package -DskipTests -Dcluster -Dquarkus.datasource.db-kind=postgresql
  start_postgres
  bench scale "$OUT/scale.raw" -Dbench.jar=target/cluster-app/quarkus-run.jar -Dbench.jdbcUrl="$PG_URL"
  stop_postgres
  PG_DIR=""
  section scale "Several nodes behind HAProxy" "Nodes of the PostgreSQL build (a private cluster) sharing one Redis, behind HAProxy with deploy/haproxy.cfg; clients connect through the balancer, so each answer runs on the node its client landed on. Latency: model server writes a delta -> client receives its chunk through HAProxy. Resume: a running answer (600 chunks at 100/s) resumed from seq 0 once about 200 chunks streamed, on its own node and on the other one (which replays the stored progress, then follows the relay): to the first chunk, and to the chunk that was live when the resume was sent. Every node, HAProxy, Redis and PostgreSQL share the server core with BENCH_PIN=1; see docs/scaling.md for what limits these figures." "$OUT/scale.raw"
}

run_compare() {
  local venv="${BENCH_MITO_VENV:-$ROOT/target/bench-mito-venv}"
  if [[ ! -x "$venv/bin/jupyter" ]]; then
    say "installing mito-ai ${BENCH_MITO_VERSION:-0.1.69} from PyPI into $venv…"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "mito-ai==${BENCH_MITO_VERSION:-0.1.69}"
  fi
  bench compare "$OUT/compare.raw" -Dbench.mitoVenv="$venv"
  section compare "Beside mito-ai" "mito-ai $("$venv/bin/pip" show mito-ai 2>/dev/null | awk '/^Version/{print $2}') from PyPI in Jupyter Server, with OPENAI_API_KEY and OPENAI_BASE_URL pointing its openai client at the same model server; driven through its WebSocket completion handler (\`mito-ai/completions\`: start_new_chat, then a streamed chat). Mooring with H2 and durable progress on. Each server alone on the server core, one after the other. Cut: the client reads 20 chunks of a 100-chunk answer at 20 chunks/s, then cuts the socket; once the model is done a new connection asks what was kept." "$OUT/compare.raw"
}

for table in "${TABLES[@]}"; do
  say "table: $table"
  "run_$table"
done

if ((SMOKE)); then
  for table in "${TABLES[@]}"; do
    [[ -f "$OUT/$table.md" ]] || continue
    # a header and at least one row (separator lines start with "| -")
    rows=$(grep -c '^| [^-]' "$OUT/$table.md" || true)
    ((rows >= 2)) || { echo "bench smoke: $table wrote no table rows" >&2; cat "$OUT/$table.md" >&2; exit 1; }
    echo "bench smoke: $table: $rows table lines, headers included"
  done
  rm -rf "$OUT"
  exit 0
fi

# ---- bench/results.md from the tables ----------------------------------------------------------------------------
{
  echo "# Benchmark results"
  echo
  echo "Every table below was produced by the command above it (\`scripts/bench.sh\` runs them all); how to read them is"
  echo "in [README.md](README.md). **The figures were taken on a machine shared with other builds** (each table says when)"
  echo "(about four other engineers building and testing on the same 2 cores): they compare versions and designs, they are"
  echo "not capacity figures. Re-run on a quiet machine for those. Load clients and the model server run in one JVM pinned"
  echo "to core 0, the servers under test on core 1 (\`taskset\`)."
  for table in latency sessions memory answers proxy profile compare scale; do
    [[ -f "$OUT/$table.md" ]] && { echo; cat "$OUT/$table.md"; }
  done
} > bench/results.md
rm -f "$OUT"/*.raw
say "wrote bench/results.md"
