"""The proxy asserts the Jupyter user to a service that serves several users: signed with that
user's key, made fresh for each request and upgrade; a header the browser sends never passes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest

from mooring_jupyterlab.identity import HEADER, LIFETIME_SECONDS, user_key

from .fake_service import unmanaged_config

SECRET = "users-secret-for-the-proxy-tests-0123456789"


def decoded(assertion: str, key: str) -> str:
    """The user an assertion names, after checking its form, lifetime and HMAC under ``key``."""
    version, user, expires, mac = assertion.split(".")
    assert version == "v1"
    assert time.time() < int(expires) <= time.time() + LIFETIME_SECONDS + 1
    raw_key = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    expected = hmac.new(raw_key, f"{version}.{user}.{expires}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(mac + "=" * (-len(mac) % 4)) == expected
    return base64.urlsafe_b64decode(user + "=" * (-len(user) % 4)).decode()


@pytest.fixture
def jp_server_config(fake_service, request):
    return unmanaged_config(
        fake_service[0],
        server_app={"identity_provider_class": "tests.named_users.NamedUsers"},
        **getattr(request, "param", {"users_secret": SECRET}),
    )


async def test_requests_carry_the_jupyter_user_signed_with_its_key(jp_fetch, jp_ws_fetch, fake_service):
    _, recorder = fake_service
    forged = {HEADER: "v1.YWRtaW4.9999999999.forged"}
    await jp_fetch("mooring", "api", "conversations", headers={"X-Test-User": "bob", **forged})
    assert decoded(recorder.requests[-1]["headers"][HEADER], user_key(SECRET, "bob")) == "bob"
    ws = await jp_ws_fetch("mooring", "api", "chat", headers={"X-Test-User": "Zoë", **forged})
    ws.close()
    assert decoded(recorder.requests[-1]["headers"][HEADER], user_key(SECRET, "Zoë")) == "Zoë"


@pytest.mark.parametrize("jp_server_config", [{}], indirect=True)
async def test_a_service_of_one_user_gets_no_assertion_and_never_the_browsers(jp_fetch, fake_service):
    _, recorder = fake_service
    await jp_fetch("mooring", "api", "conversations", headers={HEADER: "v1.YWRtaW4.9999999999.forged"})
    assert HEADER not in recorder.requests[-1]["headers"]


@pytest.mark.parametrize("jp_server_config", [{"user_key": user_key(SECRET, "alice")}], indirect=True)
async def test_a_hubs_per_user_key_signs_for_its_user_without_the_secret(jp_fetch, fake_service):
    _, recorder = fake_service
    await jp_fetch("mooring", "api", "conversations")
    assert decoded(recorder.requests[-1]["headers"][HEADER], user_key(SECRET, "alice")) == "alice"
