"""Job-tagged GPU processes end to end: the shipped probe on the simulated NVML (spec `jobs=`)
over a real sshd through the SSH collector processes (protocol v2, packed), and on the local
pipe (protocol v1), into FleetState, which charges the job's account's organisation (rule 2)."""

from __future__ import annotations

import dataclasses
import json
import threading
import time

from console.fleet.charging import RULE_JOB, RULE_NODE, RULE_USER
from console.fleet.jobs import RunningJob, SchedulerJobs
from console.fleet.metrics import default_registry
from console.fleet.model import Organisation, PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from console.telemetry.protocol import parse_line
from console.telemetry.workers import SshSource
from tests.integration.test_ssh_collector import spec
from tests.probe_process import run_probe

SIM = "count=4,load=busy,seed=3,jobs=0-1:4242;2:4243"
CITY = Organisation("city", Sector.PUBLIC, "시청", "City")
FLOOD = Organisation("flood", Sector.INTEREST, "홍수", "Flood")
LAB = Organisation("lab", Sector.PRIVATE, "연구소", "Lab")
JOBS = SchedulerJobs(
    time.time(),
    {"4242": RunningJob("4242", "int_flood", "lee"), "4243": RunningJob("4243", "public", "sim")},
)


def fleet(node) -> FleetState:
    inv = Inventory(
        nodes=(dataclasses.replace(node, organisation=CITY, gpu_count=4),),
        entitlements={Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2},
        organisations=(CITY, FLOOD, LAB),
        user_org={"sim": "lab"},  # the simulated processes' user
        sector_accounts={Sector.PUBLIC: "public"},
        org_accounts={"flood": "int_flood"},
    )
    state = FleetState(inv, default_registry(), stale_after_s=1e9)
    state.set_scheduler_jobs(JOBS)
    return state


def check(snap) -> None:
    orgs = [snap.org_ids[i] for i in snap.gpu_org[0, :4]]
    # GPUs 0-1: job 4242's account is flood's; GPU 2: job 4243's is a sector's, so the user
    # map (sim → lab); GPU 3: no job, the user map too
    assert snap.gpu_job[0, :4].tolist() == ["4242", "4242", "4243", None]
    assert snap.gpu_rule[0, :4].tolist() == [RULE_JOB, RULE_JOB, RULE_USER, RULE_USER]
    assert orgs == ["flood", "flood", "lab", "lab"]


def test_probe_jobs_over_ssh_reach_the_fleet_state_as_job_charging(sshd_testbed_factory, tmp_path):
    tb = sshd_testbed_factory(nodes=1, sim_spec=SIM)
    known = tb.write_known_hosts(tmp_path / "known", tb.addresses)
    node = spec(tb, "n0", tb.addresses[0])
    ssh_config = tmp_path / "ssh_config"  # never the runner's ~/.ssh or /etc/ssh files
    ssh_config.write_text(
        f"Host *\n    UserKnownHostsFile {tmp_path / 'user_known_hosts'}\n"
        f"    GlobalKnownHostsFile {tmp_path / 'global_known_hosts'}\n"
    )
    state = fleet(node)
    packs, cond = [], threading.Condition()

    def packed(p) -> None:
        with cond:
            packs.append(p)
            cond.notify_all()

    source = SshSource((node,), known, per_process=1, ssh_config=ssh_config)
    source.start(lambda item: None, packed)
    try:
        with cond:
            got = cond.wait_for(lambda: any(p.job is not None for p in packs), timeout=60)
            assert got, f"no packed sample with jobs in 60 s ({len(packs)} without)"
            batch = next(p for p in packs if p.job is not None)
    finally:
        source.stop()
    state.apply(PollBatch(time.time(), packed=batch))
    check(state.snapshot(time.time()))


def test_probe_jobs_on_the_local_pipe_protocol_v1():
    done = run_probe("--once", "--sim", SIM, timeout=60, check=True)
    line = done.stdout.strip().splitlines()[-1]
    assert {p["job"] for p in json.loads(line)["gpus"][0]["processes"]} == {"4242"}
    sample = parse_line(line.encode(), "n0")
    state = fleet(NodeSpec("n0", Sector.PUBLIC, None, 4))
    state.apply(PollBatch(sample.t, samples=(sample,)))
    check(state.snapshot(sample.t))
    state.set_scheduler_jobs(SchedulerJobs(time.time()))  # the jobs ended in the scheduler
    rules = state.snapshot(sample.t + 1).gpu_rule[0, :4].tolist()
    assert RULE_JOB not in rules and RULE_NODE not in rules  # the user map again
