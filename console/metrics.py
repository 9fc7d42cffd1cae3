"""The metric registry: every metric described once and reused by every view.

Units, ranges, thresholds and colour scales live here. Display names are UI text and live beside
the widgets (widgets/labels.py), translated through Qt like every other string; a test checks that
each metric here has one.
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
class MetricRegistry:
    metrics: tuple[Metric, ...]
    busy_threshold: float = 5.0  # a GPU at or above this utilisation (%) counts as in use

    def __getitem__(self, key: str) -> Metric:
        for m in self.metrics:
            if m.key == key:
                return m
        raise KeyError(key)

    def keys(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.metrics)


def default_registry() -> MetricRegistry:
    return MetricRegistry(
        metrics=(
            Metric("util_gpu", "%", 0, 100),
            Metric("util_mem", "%", 0, 100),
            Metric("mem_used", "GiB", 0, 80, decimals=1),
            Metric("temp", "°C", 20, 95, warn=83, crit=90, colormap="inferno"),
            Metric("power", "W", 0, 700, colormap="inferno"),
            Metric("cpu", "%", 0, 100),
        )
    )
