"""The Prometheus decoder's health facts: the memory-fault series become the facts the alert
rules read, in health_facts' order, either host label, nothing for what is not ours."""

from __future__ import annotations

from console.fleet.health import Fact
from console.fleet.model import Sector
from console.inventory.model import NodeSpec
from console.room import names as n
from console.sources.prometheus import queries
from console.sources.prometheus.client import Series
from console.sources.prometheus.decode import Decoder, HostMap

NODES = tuple(NodeSpec(f"gpu0{i}", Sector.PUBLIC, None, 4) for i in (1, 2, 3))
TEMPS = [(f"gpu0{i}", str(g), "40") for i in (1, 2, 3) for g in range(4)]


def fault(name: str, host: str, gpu: str, value: float, label: str = "Hostname") -> Series:
    return Series({"__name__": name, label: host, "gpu": gpu}, 100.0, value)


def test_fault_series_become_facts_in_health_facts_order():
    decoder = Decoder(HostMap(NODES), width=4)
    health = [
        fault(n.DCGM_RETIRED_PENDING, "gpu01", "3", 1),
        fault(n.DCGM_ROW_REMAP_PENDING, "gpu01", "1", 1, label="hostname"),
        fault(n.DCGM_ECC_DBE, "gpu01", "3", 2),
        fault(n.DCGM_ROW_REMAP_FAIL, "gpu01", "3", 1),
        fault(n.DCGM_RETIRED_PENDING, "gpu03", "0", 1),
        fault(n.DCGM_RETIRED_PENDING, "stranger", "0", 1),  # no node of ours
        fault(n.DCGM_RETIRED_PENDING, "gpu02", "9", 1),  # no such GPU
        fault(n.DCGM_XID, "gpu02", "0", 79),  # not a health series
    ]
    out = decoder.decode({n.DCGM_TEMP: TEMPS, queries.HEALTH: health}, [], now=100.0)
    facts = dict(zip(out.packed.hosts, out.packed.health, strict=True))
    assert facts["gpu01"] == (
        (1, Fact.REMAP_PENDING, 1.0),
        (3, Fact.ECC_UNCORRECTED, 2.0),
        (3, Fact.REMAP_FAILURE, 1.0),
        (3, Fact.RETIRE_PENDING, 1.0),
    )
    assert facts["gpu02"] == () and facts["gpu03"] == ((0, Fact.RETIRE_PENDING, 1.0),)


def test_a_healthy_answer_and_a_kept_one():
    decoder = Decoder(HostMap(NODES), width=4)
    out = decoder.decode({n.DCGM_TEMP: TEMPS, queries.HEALTH: []}, [], now=100.0)
    assert out.packed.health is None  # nothing abnormal: every node healthy
    kept = {queries.HEALTH: [fault(n.DCGM_RETIRED_PENDING, "gpu02", "2", 1)]}
    out = decoder.decode({n.DCGM_TEMP: TEMPS}, [], now=105.0, kept=kept)  # not asked this time
    facts = dict(zip(out.packed.hosts, out.packed.health, strict=True))
    assert facts["gpu02"] == ((2, Fact.RETIRE_PENDING, 1.0),) and facts["gpu01"] == ()


def test_the_query_names_every_health_series_and_keeps_only_faults():
    q = queries.gpu_health()
    for name in (n.DCGM_ECC_DBE, n.DCGM_ROW_REMAP_PENDING, n.DCGM_ROW_REMAP_FAIL,
                 n.DCGM_RETIRED_PENDING):
        assert name in q
    assert q.endswith("> 0)") and "__name__, Hostname, hostname, gpu" in q
    assert queries.HEALTH in queries.LANES  # a lane: asked once a minute in a large fleet
