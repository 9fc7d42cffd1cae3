"""A host's effective SSH settings, as `ssh HOST` would use them.

Where the OpenSSH client is installed it is asked (`ssh -G [-F FILE] [-p PORT] [-l USER] HOST`
prints the configuration ssh would use after reading every file, Include, Match and token
such as %h): a real tool instead of a second parser. Without it, paramiko.SSHConfig reads the
same files, with Include expanded here (paramiko ignores it) and /etc/ssh/ssh_config after
~/.ssh/config (first value wins, as in ssh). Answers are cached per (host, port, user).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

SYSTEM_CONFIG = Path("/etc/ssh/ssh_config")
DEFAULT_IDENTITIES = (
    "~/.ssh/id_rsa",
    "~/.ssh/id_ecdsa",
    "~/.ssh/id_ecdsa_sk",
    "~/.ssh/id_ed25519",
    "~/.ssh/id_ed25519_sk",
    "~/.ssh/id_xmss",
    "~/.ssh/id_dsa",
)
DEFAULT_USER_KNOWN = ("~/.ssh/known_hosts", "~/.ssh/known_hosts2")
DEFAULT_GLOBAL_KNOWN = ("/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2")
RESOLVE_TIMEOUT_S = 10.0
MAX_INCLUDE_DEPTH = 16  # as ssh's READCONF_MAX_DEPTH
_HOP = re.compile(
    r"^(?:ssh://)?(?:(?P<user>[^@\s/]+)@)?(?P<host>\[[^\]]+\]|[^@\s:/]+)"
    r"(?::(?P<port>\d+))?/?$"
)


class ResolveError(Exception):
    """ssh could not work out the settings. A bad config line keeps where it is: ssh says
    "FILE line N: message", kept as .path, .line and .message."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        m = _WHERE.match(text)
        self.path: str | None = m["path"] if m else None
        self.line: int | None = int(m["line"]) if m else None
        self.message: str = m["message"] if m else text


_WHERE = re.compile(r"^(?P<path>/\S.*?):? line (?P<line>\d+): (?P<message>.*)$")


@dataclass(frozen=True, slots=True)
class SshSettings:
    alias: str  # the name asked for (a Host alias or a real name)
    hostname: str  # what is dialled
    port: int
    user: str
    identity_files: tuple[str, ...]  # ~ expanded; missing files are simply skipped later
    proxy_jump: tuple[str, ...]  # hops as written ("[user@]host[:port]"); () = direct
    user_known_hosts: tuple[Path, ...]
    global_known_hosts: tuple[Path, ...]
    host_key_algorithms: tuple[str, ...] = ()  # () = the client's defaults
    connect_timeout: float | None = None
    host_key_alias: str | None = None

    @property
    def known_hosts(self) -> tuple[Path, ...]:
        return (*self.user_known_hosts, *self.global_known_hosts)


def split_hop(text: str) -> tuple[str | None, str, int | None]:
    """`[ssh://][user@]host[:port]` → (user, host, port); raises ResolveError."""
    m = _HOP.match(text.strip())
    if not m:
        raise ResolveError(f"bad jump host {text.strip()!r}: expected [user@]host[:port]")
    port = int(m["port"]) if m["port"] else None
    if port is not None and not 1 <= port <= 65535:
        raise ResolveError(f"bad port in jump host {text.strip()!r}")
    return m["user"], m["host"].strip("[]"), port


def local_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return "root"


