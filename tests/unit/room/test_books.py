"""serve's book counters: closed minutes only, the history's own deltas; and the reader's
increase per 15-minute bucket, across serve restarts and before the period."""

from __future__ import annotations

import numpy as np
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import CollectorRegistry

from console.history.rollup import USAGE_FIELDS, Layout, RollupDelta
from console.room import books as b
from console.sources.prometheus.books import BUCKET_S, OFFSET_S, bucket_increases

LAYOUT = Layout(nodes=("n1", "n2"), sectors=(0, 2), orgs=(0, -1), models=(0, 0),
                gpu_counts=(8, 8), org_ids=("seoul",), model_names=("H100",),
                entitlements=(0.4, 0.35, 0.25))


def delta(minute: int, alloc: float) -> RollupDelta:
    keys = np.array([1, 4])  # (public, seoul, H100) and (private, none, H100)
    usage = np.zeros((len(USAGE_FIELDS), 2))
    usage[0] = alloc
    usage[USAGE_FIELDS.index("energy_j")] = 1000.0
    return RollupDelta(minute=minute, layout=LAYOUT, node=np.zeros((10, 2)), usage_key=keys,
                       usage=usage, entitled_s=np.array([1.0, 2.0, 3.0]), span_s=5.0)


def test_key_layout_is_what_the_test_assumes():
    assert [tuple(x) for x in zip(*LAYOUT.key_parts(np.array([1, 4])), strict=True)] == [
        (0, 0, 0), (2, -1, 0)]


def test_counters_hold_closed_minutes_only():
    books = b.RoomBooks(created=100.0)
    books.add(delta(60, 8.0))
    books.add(delta(60, 8.0))  # a second flush of the same minute
    assert books.totals().minute is None and books.totals().usage == {}
    books.add(delta(120, 8.0))  # minute 60 is closed now
    t = books.totals()
    assert t.minute == 60
    assert t.usage[("public", "seoul", "H100")][0] == 16.0
    assert t.usage[("private", "", "H100")][USAGE_FIELDS.index("energy_j")] == 2000.0
    assert t.entitled_s == (2.0, 4.0, 6.0) and t.span_s == (10.0, 10.0, 10.0)
    books.add(delta(300, 1.0))  # serve was away: 120 closes too
    assert books.totals().minute == 120
    assert books.totals().usage[("public", "seoul", "H100")][0] == 24.0


def test_the_exposition_is_counters_with_created_and_the_minute():
    books = b.RoomBooks(created=100.0)
    books.add(delta(60, 8.0))
    books.add(delta(120, 8.0))

    class C:
        def collect(self):
            return b.books_families(books.totals())

    from prometheus_client.exposition import generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(C())
    fams = {f.name: f for f in text_string_to_metric_families(generate_latest(registry).decode())}
    seconds = fams[b.GPU_SECONDS]
    assert seconds.type == "counter"
    allocated = [s for s in seconds.samples if s.name.endswith("_total")
                 and s.labels["kind"] == "allocated" and s.labels["sector"] == "public"]
    assert allocated[0].value == 8.0 and allocated[0].labels["organisation"] == "seoul"
    assert fams[b.MINUTE].samples[0].value == 60.0
    assert fams[b.STARTED].samples[0].value == 100.0


def reads(values, start=0, created=None):
    """Counter reads at bucket ends + OFFSET_S, from the bucket before `start`."""
    t = [start + OFFSET_S + k * BUCKET_S for k in range(len(values))]
    points = [(ti, v) for ti, v in zip(t, values, strict=True) if v is not None]
    made = None if created is None else [(ti, c) for ti, c in zip(t, created, strict=True)]
    return points, made


def test_increase_per_bucket_from_the_read_before_the_period():
    points, made = reads([50.0, 80.0, 130.0], start=BUCKET_S * 10, created=[1.0] * 3)
    got = bucket_increases(points, made, BUCKET_S * 10)
    assert got == {BUCKET_S * 10: 30.0, BUCKET_S * 11: 50.0}  # the first read is the baseline


def test_a_restart_counts_the_new_instance_from_zero():
    points, made = reads([50.0, 80.0, 20.0, 45.0], created=[1.0, 1.0, 2.0, 2.0])
    assert bucket_increases(points, made, 0) == {0: 30.0, BUCKET_S: 20.0, 2 * BUCKET_S: 25.0}
    # without _created, a decrease says the same
    points, _ = reads([50.0, 80.0, 20.0, 45.0])
    assert bucket_increases(points, None, 0) == {0: 30.0, BUCKET_S: 20.0, 2 * BUCKET_S: 25.0}
    # a restart whose new value is above the old one: only _created tells
    points, made = reads([50.0, 80.0, 95.0], created=[1.0, 1.0, 2.0])
    assert bucket_increases(points, made, 0)[BUCKET_S] == 95.0


@pytest.mark.parametrize(("created", "expected"), [
    (BUCKET_S * 10 + 30.0, {BUCKET_S * 10: 40.0}),  # began in the period: from zero
    (5.0, {}),  # began long before, no earlier read: its value is earlier periods'
])
def test_first_read_inside_the_period(created, expected):
    points, made = reads([None, 40.0], start=BUCKET_S * 10, created=[None, created])
    made = [m for m in made if m[1] is not None]
    assert bucket_increases(points, made, BUCKET_S * 10) == expected
