"""The Slurm testbed (slurm_testbed.py) with its books: a MariaDB of its own (Debian's
mariadb-server, a non-system instance: own datadir, socket and loopback port under the test's
tmp dir) and slurmdbd on loopback, so sacct, sreport, sacctmgr and QOS limits are real.
slurm.conf enforces associations,limits,qos and tracks gres/gpu.

Accounts: a sector account per partition, organisations as its children, root a user of each:

    public    pub_transit, pub_water
    interest  int_flood            (partition QOS interest_q: GrpTRES=gres/gpu=12)
    private   prv_chip

The include file is a site's, with the settings a real one has (partition QOS, billing weights,
memory defaults, account and QOS lists), so what the console writes can be checked against it.

    tb = AccountingTestbed(tmp_dir).start()
    tb.sbatch("-p", "interest", "--account=int_flood", "--gres=gpu:2", "--wrap", "sleep 2")
    tb.rollup(t0, t1)   # sreport reads rolled-up hours; this rolls them now
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from datetime import datetime
from pathlib import Path

from tests.integration.slurm_testbed import LAYOUT, SlurmTestbed, slurm_installed, wait_for

ACCOUNTS = {"public": ("pub_transit", "pub_water"), "interest": ("int_flood",),
            "private": ("prv_chip",)}
QOS = {"interest_q": "GrpTRES=gres/gpu=12", "private_q": "GrpTRES=gres/gpu=16"}
# what the site wrote; the console must keep every word of it but Nodes=
SITE_SETTINGS = {
    "public": "Default=YES MaxTime=INFINITE State=UP",
    "interest": "MaxTime=INFINITE State=UP QOS=interest_q TRESBillingWeights=CPU=1.0,GRES/gpu=4.0 "
                "DefMemPerCPU=100 MaxCPUsPerNode=2 AllowAccounts=interest,int_flood,root",
    "private": "MaxTime=2-00:00:00 State=UP DenyAccounts=pub_transit AllowQos=normal,private_q "
               "DefMemPerNode=500 MaxMemPerCPU=400 PriorityTier=2",
}
# Debian 13's slurmdbd 24.11.5 (Connector/C 3.4) against MariaDB 11.8.9 exits at its first
# query ("5027 Number of columns in result (=1) set execeeds maxmimum allowed number of columns
# (=0)" on `select @var := concat('')`) when it has to create slurm_acct_db itself; with the
# database already there it starts and keeps its books (measured; 10.11 works either way). So
# the testbed creates the database before slurmdbd's first start, as a site should.
DBD_ON_MARIADB_11_8 = ("slurmdbd failed its first query (MariaDB 11.8 with a slurm_acct_db "
                       "slurmdbd had to create itself: error 5027); create the database "
                       "before slurmdbd's first start")
PROGRAMS = ("/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db", "/usr/bin/mariadb",
            "/usr/sbin/slurmdbd", "/usr/bin/sacctmgr", "/usr/bin/sacct", "/usr/bin/sreport")


def accounting_installed() -> str | None:
    """None when everything is here; else what is missing."""
    if not slurm_installed():
        return "slurmctld/slurmd/slurm-client"
    missing = [p for p in PROGRAMS if not Path(p).exists()]
    return ", ".join(missing) or None


class AccountingTestbed(SlurmTestbed):
    extra_ports = 2

    def __init__(self, root: Path, nodes: int = 8) -> None:
        super().__init__(root, nodes)
        self.env["TZ"] = "UTC"  # every time given to or read from Slurm here is UTC

    @property
    def accounting_lines(self) -> str:  # type: ignore[override]
        return (f"AccountingStorageType=accounting_storage/slurmdbd\n"
                f"AccountingStorageHost=localhost\nAccountingStoragePort={self.dbd_port}\n"
                "AccountingStorageTRES=gres/gpu\n"
                "AccountingStorageEnforce=associations,limits,qos")

    @property
    def dbd_port(self) -> int:
        return self.ctld_port + len(self.nodes) + 1

    @property
    def db_port(self) -> int:
        return self.ctld_port + len(self.nodes) + 2

    def _write_include(self) -> None:
        lines = [f"PartitionName={p} Nodes={LAYOUT[p]} {SITE_SETTINGS[p]}\n" for p in LAYOUT]
        self.include.write_text("".join(lines))

    # -- the database and slurmdbd -----------------------------------------------------------

    def _mariadb(self, sql: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(self.command(["mariadb", "--no-defaults", "-S",
                                            str(self.dir / "db" / "sock"), "-uroot", "-e", sql]),
                              capture_output=True, text=True, timeout=10)
        if check and done.returncode != 0:
            raise RuntimeError(f"mariadb: {done.stderr.strip()}")
        return done

    def _before_controller(self) -> None:
        db = self.dir / "db"
        if not (db / "data" / "mysql").is_dir():
            shutil.rmtree(db / "data", ignore_errors=True)
            db.mkdir(parents=True, exist_ok=True)
            self.run("mariadb-install-db", "--no-defaults", f"--datadir={db / 'data'}",
                     "--user=root", "--auth-root-authentication-method=normal",
                     "--skip-test-db", timeout=120)
        self._spawn("mariadbd", "/usr/sbin/mariadbd", "--no-defaults", f"--datadir={db / 'data'}",
                    "--user=root", "--bind-address=127.0.0.1", f"--port={self.db_port}",
                    f"--socket={db / 'sock'}", f"--pid-file={db / 'mariadbd.pid'}",
                    f"--log-error={self.dir / 'log' / 'mariadbd.err'}",
                    "--innodb-buffer-pool-size=64M", "--skip-name-resolve")
        wait_for(lambda: self._mariadb("select 1", check=False).returncode == 0, 60,
                 f"MariaDB did not start: {self._log('mariadbd.err')}")
        # the database made here, not by slurmdbd: see DBD_ON_MARIADB_11_8
        self._mariadb("CREATE DATABASE IF NOT EXISTS slurm_acct_db;"
                      "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurm';"
                      "GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';")
        conf = self.dir / "slurmdbd.conf"
        conf.write_text(f"""\
