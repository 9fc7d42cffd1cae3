"""Language of the interface, switched live, read from the one catalogue (console/i18n).

The widgets keep Qt's own mechanism (`self.tr`, LanguageChange, retranslate), but the installed
translator answers from the same parsed ko.ts the core reads, instead of a .qm compiled with
lrelease: there is no build or cache step that can fail at start (a distribution's PySide6 or a
frozen bundle has no lrelease), and the window and the PDF cannot disagree on a word. Qt's own
strings (Yes/No, file dialogs) still come from Qt's shipped qtbase catalogue when it is there.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QObject,
    QTranslator,
    Signal,
)

from console.i18n.catalogue import LANGUAGES, SOURCE_LANGUAGE, Catalogue, catalogue

log = logging.getLogger(__name__)


def system_language() -> str:
    return "ko" if QLocale.system().language() == QLocale.Language.Korean else "en"


class CatalogueTranslator(QTranslator):
    """A QTranslator that answers from a parsed catalogue (Qt fills in %n and %1 itself)."""

    def __init__(self, messages: Catalogue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._messages = messages

    def translate(self, context, source, disambiguation=None, n=-1):
        # None, not "": Qt takes an empty string for a translation (PySide's tr() then asks the
        # base classes' contexts too, so "" would blank any text whose translation equals it)
        return self._messages.lookup(context or "", source or "", disambiguation or "")

    def isEmpty(self) -> bool:
        return not self._messages.entries

    def language(self) -> str:
        return self._messages.lang


class Translations(QObject):
    """Owns the installed translators; English is the source language and needs none."""

    language_changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._translators: list[QTranslator] = []
        self.language = SOURCE_LANGUAGE
        self.problem: str | None = None  # why the catalogue could not be read, if it could not

    def set_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
        app = QCoreApplication.instance()
        for translator in self._translators:
            app.removeTranslator(translator)
        self._translators = []
        self.problem = None
        if lang != SOURCE_LANGUAGE:
            messages = catalogue(lang)
            self.problem = messages.problem
            ours = CatalogueTranslator(messages, self)
            qt = QTranslator(self)
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            for translator in (ours, qt) if qt.load(f"qtbase_{lang}", qt_dir) else (ours,):
                app.installTranslator(translator)
                self._translators.append(translator)
        self.language = lang
        self.language_changed.emit(lang)
