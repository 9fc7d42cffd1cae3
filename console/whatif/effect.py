"""What a plan would do to each sector's queue, in words: "p90 wait 3.1 h → 0.8 h (range …)".

The board's preview, its tooltip and `rebalance --dry-run` all say it from here, so they agree.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import say, translate
from console.i18n.names import sector_name
from console.whatif.jobs import JobHistory
from console.whatif.predict import MIN_DAYS, MIN_JOBS, Comparison, Forecast, compare
from console.whatif.quota_predict import QuotaScene
from console.whatif.rank import Ranked, Touched, sectors_changed

HistorySource = Callable[[], JobHistory | None]


class HistoryUnavailable(Exception):
    """A history source that could not read its jobs (slurmdbd down, hanging, or answering what
    cannot be read): `phrase` says so, for the board and the commands to show instead of a
    prediction."""

    def __init__(self, phrase) -> None:
        super().__init__(str(phrase))
        self.phrase = phrase

    def text(self, lang: str) -> str:
        return say(self.phrase, lang)


def plan_effect(
    history: JobHistory, before: Mapping[Sector, int], after: Mapping[Sector, int], seed: int = 0
) -> dict[Sector, Comparison]:
    return compare(history, before, after, seed)


def hours(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return "-"
    if seconds < 3600:
        return translate("WhatIf", "{n} min").into(lang, n=f"{seconds / 60:.0f}")
    return translate("WhatIf", "{n} h").into(lang, n=f"{seconds / 3600:.1f}")


def forecast_range(f: Forecast, lang: str) -> str:
    if f.p90_range is None:
        return ""
    return translate("WhatIf", "range {low}–{high}").into(
        lang, low=hours(f.p90_range.low, lang), high=hours(f.p90_range.high, lang)
    )


def effect_line(c: Comparison, lang: str) -> str:
    """One sector: its p90 wait before → after, with the after's range; or why there is none."""
    if c.before.insufficient or c.after.insufficient:
        return translate("WhatIf", "{sector}: too little history to predict ({why})").into(
            lang,
            sector=sector_name(c.before.sector, lang),
            why=say(c.before.insufficient or c.after.insufficient, lang),
        )
    text = translate("WhatIf", "{sector}: p90 wait {before} → {after} ({range}), p50 {p50}").into(
        lang,
        sector=sector_name(c.before.sector, lang),
        before=hours(c.before.p90_wait_s, lang),
        after=hours(c.after.p90_wait_s, lang),
        range=forecast_range(c.after, lang),
        p50=f"{hours(c.before.p50_wait_s, lang)} → {hours(c.after.p50_wait_s, lang)}",
    )
    if c.after.too_big:
        text += " " + translate("WhatIf", "({count} jobs would no longer fit at all)").into(
            lang, count=c.after.too_big
        )
    return text


def too_little(history: JobHistory, lang: str) -> str:
    """"" when every sector has enough history to predict, else which lack it and why."""
    short = [
        translate("WhatIf", "{sector} ({jobs} jobs in {days} days)").into(
            lang, sector=sector_name(s, lang), jobs=len(history.of_sector(s)), days=history.days
        )
        for s in SECTORS
        if len(history.of_sector(s)) < MIN_JOBS or history.days < MIN_DAYS
    ]
    if not short:
        return ""
    warning = translate("WhatIf", "Too little history to predict, no figure is guessed: {short}.")
    return warning.into(lang, short=", ".join(short))


def method_text(history: JobHistory, lang: str, quota: QuotaScene | None = None) -> str:
    """How the prediction is made and what it cannot see (tooltip, report appendix); first,
    which sectors have too little history to predict at all. `quota`: in quota mode, the
    shared partition and the borrowing the replay used (console/whatif/quota_replay.py)."""
    warning = too_little(history, lang)
    body = _method(history, lang) if quota is None else _quota_method(history, quota, lang)
    return (warning + "\n\n" if warning else "") + body


def _period(history: JobHistory) -> tuple[str, str]:
    start = time.strftime("%Y-%m-%d", time.gmtime(history.start))
    end = time.strftime("%Y-%m-%d", time.gmtime(history.end - 1))
    return start, end


