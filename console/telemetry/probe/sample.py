"""The line: GPUs, XIDs, node numbers and errors put together as one JSON object.

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

import json
import math
import time

from .fields import PROTOCOL_VERSION, error_entry
from .node import NodeReader
from .sources import open_gpus

MAX_ERRORS = 100  # per line; the console rejects lines over 1 MiB


class Probe:
    """Puts GPUs, XIDs, node numbers and errors together into one protocol line."""

    def __init__(self, gpus, node, interval=None, errors=()):
        self.gpus = gpus
        self.node = node
        self.interval = interval
        self.pending_errors = list(errors)

    def sample(self):
        now = time.time()
        gpus, xids = self.gpus.sample(now)
        node, node_errors = self.node.sample()
        node["driver"], node["cuda"] = self.gpus.driver, self.gpus.cuda
        errors = self.pending_errors + self.gpus.take_errors() + node_errors
        self.pending_errors = []
        if len(errors) > MAX_ERRORS:
            left_out = len(errors) - MAX_ERRORS + 1
            errors = errors[: MAX_ERRORS - 1]
            errors.append(error_entry(None, "errors", f"{left_out} more not shown"))
        return {
            "v": PROTOCOL_VERSION,
            "host": self.node.hostname,
            "t": round(now, 3),
            "interval": self.interval,
            "source": self.gpus.source,
            "gpus": gpus,
            "node": node,
            "xid": xids,
            "errors": errors,
        }

    def line(self):
        return to_json_line(self.sample())

    def close(self):
        self.gpus.close()


def to_json_line(obj):
    """Compact JSON on one line; NaN and infinities become null (JSON has neither)."""
    try:
        return json.dumps(obj, separators=(",", ":"), allow_nan=False)
    except ValueError:
        return json.dumps(_finite(obj), separators=(",", ":"), allow_nan=False)


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def build_probe(sim=None, mounts=("/",), interval=None, use_psutil=True, use_nvml=True):
    gpus, errors = open_gpus(sim, use_nvml, interval)
    return Probe(gpus, NodeReader(mounts, use_psutil), interval, errors)
