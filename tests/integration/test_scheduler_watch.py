"""SchedulerWatch on the accounting testbed (slurm_accounting.py): real jobs at interest's QOS
cap show QOSGrpGRES for that sector, the waits it delivers equal the books' on its period, and
with slurmdbd stopped the view says so in words within a bounded time, keeps the last figures
as stale, and recovers once slurmdbd is back. On both versions (BOTH_VERSIONS): the console
reaches the testbed through tb.console_runner() and the fleet file's tb.slurm_table()."""

from __future__ import annotations

import csv
import re
import subprocess
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from console.commands import report
from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeSample, PollBatch, Sector
from console.fleet.state import FleetState
from console.history.accounting import accounting
from console.history.database import HistoryDB, default_history_path
from console.history.store import HistoryStore
from console.inventory.loader import load_inventory
from console.scheduler.books import AccountMap, Waits, books
from console.scheduler.queue import Waiting
from console.scheduler.reader import SacctReader
from console.scheduler.watch import SchedulerView, SchedulerWatch, watch_for
from console.settings import AccountingSettings
from tests.integration.slurm24 import BOTH_VERSIONS
from tests.integration.slurm_testbed import wait_for
from tests.integration.test_slurm_books import fleet_file

PARTS = {s: s.value for s in Sector}
UTC_ZONE = ZoneInfo("UTC")
pytestmark = BOTH_VERSIONS


@pytest.fixture(scope="module")
def history(slurm_books, tmp_path_factory):
    """Short jobs run to their end (three private ones of 8 GPUs: the third waited), so sacct
    has starts and waits; the fleet file maps the testbed's accounts to sectors."""
    tb = slurm_books
    tb.reset()
    since = time.time() - 1
    ids = [
        tb.sbatch("-p", p, f"--account={a}", f"--gres=gpu:{n}", "--wrap", "sleep 2")
        for p, a, n in (
            ("public", "pub_transit", 2),
            ("private", "prv_chip", 8),
            ("private", "prv_chip", 8),
            ("private", "prv_chip", 8),
        )
    ]
    runner = tb.console_runner()

    def ended() -> bool:
        found = {j.job_id: j for j in SacctReader(runner).jobs(since - 3600, time.time() + 60)}
        return all(i in found and found[i].end is not None for i in ids)

    wait_for(ended, 60, "sacct does not show the jobs ended")
    with pytest.MonkeyPatch.context() as mp:  # the module's known_hosts (XDG_CONFIG_HOME)
        path = fleet_file(tb, tmp_path_factory.mktemp("watch"), mp)
        inventory = load_inventory(path)
        yield tb, inventory, AccountMap.from_inventory(inventory, PARTS)


def _watch(tb, accounts, seen: list[SchedulerView]) -> SchedulerWatch:
    return SchedulerWatch(
        tb.console_runner(),
        accounts,
        seen.append,
        period_s=6 * 3600,
        pending_every_s=0.5,
        waits_every_s=1.0,
    ).start()


