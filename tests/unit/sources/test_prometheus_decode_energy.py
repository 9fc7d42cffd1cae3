"""The Prometheus decoder's energy planes: mJ → J in float64, garbage as missing, serve's flag."""

from __future__ import annotations

import numpy as np

from console.fleet.model import Sector
from console.inventory.model import NodeSpec
from console.room import names as n
from console.sources.prometheus.decode import Decoder, HostMap

NODES = (NodeSpec("gpu01", Sector.PUBLIC, None, 2), NodeSpec("gpu02", Sector.PUBLIC, None, 2))


def test_energy_cells_become_float64_joules_and_flags():
    decoder = Decoder(HostMap(NODES), width=2)
    gpu = {
        n.DCGM_TEMP: [("gpu01", "0", "40"), ("gpu01", "1", "41"), ("gpu02", "0", "42")],
        # 2**53 mJ and more: float32 would be off by kilojoules, float64 keeps the millijoule
        n.DCGM_ENERGY: [
            ("gpu01", "0", "123456789012345"),
            ("gpu01", "1", "garbage"),
            ("gpu02", "0", "2500"),
            ("gpu02", "7", "1"),
            ("stranger", "0", "9"),
        ],
        n.GPU_ENERGY_ESTIMATED: [("gpu02", "0", "1"), ("gpu01", "0", "0")],
    }
    out = decoder.decode(gpu, [], now=100.0, cpu_energy={"gpu02": 7.5})
    p = out.packed
    rows = {h: i for i, h in enumerate(p.hosts)}
    a, b = rows["gpu01"], rows["gpu02"]
    assert p.energy_j.dtype == np.float64
    assert p.energy_j[a, 0] == 123456789012.345
    assert np.isnan(p.energy_j[a, 1])  # garbage is missing, never zero
    assert p.energy_j[b].tolist()[0] == 2.5 and np.isnan(p.energy_j[b, 1])  # GPU 7: too wide
    assert p.energy_estimated[b, 0] and not p.energy_estimated[a].any()
    assert np.isnan(p.cpu_energy_j[a]) and p.cpu_energy_j[b] == 7.5
    assert "stranger" in out.unknown


def test_serve_values_carry_the_cpu_joules():
    from console.sources.prometheus.client import Series

    decoder = Decoder(HostMap(NODES), width=2)
    series = [
        Series({"__name__": n.NODE_CPU_ENERGY, "node": "gpu01"}, 0.0, 1.5e8),
        Series({"__name__": n.NODE_CPU_PERCENT, "node": "gpu01"}, 0.0, 30.0),
    ]
    cpu, disk, energy = decoder.serve_values(series)
    assert energy == {"gpu01": 1.5e8} and cpu == {"gpu01": 30.0} and disk == {}
