"""Tornado handlers that expose the chat service under Jupyter's origin and auth.

``<base_url>mooring/api/chat`` (WebSocket) and ``<base_url>mooring/api/...`` (HTTP)
forward to the service's ``/api/...``. The browser authenticates to Jupyter as it
always does (cookie, or Jupyter's own ``token``) and Jupyter's authorizer must allow
it on the resource ``mooring``; these handlers then talk to the service with the
service token in an ``Authorization: Bearer`` header, so that token never reaches the
browser. Jupyter's credentials and the browser's Origin are not forwarded. When the
service cannot be reached the answer is 503 (or 502), never 401 or 403, which a client
would take as final.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode

from jupyter_server.auth.decorator import authorized, ws_authenticated
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from tornado import httpclient, httputil, web
from tornado.iostream import StreamClosedError
from tornado.netutil import Resolver

from .identity import HEADER as USER_HEADER
from .identity import UserAsserter
from .splice import dial, splice

# The resource name Jupyter's authorizer is asked about (actions: read, write).
AUTH_RESOURCE = "mooring"
# Query parameters that belong to Jupyter's own auth, never forwarded.
_JUPYTER_QUERY_PARAMS = {"token", "_xsrf"}
# Response headers copied back from the service.
_FORWARDED_RESPONSE_HEADERS = ("Content-Type", "Cache-Control", "Location", "Retry-After")
# Request headers copied to the service; nothing else (no Cookie, Origin, Authorization).
_FORWARDED_REQUEST_HEADERS = ("Content-Type", "Accept", "Accept-Language", "If-None-Match")


class UnixSocketResolver(Resolver):
    """Resolves every host to one Unix domain socket, so tornado's clients speak HTTP over it."""

    def initialize(self, path: str) -> None:  # type: ignore[override]
        self.path = path

    async def resolve(self, host: str, port: int, family: socket.AddressFamily = socket.AF_UNSPEC):  # type: ignore[override]
        return [(socket.AF_UNIX, self.path)]


@dataclass(frozen=True)
class Upstream:
    """Where the service listens: a Unix domain socket, or a TCP host and port."""

    socket_path: str | None = None
    host: str = "127.0.0.1"
    port: int | None = None

    def url(self, scheme: str, path: str) -> str:
        netloc = "localhost" if self.socket_path else f"{self.host}:{self.port}"
        return f"{scheme}://{netloc}{path}"

    def resolver(self) -> Resolver | None:
        return UnixSocketResolver(self.socket_path) if self.socket_path else None


@dataclass
class ServiceEndpoint:
    """The service as the proxy sees it.

    ``upstream`` answers where to reach it while it should be serving, else ``None``;
    ``availability`` says ``(state, message)`` for the 503 body, with state ``starting``,
    ``restarting`` or ``stopped``, or None while the service is serving (a failure then
    answers 502: the process is there but did not answer). ``users`` asserts the Jupyter
    user to a service that serves several (see identity.py).
    """

    upstream: Callable[[], Upstream | None]
    token: Callable[[], str]
    availability: Callable[[], tuple[str, str] | None]
    users: UserAsserter = field(default_factory=UserAsserter)
    # Bytes a spliced socket holds at most per direction (one batch); how long a write may take nothing.
    max_buffered_bytes: int = 1 << 20
    stall_timeout: float = 30.0
    _clients: dict[str | None, httpclient.AsyncHTTPClient] = field(default_factory=dict, repr=False)

    def http_client(self, upstream: Upstream) -> httpclient.AsyncHTTPClient:
        """One client per socket path (tornado's shared client for TCP)."""
        key = upstream.socket_path
        client = self._clients.get(key)
        if client is None:
            resolver = upstream.resolver()
            client = httpclient.AsyncHTTPClient(force_instance=True, resolver=resolver) if resolver else httpclient.AsyncHTTPClient()
            self._clients[key] = client
        return client

    def service_headers(self, handler: JupyterHandler) -> dict[str, str]:
        """What the proxy tells the service of itself and of the logged-in user: the token, the user's assertion."""
        headers = {"Authorization": f"Bearer {self.token()}"}
        user = self.users.header(handler.current_user.username) if self.users.active else None
        if user is not None:
            headers[USER_HEADER] = user
        return headers


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


