"""A node window's memory-health columns: ECC errors corrected (single-bit) and uncorrected
(double-bit) since the driver loaded, and retired pages (Volta and older) or row remaps (Ampere
and newer).

SSH and demo: from the node's whole sample. Prometheus (`--prometheus`): no whole samples come,
so the window asks the room (PrometheusHistory.node_health) on the history pool, never on the
GUI thread, every HEALTH_EVERY_S while it is open; until the answer the cells stay empty.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from PySide6.QtCore import QCoreApplication

from console.fleet.model import NodeSample
from widgets.common.labels import fmt
from widgets.history.query import HistoryQueries

FIELDS = (
    "ecc_corrected_volatile", "ecc_corrected_aggregate", "ecc_uncorrected_volatile",
    "ecc_uncorrected_aggregate", "retired_pages_sbe", "retired_pages_dbe",
    "retired_pages_pending", "remapped_rows_pending", "remapped_rows_failure",
)  # fmt: skip
HEALTH_EVERY_S = 15.0  # ECC counters move seldom; the room is not asked every snapshot
Health = Mapping[int, Mapping[str, float]]


def of_sample(sample: NodeSample | None) -> dict[int, dict[str, float]]:
    if sample is None:
        return {}
    out = {}
    for g in sample.gpus:
        values = {f: getattr(g, f) for f in FIELDS}
        out[g.index] = {f: float(v) for f, v in values.items() if v is not None}
    return out


def pages_text(values: Mapping[str, float]) -> str:
    """Retired pages where the board retires them, else its row remap state, else empty."""
    sbe, dbe = values.get("retired_pages_sbe"), values.get("retired_pages_dbe")
    if sbe is not None or dbe is not None:
        shown = ("–" if v is None else f"{v:.0f}" for v in (sbe, dbe))
        text = fmt(QCoreApplication.translate("NodeHealth", "retired %1 SBE · %2 DBE"), *shown)
        if values.get("retired_pages_pending"):
            text += " · " + QCoreApplication.translate("NodeHealth", "pending reboot")
        return text
    if values.get("remapped_rows_failure"):
        return QCoreApplication.translate("NodeHealth", "row remap failed")
    if values.get("remapped_rows_pending"):
        return QCoreApplication.translate("NodeHealth", "row remap pending (reset)")
    if "remapped_rows_pending" in values or "remapped_rows_failure" in values:
        return QCoreApplication.translate("NodeHealth", "rows remapped as needed")
    return ""


def with_health(frame: pd.DataFrame, health: Health) -> pd.DataFrame:
    """The GPU frame with ecc_sbe, ecc_dbe (volatile counts, NaN unknown), their aggregates
    and pages (text)."""
    gpus = frame["gpu"].tolist()

    def count(field: str) -> np.ndarray:
        return np.array([health.get(g, {}).get(field, math.nan) for g in gpus], dtype=float)

    out = frame.copy()
    out["ecc_sbe"] = count("ecc_corrected_volatile")
    out["ecc_sbe_total"] = count("ecc_corrected_aggregate")
    out["ecc_dbe"] = count("ecc_uncorrected_volatile")
    out["ecc_dbe_total"] = count("ecc_uncorrected_aggregate")
    out["pages"] = [pages_text(health.get(g, {})) for g in gpus]
    return out


class RoomHealth:
    """Asks the room's Prometheus for one node's health now and then, off the GUI thread."""

    def __init__(
        self,
        queries: HistoryQueries | None,
        node: str,
        arrived: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.queries, self.node, self.arrived, self.clock = queries, node, arrived, clock
        self.channel = f"health:{node}"
        self.health: dict[int, dict[str, float]] = {}
        self.problem: str | None = None
        self._asked_at: float | None = None

    @property
    def room(self) -> bool:
        history = self.queries.history if self.queries is not None else None
        return (
            self.queries is not None
            and self.queries.available
            and (getattr(history, "node_health", None) is not None)
        )

    def maybe_ask(self) -> None:
        if not self.room or self.queries.busy(self.channel):
            return
        now = self.clock()
        if self._asked_at is not None and now - self._asked_at < HEALTH_EVERY_S:
            return
        self._asked_at = now
        read, node = self.queries.history.node_health, self.node
        self.queries.ask(self.channel, lambda: read(node), self._got, self._failed)

    def _got(self, health: dict) -> None:
        self.health, self.problem = health, None
        self.arrived()

    def _failed(self, message: str) -> None:
        self.problem = message  # the history plot's note says why the room cannot be read
        self.arrived()

    def forget(self) -> None:
        if self.queries is not None:
            self.queries.forget(self.channel)
