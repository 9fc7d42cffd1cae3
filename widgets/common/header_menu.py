"""Right-click on a table's header: which columns are shown (the window remembers the choice with
the table's sort and widths, widgets/window/layout_state.py)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QMenu, QTableView


def column_menu(view: QTableView) -> QMenu:
    """One checkable entry per column; the last one shown cannot be hidden."""
    header, model = view.horizontalHeader(), view.model()
    menu = QMenu(view)
    menu.addSection(QCoreApplication.translate("ColumnMenu", "Columns shown"))
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    for column in range(header.count()):
        action = menu.addAction(str(model.headerData(column, Qt.Orientation.Horizontal)))
        action.setCheckable(True)
        action.setChecked(column in shown)
        action.setEnabled(shown != [column])
        action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))
    return menu


def allow_hiding_columns(view: QTableView) -> None:
    header = view.horizontalHeader()
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def popup(pos: QPoint) -> None:
        column_menu(view).popup(header.mapToGlobal(pos))

    header.customContextMenuRequested.connect(popup)
