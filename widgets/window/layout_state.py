"""What the main window remembers between starts (QSettings): geometry, splitters, the open tab,
each table's sort and columns, the plots' time range and the language chosen in View → Language.

The defaults are what the window looks like when built, read before anything is restored, so
View → Reset layout puts back exactly that. The kiosk never uses this: it is read-only and fixed.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QTableView

from console.i18n.catalogue import LANGUAGES
from widgets.history.time_range import CUSTOM, PRESETS, TimeRange

GROUP = "layout"
DEFAULT_SIZE = (1440, 900)


def remembered_language(settings: QSettings | None = None) -> str | None:
    """The language last chosen in View → Language; None when none was (or it is unknown)."""
    value = (settings or QSettings()).value("language")
    return value if isinstance(value, str) and value in LANGUAGES else None


def remember_language(lang: str, settings: QSettings | None = None) -> None:
    (settings or QSettings()).setValue("language", lang)


def range_text(rng: TimeRange) -> str:
    """A time range as kept: a preset's key, or "custom t0 t1"."""
    return rng.key if rng.following else f"{CUSTOM} {rng.t0!r} {rng.t1!r}"


def range_from_text(text: object) -> TimeRange | None:
    if not isinstance(text, str):
        return None
    if text in dict(PRESETS):
        return TimeRange.preset(text)
    parts = text.split()
    if len(parts) == 3 and parts[0] == CUSTOM:
        try:
            return TimeRange.fixed(float(parts[1]), float(parts[2]))
        except ValueError:
            return None
    return None


def _int(value: object) -> int | None:
    """QSettings hands back numbers as text from its file."""
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class LayoutState:
    """Save, restore and reset one main window's layout. `tables` names each table kept."""

    def __init__(self, window: QMainWindow, settings: QSettings | None = None) -> None:
        self.window = window
        self.settings = settings or QSettings()
        self.tables: dict[str, QTableView] = {
            "nodes": window.table.view,
            "alerts": window.alerts.view,
            "accounting": window.accounting.view,
        }
        if window.audit is not None:
            self.tables["audit"] = window.audit.table
        self.defaults = self._capture()

    def splitters(self) -> dict[str, QSplitter]:
        """The splitters with an object name (the ones worth keeping)."""
        return {s.objectName(): s for s in self.window.findChildren(QSplitter) if s.objectName()}

    def _capture(self) -> dict[str, object]:
        w = self.window
        state: dict[str, object] = {
            "tab": w.tabs.currentIndex(),
            "range": range_text(w.plot.range),
        }
        for name, view in self.tables.items():
            state[f"table/{name}"] = view.horizontalHeader().saveState()
            state[f"columns/{name}"] = view.model().columnCount()
        for name, splitter in self.splitters().items():
            state[f"splitter/{name}"] = splitter.saveState()
        return state

    def save(self) -> None:
        s = self.settings
        s.beginGroup(GROUP)
        s.setValue("geometry", self.window.saveGeometry())
        s.setValue("state", self.window.saveState())
        for key, value in self._capture().items():
            s.setValue(key, value)
        s.endGroup()
        s.sync()

    def restore(self) -> bool:
        """Put back what was saved; False (and the defaults) when nothing was. Splitters wait
        for restore_splitters, once the window is shown: a splitter not yet laid out rescales
        the sizes it is given."""
        s = self.settings
        s.beginGroup(GROUP)
        try:
            geometry = s.value("geometry")
            if not isinstance(geometry, QByteArray) or not self.window.restoreGeometry(geometry):
                self.window.resize(*DEFAULT_SIZE)
                return False
            state = s.value("state")
            if isinstance(state, QByteArray):
                self.window.restoreState(state)
            kept = {k: s.value(k) for k in self.defaults if s.contains(k)}
            self._apply({k: v for k, v in kept.items() if not k.startswith("splitter/")})
            return True
        finally:
            s.endGroup()

    def restore_splitters(self) -> None:
        s = self.settings
        s.beginGroup(GROUP)
        try:
            self._apply({k: s.value(k) for k in self.defaults if k.startswith("splitter/")})
        finally:
            s.endGroup()

    def reset(self) -> None:
        """View → Reset layout: forget what was kept and show the window as first built."""
        self.settings.remove(GROUP)
        self.settings.sync()
        if self.window.isFullScreen():
            self.window.showNormal()
        self.window.resize(*DEFAULT_SIZE)
        self._apply(self.defaults)
        self.window.table.view.resizeColumnsToContents()

    def _apply(self, state: dict[str, object]) -> None:
        w = self.window
        tab = _int(state.get("tab"))
        if tab is not None and 0 <= tab < w.tabs.count():
            w.tabs.setCurrentIndex(tab)
        rng = range_from_text(state.get("range"))
        if rng is not None and rng != w.plot.range:
            w.plot.set_range(rng)
        for name, view in self.tables.items():
            value = state.get(f"table/{name}")
            header = view.horizontalHeader()
            # a header restored over another number of columns claims columns the model lacks
            if _int(state.get(f"columns/{name}")) != view.model().columnCount():
                continue
            if isinstance(value, QByteArray) and header.restoreState(value):
                if view.isSortingEnabled():  # the header keeps the indicator; the model sorts
                    view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
                if name == "nodes":
                    w.table.sized = True  # the operator's widths, not fitted to the first rows
        for name, splitter in self.splitters().items():
            value = state.get(f"splitter/{name}")
            if isinstance(value, QByteArray):
                splitter.restoreState(value)
