"""The Jupyter user a request acts for, asserted to the chat service in a form a browser cannot make.

A service with a users secret (``CHAT_USERS_SECRET``) gives every user a key: the HMAC-SHA256 of
``"mooring-user-key:" + user`` under the secret. The proxy signs each request for its logged-in
user with that user's key: ``X-Mooring-User: v1.<user, base64url>.<expires>.<HMAC, base64url>``,
valid for a few minutes. The browser never holds a key, and a user's key asserts that user only,
so a hub can hand each user's server its own key (``MOORING_USER_KEY``) without the secret.
The service's twin is security/UserAssertions.java; docs/scaling.md has the whole model.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

HEADER = "X-Mooring-User"
# The service refuses assertions that live longer than its chat.users.max-assertion-age (5 min).
LIFETIME_SECONDS = 120


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def user_key(secret: str, user: str) -> str:
    """The key of ``user`` (base64url), derived from the service's users secret: what a hub gives that user's server."""
    return _b64(hmac.new(secret.encode(), f"mooring-user-key:{user}".encode(), hashlib.sha256).digest())


def assertion(key: str, user: str, expires: int) -> str:
    """An assertion of ``user`` made with its key (base64url), valid until ``expires`` (epoch seconds)."""
    signed = f"v1.{_b64(user.encode())}.{expires}"
    return f"{signed}.{_b64(hmac.new(_unb64(key), signed.encode(), hashlib.sha256).digest())}"


@dataclass(frozen=True)
class UserAsserter:
    """Makes the header for the logged-in user: from the users secret (a proxy trusted with it), or from
    this user's own key (a hub's single-user server); neither means the service has one user."""

    secret: str = ""
    key: str = ""

    @property
    def active(self) -> bool:
        return bool(self.secret or self.key)

    def header(self, user: str) -> str | None:
        if not self.active:
            return None
        key = user_key(self.secret, user) if self.secret else self.key
        return assertion(key, user, int(time.time()) + LIFETIME_SECONDS)
