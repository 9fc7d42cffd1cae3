"""One node's history in Prometheus mode: the lines a node window draws past its memory (means and
maxima over the node's GPUs, its CPU) from one range query to the room's Prometheus, so a
console opened this morning shows the node's night, as the sector plot does.

The lines are those of HistoryDB.node_rollups read through widgets/history/query.node_rollups:
util_mean, util_max, mem_pct, temp_max, power_w, cpu_pct, one value per bucket of `step`
seconds starting at the bucket's start (a range query's point at T covers (T - step, T], so the
query is asked one step later and its times moved back).
"""

from __future__ import annotations

import math

import numpy as np

from console.room import names
from console.sources.prometheus.client import PrometheusClient
from console.sources.prometheus.queries import CELL

LINES = ("util_mean", "util_max", "mem_pct", "temp_max", "power_w", "cpu_pct")
MAX_POINTS = 10_000  # Prometheus refuses more than 11,000 points per series


def _quoted(node: str) -> str:
    return node.replace("\\", "\\\\").replace('"', '\\"')


def _over(fn: str, metric: str, node: str, window: str) -> str:
    """`fn`_over_time of one metric of this node, per GPU, under either host label spelling."""
    cell = ", ".join(CELL)
    each = " or ".join(
        f'{fn}_over_time({metric}{{{label}="{_quoted(node)}"}}[{window}])'
        for label in names.HOSTNAME_LABELS
    )
    return f"max by ({cell}) ({each})"


def node_query(node: str, step_s: int) -> str:
    """The six lines of one node, tagged by label `k`; each GPU's MIG rows count once."""
    w = f"{int(step_s)}s"

    def util(fn: str) -> str:  # the profiling ratio where exported, else GPU_UTIL (%)
        return (
            f"({_over(fn, names.DCGM_PROF_ACTIVE, node, w)} * 100 "
            f"or {_over(fn, names.DCGM_UTIL, node, w)})"
        )

    used, free = (_over("avg", m, node, w) for m in (names.DCGM_FB_USED, names.DCGM_FB_FREE))
    parts = {
        "util_mean": f"avg({util('avg')})",
        "util_max": f"max({util('max')})",
        "mem_pct": f"avg(100 * {used} / ({used} + {free}))",
        "temp_max": f"max({_over('max', names.DCGM_TEMP, node, w)})",
        "power_w": f"avg({_over('avg', names.DCGM_POWER, node, w)})",
        "cpu_pct": (f'max(avg_over_time({names.NODE_CPU_PERCENT}{{node="{_quoted(node)}"}}[{w}]))'),
    }
    return " or ".join(f'label_replace({q}, "k", "{k}", "", "")' for k, q in parts.items())


def node_series(
    client: PrometheusClient, node: str, t0: float, t1: float, res: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(bucket starts on a regular grid, {line: values, NaN where nothing was scraped}) for
    [t0, t1); raises PrometheusError (the window says why)."""
    step = int(max(res, math.ceil((t1 - t0) / MAX_POINTS)))
    first = math.floor(t0 / step) * step
    last = max(first, math.floor((t1 - 1e-9) / step) * step)
    grid = np.arange(first, last + 1, step, dtype=np.int64)
    values = {k: np.full(len(grid), np.nan) for k in LINES}
    for labels, points in client.range(node_query(node, step), first + step, last + step, step):
        line = values.get(labels.get("k", ""))
        if line is None:
            continue
        for t, v in points:
            i = round((t - step - first) / step)
            if 0 <= i < len(grid) and math.isfinite(v):
                line[i] = v
    return grid.astype(np.float64), values


# A node window's memory-health columns, read back from dcgm-exporter's names (serve exports
# them from the probe's fields; a site's own dcgm-exporter has the same): metric → GpuSample field
HEALTH = {
    names.DCGM_ECC_SBE: "ecc_corrected_volatile",
    names.DCGM_ECC_SBE_AGG: "ecc_corrected_aggregate",
    names.DCGM_ECC_DBE: "ecc_uncorrected_volatile",
    names.DCGM_ECC_DBE_AGG: "ecc_uncorrected_aggregate",
    names.DCGM_RETIRED_SBE: "retired_pages_sbe",
    names.DCGM_RETIRED_DBE: "retired_pages_dbe",
    names.DCGM_RETIRED_PENDING: "retired_pages_pending",
    names.DCGM_ROW_REMAP_PENDING: "remapped_rows_pending",
    names.DCGM_ROW_REMAP_FAIL: "remapped_rows_failure",
}


def health_query(node: str) -> str:
    pattern = "|".join(HEALTH)
    return " or ".join(
        f'max by (__name__, gpu) ({{__name__=~"{pattern}", {label}="{_quoted(node)}"}})'
        for label in names.HOSTNAME_LABELS
    )


def node_health(client: PrometheusClient, node: str) -> dict[int, dict[str, float]]:
    """Per GPU index the memory-health values Prometheus has now for this node (what it lacks
    is left out: a board without retired pages, an exporter without the field)."""
    out: dict[int, dict[str, float]] = {}
    for series in client.instant(health_query(node)):
        field = HEALTH.get(series.labels.get("__name__", ""))
        gpu = series.labels.get("gpu", "")
        if field is None or not gpu.isdigit() or not math.isfinite(series.value):
            continue
        out.setdefault(int(gpu), {})[field] = series.value
    return out
