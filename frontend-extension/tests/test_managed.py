"""Managed mode end to end: Jupyter starts the "service" (a fake java), hands it a token
and a port, and proxies to it; the token never shows."""

from __future__ import annotations

import asyncio
import json
import os
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
def jp_server_config(fake_java, tmp_path):
    java, jar = fake_java
    return {
        "ServerApp": {"jpserver_extensions": {"mooring_jupyterlab": True}},
        "MooringExtension": {
            "java": str(java),
            "service_jar": str(jar),
            "data_dir": str(tmp_path / "data"),
            "restart_initial_delay": 0.1,
        },
    }


async def test_starts_the_service_with_a_private_token_and_proxies_to_it(jp_fetch, jp_serverapp, tmp_path):
    # pytest-jupyter does not run the server's start hooks; do what ServerApp.start does.
    (extension,) = jp_serverapp.extension_manager.extension_apps["mooring_jupyterlab"]
    await extension._start_jupyter_server_extension(jp_serverapp)
    codes = []
    for _ in range(200):
        try:
            r = await jp_fetch("mooring", "api", "conversations")
            codes.append(r.code)
            break
        except HTTPClientError as err:
            codes.append(err.code)
            await asyncio.sleep(0.05)
    assert codes[-1] == 200, codes
    # while it was starting: only 503, never 401/403
    assert set(codes[:-1]) <= {503}

    token_file = tmp_path / "data" / "service-token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = token_file.read_text().strip()

    status = await jp_fetch("mooring", "status")
    body = json.loads(status.body)
    assert body["state"] == "running" and body["starts"] == 1
    assert token not in status.body.decode()
    assert (tmp_path / "data" / "service-port").read_text().strip() == str(body["port"])
    pid = body["pid"]
    assert pid and os.path.exists(f"/proc/{pid}")

    # Jupyter stopping stops the service.
    await extension.stop_extension()
    assert json.loads((await jp_fetch("mooring", "status")).body)["state"] == "stopped"
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("mooring", "api", "conversations")
    assert err.value.code == 503
