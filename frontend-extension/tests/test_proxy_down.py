"""With nothing listening behind the proxy: 503 (never 401/403, which a client takes as final)."""

from __future__ import annotations

import json

import pytest
import tornado.testing
from tornado.httpclient import HTTPClientError

from .fake_service import unmanaged_config


@pytest.fixture
def jp_server_config():
    sock, port = tornado.testing.bind_unused_port()
    sock.close()  # nothing listens there
    return unmanaged_config(port)


async def test_http_proxy_answers_503_when_the_service_is_down(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("mooring", "api", "conversations")
    assert err.value.code == 503
    body = json.loads(err.value.response.body)
    assert body["code"] == "unavailable" and body["state"] == "starting" and body["message"]


async def test_websocket_proxy_answers_503_when_the_service_is_down(jp_ws_fetch):
    with pytest.raises(HTTPClientError) as err:
        await jp_ws_fetch("mooring", "api", "chat")
    assert err.value.code == 503
