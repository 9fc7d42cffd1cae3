"""Where Slurm's commands run: here (the console on the controller) or on the controller over SSH.

Both take an argv (never a shell line built from strings), return stdout, and raise CommandFailed
with the command's own error text. Both also write a file atomically, keeping previous versions:
the partition include file that makes a move survive `scontrol reconfigure` and restarts.

Over SSH the host key is checked against known_hosts exactly as for the nodes
(console/telemetry/ssh.py): an unknown or changed key is refused, never accepted on the fly.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from console.capacity.backends.base import BackendError
from console.i18n.catalogue import translate

DEFAULT_TIMEOUT_S = 30.0


class CommandFailed(BackendError):
    def __init__(self, argv: Sequence[str], rc: int | None, stderr: str, where: str) -> None:
        self.argv = tuple(argv)
        self.rc = rc
        self.stderr = stderr.strip()
        why = self.stderr.splitlines()[-1] if self.stderr else translate(
            "Slurm", "exit status {rc}").fill(rc=rc)
        if rc is None:
            why = translate("Slurm", "timed out")
        super().__init__(translate("Slurm", "{command} ({where}): {why}").fill(
            command=shlex.join(argv), where=where, why=why))


class Runner(Protocol):
    where: str  # "local" or "user@host:port", for messages

    def run(
        self, argv: Sequence[str], stdin: str | None = None, timeout: float = DEFAULT_TIMEOUT_S
    ) -> str: ...

    def read_file(self, path: str) -> str | None:
        """The file's text, or None when it does not exist."""
        ...

    def write_file(self, path: str, text: str, keep: int) -> None:
        """Replace `path` atomically; the old one becomes path.1, path.1 → path.2 … path.keep."""
        ...

    def close(self) -> None: ...


