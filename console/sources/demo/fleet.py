"""The embedded demo fleet: a centre that looks real, deterministic in (seed, time).

Load by sector, computed for every GPU at once with numpy:
- public (city administration) follows office hours in Asia/Seoul: busy on weekday days, quiet at
  night and on weekends;
- interest (universities, institutes) runs long training jobs near 90 %, with short gaps between;
- private (startups) is bursty: five-minute bursts of near-full load, idle in between.
Temperatures and power follow utilisation. A few GPUs are never allocated, and now and then one
node is unreachable for a while. The same seed and time always give the same sample, so tests and
screenshots are repeatable and history can be backfilled without waiting.
"""

from __future__ import annotations

import threading
import tomllib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from console.fleet.model import (
    SECTORS,
    GpuProcess,
    GpuSample,
    NodeEvent,
    NodeInfo,
    NodeSample,
    NodeStatus,
    Organisation,
    Sector,
)
from console.i18n.catalogue import translate
from console.inventory.model import Inventory, NodeSpec
from console.paths import resource
from console.sources.demo import energy as demo_energy
from console.sources.demo import faults as demo_faults
from console.sources.demo.capacity import SimControl, SimWorkload
from console.sources.demo.noise import uniform

SEOUL_UTC_OFFSET_S = 9 * 3600  # Korea keeps no daylight saving time
NODE_SHARES = {Sector.PUBLIC: 0.40, Sector.INTEREST: 0.35, Sector.PRIVATE: 0.25}
GPUS_PER_NODE = 8
GPU_MODEL = "NVIDIA H100 80GB HBM3"
GPU_MEM_MIB = 81559.0
UNALLOCATED_GPU_FRACTION = 0.03
OUTAGE_WINDOW_S = 600  # each window, maybe one node is unreachable ...
OUTAGE_LENGTH_S = 90  # ... for its first 90 s
OUTAGE_PROBABILITY = 0.5
JOB_SLOT_S = 4 * 3600
USERS_PER_ORG = 3
NODE_MEM_BYTES = 2 * 1024**4  # 2 TiB per node

def read_organisations(path: Path) -> tuple[Organisation, ...]:
    """The demo's organisations (a shipped data file: their names are proper nouns in two
    languages, not interface text, so they live beside the code rather than in the catalogue)."""
    with path.open("rb") as f:
        rows = tomllib.load(f)["organisation"]
    return tuple(
        Organisation(r["id"], Sector(r["sector"]), r["name_ko"], r["name_en"]) for r in rows
    )


TIMED_OUT = translate("Demo", "connection timed out")
ORGANISATIONS: tuple[Organisation, ...] = read_organisations(
    resource("demo", "organisations.toml")
)


