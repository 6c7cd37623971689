"""Runs the chat service as a child process: start, log, restart with backoff, stop."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff between restarts of a process that keeps dying."""

    initial: float = 1.0
    factor: float = 2.0
    maximum: float = 30.0
    # A run that lasted this long counts as healthy and resets the backoff.
    stable_after: float = 60.0

    def delay(self, failures: int) -> float:
        """Seconds to wait before the next start after ``failures`` quick deaths in a row."""
        if failures <= 0:
            return 0.0
        return min(self.maximum, self.initial * self.factor ** (failures - 1))


@dataclass
class RunRecord:
    """One run of the child process, for diagnostics and tests."""

    pid: int
    started_at: float
    ended_at: float | None = None
    returncode: int | None = None
    next_delay: float | None = None


@dataclass
class _State:
    state: str = "stopped"  # stopped | starting | running | backoff | unavailable | stopping | shared
    message: str = ""
    # A run has proven itself once: a later outage is a restart, not a first start.
    ever_ready: bool = False
    # stop() was called: the service will not be started again.
    stopped_for_good: bool = False
    runs: list[RunRecord] = field(default_factory=list)


def _set_parent_death_signal() -> None:  # pragma: no cover - runs in the child
    """Ask Linux to SIGTERM the child if Jupyter dies without cleaning up."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except Exception:
            pass


class ServiceSupervisor:
    """Keeps one child process running and ready.

    A started child counts as ``running`` only once ``ready()`` has answered True (the
    service proved who it is); until then, and when it exits, the supervisor says
    ``starting`` or ``backoff``. A child that exits is started again after an exponential
    backoff (reset once a run has stayed up for ``backoff.stable_after``); one that is not
    ready within ``ready_timeout`` is stopped and started again. A stale ``socket_path``
    left by a killed run is removed before each start. ``stop()`` ends it for good:
    SIGTERM first (the service then marks running completions as it must), SIGKILL after
    ``stop_timeout``.
    """

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        backoff: Backoff | None = None,
        stop_timeout: float = 15.0,
        preflight: Callable[[], str | None] | None = None,
        ready: Callable[[], Awaitable[bool]] | None = None,
        ready_timeout: float = 120.0,
        socket_path: str | None = None,
        log: logging.Logger | logging.LoggerAdapter | None = None,
        log_prefix: str = "mooring-service",
        cwd: str | None = None,
        lock_path: str | None = None,
    ) -> None:
        self.command = list(command)
        self.env = dict(os.environ if env is None else env)
        self.backoff = backoff or Backoff()
        self.stop_timeout = stop_timeout
        self.preflight = preflight
        self.ready = ready
        self.ready_timeout = ready_timeout
        self.socket_path = socket_path
        self.log = log or logging.getLogger(__name__)
        self.log_prefix = log_prefix
        self.cwd = cwd
        self.lock_path = lock_path
        self._lock_fd: int | None = None
        self._status = _State()
        self._process: asyncio.subprocess.Process | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping: asyncio.Event | None = None
        self._changed: asyncio.Condition | None = None

    # ---- observation -------------------------------------------------------------

    @property
    def state(self) -> str:
        return self._status.state

    @property
    def message(self) -> str:
        return self._status.message

    @property
    def runs(self) -> list[RunRecord]:
        return list(self._status.runs)

    @property
    def pid(self) -> int | None:
        proc = self._process
        return proc.pid if proc is not None and proc.returncode is None else None

    @property
    def is_running(self) -> bool:
        return self.state == "running" and self.pid is not None

    @property
    def serving(self) -> bool:
        """Whether the service should answer: our proven child, or the one another supervisor runs."""
        return self.is_running or self.state == "shared"

    def availability(self) -> tuple[str, str] | None:
        """``(state, message)`` while not serving: ``starting`` before the first proven start,
        ``restarting`` after a proven run ended, ``stopped`` once it will not start again;
        None while it serves (a failed request then is not the process's absence)."""
        if self.serving:
            return None
        if self._status.stopped_for_good:
            state = "stopped"
        elif self._status.ever_ready:
            state = "restarting"
        else:
            state = "starting"
        detail = f"the chat service is {self.state}" + (f": {self.message}" if self.message else "")
        return state, detail

    def describe(self) -> dict[str, object]:
        """A JSON-able summary (no secrets) for the status route and logs."""
        last = self._status.runs[-1] if self._status.runs else None
        return {
            "state": self.state,
            "message": self.message,
            "pid": self.pid,
            "starts": len(self._status.runs),
            "lastExitCode": last.returncode if last else None,
            "nextDelay": last.next_delay if last else None,
        }

    async def wait_for(self, predicate: Callable[[ServiceSupervisor], bool], timeout: float) -> None:
        """Wait until ``predicate(self)`` holds (checked on every state change)."""
        assert self._changed is not None, "start() first"
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self)), timeout)

    # ---- control -----------------------------------------------------------------

    async def start(self) -> None:
        """Start supervising (returns at once; the child starts in the background)."""
        if self._task is not None and not self._task.done():
            return
        self._stopping = asyncio.Event()
        self._changed = asyncio.Condition()
        self._task = asyncio.create_task(self._supervise(), name="mooring-service-supervisor")

    async def stop(self) -> None:
        """Stop the child and the supervision for good."""
        if self._stopping is None or self._task is None:
            return
        self._status.stopped_for_good = True
        self._stopping.set()
        await self._set_state("stopping")
        await self._terminate()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._release_lock()
        await self._set_state("stopped", "")

    def kill_now(self) -> None:
        """Synchronous last resort (atexit): SIGKILL the child if it still runs."""
        proc = self._process
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()

    # ---- internals ---------------------------------------------------------------

    async def _set_state(self, state: str, message: str | None = None) -> None:
        self._status.state = state
        if message is not None:
            self._status.message = message
        if self._changed is not None:
            async with self._changed:
                self._changed.notify_all()

    async def _sleep_unless_stopping(self, seconds: float) -> bool:
        """Sleep; True when stop() was called meanwhile."""
        assert self._stopping is not None
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
            return True
        except asyncio.TimeoutError:
            return False

    def _acquire_lock(self) -> bool:
        """Own the data folder (one service per folder); False while another process does."""
        if self.lock_path is None or self._lock_fd is not None:
            return True
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.set_inheritable(fd, False)
        self._lock_fd = fd
        return True

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                os.close(self._lock_fd)
            self._lock_fd = None

    async def _supervise(self) -> None:
        assert self._stopping is not None
        failures = 0
        while not self._stopping.is_set():
            if not self._acquire_lock():
                # Another Jupyter server of this user runs the service for this data
                # folder (an embedded database has one owner): use that one, and take
                # over when it goes away.
                if self.state != "shared":
                    self.log.info("%s: another process runs the service for this data folder; sharing it", self.log_prefix)
                await self._set_state("shared", "")
                if await self._sleep_unless_stopping(max(self.backoff.initial, 2.0)):
                    break
                continue
            problem = self.preflight() if self.preflight else None
            if problem:
                failures += 1
                delay = self.backoff.delay(failures)
                self.log.warning("%s: cannot start: %s (checking again in %.1fs)", self.log_prefix, problem, delay)
                await self._set_state("unavailable", problem)
                if await self._sleep_unless_stopping(delay):
                    break
                continue

            if self.socket_path:
                # A killed run leaves its socket file, and the next bind would fail on it.
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.socket_path)
            await self._set_state("starting", "")
            try:
                proc = await asyncio.create_subprocess_exec(
                    *self.command,
                    env=self.env,
                    cwd=self.cwd,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=_set_parent_death_signal,
                )
            except OSError as err:
                failures += 1
                delay = self.backoff.delay(failures)
                self.log.error("%s: could not run %s: %s (retrying in %.1fs)", self.log_prefix, self.command[0], err, delay)
                await self._set_state("unavailable", f"could not run {self.command[0]}: {err}")
                if await self._sleep_unless_stopping(delay):
                    break
                continue

            self._process = proc
            record = RunRecord(pid=proc.pid, started_at=time.monotonic())
            self._status.runs.append(record)
            self.log.info("%s: started pid %s", self.log_prefix, proc.pid)
            await self._set_state("starting", "waiting for the service to answer")
            pump = asyncio.create_task(self._pump_output(proc))
            if await self._await_ready(proc):
                self._status.ever_ready = True
                await self._set_state("running", "")
                self.log.info("%s: pid %s is ready", self.log_prefix, proc.pid)
            elif proc.returncode is None and not self._stopping.is_set():
                self.log.error("%s: pid %s was not ready in %.0fs; stopping it", self.log_prefix, proc.pid, self.ready_timeout)
                await self._terminate()
            returncode = await proc.wait()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pump, timeout=2)
            record.ended_at = time.monotonic()
            record.returncode = returncode
            if self._stopping.is_set():
                self.log.info("%s: stopped (exit code %s)", self.log_prefix, returncode)
                break

            lived = record.ended_at - record.started_at
            failures = 1 if lived >= self.backoff.stable_after else failures + 1
            delay = self.backoff.delay(failures)
            record.next_delay = delay
            self.log.warning(
                "%s: exited with code %s after %.1fs; restarting in %.1fs",
                self.log_prefix,
                returncode,
                lived,
                delay,
            )
            await self._set_state("backoff", f"exited with code {returncode}; restarting in {delay:.1f}s")
            if await self._sleep_unless_stopping(delay):
                break

    async def _await_ready(self, proc: asyncio.subprocess.Process) -> bool:
        """Asks ``ready()`` until it answers True; False when the child exits, stop() is
        called, or ``ready_timeout`` passes first."""
        if self.ready is None:
            return True
        deadline = time.monotonic() + self.ready_timeout
        while proc.returncode is None and time.monotonic() < deadline:
            if await self.ready():
                return proc.returncode is None
            if await self._sleep_unless_stopping(0.1):
                return False
        return False

    async def _pump_output(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        while True:
            line = await proc.stdout.readline()
            if not line:
                return
            text = line.decode("utf-8", errors="replace").rstrip()
            if text:
                self.log.info("%s: %s", self.log_prefix, text)

    async def _terminate(self) -> None:
        proc = self._process
        if proc is None or proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), timeout=self.stop_timeout)
        except asyncio.TimeoutError:
            self.log.warning("%s: did not stop in %.0fs; killing it", self.log_prefix, self.stop_timeout)
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
