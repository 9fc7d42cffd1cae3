"""History plots in Prometheus mode: the sector series read by range queries from the room's
Prometheus, so a console opened this morning still shows last night (the local store holds only
what this console saw).

The sectors' members come from the fleet file, never from a PromQL join: each sector's query
selects its nodes by name (`Hostname=~"gpu01|gpu02|…"`, both label spellings) and the server sums
and counts over them. The frame has the columns of HistoryStore.sector_series (t, sector,
allocated, used, busy, entitled, util), so the plot draws it unchanged. The accounting tab reads
the room's books (serve's book counters, console/sources/prometheus/books.py) when the room keeps
them, else the local store; node windows read their node's lines by range queries
(console/sources/prometheus/node_history.py).
"""

from __future__ import annotations

import logging
import math
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pandas as pd

from console.fleet.model import SECTORS, Sector
from console.inventory.model import Inventory
from console.room import names
from console.sources.prometheus.client import PrometheusClient, PrometheusError
from console.sources.prometheus.queries import CELL

if TYPE_CHECKING:  # the store is handed in by the wiring; sources do not import history
    from console.history.store import HistoryStore

log = logging.getLogger(__name__)
COLUMNS = ["t", "sector", "allocated", "used", "busy", "entitled", "util"]
MAX_POINTS = 10_000  # Prometheus refuses more than 11,000 points per series


def _literal(names_: list[str]) -> str:
    """Node names as one anchored RE2 alternation inside a PromQL string."""
    special = set(r".+*?()[]{}|^$\\")
    escaped = ("".join("\\\\" + c if c in special else c for c in n) for n in names_)
    return "|".join(escaped)


def _selector(metric: str, nodes: str) -> str:
    return f'({metric}{{Hostname=~"{nodes}"}} or {metric}{{hostname=~"{nodes}"}})'


def sector_query(nodes: list[str], busy_threshold: float) -> str:
    """used (GPU-equivalents of work), live and busy GPUs of these nodes, tagged by label `k`."""
    regex = _literal(nodes)
    cell = ", ".join(CELL)
    util = (f"(max by ({cell}) {_selector(names.DCGM_PROF_ACTIVE, regex)} * 100 "
            f"or max by ({cell}) {_selector(names.DCGM_UTIL, regex)})")
    parts = {"used": f"sum({util}) / 100", "live": f"count({util})",
             "busy": f"count({util} >= {busy_threshold:g})"}
    return " or ".join(f'label_replace({q}, "k", "{k}", "", "")' for k, q in parts.items())


class PrometheusHistory:
    """A HistoryStore whose sector_series comes from Prometheus; the rest is the local store's."""

    def __init__(
        self, client: PrometheusClient, inventory: Inventory, local: HistoryStore,
        busy_threshold: float,
    ) -> None:
        self.client = client
        self.inventory = inventory
        self.local = local
        self.busy_threshold = busy_threshold

    def __getattr__(self, name: str):  # reader(), path, problem, node_frames … : the local store
        return getattr(self.local, name)

    def books_reader(self, t0: float, t1: float):
        """A read-only history holding the room's books for [t0, t1) as Prometheus has them
        (the file lives until the reader is closed), or the local store's reader when the room
        keeps no books for the period (a site's own exporters, no serve) or cannot be read."""
        from console.sources.prometheus.books import BUCKET_S, temporary_books

        if t0 % BUCKET_S or t1 % BUCKET_S:  # the books are 15-minute rows
            return self.local.reader()
        try:
            reader = temporary_books(self.client, t0, t1, self.inventory.organisations)
        except (PrometheusError, OSError) as exc:
            log.warning("the room's books not read, this console's own shown: %s", exc)
            return self.local.reader()
        return reader if reader is not None else self.local.reader()

    def node_series(self, node: str, t0: float, t1: float, res: int):
        """One node's lines past the window's memory, from Prometheus (node_history.py)."""
        from console.sources.prometheus.node_history import node_series

        return node_series(self.client, node, t0, t1, res)

    def node_health(self, node: str) -> dict[int, dict[str, float]]:
        """The node's ECC counts, retired pages and row remaps per GPU, from Prometheus now."""
        from console.sources.prometheus.node_history import node_health

        return node_health(self.client, node)

    def sector_series(self, t0: float, t1: float, res: int) -> pd.DataFrame:
        """Per bucket of `res` seconds and sector, as HistoryStore.sector_series; raises
        PrometheusError (the plot says why)."""
        step = max(float(res), math.ceil((t1 - t0) / MAX_POINTS))
        start = math.floor(t0 / step) * step
        total = self.inventory.gpu_total
        members = {s: [n for n in self.inventory.nodes if n.sector == s] for s in SECTORS}
        asked = [s for s in SECTORS if members[s]]
        with ThreadPoolExecutor(len(asked) or 1, thread_name_prefix="prometheus-history") as pool:
            answers = dict(zip(asked, pool.map(
                lambda s: self.client.range(
                    sector_query([n.name for n in members[s]], self.busy_threshold),
                    start, t1, step),
                asked), strict=True))
        frames = []
        for sector in SECTORS:
            allocated = float(sum(n.gpu_count for n in members[sector]))
            entitled = float(self.inventory.entitlements[sector]) * total
            frames.append(self._frame(sector, answers.get(sector, []), allocated, entitled))
        out = pd.concat([f for f in frames if not f.empty] or [pd.DataFrame(columns=COLUMNS)])
        return out.sort_values(["t", "sector"]).reset_index(drop=True)

    @staticmethod
    def _frame(sector: Sector, answer, allocated: float, entitled: float) -> pd.DataFrame:
        parts = {}
        for labels, points in answer:
            if labels.get("k") in ("used", "live", "busy") and points:
                parts[labels["k"]] = pd.Series({int(t): v for t, v in points}, dtype=float)
        if "live" not in parts:
            return pd.DataFrame(columns=COLUMNS)
        frame = pd.DataFrame(parts).reindex(columns=["used", "live", "busy"])
        frame["busy"] = frame["busy"].fillna(0.0)  # no GPU at the threshold: 0, not unknown
        live = frame["live"].where(frame["live"] > 0)
        return pd.DataFrame({
            "t": frame.index.astype("int64"),
            "sector": sector.value,
            "allocated": allocated,
            "used": frame["used"].to_numpy(),
            "busy": frame["busy"].to_numpy(),
            "entitled": entitled,
            "util": (100.0 * frame["used"] / live).to_numpy(),
        })
