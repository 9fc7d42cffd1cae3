"""The predicted wait of each sector under a capacity, with its uncertainty, and before → after.

A forecast replays the sector's recorded arrivals (replay.py) against the capacity asked about.
Its uncertainty is the spread over resampled histories: the period's days drawn again with
replacement (a day keeps its own arrivals, so office hours and bursts stay whole), each replayed
the same way (in runs of three days, so a queue still spills over into the next day); the range
shown is the 10th to 90th percentile of the statistic across them. With
fewer than MIN_JOBS jobs or MIN_DAYS days of history the forecast says so instead of guessing.

Deterministic for a given seed. Known blind spots (said in the preview's tooltip and the report's
appendix): the replay starts with an empty cluster; priority is submit order inside a sector (no
fair share between its users); jobs that would be submitted differently under another capacity
(users adapting) are not modelled; node failures and drains are not replayed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import translate
from console.whatif.jobs import DAY_S, Job, JobHistory
from console.whatif.replay import Replay, replay

MIN_JOBS = 20
MIN_DAYS = 3
RESAMPLES = 12
BLOCK_DAYS = 3


@dataclass(frozen=True, slots=True)
class Range:
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Forecast:
    """One sector under one capacity. Waits in seconds; None where there is too little history."""

    sector: Sector
    capacity: int
    jobs: int
    p50_wait_s: float | None = None
    p90_wait_s: float | None = None
    p50_range: Range | None = None
    p90_range: Range | None = None
    utilisation: float | None = None
    mean_queue: float | None = None
    too_big: int = 0  # jobs larger than the capacity: they would never start
    insufficient: str | None = None  # why there is no forecast ("12 jobs in 2 days"), else None


@dataclass(frozen=True, slots=True)
class Comparison:
    before: Forecast
    after: Forecast

    @property
    def p90_saved_s(self) -> float:
        """How much the plan shortens the sector's p90 wait (negative: lengthens it)."""
        if self.before.p90_wait_s is None or self.after.p90_wait_s is None:
            return 0.0
        return self.before.p90_wait_s - self.after.p90_wait_s


def forecast(
    history: JobHistory,
    sector: Sector,
    capacity: int,
    seed: int = 0,
    resamples: int = RESAMPLES,
) -> Forecast:
    jobs = history.of_sector(sector)
    if len(jobs) < MIN_JOBS or history.days < MIN_DAYS:
        return Forecast(
            sector,
            capacity,
            len(jobs),
            insufficient=translate("WhatIf", "{jobs} jobs in {days} days").fill(
                jobs=len(jobs), days=history.days
            ),
        )
    point = replay(jobs, capacity, history.start, history.end)
    rng = random.Random(f"{seed}:{sector.value}:{capacity}")
    days = history.by_day(sector)
    p50s, p90s = [], []
    for _ in range(resamples):
        sample = _resampled(days, history.start, rng)
        r = replay(sample, capacity, history.start, history.end)
        if r.waits_s:
            p50s.append(float(np.percentile(r.waits_s, 50)))
            p90s.append(float(np.percentile(r.waits_s, 90)))
    return Forecast(
        sector,
        capacity,
        len(jobs),
        p50_wait_s=_pct(point, 50),
        p90_wait_s=_pct(point, 90),
        p50_range=_spread(p50s),
        p90_range=_spread(p90s),
        utilisation=point.utilisation,
        mean_queue=point.mean_queue,
        too_big=point.too_big,
    )


def compare(
    history: JobHistory,
    before: Mapping[Sector, int],
    after: Mapping[Sector, int],
    seed: int = 0,
    cache: dict | None = None,
) -> dict[Sector, Comparison]:
    """Per sector, the forecast under today's GPUs and under the plan's (same seed, same draws).
    `cache`: forecasts by (sector, capacity) kept between calls on the same history and seed
    (ranking several plans replays today's capacity once, not once per plan)."""
    memo: dict = {} if cache is None else cache

    def of(sector: Sector, capacity: int) -> Forecast:
        if (sector, capacity) not in memo:
            memo[sector, capacity] = forecast(history, sector, capacity, seed)
        return memo[sector, capacity]

    return {
        s: Comparison(of(s, before.get(s, 0)), of(s, after.get(s, 0))) for s in SECTORS
    }


def _resampled(days: list, start: float, rng: random.Random) -> list[Job]:
    """The period again, filled with runs of BLOCK_DAYS consecutive days drawn at random (their
    jobs moved there): a moving-block bootstrap, so a busy day's queue still spills into the next
    day as it did, instead of every day starting afresh."""
    out: list[Job] = []
    block = min(BLOCK_DAYS, len(days))
    for slot in range(0, len(days), block):
        source = rng.randrange(len(days) - block + 1)
        shift = (slot - source) * DAY_S
        for offset in range(min(block, len(days) - slot)):
            out.extend(_moved(j, shift) for j in days[source + offset])
    out.sort(key=lambda j: j.submit)
    return out


def _moved(job: Job, shift: float) -> Job:
    return Job(job.sector, job.submit + shift, job.gpus, job.run_s, job.limit_s, job.job_id)


def _pct(r: Replay, q: float) -> float | None:
    return float(np.percentile(r.waits_s, q)) if r.waits_s else None


def _spread(values: list[float]) -> Range | None:
    if not values:
        return None
    return Range(float(np.percentile(values, 10)), float(np.percentile(values, 90)))
