"""A stand-in for the chat service: checks the service token, records what reached it."""

from __future__ import annotations

import json

import tornado.testing
from tornado import httpserver, web
from tornado.websocket import WebSocketHandler

TOKEN = "service-secret-token"
_token = {"value": TOKEN}


class Recorder:
    def __init__(self) -> None:
        self.requests: list[dict] = []


def _authorized(handler: web.RequestHandler) -> bool:
    return handler.request.headers.get("Authorization") == f"Bearer {_token['value']}"


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
        if not _authorized(self):
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


class FakeChat(WebSocketHandler):
    def initialize(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def check_origin(self, origin: str) -> bool:
        return True

    async def get(self, *args, **kwargs):
        self.recorder.requests.append(
            {"method": "WS", "path": self.request.path, "query": self.request.query, "headers": dict(self.request.headers)}
        )
        if not _authorized(self):
            self.set_status(401)
            self.finish()
            return None
        return await super().get(*args, **kwargs)

    def open(self) -> None:
        self.write_message(json.dumps({"type": "welcome", "protocol": 1}))

    def on_message(self, message):
        frame = json.loads(message)
        if frame.get("type") == "close":
            self.close(frame["code"], "bye")
        else:
            self.write_message(json.dumps({"type": "pong", "t": frame.get("t")}))


def start_fake_service() -> tuple[httpserver.HTTPServer, int, Recorder]:
    recorder = Recorder()
    app = web.Application(
        [
            (r"/api/chat", FakeChat, {"recorder": recorder}),
            (r"/api/(.*)", FakeApi, {"recorder": recorder}),
        ]
    )
    sock, port = tornado.testing.bind_unused_port()
    server = httpserver.HTTPServer(app)
    server.add_sockets([sock])
    return server, port, recorder


def main() -> None:
    """Run as a stand-in for `java -jar quarkus-run.jar`: the same env contract."""
    import asyncio
    import os

    _token["value"] = os.environ["CHAT_TOKEN"]
    port = int(os.environ["QUARKUS_HTTP_PORT"])

    async def serve() -> None:
        recorder = Recorder()
        app = web.Application(
            [
                (r"/api/chat", FakeChat, {"recorder": recorder}),
                (r"/api/(.*)", FakeApi, {"recorder": recorder}),
            ]
        )
        app.listen(port, address=os.environ.get("QUARKUS_HTTP_HOST", "127.0.0.1"))
        print(f"fake service listening on {port}, data in {os.environ.get('CHAT_DATA_DIR')}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
