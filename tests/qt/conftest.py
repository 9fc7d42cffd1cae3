"""Widget tests: what the window remembers (QSettings) lives in each test's own directory, so
no test opens the window the way an earlier one left it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def qsettings_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("qsettings")
    for form in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(form, QSettings.Scope.UserScope, str(path))
    return path
