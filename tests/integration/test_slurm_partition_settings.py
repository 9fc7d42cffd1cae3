"""A node move keeps a site's partition settings, through the include file and a controller
restart: partition QOS, billing weights, memory defaults, CPU caps, account and QOS lists
(slurm_accounting.py's site include; a partition QOS needs accounting, so this runs with it).
On both versions (BOTH_VERSIONS): 24.11 is reached over SSH, as a real controller is, and the
whole rebalance command moves a node there too."""

from __future__ import annotations

import pytest

from console.capacity.audit import AuditLog, audit_path
from console.capacity.backends.base import BackendError
from console.capacity.backends.slurm import SlurmBackend
from console.capacity.backends.slurm_parse import parse_partitions
from console.commands import rebalance
from console.fleet.model import Sector
from console.paths import config_dir
from tests.integration.slurm24 import BOTH_VERSIONS
from tests.integration.slurm_testbed import wait_for

pytestmark = BOTH_VERSIONS

# what the node list implies; everything else scontrol reports must come back as it was
_FOLLOWS_NODES = {"Nodes", "TotalCPUs", "TotalNodes", "TRES"}


def settings(tb) -> dict[str, dict[str, str]]:
    found = parse_partitions(tb.run("scontrol", "-a", "show", "partition", "-o"))
    return {p.name: {k: v for k, v in p.settings.items() if k not in _FOLLOWS_NODES}
            for p in found}


class Recording:
    """The console's runner, noting the partition updates it sends."""

    def __init__(self, runner) -> None:
        self.runner, self.updates = runner, []

    def __getattr__(self, name: str):
        return getattr(self.runner, name)

    def run(self, argv, stdin=None, timeout=30.0):
        if list(argv[:2]) == ["scontrol", "update"] and argv[2].startswith("PartitionName="):
            self.updates.append(tuple(argv[2:]))
        return self.runner.run(argv, stdin=stdin, timeout=timeout)


def move_n04_to_public(tb) -> list[tuple[str, ...]]:
    runner = Recording(tb.console_runner())
    backend = SlurmBackend(runner, include_file=tb.include)
    backend.drain("n04", "settings test")
    wait_for(lambda: backend.is_drained("n04"), 20, "n04 did not drain")
    backend.assign("n04", Sector.INTEREST, Sector.PUBLIC)
    backend.resume("n04", "settings test")
    assert "n04" in tb.partition_nodes()["public"]
    return runner.updates


def test_a_move_whose_include_file_cannot_be_written_is_undone_in_slurm(books):
    """Live change first, then the file: when the file cannot be written the live change is
    taken back (24.11: with Nodes-=/Nodes+= of the one node), so Slurm and the file agree."""
    before, settings_before = books.partition_nodes(), settings(books)
    runner = Recording(books.console_runner())
    backend = SlurmBackend(runner, include_file=books.dir / "no-such-dir" / "partitions.conf")
    backend.drain("n04", "rollback test")
    wait_for(lambda: backend.is_drained("n04"), 20, "n04 did not drain")
    with pytest.raises(BackendError):
        backend.assign("n04", Sector.INTEREST, Sector.PUBLIC)
    assert books.partition_nodes() == before and settings(books) == settings_before
    if books.version[:2] >= (23, 11):
        assert runner.updates[-2:] == [("PartitionName=public", "Nodes-=n04"),
                                       ("PartitionName=interest", "Nodes+=n04")]
    backend.resume("n04", "rollback test")


def test_the_site_settings_are_live_as_written(books):
    live = settings(books)
    assert live["interest"]["QoS"] == "interest_q"
    assert live["interest"]["TRESBillingWeights"] == "CPU=1.0,GRES/gpu=4.0"
    assert live["interest"]["DefMemPerCPU"] == "100" and live["interest"]["MaxCPUsPerNode"] == "2"
    assert live["interest"]["AllowAccounts"] == "interest,int_flood,root"
    assert live["private"]["DenyAccounts"] == "pub_transit"
    assert live["private"]["AllowQos"] == "normal,private_q"


def test_a_move_keeps_every_setting_of_lines_the_site_wrote(books):
    before = settings(books)
    updates = move_n04_to_public(books)
    assert settings(books) == before
    # feature-detected: only the moved node where Slurm has Nodes+= (≥ 23.11), else full lists
    if books.version[:2] >= (23, 11):
        assert updates == [("PartitionName=public", "Nodes+=n04"),
                           ("PartitionName=interest", "Nodes-=n04")]
    else:
        assert updates == [("PartitionName=public", "Nodes=n[01-04]"),
                           ("PartitionName=interest", "Nodes=n[05-06]")]
    books.restart_controller()
    assert settings(books) == before
    assert "n04" in books.partition_nodes()["public"]


