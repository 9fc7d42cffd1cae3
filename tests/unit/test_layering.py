"""The core stays widget-free (DESIGN.md §2): checked on the source, not by convention."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "console"
# Qt modules each core file may use; everything else in console/ uses none.
QT_ALLOWED = {
    "console/bridge.py": {"PySide6.QtCore"},
    "console/reports/pdf.py": {"PySide6.QtCore", "PySide6.QtGui"},
    # the report's charts, painted into images for pdf.py (split out to keep pdf.py small)
    "console/reports/charts.py": {"PySide6.QtCore", "PySide6.QtGui"},
}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "PySide6":
                found.update(f"PySide6.{alias.name}" for alias in node.names)
    return found


def core_files() -> list[Path]:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 5, "the core went missing"
    return files


def test_core_never_imports_widgets_or_qtwidgets():
    offenders = []
    for path in core_files():
        for module in imported_modules(path):
            if module == "widgets" or module.startswith(("widgets.", "PySide6.QtWidgets")):
                offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert not offenders, offenders


def test_qt_only_where_the_design_allows_it():
    offenders = []
    for path in core_files():
        rel = str(path.relative_to(ROOT))
        allowed = QT_ALLOWED.get(rel, set())
        for module in imported_modules(path):
            qt = module.startswith(("PySide6", "pyqtgraph", "shiboken6")) and module != "PySide6"
            if qt and module not in allowed:
                offenders.append(f"{rel}: {module}")
    assert not offenders, offenders


def test_the_check_catches_a_widget_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f():\n    from PySide6 import QtWidgets\n    import widgets.window.main_window\n"
    )
    assert {"PySide6.QtWidgets", "widgets.window.main_window"} <= imported_modules(bad)
