"""Quota mode's predicted waits: every sector under QOS caps on one shared partition.

As predict.py does for node partitions, with one difference: the sectors share the partition's
GPUs (and, with a borrow QOS, each other's idle caps), so they are replayed together
(quota_replay.py), and the bootstrap draws the same days for every sector at once, keeping a
day's arrivals of all sectors side by side (a busy day for one sector meets the others' same
day). The range is the 10th to 90th percentile across the resampled periods; with fewer than
MIN_JOBS jobs or MIN_DAYS days of a sector's history, that sector says so instead of guessing.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import translate
from console.whatif.jobs import DAY_S, JobHistory
from console.whatif.predict import (
    BLOCK_DAYS,
    MIN_DAYS,
    MIN_JOBS,
    RESAMPLES,
    Comparison,
    Forecast,
    _spread,
)
from console.whatif.quota_replay import Columns, QuotaReplay, replay_columns


@dataclass(frozen=True, slots=True)
class QuotaScene:
    """What the replay needs beside the caps: the shared partition and the borrowing."""

    capacity: int  # GPUs of the shared partition
    borrow: bool = False  # a borrow QOS is configured
    grace_s: float = 0.0
    # a requeued job's hold before it is eligible again: Slurm's cred_expire (AuthInfo, 120 s
    # unless a site sets it) plus one second
    requeue_s: float = 121.0


def quota_forecasts(
    history: JobHistory,
    scene: QuotaScene,
    caps: Mapping[Sector, int | None],
    seed: int = 0,
    resamples: int = RESAMPLES,
) -> dict[Sector, Forecast]:
    def run(jobs: Columns) -> QuotaReplay:
        return replay_columns(
            jobs, scene.capacity, caps, history.start, history.end, scene.borrow, scene.grace_s,
            requeue_s=scene.requeue_s,
        )

    cap_of = {s: scene.capacity if caps.get(s) is None else int(caps[s]) for s in SECTORS}
    whole = Columns.of(history.jobs)
    point = run(whole)
    key = ",".join(f"{s.value}={cap_of[s]}" for s in SECTORS)
    rng = random.Random(f"{seed}:quota:{key}:{scene.capacity}:{scene.borrow}")
    days = _days(history)
    samples = [run(_resampled(whole, days, rng)) for _ in range(resamples)]
    out = {}
    for s in SECTORS:
        jobs = len(history.of_sector(s))
        if jobs < MIN_JOBS or history.days < MIN_DAYS:
            why = translate("WhatIf", "{jobs} jobs in {days} days").fill(
                jobs=jobs, days=history.days
            )
            out[s] = Forecast(s, cap_of[s], jobs, insufficient=why)
            continue
        r = point.sectors[s]
        waits = [x.sectors[s].waits_s for x in samples if x.sectors[s].waits_s]
        out[s] = Forecast(
            s,
            cap_of[s],
            jobs,
            p50_wait_s=float(np.percentile(r.waits_s, 50)) if r.waits_s else None,
            p90_wait_s=float(np.percentile(r.waits_s, 90)) if r.waits_s else None,
            p50_range=_spread([float(np.percentile(w, 50)) for w in waits]),
            p90_range=_spread([float(np.percentile(w, 90)) for w in waits]),
            utilisation=r.utilisation,
            mean_queue=r.mean_queue,
            too_big=r.too_big,
        )
    return out


def compare_quota(
    history: JobHistory,
    scene: QuotaScene,
    before: Mapping[Sector, int | None],
    after: Mapping[Sector, int | None],
    seed: int = 0,
) -> dict[Sector, Comparison]:
    """Per sector, the forecast under today's caps and under the plan's (same seed)."""
    then = quota_forecasts(history, scene, before, seed)
    now = quota_forecasts(history, scene, after, seed)
    return {s: Comparison(then[s], now[s]) for s in SECTORS}


def _days(history: JobHistory) -> list[list[int]]:
    """The indices of history.jobs submitted on each day of the period."""
    days: list[list[int]] = [[] for _ in range(history.days)]
    last, start = history.days - 1, history.start
    for k, job in enumerate(history.jobs):
        days[min(last, int((job.submit - start) // DAY_S))].append(k)
    return days


def _resampled(jobs: Columns, days: list[list[int]], rng: random.Random) -> Columns:
    """The period again, in runs of BLOCK_DAYS consecutive days drawn at random, the same days
    for every sector (a moving-block bootstrap over the whole partition). `days`: _days().
    Index lists, not a Job per resampled job: making those was a fifth of the forecast's time."""
    picked: list[int] = []
    submit: list[float] = []
    base = jobs.submit
    block = min(BLOCK_DAYS, len(days))
    for slot in range(0, len(days), block):
        source = rng.randrange(len(days) - block + 1)
        shift = (slot - source) * DAY_S
        for offset in range(min(block, len(days) - slot)):
            day = days[source + offset]
            picked += day
            submit += [base[k] + shift for k in day]
    order = sorted(range(len(picked)), key=submit.__getitem__)  # stable, as a sort of jobs
    chosen = [picked[p] for p in order]
    return Columns([jobs.sec[k] for k in chosen], [jobs.gpus[k] for k in chosen],
                   [submit[p] for p in order], [jobs.run_s[k] for k in chosen],
                   [jobs.limit_s[k] for k in chosen])
