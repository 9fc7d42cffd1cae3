"""Help menu: About (version, licence, icon) and the list of keyboard shortcuts.

The shortcut list is read from the window's own menus, so it cannot drift from what the keys
do; keys that live on a widget rather than in a menu (the rebalance board's "Move to") are added
by name.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMenuBar,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.cli import program_version
from widgets.capacity.move_keys import MOVE_KEYS
from widgets.common.labels import fmt, sector_name

LICENCE = "Apache-2.0"


def plain_text(text: str) -> str:
    """A menu item's words without its mnemonic: "&Quit", or the Korean way, "…(&Q)"."""
    text = re.sub(r"\(&[^&]\)", "", text.replace("&&", "\0"))
    return text.replace("&", "").replace("\0", "&")


def menu_shortcuts(bar: QMenuBar) -> list[tuple[str, str]]:
    """(what, key) for every menu action with a shortcut, in menu order."""
    rows: list[tuple[str, str]] = []

    def walk(menu: QMenu) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu())
            elif not action.shortcut().isEmpty():
                what = plain_text(action.text())
                key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                rows.append((what, key))

    for action in bar.actions():
        if action.menu() is not None:
            walk(action.menu())
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Key")])
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for row, (what, key) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(what))
            self.table.setItem(row, 1, QTableWidgetItem(key))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(620, 540)


class HelpMenu(QMenu):
    """The Help menu of a main window (a QMenu hears LanguageChange like any widget)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window_ = window
        self.shortcuts_action = QAction(self, shortcut=QKeySequence("Ctrl+/"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self.show_about)
        self.addAction(self.shortcuts_action)
        self.addSeparator()
        self.addAction(self.about_action)
        self.dialog: QDialog | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("&Help"))
        self.shortcuts_action.setText(self.tr("&Keyboard shortcuts"))
        self.about_action.setText(self.tr("&About Hangang Console"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        rows = menu_shortcuts(self.window_.menuBar())
        for key, sector in MOVE_KEYS.items():
            what = fmt(self.tr("Rebalance board: move selected nodes to %1"), sector_name(sector))
            rows.append((what, QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)))
        return rows

    def show_shortcuts(self) -> QDialog:
        self._replace(ShortcutsDialog(self.shortcut_rows(), self.window_))
        return self.dialog

    def about_text(self) -> str:
        return fmt(
            self.tr(
                "<h3>Hangang Console %1</h3><p>Live GPU fleet and sector capacity of the Hangang "
                "AI Center: monitoring, accounting, alerts, reports and rebalancing.</p>"
                "<p>Licence: %2</p>"
            ),
            program_version(),
            LICENCE,
        )

    def show_about(self) -> QDialog:
        box = QMessageBox(self.window_)
        box.setWindowTitle(self.tr("About Hangang Console"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(self.about_text())
        box.setIconPixmap(QApplication.windowIcon().pixmap(64, 64))
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.button(QMessageBox.StandardButton.Close).setText(self.tr("Close"))
        self._replace(box)
        return box

    def _replace(self, dialog: QDialog) -> None:
        """One Help dialog at a time, shown without blocking the window."""
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        dialog.show()
