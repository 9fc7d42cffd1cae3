"""Charging a GPU's use: the job's account's organisation, else the user map, else the node's
organisation, and FleetSnapshot.gpu_rule says which (console/fleet/charging.py)."""

from __future__ import annotations

import numpy as np

from console.fleet.charging import RULE_JOB, RULE_NODE, RULE_NONE, RULE_USER
from console.fleet.jobs import RunningJob, SchedulerJobs
from console.fleet.metrics import default_registry
from console.fleet.model import GpuProcess, GpuSample, NodeSample, Organisation, PollBatch, Sector
from console.fleet.packing import pack
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec

T0 = 1_800_000_000.0
SHARES = {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2}
CITY = Organisation("city", Sector.PUBLIC, "시청", "City")
LAB = Organisation("lab", Sector.PRIVATE, "연구소", "Lab")
FLOOD = Organisation("flood", Sector.INTEREST, "홍수", "Flood")


def state() -> FleetState:
    inv = Inventory(
        nodes=(
            NodeSpec("a-node", Sector.PUBLIC, CITY, 6),
            NodeSpec("b-node", Sector.PUBLIC, CITY, 2),
        ),
        entitlements=SHARES,
        organisations=(CITY, LAB, FLOOD),
        user_org={"kim": "lab"},
        sector_accounts={Sector.PUBLIC: "public"},
        org_accounts={"flood": "Int_Flood", "lab": "priv_lab"},
    )
    return FleetState(inv, default_registry())


def gpu(index, util, user=None, job=None):
    procs = () if user is None and job is None else (GpuProcess(100 + index, user, 10, job=job),)
    return GpuSample(index, util_gpu=util, processes=procs)


JOBS = SchedulerJobs(
    T0,
    jobs={
        "11": RunningJob("11", "int_flood", "lee"),
        "12": RunningJob("12", "public", "lee"),  # a sector's account: no organisation
        "13": RunningJob("13", "elsewhere", "lee"),  # unknown to the fleet file
        "14": RunningJob("14", "priv_lab", "park"),
    },
    holders={("b-node", 0): "14", ("b-node", 1): "11", ("a-node", 5): "14", ("zz", 0): "11"},
)


def test_rule_order_job_account_then_user_map_then_node():
    s = state()
    s.set_scheduler_jobs(JOBS)
    gpus = (
        gpu(0, 90, "kim", "11"),  # job account → flood, though kim is lab's
        gpu(1, 90, "kim", "12"),  # a sector account: the user map
        gpu(2, 90, "x", "13"),  # unknown account, unknown user: the node's
        gpu(3, 90, "kim"),  # no job: the user map
        gpu(4, 0),  # no use at all
        gpu(5, 40, "x", "13"),  # the probe's job (unmapped) wins over the holder's (14)
    )
    s.apply(PollBatch(T0, samples=(NodeSample("a-node", T0, gpus),)))
    snap = s.snapshot(T0)
    orgs = {o: i for i, o in enumerate(snap.org_ids)}
    assert snap.gpu_org[0].tolist() == [
        orgs[o] for o in ("flood", "lab", "city", "lab", "city", "city")
    ]
    assert snap.gpu_rule[0].tolist() == [
        RULE_JOB,
        RULE_USER,
        RULE_NODE,
        RULE_USER,
        RULE_NONE,
        RULE_NODE,
    ]
    assert snap.gpu_rule.dtype == np.int8 and not snap.gpu_rule.flags.writeable
    assert snap.gpu_job[0].tolist()[:4] == ["11", "12", "13", None]


def test_the_scheduler_holder_charges_when_the_probe_knows_no_job():
    s = state()
    s.apply(PollBatch(T0, samples=(NodeSample("b-node", T0, (gpu(0, 80, "x"), gpu(1, 0))),)))
    before = s.snapshot(T0)
    assert before.gpu_rule[1, :2].tolist() == [RULE_NODE, RULE_NONE] and before.gpu_job is None
    s.set_scheduler_jobs(JOBS)  # jobs arrive after the samples: charged from the next snapshot
    snap = s.snapshot(T0 + 1)
    orgs = {o: i for i, o in enumerate(snap.org_ids)}
    assert snap.gpu_org[1, :2].tolist() == [orgs["lab"], orgs["flood"]]
    assert snap.gpu_rule[1, :2].tolist() == [RULE_JOB, RULE_JOB]  # GPU 1 is held, even idle
    assert snap.gpu_job[1, :2].tolist() == ["14", "11"]
    s.set_scheduler_jobs(SchedulerJobs(T0 + 2))  # the jobs ended
    after = s.snapshot(T0 + 2)
    assert after.gpu_rule[1, :2].tolist() == [RULE_NODE, RULE_NONE]


def test_a_job_read_by_the_probe_is_mapped_when_its_account_arrives_later():
    s = state()
    s.apply(PollBatch(T0, packed=pack((NodeSample("a-node", T0, (gpu(0, 50, "x", "11"),)),))))
    assert s.snapshot(T0).gpu_rule[0, 0] == RULE_NODE  # no scheduler read yet: nobody's job
    s.set_scheduler_jobs(JOBS)
    snap = s.snapshot(T0 + 1)
    assert snap.gpu_rule[0, 0] == RULE_JOB and snap.org_ids[snap.gpu_org[0, 0]] == "flood"
    # the next sample without the job ends it
    s.apply(PollBatch(T0 + 2, samples=(NodeSample("a-node", T0 + 2, (gpu(0, 50, "x"),)),)))
    assert s.snapshot(T0 + 2).gpu_rule[0, 0] == RULE_NODE


def test_packing_takes_the_main_processes_job():
    procs = (GpuProcess(1, "a", 10, job="7"), GpuProcess(2, "b", 90, job="8"))
    p = pack((NodeSample("a-node", T0, (GpuSample(0, util_gpu=1, processes=procs), gpu(1, 0))),))
    assert p.job.tolist() == [["8", None]] and p.user.tolist() == [["b", None]]
    assert pack((NodeSample("a-node", T0, (gpu(0, 5, "x"),)),)).job is None  # nobody runs Slurm
