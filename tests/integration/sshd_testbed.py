"""A private OpenSSH server on loopback that looks like many GPU nodes.

One `/usr/sbin/sshd -D` listens on 0.0.0.0:<free port>, so every 127.x.y.z address answers; each
address is a "node". The node side knows which address it was dialled on (third field of
$SSH_CONNECTION: "client_ip client_port server_ip server_port"), and sshd_config gives addresses
their own environment or a fault script with `Match LocalAddress`.

Environment every session gets (sshd_config `SetEnv`, which beats anything a client sends):
  HANGANG_NVML_SIM=<sim_spec>   the probe simulates GPUs (per address: `node_sim`)
  HOME=<testbed dir>/home       root's ~/.bashrc here runs `pyenv init` (~150 ms per command) and
                                puts a pyenv shim first on PATH; bash (sshd runs `bash -c CMD` for
                                root) reads ~/.bashrc via $HOME, so a private empty HOME skips it.
                                `python3` is then /usr/bin/python3; inventories can name
                                `testbed.python` (this interpreter) instead.
  HANGANG_TESTBED_ID=<tag>      tells this testbed's sessions apart from any other's.
  plus `env`                    extra variables for every node (may override the above).

Processes: sshd runs under a tiny reaper (a child subreaper), so everything a session leaves
behind, even a `setsid` daemon, stays in one process tree that stop() and kill() end, and nothing
is left as a zombie for an init that may not reap.

Faults: `faults={address: kind}` sets `ForceCommand <script>` for that address. sshd then runs the
script (via `bash -c`) instead of whatever the client asked for; the client's command is only
visible to the script as $SSH_ORIGINAL_COMMAND, and the probe source the console sends on stdin
is drained. Kinds are listed in FAULT_SCRIPTS; a value starting with "#!" is a custom script.

Note: `Match ... SetEnv` replaces the global SetEnv list rather than adding to it, and only the
first SetEnv line of a block counts, so every block carries the whole environment on one line.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import hashlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

import paramiko
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

SSHD = Path("/usr/sbin/sshd")
SYSTEM_PYTHON = Path("/usr/bin/python3")
USER = "root"  # tests run as root; AllowUsers limits logins to root from loopback

# The console sends the probe's source on stdin: drain it so its writes never block. sh gives a
# background job /dev/null as stdin unless redirected explicitly, hence the detour through fd 3.
_DRAIN = "exec 3<&0\ncat <&3 >/dev/null 3<&- &\nexec 3<&-\n"
_UNTIL_GONE = 'while kill -0 "$PPID" 2>/dev/null; do sleep 1; done\n'

FAULT_SCRIPTS: dict[str, str] = {
    # non-JSON text, one line per 0.2 s, forever (ends on SIGPIPE when the channel closes)
    "garbage": _DRAIN + 'i=0\nwhile :; do i=$((i+1)); echo "garbage $i: <html>not json"; '
    "sleep 0.2; done\n",
    # the first half of a probe sample, then a newline, repeatedly
    "truncated": _DRAIN + "while :; do printf '%s\\n' "
    '\'{"v":1,"host":"trunc","t":1700000000.0,"gpus":[{"index":0,"util":\'; '
    "sleep 0.2; done\n",
    # JSON-shaped lines holding bytes that are not UTF-8
    "nonutf8": _DRAIN + 'while :; do printf \'{"v":1,"host":"\\377\\376\\300 bad \\351"}\\n\'; '
    "sleep 0.2; done\n",
    # one 2 MiB line written without a newline until the very end, once a second
    "oversized": _DRAIN + "while :; do head -c 2097152 /dev/zero | tr '\\0' x; echo; "
    "sleep 1; done\n",
    # reads stdin to EOF, prints nothing, stays until its connection goes away
    "hang": "cat >/dev/null\n" + _UNTIL_GONE,
    # refuses at once
    "exit": 'echo "fault node: probe refused (SSH_ORIGINAL_COMMAND=$SSH_ORIGINAL_COMMAND)" >&2\n'
    "exit 1\n",
}

# Runs sshd and adopts every orphan of its tree (PR_SET_CHILD_SUBREAPER = 36), reaps them all,
# and exits with sshd's status once no descendant is left. Prints sshd's pid first.
_REAPER = """
import ctypes, os, sys
ctypes.CDLL(None).prctl(36, 1)
sshd = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
print(sshd, flush=True)
status = 1
while True:
    try:
        pid, raw = os.wait()
    except ChildProcessError:
        sys.exit(status)
    if pid == sshd:
        status = os.waitstatus_to_exitcode(raw)
