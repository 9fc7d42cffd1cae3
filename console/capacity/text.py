"""Words the capacity core says to people, in both languages (the CLI and the board use them)."""

from __future__ import annotations

from console.model import Sector

SECTOR_NAMES = {
    "ko": {Sector.PUBLIC: "공공", Sector.INTEREST: "공익", Sector.PRIVATE: "민간"},
    "en": {Sector.PUBLIC: "public", Sector.INTEREST: "public-interest", Sector.PRIVATE: "private"},
}


def sector_name(sector: Sector, lang: str) -> str:
    return SECTOR_NAMES["ko" if lang == "ko" else "en"][sector]


def pick(lang: str, en: str, ko: str) -> str:
    return ko if lang == "ko" else en
