"""The run command prints the URL only once JupyterLab answers it, and Ctrl-C stops what it started.
It runs scripts/run-jupyterlab.sh as a person would (reusing the build), with a fake java."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
SCRIPT = ROOT / "scripts" / "run-jupyterlab.sh"

pytestmark = pytest.mark.skipif(
    not (HERE.parent / "mooring_jupyterlab" / "labextension" / "package.json").is_file(), reason="the extension is not built"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_until(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def fake_java_home(tmp_path):
    java = tmp_path / "jdk" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\nPYTHONPATH={HERE.parent} exec {sys.executable} -m tests.fake_service \"$@\"\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    jar = tmp_path / "quarkus-run.jar"
    jar.write_text("not really a jar")
    return tmp_path / "jdk", jar


def test_the_url_answers_as_soon_as_it_is_printed_and_ctrl_c_stops_everything(tmp_path, fake_java_home):
    java_home, jar = fake_java_home
    port = free_port()
    env = {
        **os.environ,
        "MOORING_SKIP_BUILD": "1",
        "MOORING_SERVICE_JAR": str(jar),
        "JAVA_HOME": str(java_home),
        "JUPYTER_PORT": str(port),
        "JUPYTER_TOKEN": "run-command-test-token",
        "MOORING_WORKDIR": str(tmp_path / "work"),
        "MOORING_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    run = subprocess.Popen(
        ["bash", str(SCRIPT)], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, start_new_session=True,
        # as a terminal starts it: Ctrl-C not ignored, even when this test runs under a shell that ignores it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        url = run.stdout.readline().strip()  # the only line on stdout
        assert url.startswith(f"http://127.0.0.1:{port}/lab/tree/example.ipynb?token="), url
        with urllib.request.urlopen(url, timeout=30) as page:  # at once, as a person clicking it
            assert page.status == 200

        status = urllib.request.Request(
            f"http://127.0.0.1:{port}/mooring/status", headers={"Authorization": "token run-command-test-token"}
        )

        def service_pid() -> int | None:
            with urllib.request.urlopen(status, timeout=10) as answer:
                body = json.loads(answer.read())
            return body["pid"] if body["state"] == "running" else None

        wait_until(lambda: service_pid() is not None, "the service to run")
        pid = service_pid()

        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        assert run.wait(timeout=60) is not None
        wait_until(lambda: gone(pid), "the service to stop", timeout=30)
        wait_until(lambda: not_in_group(run.pid), "everything the run command started to end", timeout=30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)


def not_in_group(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    # zombies still count for killpg; only living ones matter
    return all(gone(int(p)) for p in os.listdir("/proc") if p.isdigit() and _pgid(int(p)) == pgid)


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None
