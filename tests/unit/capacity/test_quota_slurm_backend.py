"""SlurmQuotaBackend's reading and writing against Slurm 22.05's own output (recorded from the
quota testbed, tests/integration/slurm_quota.py): caps from sacctmgr, use from squeue by QOS and
account, capacity from the shared partition's healthy nodes, set only at the planned version,
and slurmdbd down as a BackendError that says so."""

from __future__ import annotations

import pytest

from console.capacity.backends.base import BackendError, Conflict
from console.capacity.backends.slurm_runner import CommandFailed
from console.capacity.backends.slurm_squeue import parse_squeue_text
from console.capacity.quota.model import QuotaSettings, caps_version
from console.capacity.quota.slurm import SlurmQuotaBackend, accounts_of
from console.fleet.model import Organisation, Sector
from console.inventory.model import Inventory, NodeSpec

P, N, R = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
QOS = (
    "normal|\ninterest_q|gres/gpu=12\nhangang_borrow|\nhangang_public|gres/gpu=28\n"
    "hangang_interest|cpu=40,gres/gpu=16\nhangang_private|gres/gpu=16\n"
)
SQUEUE = (
    "3|PENDING|shared|1|N/A|root|int_flood|gres:gpu:8|||QOSGrpGRES|hangang_interest|\n"
    "1|RUNNING|shared|1|Unknown|root|int_flood|gres:gpu:8||n01|None|hangang_interest|\n"
    "2|RUNNING|shared|1|Unknown|root|int_flood|gres:gpu:8||n02|None|hangang_interest|\n"
    "9|RUNNING|shared|1|Unknown|root|pub_transit|gres:gpu:8||n03|None|hangang_borrow|\n"
    "7|PENDING|shared|1|N/A|root|prv_chip|gres:gpu:4|||Priority|hangang_private|\n"
)
NODE = (
    "NodeName={n} Arch=x86_64 CoresPerSocket=1 CPUAlloc=0 CPUTot=2 Gres=gpu:8 "
    "State={state} Partitions={parts} Reason={reason}\n"
)
NODES = (
    NODE.format(n="n01", state="MIXED", parts="public,shared", reason="(null)")
    + NODE.format(n="n02", state="IDLE+DRAIN", parts="public,shared", reason="disk")
    + NODE.format(n="n03", state="DOWN+NOT_RESPONDING", parts="shared", reason="gone")
    + NODE.format(n="n04", state="IDLE", parts="interest,shared", reason="(null)")
    + NODE.format(n="n05", state="IDLE", parts="interest", reason="(null)")
)


class Fake:
    """Answers like Slurm 22.05's tools; records every write; dbd down on request."""

    where = "local"

    def __init__(self):
        self.qos = QOS
        self.calls: list[tuple[str, ...]] = []
        self.dbd_down = False

    def run(self, argv, stdin=None, timeout=30.0):
        argv = tuple(argv)
        self.calls.append(argv)
        if argv[0] == "sacctmgr":
            assert timeout <= 10
            if self.dbd_down:
                raise CommandFailed(
                    argv,
                    1,
                    "sacctmgr: error: Sending PersistInit msg: Connection refused",
                    self.where,
                )
            if "modify" in argv:
                name = argv[argv.index("where") + 1].split("=", 1)[1]
                cap = argv[-1].rsplit("=", 1)[1]
                lines = [
                    f"{name}|gres/gpu={cap}" if line.startswith(name + "|") else line
                    for line in self.qos.splitlines()
                ]
                self.qos = "\n".join(lines) + "\n"
                return " Modified qos...\n"
            return self.qos
        if argv[:2] == ("scontrol", "--version"):
            return "slurm-wlm 22.05.8\n"
        if argv[0] == "squeue":
            if "--json" in argv:
                raise CommandFailed(argv, 1, "no json plugin", self.where)
            return SQUEUE
        if argv[:3] == ("scontrol", "show", "node"):
            return NODES
        raise AssertionError(argv)


