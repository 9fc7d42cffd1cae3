"""What rejects a probe line whole, for both protocol versions: ProtocolError, and JSON decoding
that tells a line cut short from garbage (console/telemetry/protocol.py, protocol_v2.py)."""

from __future__ import annotations

import json
from typing import Any


class ProtocolError(ValueError):
    """A line the console cannot use at all; the message is short and meant for the operator."""


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ProtocolError("JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        # a line cut short (a dying probe, a full pipe) reads differently from garbage
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise ProtocolError(
                f"truncated JSON (ends at column {len(text)}): {_preview(text)}"
            ) from None
        raise ProtocolError(f"not JSON: {exc.msg} (column {exc.colno}): {_preview(text)}") from None
    except ValueError as exc:  # e.g. an integer over Python's digit limit
        raise ProtocolError(f"not usable JSON: {exc}") from None


def _preview(text: str, size: int = 60) -> str:
    return repr(text if len(text) <= size else text[:size] + "…")
