"""The environment the chat service is started with: what it needs, nothing of Jupyter's."""

from __future__ import annotations

from collections.abc import Mapping

# Whole names passed on: where Java is, the locale, the user's home and temporary folder.
PASSED_NAMES = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "HOSTNAME",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        "JAVA_HOME",
        "JAVA_TOOL_OPTIONS",
        "JDK_JAVA_OPTIONS",
    }
)
# Prefixes passed on: the service's own settings (chat.*, quarkus.*) and locale categories.
PASSED_PREFIXES = ("CHAT_", "QUARKUS_", "LC_")


def service_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The allow-listed part of ``environ``: never JUPYTER_TOKEN, JUPYTERHUB_API_TOKEN or the rest."""
    return {name: value for name, value in environ.items() if name in PASSED_NAMES or name.startswith(PASSED_PREFIXES)}
