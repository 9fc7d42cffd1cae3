"""Ranking plans: most p90 wait saved first; between equal savings, most guarantee margin left."""

from __future__ import annotations

from console.fleet.model import Sector
from console.sources.demo.job_history import demo_job_history
from console.whatif.rank import rank_by_wait

END = 1_795_878_000.0
GPUS = {Sector.PUBLIC: 16, Sector.INTEREST: 32, Sector.PRIVATE: 24}
GUARANTEES = {Sector.PUBLIC: 8, Sector.INTEREST: 24, Sector.PRIVATE: 8}


def plans():
    """Eight GPUs to the public-interest sector, from the public or from the private one."""
    from_public = {**GPUS, Sector.PUBLIC: 8, Sector.INTEREST: 40}
    from_private = {**GPUS, Sector.PRIVATE: 16, Sector.INTEREST: 40}
    return {"from public": from_public, "from private": from_private}


def test_more_wait_saved_comes_first_and_the_guarantee_margin_is_told():
    history = demo_job_history(GPUS, END, days=10)
    after = plans()
    ranked = rank_by_wait(list(after), history, GPUS, after.get, guarantees=GUARANTEES)
    saved = [r.p90_saved_s for r in ranked]
    assert saved == sorted(saved, reverse=True) and saved[0] != saved[1], saved
    touched = {r.recommendation: r.touched for r in ranked}
    assert [(t.sector, t.before, t.after, t.guarantee) for t in touched["from public"]] == [
        (Sector.PUBLIC, 16, 8, 8)
    ]
    assert [t.sector for t in touched["from private"]] == [Sector.PRIVATE]


def test_equal_savings_keep_the_plan_that_leaves_more_margin_first():
    history = demo_job_history(GPUS, END, days=2)  # too little history: nothing is predicted
    after = plans()
    ranked = rank_by_wait(list(after), history, GPUS, after.get, guarantees=GUARANTEES)
    assert [r.p90_saved_s for r in ranked] == [0.0, 0.0]
    # public is left at its guarantee (margin 0), private 8 above its own: private first
    assert [r.recommendation for r in ranked] == ["from private", "from public"]
    assert [r.margin_left for r in ranked] == [8, 0]
