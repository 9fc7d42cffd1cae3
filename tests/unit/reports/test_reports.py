"""The report model on a history computable by hand (tests/report_history.py), its CSV files,
periods, the stores it reads beside history, and the command's errors. No PDF here (tests/qt)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from console.app import main
from console.history.database import HistoryDB
from console.reports import sources
from console.reports.export import tables, write_csv_dir
from console.reports.model import build_report
from console.reports.period import Period, containing, last_complete
from console.reports.request import EmptyPeriod, ReportError, ReportRequest
from tests.report_history import DAY, EXPECTED_DAY, build_history, changes, incidents


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return build_history(tmp_path_factory.mktemp("report-history"))


def report_of(history, **kw):
    db = HistoryDB(history, readonly=True)
    try:
        kw.setdefault("incidents", incidents())
        kw.setdefault("changes", changes())
        request = ReportRequest(Period("day", DAY, DAY), **kw.pop("request", {}))
        return build_report(db, request, **kw)
    finally:
        db.close()


def test_sector_summary_equals_the_hand_computed_hours(history):
    summary = report_of(history).summary.set_index("sector")
    for sector, (entitled, allocated, used, util) in EXPECTED_DAY.items():
        row = summary.loc[sector]
        assert row["entitled_gpu_h"] == pytest.approx(entitled, rel=1e-6), sector
        assert row["allocated_gpu_h"] == pytest.approx(allocated, rel=1e-6), sector
        assert row["used_gpu_h"] == pytest.approx(used, rel=1e-6), sector
        assert row["util_pct"] == pytest.approx(util, rel=1e-6), sector
    assert summary["entitlement_met"].to_dict() == {
        "public": False,  # 48 allocated of 72 entitled
        "interest": True,
        "private": True,
        "total": False,
    }
    # the day before private ran all 24 h: 48 → 36 used GPU-h
    assert summary.loc["private", "prev_used_gpu_h"] == pytest.approx(48.0, rel=1e-6)
    assert summary.loc["private", "used_change_pct"] == pytest.approx(-25.0, rel=1e-6)


def test_availability_and_the_heat_strip_follow_the_outage(history):
    report = report_of(history)
    availability = report.availability.set_index("sector")
    assert availability.loc["private", "availability_pct"] == pytest.approx(75.0)
    assert availability.loc["private", "down_node_h"] == pytest.approx(6.0)
    assert availability.loc["total", "availability_pct"] == pytest.approx(100 * 66 / 72)
    assert report.least_available["node"].tolist() == ["prv1"]
    heat = report.heat.set_index("node")["2026-11-29"]
    assert heat.to_dict() == pytest.approx({"pub1": 25.0, "int1": 100.0, "prv1": 100.0})
    series = report.series[report.series["sector"] == "public"]
    assert len(series) == 24 and series["used_gpus"].tolist() == pytest.approx([0.5] * 24)


def test_incidents_count_only_their_hours_inside_the_period(history):
    report = report_of(history)
    types = report.incident_types.set_index("rule")
    assert types.loc["node_unreachable", ["count", "total_h"]].tolist() == [1, 6.0]
    assert types.loc["xid", "total_h"] == pytest.approx(1.0)  # began the day before
    assert types.loc["thermal_throttle", "open_at_end"] == 1
    assert types.loc["thermal_throttle", "total_h"] == pytest.approx(4.0)  # open: to midnight
    assert 4 not in report.incidents["id"].tolist()  # over before the day began
    assert report.incidents["id"].tolist() == [1, 3, 2]  # longest first


def test_capacity_changes_of_the_period_only(history):
    report = report_of(history)
    assert report.changes["plan_id"].tolist() == ["p-1"]
    assert report.changes.loc[0, "reason"] == "시청 수요 증가"


def test_some_sectors_only(history):
    report = report_of(history, request={"sectors": ("private", "public")})
    assert report.summary["sector"].tolist() == ["public", "private", "total"]
    assert report.summary.iloc[-1]["used_gpu_h"] == pytest.approx(48.0)
    assert report.heat["node"].tolist() == ["pub1", "prv1"]
    assert set(report.incidents["node"]) == {"prv1", "pub1"}
    assert report.changes.empty is False  # int1 interest→public touches public
    interest = report_of(history, request={"sectors": ("interest",)})
    assert interest.incidents["id"].tolist() == [3]


def test_missing_stores_give_empty_frames_and_say_so(history, tmp_path):
    inc = sources.load_incidents(tmp_path, 0, 1)
    ch = sources.load_capacity_changes(tmp_path, 0, 1)
    assert inc.empty and list(inc.columns) == sources.INCIDENT_COLUMNS
    assert ch.empty and list(ch.columns) == sources.CHANGE_COLUMNS
    report = report_of(history, incidents=inc, changes=ch)
    assert report.incidents.empty and report.changes.empty
    assert report.incident_types["count"].sum() == 0
    stores = report.stores.set_index("store")["status"].to_dict()
    assert inc.attrs["store"] == ch.attrs["store"] == sources.NO_FILE
    assert stores == {
        "history": "read",
        "incidents": inc.attrs["store"],
        "capacity": ch.attrs["store"],
    }


def test_a_store_module_without_its_file_and_with_one(tmp_path, monkeypatch):
    """The loader against a store module shaped like the alerts branch's (a real SQLite file)."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "store_like.py").write_text(
        "import sqlite3\nimport pandas as pd\n"
        "def incidents_path(d):\n    return d / 'incidents.sqlite'\n"
        "def read_incidents(path, t0, t1):\n"
        "    with sqlite3.connect(path) as db:\n"
        "        return pd.read_sql_query('SELECT * FROM incidents WHERE first_seen < ?', db,"
        " params=(t1,))\n"
    )
    monkeypatch.syspath_prepend(str(package))
    data = tmp_path / "data"
    data.mkdir()
    load = sources.load_store
    args = ("store_like", "incidents_path", "read_incidents", sources.INCIDENT_COLUMNS, data)
    assert load(*args, 0, 10).attrs["store"] == sources.NO_FILE
    import sqlite3

    with sqlite3.connect(data / "incidents.sqlite") as db:
        db.execute("CREATE TABLE incidents (id INTEGER, rule TEXT, node TEXT, first_seen REAL)")
        db.execute("INSERT INTO incidents VALUES (7, 'xid', 'n1', 5)")
    frame = load(*args, 0, 10)
    assert frame.attrs["store"] == sources.READ and frame["id"].tolist() == [7]
    assert list(frame.columns) == sources.INCIDENT_COLUMNS  # missing columns come as NaN
    (data / "incidents.sqlite").write_text("not a database")
    assert load(*args, 0, 10).attrs["store"] == sources.UNREADABLE


