"""The proxy: Jupyter's auth in front, the service token behind, 503 when the service is down."""

from __future__ import annotations

import json

import pytest
import tornado.testing
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from .fake_service import TOKEN, start_fake_service


@pytest.fixture
def fake_service(jp_asyncio_loop):
    server, port, recorder = start_fake_service()
    yield port, recorder
    server.stop()


@pytest.fixture
def jp_server_config(fake_service):
    port, _ = fake_service
    return {
        "ServerApp": {"jpserver_extensions": {"mooring_jupyterlab": True}},
        "MooringExtension": {"managed": False, "service_port": port, "service_token": TOKEN},
    }


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
