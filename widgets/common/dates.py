"""Dates and clocks in the interface language (not the machine's locale), in the centre's zone.

The status bar and the kiosk both format through here, so `--lang ko` reads "2026. 12. 3." and
the weekday in Korean everywhere, and English reads "Thu 3 Dec 2026", whatever LANG the desktop has.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QLocale

from widgets.common.labels import ui_language

DEFAULT_TZ = "Asia/Seoul"  # the centre's zone; --tz changes it

# Short dates per interface language, as Qt patterns (Qt supplies the weekday names). Korean
# writes the numeric date with dots and the weekday in brackets, as Korean calendars do.
_SHORT_PATTERNS = {"ko": "yyyy. M. d. (ddd)", "en": "ddd d MMM yyyy"}


def default_tz() -> ZoneInfo:
    return ZoneInfo(DEFAULT_TZ)


def local_time(t: float, tz: ZoneInfo | None = None) -> datetime:
    """The wall-clock time `t` (Unix seconds) in `tz`, Asia/Seoul when none is given."""
    return datetime.fromtimestamp(t, tz or default_tz())


def date_text(at: datetime, lang: str | None = None, long: bool = False) -> str:
    """`at`'s date in `lang` (default: the interface language now). Short: the status bar's
    "Thu 3 Dec 2026"; long: the kiosk's "Thursday, December 3, 2026"."""
    lang = lang or ui_language()
    locale = QLocale(lang)
    date = QDate(at.year, at.month, at.day)
    if long:
        return locale.toString(date, QLocale.FormatType.LongFormat)
    pattern = _SHORT_PATTERNS.get(lang)
    if pattern is None:  # a language without a pattern here: Qt's own short form for it
        return locale.toString(date, QLocale.FormatType.ShortFormat)
    return locale.toString(date, pattern)


def clock_text(t: float, tz: ZoneInfo | None = None, lang: str | None = None) -> str:
    """Date, 24-hour time with seconds and the zone: "Thu 3 Dec 2026 14:05:09 KST"."""
    at = local_time(t, tz)
    return f"{date_text(at, lang)} {at:%H:%M:%S} {at.tzname()}"
