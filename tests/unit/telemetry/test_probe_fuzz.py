"""Fuzzing the probe's lines (tests/probe_fuzz.py): ~2,000 lines mutated from real probe output,
with a fixed seed, through the real parser, packing and FleetState. No exception escapes, every
rejected line marks its node PROBE_ERROR, accepted lines leave only finite values. The full
100,000 lines run in `make bench` (tests/bench/bench_probe_fuzz.py)."""

from __future__ import annotations

import pytest

from console.telemetry.protocol import parse_line
from tests.probe_fuzz import MUTATIONS, OUTCOMES, run_fuzz, seed_lines, seed_streams

LINES = 2_000
SEED = 20_261_203


@pytest.fixture(scope="module")
def seeds() -> list[bytes]:
    return seed_lines()


def test_seed_lines_are_real_probe_output_and_parse_clean(seeds):
    assert len(seeds) >= 5
    for line in seeds:
        sample = parse_line(line, "fz00")
        assert not [e for e in sample.errors if "expected" in e or "range" in e], sample.errors


@pytest.fixture(scope="module")
def streams() -> list[tuple[bytes, ...]]:
    return seed_streams()


def test_v2_seed_streams_are_a_header_then_compact_lines(streams):
    assert len(streams) >= 5
    for header, *data in streams:
        assert header.startswith(b'{"v":2') and data and all(d.startswith(b"[") for d in data)


def test_mutated_lines_never_escape_the_parser_or_packing(seeds, streams, artifacts):
    report = run_fuzz(seeds, LINES, SEED, streams)
    table = report.table()
    (artifacts / "probe_fuzz.txt").write_text(f"{LINES:,} lines, seed {SEED}\n{table}\n")
    print(f"\nprobe fuzz, {LINES:,} lines, seed {SEED}:\n{table}")
    crashes = "\n".join(f"{c.mutation}: {c.error}: {c.line_head[:120]!r}" for c in report.crashes)
    assert not report.crashes, f"{len(report.crashes)} lines escaped:\n{crashes}"
    assert report.lines == LINES == sum(report.outcomes[o] for o in OUTCOMES)
    assert set(report.by_mutation) == set(MUTATIONS)  # every kind of mutation was tried
    assert report.outcomes["rejected"] and report.outcomes["accepted with notes"]
    # a line the parser cannot decode is never accepted
    for name in ("truncation", "invalid UTF-8"):
        assert set(report.by_mutation[name]) == {"rejected"}, name
