"""The Jupyter server extension: runs the chat service beside Jupyter and proxies it."""

from __future__ import annotations

import atexit
import json
import os
import shutil
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.application import ExtensionApp
from tornado import web
from traitlets import Bool, Float, Integer, List, Unicode, default

from .proxy import ServiceEndpoint, ServiceHttpProxyHandler, ServiceWebSocketProxyHandler
from .secrets_store import ensure_private_dir, load_or_create_token, load_port, save_port
from .supervisor import Backoff, ServiceSupervisor

# Where the jar lands when this package is installed editable from the repository:
# <repo>/frontend-extension/mooring_jupyterlab/app.py -> <repo>/target/quarkus-app/quarkus-run.jar
_REPO_JAR = Path(__file__).resolve().parents[2] / "target" / "quarkus-app" / "quarkus-run.jar"


class ServiceStatusHandler(APIHandler):
    """``<base_url>mooring/status``: what the supervisor knows (never the token)."""

    def initialize(self, extension: MooringExtension) -> None:
        self.extension = extension

    @web.authenticated
    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(self.extension.status()))


class MooringExtension(ExtensionApp):
    """Starts the chat service (``java -jar``) on a free loopback port with a private
    token, restarts it with backoff when it dies, stops it with Jupyter, and serves
    it under ``<base_url>mooring/api/`` behind Jupyter's own authentication."""

    name = "mooring_jupyterlab"
    load_other_extensions = True

    managed = Bool(
        True,
        config=True,
        help="Start and supervise the chat service. False: proxy to service_host:service_port, "
        "started by someone else, with service_token.",
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
    service_host = Unicode("127.0.0.1", config=True, help="Address the service listens on.")
    service_port = Integer(
        0,
        config=True,
        help="Port of the service; 0 picks a free one (the last one used, when still free).",
    )
    service_token = Unicode(
        config=True,
        help="Token for the service (env MOORING_SERVICE_TOKEN; default: generated once per user and "
        "kept, mode 0600, in data_dir).",
    )
    restart_initial_delay = Float(1.0, config=True, help="First delay before restarting a dead service (s).")
    restart_max_delay = Float(30.0, config=True, help="Longest delay between restarts (s).")
    stop_timeout = Float(15.0, config=True, help="Grace period for the service to stop before SIGKILL (s).")

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

    @default("service_token")
    def _default_token(self) -> str:
        return os.environ.get("MOORING_SERVICE_TOKEN", "")

    # ---- setup ---------------------------------------------------------------------

    def initialize_settings(self) -> None:
        data_dir = Path(self.data_dir).expanduser()
        if not self.service_token:
            if not self.managed:
                self.log.warning("Mooring: managed=False but no service_token is configured")
            else:
                self.service_token = load_or_create_token(data_dir)
        self.supervisor: ServiceSupervisor | None = None
        if self.managed:
            ensure_private_dir(data_dir)
            env = dict(os.environ)
            env.update(
                {
                    "CHAT_TOKEN": self.service_token,
                    "CHAT_DATA_DIR": str(data_dir),
                    "QUARKUS_HTTP_HOST": self.service_host,
                }
            )
            # Jupyter's credentials are no business of the service.
            env.pop("JUPYTER_TOKEN", None)
            self.supervisor = ServiceSupervisor(
                [self.java, *self.java_options, "-jar", self.service_jar],
                env=env,
                host=self.service_host,
                port=self.service_port or load_port(data_dir),
                backoff=Backoff(initial=self.restart_initial_delay, maximum=self.restart_max_delay),
                stop_timeout=self.stop_timeout,
                preflight=self._preflight,
                on_port=lambda port: save_port(data_dir, port),
                log=self.log,
                cwd=str(data_dir),
                lock_path=str(data_dir / "service.lock"),
                shared_port=lambda: load_port(data_dir),
            )
            atexit.register(self.supervisor.kill_now)
        self.endpoint = ServiceEndpoint(address=self._address, token=lambda: self.service_token, reason=self._reason)

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

    # ---- what the proxy asks -----------------------------------------------------

    def _preflight(self) -> str | None:
        if not Path(self.service_jar).is_file():
            return (
                f"service jar not found at {self.service_jar}; build it with "
                "'./mvnw -q -B package -DskipTests' or set MOORING_SERVICE_JAR"
            )
        if not (shutil.which(self.java) or Path(self.java).is_file()):
            return f"java not found ({self.java}); install Java 17+ or set JAVA_HOME"
        return None

    def _address(self) -> tuple[str, int] | None:
        if self.supervisor is None:
            return (self.service_host, self.service_port) if self.service_port else None
        port = self.supervisor.reachable_port
        return (self.service_host, port) if port else None

    def _reason(self) -> str:
        if self.supervisor is None:
            return "no chat service configured (set MooringExtension.service_port)"
        state = self.supervisor.state
        message = self.supervisor.message
        return f"the chat service is {state}" + (f": {message}" if message else "")

    def status(self) -> dict[str, object]:
        body: dict[str, object] = {"managed": bool(self.managed)}
        if self.supervisor is not None:
            body.update(self.supervisor.describe())
            body["jar"] = self.service_jar
            body["dataDir"] = self.data_dir
        else:
            body["port"] = self.service_port or None
        return body
