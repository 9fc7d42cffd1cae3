"""PrometheusSource: the poller's source for a fleet someone else collects (serve, or a site's
dcgm-exporter + node_exporter scraped by Prometheus or anything that speaks its query API).

Every `interval` its worker thread asks a few instant queries, decodes them into PackedSamples and
NodeEvents, and hands them to the poller exactly as the SSH collectors do, so FleetState and every
page work unchanged. The GUI thread never waits on the network. When the server is down, slow or
answers garbage the worker sends nothing (FleetState keeps the last values and they age into
STALE, as a silent SSH node does) and `problem` says why in one sentence, for the banner.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from console.fleet.model import NodeEvent, NodeSample
from console.fleet.packing import PackedSamples
from console.i18n.catalogue import Phrase, reason_of
from console.inventory.model import Inventory
from console.sources.prometheus import queries
from console.sources.prometheus.client import PrometheusClient, PrometheusError
from console.sources.prometheus.decode import Decoder, HostMap

log = logging.getLogger("hangang.prometheus")
QUERIES_IN_FLIGHT = 10  # 8 per-GPU queries and the small ones: nearly all out at once


@dataclass(frozen=True, slots=True)
class Refresh:
    """What one refresh produced; `seconds` is the worker's time for queries + decoding."""

    packed: PackedSamples | None
    events: tuple[NodeEvent, ...]
    seconds: float
    unknown: frozenset[str] = frozenset()
    decode_seconds: float = 0.0  # of `seconds`, the part after the last answer came in
    # the console's own CPU for it (the worker's and its query threads'): `seconds` less this
    # is, on an idle machine, the server's part
    cpu_seconds: float = 0.0


