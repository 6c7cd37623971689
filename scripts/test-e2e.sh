#!/usr/bin/env bash
# End-to-end tests of Mooring in a real browser: JupyterLab with the extension, the
# chat service it supervises, a stand-alone service behind a fault-injecting proxy,
# and Debian's Chromium driven by playwright-core (no browser is downloaded).
#
# On a fresh Debian machine run it as root: it installs what is missing (chromium,
# Java 17, Node, python3-venv), builds the service jar and the extension when they
# are missing, starts JupyterLab on a free loopback port in a fresh temporary
# folder, runs frontend-extension/ui-tests/e2e/specs, stops everything it started and
# exits 0 only when every spec passed. The last line is "N passed, M failed".
#
# Environment:
#   E2E_ONLY=1,3        run only these specs (file-name numbers)
#   E2E_REBUILD=1       rebuild the jar and the extension even when present
#   E2E_KEEP=1          keep the temporary folder (logs) afterwards
#   E2E_SCREENSHOTS     where screenshots go (default docs/images; files e2e-*.png)
#   E2E_SERVICE_APP     a packaged quarkus-app folder to test instead of target/quarkus-app
#                       (the default H2 build; a -Ppostgresql build cannot start here)
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
if [[ "${E2E_REBUILD:-0}" == 1 || ! -x "$VENV/bin/jupyter" || ! -d "$EXT/node_modules/playwright-core" \
      || ! -f "$EXT/mooring_jupyterlab/labextension/package.json" ]] \
   || ! "$VENV/bin/python" -c "import mooring_jupyterlab" 2>/dev/null; then
  say "building and installing the client and the extension…"
  MOORING_BUILD_ONLY=1 MOORING_VENV="$VENV" "$ROOT/scripts/run-jupyterlab.sh"
fi
export PATH="$VENV/bin:$PATH"

# ---- a fresh world ---------------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/mooring-e2e.XXXXXX")"
WORK="$TMP/lab"
DATA="$TMP/data"
mkdir -p "$WORK" "$DATA"
# The jar is copied so that a rebuild elsewhere (mvn clean) cannot pull it away mid-run.
cp -r "${E2E_SERVICE_APP:-$ROOT/target/quarkus-app}" "$TMP/service"
SERVICE_JAR="$TMP/service/quarkus-run.jar"

LAB_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$LAB_PID" ]] && kill -0 "$LAB_PID" 2>/dev/null; then
    say "stopping JupyterLab ($LAB_PID)…"
    kill -TERM "$LAB_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$LAB_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$LAB_PID" 2>/dev/null || true
  fi
  # Any service still running from this run's folder (supervised or stand-alone).
  for pid in $(pgrep -f "$TMP/service/quarkus-run.jar" || true); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ "${E2E_KEEP:-0}" == 1 || $rc != 0 ]]; then
    say "logs kept in $TMP"
  else
    rm -rf "$TMP"
  fi
  exit $rc
}
trap cleanup EXIT INT TERM

"$VENV/bin/python" "$ROOT/scripts/example-notebook.py" "$WORK/example.ipynb"

PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
LAB_TOKEN="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(24))')"
say "JupyterLab on 127.0.0.1:$PORT, folder $WORK, service data $DATA"
(
  cd "$WORK"
  exec env -u JUPYTER_TOKEN \
    MOORING_DATA_DIR="$DATA" MOORING_SERVICE_JAR="$SERVICE_JAR" \
    JUPYTER_CONFIG_DIR="$TMP/jupyter-config" JUPYTER_RUNTIME_DIR="$TMP/jupyter-runtime" \
    CHAT_HEARTBEAT_INTERVAL=1s CHAT_HEARTBEAT_TIMEOUT=3s \
    CHAT_DEMO_TOKENS_PER_SECOND="${E2E_TOKENS_PER_SECOND:-10}" CHAT_DEMO_REPLY_TOKENS="${E2E_REPLY_TOKENS:-80}" \
    jupyter lab --allow-root --no-browser --ip=127.0.0.1 --port="$PORT" --ServerApp.port_retries=0 \
      --ServerApp.root_dir="$WORK" --IdentityProvider.token="$LAB_TOKEN" \
      --LabApp.expose_app_in_browser=True --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
      --MooringExtension.restart_initial_delay=0.5 --MooringExtension.restart_max_delay=2
) >"$TMP/jupyterlab.log" 2>&1 &
LAB_PID=$!

for _ in $(seq 1 600); do
  kill -0 "$LAB_PID" 2>/dev/null || { tail -30 "$TMP/jupyterlab.log" >&2; die "JupyterLab exited"; }
  if curl -fsS -H "Authorization: token $LAB_TOKEN" "http://127.0.0.1:$PORT/mooring/status" 2>/dev/null | grep -q '"state": *"running"'; then
    break
  fi
  sleep 0.2
done
curl -fsS -H "Authorization: token $LAB_TOKEN" "http://127.0.0.1:$PORT/mooring/status" | grep -q '"state": *"running"' \
  || { tail -30 "$TMP/jupyterlab.log" >&2; die "the supervised service did not start"; }

set +e
(
  cd "$ROOT"
  E2E_LAB_URL="http://127.0.0.1:$PORT/" E2E_LAB_TOKEN="$LAB_TOKEN" E2E_SERVICE_JAR="$SERVICE_JAR" \
    E2E_WORK_DIR="$TMP" E2E_SCREENSHOTS="${E2E_SCREENSHOTS:-$ROOT/docs/images}" \
    NODE_PATH="$EXT/node_modules" node "$EXT/ui-tests/e2e/run.mjs"
) | tee "$TMP/results.txt"
status=${PIPESTATUS[0]}
set -e
summary="$(tail -1 "$TMP/results.txt")"
[[ "$summary" =~ ^[0-9]+\ passed,\ [0-9]+\ failed$ ]] || { echo "0 passed, 1 failed"; exit 1; }
exit "$status"