def office_hours_factor(t: float) -> float:
    """0.15 at night, 1.0 in office hours (09–18 Seoul time, Mon–Fri), ramps between."""
    local = t + SEOUL_UTC_OFFSET_S
    day = int(local // 86400)
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    hour = (local % 86400) / 3600.0
    if weekday >= 5:
        return 0.25
    ramp_up = np.clip((hour - 8.0) / 1.5, 0.0, 1.0)
    ramp_down = np.clip((20.0 - hour) / 2.0, 0.0, 1.0)
    return float(0.15 + 0.85 * min(ramp_up, ramp_down))


@dataclass(frozen=True, slots=True)
class SimFleet:
    """A demo fleet of `nodes` nodes; `sample(t)` returns what each node would report at time t."""

    inventory: Inventory
    seed: int = 20261124
    # where the capacity backend has put each node and which it drains (sim_capacity.py)
    control: SimControl = field(default_factory=lambda: SimControl(), compare=False)
    faults_from: float | None = None  # the "faults" scenario starts (faults.py)
    faults_on_s: float = demo_faults.ACTIVE_S  # … and its faults are on this long, then off
    # each node's GPU UUIDs (inventory order), made by the first sample
    uuids: list[list[str]] = field(default_factory=list, compare=False, repr=False)
    # this instance's energy counters (energy.py): they integrate forward from its first sample
    energy: demo_energy.DemoEnergy = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        energy = demo_energy.DemoEnergy(self.seed, len(self.inventory.nodes), GPUS_PER_NODE,
                                         self.utilisation)
        object.__setattr__(self, "energy", energy)

    @classmethod
    def build(
        cls, nodes: int = 48, seed: int = 20261124, faults_from: float | None = None,
        faults_on_s: float = demo_faults.ACTIVE_S,
    ) -> SimFleet:
        if nodes < 3:
            raise ValueError("the demo fleet needs at least 3 nodes (one per sector)")
        counts = {Sector.PUBLIC: round(nodes * NODE_SHARES[Sector.PUBLIC])}
        counts[Sector.INTEREST] = round(nodes * NODE_SHARES[Sector.INTEREST])
        counts[Sector.PRIVATE] = nodes - counts[Sector.PUBLIC] - counts[Sector.INTEREST]
        specs: list[NodeSpec] = []
        index = 0
        for sector in SECTORS:
            orgs = [o for o in ORGANISATIONS if o.sector == sector]
            for i in range(max(1, counts[sector])):
                rack, slot = divmod(index, 8)
                specs.append(
                    NodeSpec(
                        name=f"hg-r{rack + 1:02d}n{slot + 1}",
                        sector=sector,
                        organisation=orgs[i % len(orgs)],
                        gpu_count=GPUS_PER_NODE,
                        gpu_model=GPU_MODEL,
                    )
                )
                index += 1
        # each organisation has a few users; the private sector's nodes are a pool its startups
        # share, so whose work runs there is known only from the process's user
        user_org = {sim_user(o.id, k): o.id for o in ORGANISATIONS for k in range(USERS_PER_ORG)}
        inventory = Inventory(
            nodes=tuple(specs),
            entitlements=dict(NODE_SHARES if faults_from is None else demo_faults.ENTITLEMENTS),
            organisations=ORGANISATIONS,
            user_org=user_org,
        )
        return cls(inventory=inventory, seed=seed, faults_from=faults_from,
                   faults_on_s=faults_on_s)

    def capacity_workload(self) -> tuple[SimWorkload, Callable[..., None]]:
        """What the local capacity backend asks of this fleet, and how it tells the fleet back."""
        return SimWorkload(self), self.control.update

    def job_history_source(self):
        """Where the what-if reads this fleet's past jobs (console/whatif): synthetic, hourly."""
        from console.sources.demo.job_history import demo_history_source

        return demo_history_source(self.inventory, self.seed)

    def utilisation(self, t: float) -> np.ndarray:
        """(nodes, GPUs) utilisation in percent at time t, in inventory order."""
        specs = self.inventory.nodes
        n = len(specs)
        node = np.arange(n)[:, None]
        gpu = np.arange(GPUS_PER_NODE)[None, :]
        sector = self.control.sector_index(specs)[:, None]
        minute = int(t // 60)
        jitter = uniform(self.seed, 1, node, gpu, minute) - 0.5

        # public: per-GPU working level scaled by office hours
        base = 45 + 40 * uniform(self.seed, 2, node, gpu)
        public = base * office_hours_factor(t) + 8 * jitter

        # interest: 4 h job slots per node, phase-shifted per node; idle for the first 5-25 min
        local = t + JOB_SLOT_S * uniform(self.seed, 12, node)
        slot = (local // JOB_SLOT_S).astype(np.int64)
        into_slot = local % JOB_SLOT_S
        gap = 300 + 1200 * uniform(self.seed, 3, node, slot)
        interest = np.where(into_slot < gap, 0.0, 90 + 6 * jitter)

        # private: five-minute bursts per node, using only some of the node's GPUs
        bucket = int(t // 300)
        burst = uniform(self.seed, 4, node, bucket) < 0.45
        width = 1 + (uniform(self.seed, 5, node, bucket) * GPUS_PER_NODE).astype(int)
        private = np.where(
            burst & (gpu < width), 80 + 20 * uniform(self.seed, 6, node, gpu, bucket), 2
        )
        private = private + 4 * jitter

        util = np.select([sector == 0, sector == 1], [public, interest], private)
        unallocated = uniform(self.seed, 7, node, gpu) < UNALLOCATED_GPU_FRACTION
        util = np.where(unallocated, 0.0, util)
        util = self.control.drain(util, t, self.seed, [s.name for s in specs])
        if self.faults_from is not None:
            util = demo_faults.adjust_utilisation(self.faults_from, t, util, sector[:, 0],
                                                 self.faults_on_s)
        return np.clip(util, 0.0, 100.0)

    def work_org(self, t: float) -> np.ndarray:
        """(nodes, GPUs) index into ORGANISATIONS of whose work a GPU runs at time t: the node's
        own organisation, except on private nodes, where a startup of the pool holds each GPU
        for a five-minute burst."""
        specs = self.inventory.nodes
        node = np.arange(len(specs))[:, None]
        gpu = np.arange(GPUS_PER_NODE)[None, :]
        sector = self.control.sector_index(specs)
        own = np.array([ORGANISATIONS.index(s.organisation) for s in specs])
        # a node moved to another sector works for an organisation of its new sector
        moved = np.flatnonzero(sector != [SECTORS.index(s.sector) for s in specs])
        for i in moved:
            theirs = [k for k, o in enumerate(ORGANISATIONS) if o.sector == SECTORS[sector[i]]]
            own[i] = theirs[i % len(theirs)]
        private = [i for i, o in enumerate(ORGANISATIONS) if o.sector == Sector.PRIVATE]
        pick = (uniform(self.seed, 13, node, gpu, int(t // 300)) * len(private)).astype(int)
        pooled = np.array(private)[pick]
        is_private = (sector == SECTORS.index(Sector.PRIVATE))[:, None]
        return np.where(is_private, pooled, own[:, None])

    def sector_series(
        self, t0: float, t1: float, step: float, busy_threshold: float = 5.0
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """At t0, t0+step … < t1: (times, mean utilisation %, busy GPUs), per sector
        ((sectors, times) each)."""
        times = np.arange(t0, t1, step)
        sector = self.control.sector_index(self.inventory.nodes)
        util = np.full((len(SECTORS), len(times)), np.nan)
        used = np.zeros((len(SECTORS), len(times)))
        for j, t in enumerate(times):
            gpus = self.utilisation(float(t))
            for i in range(len(SECTORS)):
                mine = gpus[sector == i]
                if mine.size:
                    util[i, j] = mine.mean()
                    used[i, j] = (mine >= busy_threshold).sum()
        return times, util, used

    def unreachable(self, t: float) -> int | None:
        """Index of the node that is unreachable at time t, if any."""
        window = int(t // OUTAGE_WINDOW_S)
        if t % OUTAGE_WINDOW_S >= OUTAGE_LENGTH_S:
            return None
        if uniform(self.seed, 8, window) >= OUTAGE_PROBABILITY:
            return None
        return int(uniform(self.seed, 9, window) * len(self.inventory.nodes))

    def arrays(self, t: float) -> dict[str, np.ndarray]:
        """Every GPU's values at time t as (nodes, GPUs) arrays, and each node's CPU %."""
        util = self.utilisation(t)
        n = util.shape[0]
        noise = demo_energy.noise_at(self.seed, n, GPUS_PER_NODE, int(t // 10))
        cell = np.arange(n)[:, None], np.arange(GPUS_PER_NODE)[None, :], int(t // 3600)
        job_mem = 0.25 + 0.7 * uniform(self.seed, 11, *cell)
        return {
            "util": util,
            "util_mem": util * (0.45 + 0.2 * noise),
            "mem": np.where(util > 3, GPU_MEM_MIB * job_mem, 512.0),
            "temp": 29 + 0.45 * util + 3 * noise,
            "power": demo_energy.gpu_power(util, noise),
            "cpu": demo_energy.cpu_percent(util, noise[:, 0]),
        }

    def sample(self, t: float) -> list[NodeSample | NodeEvent]:
        a = self.arrays(t)
        util = a["util"]
        # round and convert with numpy once: per-value Python calls cost more than the model
        u = np.round(util, 1).tolist()
        um = np.round(a["util_mem"], 1).tolist()
        mem = np.round(a["mem"]).tolist()
        temp = np.round(a["temp"]).tolist()
        power = np.round(a["power"], 1).tolist()
        cpu = np.round(a["cpu"], 1).tolist()
        energy, cpu_energy = (np.round(j, 3).tolist() for j in self.energy.at(t))  # mJ, as NVML
        busy = (util.mean(axis=1) / 100.0).tolist()
        org = self.work_org(t).tolist()
        net = uniform(self.seed, 14, np.arange(len(self.inventory.nodes)), int(t // 5)).tolist()
        users = [[sim_user(o.id, k) for k in range(USERS_PER_ORG)] for o in ORGANISATIONS]
        down = self.unreachable(t)
        uuids = self.uuids
        if not uuids:  # the first sample makes them once
            uuids.extend(
                [sim_uuid(self.seed, s.name, g) for g in range(s.gpu_count)]
                for s in self.inventory.nodes
            )
        out: list[NodeSample | NodeEvent] = []
        for i, spec in enumerate(self.inventory.nodes):
            if i == down:
                out.append(NodeEvent(spec.name, t, NodeStatus.UNREACHABLE, TIMED_OUT.fill()))
                continue
            gpus = tuple(
                GpuSample(
                    index=g,
                    util_gpu=u[i][g],
                    util_mem=um[i][g],
                    mem_used_mib=mem[i][g],
                    mem_total_mib=GPU_MEM_MIB,
                    temp_c=temp[i][g],
                    power_w=power[i][g],
                    power_limit_w=demo_energy.GPU_POWER_LIMIT_W,
                    name=spec.gpu_model,
                    uuid=uuids[i][g],
                    energy_j=energy[i][g],
                    energy_estimated=False,  # a measured counter, as NVML's
                    processes=(
                        GpuProcess(
                            pid=10_000 + 97 * i + g,
                            user=users[org[i][g]][(i + g) % USERS_PER_ORG],
                            used_mib=mem[i][g] - 512,
                            command="python train.py",
                        ),
                    )
                    if u[i][g] > 3
                    else (),
                )
                for g in range(spec.gpu_count)
            )
            b = busy[i]
            info = NodeInfo(
                hostname=spec.name,
                kernel="6.1.0-27-amd64",
                driver="550.127.05",
                cuda="12.4",
                load1=round(cpu[i] * 1.28, 2),  # 128 cores: load follows CPU %
                load5=round(cpu[i] * 1.2, 2),
                load15=round(cpu[i] * 1.1, 2),
                mem_used_bytes=int(NODE_MEM_BYTES * (0.08 + 0.5 * b)),
                mem_total_bytes=NODE_MEM_BYTES,
                net_rx_bps=2e6 + 9e8 * b * net[i],
                net_tx_bps=1e6 + 3e8 * b * net[i] ** 2,
                uptime_s=t % (86400 * 40),
                cpu_energy_j=cpu_energy[i],
            )
            out.append(
                NodeSample(
                    spec.name,
                    t,
                    gpus,
                    cpu_percent=cpu[i],
                    mem_used_frac=0.08 + 0.5 * b,
                    info=info,
                )
            )
        if self.faults_from is not None:
            names = tuple(spec.name for spec in self.inventory.nodes)
            out = demo_faults.apply(self.faults_from, t, names, out, self.faults_on_s)
        return out


def sim_uuid(seed: int, node: str, gpu: int) -> str:
    """A GPU's UUID as NVML spells it, fixed by seed, node and index (exporters label with it)."""
    return "GPU-" + str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{seed}.{gpu}.{node}.demo.hangang"))


def sim_user(org_id: str, k: int) -> str:
    return f"{org_id.split('-')[-1][:6]}{k + 1:02d}"


class SimSource:
    """A poller source that samples a SimFleet every `interval` seconds on its own thread."""

    def __init__(
        self, fleet: SimFleet, interval: float = 1.0, clock: Callable[[], float] | None = None
    ) -> None:
        import time

        self.fleet = fleet
        self.interval = interval
        self.clock = clock or time.time  # the fleet's time; tests may run it faster
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._thread: threading.Thread | None = None

    kind = "demo"

    @property
    def node_count(self) -> int:
        return len(self.fleet.inventory.nodes)

    def start(
        self, sink: Callable[[NodeSample | NodeEvent], None], packed_sink: object = None
    ) -> None:
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(sink,), name="sim-source", daemon=True
        )
        self._thread.start()

    def _run(self, sink: Callable[[NodeSample | NodeEvent], None]) -> None:
        while not self._stop.is_set():
            if self._running.is_set():
                for item in self.fleet.sample(self.clock()):
                    sink(item)
            self._stop.wait(self.interval)

    def pause(self) -> None:
        """Stop producing samples (the nodes go stale), as if the source went down."""
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
