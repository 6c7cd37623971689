#!/usr/bin/env bash
# Builds the chat service, the client and the JupyterLab extension, installs them
# into a virtual environment and starts JupyterLab with the Mooring panel. The
# Jupyter server extension then starts the service (java -jar) beside Jupyter.
#
# It prints the URL to open once JupyterLab answers; Ctrl-C stops JupyterLab and the service.
#
# Needs Java 17+, Node 20+, Python 3.9+ (with venv). Environment:
#   JUPYTER_PORT       port of JupyterLab (default: 8888, or the next free one)
#   JUPYTER_TOKEN      Jupyter's login token (default: a random one, printed)
#   MOORING_WORKDIR    folder JupyterLab opens (default: a fresh temporary one)
#   MOORING_VENV       the virtual environment (default: frontend-extension/.venv)
#   MOORING_SKIP_BUILD=1  reuse what is built (jar, client, extension)
#   MOORING_SERVICE_JAR   run this service jar instead of building the repository's
#   MOORING_DATA_DIR      the service's data (default: <jupyter data dir>/mooring)
#   MOORING_BUILD_ONLY=1  build and install the client and the extension (with the test extras), then exit
#                         without starting (the service jar is neither built nor needed)
#   CHAT_MODEL_PROVIDER, CHAT_MODEL_NAME, CHAT_MODEL_BASE_URL, CHAT_MODEL_API_KEY,
#   CHAT_DEMO_TOKENS_PER_SECOND, ...: passed to the service (default: the offline demo model)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXT="$ROOT/frontend-extension"
VENV="${MOORING_VENV:-$EXT/.venv}"
PYTHON="${PYTHON:-python3}"
JUPYTERLAB_VERSION="4.5.11"

say() { printf '\033[1m[mooring]\033[0m %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

command -v java >/dev/null || die "java not found: install Java 17 (apt-get install openjdk-17-jre-headless)"
command -v node >/dev/null || die "node not found: install Node.js 20"
command -v npm >/dev/null || die "npm not found: install npm"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found"

if [[ "${MOORING_BUILD_ONLY:-0}" == 1 ]]; then
  JAR=""  # building and installing the panel needs no service jar (the test command builds it beside)
elif [[ -n "${MOORING_SERVICE_JAR:-}" ]]; then
  JAR="$MOORING_SERVICE_JAR"
else
  if [[ "${MOORING_SKIP_BUILD:-0}" != 1 ]]; then
    say "building the chat service (./mvnw package)…"
    (cd "$ROOT" && ./mvnw -q -B package -DskipTests)
  fi
  JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
fi
[[ -z "$JAR" || -f "$JAR" ]] || die "the service jar is missing: $JAR"

if [[ ! -x "$VENV/bin/python" ]]; then
  say "creating the virtual environment $VENV…"
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
      say "installing python3-venv…"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      rm -rf "$VENV"
      "$PYTHON" -m venv "$VENV"
    else
      die "could not create a virtual environment: install python3-venv"
    fi
  fi
fi
PIP=("$VENV/bin/python" -m pip)
if ! "$VENV/bin/python" -c "import jupyterlab, hatchling, hatch_jupyter_builder, editables" 2>/dev/null \
  || [[ "$("$VENV/bin/python" -c 'import jupyterlab; print(jupyterlab.__version__)')" != "$JUPYTERLAB_VERSION" ]]; then
  say "installing JupyterLab $JUPYTERLAB_VERSION and the build tools…"
  "${PIP[@]}" install -q --upgrade pip
  "${PIP[@]}" install -q "jupyterlab==$JUPYTERLAB_VERSION" "hatchling>=1.21" "hatch-jupyter-builder>=0.9" "editables>=0.5"
fi
export PATH="$VENV/bin:$PATH"

if [[ "${MOORING_SKIP_BUILD:-0}" != 1 || ! -f "$EXT/mooring_jupyterlab/labextension/package.json" ]]; then
  say "installing node packages…"
  if [[ -d "$EXT/node_modules" ]]; then
    (cd "$EXT" && npm install --no-audit --no-fund --loglevel=error)
  else
    (cd "$EXT" && { npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error; })
  fi
  say "building the client and the extension (jupyter labextension build)…"
  (cd "$EXT" && npm run --silent build:prod)
fi

say "installing the mooring_jupyterlab package…"
# A previous `labextension develop` left a symlink into the source tree: installing
# the wheel's shared data through it would write into mooring_jupyterlab/labextension.
LINK="$VENV/share/jupyter/labextensions/mooring-jupyterlab"
if [[ -L "$LINK" ]]; then rm -f "$LINK"; fi
rm -f "$EXT/mooring_jupyterlab/labextension/install.json"
if [[ "${MOORING_BUILD_ONLY:-0}" == 1 ]]; then
  "${PIP[@]}" install -q --no-build-isolation -e "$EXT[test]"
else
  "${PIP[@]}" install -q --no-build-isolation -e "$EXT"
fi
jupyter labextension develop --overwrite "$EXT" >/dev/null
jupyter server extension list 2>&1 | sed "s/\x1b\[[0-9;]*m//g" | grep "mooring_jupyterlab enabled" >/dev/null || die "the server extension is not enabled"
if [[ "${MOORING_BUILD_ONLY:-0}" == 1 ]]; then
  say "built and installed into $VENV (MOORING_BUILD_ONLY=1: not starting JupyterLab)"
  exit 0
fi

WORKDIR="${MOORING_WORKDIR:-$(mktemp -d "${TMPDIR:-/tmp}/mooring-lab.XXXXXX")}"
mkdir -p "$WORKDIR"
if [[ ! -f "$WORKDIR/example.ipynb" ]]; then
  "$VENV/bin/python" "$ROOT/scripts/example-notebook.py" "$WORKDIR/example.ipynb"
fi

if [[ -z "${JUPYTER_PORT:-}" ]]; then
  JUPYTER_PORT="$("$VENV/bin/python" - <<'PY'
import socket
for port in range(8888, 8988):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
PY
)"
fi
JUPYTER_TOKEN="${JUPYTER_TOKEN:-$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(24))')}"
export MOORING_SERVICE_JAR="$JAR"

