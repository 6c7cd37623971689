"""The supervisor with real child processes (tiny Python programs standing in for the service)."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import stat
import sys

import pytest

from mooring_jupyterlab.ports import choose_port, find_free_port, is_port_free
from mooring_jupyterlab.secrets_store import generate_token, load_or_create_token, load_port, save_port
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


# ---- ports and tokens -----------------------------------------------------------


def test_keeps_the_preferred_port_while_it_is_free():
    port = find_free_port()
    assert is_port_free(port)
    assert choose_port(port) == port


def test_picks_another_port_when_the_preferred_one_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not is_port_free(port)
        other = choose_port(port)
        assert other != port
        assert is_port_free(other)


def test_generates_long_random_url_safe_tokens():
    tokens = {generate_token() for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert len(token) >= 43
        assert all(c.isalnum() or c in "-_" for c in token)


def test_keeps_one_private_token_per_data_dir(tmp_path):
    data = tmp_path / "mooring"
    first = load_or_create_token(data)
    assert load_or_create_token(data) == first
    mode = stat.S_IMODE((data / "service-token").stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert load_or_create_token(tmp_path / "other") != first


def test_remembers_the_last_port(tmp_path):
    assert load_port(tmp_path) is None
    save_port(tmp_path, 41234)
    assert load_port(tmp_path) == 41234


def test_backoff_doubles_up_to_its_maximum():
    b = Backoff(initial=1, factor=2, maximum=8)
    assert [b.delay(n) for n in range(0, 7)] == [0, 1, 2, 4, 8, 8, 8]


# ---- the process ----------------------------------------------------------------


async def test_restarts_a_process_that_dies_with_growing_delays(log):
    code = "import os, sys; print('child up on', os.environ['QUARKUS_HTTP_PORT'], flush=True); sys.exit(3)"
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
    # same port each time, since it stays free
    assert len({r.port for r in runs}) == 1
    # the child's output went to the log
    assert any(f"child up on {runs[0].port}" in line for line in log.lines)
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


async def test_restarts_a_killed_service_on_the_same_port(log):
    # A real listener on the given port, killed with SIGKILL.
    code = (
        "import os, socket, time\n"
        "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        "s.bind(('127.0.0.1', int(os.environ['QUARKUS_HTTP_PORT']))); s.listen()\n"
        "print('listening', flush=True)\n"
        "time.sleep(60)\n"
    )
    sup = ServiceSupervisor([PY, "-c", code], backoff=Backoff(initial=0.1), log=log)
    await sup.start()
    try:
        await sup.wait_for(lambda s: s.is_running, timeout=10)
        first_pid, first_port = sup.pid, sup.port
        assert first_pid is not None
        os.kill(first_pid, 9)
        await sup.wait_for(lambda s: len(s.runs) >= 2 and s.is_running, timeout=10)
        assert sup.pid != first_pid
        assert sup.port == first_port
        assert sup.runs[0].returncode == -9
    finally:
        await sup.stop()


async def test_moves_to_a_free_port_when_its_port_was_taken_meanwhile(log):
    code = "import sys; sys.exit(2)"
    sup = ServiceSupervisor([PY, "-c", code], backoff=Backoff(initial=0.5), log=log)
    await sup.start()
    taken = socket.socket()
    try:
        await sup.wait_for(lambda s: bool(s.runs) and s.runs[0].returncode is not None, timeout=10)
        old = sup.runs[0].port
        taken.bind(("127.0.0.1", old))
        taken.listen()
        await sup.wait_for(lambda s: len(s.runs) >= 2, timeout=10)
        assert sup.runs[1].port != old
    finally:
        taken.close()
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
    port_file = tmp_path / "port"
    code = "import time; time.sleep(60)"

    def remember(port: int) -> None:
        port_file.write_text(str(port))

    def remembered() -> int | None:
        return int(port_file.read_text()) if port_file.exists() else None

    first = ServiceSupervisor([PY, "-c", code], log=log, lock_path=lock, on_port=remember, shared_port=remembered)
    second = ServiceSupervisor(
        [PY, "-c", code], log=log, lock_path=lock, on_port=remember, shared_port=remembered,
        backoff=Backoff(initial=0.1),
    )
    await first.start()
    try:
        await first.wait_for(lambda s: s.is_running, timeout=10)
        await second.start()
        await second.wait_for(lambda s: s.state == "shared", timeout=10)
        assert second.reachable_port == first.port
        assert second.runs == []
        await first.stop()
        await second.wait_for(lambda s: s.is_running, timeout=20)
        assert len(second.runs) == 1
    finally:
        await first.stop()
        await second.stop()
