#!/usr/bin/env bash
# End-to-end tests of Mooring in a real browser: Galata (JupyterLab's Playwright
# test framework, on @playwright/test) drives Debian's Chromium (no browser is
# downloaded) against JupyterLab with the extension, the chat service its server
# extension supervises, and stand-alone services behind a fault-injecting proxy.
#
# On a fresh Debian machine run it as root: it installs what is missing (chromium,
# Java 17, Node, python3-venv), builds the service jar and the extension when they
# are missing, then runs frontend-extension/ui-tests/e2e/specs. Each Playwright
# worker starts its own JupyterLab (and so its own service) on a free loopback port
# in this run's temporary folder; everything started is stopped at the end. It exits
# 0 only when every scenario passed. The last line is "N passed, M failed".
#
# Run one scenario, or a few:
#   scripts/test-e2e.sh specs/03-service-killed     (arguments go to `playwright test`:
#   scripts/test-e2e.sh -g "wrong token"             file filters, -g, --workers, --trace on, ...)
#   E2E_ONLY=1,3 scripts/test-e2e.sh                 (by file-name numbers)
#
# Logs and results: the temporary folder (printed at the start) holds, per worker,
# worker-N/jupyterlab.log, the supervised service's data and the stand-alone
# service's log (worker-N/service-direct.log); test-results/ (a screenshot and a
# Playwright trace of each failed scenario: `npx playwright show-trace --port 0 FILE`) and
# report/ (`npx playwright show-report DIR`). It is deleted after a run that passed,
# unless E2E_KEEP=1.
#
# Environment:
#   E2E_ONLY=1,3        run only these scenarios (file-name numbers)
#   E2E_WORKERS=N       Playwright workers, each with its own JupyterLab (default 2; 1 runs the
#                       scenarios one after another)
#   E2E_REBUILD=1       rebuild the jar and the extension even when present
#   E2E_KEEP=1          keep the temporary folder (logs) afterwards
#   E2E_SCREENSHOTS     where the scenarios' screenshots go (default docs/images; files e2e-*.png)
#   E2E_SERVICE_APP     a packaged quarkus-app folder to test instead of target/quarkus-app
#                       (the default H2 build; a -Ppostgresql build cannot start here)
#   E2E_CHROMIUM        the browser (default /usr/bin/chromium)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXT="$ROOT/frontend-extension"
VENV="${MOORING_VENV:-$EXT/.venv}"

say() { printf '[e2e] %s\n' "$*" >&2; }
die() { say "error: $*"; echo "0 passed, 1 failed"; exit 1; }

# ---- system packages -------------------------------------------------------------
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v node >/dev/null || missing+=(nodejs npm)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || die "missing system packages: ${missing[*]} (run as root)"
  if [[ " ${missing[*]} " == *" chromium "* && -x "$ROOT/scripts/install-system-deps.sh" ]]; then
    "$ROOT/scripts/install-system-deps.sh"
  fi
  say "installing ${missing[*]}…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# ---- builds (only what is missing; the run command's build-only mode does the work) ----
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
if [[ "${E2E_REBUILD:-0}" == 1 || ! -f "$JAR" ]]; then
  say "building the chat service…"
  (cd "$ROOT" && ./mvnw -q -B package -DskipTests)
fi
[[ -f "$JAR" ]] || die "no service jar at $JAR"
if [[ "${E2E_REBUILD:-0}" == 1 || ! -x "$VENV/bin/jupyter" || ! -d "$EXT/node_modules/@jupyterlab/galata" \
      || ! -f "$EXT/mooring_jupyterlab/labextension/package.json" ]] \
   || ! "$VENV/bin/python" -c "import mooring_jupyterlab" 2>/dev/null; then
  say "building and installing the client and the extension…"
  MOORING_BUILD_ONLY=1 MOORING_VENV="$VENV" "$ROOT/scripts/run-jupyterlab.sh"
fi

# ---- a fresh world ---------------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/mooring-e2e.XXXXXX")"
# The jar is copied so that a rebuild elsewhere (mvn clean) cannot pull it away mid-run.
cp -r "${E2E_SERVICE_APP:-$ROOT/target/quarkus-app}" "$TMP/service"

stop_leftovers() {
  # Whatever this run started and did not stop (JupyterLab, services, kernels): their
  # command lines name this run's folder.
  local pids
  pids="$(pgrep -f "$TMP/" || true)"
  if [[ -n "$pids" ]]; then
    say "stopping leftover processes: $(echo $pids)"
    kill -KILL $pids 2>/dev/null || true
  fi
}
finish() {
  stop_leftovers
  if [[ "${E2E_KEEP:-0}" == 1 || $1 != 0 ]]; then
    say "logs kept in $TMP"
  else
    rm -rf "$TMP"
  fi
}
trap 'finish $?' EXIT
trap 'exit 130' INT TERM

args=()
IFS=',' read -ra only <<<"${E2E_ONLY:-}"
for n in "${only[@]}"; do
  n="${n// /}"
  [[ -n "$n" ]] && args+=("specs/$(printf '%02d' "$((10#$n))")-")
done
args+=("$@")

say "results and logs in $TMP"
set +e
(
  cd "$EXT"
  E2E_WORK_DIR="$TMP" E2E_SERVICE_JAR="$TMP/service/quarkus-run.jar" MOORING_VENV="$VENV" \
    E2E_SCREENSHOTS="${E2E_SCREENSHOTS:-$ROOT/docs/images}" \
    node_modules/.bin/playwright test -c ui-tests/playwright.config.mjs "${args[@]}"
) | tee "$TMP/results.txt"
status=${PIPESTATUS[0]}
set -e
summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$TMP/results.txt" | tail -1 || true)"
[[ -n "$summary" ]] || { summary="0 passed, 1 failed"; status=1; }
# The summary goes last, after whatever the clean-up says.
trap - EXIT
finish "$status"
echo "$summary"
exit "$status"
