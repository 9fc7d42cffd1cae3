"""The room's books read back from Prometheus: serve's book counters (console/room/books.py)
turned into the history store's 15-minute usage and capacity rows, so `accounting` and `report`
run unchanged on what Prometheus (or VictoriaMetrics) kept, with no access to serve's disk.

The counters move only when a minute closes, a few seconds after it (serve's flush plus one
scrape). So the counter read at OFFSET_S past the end of a 15-minute bucket holds exactly the
minutes before that end, and the increase between two such reads is exactly one bucket's
minutes: one range query per family, step 900 s, aligned so. A serve restart is a counter reset
(serve's hangang_books_started_time_seconds changes, or a value goes down): the new value counts
from zero; what the old one counted after the last read before it stopped (at most one bucket) is
lost, as it would be from serve's own history if it died uncleanly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import pandas as pd

from console.fleet.model import SECTORS
from console.history.rollup import USAGE_FIELDS
from console.room import names as b
from console.sources.prometheus.client import PrometheusClient

BUCKET_S = 900
OFFSET_S = 45  # < 60 - (scrape interval + serve's flush): scrapes up to ~40 s apart work
MAX_POINTS = 10_000  # Prometheus refuses more than 11,000 points per series and query

FIELD_OF_KIND = {kind: field for field, kind in b.BOOKS_KIND_OF.items()}
ENERGY_FIELDS = ((b.BOOKS_GPU_ENERGY, "energy_j"),
                 (b.BOOKS_GPU_ENERGY_ESTIMATED, "energy_est_j"),
                 (b.BOOKS_CPU_ENERGY, "cpu_energy_j"))

Points = list[tuple[float, float]]


def bucket_of(read_at: float) -> int:
    """The bucket a read closes: read at its end + OFFSET_S, or (the bucket still open) now."""
    return math.ceil((read_at - OFFSET_S) / BUCKET_S) * BUCKET_S - BUCKET_S


def bucket_increases(points: Points, created: Points | None, first_bucket: int) -> dict[int, float]:
    """Per bucket start, the counter's increase over it, from reads at bucket end + OFFSET_S.

    `points` are (read time, value); `created` the same reads of serve's start time (None when
    the server has none: a decrease is then the only sign of a restart)."""
    made = dict(created or ())
    out: dict[int, float] = {}
    prev_v: float | None = None
    prev_c: float | None = None
    for t, v in points:
        bucket = bucket_of(t)
        c = made.get(t)
        restarted = prev_v is not None and (v < prev_v or (c is not None and prev_c is not None
                                                           and c != prev_c))
        if prev_v is None:
            # the first read: before the period it is the baseline; inside it, the instance's
            # value counts from zero only if it began in the period (else it is earlier periods')
            began_here = c is not None and c >= first_bucket - 60
            inc = v if bucket >= first_bucket and began_here else 0.0
        elif restarted:
            inc = v
        else:
            inc = v - prev_v
        if bucket >= first_bucket and inc > 0 and math.isfinite(inc):
            out[bucket] = out.get(bucket, 0.0) + inc
        prev_v, prev_c = v, c
    return out


def _reads(client: PrometheusClient, name: str, t0: int, t1: int,
           now: float) -> list[tuple[dict, Points]]:
    """The counter's series read at every bucket end + OFFSET_S, from the read before t0; a
    bucket still open is read now (a read in the future has no data)."""
    start, wanted = t0 + OFFSET_S, t1 + OFFSET_S  # the read at t0 + OFFSET_S ends the one before
    end = min(wanted, start + (now - start) // BUCKET_S * BUCKET_S)
    out: dict[tuple, tuple[dict, Points]] = {}
    chunk = MAX_POINTS * BUCKET_S
    at = start
    while at <= end:
        stop = min(end, at + chunk - BUCKET_S)
        for labels, points in client.range(name, at, stop, BUCKET_S):
            labels.pop("__name__", None)
            key = tuple(sorted(labels.items()))
            out.setdefault(key, (labels, []))[1].extend(points)
        at = stop + BUCKET_S
    if wanted > now >= start and bucket_of(now) < t1:
        for series in client.instant(name, at=now):
            series.labels.pop("__name__", None)
            key = tuple(sorted(series.labels.items()))
            out.setdefault(key, (series.labels, []))[1].append((now, series.value))
    return list(out.values())


def read_books(
    client: PrometheusClient, t0: float, t1: float,
    progress: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(usage rows, capacity rows) at 15 minutes for [t0, t1), in HistoryDB's columns."""
    t0, t1 = int(t0) // BUCKET_S * BUCKET_S, -(-int(t1) // BUCKET_S) * BUCKET_S
    now = time.time()
    Rows = dict[tuple[int, str, str, str], dict[str, float]]
    usage_rows: Rows = {}
    capacity: Rows = {}

    # one serve: one series (several: one per scrape target)
    started = _reads(client, b.BOOKS_STARTED, t0, t1, now)
    starts = {tuple(sorted((k, v) for k, v in lab.items() if k in ("job", "instance"))): pts
              for lab, pts in started}

    def add(target: Rows, name: str, field_of: Callable[[dict], str | None], key_of) -> None:
        if progress:
            progress(name)
        for labels, points in _reads(client, name + "_total", t0, t1, now):
            field = field_of(labels)
            if field is None:
                continue
            made = starts.get(tuple(sorted((k, v) for k, v in labels.items()
                                           if k in ("job", "instance"))))
            for bucket, inc in bucket_increases(points, made, t0).items():
                if bucket >= t1:
                    continue
                row = target.setdefault((bucket, *key_of(labels)), {})
                row[field] = row.get(field, 0.0) + inc

    def org_key(lab: dict) -> tuple[str, str, str]:
        return lab.get("sector", ""), lab.get("organisation", ""), lab.get("model", "")

    def sector_key(lab: dict) -> tuple[str, str, str]:
        return lab.get("sector", ""), "", ""

    kind = lambda lab: FIELD_OF_KIND.get(lab.get("kind", ""))  # noqa: E731
    add(usage_rows, b.BOOKS_GPU_SECONDS, kind, org_key)
    for name, field in ENERGY_FIELDS:
        add(usage_rows, name, lambda lab, f=field: f, org_key)
    add(capacity, b.BOOKS_ENTITLED, lambda lab: "entitled_s", sector_key)
    add(capacity, b.BOOKS_RECORDED, lambda lab: "span_s", sector_key)
    known = {s.value for s in SECTORS}
    u = pd.DataFrame(
        [{"t": k[0], "sector": k[1], "org": k[2], "model": k[3],
          **{f: row.get(f, 0.0) for f in USAGE_FIELDS}}
         for k, row in usage_rows.items() if k[1] in known],
        columns=["t", "sector", "org", "model", *USAGE_FIELDS])
    c = pd.DataFrame(
        [{"t": k[0], "sector": k[1], "entitled_s": row.get("entitled_s", 0.0),
          "span_s": row.get("span_s", 0.0)} for k, row in capacity.items() if k[1] in known],
        columns=["t", "sector", "entitled_s", "span_s"])
    return u.sort_values("t").reset_index(drop=True), c.sort_values("t").reset_index(drop=True)


