"""SshCollector: follows many nodes over SSH from one thread plus a small handshake pool.

Each node has one persistent Transport and one streaming channel running the probe (paramiko;
openssh_collector.py runs `ssh` processes instead). One loop thread waits on every channel at once
(selectors over the channels' pipes), splits lines, parses them and hands NodeSamples to the sink.
Connecting is blocking work, run in a pool of at most `max_handshakes` threads: a reconnect storm
of 1,000 nodes is a queue, never 1,000 simultaneous handshakes.

Liveness is a watchdog on complete lines (no line for `watchdog_intervals` intervals → STALE and
reconnect): keepalives alone never notice a silently dead peer. Reconnects back off
exponentially with jitter, so nodes that fell together do not return together.
"""

from __future__ import annotations

import contextlib
import queue
import random
import selectors
import socket
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import paramiko

from console.fleet.compact import CompactSample
from console.fleet.model import NodeEvent, NodeSample, NodeStatus
from console.i18n.catalogue import translate
from console.inventory.model import NodeSpec
from console.telemetry.hostkeys import HostKeyStore, fingerprint, host_entry
from console.telemetry.node_link import STDERR_TAIL, Connected, Failed, NodeLink
from console.telemetry.protocol import MAX_LINE_BYTES, ProtocolError
from console.telemetry.protocol_v2 import StreamDecoder
from console.telemetry.ssh import Authenticator, NodeConnectError, Timeouts, start_probe
from console.telemetry.ssh_resolve import SshResolver
from console.telemetry.ssh_route import RouteOpener, resolve_route

Sink = Callable[[NodeSample | CompactSample | NodeEvent], None]
FIRST_LINE_GRACE_S = 15.0  # interpreter start + first NVML read on a busy node
HOSTKEY_RECHECK_S = 300.0  # a blocked node looks again, in case known_hosts was fixed by hand
HOUSEKEEPING_S = 0.25  # how often due connects and watchdogs are looked at
COALESCE_S = 0.05  # lines gather this long per wake-up (a wake-up per line cost as much as it)


