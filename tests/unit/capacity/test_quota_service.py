"""Quota mode's service on the embedded store: plans are checked against the caps read now, only
operators apply, every apply is version-checked and audited in the one hash chain, undo puts the
old caps back, and an apply killed part way is found and finished or rolled back."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from console.access import AccessDenied, AccessPolicy, Identity
from console.capacity.audit import AuditLog
from console.capacity.backends.base import Conflict
from console.capacity.quota.journal import QuotaJournal
from console.capacity.quota.local import LocalQuotaBackend, SectorUse, share_caps
from console.capacity.quota.outcome import APPLY, INTERRUPTED, UNDO
from console.capacity.quota.service import QuotaService, UnfinishedQuotaApply
from console.capacity.service import PlanRejected
from console.capacity.validation import Code, Severity
from console.fleet.model import Sector
from console.settings import RoleSettings
from tests.unit.capacity.helpers import SHARES, entitlements, small_inventory

P, N, R = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
OPERATOR = Identity("kim", ("hangang-operators",))
VIEWER = Identity("lee", ("users",))
DIED = 9


def service(tmp_path, identity=OPERATOR, kiosk=False, workload=None, backend_cls=None):
    backend = (backend_cls or LocalQuotaBackend)(
        tmp_path / "quota.sqlite", small_inventory(), workload
    )
    policy = AccessPolicy.for_session(RoleSettings(), identity, kiosk=kiosk)
    return QuotaService(
        backend,
        entitlements(),
        policy,
        AuditLog(tmp_path / "audit.sqlite"),
        journal=QuotaJournal(tmp_path / "quota-journal.sqlite"),
    )


def test_caps_start_as_the_shares_of_the_fleet_and_add_up():
    assert share_caps(SHARES, 144) == {P: 58, N: 50, R: 36}
    assert sum(share_caps(SHARES, 7).values()) == 7


def test_apply_sets_the_caps_audits_them_and_undo_puts_them_back(tmp_path):
    svc = service(tmp_path)
    st = svc.read()
    assert st.caps() == {P: 58, N: 50, R: 36} and st.capacity == 144
    plan = svc.plan_move(P, N, 8, st)
    preview = svc.preview(plan)
    assert preview.ok and preview.problems == ()
    done = svc.apply(plan, reason="interest's deadline")
    assert done.result == "applied" and done.after == {P: 50, N: 58, R: 36}
    assert svc.read().caps() == done.after
    assert done.entry.action == APPLY and done.entry.body["kind"] == "quota"
    assert done.entry.body["before"] == {"interest": 50, "private": 36, "public": 58}
    undone = svc.undo(plan.plan_id, reason="deadline passed")
    assert undone.entry.action == UNDO and undone.plan.undoes == plan.plan_id
    assert svc.read().caps() == {P: 58, N: 50, R: 36}
    with pytest.raises(PlanRejected, match="already undone"):
        svc.undo(plan.plan_id, reason="again")
    assert svc.audit.verify().ok and svc.audit.verify().entries == 2


@pytest.mark.parametrize(("identity", "kiosk"), [(VIEWER, False), (OPERATOR, True)])
def test_viewers_and_the_kiosk_are_refused_by_the_core(tmp_path, identity, kiosk):
    svc = service(tmp_path, identity, kiosk)
    assert not svc.can_change()
    with pytest.raises(AccessDenied):
        svc.apply(svc.plan_move(P, N, 8), reason="try")
    assert svc.read().caps()[P] == 58 and svc.audit.entries() == []


def test_a_change_between_plan_and_apply_is_a_conflict(tmp_path):
    svc = service(tmp_path)
    plan = svc.plan_move(P, N, 8)
    other = service(tmp_path)
    other.apply(other.plan_move(R, P, 2), reason="someone else first")
    with pytest.raises(Conflict, match="changed since"):
        svc.apply(plan, reason="late")
    assert svc.read().caps() == {P: 60, N: 50, R: 34}
    assert svc.unfinished() == [] and svc.journal.runs() == []


def test_the_backend_refuses_a_stale_version_itself(tmp_path):
    svc = service(tmp_path)
    version = svc.read().version
    svc.backend.set_caps({P: 57}, expect_version=version)
    with pytest.raises(Conflict):
        svc.backend.set_caps({P: 56}, expect_version=version)


def codes(preview):
    return {(p.code, p.severity) for p in preview.problems}


def test_rules_sum_guarantee_maximum_empty_and_negative(tmp_path):
    svc = service(tmp_path)
    st = svc.read()
    assert (Code.EMPTY, Severity.ERROR) in codes(svc.preview(svc.plan({P: 58}, st)))
    over = svc.preview(svc.plan({P: 70}, st))
    assert (Code.CAPS_EXCEED, Severity.ERROR) in codes(over) and not over.ok
    # guarantee of public: 0.75 × 0.4 × 144 = 43
    low = svc.plan_move(P, N, 20, st)
    assert (Code.BELOW_GUARANTEE, Severity.ERROR) in codes(svc.preview(low))
    short = svc.plan_move(P, N, 20, st, override=True, justification="short")
    assert (Code.BELOW_GUARANTEE, Severity.ERROR) in codes(svc.preview(short))
    ok = svc.plan_move(P, N, 20, st, override=True, justification="city emergency, approved")
    assert svc.preview(ok).ok
    assert (Code.BELOW_GUARANTEE, Severity.WARNING) in codes(svc.preview(ok))
    assert (Code.BAD_CAP, Severity.ERROR) in codes(svc.preview(svc.plan({R: -1}, st)))
    capped = QuotaService(svc.backend, entitlements(maximum={N: 0.4}), svc.policy, svc.audit)
    assert (Code.ABOVE_MAXIMUM, Severity.ERROR) in codes(capped.preview(svc.plan_move(P, N, 8)))
    with pytest.raises(PlanRejected):
        svc.apply(low, reason="no override")
    with pytest.raises(PlanRejected, match="reason"):
        svc.apply(svc.plan_move(P, N, 1), reason=" ")


def test_no_cap_below_what_a_sector_runs_without_an_override(tmp_path):
    def workload(caps, now):
        return {
            P: SectorUse(running=56),
            N: SectorUse(running=50, pending_gpus=8, pending_at_cap=8),
        }

    svc = service(tmp_path, workload=workload)
    st = svc.read()
    assert st.sectors[N].pending_at_cap == 8 and st.sectors[P].unused == 2
    plan = svc.plan_move(P, N, 8, st)
    assert (Code.BELOW_RUNNING, Severity.ERROR) in codes(svc.preview(plan))
    forced = svc.plan_move(P, N, 8, st, override=True, justification="public jobs end tonight")
    assert svc.preview(forced).ok
    assert svc.apply(forced, reason="deadline").entry.body["plan"]["override"] is True


class DyingBackend(LocalQuotaBackend):
    """Sets the first sector's cap (as one sacctmgr call would), then the process dies: or, with
    after=True, sets them all and dies before the audit entry."""

    after = False

    def set_caps(self, caps, expect_version):
        items = sorted(caps.items(), key=lambda kv: kv[0].value)
        if self.after:
            super().set_caps(caps, expect_version)
        else:
            super().set_caps(dict(items[:1]), expect_version)
        os._exit(DIED)


class DyingAfter(DyingBackend):
    after = True


def _child(tmp_path, backend_cls):
    svc = service(tmp_path, backend_cls=backend_cls)
    svc.apply(svc.plan_move(P, N, 8), reason="move before the crash")
    os._exit(0)


def crash(tmp_path, backend_cls):
    child = multiprocessing.get_context("fork").Process(target=_child, args=(tmp_path, backend_cls))
    child.start()
    child.join(60)
    assert child.exitcode == DIED


@pytest.mark.parametrize("backend_cls", [DyingBackend, DyingAfter])
@pytest.mark.parametrize(
    ("choice", "caps"), [("finish", {P: 50, N: 58, R: 36}), ("rollback", {P: 58, N: 50, R: 36})]
)
def test_a_crash_mid_apply_is_found_and_finished_or_rolled_back(
    tmp_path, backend_cls, choice, caps
):
    crash(tmp_path, backend_cls)
    svc = service(tmp_path)
    found = svc.read().caps()
    assert found != {P: 58, N: 50, R: 36}  # something was set before the process died
    runs = svc.unfinished()
    assert len(runs) == 1 and runs[0].caps_before == {P: 58, N: 50, R: 36}
    with pytest.raises(UnfinishedQuotaApply):
        svc.apply(svc.plan_move(R, P, 1), reason="another")
    viewer = service(tmp_path, VIEWER)
    with pytest.raises(AccessDenied):
        viewer.recover(choice)
    done = svc.recover(choice, reason="after the crash")
    assert svc.read().caps() == caps == done.after
    assert svc.unfinished() == [] and svc.journal.runs() == []
    actions = [e.action for e in svc.audit.entries()]
    assert actions == [INTERRUPTED, APPLY]
    assert done.entry.body["recovery"]["choice"] == choice
    assert svc.audit.verify().ok
    with pytest.raises(PlanRejected):
        svc.recover(choice)


def test_the_demo_load_runs_up_to_the_caps_and_borrows_idle_gpus(tmp_path):
    from console.capacity.quota.demo_load import DemoQuotaLoad

    load = DemoQuotaLoad(144, SHARES)
    now = 6 * 3600.0  # public's demand at its peak: above its cap
    use = load({P: 58, N: 50, R: 36}, now)
    assert load.demand(P, now) > 58 and use[P].running == 58
    held = sum(u.running + u.borrowed for u in use.values())
    assert held <= 144 and use[P].borrowed + use[P].pending_gpus == load.demand(P, now) - 58
    svc = service(tmp_path, workload=load)
    svc.backend.clock = lambda: now
    st = svc.read()
    assert st.sectors[P].running == 58 and st.borrowed_total() == sum(u.borrowed
                                                                      for u in use.values())
    plain = DemoQuotaLoad(144, SHARES, borrow=False)({P: 58, N: 50, R: 36}, now)
    assert plain[P].borrowed == 0 and plain[P].pending_at_cap == load.demand(P, now) - 58