class LocalRunner:
    """Commands on this machine; SLURM_CONF (and everything else) comes from the environment,
    `env` adds to it (tests point SLURM_CONF at a throwaway cluster this way)."""

    where = "local"

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = dict(env or {})

    def run(
        self, argv: Sequence[str], stdin: str | None = None, timeout: float = DEFAULT_TIMEOUT_S
    ) -> str:
        env = {**os.environ, **self.env}
        try:
            done = subprocess.run(
                list(argv),
                input=stdin if stdin is not None else "",
                capture_output=True,
                text=True,
                env=env,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise CommandFailed(argv, None, "", self.where) from exc
        except OSError as exc:
            raise CommandFailed(argv, 127, str(exc), self.where) from exc
        if done.returncode != 0:
            raise CommandFailed(argv, done.returncode, done.stderr or done.stdout, self.where)
        return done.stdout

    def read_file(self, path: str) -> str | None:
        try:
            return Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise BackendError(translate("Slurm", "cannot read {path}: {error}").fill(
                path=path, error=exc.strerror or str(exc))) from exc

    def write_file(self, path: str, text: str, keep: int) -> None:
        target = Path(path)
        try:
            _rotate(target, keep)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise BackendError(translate("Slurm", "cannot write {path}: {error}").fill(
                path=path, error=exc.strerror or str(exc))) from exc

    def close(self) -> None:
        pass


def _rotate(target: Path, keep: int) -> None:
    """path.(k-1) → path.k …, then a copy of path → path.1 (the file itself stays in place
    until the new one replaces it, so slurmctld never finds it missing)."""
    if keep < 1 or not target.exists():
        return
    for i in range(keep, 1, -1):
        older = target.with_name(f"{target.name}.{i - 1}")
        if older.exists():
            os.replace(older, target.with_name(f"{target.name}.{i}"))
    data = target.read_bytes()
    first = target.with_name(f"{target.name}.1")
    first.write_bytes(data)


# The same on the controller, in POSIX sh: rotate, write a temporary file beside the target,
# fsync it and rename it over the target (rename is atomic).
_REMOTE_WRITE = r"""
set -eu
f=$1; keep=$2
i=$keep
while [ "$i" -gt 1 ]; do
  j=$((i - 1)); [ -e "$f.$j" ] && mv -f "$f.$j" "$f.$i"; i=$j
done
[ "$keep" -ge 1 ] && [ -e "$f" ] && cp -p "$f" "$f.1"
t=$(mktemp "$f.XXXXXX")
trap 'rm -f "$t"' EXIT
cat > "$t"
chmod 644 "$t"
sync "$t" 2>/dev/null || true
mv -f "$t" "$f"
trap - EXIT
"""


class SshRunner:
    """Commands on the controller over one SSH connection (reopened when it drops)."""

    def __init__(
        self,
        host: str,
        port: int | None,
        user: str | None,
        known_hosts: Path,
        user_known_hosts: tuple[Path, ...] = (),
        identity_file: str | None = None,
        slurm_conf: str | None = None,
        resolver=None,  # console.telemetry.ssh_resolve.SshResolver; None: ssh's own files
    ) -> None:
        from console.telemetry.hostkeys import HostKeyStore
        from console.telemetry.ssh import Authenticator, Timeouts
        from console.telemetry.ssh_resolve import SshResolver
        from console.telemetry.ssh_route import RouteOpener

        self.host, self.port, self.user = host, port, user
        self.identity_file = identity_file
        self.slurm_conf = slurm_conf
        self.where = f"{user + '@' if user else ''}{host}{f':{port}' if port else ''}"
        self._keys = HostKeyStore(Path(known_hosts), tuple(user_known_hosts))
        self._timeouts = Timeouts()
        # the controller is reached as `ssh` would reach it: its ssh -G settings, jump hosts
        self._resolver = resolver or SshResolver()
        self._opener = RouteOpener(self._keys, Authenticator(), self._timeouts)
        self._transport = None
        self._lock = threading.Lock()

    def _connect(self):
        from console.telemetry.ssh import NodeConnectError
        from console.telemetry.ssh_resolve import ResolveError
        from console.telemetry.ssh_route import route_to

        if self._transport is not None and self._transport.is_active():
            return self._transport
        try:
            route = route_to(self.host, self.port, self.user, self.identity_file, self._resolver)
            self._transport = self._opener.open(route)
        except ResolveError as exc:
            raise BackendError(f"Slurm controller {self.where}: ssh settings: {exc}") from exc
        except NodeConnectError as exc:
            raise BackendError(translate("Slurm", "Slurm controller {where}: {error}").fill(
                where=self.where, error=exc.message)) from exc
        return self._transport

    def run(
        self, argv: Sequence[str], stdin: str | None = None, timeout: float = DEFAULT_TIMEOUT_S
    ) -> str:
        line = shlex.join(argv)
        if self.slurm_conf:
            line = f"SLURM_CONF={shlex.quote(self.slurm_conf)} {line}"
        with self._lock:
            transport = self._connect()
            try:
                channel = transport.open_session(timeout=self._timeouts.channel)
            except Exception as exc:  # paramiko raises several kinds on a dropped link
                self.close()
                raise BackendError(translate("Slurm", "Slurm controller {where}: {error}").fill(
                    where=self.where, error=str(exc))) from exc
            try:
                return self._exchange(channel, argv, line, stdin, timeout)
            finally:
                channel.close()

    def _exchange(self, channel, argv, line: str, stdin: str | None, timeout: float) -> str:
        channel.settimeout(timeout)
        channel.exec_command(line)
        if stdin:
            channel.sendall(stdin.encode("utf-8"))
        channel.shutdown_write()
        out, err = bytearray(), bytearray()
        deadline = time.monotonic() + timeout
        # done at end of output (EOF), not at the exit status: sshd may send the status first,
        # with the last of a long output still on its way (as `ssh host cmd` reads, too)
        while True:
            if channel.recv_ready():
                out += channel.recv(65536)
            elif channel.recv_stderr_ready():
                err += channel.recv_stderr(65536)
            elif channel.exit_status_ready() and (channel.eof_received or channel.closed):
                break
            elif time.monotonic() > deadline:
                raise CommandFailed(argv, None, "", self.where)
            else:
                channel.status_event.wait(0.02)
        while channel.recv_ready():
            out += channel.recv(65536)
        while channel.recv_stderr_ready():
            err += channel.recv_stderr(65536)
        rc = channel.recv_exit_status()
        text = out.decode("utf-8", "replace")
        if rc != 0:
            raise CommandFailed(argv, rc, err.decode("utf-8", "replace") or text, self.where)
        return text

    def read_file(self, path: str) -> str | None:
        text = self.run(["sh", "-c", 'if [ -e "$1" ]; then echo y; cat "$1"; fi', "sh", path])
        return text[2:] if text.startswith("y\n") else None

    def write_file(self, path: str, text: str, keep: int) -> None:
        self.run(["sh", "-c", _REMOTE_WRITE, "sh", path, str(keep)], stdin=text)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        self._opener.close()  # jump hosts, if any
