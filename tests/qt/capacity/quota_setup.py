"""A quota service on temp files for the quota board and kiosk tests (store, log, journal real)."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from console.access import AccessPolicy
from console.capacity.backends.base import BackendError
from console.capacity.quota.local import LocalQuotaBackend, SectorUse
from console.capacity.quota.setup import quota_service as build_quota_service
from console.fleet.model import Sector
from console.i18n.catalogue import translate
from console.settings import RoleSettings
from tests.qt.capacity.setup import OPERATOR, VIEWER
from tests.unit.capacity.helpers import small_inventory

__all__ = ["OPERATOR", "VIEWER", "FailingBackend", "quota_audit_entries", "quota_service"]


class FailingBackend:
    """A real local quota store that can be made to fail (`down`) or to hang (`gate`) on read,
    as Slurm does when slurmdbd is down or slow."""

    def __init__(self, inner: LocalQuotaBackend) -> None:
        self.inner, self.name = inner, inner.name
        self.down = False
        self.gate: threading.Event | None = None
        self.waiting = threading.Event()  # a read is held at the gate

    def read(self):
        gate = self.gate
        if gate is not None:
            self.waiting.set()
            gate.wait(30)
        if self.down:
            raise BackendError(
                translate(
                    "Tests", "sacctmgr: error: slurmdbd is not answering (connection refused)"
                ).fill()
            )
        return self.inner.read()

    def set_caps(self, caps, expect_version: str) -> None:
        self.inner.set_caps(caps, expect_version)

    def features(self) -> tuple[str, ...]:
        return self.inner.features()


def quota_service(
    tmp_path,
    identity=OPERATOR,
    kiosk: bool = False,
    running: Mapping[Sector, int] | None = None,
    wrap=None,
):
    """(service, backend) on a LocalQuotaBackend in tmp_path; `running`: GPUs per sector its
    jobs hold now (read at every read: a test may change it); `wrap`: a class around the
    backend (FailingBackend)."""
    inventory = small_inventory()

    def use(caps, now):  # read live: a test may change what runs between reads
        return {s: SectorUse(running=n) for s, n in running.items()}

    backend = LocalQuotaBackend(
        tmp_path / "quota.sqlite", inventory, use if running is not None else None
    )
    if wrap is not None:
        backend = wrap(backend)
    policy = AccessPolicy.for_session(RoleSettings(), identity, kiosk=kiosk)
    return build_quota_service(tmp_path, backend, inventory, policy), backend


def quota_audit_entries(service):
    return [e for e in service.audit.entries() if e.action.startswith("quota-")]
