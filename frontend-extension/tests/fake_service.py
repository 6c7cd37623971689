"""A stand-in for the chat service: checks the service token, records what reached it,
counts its open sockets, streams on demand and closes a client that does not read with
1013, as the service does. Run as a module it takes the service's environment contract
(the socket, the data folder, the token file) in place of ``java -jar quarkus-run.jar``."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys

import tornado.testing
from tornado import httpserver, netutil, web
from tornado.websocket import WebSocketClosedError, WebSocketHandler

TOKEN = "service-secret-token"
# Frames a connection may leave unwritten before it is closed with 1013 (the service's rule).
MAX_PENDING = 64


class Recorder:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.requests: list[dict] = []
        self.open_sockets = 0
        self.close_codes: list[int | None] = []
        # {"type": "deaf"} stops a connection's reading until this is set
        self.hear = asyncio.Event()
        # upgrades wait while this is clear
        self.accept_upgrades = asyncio.Event()
        self.accept_upgrades.set()


def _authorized(handler: web.RequestHandler, recorder: Recorder) -> bool:
    return handler.request.headers.get("Authorization") == f"Bearer {recorder.token}"


class FakeApi(web.RequestHandler):
    def initialize(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def prepare(self) -> None:
        self.recorder.requests.append(
            {
                "method": self.request.method,
                "path": self.request.path,
                "query": self.request.query,
                "headers": dict(self.request.headers),
                "body": self.request.body.decode(),
            }
        )
        if not _authorized(self, self.recorder):
            self.set_status(401)
            self.finish(json.dumps({"code": "unauthorized", "message": "bad token"}))

    def get(self, path: str) -> None:
        if path == "conversations":
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps([{"id": "c1", "title": "First", "createdAt": "x", "updatedAt": "y"}]))
        else:
            self.set_status(404)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"code": "not_found", "message": f"no {path}"}))

    def delete(self, path: str) -> None:
        self.set_status(204)
        self.finish()

    def post(self, path: str) -> None:
        self.set_status(202)
        self.finish()


class FakeOperations(web.RequestHandler):
    """``/q/health/live`` and a ``/q/sockets`` count of open chat sockets (no token, as /q/metrics)."""

    def initialize(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def get(self, what: str) -> None:
        if what == "health/live":
            self.finish({"status": "UP"})
        elif what == "sockets":
            self.finish({"open": self.recorder.open_sockets, "closeCodes": self.recorder.close_codes})
        else:
            self.set_status(404)
            self.finish()


class FakeChat(WebSocketHandler):
    def initialize(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.pending = 0
        self.counted = False

    def check_origin(self, origin: str) -> bool:
        return True

    async def get(self, *args, **kwargs):
        self.recorder.requests.append(
            {"method": "WS", "path": self.request.path, "query": self.request.query, "headers": dict(self.request.headers)}
        )
        if not _authorized(self, self.recorder):
            self.set_status(401)
            self.finish()
            return None
        await self.recorder.accept_upgrades.wait()
        return await super().get(*args, **kwargs)

    def open(self) -> None:
        self.counted = True
        self.recorder.open_sockets += 1
        self.write_message(json.dumps({"type": "welcome", "protocol": 1}))

    def on_close(self) -> None:
        if self.counted:
            self.counted = False
            self.recorder.open_sockets -= 1
            self.recorder.close_codes.append(self.close_code)

    def send(self, message: str) -> None:
        """Writes without waiting; past MAX_PENDING unwritten frames, closes with 1013."""
        if self.pending >= MAX_PENDING:
            self.close(1013, "too slow to read; reconnect and resume")
            return
        self.pending += 1
        try:
            self.write_message(message).add_done_callback(self._written)
        except WebSocketClosedError:
            pass

    def _written(self, done) -> None:
        self.pending -= 1
        if not done.cancelled():
            done.exception()

    async def on_message(self, message):
        frame = json.loads(message)
        if frame.get("type") == "close":
            self.close(frame["code"], "bye")
        elif frame.get("type") == "deaf":
            await self.recorder.hear.wait()
        elif frame.get("type") == "stream":
            # {"type": "stream", "count": n, "size": bytes}: n chunks as fast as the socket takes them
            delta = "x" * frame["size"]
            for seq in range(1, frame["count"] + 1):
                if self.ws_connection is None or self.ws_connection.is_closing():
                    return
                self.send(json.dumps({"type": "chunk", "seq": seq, "delta": delta}))
                await asyncio.sleep(0)
        else:
            self.send(json.dumps({"type": "pong", "t": frame.get("t")}))


def application(recorder: Recorder) -> web.Application:
    return web.Application(
        [
            (r"/api/chat", FakeChat, {"recorder": recorder}),
            (r"/api/(.*)", FakeApi, {"recorder": recorder}),
            (r"/q/(.*)", FakeOperations, {"recorder": recorder}),
        ]
    )


def start_fake_service() -> tuple[httpserver.HTTPServer, int, Recorder]:
    recorder = Recorder()
    sock, port = tornado.testing.bind_unused_port()
    server = httpserver.HTTPServer(application(recorder))
    server.add_sockets([sock])
    return server, port, recorder


def unmanaged_config(port: int, server_app: dict | None = None, **extension: object) -> dict:
    """Jupyter's configuration for the proxy in front of the fake service on ``port``."""
    return {
        "ServerApp": {"jpserver_extensions": {"mooring_jupyterlab": True}, **(server_app or {})},
        "MooringExtension": {"managed": False, "service_port": port, "service_token": TOKEN, **extension},
    }


def _token_from_data_dir(data_dir: str) -> str:
    """CHAT_TOKEN, else the token file, made once as the service makes it."""
    if os.environ.get("CHAT_TOKEN"):
        return os.environ["CHAT_TOKEN"]
    path = os.path.join(data_dir, "token")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(32) + "\n")
    with open(path) as fh:
        return fh.read().strip()


def main() -> None:
    """Run as a stand-in for `java -jar quarkus-run.jar`: the same environment contract."""
    data_dir = os.environ["CHAT_DATA_DIR"]
    with open(os.path.join(data_dir, "service-env.json"), "w") as fh:
        json.dump({"env": dict(os.environ), "argv": sys.argv[1:]}, fh)
    recorder = Recorder(_token_from_data_dir(data_dir))

    async def serve() -> None:
        server = httpserver.HTTPServer(application(recorder))
        if os.environ.get("QUARKUS_HTTP_DOMAIN_SOCKET_ENABLED") == "true":
            server.add_socket(netutil.bind_unix_socket(os.environ["QUARKUS_HTTP_DOMAIN_SOCKET"]))
            where = os.environ["QUARKUS_HTTP_DOMAIN_SOCKET"]
        else:
            port = int(os.environ["QUARKUS_HTTP_PORT"])
            server.listen(port, address=os.environ.get("QUARKUS_HTTP_HOST", "127.0.0.1"))
            where = str(port)
        print(f"fake service listening on {where}, data in {data_dir}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
