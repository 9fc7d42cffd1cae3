"""A throwaway Slurm cluster on loopback: one slurmctld and N slurmd (`slurmd -N nXX`, one port
each, all 127.0.0.1), AuthType=auth/none, `gpu:8` per node backed by fake device files, and the
partitions public/interest/private in an include file (the file the backend rewrites).

Every daemon runs under its own reaper (a child subreaper, as the sshd testbed does), so a
job's slurmstepd, which detaches from slurmd, stays in a tree stop() can end. Every process
carries HANGANG_SLURM_TESTBED=<tag> in its environment (daemons get it from us, jobs from
sbatch's environment), which is how leftovers are found.

    tb = SlurmTestbed(tmp_dir).start()
    tb.env            # SLURM_CONF for commands (LocalRunner(env=tb.env))
    tb.sbatch("-p", "interest", "-w", "n04", "--wrap", "sleep 5") -> job id
    tb.restart_controller()
    tb.stop()         # cancels every job first, then ends every daemon; raises on leftovers
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

from console.capacity.backends.slurm_parse import version_tuple
from console.capacity.backends.slurm_runner import LocalRunner
from tests.integration.sshd_testbed import _REAPER, _process_table, wait_until

TAG_VAR = "HANGANG_SLURM_TESTBED"
LAYOUT = {"public": "n[01-03]", "interest": "n[04-06]", "private": "n[07-08]"}


def slurm_installed() -> bool:
    return all(Path(p).exists() for p in ("/usr/sbin/slurmctld", "/usr/sbin/slurmd",
                                          "/usr/bin/scontrol", "/usr/bin/sbatch"))


def _ports_free(ports: list[int]) -> bool:
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def _free_block(count: int) -> int:
    """A base port with base..base+count all free (slurm.conf gives nodes a port range)."""
    for _ in range(200):
        base = random.randrange(20000, 60000 - count)
        if _ports_free(list(range(base, base + count + 1))):
            return base
    raise RuntimeError("no free block of ports on 127.0.0.1")


class SlurmTestbed:
    def __init__(self, root: Path, nodes: int = 8) -> None:
        self.dir = Path(root)
        self.nodes = [f"n{i:02d}" for i in range(1, nodes + 1)]
        self.tag = uuid.uuid4().hex[:12]
        self.conf = self.dir / "slurm.conf"
        self.include = self.dir / "partitions.conf"
        self.env = {"SLURM_CONF": str(self.conf), TAG_VAR: self.tag}
        self._reapers: dict[str, subprocess.Popen] = {}
        self.version: tuple[int, int, int] = (0, 0, 0)  # slurmctld -V, read at start
        self._runner = None

    # ports after the nodes' that a subclass's daemons take (slurm_accounting.py: slurmdbd, db)
    extra_ports = 0
    # what slurm.conf says about accounting (slurm_accounting.py replaces it)
    accounting_lines = "AccountingStorageType=accounting_storage/none"

    # -- files -------------------------------------------------------------------------------

    # -- where the daemons and commands run (slurm24.py: inside a Debian 13 root) --------------

    def command(self, argv) -> list[str]:
        """The argv as it runs on this machine (slurm24.py wraps it to run inside its root)."""
        return list(argv)

    def console_runner(self):
        """The runner the console under test uses to reach this cluster (here: local
        commands; slurm24.py: SSH to its controller). One per testbed, closed by stop()."""
        if self._runner is None:
            self._runner = LocalRunner(self.env)
        return self._runner

    over_ssh = False  # console_runner() is an SshRunner

    def console_runner_to(self, conf: Path):
        """A new runner like console_runner() but reading another slurm.conf (in self.dir, so
        the 24.11 root sees it too): a controller that does not answer. The caller closes it."""
        return LocalRunner({**self.env, "SLURM_CONF": str(conf)})

    def direct_runner(self) -> LocalRunner:
        """Commands as a test runs them (tb.run), not as the console reaches them."""
        return LocalRunner(self.env)

    def slurm_table(self) -> str:
        """The fleet file's [slurm] keys that reach this cluster the same way."""
        return f'slurm_conf = "{self.conf}"\n'

    def console_bin(self) -> Path:
        """A dir for wrappers that shadow Slurm's commands as the console runs them: put it
        first on a local console's PATH (slurm24.py's sshd puts it first for its sessions)."""
        return self.dir / "console-bin"

    def trust(self, known_hosts: Path) -> None:
        """Add this cluster's controller host key to a console's known_hosts (none here)."""

    @property
    def version_text(self) -> str:
        return f"{self.version[0]}.{self.version[1]:02d}.{self.version[2]}"

    # -- files -------------------------------------------------------------------------------

    def _write_files(self) -> None:
        for sub in ("state", "spool", "log", "dev", "jobs"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        for i in range(8):  # gres.conf needs File= for gpu, and each must be a device
            dev = self.dir / "dev" / f"nvidia{i}"
            if not dev.exists():
                try:
                    os.mknod(dev, 0o666 | 0o020000, os.makedev(1, 3))
                except OSError:
                    dev.symlink_to("/dev/null")
        base = _free_block(len(self.nodes) + 1 + self.extra_ports)
        self.ctld_port = base
        d = self.dir
        last = self.nodes[-1][1:]
        self.conf.write_text(f"""\
ClusterName=hangangtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={base}
SlurmdPort={base + 1}
CommunicationParameters=NoInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
MailProg=/bin/true
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool/%n
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.%n.pid
SlurmctldLogFile={d}/log/slurmctld.log
SlurmdLogFile={d}/log/slurmd.%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
{self.accounting_lines}
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
GresTypes=gpu
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
KillWait=2
InactiveLimit=0
NodeName=DEFAULT CPUs=2 RealMemory=1000 Gres=gpu:8 State=UNKNOWN
NodeName=n[01-{last}] NodeAddr=127.0.0.1 NodeHostname=localhost \
Port=[{base + 1}-{base + len(self.nodes)}]
Include {self.include}
""")
        (d / "gres.conf").write_text(
            f"AutoDetect=off\nNodeName=n[01-{last}] Name=gpu File={d}/dev/nvidia[0-7]\n"
        )
        if self.version >= (23, 2, 0):
            # newer slurmd loads cgroup plugins whatever the task plugin; a test root has no
            # cgroup tree of its own (22.05 does not know "disabled")
            (d / "cgroup.conf").write_text("CgroupPlugin=disabled\n")
        self._write_include()

    def _write_include(self) -> None:
        self.include.write_text(
            f"PartitionName=public Nodes={LAYOUT['public']} Default=YES MaxTime=INFINITE "
            "State=UP\n"
            f"PartitionName=interest Nodes={LAYOUT['interest']} MaxTime=INFINITE State=UP\n"
            f"PartitionName=private Nodes={LAYOUT['private']} MaxTime=INFINITE State=UP\n"
        )

    # -- commands ----------------------------------------------------------------------------

    def run(self, *argv: str, check: bool = True, timeout: float = 15) -> str:
        done = subprocess.run(self.command(argv), capture_output=True, text=True,
                              timeout=timeout, env={**os.environ, **self.env})
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip() or done.returncode}")
        return done.stdout

    def sbatch(self, *args: str) -> str:
        out = self.run("sbatch", "--parsable", "-o", str(self.dir / "jobs" / "%j.out"), *args)
        return out.strip().split(";")[0]

    def job_state(self, job_id: str) -> str:
        out = self.run("scontrol", "show", "job", job_id, "-o", check=False)
        for word in out.split():
            if word.startswith("JobState="):
                return word.split("=", 1)[1]
        return ""

    def node_field(self, node: str, key: str) -> str:
        out = self.run("scontrol", "show", "node", node, "-o")
        for word in out.split():
            if word.startswith(f"{key}="):
                return word.split("=", 1)[1]
        return ""

    def partition_nodes(self) -> dict[str, list[str]]:
        out = {}
        for line in self.run("scontrol", "show", "partition", "-o").splitlines():
            fields = dict(w.split("=", 1) for w in line.split() if "=" in w)
            hostlist = fields.get("Nodes", "")
            names = self.run("scontrol", "show", "hostnames", hostlist).split() if hostlist \
                and hostlist != "(null)" else []
            out[fields["PartitionName"]] = names
        return out

    def idle_nodes(self) -> set[str]:
        out = self.run("sinfo", "-h", "-N", "-t", "idle", "-o", "%N", check=False)
        return set(out.split())

    # -- processes ---------------------------------------------------------------------------

    def _spawn(self, name: str, *argv: str) -> None:
        log = open(self.dir / "log" / f"{name}.stdout", "wb")  # noqa: SIM115 - closed by the child
        with log:
            self._reapers[name] = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _REAPER, *self.command(argv)],
                stdout=subprocess.PIPE,
                stderr=log,
                env={**os.environ, **self.env},
                start_new_session=True,
            )
        self._reapers[name].stdout.readline()  # the daemon's pid: it has started

    def _start_controller(self) -> None:
        self._spawn("slurmctld", "/usr/sbin/slurmctld", "-D", "-i")

        def up() -> bool:
            return subprocess.run(self.command(["scontrol", "ping"]), capture_output=True,
                                  timeout=5, env={**os.environ, **self.env}).returncode == 0 and \
                "UP" in self.run("scontrol", "ping", check=False)

        wait_until(up, 20, 0.1, f"slurmctld did not come up: {self._log('slurmctld.log')}")

    def start(self) -> SlurmTestbed:
        self.dir.mkdir(parents=True, exist_ok=True)
        self._before_files()
        self.version = version_tuple(self.run("slurmctld", "-V"))
        self._write_files()
        try:
            self._before_controller()
            self._start_controller()
            for node in self.nodes:
                (self.dir / "spool" / node).mkdir(parents=True, exist_ok=True)
                self._spawn(f"slurmd.{node}", "/usr/sbin/slurmd", "-D", "-N", node)
            wait_until(lambda: self.idle_nodes() >= set(self.nodes), 40, 0.2,
                       f"nodes not idle: {sorted(set(self.nodes) - self.idle_nodes())}")
        except BaseException:
            self.stop(check=False)
            raise
        return self

    def _before_files(self) -> None:
        """What must be ready before any command runs (slurm24.py: its root)."""

    def _before_controller(self) -> None:
        """Daemons the controller needs up first (slurm_accounting.py: MariaDB, slurmdbd)."""

    def restart_controller(self) -> None:
        self._end("slurmctld", signal.SIGTERM)
        self._start_controller()
        wait_until(lambda: self.idle_nodes() | self._drained() >= set(self.nodes), 30, 0.2,
                   "nodes did not come back after the controller restart")

    def _drained(self) -> set[str]:
        out = self.run("sinfo", "-h", "-N", "-t", "drain", "-o", "%N", check=False)
        return set(out.split())

    def reset(self) -> None:
        """Between tests: no jobs, no drains, the first layout (live and in the include file)."""
        self.cancel_all()
        for node in self.nodes:
            if "DRAIN" in self.node_field(node, "State"):
                self.run("scontrol", "update", f"NodeName={node}", "State=RESUME")
        for part, hostlist in LAYOUT.items():
            self.run("scontrol", "update", f"PartitionName={part}", f"Nodes={hostlist}")
        self._write_include()
        for f in self.dir.glob("partitions.conf.*"):
            f.unlink()

    def cancel_all(self) -> None:
        if "slurmctld" not in self._reapers:
            return
        self.run("scancel", "--full", "-u", "root", check=False)
        wait_until(lambda: not self.run("squeue", "-h", "-o", "%i", check=False).strip(), 20,
                   0.1, "jobs did not end after scancel")

    def stop(self, check: bool = True) -> None:
        if self._runner is not None:
            self._runner.close()
            self._runner = None
        with_ctld = "slurmctld" in self._reapers and self._reapers["slurmctld"].poll() is None
        if with_ctld:
            # job steps outlive slurmd: end them through Slurm first
            with contextlib.suppress(RuntimeError, TimeoutError, subprocess.TimeoutExpired):
                self.cancel_all()
        self._end("slurmctld", signal.SIGTERM)
        for name in [n for n in self._reapers if n.startswith("slurmd.")]:
            self._signal_tree(name, signal.SIGTERM)
        # what the controller used goes last: slurmdbd, then its database
        last = ("slurmdbd", "mariadbd")
        for name in sorted(self._reapers, key=lambda n: last.index(n) if n in last else -1):
            self._end(name, signal.SIGTERM)
        left = self.leftovers()
        for pid in left:
            _kill(pid, signal.SIGKILL)
        if check and left:
            raise AssertionError(f"Slurm testbed processes left running: {left}")

    def _signal_tree(self, name: str, sig: signal.Signals) -> None:
        reaper = self._reapers.get(name)
        if reaper is not None and reaper.poll() is None:
            for pid in self._tree_of(reaper):
                _kill(pid, sig)

    def _end(self, name: str, sig: signal.Signals, timeout: float = 10) -> None:
        reaper = self._reapers.pop(name, None)
        if reaper is None:
            return
        if reaper.poll() is None:
            for pid in self._tree_of(reaper):
                _kill(pid, sig)
            try:
                reaper.wait(timeout)
            except subprocess.TimeoutExpired:
                for pid in self._tree_of(reaper):
                    _kill(pid, signal.SIGKILL)
                reaper.wait(timeout)
        reaper.stdout.close()

    @staticmethod
    def _tree_of(reaper: subprocess.Popen) -> list[int]:
        table = _process_table()
        found, frontier = [], [reaper.pid]
        while frontier:
            parent = frontier.pop()
            kids = [pid for pid, (ppid, _) in table.items() if ppid == parent]
            found += kids
            frontier += kids
        return [pid for pid in found if table[pid][1] not in "ZX"]

    def leftovers(self) -> list[int]:
        """Live processes anywhere whose environment carries this testbed's tag (daemons,
        slurmstepd, job scripts), like `pgrep` but by tag, not by a name anyone could share."""
        out = []
        table = _process_table()
        needle = f"{TAG_VAR}={self.tag}".encode()
        for pid, (_, state) in table.items():
            if state in "ZX" or pid == os.getpid():
                continue
            try:
                env = Path(f"/proc/{pid}/environ").read_bytes()
            except OSError:
                continue
            if needle in env.split(b"\0"):
                out.append(pid)
        return out

    def _log(self, name: str) -> str:
        try:
            return (self.dir / "log" / name).read_text()[-1500:]
        except OSError:
            return "(no log)"


def _kill(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def wait_for(predicate, timeout: float, message: str = ""):
    return wait_until(predicate, timeout, 0.1, message)


