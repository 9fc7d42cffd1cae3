"""One node over SSH: connect (directly or through a bastion), verify the host key, authenticate
with keys only, start the probe on a streaming channel.

Everything here blocks and is called from a collector's handshake workers, never from the GUI.
Failures raise NodeConnectError with the NodeStatus the operator should see.
"""

from __future__ import annotations

import getpass
import os
import shlex
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import paramiko

from console.fleet.model import NodeStatus
from console.i18n.catalogue import translate
from console.inventory.model import NodeSpec
from console.telemetry.hostkeys import HostKeyStore, KeyVerdict, fingerprint, host_entry
from console.telemetry.ssh_resolve import DEFAULT_IDENTITIES

PROBE_GUARD_S = 6 * 3600  # the remote `timeout` ends a probe whose console vanished; we reconnect


@dataclass(frozen=True, slots=True)
class Timeouts:
    connect: float = 5.0
    banner: float = 10.0
    handshake: float = 10.0
    auth: float = 10.0
    channel: float = 10.0


class NodeConnectError(Exception):
    def __init__(
        self,
        status: NodeStatus,
        message: str,
        fingerprint: str | None = None,
        key: paramiko.PKey | None = None,
        key_host: tuple[str, int] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fingerprint = fingerprint
        self.key = key  # the unknown key, kept so an operator can trust exactly this one
        self.key_host = key_host  # (host, port) the key belongs to: a jump host's, or the node's
        self.jump: str | None = None  # the jump host's name when it failed there, not the node


@dataclass(frozen=True, slots=True)
class Endpoint:
    host: str
    port: int
    user: str

    @classmethod
    def parse(cls, text: str, default_user: str) -> Endpoint:
        """`[user@]host[:port]`, as in ssh's ProxyJump."""
        user, _, hostport = text.rpartition("@")
        host, sep, port = hostport.rpartition(":")
        if not sep or not port.isdigit():
            host, port = hostport, "22"
        return cls(host.strip("[]"), int(port), user or default_user)


def command_for(spec: NodeSpec, protocol: int = 1) -> str:
    """The remote command: the probe from stdin, under a guard so it never outlives us for long."""
    interval = f"{spec.interval:g}"
    python = shlex.quote(spec.python)  # from the fleet file: one word, never shell syntax
    v2 = " --protocol 2" if protocol == 2 else ""  # a v1-only probe would refuse the option
    return f"exec timeout --kill-after=10 {PROBE_GUARD_S} {python} -u - --stream {interval}{v2}"


def _nodelay_socket(host: str, port: int, timeout: float) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=timeout)
    # Small JSON lines both ways: without TCP_NODELAY each waits on Nagle + delayed ACK (~40 ms).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    if hasattr(socket, "TCP_USER_TIMEOUT"):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 15_000)
    return sock


class QuietTransport(paramiko.Transport):
    """paramiko's reader thread wakes every 0.1 s to look at its `active` flag; with hundreds of
    connections per process that polling is most of the client's CPU. Closing a transport
    closes its socket, which wakes the thread at once, so a 2 s check loses nothing."""

    _active_check_timeout = 2.0
    # AES-GCM first (OpenSSH offers it too): one AEAD call per packet instead of AES-CTR plus an
    # HMAC and paramiko's byte-by-byte MAC comparison, ~10 µs of each streamed line's ~110 µs
    _preferred_ciphers = (
        *(c for c in paramiko.Transport._preferred_ciphers if c.endswith("-gcm@openssh.com")),
        *(c for c in paramiko.Transport._preferred_ciphers if not c.endswith("-gcm@openssh.com")),
    )


