"""Slurm 24.11 beside Debian 12's 22.05: the accounting testbed (slurm_accounting.py) with every
daemon and command inside a Debian 13 (trixie) root, and an sshd in that root through which the
console reaches the controller as it reaches a real one (SshRunner: host key checked, a key of
the test's own, no ~/.ssh of whoever runs the suite).

The root is built once per machine into a cache dir (debootstrap, as
../shared/recipes/debian13-chroot.sh does, plus MariaDB and slurmdbd) and reused while every
package in it is installed; a half-built one is never used (it is built beside and renamed).
Each command and daemon runs in a mount namespace of its own (`unshare -m`: proc, dev, sys and
the testbed's dir bound at the same path, so paths in slurm.conf mean the same on both sides)
and ends with its process; nothing is mounted on the machine itself.

The database is this machine's own MariaDB where it has one (Debian 12's 10.11), else the
root's own (Debian 13's 11.8.9); HANGANG_TEST_ROOT_MARIADB=1 takes the root's even here (the
suite as it runs on a Debian 13 image). Debian 13's slurmdbd 24.11.5 with MariaDB 11.8 exits
at its first query (`_check_mysql_concat_is_sane: ... 5027 Number of columns in result (=1)
set execeeds maxmimum allowed number of columns (=0)`) only when it creates slurm_acct_db
itself; the testbed creates it first (slurm_accounting.DBD_ON_MARIADB_11_8), so both work.

Where this machine's own Slurm is already ≥ 23.11 (Debian 13 as the image), no root is built:
the same testbed runs natively, still reached over SSH.

    root, _ = trixie_root()                    # RootUnavailable(reason) when it cannot be had
    tb = Slurm24Testbed(tmp_dir, root=root).start()     # or on_newer_slurm(QuotaTestbed)(…)
    tb.console_runner()                        # SshRunner to root@127.0.0.1:<port>
    tb.run("sacct", ...)                       # a test's own look, inside the root
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console.capacity.backends.slurm_parse import ParseError, version_tuple
from console.capacity.backends.slurm_runner import LocalRunner, SshRunner
from console.telemetry.ssh_resolve import SshResolver
from tests.integration.slurm_accounting import AccountingTestbed
from tests.integration.sshd_testbed import (
    _process_table,
    _write_key,
    banner_ok,
    free_port,
    wait_until,
)

CACHE = Path(os.environ.get("HANGANG_TEST_CACHE", "/var/cache/hangang-test"))
SUITE = "trixie"
PACKAGES = (
    "slurmctld",
    "slurmd",
    "slurm-client",
    "slurmdbd",
    "mariadb-server",
    "openssh-server",
    "python3",
)
NEWER_SINCE = (23, 11)  # what this suite calls "the newer Slurm": --json everywhere, Nodes+=
BUILD_TIMEOUT_S = 1200
# run on this machine even when the rest is in the root (see above)
DB_PROGRAMS = frozenset({"mariadb-install-db", "/usr/sbin/mariadbd", "mariadb"})
ROOT_MARIADB = os.environ.get("HANGANG_TEST_ROOT_MARIADB") == "1"  # the root's 11.8 (see above)


# runs as the first process of a new mount namespace, then becomes the command in the root
_ENTER = """set -e
R=$1; D=$2; shift 2
mount -t proc proc "$R/proc"; mount --rbind /dev "$R/dev"; mount --rbind /sys "$R/sys"
mount --bind "$D" "$R$D"
exec chroot "$R" "$@"
"""


class RootUnavailable(RuntimeError):
    """The Debian 13 root cannot be built or used here; the message says why."""


def native_version() -> tuple[int, int, int] | None:
    """This machine's own slurmctld version, or None without one."""
    if not Path("/usr/sbin/slurmctld").exists():
        return None
    done = subprocess.run(["/usr/sbin/slurmctld", "-V"], capture_output=True, text=True, timeout=10)
    try:
        return version_tuple(done.stdout)
    except ParseError:
        return None


def _installed(root: Path) -> list[str]:
    """The packages of PACKAGES that are not fully installed in `root`."""
    if not (root / "usr/bin/dpkg-query").exists():
        return list(PACKAGES)
    done = subprocess.run(
        ["chroot", str(root), "dpkg-query", "-W", "-f=${Package} ${Status}\\n", *PACKAGES],
        capture_output=True,
        text=True,
        timeout=30,
    )
    ok = {
        line.split()[0]
        for line in done.stdout.splitlines()
        if line.endswith("install ok installed")
    }
    return [p for p in PACKAGES if p not in ok]


def _mirror() -> str | None:
    """The Debian mirror this machine's apt already uses (debootstrap's default otherwise)."""
    try:
        for line in Path("/etc/apt/sources.list.d/debian.sources").read_text().splitlines():
            if line.startswith("URIs:"):
                return line.split()[1]
    except (OSError, IndexError):
        pass
    return None


