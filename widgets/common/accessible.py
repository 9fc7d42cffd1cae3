"""Accessible names for the parts Qt builds inside our widgets (a line edit's clear button, a
table's corner button and headers, a combo box's popup list, the menu bar's overflow button), so
a screen reader can name every control. Our own controls are named where they are built."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QTableView,
    QToolButton,
    QWidget,
)


def name_qt_parts(root: QWidget) -> None:
    """Name Qt's inner parts under `root` (again after a language change)."""
    for edit in root.findChildren(QLineEdit):
        if isinstance(edit.parent(), QAbstractSpinBox | QComboBox):
            edit.setAccessibleName(edit.parent().accessibleName())
        for button in edit.findChildren(QToolButton):
            button.setAccessibleName(QCoreApplication.translate("Accessible", "Clear"))
    for view in root.findChildren(QTableView):
        corner = view.findChild(QAbstractButton, "qt_tableview_cornerbutton")
        if corner is not None:
            corner.setAccessibleName(QCoreApplication.translate("Accessible", "Select all"))
    for header in root.findChildren(QHeaderView):
        if header.orientation() == Qt.Orientation.Horizontal:
            header.setAccessibleName(QCoreApplication.translate("Accessible", "Column headers"))
        else:
            header.setAccessibleName(QCoreApplication.translate("Accessible", "Row headers"))
    for combo in root.findChildren(QComboBox):
        combo.view().setAccessibleName(combo.accessibleName())
    for button in root.findChildren(QToolButton, "qt_menubar_ext_button"):
        button.setAccessibleName(QCoreApplication.translate("Accessible", "More menus"))