"""

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T], timeout: float, interval: float = 0.01, message: str = ""
) -> T:
    """Poll `predicate` until it returns something truthy (returned) or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(message or f"condition not met within {timeout:g} s")
        time.sleep(interval)


def node_address(index: int) -> str:
    """127.1.0.1 … 127.1.0.254, 127.1.1.1 …: never 127.0.0.1, never a .0 or .255."""
    if not 0 <= index < 256 * 254:
        raise ValueError(f"node index out of range: {index}")
    return f"127.1.{index // 254}.{index % 254 + 1}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("0.0.0.0", 0))
        return sock.getsockname()[1]


def banner_ok(address: str, port: int, timeout: float = 0.5) -> bool:
    """True when an SSH server answers on address:port with its version banner."""
    try:
        with socket.create_connection((address, port), timeout=timeout) as sock:
            return sock.recv(64).startswith(b"SSH-")
    except OSError:
        return False


class SshdTestbed:
    """A private sshd whose loopback addresses are nodes. Use as a context manager or call
    start()/stop(); conftest.py's fixtures make sure stop() runs."""

    def __init__(
        self,
        tmp_path: Path,
        nodes: int = 0,
        *,
        sim_spec: str = "8",
        node_sim: Mapping[str, str] | None = None,
        faults: Mapping[str, str] | None = None,
        env: Mapping[str, str] | None = None,
        log_level: str = "INFO",
        host_key_types: Iterable[str] = (),
    ) -> None:
        self.dir = Path(tmp_path) / f"sshd-{uuid.uuid4().hex[:8]}"
        (self.dir / "home").mkdir(parents=True)
        self.tag = uuid.uuid4().hex
        self.sim_spec = sim_spec
        self.node_sim = dict(node_sim or {})
        self.faults: dict[str, str] = {}
        self.env = dict(env or {})
        self.log_level = log_level
        self.python = sys.executable  # an interpreter that surely exists "on the node"
        self.port = free_port()
        self.config_path = self.dir / "sshd_config"
        self.log_path = self.dir / "sshd.log"
        self.host_key_path = self.dir / "host_ed25519"
        self.client_key_path = self.dir / "client_ed25519"
        self.authorized_keys_path = self.dir / "authorized_keys"
        self._reaper: subprocess.Popen[bytes] | None = None
        self._sshd_pid: int | None = None
        self._port_handed_out = False
        self._frozen: dict[str, list[int]] = {}
        self.host_certificates: list[Path] = []
        _write_key(self.host_key_path)
        # more host keys besides ed25519 ("ecdsa", "rsa"): the server offers them all
        self.extra_host_keys = {kind: self.dir / f"host_{kind}" for kind in host_key_types}
        for kind, path in self.extra_host_keys.items():
            subprocess.run(
                ["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "hangang-testbed", "-f", path],
                check=True, capture_output=True,
            )
        self.authorized_keys_path.write_text(_write_key(self.client_key_path) + "\n")
        for address, kind in (faults or {}).items():
            self._write_fault(address, kind)
        self.addresses = self.node_addresses(nodes)

    # ---- nodes and keys -------------------------------------------------------------------

    def node_addresses(self, n: int) -> list[str]:
        """The first n node addresses, skipping fault nodes."""
        out: list[str] = []
        index = 0
        while len(out) < n:
            address = node_address(index)
            if address not in self.faults:
                out.append(address)
            index += 1
        return out

    def host_key(self) -> paramiko.PKey:
        return paramiko.PKey.from_path(self.host_key_path)

    def client_key(self) -> paramiko.PKey:
        return paramiko.PKey.from_path(self.client_key_path)

    def host_key_fingerprint(self) -> str:
        """SHA256:… exactly as `ssh-keygen -l` prints it."""
        blob = base64.b64decode(self._host_public().split()[1])
        return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")

    def known_hosts_line(
        self, address: str, port: int | None = None, kind: str = "ed25519"
    ) -> str:
        """`[addr]:port ssh-ed25519 AAAA…`; pass port= for a relay's listening port, kind= for
        one of the extra host keys ("ecdsa", "rsa")."""
        self._port_handed_out = True
        key_type, b64 = self._host_public(kind).split()[:2]
        return f"[{address}]:{port or self.port} {key_type} {b64}"

    def host_key_paths(self) -> list[Path]:
        return [self.host_key_path, *self.extra_host_keys.values()]

    def certify_host_keys(self, ca_key: Path, principals: str, key_id: str = "testbed") -> None:
        """Sign every host key with `ca_key` (`ssh-keygen -s CA -h`) and serve the
        certificates (HostCertificate); restarts a running server."""
        self.host_certificates = []
        for path in self.host_key_paths():
            subprocess.run(
                ["ssh-keygen", "-q", "-s", ca_key, "-h", "-I", key_id, "-n", principals,
                 f"{path}.pub"],
                check=True, capture_output=True,
            )
            self.host_certificates.append(Path(f"{path}-cert.pub"))
        if self.running:
            self.restart()

    def write_known_hosts(
        self, path: Path, addresses: Iterable[str], port: int | None = None
    ) -> Path:
        path = Path(path)
        path.write_text("".join(self.known_hosts_line(a, port) + "\n" for a in addresses))
        return path

    def regenerate_host_key(self) -> None:
        """A new host key (the "host key changed" case); restarts a running server."""
        _write_key(self.host_key_path)
        if self.running:
            self.restart()

    def _host_public(self, kind: str = "ed25519") -> str:
        path = self.host_key_path if kind == "ed25519" else self.extra_host_keys[kind]
        return Path(f"{path}.pub").read_text()

    # ---- per-node behaviour ---------------------------------------------------------------

    def set_fault(self, address: str, kind: str | None) -> None:
        """Make one node faulty (or healthy with None); a running server reloads (SIGHUP):
        new connections see the change, open sessions keep what they had."""
        if kind is None:
            self.faults.pop(address, None)
        else:
            self._write_fault(address, kind)
        if self.running:
            self.reload()

    def set_node_sim(self, address: str, spec: str | None) -> None:
        """HANGANG_NVML_SIM for one node (None: back to sim_spec); reloads like set_fault."""
        if spec is None:
            self.node_sim.pop(address, None)
        else:
            self.node_sim[address] = spec
        if self.running:
            self.reload()

    def _write_fault(self, address: str, kind: str) -> None:
        if kind.startswith("#!"):
            body, name = kind, f"fault-custom-{address}.sh"
        elif kind in FAULT_SCRIPTS:
            body, name = "#!/bin/sh\n" + FAULT_SCRIPTS[kind], f"fault-{kind}.sh"
        else:
            raise ValueError(f"unknown fault {kind!r}; kinds: {', '.join(FAULT_SCRIPTS)}")
        script = self.dir / name
        script.write_text(body)
        script.chmod(0o755)
        self.faults[address] = str(script)

    # ---- config ---------------------------------------------------------------------------

    def _setenv(self, address: str | None) -> str:
        values = {
            "HOME": str(self.dir / "home"),
            "HANGANG_NVML_SIM": self.node_sim.get(address or "", self.sim_spec),
            "HANGANG_TESTBED_ID": self.tag,
            **self.env,
        }
        return " ".join(_quote(f"{k}={v}") for k, v in values.items())

    def _config_text(self) -> str:
        lines = [
            f"Port {self.port}",
            "ListenAddress 0.0.0.0",  # every 127.x.y.z answers; > 16 ListenAddress lines fail
            "AddressFamily inet",
            f"AllowUsers {USER}@127.0.0.0/8",
            *(f"HostKey {_quote(path)}" for path in self.host_key_paths()),
            *(f"HostCertificate {_quote(path)}" for path in self.host_certificates),
            f"PidFile {_quote(self.dir / 'sshd.pid')}",
            f"AuthorizedKeysFile {_quote(self.authorized_keys_path)}",
            "StrictModes no",  # key files live under /tmp
            "UsePAM no",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "PermitUserEnvironment no",
            "MaxStartups 4000",  # the default 10:30:100 drops concurrent handshakes
            "MaxSessions 200",
            "UseDNS no",
            "PrintMotd no",
            "PrintLastLog no",
            "X11Forwarding no",
            "ClientAliveInterval 10",  # reaps sessions whose client vanished
            f"LogLevel {self.log_level}",
            *_optional_lines(),
            f"SetEnv {self._setenv(None)}",
        ]
        # Match blocks last: everything after a Match line belongs to it.
        for address in sorted(set(self.faults) | set(self.node_sim)):
            lines.append(f"Match LocalAddress {address}")
            lines.append(f"    SetEnv {self._setenv(address)}")
            if address in self.faults:
                lines.append(f"    ForceCommand {shlex.quote(self.faults[address])}")
        return "\n".join(lines) + "\n"

    # ---- control --------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._sshd_pid is not None and _alive(self._sshd_pid)

    @property
    def pid(self) -> int | None:
        """The sshd listener's pid while it runs."""
        return self._sshd_pid if self.running else None

    def start(self, timeout: float = 10.0) -> SshdTestbed:
        """Start sshd; returns once it answers with its banner."""
        if self.running:
            return self
        Path("/run/sshd").mkdir(parents=True, exist_ok=True)  # privilege separation directory
        for _attempt in range(3):
            self.config_path.write_text(self._config_text())
            sshd = [str(SSHD), "-D", "-f", str(self.config_path), "-E", str(self.log_path)]
            with open(self.dir / "sshd.stderr", "ab") as stderr:
                self._reaper = subprocess.Popen(
                    [sys.executable, "-I", "-S", "-c", _REAPER, *sshd],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=stderr,
                    start_new_session=True,  # a Ctrl-C is for pytest; atexit cleans up here
                )
            assert self._reaper.stdout is not None
            self._sshd_pid = int(self._reaper.stdout.readline())
            _running.add(self)
            try:
                wait_until(lambda: not self.running or banner_ok("127.0.0.1", self.port), timeout)
            except TimeoutError:
                self.kill()
                raise TimeoutError(
                    f"sshd did not answer on port {self.port}:\n{self.log_text()}"
                ) from None
            if self.running:
                self._port_handed_out = True
                return self
            self._end(signal.SIGKILL, timeout)  # reaps the reaper
            if "Address already in use" in self.log_text() and not self._port_handed_out:
                self.port = free_port()  # lost a race for the port: nobody knows it yet
                continue
            break
        raise RuntimeError(f"sshd exited with {self._reaper.returncode}:\n{self.log_text()}")

    def reload(self, timeout: float = 10.0) -> None:
        """Rewrite sshd_config and SIGHUP: sshd re-executes itself with the new config and keeps
        its pid and open sessions."""
        assert self._sshd_pid is not None and self.running, "reload() needs a running sshd"
        self.config_path.write_text(self._config_text())
        before = self.log_text().count("Server listening on")
        os.kill(self._sshd_pid, signal.SIGHUP)
        wait_until(
            lambda: (
                self.log_text().count("Server listening on") > before
                and banner_ok("127.0.0.1", self.port)
            ),
            timeout,
            message=f"sshd did not come back after SIGHUP:\n{self.log_text()}",
        )

    def stop(self, timeout: float = 5.0) -> None:
        """Terminate sshd and every session (the node shuts down); SIGKILL what lingers."""
        self._end(signal.SIGTERM, timeout)

    def kill(self, timeout: float = 5.0) -> None:
        """SIGKILL sshd and every session: the node dies (clients see the TCP connection close;
        new connections are refused)."""
        self._end(signal.SIGKILL, timeout)

    def restart(self, timeout: float = 10.0) -> None:
        """stop() then start() on the same port, with the current config and host key."""
        self.stop()
        self.start(timeout)

    def _end(self, sig: signal.Signals, timeout: float) -> None:
        if self.running:
            _signal(self._sshd_pid, signal.SIGSTOP)  # forks no new session while we collect
        deadline = time.monotonic() + timeout
        while pids := self.pids():  # rescan: a dying loop may have forked one more `sleep`
            if time.monotonic() > deadline:
                if sig == signal.SIGKILL:
                    raise TimeoutError(f"testbed processes survive SIGKILL: {pids}")
                sig, deadline = signal.SIGKILL, time.monotonic() + timeout
            for pid in pids:
                _signal(pid, sig)
                _signal(pid, signal.SIGCONT)  # a stopped process acts on SIGTERM once resumed
            with contextlib.suppress(TimeoutError):
                wait_until(lambda p=pids: not any(map(_alive, p)), 0.2, interval=0.005)
        if self._reaper is not None:
            self._reaper.wait(timeout)  # it exits once it has reaped the last of them
            self._reaper.stdout.close()
        self._sshd_pid = None
        self._frozen.clear()
        _running.discard(self)

    def __enter__(self) -> SshdTestbed:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- processes ------------------------------------------------------------------------

    def pids(self) -> list[int]:
        """Every live process of this testbed: sshd, its sessions and whatever those started
        (orphans included: the reaper adopts them). The reaper itself is not listed."""
        if self._reaper is None or self._reaper.poll() is not None:
            return []
        table = _process_table()
        found: list[int] = []
        frontier = [self._reaper.pid]
        while frontier:
            parent = frontier.pop()
            kids = [pid for pid, (ppid, _) in table.items() if ppid == parent]
            found += kids
            frontier += kids
        return sorted(pid for pid in found if table[pid][1] not in "ZX")

    def session_pids(self, address: str) -> list[int]:
        """The sshd processes holding a TCP connection that was dialled on `address` (directly
        or through a relay). SIGSTOP them and that node hangs with its connections open."""
        inodes = _established_inodes(address, self.port)
        if not inodes:
            return []
        return [pid for pid in self.pids() if _socket_inodes(pid) & inodes]

    def freeze(self, address: str) -> list[int]:
        """SIGSTOP the sessions of one node (a hung node); thaw() or stop() resumes them."""
        pids = self.session_pids(address)
        for pid in pids:
            _signal(pid, signal.SIGSTOP)
        self._frozen.setdefault(address, []).extend(pids)
        return pids

    def thaw(self, address: str | None = None) -> None:
        for key in [address] if address else list(self._frozen):
            for pid in self._frozen.pop(key, []):
                _signal(pid, signal.SIGCONT)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


# ---- helpers ------------------------------------------------------------------------------

_running: set[SshdTestbed] = set()


@atexit.register
def _kill_leftovers() -> None:
    """An interrupted run (Ctrl-C past fixture teardown) still leaves no sshd behind."""
    for testbed in list(_running):
        with contextlib.suppress(Exception):
            testbed.kill()


def _write_key(path: Path) -> str:
    """A fresh ed25519 key in OpenSSH format (private 0600, `.pub` beside it); returns the
    public line."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # sshd rejects open keys
    with os.fdopen(fd, "wb") as out:
        out.write(private)
    path.with_suffix(".pub").write_text(f"{public} hangang-testbed\n")
    return public


def _quote(value: object) -> str:
    text = str(value)
    if '"' in text or "\n" in text:
        raise ValueError(f"cannot quote for sshd_config: {text!r}")
    return f'"{text}"'


_OPTIONAL = ("PerSourcePenalties no",)  # OpenSSH >= 9.8 would lock out a test run's failures
_optional_cache: list[str] | None = None


def _optional_lines() -> list[str]:
    """Options this sshd version knows (an unknown option makes sshd refuse to start)."""
    global _optional_cache
    if _optional_cache is None:
        _optional_cache = []
        for line in _OPTIONAL:
            result = subprocess.run(
                [str(SSHD), "-T", "-f", "/dev/null", "-o", line], capture_output=True, check=False
            )
            if result.returncode == 0:
                _optional_cache.append(line)
    return _optional_cache


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _process_table() -> dict[int, tuple[int, str]]:
    """pid -> (ppid, state) from /proc/*/stat."""
    table: dict[int, tuple[int, str]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # the command name may hold spaces and ")"
        table[int(entry.name)] = (int(fields[1]), fields[0])
    return table


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in "ZX"


def _established_inodes(address: str, port: int) -> set[int]:
    """Inodes of ESTABLISHED TCP sockets whose local end is address:port (/proc/net/tcp keeps
    IPv4 addresses as little-endian hex)."""
    local = f"{socket.inet_aton(address)[::-1].hex().upper()}:{port:04X}"
    inodes: set[int] = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[3] == "01":
            inodes.add(int(fields[9]))
    return inodes


def _socket_inodes(pid: int) -> set[int]:
    inodes: set[int] = set()
    with contextlib.suppress(OSError):
        for fd in os.scandir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(fd.path)
                if target.startswith("socket:["):
                    inodes.add(int(target[8:-1]))
    return inodes
