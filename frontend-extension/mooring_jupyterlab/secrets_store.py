"""The service's private data folder and the token the service keeps in it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Written by the service itself (security/ServiceToken.java); the extension only reads it.
TOKEN_FILE = "token"
SOCKET_FILE = "service.sock"
# The service refuses shorter tokens at start-up.
MIN_TOKEN_LENGTH = 16
# sun_path holds 108 bytes with its terminating NUL.
MAX_SOCKET_PATH = 107


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` with mode 0700 if needed and tighten it to 0700, as far as this user may;
    ``private_dir_problem`` then says what is still wrong."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)
    except OSError:
        pass


def private_dir_problem(path: Path) -> str | None:
    """Why ``path`` cannot hold the service's socket and token: not ours, or open to others."""
    try:
        info = path.stat()
    except OSError as err:
        return f"the data folder {path} is not usable: {err}"
    if info.st_uid != os.getuid():
        return f"the data folder {path} belongs to another user"
    if stat.S_IMODE(info.st_mode) & 0o077:
        return f"the data folder {path} is open to other users (mode {stat.S_IMODE(info.st_mode):o}); it must be 0700"
    return None


def socket_path(data_dir: Path) -> str:
    return str(data_dir / SOCKET_FILE)


def token_problem(token: str, source: str) -> str | None:
    """Why ``token`` (from ``source``) would be refused by the service, or None."""
    if len(token) < MIN_TOKEN_LENGTH:
        return f"the service token in {source} is {'empty' if not token else 'too short'} (at least {MIN_TOKEN_LENGTH} characters)"
    return None


def read_service_token(data_dir: Path) -> str | None:
    """The token the service generated into ``data_dir``, when it has."""
    try:
        return (data_dir / TOKEN_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