AuthType=auth/none
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort={self.dbd_port}
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort={self.db_port}
StorageUser=slurm
StoragePass=slurm
StorageLoc=slurm_acct_db
PidFile={self.dir / 'slurmdbd.pid'}
LogFile={self.dir / 'log' / 'slurmdbd.log'}
""")
        conf.chmod(0o600)  # slurmdbd refuses a readable file holding a password
        self.start_dbd()
        self._books()

    def start(self) -> AccountingTestbed:
        super().start()
        try:
            for name, limits in QOS.items():
                self.sacctmgr("modify", "qos", name, "set", *limits.split())
        except BaseException:
            self.stop(check=False)
            raise
        return self

    def start_dbd(self) -> None:
        self._spawn("slurmdbd", "/usr/sbin/slurmdbd", "-D")
        reaper = self._reapers["slurmdbd"]

        def answers() -> bool:  # a slurmdbd that exited will not answer: say so at once
            if reaper.poll() is not None:
                raise TimeoutError(f"slurmdbd exited: {self._log('slurmdbd.stdout')}")
            return self._dbd_answers()

        try:
            wait_for(answers, 60, f"slurmdbd did not start: {self._log('slurmdbd.log')}")
        except TimeoutError as exc:
            if "Number of columns in result" in self._log("slurmdbd.stdout"):
                raise TimeoutError(f"{DBD_ON_MARIADB_11_8}: {exc}") from exc
            raise

    def stop_dbd(self) -> None:
        self._end("slurmdbd", signal.SIGTERM)

    def _dbd_answers(self) -> bool:
        try:
            subprocess.run(self.command(["sacctmgr", "-n", "list", "cluster"]),
                           capture_output=True, timeout=5, check=True,
                           env={**os.environ, **self.env})
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            return False
        return True

    def sacctmgr(self, *args: str) -> str:
        return self.run("sacctmgr", "-i", *args, timeout=30)

    def _books(self) -> None:
        """The cluster, QOS, accounts and root's associations, before the controller reads
        its partitions' QOS."""
        # names in lists: each sacctmgr call costs about half a second, on every start
        self.sacctmgr("add", "cluster", "hangangtest")
        # limits once the controller has told slurmdbd about gres/gpu
        self.sacctmgr("add", "qos", ",".join(QOS))
        self.sacctmgr("add", "account", ",".join(ACCOUNTS), "Cluster=hangangtest")
        for sector, orgs in ACCOUNTS.items():
            self.sacctmgr("add", "account", ",".join(orgs), f"Parent={sector}",
                          "Cluster=hangangtest")
        every = [a for s, orgs in ACCOUNTS.items() for a in (s, *orgs)]
        self.sacctmgr("add", "user", "root", f"Account={','.join(every)}",
                      "DefaultAccount=public", "QOS=normal,interest_q,private_q")

    def rollup(self, start: datetime, end: datetime) -> None:
        """Roll usage up to now: sreport reads hourly rollups that slurmdbd otherwise makes at
        the top of each hour. Times as UTC, as the whole suite gives Slurm its times."""
        fmt = "%Y-%m-%dT%H:%M:%S"
        self.run("sacctmgr", "-i", "rollup", start.strftime(fmt), end.strftime(fmt), timeout=60)