def test_lines_the_include_file_lacked_are_written_with_every_live_setting(books):
    """The case the issue found by hand: a partition line the include file does not have yet
    is written from what scontrol reports; a restart then reads only that."""
    before = settings(books)
    books.include.write_text("# the site's include file, partitions not moved here yet\n")
    move_n04_to_public(books)
    text = books.include.read_text()
    assert text.count("PartitionName=") == 3 and "QOS=interest_q" in text
    books.restart_controller()
    after = settings(books)
    assert after == before, {p: {k: (before[p].get(k), after[p].get(k))
                                 for k in before[p].keys() | after[p].keys()
                                 if before[p].get(k) != after[p].get(k)} for p in before}
    # the partition QOS (12 GPUs) is enforced after the restart, not only printed: n05 and
    # n06 have 16, and the second job of 8 waits for the QOS
    assert "n04" in books.partition_nodes()["public"]
    job = books.sbatch("-p", "interest", "--account=int_flood", "--gres=gpu:8", "--wrap",
                       "sleep 30")
    books.sbatch("-p", "interest", "--account=int_flood", "--gres=gpu:8", "--wrap", "sleep 30")
    wait_for(lambda: books.job_state(job) == "RUNNING", 20, "first job did not start")

    def reasons() -> list[str]:  # "None" until the scheduler has looked at the job
        return books.run("squeue", "-h", "-t", "PD", "-o", "%r").split()

    wait_for(lambda: reasons() == ["QOSGrpGRES"], 20, f"pending for {reasons()}, not the QOS")


FLEET = """\
[sectors]
public = "40%"
interest = "35%"
private = "25%"
[[nodes]]
name = "n[01-03]"
sector = "public"
[[nodes]]
name = "n[04-06]"
sector = "interest"
[[nodes]]
name = "n[07-08]"
sector = "private"
[slurm]
{slurm}include_file = "{include}"
"""


def test_the_rebalance_command_moves_a_node_and_says_which_slurm(books, tmp_path, capsys,
                                                                monkeypatch):
    """The operator's path end to end: plan, drain, move, resume, audit, through the fleet
    file's [slurm] table (24.11: SSH to the controller, its host key known); the command says
    which Slurm it drove and how."""
    before = settings(books)
    fleet = tmp_path / "fleet.toml"
    fleet.write_text(FLEET.format(slurm=books.slurm_table(), include=books.include))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    books.trust(config_dir() / "known_hosts")
    data = tmp_path / "data"
    code = rebalance.main(["--inventory", str(fleet), "--data-dir", str(data), "--lang", "en",
                           "--set", "public=32,interest=16", "--reason", "flood model", "--yes"])
    out = capsys.readouterr()
    assert code == 0, out.err + out.out
    assert "Result: applied" in out.out
    assert f"Slurm {books.version_text} on {books.console_runner().where}" in out.out
    newer = books.version[:2] >= (23, 11)
    assert ("Nodes+=" in out.out) and (("changed with Nodes+=" in out.out) == newer)
    parts = books.partition_nodes()
    assert len(parts["public"]) == 4 and len(parts["interest"]) == 2
    entry = AuditLog(audit_path(data)).entries()[-1]
    assert entry.body["backend"] == "slurm" and entry.body["written"]["text"] == \
        books.include.read_text()
    assert settings(books) == before
    books.restart_controller()
    assert settings(books) == before and len(books.partition_nodes()["public"]) == 4


def test_the_board_says_which_slurm_it_drives(books, qtbot):
    """The rebalance board's bar names the Slurm version and host after a read, the tooltip
    how it reads the queue and moves nodes (feature-detected on this Slurm)."""
    from widgets.capacity.scheduler_label import SchedulerLabel
    from widgets.capacity.worker import CapacityWorker

    backend = SlurmBackend(books.console_runner(), include_file=books.include)
    worker = CapacityWorker(backend.read)
    label = SchedulerLabel(backend, worker)
    qtbot.addWidget(label)
    try:
        worker.request_read()
        qtbot.waitUntil(lambda: not label.isHidden(), timeout=20_000)
    finally:
        worker.shutdown()
    assert label.text() == f"Slurm {books.version_text} on {books.console_runner().where}"
    assert "squeue --json" in label.toolTip()
    newer = books.version[:2] >= (23, 11)
    assert ("changed with Nodes+=" in label.toolTip()) == newer
