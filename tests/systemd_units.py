"""The shipped systemd units read as systemd reads them: key → values (continuations joined)."""

from __future__ import annotations

from pathlib import Path


def unit_settings(path: Path) -> dict[str, list[str]]:
    text = path.read_text().replace("\\\n", " ")  # systemd's line continuation
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, value = line.split("=", 1)
            out.setdefault(key, []).append(value)
    return out
