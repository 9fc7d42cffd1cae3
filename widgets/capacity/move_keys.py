"""Moving nodes on the rebalance board without dragging: a context menu "Move to → <sector>"
on the chips, and Ctrl+1/2/3 on selected chips. Both call the board's own move_nodes path.

Ctrl+1/2/3 also switch tabs in the main window: a chip view with a selection claims the key
first (ShortcutOverride), so the key moves the chips where the operator is working and switches
tabs everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPoint, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu

from console.fleet.model import SECTORS, Sector
from widgets.capacity.node_chips import ChipView
from widgets.common.labels import sector_name

MOVE_KEYS: dict[str, Sector] = {f"Ctrl+{i + 1}": s for i, s in enumerate(SECTORS)}
Move = Callable[[list[str], Sector], None]


def _key_sector(event: QKeyEvent) -> Sector | None:
    if event.modifiers() != Qt.KeyboardModifier.ControlModifier:
        return None
    combo = QKeySequence(event.keyCombination()).toString(QKeySequence.SequenceFormat.PortableText)
    return MOVE_KEYS.get(combo)


class MoveKeys(QObject):
    """Gives each chip view the menu and the keys; `move` is the board's move_nodes."""

    def __init__(self, views: list[ChipView], move: Move, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.move = move
        self.views = views
        self.menu: QMenu | None = None
        for view in views:
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(lambda pos, v=view: self.open_menu(v, pos))
            view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, ChipView) and event.type() in (
            QEvent.Type.ShortcutOverride,
            QEvent.Type.KeyPress,
        ):
            sector = _key_sector(event)
            names = watched.selected_names() if sector is not None else []
            if names:
                event.accept()
                if event.type() == QEvent.Type.KeyPress:
                    self.move(names, sector)
                return True
        return super().eventFilter(watched, event)

    def build_menu(self, view: ChipView) -> QMenu:
        """The menu for the chips selected in `view` (each other sector, with its key)."""
        names = view.selected_names()
        menu = QMenu(view)
        sub = menu.addMenu(self.tr("Move to"))
        sub.setEnabled(bool(names))
        for key, sector in MOVE_KEYS.items():
            native = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
            action = sub.addAction(f"{sector_name(sector)}\t{native}")  # the key, shown only
            action.setEnabled(sector != view.sector)
            action.triggered.connect(lambda _=False, s=sector: self.move(list(names), s))
        return menu

    def open_menu(self, view: ChipView, pos: QPoint) -> None:
        index = view.indexAt(pos)
        if index.isValid() and not view.selectionModel().isSelected(index):
            flag = QItemSelectionModel.SelectionFlag.ClearAndSelect
            view.selectionModel().select(index, flag)
        self.menu = self.build_menu(view)
        self.menu.popup(view.viewport().mapToGlobal(pos))
