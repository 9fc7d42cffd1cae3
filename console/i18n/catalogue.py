"""The one message catalogue: every word a person reads, for the core and the widgets alike.

English is the source language and lives in the code; Korean lives in resources/i18n/ko.ts, the
Qt Linguist file that translators already edit. The widgets read it through a QTranslator backed by
this module (widgets/common/i18n.py), the core reads it here with the standard library: one file,
one reader, so a rule, sector or state has one Korean name in the window, the kiosk, the CLI and
the PDF. No compiled .qm and no lrelease at run time, so no missing tool or unwritable cache can
stop the program; an unreadable catalogue logs its reason and the text stays English.

In the core a message is written as `translate("Context", "English text {field}")` (lupdate picks
these up with the widgets' strings, see `make i18n`) and turned into words with `.into(lang)`.
A name kept as data (a rule's key, a sector) is declared with `QT_TRANSLATE_NOOP` in
console/i18n/names.py.
"""

from __future__ import annotations

import functools
import logging
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from console.paths import resource

log = logging.getLogger(__name__)

LANGUAGES = ("ko", "en")
SOURCE_LANGUAGE = "en"


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Marks a string for the catalogue without translating it (lupdate extracts it)."""
    return source


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Translations of one language: (context, source, disambiguation) -> text."""

    lang: str
    entries: Mapping[tuple[str, str, str], str]
    problem: str | None = None  # why the file could not be read; None when it was

    def lookup(self, context: str, source: str, disambiguation: str = "") -> str | None:
        found = self.entries.get((context, source, disambiguation or ""))
        if found is None and disambiguation:
            found = self.entries.get((context, source, ""))
        return found

    @classmethod
    def read(cls, path: Path, lang: str) -> Catalogue:
        """Parse a .ts file; finished translations only (unfinished ones fall back to English)."""
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as exc:
            reason = f"{path}: {exc}"
            log.warning("translations unavailable, showing English: %s", reason)
            return cls(lang, {}, reason)
        entries: dict[tuple[str, str, str], str] = {}
        for ctx in root.iter("context"):
            name = ctx.findtext("name") or ""
            for msg in ctx.iter("message"):
                text = _finished_text(msg.find("translation"))
                if text is not None:
                    key = (name, msg.findtext("source") or "", msg.findtext("comment") or "")
                    entries[key] = text
        return cls(lang, entries)


def _finished_text(translation: ET.Element | None) -> str | None:
    if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
        return None
    forms = translation.findall("numerusform")
    text = forms[0].text if forms else translation.text  # Korean has one plural form
    return text or None


@functools.cache
def catalogue(lang: str) -> Catalogue:
    """The catalogue of `lang`, read once per process (the file is a read-only resource)."""
    if lang == SOURCE_LANGUAGE:
        return Catalogue(lang, {})
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return Catalogue.read(resource("i18n", f"{lang}.ts"), lang)


@dataclass(frozen=True, slots=True)
class Msg:
    """A message not yet in a language: the core passes these around and renders them late."""

    context: str
    source: str

    def into(self, lang: str, /, **fields: object) -> str:
        text = catalogue(lang).lookup(self.context, self.source) or self.source
        return text.format(**fields) if fields else text

    def __str__(self) -> str:  # logs and exceptions read English
        return self.source


def translate(context: str, source: str) -> Msg:
    """A core message (the name lupdate extracts: keep the two arguments literal strings)."""
    return Msg(context, source)

