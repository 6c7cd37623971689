#!/usr/bin/env bash
# Runs every test of Mooring, installing what it needs on a fresh Debian machine (as root):
#   1. the chat service on PostgreSQL (a real server, started here), then on the embedded H2 database:
#      unit and @QuarkusTest tests over real sockets, then the restart tests on the packaged jar;
#   2. after 1 and 3: several nodes of the PostgreSQL build behind HAProxy with Redis (src/test/.../cluster):
#      sockets on every node, answers resumed, cancelled and followed across nodes through the relay, one
#      clientMessageId raced to two nodes, users kept apart, a node killed and one frozen past its lease, Redis
#      restarted, a rolling restart, our TypeScript client (built by 3) through the balancer while its node dies;
#   3. beside 1 (they share nothing): the TypeScript client and the JupyterLab panel (Vitest, then ESLint with
#      type information), after building the client and the prebuilt labextension; after 2, the Jupyter server
#      extension (pytest);
#   4. a smoke run of the benchmark tools (tiny loads; it asserts only that each produces its table);
#   5. the end-to-end scenarios in real JupyterLab and Chromium.
# The last line sums them up as "N passed, M failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/mooring-test.XXXXXX")"
say() { printf '\n\033[1m[test]\033[0m %s\n' "$*" >&2; }

# A stage's output goes to the terminal and to LOGS/<name>.log; a failed stage leaves LOGS/<name>.failed (a file,
# so that stages run in a background lane count too).
stage() {
  local name="$1"; shift
  say "$name"
  local started=$SECONDS
  if "$@" 2>&1 | tee "$LOGS/$name.log"; then
    say "$name passed in $((SECONDS - started)) s"
    return 0
  fi
  touch "$LOGS/$name.failed"
  say "$name FAILED in $((SECONDS - started)) s"
  return 1
}

stage system-deps scripts/install-system-deps.sh || exit 1

# The panel's lane runs in the background beside the service's suites; its output is shown when it ends. It runs in
# a process group of its own (set -m), so that if this script is stopped, its builds and tests stop with it.
set -m
(
  stage frontend-build env MOORING_BUILD_ONLY=1 scripts/run-jupyterlab.sh
  stage frontend-unit bash -c 'cd frontend-extension && npm run --silent test:all'
  stage frontend-lint bash -c 'cd frontend-extension && npm run --silent lint'
) >"$LOGS/frontend-lane.out" 2>&1 &
frontend_lane=$!
set +m
trap 'kill -- -"$frontend_lane" 2>/dev/null' EXIT

stage service-postgresql bash -c 'scripts/start-postgres.sh && ./mvnw -B -ntp clean verify -Dquarkus.datasource.db-kind=postgresql -Dpg.db="${MOORING_PG_DB:-mooring_test}"'
# H2 after PostgreSQL: it leaves the embedded-database jar in target/ for the product and the browser tests.
stage service-h2 ./mvnw -B -ntp clean verify

wait "$frontend_lane"
say "the panel's lane (run beside the service's suites):"
cat "$LOGS/frontend-lane.out"

# After the panel's lane: ClientThroughBalancerIT runs the client it built (packages/chat-client/lib).
# Packages its own jar into target/cluster-app, so the embedded-database jar stays in target/quarkus-app.
stage cluster bash -c 'scripts/start-postgres.sh && ./mvnw -B -ntp verify -Dcluster -Dquarkus.datasource.db-kind=postgresql -Dpg.db="${MOORING_PG_DB:-mooring_test}"'
stage server-extension bash -c 'cd frontend-extension && .venv/bin/python -m pytest -q tests'
stage bench-smoke scripts/bench.sh --smoke
stage e2e scripts/test-e2e.sh

# Sum the test counts that each runner printed.
python3 - "$LOGS" <<'PY'
import re, sys, pathlib
passed = failed = 0
for log in sorted(pathlib.Path(sys.argv[1]).glob("*.log")):
    text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace"))
    # Maven: the totals line after each plugin's "Results:" block.
    for run, fail, err, skip in re.findall(r"^\[\w+\] Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)\s*$", text, re.M):
        passed += int(run) - int(fail) - int(err) - int(skip); failed += int(fail) + int(err)
    # Vitest: "Tests  64 passed (64)" / "Tests  2 failed | 62 passed (64)"
    for line in re.findall(r"^\s*Tests\s+(.*)\(\d+\)\s*$", text, re.M):
        m = re.search(r"(\d+) failed", line); failed += int(m.group(1)) if m else 0
        m = re.search(r"(\d+) passed", line); passed += int(m.group(1)) if m else 0
    # pytest: "12 passed, 1 failed in 3.2s"
    for line in re.findall(r"^=*\s*((?:\d+ \w+,? ?)+) in [\d.]+s", text, re.M):
        m = re.search(r"(\d+) failed", line); failed += int(m.group(1)) if m else 0
        m = re.search(r"(\d+) passed", line); passed += int(m.group(1)) if m else 0
    # The end-to-end runner's own closing line.
    if log.name == "e2e.log":
        m = re.findall(r"^(\d+) passed, (\d+) failed\s*$", text, re.M)
        if m:
            passed += int(m[-1][0]); failed += int(m[-1][1])
print(f"{passed} passed, {failed} failed", file=open(pathlib.Path(sys.argv[1]) / "summary", "w"))
PY
summary="$(cat "$LOGS/summary")"
failed_stages=()
for marker in "$LOGS"/*.failed; do
  [[ -e "$marker" ]] && failed_stages+=("$(basename "$marker" .failed)")
done
if ((${#failed_stages[@]})); then
  say "failed stages: ${failed_stages[*]} (logs in $LOGS)"
  [[ "$summary" == *" 0 failed" ]] && summary="${summary% 0 failed} ${#failed_stages[@]} failed"
  echo "$summary"
  exit 1
fi
say "all stages passed (logs in $LOGS)"
echo "$summary"
