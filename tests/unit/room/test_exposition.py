"""The collector's output for a snapshot of the demo fleet, read back with prometheus_client's
own parsers (the Prometheus text format and OpenMetrics)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from prometheus_client import generate_latest
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_om
from prometheus_client.parser import text_string_to_metric_families

from console.fleet.metrics import default_registry
from console.fleet.model import SECTORS, MigDevice, NodeEvent, NodeSample, NodeStatus, PollBatch
from console.fleet.state import FleetState
from console.room import names as n
from console.room.exposition import RoomView, registry_for
from console.sources.demo.fleet import SimFleet

T = 1_796_000_000.0


def demo_view(nodes: int = 8, down: str | None = None) -> tuple[RoomView, list[NodeSample]]:
    sim = SimFleet.build(nodes)
    fleet = FleetState(sim.inventory, default_registry(), stale_after_s=10)
    items = [i for i in sim.sample(T) if isinstance(i, NodeSample)]
    events = ()
    if down is not None:
        items = [s for s in items if s.host != down]
        events = (NodeEvent(down, T, NodeStatus.UNREACHABLE, "connection timed out"),)
    fleet.apply(PollBatch(T, samples=tuple(items), events=events))
    snap = fleet.snapshot(T + 1)
    models = {s.name: s.gpu_model for s in sim.inventory.nodes}
    view = RoomView(snap, {s.host: s for s in items}, models, {"public": 16})
    return view, items


def families(view: RoomView) -> dict:
    text = generate_latest(registry_for(lambda: view)).decode()
    return {f.name: f for f in text_string_to_metric_families(text)}


def test_every_demo_gpu_has_dcgm_series_with_the_exporter_labels():
    view, samples = demo_view()
    fams = families(view)
    util = fams[n.DCGM_UTIL].samples
    assert len(util) == sum(len(s.gpus) for s in samples) == 64
    by_key = {(s.labels["Hostname"], s.labels["gpu"]): s for s in util}
    for sample in samples:
        for g in sample.gpus:
            got = by_key[(sample.host, str(g.index))]
            assert got.labels["UUID"] == g.uuid and g.uuid.startswith("GPU-")
            assert got.labels["modelName"] == "NVIDIA H100 80GB HBM3"
            assert got.labels["device"] == f"nvidia{g.index}"
            assert got.value == pytest.approx(g.util_gpu, abs=0.05)
    for name in (n.DCGM_FB_USED, n.DCGM_FB_FREE, n.DCGM_TEMP, n.DCGM_POWER, n.DCGM_XID):
        assert len(fams[name].samples) == 64, name
    free = {(s.labels["Hostname"], s.labels["gpu"]): s.value for s in fams[n.DCGM_FB_FREE].samples}
    g0 = samples[0].gpus[0]
    assert free[(samples[0].host, "0")] == pytest.approx(g0.mem_total_mib - g0.mem_used_mib, abs=1)


def test_sector_node_and_node_exporter_series():
    view, samples = demo_view()
    fams = families(view)
    snap = view.snapshot
    for name in (n.SECTOR_ENTITLED, n.SECTOR_ALLOCATED, n.SECTOR_BUSY, n.SECTOR_USED,
                 n.SECTOR_QUEUED):
        assert {s.labels["sector"] for s in fams[name].samples} == {s.value for s in SECTORS}
    allocated = {s.labels["sector"]: s.value for s in fams[n.SECTOR_ALLOCATED].samples}
    assert allocated == {s.sector.value: s.allocated_gpus for s in snap.sectors}
    assert {s.labels["sector"]: s.value for s in fams[n.SECTOR_QUEUED].samples}["public"] == 16
    info = {s.labels["node"]: s.labels for s in fams[n.NODE_INFO].samples}
    assert set(info) == set(snap.node_names)
    first = info[snap.node_names[0]]
    assert first["sector"] == "public" and first["gpus"] == "8" and first["organisation"]
    assert {s.labels["status"] for s in fams[n.NODE_STATUS].samples} == {"live"}
    load = {s.labels["node"]: s.value for s in fams[n.NODE_LOAD1].samples}
    assert load[samples[0].host] == pytest.approx(samples[0].info.load1)
    total = {s.labels["node"]: s.value for s in fams[n.NODE_MEM_TOTAL].samples}
    assert total[samples[0].host] == samples[0].info.mem_total_bytes
    assert fams[n.SERVE_UP].samples[0].value == 1


def test_a_node_that_is_not_live_keeps_its_status_and_loses_its_gpu_series():
    sim_nodes = SimFleet.build(8).inventory.nodes
    down = sim_nodes[2].name
    view, _ = demo_view(down=down)
    fams = families(view)
    status = {s.labels["node"]: s for s in fams[n.NODE_STATUS].samples}
    assert status[down].labels["status"] == "unreachable"
    assert status[down].value == NodeStatus.UNREACHABLE
    for name in (n.DCGM_UTIL, n.DCGM_FB_USED, n.DCGM_TEMP):
        assert down not in {s.labels["Hostname"] for s in fams[name].samples}
    assert down not in {s.labels["node"] for s in fams[n.NODE_LOAD1].samples}
    assert down in {s.labels["node"] for s in fams[n.NODE_INFO].samples}
    assert len(fams[n.DCGM_UTIL].samples) == 56


def test_mig_instances_carry_gpu_i_id_and_profile():
    view, samples = demo_view()
    first = samples[0]
    migs = (MigDevice(1, "MIG-a", "1g.10gb", 1024.0, 9984.0), MigDevice(2, "MIG-b", "3g.40gb",
                                                                        0.0, 40192.0))
    gpus = (dataclasses.replace(first.gpus[0], mig_mode=True, mig_devices=migs), *first.gpus[1:])
    samples_by_host = dict(view.samples) | {first.host: dataclasses.replace(first, gpus=gpus)}
    fams = families(dataclasses.replace(view, samples=samples_by_host))
    mig = [s for s in fams[n.DCGM_FB_USED].samples if "GPU_I_ID" in s.labels]
    assert sorted((s.labels["GPU_I_ID"], s.labels["GPU_I_PROFILE"], s.value) for s in mig) == [
        ("1", "1g.10gb", 1024.0), ("2", "3g.40gb", 0.0)]
    assert all(s.labels["Hostname"] == first.host and s.labels["gpu"] == "0" for s in mig)
    free = [s for s in fams[n.DCGM_FB_FREE].samples if "GPU_I_ID" in s.labels]
    assert sorted(s.value for s in free) == [8960.0, 40192.0]


def test_openmetrics_output_parses_and_ends_with_eof():
    view, _ = demo_view()
    text = generate_openmetrics(registry_for(lambda: view)).decode()
    assert text.endswith("# EOF\n")
    fams = {f.name: f for f in parse_om(text)}
    assert len(fams[n.DCGM_UTIL].samples) == 64


def test_missing_values_are_left_out_never_zero():
    view, _ = demo_view()
    snap = view.snapshot
    temp = np.array(snap.gpu_temp_c)
    temp[0, 3] = np.nan
    temp.flags.writeable = False
    fams = families(dataclasses.replace(view, snapshot=dataclasses.replace(snap, gpu_temp_c=temp)))
    keys = {(s.labels["Hostname"], s.labels["gpu"]) for s in fams[n.DCGM_TEMP].samples}
    assert (snap.node_names[0], "3") not in keys and len(keys) == 63


def test_before_the_first_snapshot_only_serve_up():
    text = generate_latest(registry_for(lambda: None)).decode()
    assert [f.name for f in text_string_to_metric_families(text)] == [n.SERVE_UP]


def test_no_series_is_repeated_even_when_a_probe_repeats_itself():
    """Prometheus drops a whole scrape with a repeated series: a disk or MIG instance listed
    twice by a node must give one series."""
    from console.fleet.model import DiskUse

    view, samples = demo_view()
    first = samples[0]
    disks = (DiskUse("/", 10, 100), DiskUse("/", 10, 100), DiskUse("/scratch", 5, 50))
    mig = MigDevice(1, "MIG-a", "1g.10gb", 1.0, 10.0)
    gpus = (dataclasses.replace(first.gpus[0], mig_devices=(mig, mig)), *first.gpus[1:])
    changed = dataclasses.replace(first, gpus=gpus,
                                  info=dataclasses.replace(first.info, disks=disks))
    fams = families(dataclasses.replace(view, samples=dict(view.samples) | {first.host: changed}))
    keys = [(s.name, tuple(sorted(s.labels.items()))) for f in fams.values() for s in f.samples]
    assert len(keys) == len(set(keys))
    mounts = {s.labels["mountpoint"] for s in fams[n.NODE_FS_SIZE].samples}
    assert mounts == {"/", "/scratch"}


def test_profiling_ratio_and_memory_health_families_as_dcgm_exporter_has_them():
    """DCGM_FI_PROF_GR_ENGINE_ACTIVE is utilisation / 100 on every GPU with a value; the
    aggregate DBE count and row-remap pending where the sample has them, and nowhere else."""
    view, samples = demo_view()
    first = samples[0]
    g0 = dataclasses.replace(first.gpus[0], ecc_uncorrected_aggregate=3,
                             remapped_rows_pending=True)
    g1 = dataclasses.replace(first.gpus[1], ecc_uncorrected_aggregate=None,
                             remapped_rows_pending=None)
    changed = dataclasses.replace(first, gpus=(g0, g1, *first.gpus[2:]))
    fams = families(dataclasses.replace(view, samples=dict(view.samples) | {first.host: changed}))
    key = lambda s: (s.labels["Hostname"], s.labels["gpu"])  # noqa: E731
    util = {key(s): s.value for s in fams[n.DCGM_UTIL].samples}
    prof = {key(s): s.value for s in fams[n.DCGM_PROF_ACTIVE].samples}
    assert set(prof) == set(util) and len(prof) == 64
    assert all(prof[k] == pytest.approx(util[k] / 100.0, abs=1e-6) for k in util)
    assert all(0.0 <= v <= 1.0 for v in prof.values())
    agg = {key(s): s.value for s in fams[n.DCGM_ECC_DBE_AGG].samples}
    pending = {key(s): s.value for s in fams[n.DCGM_ROW_REMAP_PENDING].samples}
    assert agg[(first.host, "0")] == 3.0 and pending[(first.host, "0")] == 1.0
    assert (first.host, "1") not in agg and (first.host, "1") not in pending
    # the source reads serve's profiling ratio back as the same utilisation
    labels = fams[n.DCGM_PROF_ACTIVE].samples[0].labels
    assert set(labels) == set(n.GPU_LABELS)


def test_single_bit_ecc_and_retired_pages_under_dcgm_exporters_names():
    """ECC_SBE_VOL/AGG_TOTAL and RETIRED_SBE/DBE/PENDING where the sample has them (a V100's
    retired pages, every board's corrected counters), and nowhere else."""
    view, samples = demo_view()
    first = samples[0]
    g0 = dataclasses.replace(first.gpus[0], ecc_corrected_volatile=7, ecc_corrected_aggregate=19,
                             retired_pages_sbe=3, retired_pages_dbe=1, retired_pages_pending=True)
    g1 = dataclasses.replace(first.gpus[1], ecc_corrected_volatile=0, retired_pages_sbe=None,
                             retired_pages_dbe=None, retired_pages_pending=None)
    changed = dataclasses.replace(first, gpus=(g0, g1, *first.gpus[2:]))
    fams = families(dataclasses.replace(view, samples=dict(view.samples) | {first.host: changed}))

    def of(name):
        return {(s.labels["Hostname"], s.labels["gpu"]): s.value for s in fams[name].samples}

    assert n.DCGM_ECC_SBE == "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL"  # dcgm-exporter's spellings
    assert n.DCGM_ECC_SBE_AGG == "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL"
    assert (n.DCGM_RETIRED_SBE, n.DCGM_RETIRED_DBE, n.DCGM_RETIRED_PENDING) == (
        "DCGM_FI_DEV_RETIRED_SBE", "DCGM_FI_DEV_RETIRED_DBE", "DCGM_FI_DEV_RETIRED_PENDING")
    a, b = (first.host, "0"), (first.host, "1")
    assert of(n.DCGM_ECC_SBE)[a] == 7.0 and of(n.DCGM_ECC_SBE)[b] == 0.0
    assert of(n.DCGM_ECC_SBE_AGG)[a] == 19.0 and b not in of(n.DCGM_ECC_SBE_AGG)
    assert of(n.DCGM_RETIRED_SBE)[a] == 3.0 and of(n.DCGM_RETIRED_DBE)[a] == 1.0
    assert of(n.DCGM_RETIRED_PENDING)[a] == 1.0
    for name in (n.DCGM_RETIRED_SBE, n.DCGM_RETIRED_DBE, n.DCGM_RETIRED_PENDING):
        assert b not in of(name)
