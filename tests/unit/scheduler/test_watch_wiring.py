"""The console starts a SchedulerWatch for a fleet file with a [slurm] table and none without;
a Slurm that cannot be reached at all (no controller, no configuration) is a clear state in
words within a bounded time, never a hang, and stop() ends the thread."""

from __future__ import annotations

import time

from console.app import build_services
from console.cli import parse_args
from console.inventory.loader import load_inventory
from console.scheduler.watch import SchedulerWatch, watch_for

FLEET = """\
[sectors.public]
entitlement = "40%"
[sectors.interest]
entitlement = "35%"
[sectors.private]
entitlement = "25%"
[[nodes]]
name = "n01"
sector = "public"
{slurm}
"""


class NoBridge:
    """Nothing is started here: the services are only built."""

    def __init__(self, fleet) -> None:
        self.fleet = fleet

    def submit(self, batch) -> None:
        raise AssertionError("no batch is expected")

    def submit_scheduler_jobs(self, jobs) -> None:  # where job charging feeds the bridge
        raise AssertionError("no jobs are expected")


def inventory(tmp_path, slurm: bool):
    path = tmp_path / "fleet.toml"
    table = f'[slurm]\nslurm_conf = "{tmp_path / "no-such" / "slurm.conf"}"\n' if slurm else ""
    path.write_text(FLEET.format(slurm=table))
    return path, load_inventory(path)


def test_the_console_watches_slurm_only_where_the_fleet_file_names_it(tmp_path):
    for slurm in (False, True):
        path, inv = inventory(tmp_path, slurm)
        options = parse_args(["--inventory", str(path), "--data-dir", str(tmp_path / "d")])
        services = build_services(options, inv, bridge_factory=NoBridge)
        try:
            assert isinstance(services.scheduler, SchedulerWatch) is slurm
            assert (watch_for(inv) is not None) is slurm
        finally:
            if services.history is not None:
                services.history.close()


def test_a_slurm_that_cannot_be_read_is_said_in_words_then_stop_joins(tmp_path):
    """A slurm.conf Slurm's commands refuse at once (a missing one makes them retry for a
    minute: then the watch's own timeouts say so, later)."""
    _, inv = inventory(tmp_path, True)
    conf = tmp_path / "no-such" / "slurm.conf"
    conf.parent.mkdir()
    conf.write_text("ThisIsNot=ASlurmConf\n")
    seen = []
    watch = watch_for(inv, pending_every_s=0.2, waits_every_s=0.2)
    watch.subscribe(seen.append)
    started = time.monotonic()
    watch.start()
    try:
        deadline = started + 30
        while time.monotonic() < deadline and not (
            watch.latest.queue_problem and watch.latest.accounting_problem
        ):
            time.sleep(0.05)
        view = watch.latest
        assert str(view.queue_problem).startswith("Slurm's queue cannot be read: "), view
        assert str(view.accounting_problem).startswith("Slurm's accounting cannot be read: ")
        assert view.queue_problem.into("ko") != str(view.queue_problem)
        assert view.pending is None and view.waits is None  # nothing made up
        assert not view.stale  # nothing to be stale: no figure was ever read
        assert seen[0].problems() == ()  # the first view, handed at once on subscribe
    finally:
        watch.stop()
    assert not watch._thread.is_alive()
