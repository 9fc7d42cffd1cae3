"""CSV of a table as it is shown: its visible columns in their order, headers in the interface
language, rows in the view's sort and filter. For tables whose model is not a DataFrame (the node
table, alerts, audit); the history tables export their frames (csv_export.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView, QWidget

from widgets.common.csv_export import AskPath, export_csv


def view_frame(view: QTableView) -> pd.DataFrame:
    model, header = view.model(), view.horizontalHeader()
    logical = [header.logicalIndex(v) for v in range(header.count())]
    columns = [c for c in logical if not header.isSectionHidden(c)]
    names = [
        str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
        for c in columns
    ]
    rows = []
    for r in range(model.rowCount()):
        values = (model.index(r, c).data(Qt.ItemDataRole.DisplayRole) for c in columns)
        rows.append(["" if v is None else str(v) for v in values])
    return pd.DataFrame(rows, columns=names)


def export_view(
    parent: QWidget, view: QTableView, stem: str, ask: AskPath, path: Path | None = None
) -> Path | None:
    """Ask where (or write to `path`), then write the view as shown: hangang-<stem>-<time>.csv."""
    name = f"hangang-{stem}-{datetime.now():%Y%m%d-%H%M}.csv"
    return export_csv(parent, view_frame(view), name, ask if path is None else (lambda *_: path))
