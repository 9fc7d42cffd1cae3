"""The room's books as Prometheus counters: the GPU-seconds and joules serve's history holds,
per sector, organisation and GPU model, so `accounting`/`report --prometheus` read the same books
from Prometheus (or VictoriaMetrics) that serve's data directory holds.

Counters, not gauges: the sum over a period is the counter's increase, whatever the scrape
interval, and a restarted serve is a counter reset that readers handle. They are fed the very
deltas serve's history writer gets (HistoryStore's delta listeners, on the fleet thread) and move
only when a minute closes: a counter at any time holds exactly the closed minutes the history has,
so the two sources agree minute for minute (tests/integration/test_room_books.py), and a reader
that takes each minute's increase can rebuild the history's minute rows.

Words are the books' (README: accounting): used = Σ utilisation / 100 × seconds, busy = seconds at
or above the busy threshold; serve's live gauges name these two the other way round.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from console.fleet.model import SECTORS
from console.history.rollup import USAGE_FIELDS, RollupDelta
from console.room.names import (
    BOOKS_CPU_ENERGY as CPU_ENERGY,
)
from console.room.names import (
    BOOKS_ENTITLED as ENTITLED,
)
from console.room.names import (
    BOOKS_GPU_ENERGY as GPU_ENERGY,
)
from console.room.names import (
    BOOKS_GPU_ENERGY_ESTIMATED as GPU_ENERGY_ESTIMATED,
)
from console.room.names import (
    BOOKS_GPU_SECONDS as GPU_SECONDS,
)
from console.room.names import (
    BOOKS_KIND_OF as KIND_OF,
)
from console.room.names import (
    BOOKS_MINUTE as MINUTE,
)
from console.room.names import (
    BOOKS_RECORDED as RECORDED,
)
from console.room.names import (
    BOOKS_STARTED as STARTED,
)

KEY_LABELS = ("sector", "organisation", "model")

Key = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class BooksTotals:
    """Totals of the closed minutes, as of `minute` (the last one closed), never changed."""

    minute: int | None
    usage: dict[Key, tuple[float, ...]]  # USAGE_FIELDS order
    entitled_s: tuple[float, ...]  # SECTORS order
    span_s: tuple[float, ...]  # SECTORS order (each sector is recorded the same seconds)
    created: float  # when these counters started (serve's start): their _created


class RoomBooks:
    def __init__(self, created: float) -> None:
        self._created = created
        self._lock = threading.Lock()
        self._usage: dict[Key, np.ndarray] = {}
        self._entitled = np.zeros(len(SECTORS))
        self._span = 0.0
        self._pending: dict[int, list[RollupDelta]] = {}  # minute → its deltas so far
        self._totals = BooksTotals(None, {}, (0.0,) * len(SECTORS), (0.0,) * len(SECTORS),
                                   created)

    def add(self, delta: RollupDelta) -> None:
        """A delta the history writer got; minutes before its own are complete now."""
        closed = sorted(m for m in self._pending if m < delta.minute)
        self._pending.setdefault(delta.minute, []).append(delta)
        if closed:
            for minute in closed:
                for d in self._pending.pop(minute):
                    self._count(d)
            self._publish(closed[-1])

    def totals(self) -> BooksTotals:
        with self._lock:
            return self._totals

    def _count(self, d: RollupDelta) -> None:
        sector, org, model = d.layout.key_parts(d.usage_key)
        org_ids = ("", *d.layout.org_ids)
        for i in range(len(d.usage_key)):
            key = (SECTORS[sector[i]].value, org_ids[org[i] + 1], d.layout.model_names[model[i]])
            row = self._usage.get(key)
            if row is None:
                row = self._usage[key] = np.zeros(len(USAGE_FIELDS))
            row += d.usage[:, i]
        self._entitled += d.entitled_s
        self._span += d.span_s

    def _publish(self, minute: int) -> None:
        totals = BooksTotals(
            minute, {k: tuple(map(float, v)) for k, v in self._usage.items()},
            tuple(map(float, self._entitled)), (float(self._span),) * len(SECTORS),
            self._created)
        with self._lock:
            self._totals = totals


def books_families(totals: BooksTotals | None) -> Iterator[Metric]:
    if totals is None:
        return
    created = totals.created
    seconds = CounterMetricFamily(
        GPU_SECONDS, "GPU-seconds in the room's books by kind (allocated, live, used = "
        "utilisation-weighted, busy = at or above the busy threshold), closed minutes only.",
        labels=(*KEY_LABELS, "kind"))
    energy = CounterMetricFamily(GPU_ENERGY, "GPU energy charged in the books (joules).",
                                 labels=KEY_LABELS)
    estimated = CounterMetricFamily(
        GPU_ENERGY_ESTIMATED, "The part of the GPU energy integrated from power, not counted "
        "by the GPU (joules).", labels=KEY_LABELS)
    cpu = CounterMetricFamily(CPU_ENERGY, "CPU package energy (RAPL) charged to the node's "
                              "organisation (joules).", labels=KEY_LABELS)
    f = {name: i for i, name in enumerate(USAGE_FIELDS)}
    for key, row in sorted(totals.usage.items()):
        for field, kind in KIND_OF.items():
            seconds.add_metric((*key, kind), row[f[field]], created=created)
        energy.add_metric(key, row[f["energy_j"]], created=created)
        estimated.add_metric(key, row[f["energy_est_j"]], created=created)
        cpu.add_metric(key, row[f["cpu_energy_j"]], created=created)
    entitled = CounterMetricFamily(ENTITLED, "Entitled GPU-seconds of each sector (its share × "
                                   "all GPUs × seconds).", labels=("sector",))
    recorded = CounterMetricFamily(RECORDED, "Seconds the books cover.", labels=("sector",))
    for i, s in enumerate(SECTORS):
        entitled.add_metric((s.value,), totals.entitled_s[i], created=created)
        recorded.add_metric((s.value,), totals.span_s[i], created=created)
    minute = GaugeMetricFamily(MINUTE, "Start (Unix time) of the last closed minute the book "
                               "counters hold.", labels=())
    if totals.minute is not None:
        minute.add_metric((), float(totals.minute))
    started = GaugeMetricFamily(STARTED, "When the book counters started from zero (Unix "
                                "time): a new value is a restart.", labels=())
    started.add_metric((), created)
    yield from (seconds, energy, estimated, cpu, entitled, recorded, minute, started)
