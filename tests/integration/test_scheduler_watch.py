"""SchedulerWatch on the accounting testbed (slurm_accounting.py): real jobs at interest's QOS
cap show QOSGrpGRES for that sector, the waits it delivers equal the books' on its period, and
with slurmdbd stopped the view says so in words within a bounded time, keeps the last figures
as stale, and recovers once slurmdbd is back."""

from __future__ import annotations

import time

import pytest

from console.capacity.backends.slurm_runner import LocalRunner
from console.fleet.model import Sector
from console.inventory.loader import load_inventory
from console.scheduler.books import AccountMap, books
from console.scheduler.queue import Waiting
from console.scheduler.reader import SacctReader
from console.scheduler.watch import SchedulerView, SchedulerWatch
from tests.integration.slurm_testbed import wait_for
from tests.integration.test_slurm_books import fleet_file

PARTS = {s: s.value for s in Sector}


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
    runner = LocalRunner(tb.env)

    def ended() -> bool:
        found = {j.job_id: j for j in SacctReader(runner).jobs(since - 3600, time.time() + 60)}
        return all(i in found and found[i].end is not None for i in ids)

    wait_for(ended, 60, "sacct does not show the jobs ended")
    path = fleet_file(tb, tmp_path_factory.mktemp("watch"))
    inventory = load_inventory(path)
    return tb, inventory, AccountMap.from_inventory(inventory, PARTS)


def _watch(tb, accounts, seen: list[SchedulerView]) -> SchedulerWatch:
    return SchedulerWatch(
        LocalRunner(tb.env),
        accounts,
        seen.append,
        period_s=6 * 3600,
        pending_every_s=0.5,
        waits_every_s=1.0,
    ).start()


def test_a_sector_at_its_cap_waits_for_qos_and_the_waits_match_the_books(history):
    tb, _, accounts = history
    seen: list[SchedulerView] = []
    watch = _watch(tb, accounts, seen)
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
        runner = LocalRunner(tb.env)

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
        assert "Slurm 22.05" in view.how
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
