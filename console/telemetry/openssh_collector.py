"""OpensshCollector: SshCollector's streaming over one `ssh` process per node.

The same loop thread, line splitting, decoder, watchdog, backoff and trust commands as the
paramiko collector (collector.py); only the transport differs. Each node's `ssh` (openssh.py)
gets the probe bundle on stdin from a file (a pipe would block the loop on a 64 KiB payload)
and its stdout and stderr pipes are non-blocking and registered in the loop's one selector:
no thread per node. A node counts against `max_handshakes` from its spawn until its first byte
of output (or its end), so a start of 250 nodes is still a queue, not 250 key exchanges.

ssh checks host keys itself. When it refuses one, the node's state and message come from its
stderr; the key an operator may trust is then fetched by the paramiko verifier over the same
route (ssh does not print an unknown key), which also gives the paramiko path's exact words.
Each ssh runs in a session of its own: stopping kills its process group (jump hosts' ssh too).
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from console.fleet.model import NodeStatus
from console.i18n.catalogue import translate
from console.inventory.model import NodeSpec
from console.telemetry.collector import SshCollector
from console.telemetry.node_link import STDERR_TAIL, Failed, NodeLink
from console.telemetry.openssh import SSH_FAILED, find_ssh, refusal, ssh_argv
from console.telemetry.ssh import NodeConnectError, command_for
from console.telemetry.ssh_route import Hop, RouteOpener, resolve_route

READ_BYTES = 65536  # a pipe's whole buffer
READS_PER_WAKE = 16  # reads per pipe per wake-up: a firehose node cannot hog the loop
TERM_WAIT_S = 1.0  # ssh ends at once on SIGTERM; SIGKILL after this
_KEY_REFUSED = (NodeStatus.HOSTKEY_UNKNOWN, NodeStatus.HOSTKEY_CHANGED)


@dataclass(frozen=True)
class _Spawned:
    name: str
    proc: subprocess.Popen
    route: tuple[Hop, ...]


class OpensshCollector(SshCollector):
    # Lines wait in the pipes (64 KiB each) this long per wake-up: each wake-up costs about as
    # much as the lines it reads, and no other thread here needs the GIL meanwhile. Samples
    # leave for the console every 0.25 s anyway (workers.py), so a line is late by at most this.
    coalesce_s = 0.2

    def __init__(self, *args, ssh: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._ssh = ssh or find_ssh()
        self._dir = Path(tempfile.mkdtemp(prefix="hangang-ssh-"))
        self._payload_path = self._dir / "probe.py"
        self._payload_path.write_bytes(self._payload)
        self._routes_of: dict[str, tuple[Hop, ...]] = {}
        self._handshaking: set[str] = set()
        # a ProxyCommand is run by $SHELL: the quoting in openssh.py is POSIX sh's
        self._env = dict(os.environ, SHELL="/bin/sh")
        self._default_algorithms: tuple[str, ...] | None = None

    def stop(self) -> None:
        self._stop.set()
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for link in self.links.values():  # SIGTERM to every node first, then reap each
            _signal(link.proc, signal.SIGTERM)
        for link in self.links.values():
            self._close(link)
        self._pool.shutdown(wait=True, cancel_futures=True)  # a spawn under way finishes
        while True:
            try:
                result = self._results.get_nowait()
            except queue.Empty:
                break
            if isinstance(result, _Spawned):
                _end(result.proc)
        self._selector.close()
        self._wake_r.close()
        self._wake_w.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    # -- the handshake pool ---------------------------------------------------------------------

    def _algorithms(self) -> tuple[str, ...]:
        if self._default_algorithms is None:  # what ssh -G says with no config at all
            self._default_algorithms = (
                self._resolver._defaults().host_key_algorithms if self._resolver.ssh else ()
            )
        return self._default_algorithms

    def _connect(self, spec: NodeSpec) -> None:
        try:
            if self._ssh is None:
                raise NodeConnectError(NodeStatus.UNREACHABLE, translate(
                    "SSH", "the OpenSSH client (ssh) is not installed").fill())
            route = resolve_route(spec, self._resolver)
            argv = ssh_argv(self._ssh, route, command_for(spec, 2), self._keys, self._timeouts,
                            self._algorithms())
            with open(self._payload_path, "rb") as stdin:
                proc = subprocess.Popen(
                    argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    start_new_session=True, env=self._env,
                )
            os.set_blocking(proc.stdout.fileno(), False)
            os.set_blocking(proc.stderr.fileno(), False)
            self._results.put(_Spawned(spec.name, proc, route))
        except NodeConnectError as exc:
            self._results.put(Failed(spec.name, exc))
        except Exception as exc:  # never lose a node to an unexpected error: report and retry
            self._results.put(
                Failed(spec.name, NodeConnectError(NodeStatus.UNREACHABLE, repr(exc)))
            )
        self._wake()

    def _diagnose(self, spec: NodeSpec, route: tuple[Hop, ...], refused: NodeConnectError) -> None:
        """ssh refused a host key: the paramiko verifier fetches it (to offer it for trust)
        and words it as the paramiko path does, if it judges the key the same way."""
        opener = RouteOpener(self._keys, self._auth, self._timeouts)
        error = refused
        try:
            opener.open(route).close()
        except NodeConnectError as exc:
            if exc.status == refused.status:
                error = exc
        except Exception:  # the diagnosis is a nicety: ssh's own words stand
            pass
        finally:
            opener.close()
        self._results.put(Failed(spec.name, error))
        self._wake()

    def _started(self, link: NodeLink, result: _Spawned) -> None:
        link.proc = result.proc
        self._routes_of[link.spec.name] = result.route
        self._handshaking.add(link.spec.name)  # its pool slot is held until it speaks
        self._selector.register(result.proc.stdout, 1, link)  # 1: selectors.EVENT_READ
        self._selector.register(result.proc.stderr, 1, _Stderr(link))

    def _discard(self, result: _Spawned) -> None:
        _end(result.proc)

    def _release(self, link: NodeLink) -> None:
        if link.spec.name in self._handshaking:
            self._handshaking.discard(link.spec.name)
            self._in_flight -= 1

    # -- streaming ------------------------------------------------------------------------------

    def _read(self, link: NodeLink | _Stderr, now: float) -> None:
        """Read the pipe the selector found ready: stdout (`link`) or stderr (`_Stderr`)."""
        if type(link) is _Stderr:
            self._read_stderr(link.link)
            return
        proc = link.proc
        if proc is None:
            return
        out, eof = self._drain(proc.stdout)
        if out:
            self._release(link)
            if not self._feed(link, out, now):
                return
        if eof:
            self._ended(link, now)

    def _read_stderr(self, link: NodeLink) -> None:
        proc = link.proc
        if proc is None or proc.stderr.closed:
            return
        data, eof = self._drain(proc.stderr)
        link.stderr += data
        del link.stderr[:-STDERR_TAIL]
        if eof:
            with contextlib.suppress(KeyError, ValueError, OSError):
                self._selector.unregister(proc.stderr)
            proc.stderr.close()

    @staticmethod
    def _drain(pipe) -> tuple[bytes, bool]:
        """What the pipe holds, and whether it ended. A read shorter than asked emptied it: no
        second read only to hear EAGAIN (a syscall and an exception per node per wake-up)."""
        chunks: list[bytes] = []
        for _ in range(READS_PER_WAKE):
            try:
                chunk = os.read(pipe.fileno(), READ_BYTES)
            except BlockingIOError:
                return b"".join(chunks), False
            except OSError:
                return b"".join(chunks), True
            if not chunk:
                return b"".join(chunks), True
            chunks.append(chunk)
            if len(chunk) < READ_BYTES:  # ssh writes again later: the selector says when
                return b"".join(chunks), False
        return b"".join(chunks), False

    def _ended(self, link: NodeLink, now: float) -> None:
        """stdout closed: ssh is ending. Say why, as the paramiko path would."""
        proc = link.proc
        status = _end(proc, TERM_WAIT_S, grace_s=TERM_WAIT_S)  # its own status, if it ends
        if not proc.stderr.closed:
            link.stderr += self._drain(proc.stderr)[0]
        text = link.stderr.decode("utf-8", "replace")
        route = self._routes_of[link.spec.name]
        self._release(link)
        if status == SSH_FAILED and link.lines == 0:  # ssh gave up before the probe spoke
            kind, message, _ = refusal(text, route)
            self._close(link)
            error = NodeConnectError(kind, message)
            if kind in _KEY_REFUSED:
                link.due = float("inf")
                self._in_flight += 1
                self._pool.submit(self._diagnose, link.spec, route, error)
            else:
                self._failed(link, now, error)
            return
        tail = text.strip().splitlines()[-1:] or [""]
        if status == SSH_FAILED:  # the connection went, mid-stream
            self._drop(link, now, NodeStatus.UNREACHABLE, translate(
                "Collector", "connection lost: {error}").fill(error=tail[0].strip()))
            return
        what = translate("Collector", "probe exited (status {status})").fill(status=status)
        self._drop(link, now, NodeStatus.PROBE_ERROR, translate(
            "Collector", "{what} {stderr}").fill(what=what, stderr=tail[0])
            if tail[0] else what)

    def _close(self, link: NodeLink) -> None:
        proc = link.proc
        if proc is not None:
            for pipe in (proc.stdout, proc.stderr):
                with contextlib.suppress(KeyError, ValueError, OSError):
                    self._selector.unregister(pipe)
            _end(proc, TERM_WAIT_S)
            proc.stdout.close()
            proc.stderr.close()
        self._release(link)
        link.proc = None
        link.buf.clear()


@dataclass(frozen=True)
class _Stderr:
    """The selector's data for a node's stderr pipe (its stdout's is the NodeLink)."""

    link: NodeLink


def _signal(proc: subprocess.Popen | None, sig: int) -> None:
    """Signal ssh's whole process group (it leads one: start_new_session), while it lives."""
    if proc is not None and proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)


def _end(proc: subprocess.Popen, wait_s: float = TERM_WAIT_S, grace_s: float = 0.0) -> int | None:
    """Reap ssh, after `grace_s` to end by itself, else SIGTERM, then SIGKILL; its status."""
    if grace_s:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace_s)
    if proc.poll() is None:
        _signal(proc, signal.SIGTERM)
        try:
            return proc.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            _signal(proc, signal.SIGKILL)
    try:
        return proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return None
