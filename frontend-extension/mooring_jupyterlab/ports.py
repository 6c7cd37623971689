"""Choosing the loopback port the chat service listens on."""

from __future__ import annotations

import socket


def is_port_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when a server could bind ``host:port`` right now.

    SO_REUSEADDR is set as the service's own server socket does, so a port left in
    TIME_WAIT by a previous run of the service counts as free.
    """
    if not 0 < port < 65536:
        return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def find_free_port(host: str = "127.0.0.1") -> int:
    """A port the kernel reports free on ``host`` (it may be taken again before use)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def choose_port(preferred: int | None = None, host: str = "127.0.0.1") -> int:
    """``preferred`` when it is still free, otherwise a fresh free port.

    Keeping the same port across restarts keeps URLs in logs stable; choosing a free
    one lets two users on one machine each run their own service.
    """
    if preferred and is_port_free(preferred, host):
        return preferred
    return find_free_port(host)