def test_a_sector_at_its_cap_waits_for_qos_and_the_waits_match_the_books(history):
    """The watch the console starts for a fleet file's [slurm] (watch_for), its controller
    and accounts from the file."""
    tb, inventory, accounts = history
    seen: list[SchedulerView] = []
    watch = watch_for(inventory, period_s=6 * 3600, pending_every_s=0.5, waits_every_s=1.0)
    watch.subscribe(seen.append)
    watch.start()
    try:
        first = tb.sbatch(
            "-p", "interest", "--account=int_flood", "--gres=gpu:8", "--wrap", "sleep 300"
        )
        tb.sbatch("-p", "interest", "--account=int_flood", "--gres=gpu:8", "--wrap", "sleep 300")
        wait_for(lambda: tb.job_state(first) == "RUNNING", 20, "the first job did not start")
        wait_for(
            lambda: watch.latest.reasons("interest") == [("QOSGrpGRES", Waiting(1, 8))],
            20,
            f"interest waits for {watch.latest.reasons('interest')}",
        )
        view = watch.latest
        assert view.queued("interest") == Waiting(1, 8)
        assert view.queued("public") == Waiting(0, 0) and not view.problems()
        runner = tb.console_runner()

        def books_agree() -> bool:
            """The watch's newest waits equal the books read on its own period, the running
            interest job included (slurmdbd learns of a start a moment after slurmctld)."""
            view = watch.latest
            if view.waits is None or "interest" not in view.waits:
                return False
            jobs = SacctReader(runner).jobs(view.waits_t0, view.waits_t1)
            found = books(jobs, accounts, view.waits_t0, view.waits_t1, view.waits_t1)
            return dict(view.waits) == found.waits

        wait_for(books_agree, 20, f"the watch's waits {watch.latest.waits} are not the books'")
        view = watch.latest
        assert view.wait("private").jobs >= 3  # the three of this module, at least
        assert view.wait("private").p90_s >= view.wait("private").p50_s
        assert f"Slurm {tb.version_text[:5]}" in view.how
        with pytest.raises(TypeError):  # what listeners get cannot be changed under them
            view.pending["interest"]["Resources"] = Waiting(1, 1)
        assert seen and seen[-1].made_at >= seen[0].made_at
    finally:
        watch.stop()
        tb.cancel_all()
    assert not watch._thread.is_alive()


def test_slurmdbd_down_is_a_clear_state_then_recovers(history):
    tb, _, accounts = history
    watch = _watch(tb, accounts, [])
    try:
        wait_for(lambda: watch.latest.waits is not None, 20, "no waits read")
        good = watch.latest.waits
        tb.stop_dbd()
        started = time.monotonic()
        try:
            wait_for(
                lambda: watch.latest.accounting_problem is not None,
                30,
                "slurmdbd stopped, yet the view has no problem",
            )
            took = time.monotonic() - started
            view = watch.latest
            assert str(view.accounting_problem).startswith("Slurm's accounting cannot be read: ")
            assert view.accounting_problem.into("ko") != str(view.accounting_problem)
            assert view.stale and view.waits == good  # the last good figures, kept
            assert took < 30
        finally:
            tb.start_dbd()
        wait_for(
            lambda: watch.latest.accounting_problem is None,
            30,
            f"no recovery: {watch.latest.accounting_problem}",
        )
        assert not watch.latest.stale and watch.latest.waits is not None
    finally:
        watch.stop()


# -- the report reconciles Slurm's books with the console's ---------------------------------

STEP = 300.0


def console_history(inventory, data_dir, t0: float, t1: float) -> None:
    """The console's own record of [t0, t1) through the real FleetState → HistoryStore path:
    every node answers, GPU 0 of each busy, the rest idle (what it observed, not Slurm's)."""
    path = default_history_path(data_dir)
    store = HistoryStore(path, inventory, frame_step_s=STEP)
    store.start()
    fleet = FleetState(inventory, default_registry(), stale_after_s=1.5 * STEP)
    try:
        for t in np.arange(t0 - STEP, t1 - STEP / 2, STEP):
            samples = tuple(
                NodeSample(
                    n.name,
                    float(t),
                    tuple(
                        GpuSample(i, util_gpu=100.0 if i == 0 else 0.0) for i in range(n.gpu_count)
                    ),
                )
                for n in inventory.nodes
            )
            fleet.apply(PollBatch(float(t), samples=samples))
            store.observe(fleet.snapshot(float(t)))
    finally:
        store.close()


@pytest.fixture(scope="module")
def day(history, tmp_path_factory):
    """Today (UTC, the day of this module's jobs) in the console's history too."""
    _, inventory, _ = history
    today = datetime.now(UTC).date()
    t0 = datetime.combine(today, datetime.min.time(), UTC).timestamp()
    data = tmp_path_factory.mktemp("day") / "data"
    console_history(inventory, data, t0, max(time.time(), t0 + 2 * STEP))
    return today, t0, data


def reconciliation(path) -> dict[str, dict]:
    with path.open(encoding="utf-8-sig") as f:
        return {r["sector"]: r for r in csv.DictReader(f)}


