"""Slurm output parsers over every file in ../shared/fixtures/slurm/ plus hand-written edges."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.capacity.backends.slurm_include import carried_settings, include_text
from console.capacity.backends.slurm_parse import (
    ParseError,
    PartitionInfo,
    gres_gpus,
    parse_nodes,
    parse_partitions,
    parse_record,
    parse_sinfo_gres_lines,
    parse_sinfo_json,
    parse_state,
    tres_gpus,
    version_tuple,
)
from console.capacity.backends.slurm_squeue import (
    SQUEUE_FIELDS,
    parse_squeue_json,
    parse_squeue_text,
)
from console.fleet.model import Sector
from tests.paths import FIXTURES
from tests.peers import require_peer

FIXTURES = FIXTURES / "slurm"


def fixture(name: str) -> str:
    path = FIXTURES / name
    if not path.exists():
        require_peer("fixtures", f"{path} not present (see ../shared/fixtures)")
    return path.read_text()


def test_every_fixture_is_read_by_some_parser():
    if not FIXTURES.is_dir():
        require_peer("fixtures", f"{FIXTURES} not present (see ../shared/fixtures)")
    readers = {
        "scontrol_nodes.txt": parse_nodes,
        "node_detail_gres_multitype.txt": parse_sinfo_gres_lines,
        "sinfo_dataparser.json": parse_sinfo_json,
        "squeue_out.json": parse_squeue_json,
        "sinfo_gpus.txt": parse_sinfo_gres_lines,
        "sinfo_gpus_19.txt": parse_sinfo_gres_lines,
    }
    for path in sorted(FIXTURES.iterdir()):
        reader = next((r for suffix, r in readers.items() if path.name.endswith(suffix)), None)
        assert reader is not None, f"no parser for {path.name}"
        assert reader(path.read_text()), path.name


def test_scontrol_nodes_compound_states_and_reasons_with_spaces():
    nodes = {n.name: n for n in parse_nodes(fixture("SckyzO-slurm_exporter__scontrol_nodes.txt"))}
    assert len(nodes) == 7
    c1 = nodes["c1"]
    assert c1.state.base == "MIXED" and c1.state.drain and c1.state.busy
    assert c1.reason == "planned_maintenance" and c1.reason_user == "root"
    assert c1.partitions == ("cpu", "debug", "high") and c1.gpus == 0
    c4 = nodes["c4"]
    assert c4.state.base == "IDLE" and c4.state.drain and not c4.state.busy
    assert not nodes["c2"].state.drain and nodes["c2"].reason == ""
    rec = parse_record(fixture("SckyzO-slurm_exporter__scontrol_nodes.txt").splitlines()[0])
    assert rec["OS"].startswith("Linux 6.18") and rec["OS"].endswith("UTC 2026")
    assert rec["ReservationName"] == "maintenance-2026"


def test_scontrol_nodes_24_11_gres_types_add_up():
    nodes = parse_nodes(fixture("SckyzO-slurm_exporter__slurm-24.11.7_scontrol_nodes.txt"))
    gpus = sorted(n.gpus for n in nodes)
    assert gpus.count(4) == 10 and gpus.count(0) == 10  # gpu:a:2,gpu:b:2 counts 4 too
    assert all(not n.state.drain for n in nodes)


def test_sinfo_gres_lines_and_multitype_detail():
    gpus = parse_sinfo_gres_lines(fixture("vpenso-prometheus-slurm-exporter__sinfo_gpus.txt"))
    assert gpus["test-orange08"] == (8, None) and gpus["test-blue03"] == (4, None)
    assert gpus["test-blue01"] == (0, None) and len(gpus) == 37
    old = parse_sinfo_gres_lines(fixture("vpenso-prometheus-slurm-exporter__sinfo_gpus_19.txt"))
    assert old == {"host-01": (4, None), "host-02": (4, None), "host-03": (4, None),
                   "host-04": (2, None), "host-05": (1, None)}
    multi = parse_sinfo_gres_lines(
        fixture("SckyzO-slurm_exporter__slurm-25.11.2_node_detail_gres_multitype.txt"))
    assert multi == {"g2": (4, 1)}  # the partition called "gpu" is not a GRES


def test_sinfo_json_and_squeue_json():
    entries = parse_sinfo_json(fixture("rivosinc-prometheus-slurm-exporter__sinfo_dataparser.json"))
    assert entries[0]["nodes"] == ("localhost",) and entries[0]["partition"] == "debug"
    assert entries[0]["state"].base == "ALLOCATED"
    jobs = parse_squeue_json(fixture("rivosinc-prometheus-slurm-exporter__squeue_out.json"))
    running, pending = jobs
    assert running.running and running.nodes == "cs75" and running.end_time == 1686633833
    assert running.partitions == ("hw-l",) and running.gpus == 0
    assert pending.pending and pending.node_count == 1 and pending.end_time is None
    assert pending.reason == "Dependency" and running.reason == ""  # "None" reads as nothing


@pytest.mark.parametrize(
    ("text", "gpus"),
    [
        ("gpu:h100:8(S:0-1)", 8),
        ("gpu:8", 8),
        ("gpu:a:2(S:0),gpu:b:2(S:0)", 4),
        ("gpu:model_a:0(IDX:N/A),gpu:model_b:1(IDX:2)", 1),
        ("(null)", 0),
        ("", 0),
        ("gres:gpu:2", 2),
        ("gres/gpu:16", 16),
        ("gpu", 1),
        ("gpu:h100", 1),
        ("shard:4,gpu:2(S:0,1)", 2),
        ("gpu:8(IDX:0-7)", 8),
    ],
)
def test_gres_strings(text, gpus):
    assert gres_gpus(text) == gpus


def test_tres_gpus_none_when_not_tracked():
    assert tres_gpus("cpu=2,mem=1000M,billing=2") is None
    assert tres_gpus("cpu=2,gres/gpu=8") == 8
    assert tres_gpus("cpu=2,gres/gpu:h100=4,gres/gpu:a100=2") == 6
    assert tres_gpus("") is None


@pytest.mark.parametrize(
    ("text", "base", "flags", "down"),
    [
        ("MIXED+DRAIN", "MIXED", {"DRAIN"}, False),
        ("IDLE+DRAIN", "IDLE", {"DRAIN"}, False),
        ("DOWN+NOT_RESPONDING", "DOWN", {"NOT_RESPONDING"}, True),
        ("IDLE+NOT_RESPONDING", "IDLE", {"NOT_RESPONDING"}, True),
        ("idle*", "IDLE", {"NOT_RESPONDING"}, True),
        ("drained", "IDLE", {"DRAIN"}, False),
        ("draining", "ALLOCATED", {"DRAIN"}, False),
        ("ALLOCATED+COMPLETING+DRAIN", "ALLOCATED", {"COMPLETING", "DRAIN"}, False),
    ],
)
def test_compound_states(text, base, flags, down):
    state = parse_state(text)
    assert state.base == base and state.flags == frozenset(flags) and state.down == down


def test_reason_with_equals_brackets_and_keys_inside():
    line = (
        "NodeName=n04 State=IDLE+DRAIN Gres=gpu:8 AllocTRES= "
        "Reason=hangang plan=abc123 interest->private [root@2026-11-25T03:36:41] "
        "Comment=(null)"
    )
    rec = parse_record(line)
    assert rec["Reason"] == "hangang plan=abc123 interest->private"
    assert rec["ReasonUser"] == "root" and rec["Comment"] == "(null)"
    tricky = parse_record("NodeName=x State=DOWN Reason=GPU Xid=79 fell off [slurm@now]")
    assert tricky["Reason"] == "GPU Xid=79 fell off" and tricky["State"] == "DOWN"
    with pytest.raises(ParseError):
        parse_record("no keys here")


def test_partitions_22_05_line():
    line = ("PartitionName=public AllowGroups=ALL Default=YES MaxTime=UNLIMITED "
            "Nodes=n[01-03] State=UP TRES=cpu=6,mem=3000M,node=3,billing=6\n"
            "PartitionName=empty Nodes=(null) State=UP\n")
    public, empty = parse_partitions(line)
    assert public.nodes == "n[01-03]" and public.default
    assert public.settings["TRES"] == "cpu=6,mem=3000M,node=3,billing=6"
    assert empty.nodes == ""


def test_squeue_text_format():
    assert len(SQUEUE_FIELDS) == 12
    text = ("4|PENDING|interest,public|3|N/A|root|(null)|gres:gpu:8||\n"
            "3|RUNNING|interest|3|2026-11-25T04:00:00|kim|proj|gres:gpu:8||n[04-06]|\n"
            "5|PENDING|public|1|N/A|lee|(null)||gres:gpu:16||\n")
    pending, running, per_job = parse_squeue_text(text)
    assert pending.partitions == ("interest", "public") and pending.gpus == 24
    assert running.nodes == "n[04-06]" and running.end_time is not None
    assert per_job.gpus == 16 and pending.reason == ""
    # with the pending reason asked for (22.05's words)
    waits, = parse_squeue_text("7|PENDING|interest|1|N/A|root|int_flood|gres:gpu:8|||"
                               "QOSGrpGRES|\n")
    assert waits.reason == "QOSGrpGRES" and waits.account == "int_flood"
    with pytest.raises(ParseError):
        parse_squeue_text("1|RUNNING\n")


def test_versions():
    assert version_tuple("slurm-wlm 22.05.8\n") == (22, 5, 8)
    assert version_tuple("slurm 23.11.1") == (23, 11, 1)
    with pytest.raises(ParseError):
        version_tuple("command not found")


def test_include_text_keeps_other_lines_and_adds_missing_partitions():
    infos = {
        s: PartitionInfo(s.value, "", "UP", s == Sector.PUBLIC,
                         {"Default": "YES" if s == Sector.PUBLIC else "NO",
                          "MaxTime": "1-00:00:00", "State": "UP"})
        for s in Sector
    }
    old = ("# site comment\nPartitionName=public Nodes=n[01-03] Default=YES State=UP\n"
           "PartitionName=debug Nodes=n09 State=UP\n")
    lists = {Sector.PUBLIC: "n[01-04]", Sector.INTEREST: "n[05-06]", Sector.PRIVATE: "n[07-08]"}
    text = include_text(old, infos, lists, {s: s.value for s in Sector}, 0.0, 5)
    lines = text.splitlines()
    assert lines[0].startswith("# hangang-console wrote this")
    assert "# site comment" in lines and "PartitionName=debug Nodes=n09 State=UP" in lines
    assert "PartitionName=public Nodes=n[01-04] Default=YES State=UP" in lines
    assert "PartitionName=interest Nodes=n[05-06] MaxTime=1-00:00:00" in lines
    again = include_text(text, infos, lists, {s: s.value for s in Sector}, 0.0, 5)
    assert again.count("# hangang-console") == 1 and again.count("PartitionName=interest") == 1


# 22.05.8's `scontrol show partition -o` for a partition with a site's settings (sandbox, as root)
_RICH = (
    "PartitionName=interest AllowGroups=ALL AllowAccounts=orgA,public_s AllowQos=normal,pubq "
    "AllocNodes=ALL Default=NO QoS=pubq DefaultTime=NONE DisableRootJobs=NO ExclusiveUser=NO "
    "GraceTime=0 Hidden=NO MaxNodes=UNLIMITED MaxTime=UNLIMITED MinNodes=0 LLN=NO "
    "MaxCPUsPerNode=2 Nodes=n[04-06] PriorityJobFactor=1 PriorityTier=1 RootOnly=NO ReqResv=NO "
    "OverSubscribe=NO OverTimeLimit=NONE PreemptMode=OFF State=UP TotalCPUs=6 TotalNodes=3 "
    "SelectTypeParameters=NONE JobDefaults=(null) DefMemPerCPU=100 MaxMemPerNode=UNLIMITED "
    "TRES=cpu=6,mem=3000M,node=3,billing=6,gres/gpu=24 TRESBillingWeights=CPU=1.0,GRES/gpu=4.0\n"
    "PartitionName=private AllowGroups=ALL DenyAccounts=orgA AllowQos=ALL AllocNodes=ALL "
    "Default=NO QoS=N/A DefaultTime=NONE DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 "
    "Hidden=NO MaxNodes=UNLIMITED MaxTime=UNLIMITED MinNodes=0 LLN=NO MaxCPUsPerNode=UNLIMITED "
    "Nodes=n[07-08] PriorityJobFactor=1 PriorityTier=1 RootOnly=NO ReqResv=NO OverSubscribe=NO "
    "OverTimeLimit=NONE PreemptMode=OFF State=UP TotalCPUs=4 TotalNodes=2 "
    "SelectTypeParameters=NONE JobDefaults=(null) DefMemPerNode=500 MaxMemPerCPU=400 "
    "TRES=cpu=4,mem=2000M,node=2,billing=4,gres/gpu=16\n"
)


def test_a_new_partition_line_carries_every_setting_scontrol_reports():
    interest, private = parse_partitions(_RICH)
    assert carried_settings(interest.settings) == [
        "AllowAccounts=orgA,public_s", "AllowQos=normal,pubq", "QOS=pubq", "MaxCPUsPerNode=2",
        "DefMemPerCPU=100", "TRESBillingWeights=CPU=1.0,GRES/gpu=4.0",
    ]
    assert carried_settings(private.settings) == [
        "DenyAccounts=orgA", "DefMemPerNode=500", "MaxMemPerCPU=400",
    ]
    # a key a later Slurm adds is carried as it is; a value with spaces stays one word
    assert carried_settings({"PartitionName": "x", "NewKnob": "7", "Odd": "a b"}) == [
        "NewKnob=7", 'Odd="a b"',
    ]
    # what later versions print when nothing is set (24.11/25.x), and a state slurm.conf lacks
    later = {"MaxCPUsPerSocket": "UNLIMITED", "NodeSets": "ALL", "ExclusiveTopo": "NO",
             "ResumeTimeout": "GLOBAL", "SuspendTimeout": "GLOBAL", "SuspendTime": "1800",
             "PowerDownOnIdle": "NO", "State": "UNKNOWN"}
    assert carried_settings(later) == ["SuspendTime=1800"]
    infos = {Sector.PUBLIC: PartitionInfo("public", "", "UP", True, {"Default": "YES"}),
             Sector.INTEREST: interest, Sector.PRIVATE: private}
    lists = {Sector.PUBLIC: "n[01-04]", Sector.INTEREST: "n[05-06]", Sector.PRIVATE: "n[07-08]"}
    text = include_text("", infos, lists, {s: s.value for s in Sector}, 0.0, 5)
    line = next(x for x in text.splitlines() if x.startswith("PartitionName=interest"))
    assert line.startswith("PartitionName=interest Nodes=n[05-06] AllowAccounts=orgA,public_s")
    assert "TotalCPUs" not in text and "TRES=" not in text and "(null)" not in text


def test_slurm_24_11_partitions_carry_the_same_way():
    """24.11.5's `scontrol -a show partition -o` (Debian 13 root, ../shared/recipes): the lines
    written from it gave the same settings after a restart of that slurmctld (tried by hand)."""
    text = (Path(__file__).parent / "scontrol-partitions-24.11.txt").read_text()
    public, interest, private = parse_partitions(text)
    assert carried_settings(public.settings) == ["Default=YES"]
    assert carried_settings(interest.settings) == [
        "AllowAccounts=interest,int_flood", "AllowQos=normal,x", "ExclusiveUser=YES",
        "GraceTime=30", "MaxCPUsPerNode=2", "OverSubscribe=FORCE:2", "PreemptMode=REQUEUE",
        "DefMemPerCPU=100", "TRESBillingWeights=CPU=1.0,Mem=0.25G",
    ]
    assert carried_settings(private.settings) == [
        "DenyAccounts=pub", "Hidden=YES", "MaxTime=2-00:00:00", "PriorityTier=2",
        "DefMemPerNode=500", "MaxMemPerCPU=400",
    ]
