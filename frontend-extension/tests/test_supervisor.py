"""The supervisor with real child processes (tiny Python programs standing in for the service)."""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import sys

import pytest

from mooring_jupyterlab.secrets_store import ensure_private_dir, private_dir_problem, read_service_token, token_problem
from mooring_jupyterlab.service_env import service_environment
from mooring_jupyterlab.supervisor import Backoff, ServiceSupervisor

PY = sys.executable


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def log():
    logger = logging.getLogger(f"test-supervisor-{id(object())}")
    logger.setLevel(logging.DEBUG)
    handler = Lines()
    logger.addHandler(handler)
    logger.lines = handler.lines  # type: ignore[attr-defined]
    return logger


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); check its state
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# ---- the data folder and the token ------------------------------------------------


def test_the_data_folder_is_made_private_and_a_loosened_one_is_tightened(tmp_path):
    data = tmp_path / "mooring"
    ensure_private_dir(data)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    os.chmod(data, 0o755)
    assert "open to other users" in private_dir_problem(data)
    ensure_private_dir(data)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert private_dir_problem(data) is None
    # one it may not create is left for private_dir_problem to name
    blocked = tmp_path / "file" / "mooring"
    (tmp_path / "file").write_text("")
    ensure_private_dir(blocked)
    assert "not usable" in private_dir_problem(blocked)


@pytest.mark.skipif(os.getuid() != 0, reason="giving a folder away needs root")
def test_a_data_folder_of_another_user_is_refused(tmp_path):
    data = tmp_path / "theirs"
    data.mkdir(mode=0o700)
    os.chown(data, 65534, 65534)
    assert "belongs to another user" in private_dir_problem(data)


def test_an_empty_or_short_token_is_a_problem_and_a_long_one_is_not(tmp_path):
    assert "empty" in token_problem("", "the file")
    assert "too short" in token_problem("x" * 15, "the file")
    assert token_problem("x" * 16, "the file") is None
    assert read_service_token(tmp_path) is None
    (tmp_path / "token").write_text("s3cret-token-from-the-service\n")
    assert read_service_token(tmp_path) == "s3cret-token-from-the-service"


def test_the_service_gets_only_allow_listed_variables():
    needed = {
        "PATH": "/usr/bin",
        "HOME": "/home/u",
        "LC_ALL": "C.UTF-8",
        "JAVA_HOME": "/jdk",
        "CHAT_MODEL_PROVIDER": "openai",
        "QUARKUS_LOG_LEVEL": "DEBUG",
    }
    jupyters = {
        "JUPYTER_TOKEN": "lab-secret",
        "JUPYTERHUB_API_TOKEN": "hub-secret",
        "JPY_API_TOKEN": "hub-secret",
        "AWS_SECRET_ACCESS_KEY": "cloud-secret",
    }
    assert service_environment({**needed, **jupyters}) == needed


def test_backoff_doubles_up_to_its_maximum():
    b = Backoff(initial=1, factor=2, maximum=8)
    assert [b.delay(n) for n in range(0, 7)] == [0, 1, 2, 4, 8, 8, 8]


# ---- the process ----------------------------------------------------------------


async def test_restarts_a_process_that_dies_with_growing_delays(log):
    code = "import os, sys; print('child up as', os.getpid(), flush=True); sys.exit(3)"
    sup = ServiceSupervisor(
        [PY, "-c", code],
        backoff=Backoff(initial=0.05, factor=2, maximum=0.2, stable_after=60),
        log=log,
    )
    await sup.start()
    try:
        await sup.wait_for(lambda s: len(s.runs) >= 5, timeout=20)
    finally:
        await sup.stop()
    runs = sup.runs
    ended = [r for r in runs if r.returncode is not None and r.next_delay is not None]
    assert [r.returncode for r in ended[:4]] == [3, 3, 3, 3]
    assert [r.next_delay for r in ended[:4]] == [0.05, 0.1, 0.2, 0.2]
    for before, after in zip(runs, runs[1:]):
        assert before.ended_at is not None and before.next_delay is not None
        assert after.started_at - before.ended_at >= before.next_delay * 0.9
    # the child's output went to the log
    assert any(f"child up as {runs[0].pid}" in line for line in log.lines)
    assert sup.state == "stopped"


async def test_a_run_that_stayed_up_resets_the_backoff(log):
    code = "import time, sys; time.sleep(0.3); sys.exit(1)"
    sup = ServiceSupervisor(
        [PY, "-c", code],
        backoff=Backoff(initial=0.05, factor=4, maximum=5, stable_after=0.2),
        log=log,
    )
    await sup.start()
    try:
        await sup.wait_for(lambda s: len(s.runs) >= 3, timeout=20)
    finally:
        await sup.stop()
    delays = [r.next_delay for r in sup.runs[:2]]
    assert delays == [0.05, 0.05]


