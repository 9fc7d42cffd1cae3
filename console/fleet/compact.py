"""CompactSample: a node's sample as the packed arrays want it, with no per-GPU objects.

Protocol v2 (console/telemetry/protocol_v2.py) decodes a line straight into this: per GPU only its
index and the six numbers console/fleet/packing.py packs, the main process's user, the
abnormal health facts, and the energy counters and MIG energy split. Most samples are only ever
packed; the whole NodeSample (processes, node info, notes) is built by `full()` for the few
nodes someone has open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from console.fleet.model import NodeSample, XidEvent

Fact3 = tuple[int, int, float]
_XID = 7  # console.fleet.health.Fact.XID (health imports this module, so not from there)
_NODE = -1  # console.fleet.health.NODE


@dataclass(slots=True)  # not frozen: a frozen __init__ costs a setattr call per field
class CompactSample:
    host: str
    t: float
    cpu_percent: float | None
    cols: tuple[int, ...]  # GPU indices
    # per GPU, packing.GPU_FIELDS in order (None: missing); None: not read yet, see `rows`
    values: tuple[list, ...] | None
    users: tuple[str | None, ...]  # per GPU: login of its largest process
    facts: tuple[Fact3, ...]  # abnormal facts other than XIDs, as health_facts orders them
    disk_pct: float  # fullest disk's use in %, NaN unknown
    xids: tuple[XidEvent, ...] = ()
    rebuild: Callable[[], NodeSample] | None = None  # the whole sample, built on demand
    # energy, as PackedSamples has it: per GPU in cols its counter (J) and whether estimated
    energy_j: tuple[float | None, ...] = ()
    energy_estimated: tuple[bool | None, ...] = ()
    cpu_energy_j: float | None = None  # RAPL package joules
    energy_split: tuple = ()  # ((gpu index, ((user or None, fraction), ...)), ...) of MIG GPUs
    jobs: tuple[str | None, ...] = ()  # per GPU in cols: its largest process's Slurm job
    # A healthy v2 line's GPU rows as sent, values and energy_j unread: packing reads the rows of
    # a whole flush at once with `layout` (console/telemetry/row_layout.py), which knows their
    # columns and checks the numbers as v1 does. None: values and energy_j hold them.
    rows: list | None = None
    layout: object = None

    def gpu_values(self) -> tuple[list, ...]:
        """`values`, read from `rows` if they wait there (one sample: the slow way is fine)."""
        return self.values if self.rows is None else self.layout.numbers(self.rows)

    @property
    def health(self) -> tuple[Fact3, ...]:
        if not self.xids:
            return self.facts
        return self.facts + tuple(
            (_NODE if x.gpu is None else x.gpu, _XID, float(x.xid)) for x in self.xids
        )

    def full(self) -> NodeSample:
        """The whole sample, as protocol v1 would have decoded it (XIDs kept included)."""
        sample = self.rebuild() if self.rebuild is not None else NodeSample(self.host, self.t)
        return sample if sample.xids == self.xids else replace(sample, xids=self.xids)

    def with_earlier_xids(self, earlier: tuple[XidEvent, ...]) -> CompactSample:
        return replace(self, xids=earlier + self.xids) if earlier else self
