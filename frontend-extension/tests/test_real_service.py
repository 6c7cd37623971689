"""The real service (the packaged jar) behind the real proxy: Jupyter starts it on its Unix
socket, proves it, and relays the chat; refused upgrades leave the service's open-connection
gauge where it was. Needs the jar (`./mvnw package`), as the project's test command builds it."""

from __future__ import annotations

import asyncio
import json
import re
import uuid

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from mooring_jupyterlab.app import _REPO_JAR
from mooring_jupyterlab.proxy import Upstream

pytestmark = pytest.mark.skipif(not _REPO_JAR.is_file(), reason=f"no service jar at {_REPO_JAR}")


@pytest.fixture
def jp_server_config(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAT_DEMO_TOKENS_PER_SECOND", "200")
    monkeypatch.setenv("CHAT_DEMO_REPLY_TOKENS", "5")
    monkeypatch.delenv("CHAT_TOKEN", raising=False)
    monkeypatch.delenv("MOORING_SERVICE_TOKEN", raising=False)
    return {
        # every request is alice's unless its X-Test-User names another user
        "ServerApp": {"jpserver_extensions": {"mooring_jupyterlab": True}, "identity_provider_class": "tests.named_users.NamedUsers"},
        "MooringExtension": {"service_jar": str(_REPO_JAR), "data_dir": str(tmp_path / "data")},
    }


async def open_connections(extension) -> float:
    """The service's own gauge, read from /q/metrics over its socket."""
    upstream = Upstream(socket_path=extension.supervisor.socket_path)
    metrics = await extension.endpoint.http_client(upstream).fetch(upstream.url("http", "/q/metrics"))
    match = re.search(r"^mooring_connections_open(?:\{[^}]*\})? ([0-9.]+)$", metrics.body.decode(), re.M)
    assert match, "no mooring_connections_open gauge"
    return float(match.group(1))


async def ask_through_proxy(jp_serverapp, jp_ws_fetch, text):
    """Starts the real service under Jupyter, opens a chat socket through the proxy and asks; returns the extension
    and the socket, the welcome read."""
    (extension,) = jp_serverapp.extension_manager.extension_apps["mooring_jupyterlab"]
    await extension._start_jupyter_server_extension(jp_serverapp)
    try:
        await extension.supervisor.wait_for(lambda s: s.is_running, timeout=180)
        ws = await jp_ws_fetch("mooring", "api", "chat")
        assert json.loads(await ws.read_message())["type"] == "welcome"
        ws.write_message(json.dumps({"type": "chat", "clientMessageId": str(uuid.uuid4()), "text": text, "mode": "chat"}))
    except BaseException:
        await extension.stop_extension()
        raise
    return extension, ws


async def test_the_real_service_answers_through_the_proxy_and_refused_upgrades_cost_it_nothing(
    jp_serverapp, jp_ws_fetch, jp_http_port, jp_base_url, http_server_client
):
    extension, ws = await ask_through_proxy(jp_serverapp, jp_ws_fetch, "hello")
    try:
        frames = []
        while not frames or frames[-1]["type"] != "done":
            frames.append(json.loads(await asyncio.wait_for(ws.read_message(), 60)))
        assert frames[-1]["status"] == "completed"
        assert await open_connections(extension) == 1

        base = f"http://127.0.0.1:{jp_http_port}{jp_base_url}mooring/api/chat"
        login = {"Authorization": f"token {jp_serverapp.identity_provider.token}"}
        for _ in range(20):
            with pytest.raises(HTTPClientError) as err:  # logged in, but not an upgrade tornado would accept
                await AsyncHTTPClient().fetch(base, headers={**login, "Upgrade": "websocket", "Connection": "Upgrade"})
            assert err.value.code in (400, 426)
        assert await open_connections(extension) == 1
        ws.close()
    finally:
        await extension.stop_extension()


@pytest.fixture
def users_secret(monkeypatch):
    secret = "real-service-users-secret-0123456789abcdef"
    monkeypatch.setenv("CHAT_USERS_SECRET", secret)
    return secret


async def test_the_real_service_takes_the_proxys_user_assertions_and_refuses_a_bare_token(
    users_secret, jp_serverapp, jp_fetch, jp_ws_fetch
):
    extension, ws = await ask_through_proxy(jp_serverapp, jp_ws_fetch, "mine")
    try:
        accepted = json.loads(await asyncio.wait_for(ws.read_message(), 60))
        assert accepted["type"] == "accepted", accepted
        ws.close()
        listed = json.loads((await jp_fetch("mooring", "api", "conversations")).body)
        assert [c["id"] for c in listed] == [accepted["conversationId"]]
        assert json.loads((await jp_fetch("mooring", "api", "conversations", headers={"X-Test-User": "bob"})).body) == []

        upstream = Upstream(socket_path=extension.supervisor.socket_path)
        bare = await extension.endpoint.http_client(upstream).fetch(
            upstream.url("http", "/api/conversations"),
            headers={"Authorization": f"Bearer {extension._current_token()}"},
            raise_error=False,
        )
        assert bare.code == 401
    finally:
        await extension.stop_extension()
