"""The one message catalogue: every word a person reads, for the core and the widgets alike.

English is the source language and lives in the code; Korean lives in resources/i18n/ko.ts, the
Qt Linguist file that translators already edit. The widgets read it through a QTranslator backed by
this module (widgets/common/i18n.py), the core reads it here with the standard library: one file,
one reader, so a rule, sector or state has one Korean name in the window, the kiosk, the CLI and
the PDF. No compiled .qm and no lrelease at run time, so no missing tool or unwritable cache can
stop the program; an unreadable catalogue logs its reason and the text stays English.

In the core a message is written as `translate("Context", "English text {field}")` (lupdate picks
these up with the widgets' strings, see `make i18n`) and turned into words with `.into(lang)`.
A reason made now and shown later, maybe in another process and another language (an SSH
connect error, a Slurm refusal), is `translate(...).fill(field=...)`: a Phrase, English as a str and
`.into(lang)` on demand. A name kept as data (a rule's key, a sector) is declared with
`QT_TRANSLATE_NOOP` in console/i18n/names.py.
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


def _render(value: object, lang: str) -> object:
    """A field that is itself words (a Msg or a Phrase) speaks the same language as its host."""
    into = getattr(value, "into", None)
    return into(lang) if callable(into) else value


@dataclass(frozen=True, slots=True)
class Msg:
    """A message not yet in a language: the core passes these around and renders them late."""

    context: str
    source: str
    disambiguation: str = ""

    def into(self, lang: str, /, **fields: object) -> str:
        text = catalogue(lang).lookup(self.context, self.source, self.disambiguation)
        text = text or self.source
        if not fields:
            return text
        return text.format(**{k: _render(v, lang) for k, v in fields.items()})

    def fill(self, **fields: object) -> Phrase:
        """The message with its fields, still in no language: see Phrase."""
        return Phrase(self.context, self.source, fields, self.disambiguation)

    def __str__(self) -> str:  # logs and exceptions read English
        return self.source


class Phrase(str):
    """A filled message that is already a plain English str (logs, exceptions, old callers) and
    can still be said in another language with `.into(lang)`. It pickles as its parts, so a
    reason made in a collector process reaches the window intact and is shown in the language
    chosen there, not in the one the process happened to start with."""

    def __new__(
        cls, context: str, source: str, fields: Mapping[str, object] | None = None,
        disambiguation: str = "",
    ) -> Phrase:
        fields = dict(fields or {})
        text = Msg(context, source, disambiguation).into(SOURCE_LANGUAGE, **fields)
        self = super().__new__(cls, text)
        self.msg = Msg(context, source, disambiguation)
        self.fields = fields
        return self

    def into(self, lang: str) -> str:
        return self.msg.into(lang, **self.fields)

    def __reduce__(self):
        return (Phrase, (self.msg.context, self.msg.source, self.fields, self.msg.disambiguation))


def say(text: object, lang: str) -> str:
    """Any text in `lang`: a Phrase or Msg is translated, anything else is shown as it is."""
    return str(_render(text, lang))


def reason_of(exc: BaseException) -> str:
    """An exception's message, still a Phrase when it was raised with one (so it can be shown
    later in the reader's language); else its English text."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Phrase):
        return exc.args[0]
    return str(exc) or type(exc).__name__


def translate(context: str, source: str, disambiguation: str = "") -> Msg:
    """A core message (the name lupdate extracts: keep the arguments literal strings; a third
    one is the disambiguation, as lupdate reads it)."""
    return Msg(context, source, disambiguation)


class Worded:
    """For a record whose words are a Phrase in `message` (planner notes, recommendations,
    validation problems): the same three ways to say it, written once."""

    __slots__ = ()
    message: Phrase

    def text(self, lang: str) -> str:
        return self.message.into(lang)

    @property
    def en(self) -> str:
        return str(self.message)

    @property
    def ko(self) -> str:
        return self.message.into("ko")
