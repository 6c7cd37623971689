"""Tornado handlers that expose the chat service under Jupyter's origin and auth.

``<base_url>mooring/api/chat`` (WebSocket) and ``<base_url>mooring/api/...`` (HTTP)
forward to the service's ``/api/...``. The browser authenticates to Jupyter as it
always does (cookie, or Jupyter's own ``token``); these handlers then talk to the
service with the service token in an ``Authorization: Bearer`` header, so that
token never reaches the browser. Jupyter's credentials and the browser's Origin are
not forwarded. When the service cannot be reached the answer is 502 or 503, never
401 or 403, which a client would take as final.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlencode

from jupyter_server.auth.decorator import ws_authenticated
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from tornado import httpclient, web
from tornado.websocket import WebSocketClientConnection, WebSocketClosedError, WebSocketHandler, websocket_connect

# Query parameters that belong to Jupyter's own auth, never forwarded.
_JUPYTER_QUERY_PARAMS = {"token", "_xsrf"}
# Response headers copied back from the service.
_FORWARDED_RESPONSE_HEADERS = ("Content-Type", "Cache-Control", "Location", "Retry-After")
# Request headers copied to the service; nothing else (no Cookie, Origin, Authorization).
_FORWARDED_REQUEST_HEADERS = ("Content-Type", "Accept", "Accept-Language", "If-None-Match")


@dataclass
class ServiceEndpoint:
    """Where the service is and how to authenticate to it, as the proxy sees it.

    ``address`` answers ``(host, port)`` while the service should be reachable and
    ``None`` otherwise; ``reason`` says why not, for the 503 body.
    """

    address: Callable[[], tuple[str, int] | None]
    token: Callable[[], str]
    reason: Callable[[], str] = lambda: "the chat service is not running"

    def http_base(self) -> str | None:
        addr = self.address()
        return f"http://{addr[0]}:{addr[1]}" if addr else None

    def ws_base(self) -> str | None:
        addr = self.address()
        return f"ws://{addr[0]}:{addr[1]}" if addr else None


def forwarded_query(arguments: dict[str, list[bytes]]) -> str:
    """The request's query string without Jupyter's auth parameters."""
    pairs = [
        (name, value.decode("utf-8", errors="replace"))
        for name, values in arguments.items()
        if name not in _JUPYTER_QUERY_PARAMS
        for value in values
    ]
    return urlencode(pairs)


_PREFIX = "/mooring/api/"


def forwarded_path(request_path: str) -> str | None:
    """The part of the raw (still percent-encoded) request path after ``mooring/api/``;
    None when it would leave ``/api/`` (dot segments)."""
    index = request_path.find(_PREFIX)
    if index < 0:
        return None
    rest = request_path[index + len(_PREFIX) :]
    if any(segment in (".", "..") for segment in unquote(rest).split("/")):
        return None
    return rest


def _problem(code: str, message: str) -> str:
    return json.dumps({"code": code, "message": message})


class ServiceHttpProxyHandler(APIHandler):
    """``<base_url>mooring/api/(.*)`` -> service ``/api/\\1``."""

    def initialize(self, endpoint: ServiceEndpoint) -> None:
        self.endpoint = endpoint

    def _unavailable(self, status: int, message: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Retry-After", "2")
        self.finish(_problem("unavailable", message))

    async def _forward(self, _decoded: str) -> None:
        path = forwarded_path(self.request.path)
        if path is None:
            self.set_status(400)
            self.set_header("Content-Type", "application/json")
            self.finish(_problem("bad_request", "not a service path"))
            return
        base = self.endpoint.http_base()
        if base is None:
            self._unavailable(503, self.endpoint.reason())
            return
        query = forwarded_query(self.request.query_arguments)
        url = f"{base}/api/{path}" + (f"?{query}" if query else "")
        headers = {name: self.request.headers[name] for name in _FORWARDED_REQUEST_HEADERS if name in self.request.headers}
        headers["Authorization"] = f"Bearer {self.endpoint.token()}"
        method = self.request.method or "GET"
        body = self.request.body if method in ("POST", "PUT", "PATCH") else None
        if method in ("POST", "PUT", "PATCH") and body is None:
            body = b""
        request = httpclient.HTTPRequest(
            url,
            method=method,
            headers=headers,
            body=body,
            allow_nonstandard_methods=True,
            follow_redirects=False,
            connect_timeout=5,
            request_timeout=60,
        )
        try:
            response = await httpclient.AsyncHTTPClient().fetch(request, raise_error=False)
        except (OSError, httpclient.HTTPClientError) as err:
            # connection refused, reset, or timed out (599)
            self.log.debug("mooring proxy: %s %s failed: %s", method, url, err)
            self._unavailable(503, "the chat service is not reachable (it may be starting)")
            return
        if response.code == 599:
            self._unavailable(503, "the chat service is not reachable (it may be starting)")
            return
        if response.code in (401, 403):
            # The browser already passed Jupyter's auth; a refusal here means the proxy's
            # token is not the service's, which is not the browser's fault and not final.
            self.log.error("mooring proxy: the service refused the proxy's token (%s)", response.code)
            self._unavailable(502, "the chat service refused the Jupyter proxy's credentials")
            return
        self.set_status(response.code, reason=response.reason)
        for name in _FORWARDED_RESPONSE_HEADERS:
            if name in response.headers:
                self.set_header(name, response.headers[name])
        if response.code == 204 or not response.body:
            self.finish()
        else:
            self.finish(response.body)

    @web.authenticated
    async def get(self, path: str) -> None:
        await self._forward(path)

    @web.authenticated
    async def post(self, path: str) -> None:
        await self._forward(path)

    @web.authenticated
    async def put(self, path: str) -> None:
        await self._forward(path)

    @web.authenticated
    async def patch(self, path: str) -> None:
        await self._forward(path)

    @web.authenticated
    async def delete(self, path: str) -> None:
        await self._forward(path)


class ServiceWebSocketProxyHandler(WebSocketMixin, WebSocketHandler, JupyterHandler):
    """``<base_url>mooring/api/chat`` (WebSocket) -> service ``/api/chat``.

    The upstream connection is opened before the browser's upgrade is accepted, so
    a service that is down answers the upgrade with 503. Close codes (1001, 1008,
    4408 ...) pass through in both directions.
    """

    def initialize(self, endpoint: ServiceEndpoint) -> None:
        self.endpoint = endpoint
        self.upstream: WebSocketClientConnection | None = None
        self._opened = False
        self._pending: list[str | bytes] = []
        self._closing = False

    def set_default_headers(self) -> None:
        """No CSP etc. on an upgrade response."""

    def get_compression_options(self):  # type: ignore[override]
        return self.settings.get("websocket_compression_options", None)

    @ws_authenticated
    async def get(self, *args, **kwargs):  # type: ignore[override]
        base = self.endpoint.ws_base()
        if base is None:
            raise web.HTTPError(503, self.endpoint.reason())
        query = forwarded_query(self.request.query_arguments)
        url = f"{base}/api/chat" + (f"?{query}" if query else "")
        request = httpclient.HTTPRequest(
            url,
            headers={"Authorization": f"Bearer {self.endpoint.token()}"},
            connect_timeout=5,
            request_timeout=15,
        )
        try:
            self.upstream = await websocket_connect(
                request,
                on_message_callback=self._on_upstream_message,
                max_message_size=self.settings.get("websocket_max_message_size", 10 * 1024 * 1024),
            )
        except httpclient.HTTPClientError as err:
            if err.code in (401, 403):
                self.log.error("mooring proxy: the service refused the proxy's token (%s)", err.code)
                raise web.HTTPError(502, "the chat service refused the Jupyter proxy's credentials") from None
            raise web.HTTPError(502, f"the chat service refused the connection ({err.code})") from None
        except (OSError, TimeoutError) as err:
            self.log.debug("mooring proxy: upstream websocket failed: %s", err)
            raise web.HTTPError(503, "the chat service is not reachable (it may be starting)") from None
        return await super().get(*args, **kwargs)

    def open(self, *args, **kwargs):  # type: ignore[override]
        super().open(*args, **kwargs)
        self._opened = True
        pending, self._pending = self._pending, []
        for message in pending:
            self._send_down(message)
        if self.upstream is not None and self.upstream.protocol is None:
            self._close_down(1011, "upstream closed")

    def _send_down(self, message: str | bytes) -> None:
        try:
            self.write_message(message, binary=isinstance(message, bytes))
        except WebSocketClosedError:
            self._close_upstream()

    def _on_upstream_message(self, message: str | bytes | None) -> None:
        if message is None:
            upstream = self.upstream
            code = upstream.close_code if upstream is not None else None
            reason = upstream.close_reason if upstream is not None else None
            if self._opened:
                self._close_down(code or 1011, reason or "")
            return
        if self._opened:
            self._send_down(message)
        else:
            self._pending.append(message)

    def on_message(self, message: str | bytes) -> None:  # type: ignore[override]
        upstream = self.upstream
        if upstream is None:
            return
        try:
            upstream.write_message(message, binary=isinstance(message, bytes))
        except WebSocketClosedError:
            self._close_down(1011, "upstream closed")

    def on_close(self) -> None:
        self._close_upstream(self.close_code, self.close_reason)

    def _close_down(self, code: int, reason: str) -> None:
        if self._closing:
            return
        self._closing = True
        # 1005/1006 are reserved and cannot be sent; report an abnormal upstream end as 1011.
        if code in (1005, 1006, 1015):
            code = 1011
        self.close(code, reason)

    def _close_upstream(self, code: int | None = None, reason: str | None = None) -> None:
        upstream = self.upstream
        if upstream is not None and upstream.protocol is not None:
            if code in (None, 1005, 1006, 1015):
                code = 1000
            upstream.close(code, reason)
