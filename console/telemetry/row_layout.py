"""RowLayout: how one v2 header's GPU rows become the packed numbers, for many samples at once.

A v2 data line carries per GPU a row of numbers in the header's order (protocol_v2.py). What
packing wants per GPU are GPU_FIELDS, checked as v1 checks them: a number (bool is not one) in
the field's bounds, or missing. Checked one value at a time in Python that was half the
collector's cost per line; so a healthy line keeps its rows as sent, and the pack of a flush
(console/fleet/packing.py) asks the layout for all of them together: one type scan in C, one
float64 array, and the bounds as array comparisons. Whatever the fast way cannot judge exactly
as v1 does (a value that is not a number or null, an int too large for a float to hold
exactly, rows of the wrong shape) is read value by value, as before: the same result either way
(tests/unit/telemetry/test_row_layout.py).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import chain

import numpy as np

from console.fleet.packing import GPU_FIELDS
from console.telemetry.protocol import _GPU_NUMBERS, MAX_MAGNITUDE

_BOUNDS = {name: (lo, hi) for name, lo, hi in _GPU_NUMBERS}
_NUMERIC = frozenset((int, float, type(None)))  # JSON numbers and null; bool is its own type
_EXACT = float(2**53)  # an int below this is exact as a float: array bounds then equal v1's


def _num(value, lo, hi):
    """A v1-checked number as float, or None (wrong type, not finite, too large, out of range)."""
    kind = type(value)
    if kind is not float and kind is not int:
        return None
    if not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:  # also false for NaN and infinities
        return None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return None
    return float(value)


class RowLayout:
    """Per header: where each packed field is in a row (or static, from the header), its bounds,
    and the energy counter's column. `key` is the same for every header with the same fields,
    so samples of many nodes are read together."""

    def __init__(self, gpu_fields: tuple[str, ...], gpus: Sequence[dict]) -> None:
        self.key = gpu_fields
        where = {name: i for i, name in enumerate(gpu_fields)}
        picks = [(where.get(f, -1), *_BOUNDS.get(f, (0.0, None))) for f in GPU_FIELDS]
        # per GPU the static fields' values (from the header), None where a row carries them
        self.static = tuple(
            [_num(g.get(f), lo, hi) if column < 0 else None
             for f, (column, lo, hi) in zip(GPU_FIELDS, picks, strict=True)]
            for g in gpus
        )  # fmt: skip
        width = len(gpu_fields)
        # where each packed number is in row + static; bounds, None being ±MAX_MAGNITUDE
        self.columns = tuple(c if c >= 0 else width + j for j, (c, _, _) in enumerate(picks))
        self.lows = tuple(-MAX_MAGNITUDE if lo is None else lo for _, lo, _ in picks)
        self.highs = tuple(MAX_MAGNITUDE if hi is None else hi for _, _, hi in picks)
        self.energy = where.get("energy_mj", -1)
        self.energy_of = operator.itemgetter(self.energy)
        # the same, as arrays, for many rows at once
        self._dynamic = np.array([c >= 0 for c, _, _ in picks])
        # a row's packed columns, then its energy counter's: one C call per row picks them
        wanted = [c for c, _, _ in picks if c >= 0] + ([self.energy] if self.energy >= 0 else [])
        self._pick = operator.itemgetter(*wanted) if len(wanted) >= 2 else None
        self._width, self._read_dynamic = len(wanted), len(wanted) - (self.energy >= 0)
        self._static = np.array(self.static, dtype=np.float64).reshape(len(gpus), len(picks))
        self._lows = np.array(self.lows)
        self._highs = np.array(self.highs)

    # -- one row at a time (lines with health facts, and whatever the arrays cannot judge) ------

    def numbers(self, rows: list) -> tuple[list, ...]:
        """Per GPU the packed numbers, checked as v1 checks them: one table-driven pass, where
        the bounds default to ±MAX_MAGNITUDE so one chained comparison also drops NaN,
        infinities and giants (bool is not int here: `type(v) is int`)."""
        columns, lows, highs = self.columns, self.lows, self.highs
        return tuple([  # a list comprehension inside: no generator to resume per GPU
            [
                v if (type(v) is float or type(v) is int) and lo <= v <= hi else None
                for v, lo, hi in zip(map((row + static).__getitem__, columns), lows, highs,
                                     strict=True)
            ]
            for row, static in zip(rows, self.static, strict=True)
        ])  # fmt: skip

    def joules(self, rows: list) -> tuple[float | None, ...]:
        """Per GPU its energy counter in J (from mJ), None where missing or bad."""
        if self.energy < 0:
            return (None,) * len(rows)
        return tuple([
            v / 1000.0 if (type(v) is int or type(v) is float) and 0.0 <= v <= MAX_MAGNITUDE
            else None
            for v in map(self.energy_of, rows)
        ])  # fmt: skip

    # -- many samples at once -------------------------------------------------------------------

    def read(self, samples: Sequence) -> tuple[np.ndarray, np.ndarray]:
        """(values, energy) of the GPUs of `samples` (each with `rows` and a layout of this key),
        in order: values (GPUs, len(GPU_FIELDS)) float32 and energy (GPUs,) float64 in J, NaN
        missing. Equal to numbers() and joules() row by row."""
        if self._pick is None:  # a header with under two columns to read: never worth arrays
            return self._one_by_one(samples)
        rows = list(map(self._pick, chain.from_iterable(s.rows for s in samples)))
        if not rows:
            return np.empty((0, len(GPU_FIELDS)), dtype=np.float32), np.empty(0)
        table = _table(rows, self._width)
        if table is None:
            return self._one_by_one(samples)
        values = np.empty((len(rows), len(GPU_FIELDS)), dtype=np.float64)
        values[:, self._dynamic] = table[:, : self._read_dynamic]
        if not self._dynamic.all():  # the header's static fields, node by node
            static = np.concatenate([s.layout._static for s in samples])
            values[:, ~self._dynamic] = static[:, ~self._dynamic]
        kept = (values >= self._lows) & (values <= self._highs)  # NaN fails both
        values = np.where(kept, values, np.nan).astype(np.float32)
        if self.energy < 0:
            return values, np.full(len(rows), np.nan)
        mj = table[:, -1]
        return values, np.where((mj >= 0.0) & (mj <= MAX_MAGNITUDE), mj / 1000.0, np.nan)

    @staticmethod
    def _one_by_one(samples: Sequence) -> tuple[np.ndarray, np.ndarray]:
        values: list[list] = []
        energy: list[float | None] = []
        for s in samples:
            values.extend(s.layout.numbers(s.rows))
            energy.extend(s.layout.joules(s.rows))
        return (np.asarray(values, dtype=np.float32).reshape(-1, len(GPU_FIELDS)),
                np.asarray(energy, dtype=np.float64).reshape(-1))  # fmt: skip


def _table(rows: list, width: int) -> np.ndarray | None:
    """The rows as one (rows, width) float64 array, NaN for null; None where the arrays could
    judge a value differently from v1: not a number or null, or an int of 2**53 or more."""
    if not _NUMERIC.issuperset(map(type, chain.from_iterable(rows))):
        return None
    try:
        table = np.array(rows, dtype=np.float64).reshape(len(rows), width)
    except (OverflowError, ValueError):  # an int too large for a float
        return None
    with np.errstate(invalid="ignore"):
        if (np.abs(table) >= _EXACT).any():  # NaN compares false: null stays on the fast way
            return None
    return table
