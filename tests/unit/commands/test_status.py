"""`status`: the sector figures of a snapshot, as a table and as JSON, from any source."""

from __future__ import annotations

import json

from console.commands import status
from console.commands.room_args import SourceError
from console.fleet.model import NodeStatus
from console.i18n.names import sector_name
from tests.unit.room.test_exposition import demo_view


def test_sector_figures_add_up_to_the_fleet():
    view, _ = demo_view(8, down="hg-r01n3")
    snap = view.snapshot
    rows = status.sector_figures(snap, {"interest": 5})
    assert [r["sector"] for r in rows] == ["public", "interest", "private"]
    assert sum(r["allocated"] for r in rows) == 64
    assert sum(r["live"] for r in rows) == 7 and sum(r["unreachable"] for r in rows) == 1
    assert rows[0]["unreachable"] == 1  # hg-r01n3 is a public node
    assert [r["queued"] for r in rows] == [0, 5, 0]
    for r, s in zip(rows, snap.sectors, strict=True):
        assert r["used"] == s.used_gpus and r["entitled"] == round(s.entitled_gpus, 2)
        assert 0 <= r["busy"] <= r["allocated"]
    assert snap.counts[NodeStatus.UNREACHABLE] == 1


def test_json_and_table_from_a_plugged_source(capsys):
    view, _ = demo_view(8)

    def reader(timeout: float):
        return view.snapshot, {}

    assert status.main(["--demo", "8", "--format", "json"], reader=reader) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sectors"] == status.sector_figures(view.snapshot)
    assert status.main(["--demo", "8", "--lang", "ko"], reader=reader) == 0
    table = capsys.readouterr().out
    for sector in ("public", "interest", "private"):
        assert sector_name(sector, "ko") in table
    assert len(table.splitlines()) == 5  # header, three sectors, total


def test_a_source_that_cannot_be_read_exits_2(capsys, tmp_path):
    def broken(timeout: float):
        raise SourceError("no node answered within 1 s")

    assert status.main(["--demo", "8"], reader=broken) == 2
    assert "no node answered" in capsys.readouterr().err
    missing = tmp_path / "nope.toml"
    assert status.main(["--inventory", str(missing)]) == 2
    assert "nope.toml" in capsys.readouterr().err


def test_a_prometheus_that_does_not_answer_is_exit_2_with_the_reason(capsys):
    from console.commands import status
    from tests.integration.prometheus_testbed import free_port

    code = status.main(["--prometheus", f"http://127.0.0.1:{free_port()}", "--timeout", "5"])
    assert code == 2
    assert "127.0.0.1" in capsys.readouterr().err
