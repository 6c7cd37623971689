"""A Jupyter identity provider for tests: a request with Jupyter's token is the user its
``X-Test-User`` header names (``alice`` without it), as a hub's login would name it."""

from __future__ import annotations

from jupyter_server.auth.identity import IdentityProvider, User


class NamedUsers(IdentityProvider):
    async def get_user(self, handler):  # type: ignore[override]
        token_user = await super()._get_user(handler)
        if token_user is None:
            return None
        name = handler.request.headers.get("X-Test-User", "alice")
        return User(username=name, name=name, display_name=name)