def _quota_method(history: JobHistory, scene: QuotaScene, lang: str) -> str:
    start, end = _period(history)
    if scene.borrow:
        borrow = translate(
            "WhatIf",
            "With the borrow QOS, a job submitted while its sector's jobs already fill the cap "
            "goes to the borrow QOS and stays there: it runs at lower priority on GPUs nobody "
            "holds and is requeued when an owner's job within its cap needs them: it stops after "
            "the grace time ({grace} s, ended at Slurm's 30 s time-limit check), the owner's job "
            "starts then, and the borrower may start again from zero only {hold} s later (the "
            "credential's lifetime); its wait counts until the run that finishes. Jobs "
            "submitted straight to the borrow QOS are not told apart from the others. Checked "
            "against Slurm on short runs; over long runs with much borrowing the waits are less "
            "sure than the range says.",
        ).into(lang, grace=f"{scene.grace_s:.0f}", hold=f"{scene.requeue_s:.0f}")
    else:
        borrow = translate("WhatIf", "No borrow QOS: no sector runs above its cap.").into(lang)
    return translate(
        "WhatIf",
        "Replays the {jobs} jobs the sectors submitted from {start} to {end} ({source}) on the "
        "shared partition's {gpus} GPUs, each sector's own jobs held to its QOS cap, before and "
        "after the plan, scheduled as Slurm would (submit order; a job at its cap does not hold "
        "back the others; reservations from time limits for the partition's GPUs). {borrow} The "
        "range is the 10th–90th percentile over {days}-day histories drawn again from those "
        "days, the same days for every sector. Needs at least {min_jobs} jobs over {min_days} "
        "days per sector. Not seen: work already running at the start, fair share between "
        "users, users submitting differently once waits change, node failures, and which node "
        "the GPUs are on (the partition's GPUs are one pool: a job asking for a whole node "
        "may wait longer for one node to empty).",
    ).into(
        lang,
        jobs=len(history.jobs),
        start=start,
        end=end,
        source=history.source or "-",
        gpus=scene.capacity,
        borrow=borrow,
        days=history.days,
        min_jobs=MIN_JOBS,
        min_days=MIN_DAYS,
    )


def _method(history: JobHistory, lang: str) -> str:
    start, end = _period(history)
    return translate(
        "WhatIf",
        "Replays the {jobs} jobs each sector submitted from {start} to {end} ({source}) against "
        "its GPUs before and after the plan, scheduled as Slurm's backfill would (submit order, "
        "reservations from time limits). The range is the 10th–90th percentile over {days}-day "
        "histories drawn again from those days. Needs at least {min_jobs} jobs over {min_days} "
        "days per sector. Not seen: work already running at the start, fair share between users, "
        "users submitting differently once waits change, node failures.",
    ).into(
        lang,
        jobs=len(history.jobs),
        start=start,
        end=end,
        source=history.source or "-",
        days=history.days,
        min_jobs=MIN_JOBS,
        min_days=MIN_DAYS,
    )


def effect_lines(effect: Mapping[Sector, Comparison], lang: str) -> list[str]:
    return [effect_line(effect[s], lang) for s in SECTORS if s in effect]


def ranked_lines(ranked: Ranked, lang: str) -> list[str]:
    """A ranked recommendation's predicted effect: the net p90 saving, each sector it changes,
    and the guarantee margins it uses up (the board's recommendations)."""
    changed = sectors_changed(ranked.effect)
    if any(ranked.effect[s].before.insufficient or ranked.effect[s].after.insufficient
           for s in changed):
        return [effect_line(ranked.effect[s], lang) for s in changed]
    saved = ranked.p90_saved_s
    if saved >= 0:
        net = translate("WhatIf", "saves {time} of p90 wait in all")
    else:
        net = translate("WhatIf", "adds {time} of p90 wait in all")
    lines = [net.into(lang, time=hours(abs(saved), lang))]
    lines += [effect_line(ranked.effect[s], lang) for s in changed]
    return lines + [touched_line(t, lang) for t in ranked.touched]


def touched_line(t: Touched, lang: str) -> str:
    """A sector the plan takes GPUs from, against its guarantee (below it only by override)."""
    if t.after >= t.guarantee:
        text = translate(
            "WhatIf", "{sector}: {before} → {after} GPUs, guarantee {guarantee} ({margin} above it)"
        )
    else:
        text = translate(
            "WhatIf", "{sector}: {before} → {after} GPUs, guarantee {guarantee} ({margin} below it)"
        )
    return text.into(
        lang,
        sector=sector_name(t.sector, lang),
        before=t.before,
        after=t.after,
        guarantee=t.guarantee,
        margin=abs(t.after - t.guarantee),
    )


class CachedHistory:
    """A history source that reads (or makes) the history once per hour: a drag on the board
    must not re-read sacct. A read that failed (HistoryUnavailable) is not retried for
    RETRY_S, so a hanging slurmdbd costs one timeout, not one per plan drawn. Callers on
    several threads (the forecast and the recommendations) wait for one read."""

    RETRY_S = 300.0

    def __init__(self, make: Callable[[float], JobHistory | None], clock=time.time) -> None:
        self._make, self._clock = make, clock
        self._key: float | None = None
        self._value: JobHistory | None = None
        self._failed: tuple[float, HistoryUnavailable] | None = None
        self._lock = threading.Lock()

    def __call__(self) -> JobHistory | None:
        with self._lock:
            now = self._clock()
            if self._failed is not None:
                when, problem = self._failed
                if now - when < self.RETRY_S:
                    raise problem
                self._failed = None
            key = now - now % 3600
            if key != self._key:
                try:
                    value = self._make(key)
                except HistoryUnavailable as exc:
                    self._failed = (now, exc)
                    raise
                self._value, self._key = value, key
            return self._value
