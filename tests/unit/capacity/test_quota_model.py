"""Quota mode's model: lent GPUs add up to the borrowed ones within others' unused caps, plans
say what changes and invert to the caps they replaced, versions follow the caps."""

import pytest

from console.capacity.quota.model import (
    QuotaPlan,
    QuotaState,
    SectorQuota,
    caps_version,
    move_cap,
)
from console.fleet.model import Sector

P, N, R = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE


def state(*rows):
    sectors = {s: SectorQuota(s, f"q_{s.value}", cap, running, borrowed)
               for s, cap, running, borrowed in rows}
    return QuotaState(caps_version({s: q.cap for s, q in sectors.items()}), 40, sectors)


def test_lent_is_others_unused_cap_never_the_borrowers_own():
    st = state((P, 20, 10, 0), (N, 12, 12, 3), (R, 8, 3, 2))
    lent = st.lent()
    assert sum(lent.values()) == st.borrowed_total() == 5
    assert lent[N] == 0  # no unused cap: lends nothing
    assert lent == {P: 4, N: 0, R: 1}  # private's own 5 unused do not cover its own borrowing


def test_lent_stops_at_the_unused_caps():
    st = state((P, 10, 9, 0), (N, 10, 10, 6), (R, 10, 10, 0))
    assert st.lent() == {P: 1, N: 0, R: 0}  # 5 of the 6 came from GPUs no cap claims


def test_plan_changes_inverse_and_moved_gpus():
    st = state((P, 20, 0, 0), (N, 12, 0, 0), (R, 8, 0, 0))
    plan = QuotaPlan(st.caps(), move_cap(st.caps(), P, N, 8), st.version)
    assert plan.changes() == ((P, 20, 12), (N, 12, 20))
    assert plan.gpus_moved() == 8
    assert plan.caps() == {P: 12, N: 20, R: 8}
    back = plan.inverse("later")
    assert back.caps_after == {P: 20, N: 12} and back.undoes == plan.plan_id
    assert back.caps() == st.caps()


def test_version_follows_the_caps():
    a = caps_version({P: 20, N: 12, R: 8})
    assert a == caps_version({R: 8, N: 12, P: 20})
    assert a != caps_version({P: 20, N: 13, R: 8})
    assert a != caps_version({P: 20, N: 12, R: None})


def test_move_cap_refuses_nonsense():
    with pytest.raises(ValueError):
        move_cap({P: 1, N: 1, R: 1}, P, P, 1)
    with pytest.raises(ValueError):
        move_cap({P: None, N: 1, R: 1}, P, N, 1)
