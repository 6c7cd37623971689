"""The Jupyter server extension: runs the chat service beside Jupyter and proxies it."""

from __future__ import annotations

import atexit
import json
import os
import shutil
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.application import ExtensionApp
from tornado import web
from traitlets import Bool, Float, Integer, List, Unicode, default

from .identity import UserAsserter
from .proxy import AUTH_RESOURCE, ServiceEndpoint, ServiceHttpProxyHandler, ServiceWebSocketProxyHandler, Upstream
from .secrets_store import (
    MAX_SOCKET_PATH,
    TOKEN_FILE,
    ensure_private_dir,
    private_dir_problem,
    read_service_token,
    socket_path,
    token_problem,
)
from .service_env import service_environment
from .supervisor import Backoff, ServiceSupervisor

# Where the jar lands when this package is installed editable from the repository:
# <repo>/frontend-extension/mooring_jupyterlab/app.py -> <repo>/target/quarkus-app/quarkus-run.jar
_REPO_JAR = Path(__file__).resolve().parents[2] / "target" / "quarkus-app" / "quarkus-run.jar"


class ServiceStatusHandler(APIHandler):
    """``<base_url>mooring/status``: what the supervisor knows (never the token)."""

    auth_resource = AUTH_RESOURCE

    def initialize(self, extension: MooringExtension) -> None:
        self.extension = extension

    @web.authenticated
    @authorized
    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(self.extension.status()))


