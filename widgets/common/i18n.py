"""Language of the interface: ko.ts compiled at start (lrelease, cached) and switched live.

Only the source (resources/i18n/ko.ts) is in git. At start the .qm is built into the user's cache,
keyed by the source's hash, so a changed translation is picked up and an unchanged one costs a
file read. Switching language installs or removes the translator; Qt then sends LanguageChange to
every widget, which re-reads its texts.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
from pathlib import Path

import PySide6
from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QObject,
    QTranslator,
    Signal,
)

from console.cli import LANGUAGES
from console.paths import cache_dir, resource

log = logging.getLogger(__name__)


def system_language() -> str:
    return "ko" if QLocale.system().language() == QLocale.Language.Korean else "en"


def lrelease_binary() -> Path:
    return Path(PySide6.__file__).parent / "lrelease"


def compile_translation(ts: Path, out_dir: Path) -> Path:
    """Compile `ts` to a .qm in `out_dir` unless an identical build is already there."""
    digest = hashlib.sha256(ts.read_bytes()).hexdigest()[:16]
    qm = out_dir / f"{ts.stem}-{digest}.qm"
    if not qm.exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = qm.with_suffix(".qm.tmp")
        subprocess.run(
            [str(lrelease_binary()), "-silent", str(ts), "-qm", str(tmp)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        tmp.replace(qm)  # atomic: a concurrent start never loads half a file
    return qm


class Translations(QObject):
    """Owns the installed translator; English is the source language and needs none."""

    language_changed = Signal(str)

    def __init__(self, parent: QObject | None = None, qm_dir: Path | None = None) -> None:
        super().__init__(parent)
        self._qm_dir = qm_dir or cache_dir() / "i18n"
        self._translators: list[QTranslator] = []
        self.language = "en"

    def set_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
        app = QCoreApplication.instance()
        for translator in self._translators:
            app.removeTranslator(translator)
        self._translators = []
        if lang != "en":
            qm = compile_translation(resource("i18n", f"{lang}.ts"), self._qm_dir)
            ours = QTranslator(self)
            if not ours.load(str(qm)):
                raise RuntimeError(f"cannot load translation {qm}")
            # Qt's own strings (Yes/No, OK/Cancel, file dialogs) come from its shipped catalogue
            qt = QTranslator(self)
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            for translator in (ours, qt) if qt.load(f"qtbase_{lang}", qt_dir) else (ours,):
                app.installTranslator(translator)
                self._translators.append(translator)
        self.language = lang
        self.language_changed.emit(lang)
