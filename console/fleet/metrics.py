"""The metric registry: every metric described once and reused by every view.

Units, ranges, thresholds and colour scales live here. Display names are UI text and live beside
the widgets (widgets/common/labels.py), translated through Qt like every other string; a test
checks that each metric here has one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    unit: str
    lo: float  # colour scale range
    hi: float
    warn: float | None = None  # at or above: warning colour
    crit: float | None = None  # at or above: critical colour
    colormap: str = "viridis"
    decimals: int = 0


@dataclass(frozen=True, slots=True)
class AlertDefault:
    """An alert rule's defaults (console/alerts/engine.py); operators override them in settings.

    A value rule fires at or above `threshold` (critical at or above `critical`) and, once open,
    stays while the value is above `threshold - hysteresis`. Every rule waits `fire_after_s` of
    its condition before it opens an incident and `clear_after_s` without it before closing.
    """

    rule: str
    scope: str  # "gpu", "node" or "sector"
    severity: str  # "critical", "error" or "warning"
    threshold: float | None = None  # None: the rule has no value (a state or an event)
    critical: float | None = None
    hysteresis: float = 0.0
    unit: str = ""
    fire_after_s: float = 0.0
    clear_after_s: float = 60.0


# XIDs that mean lost work or a board in trouble (others are warnings): double-bit ECC (48),
# internal micro-controller halt (62), ECC page retirement failure (64), NVLink (74), fallen off
# the bus (79), uncontained ECC (95), GSP errors (119, 120)
XID_CRITICAL_CODES = (48, 62, 64, 74, 79, 95, 119, 120)


@dataclass(frozen=True, slots=True)
class MetricRegistry:
    metrics: tuple[Metric, ...]
    busy_threshold: float = 5.0  # a GPU at or above this utilisation (%) counts as in use
    alerts: tuple[AlertDefault, ...] = ()
    xid_critical: tuple[int, ...] = XID_CRITICAL_CODES

    def alert(self, rule: str) -> AlertDefault:
        for a in self.alerts:
            if a.rule == rule:
                return a
        raise KeyError(rule)

    def __getitem__(self, key: str) -> Metric:
        for m in self.metrics:
            if m.key == key:
                return m
        raise KeyError(key)

    def keys(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.metrics)


def default_registry() -> MetricRegistry:
    metrics = (
        Metric("util_gpu", "%", 0, 100),
        Metric("util_mem", "%", 0, 100),
        Metric("mem_used", "GiB", 0, 80, decimals=1),
        Metric("temp", "°C", 20, 95, warn=83, crit=90, colormap="inferno"),
        Metric("temp_mem", "°C", 20, 105, warn=85, crit=95, colormap="inferno"),
        Metric("power", "W", 0, 700, colormap="inferno"),
        Metric("cpu", "%", 0, 100),
        Metric("disk", "%", 0, 100, warn=90, crit=97),
    )
    return MetricRegistry(metrics=metrics, alerts=default_alerts(metrics))


def default_alerts(metrics: tuple[Metric, ...]) -> tuple[AlertDefault, ...]:
    """Every alert rule's defaults; value thresholds come from the metrics they watch."""
    m = {x.key: x for x in metrics}

    def value(rule: str, scope: str, metric: str, hysteresis: float, fire: float, clear: float):
        x = m[metric]
        return AlertDefault(rule, scope, "warning", x.warn, x.crit, hysteresis, x.unit, fire, clear)

    return (
        value("gpu_temp", "gpu", "temp", 3.0, 10.0, 60.0),
        value("mem_temp", "gpu", "temp_mem", 3.0, 10.0, 60.0),
        AlertDefault("thermal_throttle", "gpu", "warning", fire_after_s=20.0, clear_after_s=60.0),
        AlertDefault("power_brake", "gpu", "error", fire_after_s=0.0, clear_after_s=60.0),
        AlertDefault("ecc_uncorrected", "gpu", "error", 1.0, clear_after_s=300.0),
        AlertDefault("remap_pending", "gpu", "warning", clear_after_s=300.0),
        AlertDefault("remap_failure", "gpu", "critical", clear_after_s=300.0),
        AlertDefault("retire_pending", "gpu", "warning", clear_after_s=300.0),
        AlertDefault("xid", "gpu", "error", clear_after_s=300.0),
        AlertDefault("gpu_lost", "gpu", "critical", clear_after_s=60.0),
        AlertDefault("node_unreachable", "node", "critical", fire_after_s=30, clear_after_s=30),
        AlertDefault("node_stale", "node", "warning", fire_after_s=15, clear_after_s=15),
        AlertDefault("probe_error", "node", "error", fire_after_s=15, clear_after_s=30),
        AlertDefault("hostkey_changed", "node", "critical", clear_after_s=0.0),
        value("disk_full", "node", "disk", 1.0, 30.0, 60.0),
        # a sector may borrow idle GPUs; far above its guaranteed share is worth a look
        AlertDefault(
            "sector_over_entitlement", "sector", "warning", 110.0, None, 5.0, "%", 30, 120
        ),
        # pending demand (from the capacity backend) while GPUs idle in other sectors
        AlertDefault("sector_starved", "sector", "error", 1.0, None, 0.0, "GPU", 30, 60),
        # a Slurm job whose GPUs have all been at ~0 % this many minutes ([alerts]
        # idle_job_minutes); the streak is the tracker's (console/fleet/job_usage.py), so no
        # hold time here, and it closes as soon as the job works or ends
        AlertDefault("idle_job", "gpu", "warning", 60.0, None, 0.0, "min", 0.0, 0.0),
    )
