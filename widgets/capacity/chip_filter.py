"""One sector's chips out of the board's one model: a filter that never sorts.

The model (node_chips.NodeChipModel) keeps its rows in the order every column shows (chips moved
by the draft first, then by name), so a column is the model's rows filtered, in model order. A
sorting proxy asked Python for 70,000 values to sort 2,000 chips three times on the first
display; this one asks the model for each row's planned sector once, by row number.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel

from console.fleet.model import Sector


def chip_order(names, records, planned) -> list[str]:
    """Chips planned away from their sector first (the draft's moves are seen at once), then by
    name; one order serves every column, since "moved" does not depend on the column."""

    def moved(name: str) -> bool:
        rec, to = records.get(name), planned.get(name)
        return rec is not None and to is not None and to != rec.sector

    return sorted(names, key=lambda n: (not moved(n), n))


class SectorFilter(QSortFilterProxyModel):
    """The nodes the plan puts in one sector, narrowed by the board's search text."""

    def __init__(self, sector: Sector, source, parent=None) -> None:
        super().__init__(parent)
        self.sector = sector
        self.text = ""
        self._source = source
        self.setSourceModel(source)
        self.setDynamicSortFilter(True)  # a chip whose plan changes joins or leaves the column

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent) -> bool:
        if self._source.planned_at(row) != self.sector:
            return False
        if not self.text:
            return True
        rec = self._source.record_at(row)
        haystack = f"{rec.name} {rec.state.value} {' '.join(rec.work)}".lower()
        return all(word in haystack for word in self.text.split())