class SshResolver:
    def __init__(self, config_file: Path | None = None, ssh: str | None = "auto") -> None:
        """`config_file` is ssh's -F (then neither ~/.ssh/config nor /etc/ssh/ssh_config is
        read, as with ssh); `ssh=None` forces the paramiko fallback."""
        self.config_file = Path(config_file) if config_file is not None else None
        self.ssh = shutil.which("ssh") if ssh == "auto" else ssh
        self._cache: dict[tuple, SshSettings] = {}
        self._lock = threading.Lock()
        self._baseline: SshSettings | None = None

    @property
    def how(self) -> str:
        return "ssh -G" if self.ssh else "paramiko"

    def resolve(self, host: str, port: int | None = None, user: str | None = None) -> SshSettings:
        key = (host, port, user)
        with self._lock:
            found = self._cache.get(key)
        if found is None:
            found = (
                self._ask_ssh(host, port, user)
                if self.ssh
                else self._ask_paramiko(host, port, user)
            )
            with self._lock:
                self._cache[key] = found
        return found

    def prefetch(self, hosts, parallel: int = 8) -> None:
        """Resolve many hosts at once (one `ssh -G` is ~5 ms of mostly waiting: 1,000 nodes in
        a row would hold the start for seconds). Errors are left for resolve() to raise."""
        from concurrent.futures import ThreadPoolExecutor

        def one(host: str) -> None:
            with contextlib.suppress(ResolveError):
                self.resolve(host)

        with ThreadPoolExecutor(parallel, thread_name_prefix="ssh-resolve") as pool:
            list(pool.map(one, dict.fromkeys(hosts)))

    def options(self, host: str) -> dict[str, object]:
        """What the config files set for `host`, in the loader's terms (hostname, port, user,
        identityfile, proxyjump), leaving out what is only ssh's built-in default so the fleet
        file's [defaults] still fill those in."""
        base = self._defaults()
        found = self.resolve(host)
        out: dict[str, object] = {"hostname": found.hostname}
        if found.port != base.port:
            out["port"] = found.port
        if found.user != base.user:
            out["user"] = found.user
        if found.identity_files != base.identity_files and found.identity_files:
            out["identityfile"] = found.identity_files[0]
        if found.proxy_jump:
            out["proxyjump"] = ",".join(found.proxy_jump)
        return out

    def _defaults(self) -> SshSettings:
        if self._baseline is None:
            if self.ssh:
                self._baseline = self._ask_ssh("hangang-defaults.invalid", None, None, "/dev/null")
            else:
                self._baseline = _settings("x", {}, None, None)
        return self._baseline

    # -- ssh -G ---------------------------------------------------------------------------------

    def _ask_ssh(
        self, host: str, port: int | None, user: str | None, config: str | None = None
    ) -> SshSettings:
        argv = [self.ssh, "-G"]
        config = config or (str(self.config_file) if self.config_file is not None else None)
        if config is not None:
            argv += ["-F", config]
        if port is not None:
            argv += ["-p", str(port)]
        if user:
            argv += ["-l", user]
        argv += ["--", host]
        try:
            done = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=RESOLVE_TIMEOUT_S,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ResolveError(f"ssh -G {host}: {exc}") from exc
        if done.returncode != 0:
            lines = [ln for ln in done.stderr.splitlines() if "Pseudo-terminal" not in ln]
            raise ResolveError(
                lines[0] if lines else f"ssh -G {host}: exit status {done.returncode}"
            )
        values: dict[str, list[str]] = {}
        for line in done.stdout.splitlines():
            name, _, value = line.partition(" ")
            values.setdefault(name.lower(), []).append(value.strip())
        return _settings(host, values, None, None)

    # -- paramiko fallback ----------------------------------------------------------------------

    def _ask_paramiko(self, host: str, port: int | None, user: str | None) -> SshSettings:
        import paramiko

        if self.config_file is not None:
            texts = [expand_includes(self.config_file, Path.home() / ".ssh")]
        else:
            texts = [
                expand_includes(path, base)
                for path, base in (
                    (Path.home() / ".ssh" / "config", Path.home() / ".ssh"),
                    (SYSTEM_CONFIG, SYSTEM_CONFIG.parent),
                )
                if path.is_file()
            ]
        try:
            config = paramiko.SSHConfig.from_text("\n".join(texts))
            found = config.lookup(host)
        except Exception as exc:  # paramiko raises many kinds (Match exec, canonicalisation, …)
            raise ResolveError(f"ssh config for {host}: {exc}") from exc
        values = {k.lower(): (v if isinstance(v, list) else [str(v)]) for k, v in found.items()}
        return _settings(host, values, port, user)


def _settings(
    host: str, values: dict[str, list[str]], port: int | None, user: str | None
) -> SshSettings:
    """Both sources' answers in one shape; `port`/`user` are -p/-l (they beat the files)."""

    def one(name: str) -> str | None:
        got = values.get(name)
        return got[0] if got else None

    def words(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        got = values.get(name)
        return tuple(w for v in got for w in v.split()) if got else default

    try:
        port = port or int(one("port") or 22)
    except ValueError:
        raise ResolveError(f"{host}: bad Port {one('port')!r}") from None
    jump = one("proxyjump")
    timeout = one("connecttimeout")
    try:
        connect_timeout = float(timeout) if timeout and timeout != "none" else None
    except ValueError:
        connect_timeout = None
    identities = tuple(values.get("identityfile") or DEFAULT_IDENTITIES)
    return SshSettings(
        alias=host,
        hostname=one("hostname") or host,
        port=port,
        user=user or one("user") or local_user(),
        identity_files=tuple(_expand(p) for p in identities),
        proxy_jump=tuple(h.strip() for h in jump.split(",") if h.strip())
        if jump and jump.lower() != "none"
        else (),
        user_known_hosts=tuple(
            Path(_expand(p)) for p in words("userknownhostsfile", DEFAULT_USER_KNOWN)
        ),
        global_known_hosts=tuple(
            Path(_expand(p)) for p in words("globalknownhostsfile", DEFAULT_GLOBAL_KNOWN)
        ),
        host_key_algorithms=tuple(a for a in (one("hostkeyalgorithms") or "").split(",") if a),
        connect_timeout=connect_timeout,
        host_key_alias=one("hostkeyalias"),
    )


def _expand(path: str) -> str:
    return os.path.expanduser(path)


def expand_includes(path: Path, base: Path, depth: int = 0) -> str:
    """The file's text with every `Include` replaced by the files it names (globs, relative
    paths against ~/.ssh or /etc/ssh, as ssh_config(5) says)."""
    if depth > MAX_INCLUDE_DEPTH:
        raise ResolveError(f"{path}: Include nested too deeply")
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ResolveError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    out: list[str] = []
    for line in text.splitlines():
        fields = line.strip().replace("=", " ", 1).split()
        if fields and fields[0].lower() == "include":
            for pattern in fields[1:]:
                pattern = os.path.expanduser(pattern)
                if not os.path.isabs(pattern):
                    pattern = str(base / pattern)
                for name in sorted(glob.glob(pattern)):
                    out.append(expand_includes(Path(name), base, depth + 1))
            continue
        out.append(line)
    return "\n".join(out)


def load_fleet(path: Path, ssh_config: Path | None = None):
    """A fleet file whose nodes take their ssh settings from `ssh -G` (all nodes resolved in
    parallel first); returns (Inventory, SshResolver). Raises InventoryError."""
    from console.inventory.loader import load_inventory

    resolver = SshResolver(ssh_config)
    bare = load_inventory(path, ssh_config, ssh_options=lambda host: {})
    resolver.prefetch(n.ssh_host or n.dial_address for n in bare.nodes)
    return load_inventory(path, ssh_config, ssh_options=resolver.options), resolver
