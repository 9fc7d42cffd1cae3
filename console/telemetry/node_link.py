"""What a collector keeps per node (NodeLink), and what its handshake pool reports back."""

from __future__ import annotations

from dataclasses import dataclass, field

import paramiko

from console.inventory.model import NodeSpec
from console.telemetry.protocol_v2 import StreamDecoder
from console.telemetry.ssh import NodeConnectError

STDERR_TAIL = 2048  # bytes of a node's stderr kept for its last words


@dataclass
class NodeLink:
    """Per-node connection state; touched only by the loop thread."""

    spec: NodeSpec
    transport: paramiko.Transport | None = None
    channel: paramiko.Channel | None = None
    buf: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    connected_at: float = 0.0
    last_line_t: float = 0.0
    lines: int = 0
    attempts: int = 0
    due: float = 0.0  # next connect attempt; inf while connecting or streaming
    # an unknown key an operator may trust: host, port, key, and "[host]:port" if a jump host's
    pending_key: tuple[str, int, paramiko.PKey, str | None] | None = None
    decoder: StreamDecoder | None = None  # this stream's protocol state (a v2 header)
    proc: object | None = None  # the `ssh` process, on the OpenSSH transport (openssh_collector)


@dataclass(frozen=True)
class Connected:
    name: str
    transport: paramiko.Transport
    channel: paramiko.Channel


@dataclass(frozen=True)
class Failed:
    name: str
    error: NodeConnectError
