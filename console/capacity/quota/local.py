"""The embedded quota backend: each sector's cap in a SQLite file beside the history.

For the demo and for sites or tests without Slurm. Caps start as the entitlement shares of the
fleet's GPUs (largest remainder, so they add up to the fleet); the shared partition is the whole
fleet. It runs no jobs, so an optional `workload` says what each sector runs and waits for under
the caps now (the demo's load does). The version is the caps' digest, compared and written in one
IMMEDIATE transaction, so of two consoles setting caps at once exactly one wins.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from console.capacity.backends.base import BackendError, Conflict
from console.capacity.quota.model import QuotaSettings, QuotaState, SectorQuota, caps_version
from console.capacity.sqlite_store import connect, write_transaction
from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import translate
from console.inventory.model import Inventory

SCHEMA = "CREATE TABLE IF NOT EXISTS caps (sector TEXT PRIMARY KEY, cap INTEGER);"


def quota_path(data_dir: Path) -> Path:
    return Path(data_dir) / "quota.sqlite"


@dataclass(frozen=True, slots=True)
class SectorUse:
    """What one sector's jobs hold and wait for (a workload's answer)."""

    running: int = 0
    borrowed: int = 0
    pending_gpus: int = 0
    pending_at_cap: int = 0


Workload = Callable[[Mapping[Sector, int | None], float], Mapping[Sector, SectorUse]]


def share_caps(shares: Mapping[Sector, float], gpus: int) -> dict[Sector, int]:
    """Whole GPUs in proportion to the shares, adding up to `gpus` (largest remainder)."""
    exact = {s: shares.get(s, 0.0) * gpus for s in SECTORS}
    caps = {s: math.floor(exact[s] + 1e-9) for s in SECTORS}
    rest = gpus - sum(caps.values())
    for s in sorted(SECTORS, key=lambda s: (caps[s] - exact[s], SECTORS.index(s))):
        if rest <= 0:
            break
        caps[s] += 1
        rest -= 1
    return caps


class LocalQuotaBackend:
    name = "local-quota"

    def __init__(
        self,
        path: Path,
        inventory: Inventory,
        workload: Workload | None = None,
        settings: QuotaSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.inventory = inventory
        self.workload = workload
        self.settings = settings or QuotaSettings(partition="shared")
        self.clock = clock
        self._init()

    def _init(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = connect(self.path)
        try:
            con.executescript(SCHEMA)
            con.execute("BEGIN IMMEDIATE")
            start = share_caps(self.inventory.entitlements, self.capacity())
            con.executemany(
                "INSERT OR IGNORE INTO caps VALUES (?, ?)", [(s.value, c) for s, c in start.items()]
            )
            con.execute("COMMIT")
        finally:
            con.close()

    def capacity(self) -> int:
        return self.inventory.gpu_total

    @staticmethod
    def _caps(con) -> dict[Sector, int | None]:
        rows = dict(con.execute("SELECT sector, cap FROM caps").fetchall())
        return {s: rows.get(s.value) for s in SECTORS}

    def read(self) -> QuotaState:
        try:
            con = connect(self.path)
            try:
                caps = self._caps(con)
            finally:
                con.close()
        except OSError as exc:
            raise BackendError(
                translate("QuotaBackend", "Cannot read the caps in {path}: {error}").fill(
                    path=str(self.path), error=str(exc)
                )
            ) from exc
        now = self.clock()
        use = self.workload(caps, now) if self.workload is not None else {}
        sectors = {}
        for s in SECTORS:
            u = use.get(s, SectorUse())
            sectors[s] = SectorQuota(
                s,
                self.settings.qos.get(s, s.value),
                caps[s],
                u.running,
                u.borrowed,
                u.pending_gpus,
                u.pending_at_cap,
            )
        return QuotaState(caps_version(caps), self.capacity(), sectors, now)

    def set_caps(self, caps: Mapping[Sector, int], expect_version: str) -> None:
        with write_transaction(self.path) as con:
            found = self._caps(con)
            if caps_version(found) != expect_version:
                raise Conflict(
                    translate(
                        "QuotaBackend",
                        "The caps changed since they were read (version {planned}, "
                        "now {now}): plan again.",
                    ).fill(planned=expect_version, now=caps_version(found))
                )
            con.executemany(
                "UPDATE caps SET cap=? WHERE sector=?",
                [(int(c), Sector(s).value) for s, c in caps.items()],
            )

    def feature_lines(self, lang: str) -> tuple[str, ...]:
        out = [
            translate(
                "QuotaBackend", "GPU caps per sector in the console's own store (no scheduler)"
            ).into(lang)
        ]
        if self.settings.borrow_qos:
            out.append(
                translate("QuotaBackend", "borrowing via QOS {qos}").into(
                    lang, qos=self.settings.borrow_qos
                )
            )
        return tuple(out)

    def features(self) -> tuple[str, ...]:
        return self.feature_lines("en")