def test_report_from_slurm_reconciles_the_books_with_the_history(
    qapp, history, day, tmp_path, monkeypatch
):
    """`report --from-slurm`: reconciliation.csv and the PDF hold sacct's GPU-hours per sector
    and the console's accounting of the same day, side by side, and their difference."""
    tb, _, accounts = history
    today, t0, data = day
    fleet = fleet_file(tb, tmp_path, monkeypatch)
    out = tmp_path / "report.pdf"
    argv = [
        "-o",
        str(out),
        "--data-dir",
        str(data),
        "--period",
        "day",
        "--date",
        today.isoformat(),
        "--tz",
        "UTC",
        "--lang",
        "en",
        "--inventory",
        str(fleet),
    ]
    assert report.main([*argv, "--from-slurm"]) == 0
    rows = reconciliation(tmp_path / "report-csv" / "reconciliation.csv")
    t1 = t0 + 86400
    theirs = books(SacctReader(tb.console_runner()).jobs(t0, t1), accounts, t0, t1, time.time())
    db = HistoryDB(default_history_path(data), readonly=True)
    try:
        mine = accounting(db, t0, t1, "sector", AccountingSettings()).set_index("sector")
    finally:
        db.close()
    assert theirs.by_sector["private"] > 0  # this module's jobs are in the day
    for sector in ("public", "interest", "private"):
        slurm, console = theirs.by_sector[sector], float(mine.at[sector, "allocated_gpu_h"])
        assert console > 0, sector
        assert float(rows[sector]["slurm_gpu_h"]) == pytest.approx(slurm, abs=0.05), sector
        assert float(rows[sector]["console_gpu_h"]) == pytest.approx(console, abs=0.05), sector
        assert float(rows[sector]["difference_gpu_h"]) == pytest.approx(slurm - console, abs=0.1)
        assert int(rows[sector]["jobs_started"]) == theirs.waits.get(sector, Waits(0, 0, 0)).jobs
    text = re.sub(
        r"\s+",
        " ",
        subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout,
    )
    assert "7. Slurm's books beside the console's" in text
    assert f"Read from Slurm {tb.version_text[:5]}" in text
    assert "Slurm's books are absent" not in text
    assert report.main([*argv, "--no-slurm", "-o", str(tmp_path / "plain.pdf")]) == 0
    plain = subprocess.run(
        ["pdftotext", str(tmp_path / "plain.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Slurm's books are absent" in re.sub(r"\s+", " ", plain)
    assert not (tmp_path / "plain-csv" / "reconciliation.csv").exists()


def test_the_report_dialog_reads_slurms_books_through_the_watch(qtbot, history, day, tmp_path):
    """File → Report… in a session with [slurm]: the dialog reads sacct for its period with the
    watch's runner and accounts, on its own thread, and the PDF reconciles."""
    from widgets.reports.dialog import ReportDialog

    tb, inventory, accounts = history
    today, t0, data = day
    watch = watch_for(inventory)  # not started: the dialog borrows its runner and accounts
    try:
        dialog = ReportDialog(default_history_path(data), UTC_ZONE, scheduler=watch)
        qtbot.addWidget(dialog)
        dialog.open_file = lambda _path: None
        dialog.output.setText(str(tmp_path / "day.pdf"))
        dialog.set_period("day", today, today)
        with qtbot.waitSignal(dialog.finished_report, timeout=120_000) as done:
            assert dialog.start()
        assert done.args[0] is not None, dialog.status.text()
    finally:
        watch.stop()
    rows = reconciliation(tmp_path / "day-csv" / "reconciliation.csv")
    t1 = t0 + 86400
    theirs = books(SacctReader(tb.console_runner()).jobs(t0, t1), accounts, t0, t1, time.time())
    for sector in ("public", "interest", "private"):
        assert float(rows[sector]["slurm_gpu_h"]) == pytest.approx(
            theirs.by_sector[sector], abs=0.05
        )