def _problem(code: str, message: str, **extra: str) -> str:
    return json.dumps({"code": code, "message": message, **extra})


def _send_unavailable(handler: web.RequestHandler, endpoint: ServiceEndpoint) -> None:
    """503 with ``{"code": "unavailable", "message", "state"}`` while the service is not serving,
    502 without a state when it should be but did not answer: the client waits and retries."""
    availability = endpoint.availability()
    handler.set_header("Content-Type", "application/json")
    handler.set_header("Retry-After", "2")
    if availability is None:
        handler.set_status(502)
        handler.finish(_problem("unavailable", "the chat service did not answer"))
        return
    state, reason = availability
    handler.set_status(503)
    handler.finish(_problem("unavailable", reason, state=state))


class ServiceHttpProxyHandler(APIHandler):
    """``<base_url>mooring/api/(.*)`` -> service ``/api/\\1``."""

    auth_resource = AUTH_RESOURCE

    def initialize(self, endpoint: ServiceEndpoint) -> None:
        self.endpoint = endpoint

    def _fail(self, status: int, code: str, message: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(_problem(code, message))

    async def _forward(self) -> None:
        path = forwarded_path(self.request.path)
        if path is None:
            self._fail(400, "bad_request", "not a service path")
            return
        upstream = self.endpoint.upstream()
        if upstream is None:
            _send_unavailable(self, self.endpoint)
            return
        query = forwarded_query(self.request.query_arguments)
        url = upstream.url("http", f"/api/{path}" + (f"?{query}" if query else ""))
        headers = {name: self.request.headers[name] for name in _FORWARDED_REQUEST_HEADERS if name in self.request.headers}
        headers.update(self.endpoint.service_headers(self))
        method = self.request.method or "GET"
        body = (self.request.body or b"") if method in ("POST", "PUT", "PATCH") else None
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
            response = await self.endpoint.http_client(upstream).fetch(request, raise_error=False)
        except (OSError, httpclient.HTTPClientError) as err:
            self.log.debug("mooring proxy: %s %s failed: %s", method, url, err)
            response = None
        if response is None or response.code == 599:
            # refused, reset or timed out: the service is starting, restarting or gone
            _send_unavailable(self, self.endpoint)
            return
        if response.code in (401, 403):
            # The browser already passed Jupyter's auth; a refusal here means the proxy's
            # token is not the service's, which is not the browser's fault and not final.
            self.log.error("mooring proxy: the service refused the proxy's token (%s)", response.code)
            self._fail(502, "unavailable", "the chat service refused the Jupyter proxy's credentials")
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
    @authorized
    async def get(self, _path: str) -> None:
        await self._forward()

    @web.authenticated
    @authorized
    async def post(self, _path: str) -> None:
        await self._forward()

    @web.authenticated
    @authorized
    async def put(self, _path: str) -> None:
        await self._forward()

    @web.authenticated
    @authorized
    async def patch(self, _path: str) -> None:
        await self._forward()

    @web.authenticated
    @authorized
    async def delete(self, _path: str) -> None:
        await self._forward()


class ServiceWebSocketProxyHandler(JupyterHandler):
    """``<base_url>mooring/api/chat`` (WebSocket) -> service ``/api/chat``.

    Jupyter's login and authorizer, the upgrade headers and the Origin are checked
    before the service is dialled, so a refused handshake costs the service nothing.
    Then the proxy sends the service the browser's upgrade (its key, with the service's
    token and the user's assertion in place of Jupyter's credentials) and hands the
    service's ``101`` to the browser, so the two ends speak WebSocket to each other; a
    service that is down answers the upgrade with 503. From there the two sockets are
    spliced (splice.py): bytes pass unparsed, a batch at a time, so close codes (1001,
    1008, 1013, 4408 ...) pass through and a side that does not read stops the other's
    reading; one that takes nothing for ``stall_timeout`` ends both connections.
    """

    auth_resource = AUTH_RESOURCE

    def initialize(self, endpoint: ServiceEndpoint) -> None:
        self.endpoint = endpoint

    def set_default_headers(self) -> None:
        """No CSP etc. on an upgrade response."""

    def check_origin(self, origin: str) -> bool:
        return WebSocketMixin.check_origin(self, origin)  # type: ignore[arg-type]

    def _refusal(self) -> tuple[int, str] | None:
        """What tornado would refuse the upgrade for, checked before the service is dialled."""
        headers = self.request.headers
        if headers.get("Upgrade", "").lower() != "websocket":
            return 400, 'Can "Upgrade" only to "WebSocket".'
        if "upgrade" not in (part.strip().lower() for part in headers.get("Connection", "").split(",")):
            return 400, '"Connection" must be "Upgrade".'
        origin = headers.get("Origin", headers.get("Sec-Websocket-Origin"))
        if origin is not None and not self.check_origin(origin):
            return 403, "Cross origin websockets not allowed"
        if headers.get("Sec-WebSocket-Version") not in ("7", "8", "13"):
            self.set_header("Sec-WebSocket-Version", "13")
            return 426, "Upgrade Required"
        key = headers.get("Sec-WebSocket-Key", "")
        if not key or not key.isascii() or any(c in key for c in "\r\n"):
            return 400, "Missing/Invalid WebSocket headers"
        return None

    def _upgrade_request(self, upstream: Upstream) -> bytes:
        """The browser's upgrade as the service gets it: its key and version, the proxy's credentials."""
        query = forwarded_query(self.request.query_arguments)
        host = "localhost" if upstream.socket_path else f"{upstream.host}:{upstream.port}"
        headers = {
            "Host": host,
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": self.request.headers["Sec-WebSocket-Key"],
            "Sec-WebSocket-Version": self.request.headers["Sec-WebSocket-Version"],
            **self.endpoint.service_headers(self),
        }
        lines = [f"GET /api/chat{'?' + query if query else ''} HTTP/1.1"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    @ws_authenticated
    @authorized("write")
    async def get(self, *args, **kwargs):  # type: ignore[override]
        refusal = self._refusal()
        if refusal is not None:
            self.log.warning("mooring proxy: upgrade refused (%s %s)", *refusal)
            self.set_status(refusal[0])
            self.finish(refusal[1])
            return
        upstream = self.endpoint.upstream()
        if upstream is None:
            _send_unavailable(self, self.endpoint)
            return
        try:
            service = await dial(upstream.socket_path, upstream.host, upstream.port, timeout=5)
        except (OSError, TimeoutError) as err:
            self.log.debug("mooring proxy: dialling the service failed: %s", err)
            _send_unavailable(self, self.endpoint)
            return
        try:
            await service.write(self._upgrade_request(upstream))
            head = await asyncio.wait_for(service.read_until(b"\r\n\r\n", max_bytes=1 << 16), 15)
            status_line, _, header_text = head.decode("latin-1").partition("\r\n")
            status = httputil.parse_response_start_line(status_line).code
            answer = httputil.HTTPHeaders.parse(header_text)
        except (OSError, TimeoutError, StreamClosedError, httputil.HTTPInputError) as err:
            service.close()
            self.log.debug("mooring proxy: the service's upgrade failed: %s", err)
            _send_unavailable(self, self.endpoint)
            return
        if status != 101:
            service.close()
            if status in (401, 403):
                self.log.error("mooring proxy: the service refused the proxy's token (%s)", status)
                raise web.HTTPError(502, "the chat service refused the Jupyter proxy's credentials")
            raise web.HTTPError(502, f"the chat service refused the connection ({status})")
        self.clear_header("Content-Type")
        self.set_status(101)
        self.set_header("Upgrade", "websocket")
        self.set_header("Connection", "Upgrade")
        self.set_header("Sec-WebSocket-Accept", answer.get("Sec-WebSocket-Accept", ""))
        self.finish()
        browser = self.detach()
        browser.set_nodelay(True)
        await splice(browser, service, self.endpoint.max_buffered_bytes, self.endpoint.stall_timeout)