class SshCollector:
    coalesce_s = COALESCE_S

    def __init__(
        self,
        specs: Sequence[NodeSpec],
        sink: Sink,
        keys: HostKeyStore,
        payload: bytes,
        *,
        max_handshakes: int = 16,
        timeouts: Timeouts | None = None,
        watchdog_intervals: float = 3.0,
        backoff: tuple[float, float] = (1.0, 60.0),
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        resolver: SshResolver | None = None,
        compact: bool = False,  # v2 samples reach the sink as CompactSample, not NodeSample
    ) -> None:
        self.links = {s.name: NodeLink(s) for s in specs}
        self._compact = compact
        self._sink = sink
        self._keys = keys
        self._payload = payload
        self._max_handshakes = max_handshakes
        self._timeouts = timeouts or Timeouts()
        self._watchdog_intervals = watchdog_intervals
        self._backoff = backoff
        self._clock = clock
        self._rng = rng or random.Random()
        self._auth = Authenticator()
        self._resolver = resolver or SshResolver()
        self._routes = RouteOpener(keys, self._auth, self._timeouts)
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._pool = ThreadPoolExecutor(max_handshakes, thread_name_prefix="ssh-handshake")
        self._in_flight = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- control (any thread) -----------------------------------------------------------------

    def start(self) -> None:
        now = self._clock()
        for i, link in enumerate(self.links.values()):
            # a slight stagger spreads the first handshakes over the pool's first rounds
            link.due = now + 0.002 * i
            self._sink(NodeEvent(link.spec.name, now, NodeStatus.CONNECTING,
                             translate("Collector", "connecting").fill()))
        self._thread = threading.Thread(target=self._run, name="ssh-collector", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._pool.shutdown(wait=False, cancel_futures=True)
        for link in self.links.values():
            self._close(link)
        self._routes.close()
        self._selector.close()
        self._wake_r.close()
        self._wake_w.close()

    def trust_host_key(self, name: str, expected_fingerprint: str) -> None:
        """Trust the key the node presented, if it is still the one the operator saw."""
        self._commands.put(("trust", name, expected_fingerprint))
        self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # already closed while stopping
            self._wake_w.send(b"x")

    # -- the loop thread ----------------------------------------------------------------------

    def _run(self) -> None:
        # Walking every link (due connects, watchdogs) costs O(nodes): do it on a tick, not on
        # every wake-up, or a thousand streaming nodes make it O(nodes²) per second.
        next_tick = 0.0
        while not self._stop.is_set():
            now = self._clock()
            self._handle_commands(now)
            if self._handle_results(now) or now >= next_tick:
                self._start_due_connects(now)
                self._check_watchdogs(now)
                next_tick = now + HOUSEKEEPING_S
            ready = self._selector.select(timeout=max(0.0, next_tick - now))
            for key, _ in ready:
                if key.data is None:
                    self._drain_waker()
                else:
                    self._read(key.data, self._clock())
            if len(ready) > 1 or (ready and ready[0][0].data is not None):
                time.sleep(self.coalesce_s)  # meanwhile the transports' threads have the GIL

    def _drain_waker(self) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except BlockingIOError:
            pass

    def _handle_commands(self, now: float) -> None:
        while True:
            try:
                verb, name, arg = self._commands.get_nowait()
            except queue.Empty:
                return
            link = self.links.get(name)
            if verb != "trust" or link is None or link.pending_key is None:
                continue
            host, port, key, key_host = link.pending_key
            if fingerprint(key) != arg:
                self._event(
                    link,
                    now,
                    NodeStatus.HOSTKEY_UNKNOWN,
                    translate("Collector", "the key changed since it was shown; check the "
                              "fingerprint again").fill(),
                    fingerprint(key),
                    key_host,
                )
                continue
            self._keys.trust(host, port, key)
            # every node waiting on this very key (all those behind one bastion) tries again
            for other in self.links.values():
                pending = other.pending_key
                if other is link or (
                    pending is not None
                    and pending[:2] == (host, port)
                    and pending[2].asbytes() == key.asbytes()
                ):
                    other.pending_key = None
                    other.attempts = 0
                    other.due = now

    def _start_due_connects(self, now: float) -> None:
        for link in self.links.values():
            if self._in_flight >= self._max_handshakes:
                return
            if link.due <= now:
                link.due = float("inf")
                self._in_flight += 1
                self._pool.submit(self._connect, link.spec)

    @property
    def _bastions(self) -> dict:
        """The shared jump host connections (one per jump host and path to it)."""
        return self._routes.shared

    def _connect(self, spec: NodeSpec) -> None:
        """Runs in the handshake pool; reports back through the results queue."""
        try:
            transport = self._routes.open(resolve_route(spec, self._resolver))
            if self._stop.is_set():  # the collector stopped while we were connecting
                transport.close()
                return
            try:
                channel = start_probe(transport, spec, self._payload, self._timeouts, 2)
            except NodeConnectError:
                transport.close()
                raise
            self._results.put(Connected(spec.name, transport, channel))
        except NodeConnectError as exc:
            self._results.put(Failed(spec.name, exc))
        except Exception as exc:  # never lose a node to an unexpected error: report and retry
            self._results.put(
                Failed(spec.name, NodeConnectError(NodeStatus.UNREACHABLE, repr(exc)))
            )
        self._wake()

    def _handle_results(self, now: float) -> bool:
        """Take finished handshakes; True if there were any (a pool slot is free again)."""
        took = False
        while True:
            try:
                result = self._results.get_nowait()
            except queue.Empty:
                return took
            took = True
            link = self.links[result.name]
            if isinstance(result, Failed):
                self._in_flight -= 1
                if not self._stop.is_set():
                    self._failed(link, now, result.error)
                continue
            if self._stop.is_set():
                self._discard(result)
                continue
            self._started(link, result)
            link.connected_at = link.last_line_t = now
            link.lines = 0
            link.buf.clear()
            link.stderr.clear()
            link.decoder = StreamDecoder(link.spec.name, self._compact)

    def _started(self, link: NodeLink, result: Connected) -> None:
        """A handshake's connection becomes the node's stream (the transport's own part)."""
        self._in_flight -= 1
        link.transport, link.channel = result.transport, result.channel
        self._selector.register(result.channel, selectors.EVENT_READ, link)

    def _discard(self, result: Connected) -> None:
        """A connection that finished after the collector stopped."""
        self._in_flight -= 1
        result.transport.close()

    def _failed(self, link: NodeLink, now: float, error: NodeConnectError) -> None:
        # the key may be a jump host's: it is filed, and offered for trust, under that host
        key_host = host_entry(*error.key_host) if error.key_host and error.jump else None
        self._sink(
            NodeEvent(link.spec.name, now, error.status, error.message, error.fingerprint, key_host)
        )
        link.pending_key = None
        if error.status == NodeStatus.HOSTKEY_UNKNOWN and error.key is not None:
            host, port = error.key_host or (link.spec.dial_address, link.spec.port)
            link.pending_key = (host, port, error.key, key_host)
        if error.status in (NodeStatus.HOSTKEY_UNKNOWN, NodeStatus.HOSTKEY_CHANGED):
            link.due = now + HOSTKEY_RECHECK_S  # never retried fast, never overridden
            return
        self._schedule_retry(link, now)

    def _schedule_retry(self, link: NodeLink, now: float) -> None:
        base, cap = self._backoff
        delay = min(cap, base * 2 ** min(link.attempts, 16))
        link.attempts += 1
        link.due = now + delay * self._rng.uniform(0.5, 1.0)

    def _event(
        self,
        link: NodeLink,
        now: float,
        status: NodeStatus,
        message: str,
        fp: str | None = None,
        key_host: str | None = None,
    ) -> None:
        self._sink(NodeEvent(link.spec.name, now, status, message, fp, key_host))

    # -- streaming ----------------------------------------------------------------------------

    def _read(self, link: NodeLink, now: float) -> None:
        channel = link.channel
        if channel is None:
            return
        try:
            while channel.recv_stderr_ready():
                link.stderr += channel.recv_stderr(65536)
                del link.stderr[:-STDERR_TAIL]
            while channel.recv_ready():
                chunk = channel.recv(65536)
                if not chunk:
                    break
                if not self._feed(link, chunk, now):
                    return
        except (OSError, EOFError, paramiko.SSHException) as exc:
            self._drop(link, now, NodeStatus.UNREACHABLE,
                       translate("Collector", "connection lost: {error}").fill(error=str(exc)))
            return
        if channel.closed or (channel.eof_received and not channel.recv_ready()):
            status = channel.exit_status if channel.exit_status_ready() else None
            tail = link.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            what = (translate("Collector", "probe exited (status {status})").fill(status=status)
                    if status is not None else translate("Collector", "channel closed").fill())
            self._drop(link, now, NodeStatus.PROBE_ERROR, translate(
                "Collector", "{what} {stderr}").fill(what=what, stderr=tail[0])
                if tail[0] else what)

    def _feed(self, link: NodeLink, chunk: bytes, now: float) -> bool:
        link.buf += chunk
        while True:
            end = link.buf.find(b"\n")
            if end < 0:
                break
            line = bytes(link.buf[:end])
            del link.buf[: end + 1]
            if len(line) > MAX_LINE_BYTES:
                self._drop(link, now, NodeStatus.PROBE_ERROR,
                           translate("Collector", "line longer than 1 MiB").fill())
                return False
            if line.strip():
                self._line(link, line, now)
        if len(link.buf) > MAX_LINE_BYTES:
            self._drop(link, now, NodeStatus.PROBE_ERROR,
                           translate("Collector", "line longer than 1 MiB").fill())
            return False
        return True

    def _line(self, link: NodeLink, line: bytes, now: float) -> None:
        try:
            sample = link.decoder.decode(line)
        except ProtocolError as exc:
            self._event(link, now, NodeStatus.PROBE_ERROR,
                        translate("Collector", "bad line from probe: {error}").fill(error=str(exc)))
            return
        link.last_line_t = now
        link.lines += 1
        link.attempts = 0  # a good line ends the backoff
        if sample is not None:  # None: a v2 header, whose samples follow
            self._sink(sample)

    def _check_watchdogs(self, now: float) -> None:
        for link in self.links.values():
            if link.channel is None and link.proc is None:
                continue
            limit = self._watchdog_intervals * link.spec.interval
            limit += FIRST_LINE_GRACE_S if link.lines == 0 else 0.0
            silent = now - link.last_line_t
            if silent > limit:
                self._drop(link, now, NodeStatus.STALE, translate(
                    "Collector", "no data for {seconds:.0f} s").fill(seconds=silent))

    def _drop(self, link: NodeLink, now: float, status: NodeStatus, message: str) -> None:
        self._event(link, now, status, message)
        self._close(link)
        self._schedule_retry(link, now)

    def _close(self, link: NodeLink) -> None:
        if link.channel is not None:
            with contextlib.suppress(KeyError, ValueError, OSError):
                self._selector.unregister(link.channel)
            link.channel.close()
        if link.transport is not None:
            link.transport.close()  # through a bastion: closes our tunnel, the bastion stays
        link.channel = link.transport = None
        link.buf.clear()
