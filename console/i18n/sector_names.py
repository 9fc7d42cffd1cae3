"""The sectors' names as the core writes them for people (CLI tables, PDF reports, plan messages).
The widgets have their own, translated through Qt (widgets/common/labels.py)."""

from __future__ import annotations

SECTOR_NAMES = {
    "ko": {"public": "공공", "interest": "공익", "private": "민간", "total": "합계"},
    "en": {
        "public": "Public",
        "interest": "Public-interest",
        "private": "Private",
        "total": "Total",
    },
}
