"""The node table's filter: free text and one sector; sorting goes to the source model."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QWidget

from widgets.fleet.node_model import SECTOR_ROLE, SORT_ROLE, AnyIndex, Col


class NodeFilterProxy(QSortFilterProxyModel):
    """Filters by free text (node, organisation, sector, status) and by one sector. Sorting is
    handed to the source model, which does it in numpy."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._text = ""
        self._sector: int | None = None
        self._follow()

    def _follow(self) -> None:
        """Filter again on each snapshot only while a filter is set: with none every row
        passes, and re-asking each row at every snapshot cost a Python call per node."""
        self.setDynamicSortFilter(bool(self._text) or self._sector is not None)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # only the order changes: the filter the operator typed stays (it once was reset here)
        self.sourceModel().sort(column, order)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self._follow()

    def set_sector(self, sector_index: int | None) -> None:
        self.beginFilterChange()
        self._sector = sector_index
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self._follow()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        if self._sector is not None:
            idx = model.index(source_row, Col.SECTOR, source_parent)
            if model.data(idx, SECTOR_ROLE) != self._sector:
                return False
        if not self._text:
            return True
        for col in (Col.NODE, Col.SECTOR, Col.ORG, Col.STATUS):
            value = model.data(model.index(source_row, col, source_parent))
            if value and self._text in value.casefold():
                return True
        return False