URL="http://127.0.0.1:$JUPYTER_PORT/lab/tree/example.ipynb?token=$JUPYTER_TOKEN"
say "working directory: $WORKDIR"
say "model: ${CHAT_MODEL_PROVIDER:-demo (offline; set CHAT_MODEL_PROVIDER for a real model)}"
say "JupyterLab starts now; the chat service starts beside it (its output is in this log)."
say "the URL to open follows once JupyterLab answers."

# Prints the URL once JupyterLab answers /api/status, so that an immediate click works; gives up
# when JupyterLab (this shell's pid, after exec) is gone. It ignores Ctrl-C and ends with JupyterLab.
# The token goes through the environment, which other users cannot read (a command line they can).
MOORING_LAB_PID="$$" MOORING_LAB_TOKEN="$JUPYTER_TOKEN" MOORING_LAB_URL="$URL" "$VENV/bin/python" - "$JUPYTER_PORT" <<'PY' &
import os, sys, time, urllib.request
pid, token, url = int(os.environ["MOORING_LAB_PID"]), os.environ["MOORING_LAB_TOKEN"], os.environ["MOORING_LAB_URL"]
port = sys.argv[1]
status = urllib.request.Request(f"http://127.0.0.1:{port}/api/status", headers={"Authorization": f"token {token}"})
while True:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(1)
    try:
        with urllib.request.urlopen(status, timeout=5) as answer:
            if answer.status == 200:
                break
    except OSError:
        pass
    time.sleep(0.2)
print(f"\033[1m[mooring]\033[0m open: {url}", file=sys.stderr, flush=True)
print(url, flush=True)
PY

cd "$WORKDIR"
exec env JUPYTER_TOKEN="$JUPYTER_TOKEN" jupyter lab \
  --allow-root --no-browser --ip=127.0.0.1 --port="$JUPYTER_PORT" \
  --ServerApp.port_retries=0 --ServerApp.root_dir="$WORKDIR" "$@"