def trixie_root(cache: Path = CACHE) -> tuple[Path, float | None]:
    """(root, seconds the build took, None when the cached root was reused)."""
    if os.geteuid() != 0:
        raise RootUnavailable("building and entering a Debian root needs root")
    for tool in ("debootstrap", "unshare", "chroot"):
        if shutil.which(tool) is None:
            raise RootUnavailable(f"{tool} not installed (packaging/debian-packages.sh test)")
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RootUnavailable(f"no cache dir for the Debian 13 root: {exc}") from exc
    root = cache / SUITE
    with open(cache / f"{SUITE}.lock", "w") as lock:  # another session may be building it
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _installed(root):
            _prepare(root)
            return root, None
        started = time.monotonic()
        building = cache / f"{SUITE}.building"
        shutil.rmtree(building, ignore_errors=True)
        log = cache / f"{SUITE}.debootstrap.log"
        mirror = _mirror()
        argv = [
            "debootstrap",
            "--variant=minbase",
            f"--include={','.join(PACKAGES)}",
            SUITE,
            str(building),
            *([mirror] if mirror else []),
        ]
        with open(log, "wb") as out:
            try:
                done = subprocess.run(
                    argv, stdout=out, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT_S
                )
            except subprocess.TimeoutExpired as exc:
                raise RootUnavailable(
                    f"debootstrap {SUITE} took over {BUILD_TIMEOUT_S} s (log: {log})"
                ) from exc
        missing = _installed(building)
        if done.returncode != 0 or missing:
            tail = log.read_text(errors="replace")[-800:]
            raise RootUnavailable(
                f"debootstrap {SUITE} failed (exit {done.returncode}, "
                f"missing {missing}; {log}): {tail}"
            )
        shutil.rmtree(root, ignore_errors=True)
        building.rename(root)
        _prepare(root)
        seconds = time.monotonic() - started
        (cache / f"{SUITE}.build-seconds").write_text(f"{seconds:.1f}\n")
        return root, seconds


def _prepare(root: Path) -> None:
    # without the machine's /etc/hosts slurmd cannot bind ("Address family not supported")
    shutil.copyfile("/etc/hosts", root / "etc/hosts")
    (root / "run/sshd").mkdir(parents=True, exist_ok=True)  # sshd's privilege separation dir


class ChrootRunner(LocalRunner):
    """LocalRunner inside the testbed's root: what a test itself runs there (not the console's
    way in, which is SSH). Files are the same on both sides, so reading and writing stay."""

    def __init__(self, testbed: Slurm24Testbed) -> None:
        super().__init__(testbed.env)
        self.testbed = testbed
        self.where = f"chroot {testbed.root}"

    def run(self, argv, stdin=None, timeout=30.0):
        return super().run(self.testbed.command(argv), stdin=stdin, timeout=timeout)