def backend(fake=None):
    settings = QuotaSettings("shared", borrow_qos="hangang_borrow", grace_time_s=30)
    accounts = {"int_flood": N, "pub_transit": P, "prv_chip": R}
    return SlurmQuotaBackend(fake or Fake(), settings, sector_of_account=accounts)


def test_qos_and_reason_come_from_the_squeue_line():
    job = parse_squeue_text(SQUEUE)[0]
    assert (job.qos, job.reason, job.gpus) == ("hangang_interest", "QOSGrpGRES", 8)


def test_read_caps_use_borrowing_and_healthy_capacity():
    st = backend().read()
    assert st.caps() == {P: 28, N: 16, R: 16} and st.version == caps_version(st.caps())
    assert st.capacity == 16  # n01 and n04: n02 drained, n03 down, n05 not in shared
    n, p, r = st.sectors[N], st.sectors[P], st.sectors[R]
    assert (n.running, n.pending_gpus, n.pending_at_cap) == (16, 8, 8)
    assert (p.running, p.borrowed) == (0, 8)
    assert (r.pending_gpus, r.pending_at_cap) == (4, 0)


def test_set_caps_at_the_read_version_one_qos_a_call():
    fake = Fake()
    b = backend(fake)
    version = b.read().version
    b.set_caps({N: 24, P: 20}, expect_version=version)
    writes = [c for c in fake.calls if "modify" in c]
    assert writes == [
        (
            "sacctmgr",
            "-i",
            "modify",
            "qos",
            "where",
            "name=hangang_public",
            "set",
            "GrpTRES=gres/gpu=20",
        ),
        (
            "sacctmgr",
            "-i",
            "modify",
            "qos",
            "where",
            "name=hangang_interest",
            "set",
            "GrpTRES=gres/gpu=24",
        ),
    ]
    assert b.read_caps() == {P: 20, N: 24, R: 16}
    with pytest.raises(Conflict, match="changed since"):
        b.set_caps({R: 10}, expect_version=version)
    assert b.read_caps()[R] == 16


def test_slurmdbd_down_says_so_and_a_missing_qos_is_named():
    fake = Fake()
    fake.dbd_down = True
    with pytest.raises(BackendError) as exc:
        backend(fake).read()
    assert "slurmdbd" in str(exc.value) and "Connection refused" in str(exc.value)
    fake = Fake()
    fake.qos = "normal|\nhangang_public|gres/gpu=28\n"
    with pytest.raises(BackendError, match="hangang_interest, hangang_private"):
        backend(fake).read()


def test_features_say_the_version_and_the_borrow_qos():
    lines = backend().feature_lines("en")
    assert lines[0].startswith("Slurm 22.05.8") and any("hangang_borrow" in x for x in lines)
    assert any("squeue -O" in x for x in lines)


def test_accounts_of_the_fleet_file():
    org = Organisation("flood", N, "홍수", "Flood")
    inv = Inventory(
        nodes=(NodeSpec("a", P, None, 8),),
        entitlements={P: 0.4, N: 0.35, R: 0.25},
        organisations=(org,),
        sector_accounts={P: "city"},
        org_accounts={"flood": "int_flood"},
    )
    assert accounts_of(inv) == {"public": P, "interest": N, "private": R, "city": P, "int_flood": N}


def test_qos_comes_from_squeue_json_too():
    from console.capacity.backends.slurm_squeue import parse_squeue_json

    text = ('{"jobs": [{"job_id": 4, "job_state": ["PENDING"], "partition": "shared", '
            '"node_count": {"set": true, "number": 1}, "tres_per_node": "gres/gpu:8", '
            '"account": "int_flood", "qos": "hangang_interest", "state_reason": "QOSGrpGRES", '
            '"user_name": "root"}]}')
    (job,) = parse_squeue_json(text)
    assert (job.qos, job.reason, job.gpus, job.pending) == ("hangang_interest", "QOSGrpGRES",
                                                            8, True)
