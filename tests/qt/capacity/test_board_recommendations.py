"""The board's recommendations: ranked by the wait they save, each with its predicted effect.

The demo's queued demand follows the clock, so whether the planner recommends anything depends
on the hour: the tests hand the board fixed recommendations, in the worse-first order, so the
board must reorder them to pass.
"""

from __future__ import annotations

from console.capacity.planner import Recommendation
from console.capacity.service import CapacityService
from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import translate
from console.sources.demo.job_history import demo_history_source
from console.whatif.rank import rank_by_wait
from tests.qt.capacity.setup import capacity_service
from tests.qt.capacity.test_wait_forecast import demo_service

TIMEOUT_MS = 90_000


def candidates(svc: CapacityService, state) -> list[Recommendation]:
    """One node from the private sector to the public one, three to the public-interest one."""
    private = sorted(n for n, r in state.nodes.items() if r.sector is Sector.PRIVATE)
    small = svc.plan_moves([(private[0], Sector.PUBLIC)], state)
    large = svc.plan_moves([(n, Sector.INTEREST) for n in private[1:4]], state)
    return [
        Recommendation(small, translate("Test", "one node to public").fill()),
        Recommendation(large, translate("Test", "three nodes to public-interest").fill()),
    ]


def expected_order(svc: CapacityService):
    """The ranking computed here, off the board, as `rebalance` computes it."""
    state = svc.state()
    figures = svc.figures(state)
    return rank_by_wait(
        candidates(svc, state),
        svc.job_history(),
        {s: figures[s].allocated for s in SECTORS},
        lambda r: svc.preview(r.plan, state).after,
        guarantees={s: figures[s].guarantee for s in SECTORS},
    )


def handed(monkeypatch, order: list[str]) -> None:
    """The planner recommends the candidates in `order` (by their message)."""

    def fixed(self, state=None):
        recs = {str(r.message): r for r in candidates(self, state or self.state())}
        return [recs[m] for m in order]

    monkeypatch.setattr(CapacityService, "recommendations", fixed)


def test_recommendations_are_ranked_by_wait_saved_with_their_effect(
    make_board, qtbot, tmp_path, monkeypatch
):
    svc = demo_service(tmp_path)
    ranked = expected_order(svc)
    saved = [r.p90_saved_s for r in ranked]
    assert saved[0] > saved[-1], saved  # the two plans differ: the order means something
    best_first = [str(r.recommendation.message) for r in ranked]
    handed(monkeypatch, best_first[::-1])  # the planner's order is the worse first
    board = make_board(svc)
    recs = board.preview_panel.recs
    assert [str(r.message) for r in recs.shown] == best_first[::-1]
    assert "Replaying each plan" in recs.note.text()
    qtbot.waitUntil(lambda: recs.state == "ranked", timeout=TIMEOUT_MS)
    assert [str(r.message) for r in recs.shown] == best_first
    assert "Most p90 wait saved first" in recs.note.text()
    assert [r.p90_saved_s for r in recs.ranked] == saved
    for r, label in zip(recs.ranked, recs.effects, strict=True):
        text = label.text()
        assert label.isVisibleTo(board)
        assert "of p90 wait in all" in text, text
        assert "p90 wait" in text and "range" in text, text  # each sector it changes
        touched = r.touched[0]
        assert touched.sector is Sector.PRIVATE
        assert f"Private: {touched.before} → {touched.after} GPUs, guarantee" in text, text
    assert "backfill" in recs.toolTip()
    # the first button adopts the best plan
    recs.buttons[0].click()
    assert board.moves == {m.node: m.target for m in ranked[0].recommendation.plan.moves}


def test_without_job_history_the_planners_order_stays_and_says_so(
    make_board, qtbot, tmp_path, monkeypatch
):
    svc = capacity_service(tmp_path)
    order = [str(r.message) for r in candidates(svc, svc.state())][::-1]
    handed(monkeypatch, order)
    board = make_board(svc)
    recs = board.preview_panel.recs
    assert recs.state == "no-history"
    assert [str(r.message) for r in recs.shown] == order
    assert not any(label.isVisibleTo(board) for label in recs.effects)
    assert "No job history" in recs.note.text()


def test_with_too_little_history_the_board_says_so_instead_of_guessing(
    make_board, qtbot, tmp_path, monkeypatch
):
    svc = demo_service(tmp_path)
    svc.job_history = demo_history_source(svc.backend.inventory, seed=5, days=2)
    handed(monkeypatch, [str(r.message) for r in candidates(svc, svc.state())])
    board = make_board(svc)
    recs = board.preview_panel.recs
    qtbot.waitUntil(lambda: recs.state == "ranked", timeout=TIMEOUT_MS)
    for label in recs.effects:
        assert "too little history to predict" in label.text(), label.text()
        assert "h)" not in label.text() and "in all" not in label.text()
    forecast = board.wait_forecast
    board.move_nodes(recs.shown[0].plan.moves[0].node.split(), Sector.PUBLIC)
    qtbot.waitUntil(lambda: forecast._state == "shown", timeout=TIMEOUT_MS)
    lines = forecast.body.text().splitlines()
    assert len(lines) == 3 and all("too little history to predict" in x for x in lines), lines
    assert "p90 wait" not in forecast.body.text()
    assert "Too little history" in forecast.toolTip(), forecast.toolTip()
