"""Status bar: how many nodes are live, stale, unreachable; age of the oldest data; the clock."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from console.fleet.model import FleetSnapshot, NodeStatus
from widgets.common.dates import clock_text, default_tz
from widgets.common.labels import fmt, source_label
from widgets.common.theme import STATUS_COLORS


class FleetStatusBar(QStatusBar):
    def __init__(
        self,
        tz: ZoneInfo | None,
        sources: tuple[tuple[str, int], ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tz = tz or default_tz()
        self.sources = sources  # (kind, node count) of each source
        self.nodes = QLabel()
        self.age = QLabel()
        self.clock = QLabel()
        self.source = QLabel()
        self.history = QLabel()  # why history is not being saved, when it is not
        warning = STATUS_COLORS[NodeStatus.PROBE_ERROR].name()
        self.history.setStyleSheet(f"color: {warning}; font-weight: 600;")
        self.history.hide()
        # the front-end hands in HistoryStore.problem; asked at every snapshot
        self.problem_source: Callable[[], str | None] | None = None
        self.addWidget(self.nodes)
        self.addWidget(self.age)
        self.addWidget(self.history)
        self.addPermanentWidget(self.source)
        self.addPermanentWidget(self.clock)
        self.snap: FleetSnapshot | None = None
        # how the fleet was chosen (console.cli.choose_fleet): said when it was not given
        self.fleet_origin, self.fleet_searched, self.fleet_file = "given", (), None
        self.retranslate()

    def set_fleet(self, origin: str, searched: tuple, fleet_file) -> None:
        self.fleet_origin, self.fleet_searched, self.fleet_file = origin, searched, fleet_file
        self.retranslate()

    def retranslate(self) -> None:
        names = ", ".join(source_label(kind, count) for kind, count in self.sources)
        text, tip = fmt(self.tr("Source: %1"), names), ""
        if self.fleet_origin == "fallback":
            text += " " + self.tr("(no fleet file found)")
            tip = fmt(
                self.tr(
                    "No fleet file in %1, so this is the demo fleet. Put the fleet file there, "
                    "or start with --inventory FLEET.toml."
                ),
                self.tr(" or ").join(str(p) for p in self.fleet_searched),
            )
        elif self.fleet_origin == "default":
            tip = fmt(self.tr("Fleet file: %1"), str(self.fleet_file))
        self.source.setText(text)
        self.source.setToolTip(tip)
        if self.snap is not None:
            self.show_snapshot(self.snap)
        else:
            self.nodes.setText(self.tr("Waiting for data…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        self.snap = snap
        c = snap.counts

        def part(status: NodeStatus, text: str, always: bool = False) -> str:
            if not (always or c.get(status)):
                return ""
            colour = STATUS_COLORS[status].name() if c.get(status) else "#8993a4"
            return f"<span style='color:{colour}'>{fmt(text, c.get(status, 0))}</span>"

        starting = c.get(NodeStatus.WAITING, 0) + c.get(NodeStatus.CONNECTING, 0)
        progress = (
            fmt(self.tr("connected %1 / %2"), snap.node_count - starting, snap.node_count)
            if starting
            else ""
        )
        parts = (
            progress,
            part(NodeStatus.LIVE, self.tr("%1 live"), always=True),
            part(NodeStatus.STALE, self.tr("%1 stale"), always=True),
            part(NodeStatus.UNREACHABLE, self.tr("%1 unreachable"), always=True),
            part(NodeStatus.PROBE_ERROR, self.tr("%1 probe error")),
            part(NodeStatus.AUTH_FAILED, self.tr("%1 auth failed")),
            part(NodeStatus.HOSTKEY_UNKNOWN, self.tr("%1 host key unknown")),
            part(NodeStatus.HOSTKEY_CHANGED, self.tr("%1 HOST KEY CHANGED")),
        )
        self.nodes.setText(" · ".join(p for p in parts if p))
        if snap.oldest_age_s is None:
            self.age.setText(self.tr("no data yet"))
        else:
            self.age.setText(fmt(self.tr("oldest data: %1 s"), f"{snap.oldest_age_s:.0f}"))
        # the interface language, not QLocale.system(): `--lang ko` on an English desktop once
        # read "3 12 2026"
        self.clock.setText(clock_text(snap.t, self.tz))
        self.show_history_problem(self.problem_source() if self.problem_source else None)

    def show_history_problem(self, problem: str | None) -> None:
        """Say that history is not being saved, and why (the writer keeps retrying)."""
        if problem:
            text = fmt(self.tr("History not saved: %1"), problem)
            if self.history.toolTip() != text:
                metrics = self.history.fontMetrics()
                self.history.setText(metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, 560))
                self.history.setToolTip(text)
            self.history.show()
        elif not self.history.isHidden():
            self.history.hide()
            self.history.clear()
            self.history.setToolTip("")