# A child that serves HTTP on the Unix socket given to it once the file "go" exists.
SOCKET_CHILD = (
    "import asyncio, os, sys\n"
    "from tornado import httpserver, netutil, web\n"
    "class Live(web.RequestHandler):\n"
    "    def get(self): self.finish('UP')\n"
    "async def main():\n"
    "    while not os.path.exists('go'): await asyncio.sleep(0.02)\n"
    "    server = httpserver.HTTPServer(web.Application([(r'/q/health/live', Live)]))\n"
    "    server.add_socket(netutil.bind_unix_socket(os.environ['SOCKET']))\n"
    "    print('listening', flush=True)\n"
    "    await asyncio.Event().wait()\n"
    "asyncio.run(main())\n"
)


def socket_supervisor(tmp_path, log, **kwargs) -> ServiceSupervisor:
    sock = str(tmp_path / "service.sock")

    async def answers() -> bool:
        from mooring_jupyterlab.proxy import ServiceEndpoint, Upstream

        upstream = Upstream(socket_path=sock)
        endpoint = ServiceEndpoint(upstream=lambda: upstream, token=str, availability=lambda: ("starting", ""))
        try:
            response = await endpoint.http_client(upstream).fetch(upstream.url("http", "/q/health/live"), raise_error=False)
        except OSError:
            return False
        return response.code == 200

    return ServiceSupervisor(
        [PY, "-c", SOCKET_CHILD], env={**os.environ, "SOCKET": sock}, cwd=str(tmp_path), ready=answers,
        socket_path=sock, log=log, **kwargs,
    )


async def test_a_started_child_is_running_only_once_it_answers_then_restarting_after_it_dies(log, tmp_path):
    sup = socket_supervisor(tmp_path, log, backoff=Backoff(initial=0.1))
    assert sup.availability()[0] == "starting"
    await sup.start()
    try:
        await sup.wait_for(lambda s: bool(s.runs) and s.pid is not None, timeout=10)
        assert sup.state == "starting" and not sup.serving
        assert sup.availability()[0] == "starting"
        (tmp_path / "go").touch()
        await sup.wait_for(lambda s: s.is_running, timeout=20)
        first_pid = sup.pid
        assert first_pid is not None and sup.serving
        assert sup.availability() is None
        os.kill(first_pid, 9)
        await sup.wait_for(lambda s: not s.is_running, timeout=10)
        assert sup.availability()[0] == "restarting"
        # the killed child's socket file is removed before the next start can bind it
        await sup.wait_for(lambda s: len(s.runs) >= 2 and s.is_running, timeout=20)
        assert sup.pid != first_pid
        assert sup.runs[0].returncode == -9
    finally:
        await sup.stop()
    assert sup.availability()[0] == "stopped"


async def test_a_child_that_never_answers_is_stopped_and_started_again(log, tmp_path):
    sup = socket_supervisor(tmp_path, log, backoff=Backoff(initial=0.05), ready_timeout=0.5)
    await sup.start()
    try:
        await sup.wait_for(lambda s: len(s.runs) >= 2, timeout=20)
        assert sup.runs[0].returncode is not None
        assert not any(s == "running" for s in [sup.state])
        assert sup.availability()[0] == "starting"
        assert any("was not ready" in line for line in log.lines)
    finally:
        await sup.stop()


async def test_stop_ends_the_process(log):
    sup = ServiceSupervisor([PY, "-c", "import time; time.sleep(60)"], log=log, stop_timeout=5)
    await sup.start()
    await sup.wait_for(lambda s: s.is_running, timeout=10)
    pid = sup.pid
    assert pid is not None and alive(pid)
    await sup.stop()
    assert not alive(pid)
    assert sup.state == "stopped"
    assert len(sup.runs) == 1


async def test_stop_kills_a_process_that_ignores_sigterm(log):
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    sup = ServiceSupervisor([PY, "-c", code], log=log, stop_timeout=0.5)
    await sup.start()
    await sup.wait_for(lambda s: s.is_running, timeout=10)
    # wait until the child has installed its handler
    for _ in range(100):
        if any("ready" in line for line in log.lines):
            break
        await asyncio.sleep(0.05)
    pid = sup.pid
    await sup.stop()
    assert pid is not None and not alive(pid)


async def test_does_not_start_while_the_preflight_fails(log):
    sup = ServiceSupervisor(
        [PY, "-c", "pass"],
        preflight=lambda: "service jar not found at /nowhere.jar",
        backoff=Backoff(initial=0.05, maximum=0.1),
        log=log,
    )
    await sup.start()
    try:
        await sup.wait_for(lambda s: s.state == "unavailable", timeout=5)
        assert "not found" in sup.message
        assert sup.runs == []
    finally:
        await sup.stop()


async def test_a_second_supervisor_shares_the_running_service_then_takes_over(log, tmp_path):
    lock = str(tmp_path / "service.lock")
    code = "import time; time.sleep(60)"
    first = ServiceSupervisor([PY, "-c", code], log=log, lock_path=lock)
    second = ServiceSupervisor([PY, "-c", code], log=log, lock_path=lock, backoff=Backoff(initial=0.1))
    await first.start()
    try:
        await first.wait_for(lambda s: s.is_running, timeout=10)
        await second.start()
        await second.wait_for(lambda s: s.state == "shared", timeout=10)
        assert second.serving
        assert second.runs == []
        await first.stop()
        await second.wait_for(lambda s: s.is_running, timeout=20)
        assert len(second.runs) == 1
    finally:
        await first.stop()
        await second.stop()
