"""Slurm's accounts, read-only: the association tree (accounts under their parents, the QOS each
allows, limits, users), the QOS with their preemption and group limits, and the changes the
fleet file implies (`hangang-console accounts reconcile` applies them; the window never does).

Reading runs sacctmgr (maybe over SSH) and slurmdbd may be down, so it happens on a thread of its
own; the result or the error arrives on the GUI thread through a queued signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.i18n.catalogue import reason_of, say
from console.scheduler.reconcile_apply import AccountsRead
from widgets.common.labels import ui_language

log = logging.getLogger(__name__)

READ_THREAD = "accounts-read"


def _limits(limits) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(limits.items()))


class AccountsDialog(QDialog):
    _done = Signal(bool, object)  # ok, AccountsRead or the error's words

    def __init__(self, read: Callable[[], AccountsRead], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AccountsDialog")
        self._read = read
        self._thread: threading.Thread | None = None
        self.result: AccountsRead | None = None
        self.problem: str | None = None
        self.reads = 0  # results delivered (tests wait on it)
        self.status = QLabel(wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.refresh_button = QPushButton()
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.qos = QTableWidget(0, 5)
        self.qos.verticalHeader().setVisible(False)
        self.qos.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.qos.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.qos.horizontalHeader().setStretchLastSection(True)
        self.changes_label = QLabel()
        self.changes = QListWidget()
        self.hint = QLabel(objectName="Legend", wordWrap=True)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.refresh_button)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        self.qos_label = QLabel()
        for w, stretch in ((self.qos_label, 0), (self.qos, 1), (self.changes_label, 0),
                           (self.changes, 1), (self.hint, 0)):
            side.addWidget(w, stretch)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(right)
        split.setSizes([560, 540])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.refresh_button.clicked.connect(self.refresh)
        self.resize(1100, 560)
        self.retranslate()

    # -- reading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return  # one read at a time; its answer is as fresh
        self.refresh_button.setEnabled(False)
        self.status.setText(self.tr("Reading Slurm's accounts…"))
        self._thread = threading.Thread(target=self._run, name=READ_THREAD, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._done.emit(True, self._read())
        except Exception as exc:  # slurmdbd down, SSH refused: said in the dialog
            log.warning("accounts read failed: %s", exc)
            self._done.emit(False, reason_of(exc))

    def _deliver(self, ok: bool, payload: object) -> None:
        self.refresh_button.setEnabled(True)
        self.reads += 1
        if ok:
            self.result, self.problem = payload, None
        else:
            self.problem = payload
        self._show()

    def wait(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.result is None and self.problem is None:
            self.refresh()

    def closeEvent(self, event) -> None:
        self.wait(1.0)  # a read in flight ends by its own timeout; do not block long here
        super().closeEvent(event)

    # -- showing ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Slurm accounts"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.tree.setHeaderLabels([self.tr("Account"), self.tr("QOS allowed"), self.tr("Limits"),
                                   self.tr("Users")])
        self.qos.setHorizontalHeaderLabels([self.tr("QOS"), self.tr("Preempt mode"),
                                            self.tr("Grace time"), self.tr("Preempts"),
                                            self.tr("Group limit")])
        self.qos_label.setText(self.tr("Quality of service"))
        self.changes_label.setText(self.tr("What the fleet file implies"))
        self.hint.setText(self.tr(
            "Read-only. Apply with: hangang-console accounts reconcile --inventory FILE "
            "--apply --reason …  (* created by the console)"))
        self.tree.setAccessibleName(self.tr("Slurm association tree"))
        self._show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show(self) -> None:
        lang = ui_language()
        if self.problem is not None:
            self.status.setText(say(self.problem, lang))  # says what could not be read
            self.status.setStyleSheet("color: #ff5630;")
            return
        self.status.setStyleSheet("")
        if self.result is None:
            return
        tree, diff = self.result.tree, self.result.diff
        self.status.setText(self.tr("{how}; cluster {cluster}").format(
            how=say(self.result.how, lang), cluster=tree.cluster))
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        for _, a in tree.walk():
            parent = items.get(a.parent or "")
            item = QTreeWidgetItem([a.name + (" *" if a.managed else ""), ", ".join(a.qos),
                                    _limits(a.limits), ", ".join(a.users)])
            (parent.addChild(item) if parent is not None else self.tree.addTopLevelItem(item))
            items[a.name] = item
        self.tree.expandAll()
        for col in range(4):
            self.tree.resizeColumnToContents(col)
        rows = sorted(tree.qos.values(), key=lambda q: q.name)
        self.qos.setRowCount(len(rows))
        for r, q in enumerate(rows):
            cells = (q.name + (" *" if q.managed else ""), q.preempt_mode,
                     self.tr("{n} s").format(n=q.grace_time_s), ", ".join(q.preempt),
                     _limits(q.grp_tres))
            for c, text in enumerate(cells):
                self.qos.setItem(r, c, QTableWidgetItem(text))
        self.changes.clear()
        if diff.empty:
            self.changes.addItem(self.tr("Nothing: Slurm holds what the fleet file implies."))
        for change in diff.changes:
            self.changes.addItem("• " + say(change.text(), lang))
        if diff.unmanaged:
            self.changes.addItem(self.tr("Left alone (not the console's): {names}").format(
                names=", ".join(diff.unmanaged)))
