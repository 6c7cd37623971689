"""Jupyter's authorizer decides who may use the chat: a user it refuses on the resource
``mooring`` gets 403 on every route and on the socket, and the service sees nothing."""

from __future__ import annotations

import pytest
from jupyter_server.auth.authorizer import Authorizer
from tornado.httpclient import HTTPClientError

from .fake_service import unmanaged_config


class EverythingButMooring(Authorizer):
    def is_authorized(self, handler, user, action, resource):
        return resource != "mooring"


@pytest.fixture
def jp_server_config(fake_service):
    return unmanaged_config(fake_service[0], server_app={"authorizer_class": EverythingButMooring})


async def test_a_user_the_authorizer_refuses_reaches_nothing(jp_fetch, jp_ws_fetch, fake_service):
    _, recorder = fake_service
    assert (await jp_fetch("api", "status")).code == 200  # logged in, and allowed elsewhere
    for method, path, body in (
        ("GET", ("mooring", "api", "conversations"), None),
        ("DELETE", ("mooring", "api", "conversations", "c1"), None),
        ("POST", ("mooring", "api", "completions", "x", "cancel"), b""),
        ("GET", ("mooring", "status"), None),
    ):
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch(*path, method=method, body=body)
        assert err.value.code == 403, path
    with pytest.raises(HTTPClientError) as err:
        await jp_ws_fetch("mooring", "api", "chat")
    assert err.value.code == 403
    assert recorder.requests == []
