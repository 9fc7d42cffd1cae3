"""Words the capacity core says to people, in both languages (the CLI and the board use them)."""

from __future__ import annotations

from console.fleet.model import Sector
from console.i18n.catalogue import translate
from console.i18n.sector_names import SECTOR_NAMES


def sector_name(sector: Sector, lang: str) -> str:
    return SECTOR_NAMES["ko" if lang == "ko" else "en"][sector.value]


def pick(lang: str, en: str, ko: str) -> str:
    return ko if lang == "ko" else en


STATE_NAMES = {
    "ko": {
        "planned": "계획됨",
        "draining": "드레인 중",
        "drained": "드레인 완료",
        "moved": "이동함",
        "resumed": "재개함",
        "done": "완료",
        "cancelled": "취소됨",
        "failed": "실패",
        "rolled-back": "되돌림",
    },
}
RESULT_NAMES = {
    "ko": {
        "applied": "적용됨",
        "rolled back": "되돌려짐",
        "cancelled": "취소됨",
        "rollback incomplete": "되돌리기 미완료",
    },
}


def state_name(state: str, lang: str) -> str:
    return STATE_NAMES.get(lang, {}).get(str(state), str(state))


def result_name(result: str, lang: str) -> str:
    if result == "interrupted":  # the audit entry of a crash mid-apply (capacity/recovery.py)
        return translate("Recovery", "interrupted").into(lang)
    return RESULT_NAMES.get(lang, {}).get(result, result)