class Authenticator:
    """Keys only: the hop's identity files (those that exist, as ssh -G lists them), then the
    agent's keys. No password is ever asked for or stored."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[str, paramiko.PKey | None] = {}
        self._agent: paramiko.Agent | None = None

    def _key(self, path: str) -> paramiko.PKey | None:
        path = os.path.expanduser(path)
        with self._lock:
            if path not in self._loaded:
                try:
                    self._loaded[path] = paramiko.PKey.from_path(path)
                except (OSError, paramiko.SSHException):
                    self._loaded[path] = None  # missing or passphrase-protected: use the agent
            return self._loaded[path]

    def _agent_keys(self) -> tuple[paramiko.PKey, ...]:
        if not os.environ.get("SSH_AUTH_SOCK"):
            return ()
        with self._lock:
            if self._agent is None:
                self._agent = paramiko.Agent()
            return tuple(self._agent.get_keys())

    def authenticate(
        self, transport: paramiko.Transport, user: str, identity: str | Sequence[str] | None
    ) -> None:
        if identity is None:
            files: Sequence[str] = DEFAULT_IDENTITIES
        else:
            files = (identity,) if isinstance(identity, str) else identity
        candidates = [k for k in map(self._key, files) if k is not None]
        candidates.extend(self._agent_keys())
        if not candidates:
            raise NodeConnectError(
                NodeStatus.AUTH_FAILED,
                translate("SSH", "no usable key for {user} (identity file, agent)").fill(user=user),
            )
        for key in candidates:
            try:
                transport.auth_publickey(user, key)
            except paramiko.AuthenticationException:
                continue
            if transport.is_authenticated():
                return
        refused = translate("SSH", "public key refused for {user}").fill(user=user)
        raise NodeConnectError(NodeStatus.AUTH_FAILED, refused)


def open_transport(
    host: str,
    port: int,
    user: str,
    identity: str | None,
    keys: HostKeyStore,
    auth: Authenticator,
    timeouts: Timeouts,
    via: paramiko.Transport | None = None,
    known_hosts: Sequence[Path] | None = None,
    algorithms: Sequence[str] | None = None,
    key_name: str | None = None,
) -> paramiko.Transport:
    """A verified, authenticated Transport to host:port, directly or tunnelled through `via`.

    The host key is checked against `known_hosts` (the hop's files from ssh -G; None: the
    store's) under `key_name` (HostKeyAlias; default the host), offering host key algorithms in
    the order ssh would: the types already known for this host first."""
    key_host = key_name or host
    try:
        if via is None:
            sock = _nodelay_socket(host, port, timeouts.connect)
        else:
            sock = via.open_channel(
                "direct-tcpip", (host, port), ("127.0.0.1", 0), timeout=timeouts.channel
            )
    except (OSError, paramiko.SSHException) as exc:
        raise NodeConnectError(
            NodeStatus.UNREACHABLE,
            translate("SSH", "{host}:{port}: {why}").fill(host=host, port=port, why=_why(exc)),
        ) from exc
    transport = QuietTransport(sock)
    transport.banner_timeout = timeouts.banner
    transport.handshake_timeout = timeouts.handshake
    transport.auth_timeout = timeouts.auth
    try:
        transport.get_security_options().key_types = keys.algorithms(
            key_host, port, known_hosts, algorithms
        )
        transport.start_client(timeout=timeouts.handshake)
        key = transport.get_remote_server_key()
        _verify(keys.check_key(key_host, port, key, known_hosts), key_host, port, key)
        auth.authenticate(transport, user, identity)
        transport.set_keepalive(30)
        return transport
    except NodeConnectError:
        transport.close()
        raise
    except (OSError, EOFError, paramiko.SSHException) as exc:
        transport.close()
        raise NodeConnectError(
            NodeStatus.UNREACHABLE,
            translate("SSH", "{host}:{port}: {why}").fill(host=host, port=port, why=_why(exc)),
        ) from exc


def _verify(verdict, host: str, port: int, key: paramiko.PKey) -> None:
    """Raise the NodeConnectError an operator should see for anything but a known key."""
    where, fp = host_entry(host, port), fingerprint(key)
    detail = f" ({verdict.detail})" if verdict.detail else ""
    if verdict.kind is KeyVerdict.KNOWN:
        return
    if verdict.kind is KeyVerdict.UNKNOWN:
        raise NodeConnectError(
            NodeStatus.HOSTKEY_UNKNOWN,
            translate("SSH", "{host}: unknown {kind} host key{detail}").fill(
                host=where, kind=key.get_name(), detail=detail
            ),
            fp,
            key,
            (host, port),
        )
    if verdict.kind is KeyVerdict.REVOKED:
        message = translate("SSH", "{host}: host key REVOKED{detail}; refusing to connect.")
    elif verdict.kind is KeyVerdict.BAD_CERTIFICATE:
        message = translate("SSH", "{host}: host certificate refused{detail}; refusing to connect.")
    else:
        message = translate(
            "SSH",
            "{host}: HOST KEY CHANGED ({fingerprint}){detail}; refusing to connect. If the "
            "change is expected, remove the old key from known_hosts.",
        )
    raise NodeConnectError(
        NodeStatus.HOSTKEY_CHANGED,
        message.fill(host=where, fingerprint=fp, detail=detail),
        fp,
        None,
        (host, port),
    )


def start_probe(
    transport: paramiko.Transport,
    spec: NodeSpec,
    payload: bytes,
    timeouts: Timeouts,
    protocol: int = 1,
) -> paramiko.Channel:
    """Open the streaming channel, send the probe's source on stdin and close stdin."""
    try:
        channel = transport.open_session(timeout=timeouts.channel)
        channel.exec_command(command_for(spec, protocol))
        channel.sendall(payload)
        channel.shutdown_write()
    except (OSError, EOFError, paramiko.SSHException) as exc:
        raise NodeConnectError(
            NodeStatus.PROBE_ERROR,
            translate("SSH", "cannot start probe: {why}").fill(why=_why(exc)),
        ) from exc
    channel.setblocking(False)
    return channel


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return "root"


def _why(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