class InNewerRoot:
    """Put before a SlurmTestbed subclass (on_newer_slurm does): its commands and daemons run
    inside `root` (None: this machine's own newer Slurm), plus an sshd there for the console."""

    over_ssh = True

    def __init__(self, tmp: Path, *args, root: Path | None = None, **kwargs) -> None:
        super().__init__(tmp, *args, **kwargs)
        self.root = Path(root) if root is not None else None
        self.ssh_port = 0
        self.host_key = self.dir / "ssh" / "host_ed25519"
        self.client_key = self.dir / "ssh" / "client_ed25519"
        self.known_hosts = self.dir / "ssh" / "known_hosts"
        self._made: list[Path] = []  # dirs made inside the root for the bind mount
        self.db_here = Path("/usr/sbin/mariadbd").exists() and not ROOT_MARIADB

    def command(self, argv) -> list[str]:
        if self.root is None or (self.db_here and argv[0] in DB_PROGRAMS):
            return list(argv)
        return [
            "/usr/bin/unshare",
            "-m",
            "/bin/sh",
            "-c",
            _ENTER,
            "sh",
            str(self.root),
            str(self.dir),
            *argv,
        ]

    def direct_runner(self) -> LocalRunner:
        return ChrootRunner(self) if self.root is not None else LocalRunner(self.env)

    def _before_files(self) -> None:
        if self.root is None:
            return
        target = self.root / self.dir.relative_to("/")
        missing = []
        for parent in (target, *target.parents):
            if parent.exists():
                break
            missing.append(parent)
        target.mkdir(parents=True, exist_ok=True)
        self._made = missing  # deepest first: removed in this order by stop()

    # -- sshd --------------------------------------------------------------------------------

    def _before_controller(self) -> None:
        super()._before_controller()
        self._start_sshd()

    def _start_sshd(self) -> None:
        ssh = self.dir / "ssh"
        ssh.mkdir(exist_ok=True)
        _write_key(self.host_key)
        (ssh / "authorized_keys").write_text(_write_key(self.client_key) + "\n")
        self.ssh_port = free_port()
        config = ssh / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    f"Port {self.ssh_port}",
                    "ListenAddress 127.0.0.1",
                    "AddressFamily inet",
                    "AllowUsers root@127.0.0.0/8",
                    f"HostKey {self.host_key}",
                    f"PidFile {ssh / 'sshd.pid'}",
                    f"AuthorizedKeysFile {ssh / 'authorized_keys'}",
                    "StrictModes no",
                    "UsePAM no",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PermitRootLogin prohibit-password",
                    "PermitUserEnvironment no",
                    "UseDNS no",
                    "PrintMotd no",
                    "MaxSessions 50",
                    # wrappers a test puts in console_bin() come first for the console too
                    f"SetEnv PATH={self.console_bin()}:/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                    "/usr/bin:/sbin:/bin",
                    "LogLevel INFO",
                    "",
                ]
            )
        )
        self._spawn("sshd", "/usr/sbin/sshd", "-D", "-e", "-f", str(config))
        wait_until(
            lambda: banner_ok("127.0.0.1", self.ssh_port),
            20,
            0.05,
            f"sshd in the root did not answer: {self._log('sshd.stdout')}",
        )
        self.trust(self.known_hosts)
        # ssh -G reads this instead of the runner's ~/.ssh/config and /etc/ssh/ssh_config
        (ssh / "ssh_config").write_text(
            f"Host *\n    UserKnownHostsFile {self.known_hosts}\n"
            f"    GlobalKnownHostsFile {ssh / 'none'}\n"
        )

    @property
    def controller(self) -> str:
        return f"root@127.0.0.1:{self.ssh_port}"

    def trust(self, known_hosts: Path) -> None:
        key_type, b64 = Path(f"{self.host_key}.pub").read_text().split()[:2]
        known_hosts.parent.mkdir(parents=True, exist_ok=True)
        with open(known_hosts, "a") as out:
            out.write(f"[127.0.0.1]:{self.ssh_port} {key_type} {b64}\n")

    def console_runner(self) -> SshRunner:
        if self._runner is None:
            self._runner = self.console_runner_to(self.conf)
        return self._runner

    def console_runner_to(self, conf: Path) -> SshRunner:
        return SshRunner(
            "127.0.0.1",
            self.ssh_port,
            "root",
            self.known_hosts,
            (),
            str(self.client_key),
            str(conf),
            resolver=SshResolver(self.dir / "ssh" / "ssh_config"),
        )

    def slurm_table(self) -> str:
        return (
            f'controller = "{self.controller}"\nidentity_file = "{self.client_key}"\n'
            f'slurm_conf = "{self.conf}"\n'
        )

    def leftovers(self) -> list[int]:
        """Also every process still in one of this testbed's mount namespaces, tag or not (an
        SSH session has a clean environment): they all see its dir bound into the root."""
        found = set(super().leftovers())
        if self.root is not None:
            mark = f" {self.dir} "  # a chrooted process's mountinfo shows paths from its root
            for pid, (_, state) in _process_table().items():
                try:
                    mounts = Path(f"/proc/{pid}/mountinfo").read_text()
                except OSError:
                    continue
                if state not in "ZX" and mark in mounts:
                    found.add(pid)
        return sorted(found)

    def stop(self, check: bool = True) -> None:
        try:
            super().stop(check)
        finally:
            for made in self._made:  # only what start() made, and only while empty
                try:
                    made.rmdir()
                except OSError:
                    break
            self._made = []


def on_newer_slurm(cls: type) -> type:
    """`cls` (AccountingTestbed or a subclass of it: a quota testbed, …) on Slurm 24.11:
    `on_newer_slurm(cls)(tmp, root=root)`. Everything cls writes and runs works unchanged."""
    return type(f"{cls.__name__}On24", (InNewerRoot, cls), {"__doc__": InNewerRoot.__doc__})


Slurm24Testbed = on_newer_slurm(AccountingTestbed)


def both_versions(fixture: str, scope: str = "module"):
    """`pytestmark = both_versions("my_bed")`: a module fixture made with conftest.py's
    `slurm_testbed(request, cls, …)`, run once natively and once on 24.11 (ids native, 24.11).
    scope="session" for a session fixture shared by several modules (conftest's quota_bed)."""
    return pytest.mark.parametrize(fixture, ["native", "24.11"], indirect=True, scope=scope)


# A module's tests on both versions of slurm_books: `pytestmark = BOTH_VERSIONS`. Its tests then
# reach the cluster only through testbed.console_runner() (or testbed.slurm_table() and
# testbed.trust(known_hosts) for a fleet file), and testbed.run() for a test's own looks.
BOTH_VERSIONS = both_versions("slurm_books")


def prepare() -> int:
    """`python -m tests.integration.slurm24`: `make test` builds (or checks) the root before the
    suite, so a fresh machine's debootstrap of several minutes is not cut by a test's timeout.
    Where it cannot be had, the reason is printed and the suite's 24.11 tests say it again."""
    native = native_version()
    if native is not None and native[:2] >= NEWER_SINCE:
        print(f"slurm24: this machine's Slurm {native} is the newer one: no Debian 13 root")
        return 0
    try:
        root, seconds = trixie_root()
    except RootUnavailable as exc:
        print(f"slurm24: no Debian 13 root: {exc}", file=sys.stderr)
        return 0
    print(f"slurm24: Debian 13 root {root}: "
          + (f"built in {seconds:.0f} s" if seconds else "reused from the cache"))
    return 0


if __name__ == "__main__":
    sys.exit(prepare())
