"""The per-user service token and remembered port, kept in the data folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TOKEN_FILE = "service-token"
PORT_FILE = "service-port"


def generate_token() -> str:
    """A fresh random service token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700) if needed and return it."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path


def load_or_create_token(data_dir: Path) -> str:
    """The token stored in ``data_dir``, created (mode 0600) on first use.

    The service keys conversations by token, so the same user keeps the same token
    across Jupyter restarts and keeps their history.
    """
    ensure_private_dir(data_dir)
    path = data_dir / TOKEN_FILE
    try:
        token = path.read_text(encoding="utf-8").strip()
        if token:
            return token
    except FileNotFoundError:
        pass
    token = generate_token()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token + "\n")
    return token


def load_port(data_dir: Path) -> int | None:
    """The port the service used last time, if remembered."""
    try:
        return int((data_dir / PORT_FILE).read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return None


def save_port(data_dir: Path, port: int) -> None:
    """Remember ``port`` for the next start."""
    try:
        ensure_private_dir(data_dir)
        (data_dir / PORT_FILE).write_text(f"{port}\n", encoding="utf-8")
    except OSError:
        pass