def history_from_prometheus(
    client: PrometheusClient, t0: float, t1: float, path, organisations=()
):
    """A history file at `path` holding the room's books for [t0, t1) as Prometheus has them
    (15-minute usage and capacity rows, no node rows): what accounting and reports read."""
    from console.history.database import HistoryDB

    usage, capacity = read_books(client, t0, t1)
    db = HistoryDB(path)
    try:
        db.write_organisations(organisations)
        db.write_rows(BUCKET_S, usage, capacity)
    finally:
        db.close()
    return path


def temporary_books(client: PrometheusClient, t0: float, t1: float, organisations=()):
    """A read-only HistoryDB of the room's books for [t0, t1) in a temporary file removed when it
    is closed; None when Prometheus holds no books for the period."""
    import shutil
    import tempfile
    from pathlib import Path

    from console.history.database import HistoryDB

    scratch = Path(tempfile.mkdtemp(prefix="hangang-books-"))
    try:
        path = history_from_prometheus(client, t0, t1, scratch / "history.sqlite", organisations)
        db = HistoryDB(path, readonly=True)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    if db.span() is None:
        db.close()
        shutil.rmtree(scratch, ignore_errors=True)
        return None
    close = db.close

    def close_and_remove() -> None:
        close()
        shutil.rmtree(scratch, ignore_errors=True)

    db.close = close_and_remove
    return db
