"""Energy through the rollups into SQLite and back out as kWh: accounting kWh per sector is the
sum of the per-GPU counter deltas; MIG shares and CPU energy land with the right organisation;
schema-1 files are migrated in place, and read as zeros when opened read-only."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

from console.energy.accounting import (
    energy_change,
    energy_table,
    with_energy_total,
)
from console.history.database import SCHEMA_VERSION, HistoryDB
from console.history.rollup import USAGE_FIELDS, RollupAccumulator, layout_of
from console.history.store import HistoryStore
from console.settings import EnergySettings
from tests.unit.energy.fleet import (
    CPU_W,
    KWH,
    POWER,
    SPLIT,
    STEP,
    T0,
    base,
    counters,
    frames,
    inventory,
    snap,
)


def store_run(path, seconds: float, start: float = T0, **kw) -> HistoryStore:
    store = HistoryStore(path, inventory(), frame_step_s=STEP)
    store.start()
    for s in frames(seconds, start, **kw):
        store.observe(s)
    store.close()
    return store


def table(path, t0=T0, t1=T0 + 3600, by="sector", settings=None) -> pd.DataFrame:
    db = HistoryDB(path, readonly=True)
    try:
        return energy_table(db, t0, t1, by, settings).set_index(
            ["sector", "org"] if by == "org" else "sector"
        )
    finally:
        db.close()


def test_accounting_kwh_per_sector_is_the_sum_of_the_per_gpu_deltas(tmp_path):
    path = tmp_path / "history.sqlite"
    store_run(path, 1800)
    first, _ = counters(T0)
    last, _ = counters(T0 + 1800)
    deltas = last - first  # NaN for the GPU without a counter
    kwh = table(path)
    assert kwh.loc["public", "gpu_kwh"] == pytest.approx(
        (deltas[0, 0] + POWER[0, 1] * 1800) / KWH, rel=1e-9
    )
    assert kwh.loc["public", "estimated_kwh"] == pytest.approx(POWER[0, 1] * 1800 / KWH)
    assert kwh.loc["private", "gpu_kwh"] == pytest.approx(deltas[1].sum() / KWH, rel=1e-9)
    assert kwh.loc["private", "estimated_kwh"] == 0.0
    assert kwh.loc["interest", "gpu_kwh"] == 0.0
    assert kwh.loc["public", "cpu_kwh"] == pytest.approx(CPU_W[0] * 1800 / KWH)
    it = kwh["gpu_kwh"] + kwh["cpu_kwh"]
    assert kwh["it_kwh"].tolist() == pytest.approx(it.tolist())


def test_mig_shares_and_cpu_energy_go_to_the_right_organisations(tmp_path):
    path = tmp_path / "history.sqlite"
    store_run(path, 1800)
    orgs = table(path, by="org")
    gpu0, gpu1 = POWER[1] * 1800 / KWH
    assert orgs.loc[("private", "lab"), "gpu_kwh"] == pytest.approx(gpu0 * 4 / 7)
    # kim's process runs on both GPUs: all of GPU 1 and the 3g share of GPU 0
    assert orgs.loc[("private", "startup"), "gpu_kwh"] == pytest.approx(gpu0 * 3 / 7 + gpu1)
    # CPU energy is the node's organisation's, like allocated GPU-hours
    assert orgs.loc[("private", "lab"), "cpu_kwh"] == pytest.approx(CPU_W[1] * 1800 / KWH)
    assert orgs.loc[("private", "startup"), "cpu_kwh"] == 0.0
    sectors = table(path)
    assert orgs.loc["private", "gpu_kwh"].sum() == pytest.approx(sectors.loc["private", "gpu_kwh"])


def test_a_counter_reset_is_bridged_by_power_and_never_negative(tmp_path):
    path = tmp_path / "history.sqlite"
    store_run(path, 1800, reset_at=T0 + 905.0)
    kwh = table(path, by="org")
    # the one interval across the reset is power × dt, so the total is still P × 1800
    assert kwh.loc[("private", "startup"), "gpu_kwh"] == pytest.approx(
        (POWER[1, 0] * 3 / 7 + POWER[1, 1]) * 1800 / KWH, rel=1e-9
    )
    assert kwh.loc[("private", "startup"), "estimated_kwh"] == pytest.approx(
        POWER[1, 1] * STEP / KWH
    )


def test_carbon_is_it_kwh_times_pue_times_the_grid_factor_and_totals_add_up(tmp_path):
    path = tmp_path / "history.sqlite"
    store_run(path, 1800)
    settings = EnergySettings(pue=1.4, grid_kgco2e_per_kwh=0.5)
    kwh = table(path, settings=settings)
    assert kwh["facility_kwh"].tolist() == pytest.approx((kwh["it_kwh"] * 1.4).tolist())
    assert kwh["co2e_kg"].tolist() == pytest.approx((kwh["it_kwh"] * 0.7).tolist())
    total = with_energy_total(kwh.reset_index()).set_index("sector").loc["total"]
    assert total["it_kwh"] == pytest.approx(kwh["it_kwh"].sum())
    assert total["co2e_kg"] == pytest.approx(kwh["co2e_kg"].sum())
    default = table(path)
    assert default["co2e_kg"].sum() == pytest.approx(default["it_kwh"].sum() * 1.58 * 0.4594)


def test_the_change_against_the_previous_period_of_the_same_length(tmp_path):
    path = tmp_path / "history.sqlite"
    store_run(path, 1800)  # [T0, T0 + 30 min)
    # the next half hour draws more: a second run with twice the GPUs' power
    store_run(path, 1800, start=T0 + 1800, power=POWER * 2)
    db = HistoryDB(path, readonly=True)
    try:
        change = energy_change(db, T0 + 1800, T0 + 3600).set_index("sector")
        nothing_before = energy_change(db, T0, T0 + 1800).set_index("sector")
    finally:
        db.close()
    public = change.loc["public"]
    before = table(path, T0, T0 + 1800).loc["public", "it_kwh"]
    assert public["previous_it_kwh"] == pytest.approx(before)
    expected = 100 * (public["it_kwh"] - public["previous_it_kwh"]) / public["previous_it_kwh"]
    assert public["change_pct"] == pytest.approx(expected)
    assert 50 < public["change_pct"] < 100  # GPUs doubled, CPUs did not
    assert np.isnan(nothing_before.loc["public", "change_pct"])
    assert np.isnan(change.loc["interest", "change_pct"])


V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE layouts (id INTEGER PRIMARY KEY, digest TEXT UNIQUE NOT NULL, body TEXT NOT NULL);
CREATE TABLE node_rollup (
    res INTEGER NOT NULL, t INTEGER NOT NULL, layout INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (res, t, layout)) WITHOUT ROWID;
CREATE TABLE usage (
    res INTEGER NOT NULL, t INTEGER NOT NULL, sector TEXT NOT NULL, org TEXT NOT NULL,
    model TEXT NOT NULL, alloc_s REAL NOT NULL, live_s REAL NOT NULL, used_s REAL NOT NULL,
    busy_s REAL NOT NULL, PRIMARY KEY (res, t, sector, org, model)) WITHOUT ROWID;
CREATE TABLE organisations (
    id TEXT PRIMARY KEY, sector TEXT NOT NULL, name_ko TEXT NOT NULL, name_en TEXT NOT NULL);
CREATE TABLE capacity (
    res INTEGER NOT NULL, t INTEGER NOT NULL, sector TEXT NOT NULL, entitled_s REAL NOT NULL,
    span_s REAL NOT NULL, PRIMARY KEY (res, t, sector)) WITHOUT ROWID;
INSERT INTO meta VALUES ('schema_version', '1');
"""


