"""Reading a fleet file and the ssh config it leans on, before any field is checked.

Every failure is an InventoryError that names the file and, where it can, the line: unreadable,
not UTF-8, a TOML syntax error (Python 3.11 gives its position only in the message), or an ssh
config paramiko cannot parse. console/inventory/loader.py checks what was read.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from console.inventory.model import InventoryError

_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def read_fleet_file(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and its TOML tables."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InventoryError(path, None, "", f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InventoryError(path, line, "", "not UTF-8 text") from exc
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, text, exc) from exc


def _syntax_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> InventoryError:
    # Python 3.11's TOMLDecodeError has no lineno; the position is only in the message
    message = str(exc)
    m = _TOML_WHERE.search(message)
    line = getattr(exc, "lineno", None)
    if m:
        message = message[: m.start()]
        if line is None:
            line = int(m.group(1)) if m.group(1) else text.count("\n") + 1
        if m.group(2):
            message += f" (column {m.group(2)})"
    return InventoryError(path, line, "", f"TOML syntax error: {message}")


def read_ssh_config(ssh_config_path: Path | None) -> tuple[Path, Any] | None:
    if ssh_config_path is None:
        ssh_config_path = Path.home() / ".ssh" / "config"
        if not ssh_config_path.is_file():
            return None
    import paramiko  # deferred: ~0.17 s of import the demo never needs

    try:
        return ssh_config_path, paramiko.SSHConfig.from_path(str(ssh_config_path))
    except OSError as exc:
        raise InventoryError(ssh_config_path, None, "", f"cannot read: {exc.strerror}") from exc
    except paramiko.ssh_exception.ConfigParseError as exc:
        raise InventoryError(ssh_config_path, None, "", str(exc)) from exc
