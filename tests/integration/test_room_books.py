"""The room's books from Prometheus equal serve's own history: a real serve (demo fleet) scraped
by a real Prometheus; `accounting --prometheus` and the rows read back agree with serve's data
directory over the same closed minutes (GPU-hours and energy, per sector and organisation)."""

from __future__ import annotations

import io
import time
from contextlib import redirect_stdout
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from console.commands import accounting as accounting_command
from console.history.database import HistoryDB, default_history_path
from console.history.rollup import USAGE_FIELDS
from console.room import books as b
from console.sources.prometheus.books import read_books
from console.sources.prometheus.client import PrometheusClient
from tests.integration.prometheus_testbed import PrometheusTestbed
from tests.integration.serve_process import ServeProcess
from tests.integration.sshd_testbed import wait_until

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def room(tmp_path):
    serve = ServeProcess(tmp_path / "serve", ["--demo", "6"])
    serve.start()
    prom = PrometheusTestbed(tmp_path, interval_s=1.0,
                             jobs={"hangang": [f"127.0.0.1:{serve.port}"]})
    try:
        yield serve, prom.start()
    finally:
        prom.stop()
        serve.stop()


def closed_minute(prom: PrometheusTestbed) -> float | None:
    return prom.value(b.MINUTE)


def local_rows(serve: ServeProcess, upto_minute: float) -> pd.DataFrame:
    """serve's own 1-minute usage rows up to and including `upto_minute`."""
    db = HistoryDB(default_history_path(serve.data_dir), readonly=True)
    try:
        return db.usage(0, upto_minute + 60, 60)
    finally:
        db.close()


# it waits for the first whole minute serve saw to close: 60-120 s by the clock, plus the start
@pytest.mark.timeout(300)
def test_prometheus_books_equal_serves_history_minute_for_minute(room):
    serve, prom = room
    prom.wait_up("hangang")
    # the first minute whose start serve saw has closed (an earlier, partial one may hold only a
    # second or two: no energy yet, which needs two samples of a GPU)
    full = (time.time() // 60 + 1) * 60
    wait_until(lambda: (closed_minute(prom) or 0) >= full, 200, interval=0.5,
               message="serve's book counters never reached Prometheus")
    client = PrometheusClient(prom.url)
    day0 = datetime.now(SEOUL).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    while True:  # read the books between two equal reads of the minute they hold
        before = closed_minute(prom)
        usage, capacity = read_books(client, day0, day0 + 86400)
        if closed_minute(prom) == before:
            break
    # serve's history holds that minute whole once a later one has a row
    wait_until(lambda: (local_rows(serve, before + 60)["t"] > before).any(), 60, interval=0.2,
               message="serve's history never wrote the next minute")
    local = local_rows(serve, before)
    assert not local.empty and not usage.empty
    key = ["sector", "org", "model"]
    mine = local.groupby(key)[list(USAGE_FIELDS)].sum().sort_index()
    theirs = usage.groupby(key)[list(USAGE_FIELDS)].sum().reindex(mine.index).fillna(0.0)
    assert mine["alloc_s"].sum() > 0 and mine["energy_j"].sum() > 0
    for field in USAGE_FIELDS:
        want, got = mine[field].to_numpy(), theirs[field].to_numpy()
        assert got == pytest.approx(want, rel=1e-6, abs=1e-6), field
    assert capacity["span_s"].groupby(capacity["sector"]).sum().to_dict() == pytest.approx(
        {s: local_capacity_span(serve, before) for s in ("public", "interest", "private")})

    # the command, from Prometheus: the same numbers as those rows make
    today = datetime.now(SEOUL).date().isoformat()
    out = io.StringIO()
    with redirect_stdout(out):
        code = accounting_command.main(["--prometheus", prom.url, "--from", today, "--to",
                                        today, "--format", "csv", "--lang", "en"])
    assert code == 0
    table = pd.read_csv(io.StringIO(out.getvalue()))
    total = table[table.iloc[:, 0] == "Total"]
    allocated = next(c for c in table.columns if c.startswith("Allocated"))
    assert float(total[allocated].iloc[0]) == pytest.approx(  # the CSV has 3 decimals
        usage["alloc_s"].sum() / 3600.0, abs=0.0006)


    # a console attached to the room: its accounting tab reads the same books
    from console.settings import AccountingSettings, EnergySettings
    from console.sources.prometheus.history import PrometheusHistory
    from tests.unit.energy.fleet import inventory
    from widgets.history.query import accounting_report

    room_history = PrometheusHistory(client, inventory(), local=None, busy_threshold=5.0)
    tab = accounting_report(room_history, day0, day0 + 86400, "sector", AccountingSettings(),
                            EnergySettings())
    assert tab.table["allocated_gpu_h"].iloc[-1] == pytest.approx(
        usage["alloc_s"].sum() / 3600.0, rel=1e-6)
    assert tab.energy["gpu_kwh"].sum() == pytest.approx(usage["energy_j"].sum() / 3.6e6,
                                                        rel=1e-6)

    # the report, from Prometheus alone: made, and its CSV holds the same GPU-hours
    from console.commands import report as report_command

    pdf = serve.data_dir.parent / "report.pdf"
    with redirect_stdout(io.StringIO()):
        code = report_command.main(["--prometheus", prom.url, "--from", today, "--to", today,
                                    "--lang", "en", "-o", str(pdf)])
    assert code == 0 and pdf.exists()
    csvs = {p.name: p for p in pdf.with_name("report-csv").glob("*.csv")}
    assert "energy.csv" in csvs, sorted(csvs)
    LAST_CSVS.update(csvs)


LAST_CSVS: dict = {}


def local_capacity_span(serve: ServeProcess, upto_minute: float) -> float:
    db = HistoryDB(default_history_path(serve.data_dir), readonly=True)
    try:
        cap = db.capacity(0, upto_minute + 60, 60)
    finally:
        db.close()
    return float(cap.groupby("sector")["span_s"].sum().iloc[0])


def test_a_prometheus_that_cannot_be_read_is_exit_2(capsys):
    code = accounting_command.main(["--prometheus", "http://127.0.0.1:9", "--period", "day"])
    assert code == 2
    err = capsys.readouterr().err
    assert "books cannot be read from http://127.0.0.1:9" in err