def test_csv_tables_are_the_model_rounded_as_printed(history, tmp_path):
    report = report_of(history, request={"lang": "ko"})
    written = write_csv_dir(report, tmp_path / "csv")
    assert {p.name for p in written} >= {"summary.csv", "sector_series.csv", "incidents.csv"}
    raw = (tmp_path / "csv" / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read Hangul right
    summary = pd.read_csv(tmp_path / "csv" / "summary.csv", encoding="utf-8-sig")
    assert summary["sector_name"].tolist() == ["공공", "공익", "민간", "합계"]
    model = report.summary.set_index("sector")
    for _, row in summary.iterrows():
        assert row["used_gpu_h"] == round(model.loc[row["sector"], "used_gpu_h"], 1)
    assert tables(report)["incident_types"]["rule_name"].iloc[0] == "노드 연결 불가"


def test_an_empty_period_says_what_the_store_holds(history):
    db = HistoryDB(history, readonly=True)
    try:
        with pytest.raises(EmptyPeriod, match="2026-11-28 00:00"):
            build_report(db, ReportRequest(Period("day", date(2026, 1, 1), date(2026, 1, 1))))
    finally:
        db.close()


def test_requests_are_checked():
    day = Period("day", DAY, DAY)
    with pytest.raises(ReportError, match="unknown sector 'civic'"):
        ReportRequest(day, sectors=("public", "civic"))
    with pytest.raises(ReportError, match="language"):
        ReportRequest(day, lang="fr")
    with pytest.raises(ValueError, match="before it starts"):
        Period("custom", date(2026, 11, 2), date(2026, 11, 1))


def test_periods_and_the_one_before():
    month = containing("month", date(2026, 11, 17))
    assert (month.first, month.last) == (date(2026, 11, 1), date(2026, 11, 30))
    assert month.previous() == Period("month", date(2026, 10, 1), date(2026, 10, 31))
    week = containing("week", date(2026, 11, 19))  # a Thursday
    assert (week.first, week.last) == (date(2026, 11, 16), date(2026, 11, 22))
    assert week.previous().first == date(2026, 11, 9)
    assert last_complete("month", date(2026, 1, 5)).first == date(2025, 12, 1)
    assert last_complete("day", date(2026, 3, 1)).first == date(2026, 2, 28)
    assert last_complete("week", date(2026, 11, 23)).first == date(2026, 11, 16)


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--from", "2026-11-29", "--to", "2026-11-29", "--sectors", "civic"], 2, "civic"),
        (["--from", "2026-11-31", "--to", "2026-11-30"], 2, "2026-11-31"),
        (["--from", "2026-11-30", "--to", "2026-11-29"], 2, "before it starts"),
        (["--period", "month", "--from", "2026-11-01"], 2, "not both"),
        (["--from", "2026-11-29"], 2, "--from and --to"),
        (["--from", "2026-01-01", "--to", "2026-01-31"], 1, "no history from 2026-01-01"),
    ],
)
def test_command_errors_are_clear(history, tmp_path, capsys, argv, code, message):
    out = tmp_path / "r.pdf"
    base = ["report", "--data-dir", str(history.parent), "-o", str(out), "--lang", "en"]
    assert main([*base, *argv]) == code
    assert message in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "r-csv").exists()


def test_command_refuses_an_unwritable_path_before_reading(history, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a directory")
    argv = ["report", "--data-dir", str(history.parent), "--from", "2026-11-29"]
    assert main([*argv, "--to", "2026-11-29", "-o", str(blocker / "r.pdf")]) == 2
    assert "not a directory" in capsys.readouterr().err
    assert main([*argv, "--to", "2026-11-29", "-o", str(tmp_path), "--lang", "en"]) == 2
    assert "is a directory" in capsys.readouterr().err
    missing = ["report", "--data-dir", str(tmp_path / "none"), "--period", "day"]
    assert main([*missing, "-o", str(tmp_path / "r.pdf")]) == 2
    assert "no history here" in capsys.readouterr().err


def test_some_sectors_with_no_capacity_change_in_the_period():
    """No change at all, some sectors asked: an empty table, not a KeyError on 't'."""
    from console.reports.events import CHANGE_COLUMNS, changes_in

    req = ReportRequest(containing("day", date(2026, 11, 30)), lang="en", sectors=("public",))
    empty = pd.DataFrame(columns=list(CHANGE_COLUMNS))
    got = changes_in(empty, req, 0.0, 2e9)
    assert got.empty and list(got.columns) == list(CHANGE_COLUMNS)
    one = pd.DataFrame([{c: None for c in CHANGE_COLUMNS} | {"t": 5.0, "moves": "a: public"}])
    assert len(changes_in(one, req, 0.0, 2e9)) == 1
