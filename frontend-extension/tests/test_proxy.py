"""The proxy: Jupyter's auth in front, the service token behind, the upgrade checked before
the service is dialled, the two sockets spliced with backpressure and a bound, 503 when the service is down."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from .fake_service import TOKEN, unmanaged_config

MIB = 1 << 20


@pytest.fixture
def jp_server_config(fake_service):
    return unmanaged_config(fake_service[0], max_buffered_bytes=256 * 1024, stall_timeout=0.3)


async def until(condition, what: str, timeout: float = 60) -> None:
    """Waits for ``condition()`` (checked every 20 ms); fails after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


def peak_rss() -> int:
    """This process's peak resident memory in bytes (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def reset_peak_rss() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def url(jp_http_port, jp_base_url, path, scheme="http"):
    return f"{scheme}://127.0.0.1:{jp_http_port}{jp_base_url}{path}"


async def test_http_proxy_forwards_with_the_service_token_only(jp_fetch, fake_service):
    _, recorder = fake_service
    r = await jp_fetch("mooring", "api", "conversations", params={"limit": "5"}, headers={"Origin": "http://evil.example"})
    assert r.code == 200
    assert json.loads(r.body)[0]["id"] == "c1"
    seen = recorder.requests[-1]
    assert seen["path"] == "/api/conversations"
    assert seen["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert seen["query"] == "limit=5"
    for name in ("Cookie", "Origin", "X-Xsrftoken"):
        assert name not in seen["headers"]


async def test_jupyters_token_query_parameter_is_not_forwarded(http_server_client, jp_serverapp, jp_http_port, jp_base_url, fake_service):
    _, recorder = fake_service
    client = AsyncHTTPClient()
    r = await client.fetch(url(jp_http_port, jp_base_url, f"mooring/api/conversations?token={jp_serverapp.identity_provider.token}&x=1"))
    assert r.code == 200
    assert recorder.requests[-1]["query"] == "x=1"


async def test_http_proxy_refuses_without_jupyter_auth(jp_http_port, jp_base_url, fake_service, jp_serverapp, http_server_client):
    _, recorder = fake_service
    client = AsyncHTTPClient()
    for target in ("mooring/api/conversations", f"mooring/api/conversations?token={TOKEN}", "mooring/status"):
        with pytest.raises(HTTPClientError) as err:
            await client.fetch(url(jp_http_port, jp_base_url, target))
        assert err.value.code == 403
    assert recorder.requests == []


async def test_http_proxy_passes_status_and_problem_bodies(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("mooring", "api", "conversations", "nope")
    assert err.value.code == 404
    assert json.loads(err.value.response.body)["code"] == "not_found"


async def test_http_proxy_forwards_delete(jp_fetch, fake_service):
    _, recorder = fake_service
    r = await jp_fetch("mooring", "api", "conversations", "c1", method="DELETE")
    assert r.code == 204
    assert recorder.requests[-1]["method"] == "DELETE"


async def test_status_route_never_shows_the_token(jp_fetch):
    r = await jp_fetch("mooring", "status")
    body = json.loads(r.body)
    assert body["managed"] is False
    assert TOKEN not in r.body.decode()


async def test_websocket_proxy_relays_frames_and_close_codes(jp_ws_fetch, jp_serverapp, fake_service):
    _, recorder = fake_service
    # Jupyter's own token in the query, as the browser client sends it: checked by Jupyter, not forwarded.
    jupyter_token = jp_serverapp.identity_provider.token
    ws = await jp_ws_fetch("mooring", "api", "chat", params={"token": jupyter_token, "v": "1"})
    welcome = json.loads(await ws.read_message())
    assert welcome["type"] == "welcome"
    seen = recorder.requests[-1]
    assert seen["method"] == "WS"
    assert seen["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert seen["query"] == "v=1"
    assert "Origin" not in seen["headers"] and "Cookie" not in seen["headers"]

    ws.write_message(json.dumps({"type": "ping", "t": 7}))
    assert json.loads(await ws.read_message()) == {"type": "pong", "t": 7}

    ws.write_message(json.dumps({"type": "close", "code": 4408}))
    assert await ws.read_message() is None
    assert ws.close_code == 4408


async def test_websocket_proxy_refuses_without_jupyter_auth(jp_http_port, jp_base_url, fake_service, jp_serverapp, http_server_client):
    _, recorder = fake_service
    for query in ("", f"?token={TOKEN}"):
        with pytest.raises(HTTPClientError) as err:
            await websocket_connect(HTTPRequest(url(jp_http_port, jp_base_url, "mooring/api/chat" + query, "ws")))
        assert err.value.code == 403
    assert recorder.requests == []


async def test_http_proxy_keeps_the_path_encoded_and_refuses_dot_segments(
    jp_fetch, fake_service, jp_serverapp, jp_http_port, jp_base_url, http_server_client
):
    _, recorder = fake_service
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("mooring", "api", "conversations", "a b?c")
    assert err.value.code == 404
    assert recorder.requests[-1]["path"] == "/api/conversations/a%20b%3Fc"
    assert recorder.requests[-1]["query"] == ""
    before = len(recorder.requests)
    auth = {"Authorization": f"token {jp_serverapp.identity_provider.token}"}
    for raw in ("mooring/api/..%2Fq%2Fhealth", "mooring/api/%2e%2e/secret", "mooring/api/x/%2E%2E/%2E%2E/q"):
        with pytest.raises(HTTPClientError) as err:
            await AsyncHTTPClient().fetch(url(jp_http_port, jp_base_url, raw), headers=auth)
        assert err.value.code in (400, 404)
    assert len(recorder.requests) == before


def test_forwarded_path():
    from mooring_jupyterlab.proxy import forwarded_path

    assert forwarded_path("/base/mooring/api/conversations/x%2Fy") == "conversations/x%2Fy"
    assert forwarded_path("/mooring/api/completions/1/cancel") == "completions/1/cancel"
    assert forwarded_path("/mooring/api/../q/health") is None
    assert forwarded_path("/mooring/api/%2E%2E/q") is None


async def test_refused_upgrades_never_open_a_service_socket(jp_http_port, jp_base_url, fake_service, jp_serverapp, http_server_client):
    _, recorder = fake_service
    # a browser's login cookie: Jupyter checks the Origin of cookie-authenticated requests only
    login = await AsyncHTTPClient().fetch(
        url(jp_http_port, jp_base_url, "mooring/status"), headers={"Authorization": f"token {jp_serverapp.identity_provider.token}"}
    )
    cookie = "; ".join(c.split(";")[0] for c in login.headers.get_list("Set-Cookie"))
    jupyter = {"Cookie": cookie, "Host": f"127.0.0.1:{jp_http_port}"}
    upgrade = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    refused = [
        ({**upgrade, "Origin": "http://evil.example"}, 403),
        ({**upgrade, "Sec-WebSocket-Key": ""}, 400),
        ({**upgrade, "Sec-WebSocket-Version": "12"}, 426),
        ({**upgrade, "Connection": "keep-alive"}, 400),
        ({k: v for k, v in upgrade.items() if k != "Upgrade"}, 400),
    ]
    for _ in range(4):
        for headers, status in refused:
            with pytest.raises(HTTPClientError) as err:
                await AsyncHTTPClient().fetch(url(jp_http_port, jp_base_url, "mooring/api/chat"), headers={**jupyter, **headers})
            assert err.value.code == status, headers
    assert [r for r in recorder.requests if r["method"] == "WS"] == []
    assert recorder.open_sockets == 0

    # a good upgrade still works, and its socket is closed with the browser's
    ws = await websocket_connect(HTTPRequest(url(jp_http_port, jp_base_url, "mooring/api/chat", "ws"), headers=jupyter))
    assert json.loads(await ws.read_message())["type"] == "welcome"
    assert recorder.open_sockets == 1
    ws.close(1000)
    await until(lambda: recorder.open_sockets == 0, "the service socket to close")


async def test_a_browser_gone_during_the_upstream_handshake_leaves_no_service_socket(
    jp_http_port, jp_base_url, fake_service, jp_serverapp, http_server_client
):
    _, recorder = fake_service
    recorder.accept_upgrades.clear()
    reader, writer = await asyncio.open_connection("127.0.0.1", jp_http_port)
    writer.write(
        (
            f"GET {jp_base_url}mooring/api/chat HTTP/1.1\r\nHost: 127.0.0.1:{jp_http_port}\r\n"
            f"Authorization: token {jp_serverapp.identity_provider.token}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    await until(lambda: any(r["method"] == "WS" for r in recorder.requests), "the proxy to dial the service")
    writer.close()  # the browser goes away while the proxy waits for the service
    await writer.wait_closed()
    recorder.accept_upgrades.set()
    await until(lambda: recorder.close_codes != [], "the service socket to close")
    assert recorder.open_sockets == 0


async def test_a_client_that_never_reads_is_cut_off_and_jupyters_memory_stays_bounded(jp_ws_fetch, fake_service):
    _, recorder = fake_service
    # tornado's client stops reading its socket once one message waits unread
    ws = await jp_ws_fetch("mooring", "api", "chat")
    assert json.loads(await ws.read_message())["type"] == "welcome"
    reset_peak_rss()
    before = peak_rss()
    ws.write_message(json.dumps({"type": "stream", "count": 1600, "size": 64 * 1024}))  # 100 MiB
    await until(lambda: recorder.open_sockets == 0, "the proxy to drop the service socket")
    grown = peak_rss() - before
    received = 0
    while await ws.read_message() is not None:
        received += 1
    # No close frame can be put behind bytes the client does not read: the proxy ends the TCP connection (1006 at
    # the client, which reconnects and resumes as after 1013).
    assert ws.close_code is None
    assert received < 1600
    assert grown < 40 * MIB, f"Jupyter grew by {grown / MIB:.0f} MiB"


async def test_a_service_that_stops_reading_ends_the_browsers_connection(jp_ws_fetch, fake_service):
    ws = await jp_ws_fetch("mooring", "api", "chat")
    assert json.loads(await ws.read_message())["type"] == "welcome"
    ws.write_message(json.dumps({"type": "deaf"}))
    frame = json.dumps({"type": "ping", "t": 0, "pad": "y" * 64 * 1024})
    for _ in range(400):  # 25 MiB toward a service that takes nothing
        if ws.protocol is None:
            break
        ws.write_message(frame)
        await asyncio.sleep(0)
    assert await asyncio.wait_for(ws.read_message(), 60) is None
    assert ws.close_code is None, "the proxy ends the TCP connection: 1006 at the client, which reconnects"