def v1_file(path) -> None:
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    t = int(T0)
    db.executemany(
        "INSERT INTO usage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (900, t, "public", "city", "H100", 1800.0, 1800.0, 900.0, 1800.0),
            (60, t, "public", "city", "H100", 120.0, 120.0, 60.0, 120.0),
        ],
    )
    db.execute("INSERT INTO capacity VALUES (900, ?, 'public', 900.0, 900.0)", (t,))
    db.commit()
    db.close()


def test_a_read_only_reader_of_a_schema_1_file_reads_zero_energy(tmp_path):
    path = tmp_path / "history.sqlite"
    v1_file(path)
    db = HistoryDB(path, readonly=True)
    try:
        usage = db.usage(T0, T0 + 900)
        assert usage["alloc_s"].tolist() == [1800.0]
        assert usage[["energy_j", "energy_est_j", "cpu_energy_j"]].to_numpy().tolist() == [
            [0.0, 0.0, 0.0]
        ]
        assert db.schema_version() == 1  # a reader changes nothing
        assert energy_table(db, T0, T0 + 900).set_index("sector").loc["public", "it_kwh"] == 0
    finally:
        db.close()


def test_a_schema_1_file_is_migrated_in_place_and_keeps_its_rows(tmp_path):
    path = tmp_path / "history.sqlite"
    v1_file(path)
    db = HistoryDB(path)
    try:
        assert db.schema_version() == SCHEMA_VERSION == 3
        usage = db.usage(T0, T0 + 900)
        assert usage.iloc[0][list(USAGE_FIELDS)].tolist() == [1800, 1800, 900, 1800] + [0] * 6
        # a delta for the same bucket adds to the old row, energy included, twice over
        template = base(T0)
        acc = RollupAccumulator(layout_of(template, ("H100", "A100")), 30.0, 5.0)
        for t in (T0, T0 + 10):
            gpu, cpu = counters(t)
            acc.add(snap(template, t, gpu, power=POWER, cpu=cpu, split=SPLIT))
        delta = acc.take()
        db.write([delta, delta], resolutions=(900,))
        after = db.usage(T0, T0 + 900).set_index(["sector", "org"])
        city = after.loc[("public", "city")]
        assert city["alloc_s"] == pytest.approx(1800 + 2 * 2 * 10)
        assert city["energy_j"] == pytest.approx(2 * (POWER[0].sum() * 10))
        assert city["energy_est_j"] == pytest.approx(2 * POWER[0, 1] * 10)
        assert city["cpu_energy_j"] == pytest.approx(2 * CPU_W[0] * 10)
    finally:
        db.close()
    again = HistoryDB(path)  # opening a migrated file again changes nothing
    assert again.usage(T0, T0 + 900, res=60)["alloc_s"].tolist() == [120.0]
    again.close()


def test_a_node_moving_sector_takes_its_energy_along_from_that_moment(tmp_path):
    from dataclasses import replace

    path = tmp_path / "history.sqlite"
    store = HistoryStore(path, inventory(), frame_step_s=STEP)
    store.start()
    moved = np.array([0, 1], dtype=np.int8)  # prv1: private → public-interest at T0 + 300
    for s in frames(600):
        store.observe(replace(s, node_sector=moved) if s.t > T0 + 300 else s)
    store.close()
    kwh = table(path)
    private_w = POWER[1].sum()
    # the interval that ends at the move is the old sector's; none is lost at the new layout
    assert kwh.loc["private", "gpu_kwh"] == pytest.approx(private_w * 300 / KWH)
    assert kwh.loc["interest", "gpu_kwh"] == pytest.approx(private_w * 300 / KWH)
