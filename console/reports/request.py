"""What a report is asked for (period, language, sectors, time zone) and how it may fail."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from console.fleet.model import SECTORS
from console.reports.period import Period

SECTOR_IDS: tuple[str, ...] = tuple(s.value for s in SECTORS)
LANGUAGES = ("ko", "en")


class ReportError(Exception):
    """The report cannot be made as asked (unknown sector, bad language or time zone)."""


class EmptyPeriod(ReportError):
    """The history holds nothing for the period; the message says what it does hold."""


@dataclass(frozen=True, slots=True)
class ReportRequest:
    period: Period
    lang: str = "en"
    sectors: tuple[str, ...] = SECTOR_IDS
    tz: str = "Asia/Seoul"
    centre_name: str = ""  # "" : the report's default name for the centre
    generated_by: str = ""
    generated_at: float | None = None  # epoch s; None: when built

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ReportError(f"language is ko or en, not {self.lang!r}")
        unknown = [s for s in self.sectors if s not in SECTOR_IDS]
        if unknown or not self.sectors:
            raise ReportError(
                f"unknown sector {', '.join(map(repr, unknown)) or '(none given)'} "
                f"(known: {', '.join(SECTOR_IDS)})"
            )
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ReportError(f"unknown time zone {self.tz!r}") from exc

    @property
    def all_sectors(self) -> bool:
        return set(self.sectors) == set(SECTOR_IDS)

    def ordered_sectors(self) -> tuple[str, ...]:
        return tuple(s for s in SECTOR_IDS if s in self.sectors)
