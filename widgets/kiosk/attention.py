"""The kiosk's "needs attention" page: open incidents, worst first, or (without an alert engine)
the nodes that are not live."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from console.alerts.engine import Incident
from console.fleet.model import FleetSnapshot, NodeStatus, Sector
from widgets.common.labels import (
    core_text,
    fmt,
    rule_name,
    sector_name,
    severity_name,
    status_name,
    ui_language,
)
from widgets.common.theme import SECTOR_COLORS, SEVERITY_COLORS, STATUS_COLORS
from widgets.kiosk.page import KioskPage
from widgets.kiosk.parts import StatTable, format_age, set_colour, set_text

MAX_ALERT_ROWS = 10
REASON_CHARS = 48
INCIDENT_STRETCH = (2, 5, 4, 3, 5, 2)
SEVERITY_RANK = {"critical": 0, "error": 1, "warning": 2}


class AlertsPage(KioskPage):
    page_id = "alerts"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.incidents: Callable[[], Sequence[Incident]] | None = None
        self.summary = QLabel(objectName="KioskAlertSummary")
        self.table = StatTable(6, MAX_ALERT_ROWS, stretch=(3, 3, 5, 3, 6, 3))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(20)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def set_incident_source(self, incidents: Callable[[], Sequence[Incident]]) -> None:
        """Show the alert engine's open incidents instead of the not-live nodes."""
        self.incidents = incidents
        self.table.set_stretch(INCIDENT_STRETCH)  # rule names are longer than node states
        self.retranslate()

    def title(self) -> str:
        return self.tr("Needs attention")

    def retranslate(self) -> None:
        if self.incidents is not None:
            heads = (self.tr("Severity"), self.tr("Alert"), self.tr("Where"), self.tr("Sector"),
                     self.tr("Organisation"), self.tr("Since"))
        else:
            heads = (self.tr("Node"), self.tr("Sector"), self.tr("Organisation"),
                     self.tr("Status"), self.tr("Reason"), self.tr("Last data"))
        self.table.set_header(heads)

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        if self.incidents is not None:
            self._show_incidents(snap, list(self.incidents()))
        else:
            self._show_not_live(snap)

    def _show_incidents(self, snap: FleetSnapshot, open_: list[Incident]) -> None:
        open_.sort(key=lambda i: (SEVERITY_RANK.get(i.severity, 3), i.first_seen))
        counts = {s: sum(1 for i in open_ if i.severity == s) for s in SEVERITY_RANK}
        if not open_:
            set_text(self.summary, fmt(self.tr("No open alerts. %1 of %2 nodes live."),
                                       int((snap.node_status == NodeStatus.LIVE).sum()),
                                       snap.node_count))
            set_colour(self.summary, STATUS_COLORS[NodeStatus.LIVE].name())
        else:
            set_text(self.summary, fmt(self.tr("%1 open alerts: %2 critical, %3 errors, "
                                               "%4 warnings."), len(open_), counts["critical"],
                                       counts["error"], counts["warning"]))
            worst = next(s for s in SEVERITY_RANK if counts[s])
            set_colour(self.summary, SEVERITY_COLORS[worst].name())
        lang = ui_language()
        orgs = {o.id: o for o in snap.node_org if o is not None}
        now = time.time()
        rows = []
        for inc in open_[:MAX_ALERT_ROWS]:
            where = inc.node or "–"
            if inc.gpu is not None:
                where = fmt(self.tr("%1 GPU %2"), inc.node, inc.gpu)
            sector = _sector(inc.sector)
            org = orgs.get(inc.org)
            rows.append((
                (severity_name(inc.severity), SEVERITY_COLORS[inc.severity].name()),
                (rule_name(inc.rule), None),
                (where, None),
                (sector_name(sector), SECTOR_COLORS[sector].name()) if sector else ("–", None),
                (org.name(lang) if org else (inc.org or "–"), None),
                (format_age(max(0.0, now - inc.first_seen)), None),
            ))
        extra = len(open_) - MAX_ALERT_ROWS
        self.table.set_rows(rows, fmt(self.tr("… and %1 more"), extra) if extra > 0 else "")

    def _show_not_live(self, snap: FleetSnapshot) -> None:
        bad = np.flatnonzero(snap.node_status != NodeStatus.LIVE)
        age = np.nan_to_num(snap.node_age_s[bad], nan=np.inf)
        # worst status first, then the longest silent
        bad = bad[np.lexsort((-age, -snap.node_status[bad].astype(np.int16)))]
        if len(bad) == 0:
            set_text(self.summary, fmt(self.tr("All %1 nodes are live."), snap.node_count))
        else:
            set_text(
                self.summary,
                fmt(self.tr("%1 of %2 nodes are not live."), len(bad), snap.node_count),
            )
        set_colour(
            self.summary,
            STATUS_COLORS[NodeStatus.LIVE if len(bad) == 0 else NodeStatus.STALE].name(),
        )
        lang = ui_language()
        rows = []
        for row in bad[:MAX_ALERT_ROWS]:
            status = NodeStatus(int(snap.node_status[row]))
            sector = snap.sector_of(row)
            org = snap.node_org[row]
            reason = core_text(snap.node_reason[row]) or "–"
            if len(reason) > REASON_CHARS:
                reason = reason[: REASON_CHARS - 1] + "…"
            age = float(snap.node_age_s[row])
            rows.append(
                (
                    (snap.node_names[row], None),
                    (sector_name(sector), SECTOR_COLORS[sector].name()),
                    (org.name(lang) if org else "–", None),
                    (status_name(status), STATUS_COLORS[status].name()),
                    (reason, None),
                    (self.tr("never") if np.isnan(age) else format_age(age), None),
                )
            )
        extra = len(bad) - MAX_ALERT_ROWS
        self.table.set_rows(rows, fmt(self.tr("… and %1 more nodes"), extra) if extra > 0 else "")


def _sector(value: str) -> Sector | None:
    try:
        return Sector(value)
    except ValueError:
        return None
