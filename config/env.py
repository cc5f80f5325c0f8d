"""Reading Kefu's configuration from the environment.

Settings come only from ``KEFU_*`` variables, each with a safe default for the embedded
(single-machine, SQLite) mode. The helpers here are pure so that they can be tested without
loading Django.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def env_str(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (case-insensitive, given in upper case), else an error naming them."""
    value = env_str(name, default).upper()
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """The folder that holds the embedded database, the queue, uploads and the secret key."""
    path = Path(env_str("KEFU_DATA_DIR", str(Path.cwd() / "var"))).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(folder: Path) -> str:
    """``KEFU_SECRET_KEY`` if set, else a key generated on first start and kept in ``folder``.

    Keeping the generated key means sessions survive restarts; several app servers must be
    given the same ``KEFU_SECRET_KEY`` (see docs/operations.md).
    """
    from_env = os.environ.get("KEFU_SECRET_KEY", "").strip()
    if from_env:
        return from_env
    key_file = folder / "secret_key"
    if not key_file.exists():
        # O_EXCL: if two processes start at once, exactly one writes the key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()
