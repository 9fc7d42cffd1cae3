"""The accounting testbed (slurm_accounting.py) set up for quota mode: a shared partition over all
eight nodes beside the three sector partitions (so node moves still work on the same cluster),
one QOS per sector with a GrpTRES gres/gpu cap, and a preemptible borrow QOS.

    QOS              GrpTRES        Preempt          as default QOS of
    hangang_public   gres/gpu=28    hangang_borrow   public, pub_transit, pub_water
    hangang_interest gres/gpu=16    hangang_borrow   interest, int_flood
    hangang_private  gres/gpu=16    hangang_borrow   private, prv_chip
    hangang_borrow   (none)         -                (asked for: --qos=hangang_borrow)

slurm.conf adds PreemptType=preempt/qos, PreemptMode=REQUEUE; the borrow QOS has a short
GraceTime, so a borrowing job is requeued soon after an owner's job needs its GPUs. The
scheduler runs every second (sched_interval=1), so a cap raised shows in the queue at once
rather than at the next 60 s pass.

For the what-if's runs against it (test_whatif_quota_slurm.py, seconds-long jobs): the nodes get
16 CPUs each (SlurmdParameters=config_overrides), so that CPUs never limit a node before its
GPUs do, and the launch credential lives CRED_EXPIRE_S (AuthInfo=cred_expire): Slurm holds a
requeued job back for that plus a second (REQUEUE_DELAY_S) before it may start again, 121 s
by default, which would dwarf seconds-long jobs.
"""

from __future__ import annotations

from tests.integration.slurm_accounting import ACCOUNTS, AccountingTestbed

CAPS = {"public": 28, "interest": 16, "private": 16}
BORROW_QOS = "hangang_borrow"
GRACE_TIME_S = 2
CRED_EXPIRE_S = 8  # the least Slurm takes is 5; a little room for a loaded machine's launches
REQUEUE_DELAY_S = CRED_EXPIRE_S + 1  # slurmctld: a requeued job's BeginTime is now + this
SHARED = "shared"


def qos_of(sector: str) -> str:
    return f"hangang_{sector}"


class QuotaTestbed(AccountingTestbed):
    @property
    def accounting_lines(self) -> str:  # type: ignore[override]
        return (
            super().accounting_lines + "\nPreemptType=preempt/qos\nPreemptMode=REQUEUE\n"
            "JobRequeue=1\nSchedulerParameters=sched_interval=1,bf_interval=1\n"
            f"AuthInfo=cred_expire={CRED_EXPIRE_S}"
        )

    def _write_files(self) -> None:
        super()._write_files()
        text = self.conf.read_text()
        text = text.replace("CPUs=2 RealMemory=1000", "CPUs=16 RealMemory=1000")
        text = text.replace(
            "SchedulerType=sched/backfill\n",
            "SchedulerType=sched/backfill\nSlurmdParameters=config_overrides\n",
        )
        self.conf.write_text(text)

    def _write_include(self) -> None:
        super()._write_include()
        last = self.nodes[-1][1:]
        with self.include.open("a") as out:
            out.write(f"PartitionName={SHARED} Nodes=n[01-{last}] MaxTime=INFINITE State=UP\n")

    def _books(self) -> None:
        super()._books()
        names = [qos_of(s) for s in ACCOUNTS]
        self.sacctmgr("add", "qos", BORROW_QOS, *names)
        for sector, orgs in ACCOUNTS.items():
            accounts = ",".join((sector, *orgs))
            self.sacctmgr(
                "modify",
                "user",
                "where",
                "name=root",
                f"account={accounts}",
                "set",
                f"QOS+={qos_of(sector)},{BORROW_QOS}",
                f"DefaultQOS={qos_of(sector)}",
            )

    def start(self) -> QuotaTestbed:
        super().start()
        try:
            self.sacctmgr(
                "modify",
                "qos",
                BORROW_QOS,
                "set",
                "Priority=0",
                f"GraceTime={GRACE_TIME_S}",
                "PreemptMode=requeue",
            )
            for sector in ACCOUNTS:  # priority, preemption and cap in one call per QOS
                self.sacctmgr("modify", "qos", qos_of(sector), "set", "Priority=100",
                              f"Preempt={BORROW_QOS}", f"GrpTRES=gres/gpu={CAPS[sector]}")
        except BaseException:
            self.stop(check=False)
            raise
        return self

    def set_grace(self, seconds: int) -> None:
        """The borrow QOS's GraceTime (GRACE_TIME_S is the testbed's)."""
        self.sacctmgr("modify", "qos", BORROW_QOS, "set", f"GraceTime={seconds}")

    def set_caps(self, caps: dict[str, int]) -> None:
        for sector, cap in caps.items():
            self.sacctmgr("modify", "qos", qos_of(sector), "set", f"GrpTRES=gres/gpu={cap}")

    def caps(self) -> dict[str, int | None]:
        out = self.run("sacctmgr", "-P", "-n", "show", "qos", "format=name,grptres")
        found = dict(line.split("|", 1) for line in out.splitlines() if "|" in line)
        caps = {}
        for sector in ACCOUNTS:
            tres = dict(t.split("=", 1) for t in found.get(qos_of(sector), "").split(",") if t)
            caps[sector] = int(tres["gres/gpu"]) if "gres/gpu" in tres else None
        return caps

    def reset(self) -> None:
        super().reset()
        now = self.caps()  # one call; setting all three would cost three per test
        self.set_caps({s: cap for s, cap in CAPS.items() if now[s] != cap})

    def drained(self) -> set[str]:
        return self._drained()

    def jobs(self) -> dict[str, tuple[str, str]]:
        """job id → (state, reason) of every job in the queue."""
        out = self.run("squeue", "-h", "-o", "%i|%T|%r", check=False)
        rows = [line.split("|") for line in out.splitlines() if line.count("|") == 2]
        return {job: (state, reason) for job, state, reason in rows}