class MooringExtension(ExtensionApp):
    """Starts the chat service (``java -jar``) on a Unix socket in its private data
    folder, restarts it with backoff when it dies, stops it with Jupyter, and serves it
    under ``<base_url>mooring/api/`` behind Jupyter's own authentication and authorizer."""

    name = "mooring_jupyterlab"
    load_other_extensions = True

    managed = Bool(
        True,
        config=True,
        help="Start and supervise the chat service (on a Unix socket in data_dir). False: proxy to "
        "service_host:service_port, started by someone else, with service_token.",
    )
    service_jar = Unicode(
        config=True,
        help="The service's quarkus-run.jar (env MOORING_SERVICE_JAR; default: the repository's "
        "target/quarkus-app/quarkus-run.jar when installed from source).",
    )
    java = Unicode(config=True, help="The java executable (default: $JAVA_HOME/bin/java or java on PATH).")
    java_options = List(Unicode(), config=True, help="Extra JVM options, e.g. ['-Xmx512m'].")
    data_dir = Unicode(
        config=True,
        help="The service's data folder (env MOORING_DATA_DIR or CHAT_DATA_DIR; default <jupyter data dir>/mooring).",
    )
    service_host = Unicode("127.0.0.1", config=True, help="Address of a service that is not managed.")
    service_port = Integer(0, config=True, help="Port of a service that is not managed.")
    service_token = Unicode(
        config=True,
        help="Token for the service (env MOORING_SERVICE_TOKEN or CHAT_TOKEN; default: the one the "
        "service generates into data_dir/token).",
    )
    users_secret = Unicode(
        config=True,
        help="The service's users secret (env CHAT_USERS_SECRET): the proxy asserts each Jupyter user to a "
        "service that serves several users. For a hub, prefer user_key per user server.",
    )
    user_key = Unicode(
        config=True,
        help="This server's user's key for a service that serves several users (env MOORING_USER_KEY): what "
        "a hub computes per user from the users secret (mooring_jupyterlab.identity.user_key).",
    )
    restart_initial_delay = Float(1.0, config=True, help="First delay before restarting a dead service (s).")
    restart_max_delay = Float(30.0, config=True, help="Longest delay between restarts (s).")
    stop_timeout = Float(15.0, config=True, help="Grace period for the service to stop before SIGKILL (s).")
    ready_timeout = Float(120.0, config=True, help="Longest wait for a started service to answer (s).")
    max_buffered_bytes = Integer(
        1 << 20,
        config=True,
        help="Bytes the proxy reads at once from one side of a chat socket and holds until the other side "
        "takes them (one batch per direction).",
    )
    stall_timeout = Float(
        30.0,
        config=True,
        help="How long a side of a chat socket may take nothing before the proxy ends the connection (s); "
        "the client reconnects and resumes.",
    )

    @default("service_jar")
    def _default_jar(self) -> str:
        return os.environ.get("MOORING_SERVICE_JAR") or str(_REPO_JAR)

    @default("java")
    def _default_java(self) -> str:
        java_home = os.environ.get("JAVA_HOME")
        if java_home and Path(java_home, "bin", "java").exists():
            return str(Path(java_home, "bin", "java"))
        return shutil.which("java") or "java"

    @default("data_dir")
    def _default_data_dir(self) -> str:
        return (
            os.environ.get("MOORING_DATA_DIR")
            or os.environ.get("CHAT_DATA_DIR")
            or str(Path(jupyter_data_dir()) / "mooring")
        )

    @default("users_secret")
    def _default_users_secret(self) -> str:
        return os.environ.get("CHAT_USERS_SECRET", "")

    @default("user_key")
    def _default_user_key(self) -> str:
        return os.environ.get("MOORING_USER_KEY", "")

    @default("service_token")
    def _default_token(self) -> str:
        return os.environ.get("MOORING_SERVICE_TOKEN") or os.environ.get("CHAT_TOKEN", "")

    # ---- setup ---------------------------------------------------------------------

    def initialize_settings(self) -> None:
        self._data = Path(self.data_dir).expanduser().absolute()
        self._token = self.service_token
        self.supervisor: ServiceSupervisor | None = None
        if self.managed:
            ensure_private_dir(self._data)
            env = service_environment(os.environ)
            env.update(
                {
                    "CHAT_DATA_DIR": str(self._data),
                    # The service listens on the socket only: no port another user could take first.
                    "QUARKUS_HTTP_HOST_ENABLED": "false",
                    "QUARKUS_HTTP_DOMAIN_SOCKET_ENABLED": "true",
                    "QUARKUS_HTTP_DOMAIN_SOCKET": socket_path(self._data),
                    "QUARKUS_VERTX_PREFER_NATIVE_TRANSPORT": "true",
                }
            )
            env.pop("CHAT_TOKEN", None)
            if self.service_token:
                env["CHAT_TOKEN"] = self.service_token
            if self.users_secret:
                env["CHAT_USERS_SECRET"] = self.users_secret
            self.supervisor = ServiceSupervisor(
                [self.java, *self.java_options, "-jar", self.service_jar],
                env=env,
                backoff=Backoff(initial=self.restart_initial_delay, maximum=self.restart_max_delay),
                stop_timeout=self.stop_timeout,
                preflight=self._preflight,
                ready=self._service_ready,
                ready_timeout=self.ready_timeout,
                socket_path=socket_path(self._data),
                log=self.log,
                cwd=str(self._data),
                lock_path=str(self._data / "service.lock"),
            )
            atexit.register(self.supervisor.kill_now)
        elif not self.service_token:
            self.log.warning("Mooring: managed=False but no service_token is configured")
        self.endpoint = ServiceEndpoint(
            upstream=self._upstream,
            token=self._current_token,
            availability=self._availability,
            users=UserAsserter(secret=self.users_secret, key=self.user_key),
            max_buffered_bytes=self.max_buffered_bytes,
            stall_timeout=self.stall_timeout,
        )

    def initialize_handlers(self) -> None:
        kwargs = {"endpoint": self.endpoint}
        self.handlers.extend(
            [
                (r"mooring/api/chat", ServiceWebSocketProxyHandler, kwargs),
                (r"mooring/api/(.*)", ServiceHttpProxyHandler, kwargs),
                (r"mooring/status", ServiceStatusHandler, {"extension": self}),
            ]
        )

    async def _start_jupyter_server_extension(self, serverapp) -> None:  # noqa: ARG002
        if self.supervisor is not None:
            self.log.info(
                "Mooring: starting the chat service (%s) with data in %s",
                self.service_jar,
                self.data_dir,
            )
            await self.supervisor.start()

    async def stop_extension(self) -> None:
        if self.supervisor is not None:
            self.log.info("Mooring: stopping the chat service")
            await self.supervisor.stop()

    # ---- what the supervisor and the proxy ask ------------------------------------

    def _preflight(self) -> str | None:
        if not Path(self.service_jar).is_file():
            return (
                f"service jar not found at {self.service_jar}; build it with "
                "'./mvnw -q -B package -DskipTests' or set MOORING_SERVICE_JAR"
            )
        if not (shutil.which(self.java) or Path(self.java).is_file()):
            return f"java not found ({self.java}); install Java 17+ or set JAVA_HOME"
        if len(socket_path(self._data).encode()) > MAX_SOCKET_PATH:
            return f"the data folder path {self._data} is too long for a Unix socket; set MooringExtension.data_dir"
        ensure_private_dir(self._data)
        problem = private_dir_problem(self._data)
        if problem:
            return problem
        if self.service_token:
            return token_problem(self.service_token, "service_token (MOORING_SERVICE_TOKEN, CHAT_TOKEN)")
        stored = read_service_token(self._data)
        if stored is not None:
            problem = token_problem(stored, str(self._data / TOKEN_FILE))
            return problem and f"{problem}; delete the file and the service makes a new one"
        return None

    async def _service_ready(self) -> bool:
        """The service proved itself: it answers on the socket in our 0700 data folder, which
        no other user can have bound, and its token is there. Only then is it sent a token."""
        assert self.supervisor is not None
        upstream = Upstream(socket_path=self.supervisor.socket_path)
        try:
            response = await self.endpoint.http_client(upstream).fetch(
                upstream.url("http", "/q/health/live"), raise_error=False, connect_timeout=2, request_timeout=5
            )
        except OSError:
            return False
        if response.code != 200:
            return False
        token = self.service_token or read_service_token(self._data) or ""
        if token_problem(token, "the data folder"):
            return False
        self._token = token
        return True

    def _current_token(self) -> str:
        if not self._token and self.managed:
            # shared: the service another Jupyter server runs for this data folder
            self._token = read_service_token(self._data) or ""
        return self._token

    def _upstream(self) -> Upstream | None:
        if self.supervisor is None:
            return Upstream(host=self.service_host, port=self.service_port) if self.service_port else None
        return Upstream(socket_path=self.supervisor.socket_path) if self.supervisor.serving else None

    def _availability(self) -> tuple[str, str] | None:
        if self.supervisor is None:
            if not self.service_port:
                return "stopped", "no chat service configured (set MooringExtension.service_port)"
            return "starting", f"the chat service at {self.service_host}:{self.service_port} does not answer"
        return self.supervisor.availability()

    def status(self) -> dict[str, object]:
        body: dict[str, object] = {"managed": bool(self.managed)}
        if self.supervisor is not None:
            body.update(self.supervisor.describe())
            body["jar"] = self.service_jar
            body["dataDir"] = self.data_dir
        else:
            body["port"] = self.service_port or None
        return body
