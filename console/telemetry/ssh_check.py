"""Open each node once, as the collector would, and say how far it got: the jump hosts and the
node's host key, the login, and the probe's first line. For `hangang-console fleet check`.
"""

from __future__ import annotations

import contextlib
import select
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from console.fleet.model import NodeStatus
from console.inventory.model import NodeSpec
from console.telemetry.protocol import ProtocolError, parse_line
from console.telemetry.ssh import NodeConnectError, start_probe
from console.telemetry.ssh_route import Hop, RouteOpener

FIRST_LINE_S = 20.0  # interpreter start and a first NVML read on a busy node


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    status: NodeStatus  # LIVE when a probe line came back
    message: str = ""
    gpus: int = 0
    fingerprint: str | None = None


def check_node(
    spec: NodeSpec, route: tuple[Hop, ...], opener: RouteOpener, payload: bytes
) -> CheckResult:
    try:
        transport = opener.open(route)
    except NodeConnectError as exc:
        return CheckResult(spec.name, exc.status, exc.message, fingerprint=exc.fingerprint)
    try:
        channel = start_probe(transport, spec, payload, opener.timeouts)
        line, err = _first_line(channel, FIRST_LINE_S + 3 * spec.interval)
        if line is None:
            tail = err.decode("utf-8", "replace").strip().splitlines()
            why = tail[-1] if tail else "no line from the probe"
            return CheckResult(spec.name, NodeStatus.PROBE_ERROR, why)
        sample = parse_line(line, spec.name)
        return CheckResult(spec.name, NodeStatus.LIVE, "", len(sample.gpus))
    except NodeConnectError as exc:
        return CheckResult(spec.name, exc.status, exc.message)
    except ProtocolError as exc:
        return CheckResult(spec.name, NodeStatus.PROBE_ERROR, f"bad line from probe: {exc}")
    finally:
        with contextlib.suppress(Exception):
            transport.close()


def _first_line(channel, timeout: float) -> tuple[bytes | None, bytes]:
    """The probe's first line (None if none came), and the tail of its stderr."""
    buf, err = bytearray(), bytearray()
    deadline = time.monotonic() + timeout
    while b"\n" not in buf:
        while channel.recv_stderr_ready():  # drained, or stderr fills up and stalls the probe
            err += channel.recv_stderr(65536)
            del err[:-4096]
        while channel.recv_ready():
            chunk = channel.recv(65536)
            if not chunk:
                break
            buf += chunk
        left = deadline - time.monotonic()
        if b"\n" in buf:
            break
        if left <= 0 or (channel.exit_status_ready() and not channel.recv_ready()):
            return None, bytes(err)
        select.select([channel], [], [], min(left, 0.5))
    return bytes(buf[: buf.index(b"\n")]), bytes(err)


def check_nodes(
    specs: Sequence[NodeSpec],
    routes: Sequence[tuple[Hop, ...]],
    opener: RouteOpener,
    payload: bytes,
    parallel: int = 16,
) -> list[CheckResult]:
    """One result per node, in the order given; jump hosts are shared as in the collector."""
    with ThreadPoolExecutor(max(1, parallel), thread_name_prefix="fleet-check") as pool:
        futures = [
            pool.submit(check_node, spec, route, opener, payload)
            for spec, route in zip(specs, routes, strict=True)
        ]
        return [f.result() for f in futures]