class PrometheusSource:
    kind = "prometheus"

    def __init__(
        self,
        client: PrometheusClient,
        inventory: Inventory,
        interval: float = 15.0,
        hosts: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.inventory = inventory
        self.interval = interval
        self._clock = clock
        width = max((n.gpu_count for n in inventory.nodes), default=8)
        self._decoder = Decoder(HostMap(inventory.nodes, hosts or {}), width)
        self._uname: dict[str, str] = {}
        self._kept: dict[str, tuple] = {}  # each per-GPU value's last answer (queries.due)
        self._asked_at: dict[str, int] = {}  # and the refresh that asked it
        # slower values less often (queries.LANES) only where asking them costs the server
        self.lanes = sum(n.gpu_count for n in inventory.nodes) >= queries.LANES_FROM_GPUS
        self._lock = threading.Lock()
        self._problem: Phrase | str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.refreshes = 0
        self.last_refresh_s: float | None = None
        # the queries of one refresh in flight together (made on first use, ended by stop)
        self._pool: ThreadPoolExecutor | None = None

    @property
    def node_count(self) -> int:
        return len(self.inventory.nodes)

    @property
    def url(self) -> str:
        return self.client.url

    @property
    def problem(self) -> str | None:
        """Why the server cannot be read now (a Phrase), or None while it can. Any thread."""
        with self._lock:
            return self._problem

    def _set_problem(self, problem: str | None) -> None:
        with self._lock:
            changed = problem != self._problem
            self._problem = problem
        if changed:
            if problem:
                log.warning("prometheus source: %s", problem)
            else:
                log.info("prometheus source: %s answers again", self.client.url)

    # -- one refresh -------------------------------------------------------------------------

    def refresh(self) -> Refresh:
        """Ask, decode, and say what came back; raises PrometheusError for a bad server.
        The queries go out together: the server evaluates them on its cores while this thread
        decodes the answers that are in."""
        started, cpu0 = time.perf_counter(), time.thread_time()
        now = self._clock()
        decoder = self._decoder
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                QUERIES_IN_FLIGHT, thread_name_prefix="prometheus-query"
            )
        spent: list[float] = []  # each query thread's CPU (list.append: atomic)

        def timed(call: Callable, *args):
            t = time.thread_time()
            try:
                return call(*args)
            finally:
                spent.append(time.thread_time() - t)

        def submit(call: Callable, *args):
            return self._pool.submit(timed, call, *args)

        ask = self.client.instant
        asked = (queries.due(self.refreshes, self.interval, self._asked_at) if self.lanes
                 else [*queries.EVERY, *queries.LANES])
        series = {queries.JOBS: queries.gpu_jobs, queries.HEALTH: queries.gpu_health}
        raw = {m: submit(self.client.instant_columns, queries.gpu_values(m))
               for m in asked if m not in series}
        for m in asked:
            if m in series:  # labelled series, not (host, GPU, value) cells
                raw[m] = submit(ask, series[m]())
        times = submit(self.client.instant_columns, queries.gpu_times(), "instance")
        side = {name: submit(ask, q) for name, q in (
            ("up", queries.targets()),
            ("uname", queries.uname()), ("cpu", queries.node_cpu(4 * self.interval)),
            ("disk", queries.node_disk()), ("rapl", queries.node_cpu_energy()),
            ("serve", queries.serve_node_values()),
            ("status", queries.serve_status()),
        )}
        try:
            gpu = {m: f.result() for m, f in raw.items()}
            got = {name: f.result() for name, f in side.items()}
            got["times"] = times.result()
        finally:
            for f in (*raw.values(), *side.values(), times):
                f.cancel()
        answered = time.perf_counter()
        # node_exporter's and serve's series: absent at many sites, never an error
        self._uname.update(decoder.learn_uname(got["uname"]))
        cpu = decoder.per_node(got["cpu"], self._uname)
        disk = decoder.per_node(got["disk"], self._uname)
        cpu_energy = decoder.per_node(got["rapl"], self._uname)
        serve_cpu, serve_disk, serve_energy = decoder.serve_values(got["serve"])
        cpu.update(serve_cpu)
        disk.update(serve_disk)
        cpu_energy.update(serve_energy)
        self._kept.update(gpu)
        self._asked_at.update(dict.fromkeys(gpu, self.refreshes))
        kept = {m: cells for m, cells in self._kept.items() if m not in gpu}
        decoded = decoder.decode(gpu, got["times"], now, cpu, disk, cpu_energy, kept)
        events = decoder.serve_events(got["status"], now)  # first: it names the serves
        events += decoder.down_targets(got["up"], now)
        seconds = time.perf_counter() - started
        self.last_refresh_s = seconds
        self.refreshes += 1
        cpu = time.thread_time() - cpu0 + sum(spent)
        return Refresh(decoded.packed, tuple(events), seconds, frozenset(decoded.unknown),
                       time.perf_counter() - answered, cpu)

    def history_over(self, local, busy_threshold: float):
        """What history plots read in this mode: sector series by range queries, the rest from
        the local store `local` (a HistoryStore)."""
        from console.sources.prometheus.history import PrometheusHistory

        return PrometheusHistory(self.client, self.inventory, local, busy_threshold)

    # -- the Source protocol -----------------------------------------------------------------

    def start(
        self,
        sink: Callable[[NodeSample | NodeEvent], None],
        packed_sink: Callable[[PackedSamples], None],
    ) -> None:
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(sink, packed_sink), name="prometheus-source", daemon=True
        )
        self._thread.start()

    def _run(self, sink, packed_sink) -> None:
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                result = self.refresh()
            except PrometheusError as exc:
                self._set_problem(reason_of(exc))
            except Exception as exc:  # a bug here must not end the source: say it, go on
                log.exception("prometheus source: refresh failed")
                self._set_problem(reason_of(exc))
            else:
                self._set_problem(None)
                if result.packed is not None:
                    packed_sink(result.packed)
                for event in result.events:
                    sink(event)
            self._stop.wait(max(0.05, self.interval - (time.monotonic() - began)))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.client.timeout_s + 5)
            self._thread = None
        # queries in flight end within the client's timeout; no thread outlives the source
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
