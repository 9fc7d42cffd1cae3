"""A capacity service on temp files for the board and audit tests (the store and log are real)."""

from __future__ import annotations

from console.access import AccessPolicy, Identity
from console.capacity.audit import AuditLog
from console.capacity.backends.local import LocalBackend
from console.capacity.service import CapacityService
from console.settings import RoleSettings
from tests.unit.capacity.helpers import ScriptedWorkload, entitlements, small_inventory

OPERATOR = Identity("kim", ("hangang-operators",))
VIEWER = Identity("lee", ("users",))


def capacity_service(tmp_path, workload: ScriptedWorkload | None = None, identity=OPERATOR,
                     kiosk: bool = False, inventory=None) -> CapacityService:
    backend = LocalBackend(tmp_path / "capacity.sqlite", inventory or small_inventory(),
                           workload)
    policy = AccessPolicy.for_session(RoleSettings(), identity, kiosk=kiosk)
    return CapacityService(backend, entitlements(), policy, AuditLog(tmp_path / "audit.sqlite"),
                           poll_s=0.02, drain_timeout_s=60)
