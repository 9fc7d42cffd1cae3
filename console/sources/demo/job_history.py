"""The demo fleet's job history: what its sectors submitted over the last days, for the what-if.

The shapes follow the demo's load (console/sources/demo/fleet.py): public submits short jobs of a
few GPUs in Seoul office hours on weekdays; public-interest runs long multi-node training around the
clock; private is bursty (quiet days, then many jobs at once). Arrival rates are set so that the
offered load is about each sector's typical use of its own GPUs, so the demo's queues are neither
empty nor runaway. Deterministic for a seed and an end time.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from console.fleet.model import Sector
from console.whatif.effect import CachedHistory
from console.whatif.jobs import DAY_S, Job, JobHistory

SEOUL = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True, slots=True)
class Shape:
    load: float  # offered GPU-hours per hour, as a share of the sector's GPUs
    gpus: tuple[int, ...]  # sizes asked, equally likely
    run_h: tuple[float, float]  # log-uniform run time, hours
    limit_factor: float  # time limit = run × this, rounded up to the hour (users over-ask)


SHAPES = {
    Sector.PUBLIC: Shape(0.55, (1, 2, 4, 8), (0.5, 6.0), 2.0),
    Sector.INTEREST: Shape(0.88, (8, 8, 16, 32), (4.0, 36.0), 1.5),
    Sector.PRIVATE: Shape(0.40, (1, 2, 4, 8), (0.5, 8.0), 3.0),
}


def demo_job_history(
    capacity: Mapping[Sector, int], end: float, days: int = 30, seed: int = 20261124
) -> JobHistory:
    """`days` of jobs up to `end`, for sectors that own `capacity` GPUs each."""
    start = end - days * DAY_S
    jobs: list[Job] = []
    for sector, shape in SHAPES.items():
        gpus = capacity.get(sector, 0)
        if gpus <= 0:
            continue
        rng = random.Random(f"{seed}:{sector.value}")
        jobs += _jobs(sector, shape, gpus, start, end, rng)
    return JobHistory.of(start, end, jobs, source="demo")


def _jobs(sector: Sector, shape: Shape, capacity: int, start: float, end: float, rng) -> list:
    mean_gpus = sum(shape.gpus) / len(shape.gpus)
    lo, hi = shape.run_h
    mean_run_h = (hi - lo) / math.log(hi / lo)  # the mean of a log-uniform run time
    per_hour = shape.load * capacity / (mean_gpus * mean_run_h)
    out: list[Job] = []
    hour = start - start % 3600
    burst = 1.0
    while hour < end:
        local = datetime.fromtimestamp(hour, SEOUL)
        rate = per_hour * _rhythm(sector, local)
        if sector is Sector.PRIVATE and local.hour == 0:
            burst = rng.choice((0.2, 0.5, 1.0, 1.0, 2.5))  # a day's mood, drawn at midnight
        if sector is Sector.PRIVATE:
            rate *= burst
        for _ in range(_poisson(rng, rate)):
            submit = hour + rng.random() * 3600
            if not start <= submit < end:
                continue
            run_h = math.exp(rng.uniform(math.log(lo), math.log(hi)))
            limit_h = math.ceil(run_h * shape.limit_factor)
            out.append(
                Job(
                    sector,
                    submit,
                    min(rng.choice(shape.gpus), capacity),
                    run_h * 3600,
                    limit_h * 3600.0,
                    f"demo-{sector.value}-{len(out)}",
                )
            )
        hour += 3600
    return out


def _rhythm(sector: Sector, local: datetime) -> float:
    """How busy submitting is at this hour, mean 1 over a week."""
    if sector is Sector.PUBLIC:
        office = local.weekday() < 5 and 9 <= local.hour < 18
        return 2.2 if office else 0.5  # office hours carry most of the week's jobs; mean ~1
    if sector is Sector.PRIVATE:
        return 1.7 if 10 <= local.hour < 22 else 0.3
    return 1.0


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def demo_history_source(inventory, seed: int, days: int = 30) -> CachedHistory:
    """The demo fleet's synthetic history, for sectors the size the fleet file makes them (the
    demand does not follow a plan: the plan is what is being judged)."""
    nominal = {s: 0 for s in SHAPES}
    for spec in inventory.nodes:
        nominal[spec.sector] = nominal.get(spec.sector, 0) + spec.gpu_count
    return CachedHistory(lambda end: demo_job_history(nominal, end, days=days, seed=seed))
