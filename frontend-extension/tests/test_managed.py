"""Managed mode end to end: Jupyter starts the "service" (a fake java) on a Unix socket in
its private data folder, sends it a token only once it answered there, passes it only the
variables it needs, and proxies to it; the token never shows."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
import sys
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

HERE = Path(__file__).parent


@pytest.fixture
def fake_java(tmp_path):
    script = tmp_path / "java"
    script.write_text(
        f"#!/bin/sh\nPYTHONPATH={HERE.parent} exec {sys.executable} -m tests.fake_service \"$@\"\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    jar = tmp_path / "quarkus-run.jar"
    jar.write_text("not really a jar")
    return script, jar


@pytest.fixture
def jupyters_environment(monkeypatch):
    """What a JupyterHub single-user server has in its environment."""
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "hub-api-secret")
    monkeypatch.setenv("JUPYTER_TOKEN", "lab-secret")
    monkeypatch.setenv("JPY_SESSION_NAME", "x")
    monkeypatch.setenv("CHAT_MODEL_PROVIDER", "demo")
    monkeypatch.delenv("CHAT_TOKEN", raising=False)
    monkeypatch.delenv("MOORING_SERVICE_TOKEN", raising=False)


@pytest.fixture
def jp_server_config(fake_java, tmp_path, jupyters_environment):
    java, jar = fake_java
    data = tmp_path / "data"
    data.mkdir(mode=0o755)  # as an older install left it
    return {
        "ServerApp": {"jpserver_extensions": {"mooring_jupyterlab": True}},
        "MooringExtension": {
            "java": str(java),
            "service_jar": str(jar),
            "data_dir": str(data),
            # long enough for the test to see the service restarting
            "restart_initial_delay": 2.0,
        },
    }


async def fetch_status(jp_fetch, *path):
    try:
        r = await jp_fetch(*path)
        return r.code, json.loads(r.body or b"null")
    except HTTPClientError as err:
        return err.code, json.loads(err.response.body)


async def test_starts_the_service_on_a_private_socket_and_proxies_to_it_with_its_own_token(jp_fetch, jp_serverapp, tmp_path):
    (extension,) = jp_serverapp.extension_manager.extension_apps["mooring_jupyterlab"]
    data = tmp_path / "data"
    code, body = await fetch_status(jp_fetch, "mooring", "api", "conversations")
    assert (code, body["code"], body["state"]) == (503, "unavailable", "starting")

    # pytest-jupyter does not run the server's start hooks; do what ServerApp.start does.
    await extension._start_jupyter_server_extension(jp_serverapp)
    answers = []
    for _ in range(400):
        code, body = await fetch_status(jp_fetch, "mooring", "api", "conversations")
        answers.append((code, body.get("state") if isinstance(body, dict) else None))
        if code == 200:
            break
        await asyncio.sleep(0.05)
    assert answers[-1][0] == 200, answers
    # while it was starting: only 503 with state "starting", never 401/403
    assert set(answers[:-1]) <= {(503, "starting")}

    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_ISSOCK((data / "service.sock").stat().st_mode)
    token = (data / "token").read_text().strip()
    assert not (data / "service-token").exists(), "the extension generates no token of its own"

    started = json.loads((data / "service-env.json").read_text())["env"]
    for secret in ("JUPYTERHUB_API_TOKEN", "JUPYTER_TOKEN", "JPY_SESSION_NAME", "CHAT_TOKEN"):
        assert secret not in started
    assert started["CHAT_MODEL_PROVIDER"] == "demo"
    assert started["CHAT_DATA_DIR"] == str(data)
    assert started["QUARKUS_HTTP_HOST_ENABLED"] == "false"
    assert started["QUARKUS_HTTP_DOMAIN_SOCKET"] == str(data / "service.sock")
    # (the fake java script itself sets PYTHONPATH; sh adds PWD, SHLVL, _)
    assert set(started) <= {"CHAT_MODEL_PROVIDER", "CHAT_DATA_DIR", "PATH", "HOME", "LANG", "USER", "LOGNAME", "HOSTNAME",
                            "TMPDIR", "TZ", "JAVA_HOME", "PWD", "SHLVL", "_", "PYTHONPATH"} | {n for n in started if n.startswith(("QUARKUS_", "LC_"))}

    status = await jp_fetch("mooring", "status")
    body = json.loads(status.body)
    assert body["state"] == "running" and body["starts"] == 1
    assert token not in status.body.decode()
    pid = body["pid"]
    assert pid and os.path.exists(f"/proc/{pid}")

    # The service dies: until it answers again, 503 "restarting" (or 502 in the instant before
    # the supervisor notices), then 200 from the new process.
    os.kill(pid, signal.SIGKILL)
    answers = []
    for _ in range(1000):
        code, body = await fetch_status(jp_fetch, "mooring", "api", "conversations")
        answers.append((code, body.get("state") if isinstance(body, dict) else None))
        if code == 200 and (503, "restarting") in answers:
            break
        await asyncio.sleep(0.02)
    assert (503, "restarting") in answers and answers[-1][0] == 200, answers
    assert set(answers[:-1]) <= {(200, None), (502, None), (503, "restarting")}

    # Jupyter stopping stops the service, for good.
    await extension.stop_extension()
    assert json.loads((await jp_fetch("mooring", "status")).body)["state"] == "stopped"
    code, body = await fetch_status(jp_fetch, "mooring", "api", "conversations")
    assert (code, body["state"]) == (503, "stopped")


async def test_a_short_token_in_the_data_folder_keeps_the_service_from_starting(jp_fetch, jp_serverapp, tmp_path):
    data = tmp_path / "data"
    (data / "token").write_text("")  # a crash between create and write, or a full disk
    (extension,) = jp_serverapp.extension_manager.extension_apps["mooring_jupyterlab"]
    await extension._start_jupyter_server_extension(jp_serverapp)
    try:
        await extension.supervisor.wait_for(lambda s: s.state == "unavailable", timeout=10)
        assert "empty" in extension.supervisor.message
        assert extension.supervisor.runs == []
        code, body = await fetch_status(jp_fetch, "mooring", "api", "conversations")
        assert (code, body["state"]) == (503, "starting")
        assert "token" in body["message"]
    finally:
        await extension.stop_extension()
