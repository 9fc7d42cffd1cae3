"""FleetState: the newest data of every node, turned into FleetSnapshots for the widgets.

Only the GUI thread touches a FleetState (through the bridge). Samples are written straight into
preallocated (nodes × GPUs) arrays, so building a snapshot is a few array copies and reductions,
not a walk over Python objects, whatever the size of the fleet.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

import numpy as np

from console.fleet.charging import Charging
from console.fleet.health import Fact
from console.fleet.jobs import SchedulerJobs
from console.fleet.metrics import MetricRegistry
from console.fleet.model import (
    SECTORS,
    FleetSnapshot,
    NodeEvent,
    NodeStatus,
    PollBatch,
    Sector,
    SectorSeries,
    SectorSummary,
)
from console.fleet.packing import PackedSamples, pack
from console.history.ring import RecentSeries
from console.inventory.model import Inventory

SERIES_WINDOW_S = 60 * 60  # the plot's short ranges (15 min, 1 h) read from memory
SERIES_STEP_S = 1.0
XID_KEEP_S = 60.0  # an XID is an event: snapshots show it this long, so no rule can miss it


def _frozen(a: np.ndarray) -> np.ndarray:
    a = a.copy()
    a.flags.writeable = False
    return a


class FleetState:
    def __init__(
        self,
        inventory: Inventory,
        registry: MetricRegistry,
        stale_after_s: float = 10.0,
        series_window_s: float = SERIES_WINDOW_S,
    ) -> None:
        self.inventory = inventory
        self.registry = registry
        self.stale_after_s = stale_after_s
        self.series_window_s = series_window_s
        self._nodes = inventory.ordered_nodes()
        self._row = {n.name: i for i, n in enumerate(self._nodes)}
        self._names = tuple(n.name for n in self._nodes)  # one tuple: widgets compare it at once
        n = len(self._nodes)
        width = max((s.gpu_count for s in self._nodes), default=0)
        self._sector = np.array([SECTORS.index(s.sector) for s in self._nodes], dtype=np.int8)
        self._gpu_count = np.array([s.gpu_count for s in self._nodes], dtype=np.int16)
        self._last_sample_t = np.full(n, np.nan)
        self._last_event_t = np.full(n, np.nan)
        self._event_status = np.full(n, NodeStatus.WAITING, dtype=np.int8)
        self._reason = [""] * n
        self._fingerprint: list[str | None] = [None] * n
        self._key_host: list[str | None] = [None] * n
        self._cpu = np.full(n, np.nan, dtype=np.float32)
        shape = (n, width)
        self._util = np.full(shape, np.nan, dtype=np.float32)
        self._mem_used = np.full(shape, np.nan, dtype=np.float32)
        self._mem_total = np.full(shape, np.nan, dtype=np.float32)
        self._temp = np.full(shape, np.nan, dtype=np.float32)
        self._power = np.full(shape, np.nan, dtype=np.float32)
        self._temp_mem = np.full(shape, np.nan, dtype=np.float32)
        # energy counters (joules) stay float64: float32 would lose whole kilojoules of a counter
        self._energy = np.full(shape, np.nan)
        self._energy_est = np.zeros(shape, dtype=bool)
        self._cpu_energy = np.full(n, np.nan)
        # per node: the wire's MIG energy split (users) and the same resolved to org indices
        self._split_raw: list[tuple] = [()] * n
        self._split: list[tuple] = [()] * n
        self._split_rows: set[int] = set()  # rows with a split now
        self._gpu_arrays = {
            "util_gpu": self._util,
            "mem_used_mib": self._mem_used,
            "mem_total_mib": self._mem_total,
            "temp_c": self._temp,
            "power_w": self._power,
            "temp_mem_c": self._temp_mem,
        }
        # health facts of each node's newest sample, and recent XIDs (row → [(seen at, fact)])
        self._health: list[tuple] = [()] * n
        self._disk_pct = np.full(n, np.nan, dtype=np.float32)
        self._xids: dict[int, list[tuple[float, tuple]]] = {}
        # whose work runs on each GPU (index into org_ids, -1 none) and by which rule: the job's
        # account, the user map, the node's own organisation (console/fleet/charging.py)
        self.org_ids = tuple(o.id for o in inventory.organisations)
        org_index = {o: i for i, o in enumerate(self.org_ids)}
        self._user_org = {u: org_index.get(o, -1) for u, o in inventory.user_org.items()}
        self._node_org = np.array(
            [org_index.get(n.organisation.id, -1) if n.organisation else -1 for n in self._nodes],
            dtype=np.int16,
        )
        account_org = {
            a.lower(): org_index[o] for o, a in inventory.org_accounts.items() if o in org_index
        }
        self._charging = Charging(shape, self._row, self._user_org, account_org)
        self._orgs = [n.organisation for n in self._nodes]  # changes when a node moves sector
        self._org_index = org_index
        capacity = math.ceil(series_window_s / SERIES_STEP_S) + 2
        # per sector: utilisation %, allocated, busy and entitled GPUs
        self._series = RecentSeries(4 * len(SECTORS), capacity)
        self.unknown_hosts: set[str] = set()

    def preload_series(self, t: np.ndarray, util: np.ndarray, busy: np.ndarray) -> None:
        """Seed the per-sector series with points known from elsewhere (the demo fleet's past):
        utilisation % and busy GPUs per sector, (sectors, times) each."""
        allocated = np.array([self._gpu_count[self._sector == i].sum() for i in range(3)])
        entitled = self._entitled_gpus()
        for j in range(len(t)):
            self._series.append(
                float(t[j]), np.concatenate([util[:, j], allocated, busy[:, j], entitled])
            )

    def _entitled_gpus(self) -> np.ndarray:
        total = self.inventory.gpu_total
        return np.array([float(self.inventory.entitlements[s]) * total for s in SECTORS])

    # -- input -------------------------------------------------------------------------------

    def reallocate(self, allocation: Mapping[str, Sector]) -> bool:
        """Follow the capacity backend: nodes in `allocation` now belong to the given sector.

        Rows keep their place (history rings and tables are keyed by row); widgets group by
        `node_sector`, not by position. A node in another sector than its owner organisation's
        works for that sector's pool (no organisation) until it comes back. True if anything moved.
        """
        moved = False
        for name, sector in allocation.items():
            row = self._row.get(name)
            if row is None:
                continue
            index = SECTORS.index(sector)
            if self._sector[row] == index:
                continue
            moved = True
            self._sector[row] = index
            own = self._nodes[row].organisation
            keep = own if own is not None and own.sector == sector else None
            self._orgs[row] = keep
            self._node_org[row] = self._org_index.get(keep.id, -1) if keep else -1
            self._split[row] = self._resolve_split(row, self._split_raw[row])
        return moved

    def apply(self, batch: PollBatch) -> None:
        if batch.packed is not None:
            self._apply_packed(batch.packed)
        elif batch.samples:
            self._apply_packed(pack(batch.samples))
        for event in batch.events:
            self._apply_event(event)

    def _apply_packed(self, p: PackedSamples) -> None:
        rows = np.array([self._row.get(h, -1) for h in p.hosts], dtype=np.intp)
        known = rows >= 0
        self.unknown_hosts.update(h for h, k in zip(p.hosts, known, strict=True) if not k)
        rows = rows[known]
        self._last_sample_t[rows] = p.t[known]
        self._cpu[rows] = p.cpu_percent[known]
        width = min(p.gpu.shape[2], self._util.shape[1])
        for name, arr in self._gpu_arrays.items():
            arr[rows, :] = np.nan  # a GPU missing from this sample has no value now
            arr[rows, :width] = p.field(name)[known, :width]
        self._apply_health(p, rows, known)
        self._apply_energy(p, rows, known)
        self._charging.apply(rows, known, width, p.user, p.job)

    def set_scheduler_jobs(self, jobs: SchedulerJobs) -> None:
        """The scheduler's running jobs and GPU holders (console/scheduler/), newest read: a
        GPU's use is charged to its job's account's organisation where the fleet maps one."""
        self._charging.set_scheduler_jobs(jobs)

    @property
    def scheduler_jobs(self) -> SchedulerJobs | None:
        """The last scheduler read given to set_scheduler_jobs (None before the first)."""
        return self._charging.scheduler

    def _apply_energy(self, p: PackedSamples, rows: np.ndarray, known: np.ndarray) -> None:
        """The sample's counters replace the node's; a GPU or node without one has NaN now."""
        self._energy[rows, :] = np.nan
        self._energy_est[rows, :] = False
        full = self._energy.shape[1]
        if p.energy_j is not None:
            w = min(p.energy_j.shape[1], full)
            self._energy[rows, :w] = p.energy_j[known, :w]
        if p.energy_estimated is not None:
            w = min(p.energy_estimated.shape[1], full)
            self._energy_est[rows, :w] = p.energy_estimated[known, :w]
        self._cpu_energy[rows] = np.nan if p.cpu_energy_j is None else p.cpu_energy_j[known]
        splits = p.energy_split
        if not self._split_rows and (splits is None or not any(splits)):
            return  # no MIG GPU before or now: nothing to walk (the usual case)
        for k, row in zip(np.flatnonzero(known).tolist(), rows.tolist(), strict=True):
            raw = splits[k] if splits is not None else ()
            if raw or self._split_raw[row]:
                self._split_raw[row] = raw
                self._split[row] = self._resolve_split(row, raw)
                if raw:
                    self._split_rows.add(row)
                else:
                    self._split_rows.discard(row)

    def _resolve_split(self, row: int, raw: tuple) -> tuple:
        """Users → org indices (an unmapped user or None: the node's own organisation); one
        entry per organisation and GPU, fractions of the same organisation added."""
        if not raw:
            return ()
        own = int(self._node_org[row])
        out = []
        for col, parts in raw:
            share: dict[int, float] = {}
            for user, fraction in parts:
                org = self._user_org.get(user, -1) if user is not None else -1
                org = own if org < 0 else org
                share[org] = share.get(org, 0.0) + float(fraction)
            out.append((int(col), tuple(share.items())))
        return tuple(out)

    def _apply_health(self, p: PackedSamples, rows: np.ndarray, known: np.ndarray) -> None:
        if p.disk_pct is not None:
            self._disk_pct[rows] = p.disk_pct[known]
        if p.health is None:
            return
        health = self._health
        seen_at = float(np.nanmax(p.t)) if len(p.t) else 0.0
        for row, facts in zip(rows.tolist(), itertools.compress(p.health, known), strict=True):
            if facts and any(f[1] == Fact.XID for f in facts):
                self._xids.setdefault(row, []).extend(
                    (seen_at, f) for f in facts if f[1] == Fact.XID
                )
                facts = tuple(f for f in facts if f[1] != Fact.XID)
            health[row] = facts

    def _node_health(self, now: float) -> tuple:
        """Each node's facts, with the XIDs of the last XID_KEEP_S seconds."""
        if not self._xids:
            return tuple(self._health)
        out = list(self._health)
        for row in list(self._xids):
            recent = [(t, f) for t, f in self._xids[row] if now - t <= XID_KEEP_S]
            if recent:
                self._xids[row] = recent
                out[row] = out[row] + tuple(f for _, f in recent)
            else:
                del self._xids[row]
        return tuple(out)

    def _apply_event(self, e: NodeEvent) -> None:
        row = self._row.get(e.host)
        if row is None:
            self.unknown_hosts.add(e.host)
            return
        self._last_event_t[row] = e.t
        self._event_status[row] = e.status
        self._reason[row] = e.message
        self._fingerprint[row] = e.fingerprint
        self._key_host[row] = e.key_host

    # -- output ------------------------------------------------------------------------------

    def statuses(self, now: float) -> np.ndarray:
        """LIVE or STALE by the age of the last sample, unless an event came after it."""
        seen = ~np.isnan(self._last_sample_t)
        age = now - self._last_sample_t
        event_newer = np.nan_to_num(self._last_event_t, nan=-np.inf) > np.nan_to_num(
            self._last_sample_t, nan=-np.inf
        )
        status = np.full(len(self._nodes), NodeStatus.LIVE, dtype=np.int8)
        status[seen & (age > self.stale_after_s)] = NodeStatus.STALE
        status[~seen] = NodeStatus.WAITING
        status[event_newer] = self._event_status[event_newer]
        return status

    def snapshot(self, now: float) -> FleetSnapshot:
        """The fleet at `now`; also records the per-sector utilisation point for `now` (≤ 1 Hz)."""
        status = self.statuses(now)
        live = status == NodeStatus.LIVE
        # Only live nodes count as reporting: stale values are shown greyed, never as current.
        util_live = np.where(live[:, None], self._util, np.nan)
        busy = util_live >= self.registry.busy_threshold
        reporting = ~np.isnan(util_live)
        total = self.inventory.gpu_total
        sectors = []
        for i, sector in enumerate(SECTORS):
            mine = self._sector == i
            rep = int(reporting[mine].sum())
            avg = float(np.nanmean(util_live[mine])) if rep else None
            share = float(self.inventory.entitlements[sector])
            sectors.append(
                SectorSummary(
                    sector=sector,
                    entitled_share=share,
                    entitled_gpus=share * total,
                    allocated_gpus=int(self._gpu_count[mine].sum()),
                    reporting_gpus=rep,
                    used_gpus=int(busy[mine].sum()),
                    avg_util=avg,
                )
            )
        self._record_series(now, sectors)
        t, values = self._series.window(now - self.series_window_s)
        k = len(SECTORS)
        age = now - self._last_sample_t
        has_data = ~np.isnan(age)
        counts = {s: int((status == s).sum()) for s in NodeStatus}
        gpu_org, gpu_rule = self._charging.resolve(self._node_org, self._util)  # fresh arrays
        gpu_org.flags.writeable = gpu_rule.flags.writeable = False
        gpu_job = self._charging.gpu_job()
        return FleetSnapshot(
            t=now,
            node_names=self._names,
            node_sector=_frozen(self._sector),
            node_org=tuple(self._orgs),
            org_ids=self.org_ids,
            gpu_org=gpu_org,
            gpu_rule=gpu_rule,
            node_gpu_count=_frozen(self._gpu_count),
            node_status=_frozen(status),
            node_age_s=_frozen(age),
            node_reason=tuple(self._reason),
            node_fingerprint=tuple(self._fingerprint),
            node_key_host=tuple(self._key_host),
            node_cpu_percent=_frozen(self._cpu),
            gpu_util=_frozen(self._util),
            gpu_mem_used_mib=_frozen(self._mem_used),
            gpu_mem_total_mib=_frozen(self._mem_total),
            gpu_temp_c=_frozen(self._temp),
            gpu_power_w=_frozen(self._power),
            gpu_temp_mem_c=_frozen(self._temp_mem),
            gpu_energy_j=_frozen(self._energy),
            gpu_energy_estimated=_frozen(self._energy_est),
            gpu_job=None if gpu_job is None else _frozen(gpu_job),
            node_cpu_energy_j=_frozen(self._cpu_energy),
            node_energy_split=tuple(self._split),
            node_disk_pct=_frozen(self._disk_pct),
            node_health=self._node_health(now),
            sectors=tuple(sectors),
            series=SectorSeries(
                t=t,
                util=values[:k],
                allocated=values[k : 2 * k],
                busy=values[2 * k : 3 * k],
                entitled=values[3 * k :],
            ),
            busy_threshold=self.registry.busy_threshold,
            counts=counts,
            oldest_age_s=float(age[has_data].max()) if has_data.any() else None,
        )

    def _record_series(self, now: float, sectors: list[SectorSummary]) -> None:
        last = self._series.last_t
        if last is not None and now - last < SERIES_STEP_S:
            return
        util = [np.nan if s.avg_util is None else s.avg_util for s in sectors]
        allocated = [s.allocated_gpus for s in sectors]
        # no reporting GPU is no data, not "nobody works" (the first frames, a dead source)
        busy = [s.used_gpus if s.reporting_gpus else np.nan for s in sectors]
        entitled = [s.entitled_gpus for s in sectors]
        self._series.append(now, np.array(util + allocated + busy + entitled, dtype=np.float64))
