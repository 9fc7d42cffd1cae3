"""The hops to a node, as `ssh` would take them, and one verified connection over them.

A node's route is its ProxyJump hosts in order, then the node. Every hop's settings come from
the resolver (ssh -G), so a jump alias from ~/.ssh/config is dialled by its HostName, Port,
User and IdentityFile, and every hop's host key is checked under that hop's own name against
that hop's own known_hosts files. `ProxyJump a,b` means a, then b through a (and a's own
ProxyJump, if any, comes before it), as ssh builds it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path

import paramiko

from console.fleet.model import NodeStatus
from console.inventory.model import NodeSpec
from console.telemetry.hostkeys import HostKeyStore, host_entry
from console.telemetry.ssh import Authenticator, NodeConnectError, Timeouts, open_transport
from console.telemetry.ssh_resolve import (
    DEFAULT_IDENTITIES,
    ResolveError,
    SshResolver,
    SshSettings,
    split_hop,
)

MAX_JUMP_DEPTH = 8  # a ProxyJump loop in the config ends here


@dataclass(frozen=True, slots=True)
class Hop:
    name: str  # as a person wrote it (an alias, a host)
    host: str  # what is dialled
    port: int
    user: str
    identities: tuple[str, ...]
    known_hosts: tuple[Path, ...]
    algorithms: tuple[str, ...] = ()
    connect_timeout: float | None = None
    key_name: str = ""  # the name its host key is filed under (HostKeyAlias, else host)

    @property
    def label(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"

    @property
    def key_entry(self) -> str:
        return host_entry(self.key_name or self.host, self.port)


def hop_from(settings: SshSettings, extra_identity: str | None = None) -> Hop:
    identities = settings.identity_files
    if extra_identity and extra_identity not in identities:
        identities = (*identities, extra_identity)
    return Hop(
        name=settings.alias,
        host=settings.hostname,
        port=settings.port,
        user=settings.user,
        identities=identities,
        known_hosts=settings.known_hosts,
        algorithms=settings.host_key_algorithms,
        connect_timeout=settings.connect_timeout,
        key_name=settings.host_key_alias or settings.hostname,
    )


def jump_hops(
    jumps: tuple[str, ...], resolver: SshResolver, extra_identity: str | None, depth: int = 0
) -> list[Hop]:
    """The hops of a ProxyJump list, each resolved as `ssh HOP` would be."""
    if depth > MAX_JUMP_DEPTH:
        raise ResolveError(f"ProxyJump nested more than {MAX_JUMP_DEPTH} deep (a loop?)")
    hops: list[Hop] = []
    for i, text in enumerate(jumps):
        user, host, port = split_hop(text)
        settings = resolver.resolve(host, port, user)
        if i == 0 and settings.proxy_jump:  # the first hop's own ProxyJump still applies
            hops.extend(jump_hops(settings.proxy_jump, resolver, extra_identity, depth + 1))
        hops.append(hop_from(settings, extra_identity))
    return hops


def route_for(spec: NodeSpec, resolver: SshResolver) -> tuple[Hop, ...]:
    """Jump hosts first, the node last. The fleet file's settings (already merged into the
    spec) beat the config files; ssh -G adds known_hosts files, algorithms and timeouts.
    The fleet file's identity_file is also offered to the jump hosts, after their own keys."""
    settings = resolver.resolve(spec.ssh_host or spec.dial_address, spec.port, spec.user)
    identities = (spec.identity_file,) if spec.identity_file else settings.identity_files
    node = Hop(
        name=spec.name,
        host=spec.address or settings.hostname,
        port=spec.port,
        user=spec.user or settings.user,
        identities=identities,
        known_hosts=settings.known_hosts,
        algorithms=settings.host_key_algorithms,
        connect_timeout=settings.connect_timeout,
        key_name=settings.host_key_alias or spec.address or settings.hostname,
    )
    jumps = tuple(h.strip() for h in (spec.proxy_jump or "").split(",") if h.strip())
    return (*jump_hops(jumps, resolver, spec.identity_file), node)


def route_to(
    host: str, port: int | None, user: str | None, identity: str | None, resolver: SshResolver
) -> tuple[Hop, ...]:
    """The route `ssh [-p port] [-l user] [-i identity] host` takes (a Slurm controller)."""
    settings = resolver.resolve(host, port, user)
    node = hop_from(settings)
    if identity:
        node = replace(node, identities=(identity,))
    return (*jump_hops(settings.proxy_jump, resolver, identity), node)


class RouteOpener:
    """Opens routes, sharing one connection per jump host (and per path to it) between every
    node behind it: one bastion connection carries many nodes."""

    def __init__(self, keys: HostKeyStore, auth: Authenticator, timeouts: Timeouts) -> None:
        self.keys, self.auth, self.timeouts = keys, auth, timeouts
        self.shared: dict[tuple[Hop, ...], paramiko.Transport] = {}
        self._lock = threading.Lock()

    def open(self, route: tuple[Hop, ...]) -> paramiko.Transport:
        via = None
        for i in range(len(route) - 1):
            via = self._jump(route[: i + 1], via)
        return self._dial(route[-1], via)

    def _jump(self, path: tuple[Hop, ...], via: paramiko.Transport | None) -> paramiko.Transport:
        with self._lock:  # each jump host is connected once, then shared
            transport = self.shared.get(path)
            if transport is None or not transport.is_active():
                try:
                    transport = self._dial(path[-1], via)
                except NodeConnectError as exc:
                    exc.message = f"jump host {path[-1].name}: {exc.message}"
                    exc.jump = path[-1].name
                    raise
                self.shared[path] = transport
            return transport

    def _dial(self, hop: Hop, via: paramiko.Transport | None) -> paramiko.Transport:
        timeouts = self.timeouts
        if hop.connect_timeout:
            timeouts = replace(timeouts, connect=hop.connect_timeout)
        return open_transport(
            hop.host,
            hop.port,
            hop.user,
            hop.identities or DEFAULT_IDENTITIES,
            self.keys,
            self.auth,
            timeouts,
            via,
            known_hosts=hop.known_hosts,
            algorithms=hop.algorithms,
            key_name=hop.key_name,
        )

    def close(self) -> None:
        with self._lock:
            for transport in reversed(list(self.shared.values())):
                transport.close()
            self.shared.clear()


def resolve_route(spec: NodeSpec, resolver: SshResolver) -> tuple[Hop, ...]:
    """route_for, with a bad config reported as the node's connection problem."""
    try:
        return route_for(spec, resolver)
    except ResolveError as exc:
        raise NodeConnectError(NodeStatus.UNREACHABLE, f"ssh settings: {exc}") from exc
