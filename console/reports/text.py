"""Every word of a report, in Korean and English (the core carries both languages in code)."""

from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

DEFAULT_CENTRE = {"ko": "한강 AI 센터", "en": "Hangang AI Center"}


RULE_NAMES = {
    "ko": {
        "node_unreachable": "노드 연결 끊김",
        "gpu_lost": "GPU 인식 불가",
        "xid": "XID 오류",
        "ecc_uncorrected": "ECC 정정 불가 오류",
        "thermal_throttle": "열 스로틀링",
        "gpu_temp": "GPU 고온",
    },
    "en": {
        "node_unreachable": "Node unreachable",
        "gpu_lost": "GPU lost",
        "xid": "XID error",
        "ecc_uncorrected": "Uncorrected ECC error",
        "thermal_throttle": "Thermal throttling",
        "gpu_temp": "GPU temperature",
    },
}

SEVERITY = {
    "ko": {"critical": "심각", "error": "오류", "warning": "경고"},
    "en": {"critical": "critical", "error": "error", "warning": "warning"},
}

STORE_STATUS = {
    "ko": {
        "read": "읽음",
        "no file": "파일 없음 (기록된 적 없음)",
        "not installed": "이 콘솔에 없음",
        "unreadable": "읽을 수 없음",
        "given": "직접 전달됨",
    },
    "en": {
        "read": "read",
        "no file": "no file (never written)",
        "not installed": "not part of this console",
        "unreadable": "could not be read",
        "given": "handed in",
    },
}

STORE_NAMES = {
    "ko": {
        "history": "이력 (GPU 사용)",
        "incidents": "장애 기록",
        "capacity": "용량 변경 감사 기록",
    },
    "en": {
        "history": "History (GPU use)",
        "incidents": "Incidents",
        "capacity": "Capacity audit log",
    },
}

# column headers, shared by the PDF tables (CSV files keep the ids as headers)
HEADERS = {
    "ko": {
        "sector": "부문",
        "org": "기관",
        "rank": "순위",
        "entitled_gpu_h": "보장 GPU시간",
        "allocated_gpu_h": "배정 GPU시간",
        "used_gpu_h": "사용 GPU시간",
        "su": "SU",
        "util_pct": "평균 사용률 %",
        "entitlement_met": "보장 충족",
        "prev_used_gpu_h": "이전 기간 사용",
        "used_change_pct": "증감 %",
        "share_pct": "부문 내 비중 %",
        "nodes": "노드 수",
        "recorded_node_h": "기록 노드시간",
        "down_node_h": "중단 노드시간",
        "availability_pct": "가용률 %",
        "node": "노드",
        "down_h": "중단 시간",
        "rule": "유형",
        "count": "건수",
        "open_at_end": "기간 말 미해결",
        "total_h": "총 지속 시간",
        "longest_h": "최장 시간",
        "severity": "등급",
        "start": "시작",
        "duration_h": "지속 시간",
        "when": "일시",
        "user": "수행자",
        "action": "작업",
        "moves": "이동",
        "reason": "사유",
        "result": "결과",
        "store": "저장소",
        "path": "파일",
        "status": "상태",
        "rows": "행 수",
    },
    "en": {
        "sector": "Sector",
        "org": "Organisation",
        "rank": "#",
        "entitled_gpu_h": "Entitled GPU-h",
        "allocated_gpu_h": "Allocated GPU-h",
        "used_gpu_h": "Used GPU-h",
        "su": "SU",
        "util_pct": "Avg util %",
        "entitlement_met": "Entitlement met",
        "prev_used_gpu_h": "Previous used",
        "used_change_pct": "Change %",
        "share_pct": "Share of sector %",
        "nodes": "Nodes",
        "recorded_node_h": "Recorded node-h",
        "down_node_h": "Down node-h",
        "availability_pct": "Availability %",
        "node": "Node",
        "down_h": "Down h",
        "rule": "Type",
        "count": "Count",
        "open_at_end": "Open at end",
        "total_h": "Total h",
        "longest_h": "Longest h",
        "severity": "Severity",
        "start": "Start",
        "duration_h": "Hours",
        "when": "When",
        "user": "By",
        "action": "Action",
        "moves": "Moves",
        "reason": "Reason",
        "result": "Result",
        "store": "Store",
        "path": "File",
        "status": "Status",
        "rows": "Rows",
    },
}

WORDS = {
    "ko": {
        "title": "GPU 이용 보고서",
        "key_used": "사용 GPU시간",
        "key_util": "평균 GPU 사용률 %",
        "key_available": "노드 가용률 %",
        "key_incidents": "장애 건수",
        "period": "기간",
        "sectors": "부문",
        "all_sectors": "전체 부문",
        "generated_at": "작성 일시",
        "generated_by": "작성자",
        "time_zone": "시간대",
        "page": "쪽 {page} / {pages}",
        "yes": "충족",
        "no": "미충족",
        "summary": "1. 부문별 요약",
        "summary_note": "이전 기간: {previous}. 증감은 사용 GPU시간 기준입니다.",
        "coverage_note": "기록된 시간은 이 기간의 {now:.1f} %, 이전 기간의 {before:.1f} %입니다.",
        "charts": "2. 추이",
        "util_chart": "부문별 평균 GPU 사용률 (%, {step}시간 평균)",
        "alloc_chart": "부문별 배정 GPU와 사용 GPU (평균 GPU 수, {step}시간 평균)",
        "heat_chart": "노드별 일평균 GPU 사용률 (행: 노드, 열: 날짜)",
        "allocated": "배정",
        "used": "사용",
        "entitled": "보장",
        "no_data": "기록 없음",
        "top_orgs": "3. 부문별 상위 기관 (사용 GPU시간)",
        "no_org": "(기관 없음)",
        "no_use": "이 기간에 사용 기록이 없습니다.",
        "health": "4. 안정성",
        "availability": "노드 가용률",
        "least_available": "가용률이 가장 낮은 노드",
        "all_available": "모든 노드가 기록된 시간 내내 응답했습니다.",
        "incidents": "장애 (유형별 건수와 지속 시간, 시간 단위)",
        "longest_incidents": "가장 길었던 장애 {shown}건 (전체 {total}건은 CSV에 있음)",
        "no_incidents": "이 기간에 기록된 장애가 없습니다.",
        "open": "진행 중",
        "changes": "5. 용량 변경 (재배치)",
        "no_changes": "이 기간에 용량 변경이 없습니다.",
        "apply": "적용",
        "undo": "되돌림",
        "appendix": "부록: 산출 방법",
        "sources": "읽은 데이터",
        "csv_note": "모든 표와 그래프의 수치는 같은 이름의 CSV 파일(UTF-8)로 함께 저장됩니다.",
    },
    "en": {
        "title": "GPU usage report",
        "key_used": "Used GPU-hours",
        "key_util": "Average GPU utilisation %",
        "key_available": "Node availability %",
        "key_incidents": "Incidents",
        "period": "Period",
        "sectors": "Sectors",
        "all_sectors": "All sectors",
        "generated_at": "Generated at",
        "generated_by": "Generated by",
        "time_zone": "Time zone",
        "page": "Page {page} of {pages}",
        "yes": "met",
        "no": "not met",
        "summary": "1. Summary by sector",
        "summary_note": "Previous period: {previous}. The change is in used GPU-hours.",
        "coverage_note": "Hours recorded: {now:.1f} % of this period, {before:.1f} % of the "
        "previous one.",
        "charts": "2. Over the period",
        "util_chart": "Average GPU utilisation by sector (%, {step}-hour means)",
        "alloc_chart": "Allocated and used GPUs by sector (mean GPUs, {step}-hour means)",
        "heat_chart": "Daily mean GPU utilisation by node (rows: nodes, columns: days)",
        "allocated": "allocated",
        "used": "used",
        "entitled": "entitled",
        "no_data": "nothing recorded",
        "top_orgs": "3. Top organisations by used GPU-hours",
        "no_org": "(no organisation)",
        "no_use": "Nothing was used in this period.",
        "health": "4. Health",
        "availability": "Node availability",
        "least_available": "Least available nodes",
        "all_available": "Every node answered for all the hours recorded.",
        "incidents": "Incidents (counts and durations in hours, by type)",
        "longest_incidents": "The {shown} longest incidents ({total} in all, every one in the CSV)",
        "no_incidents": "No incidents recorded in this period.",
        "open": "open",
        "changes": "5. Capacity changes (rebalances)",
        "no_changes": "No capacity changes in this period.",
        "apply": "applied",
        "undo": "undone",
        "appendix": "Appendix: method",
        "sources": "Data read",
        "csv_note": "Every number in the tables and charts is also written to CSV files "
        "(UTF-8) named after them.",
    },
}

# How each figure is computed, so a reader can check it (console/history/rollup.py, accounting.py).
METHOD = {
    "ko": [
        "모든 수치는 콘솔이 기록한 이력(15분 단위 집계)에서 계산합니다. 하루는 {tz} 기준 0시에 "
        "시작합니다.",
        "배정 GPU시간: 부문(노드의 소속)에 배정된 GPU 수 × 시간. 응답 여부와 관계없이 셉니다.",
        "사용 GPU시간: GPU 사용률/100 × 시간의 합 (GPU 하나를 50 %로 2시간 쓰면 1 GPU시간). "
        "GPU에서 실행 중인 프로세스 사용자의 기관에, 알 수 없으면 노드의 기관에 부과합니다.",
        "보장 GPU시간: 부문의 보장 비율 × 전체 GPU 수 × 기록된 시간.",
        "보장 충족: 배정 GPU시간이 보장 GPU시간 이상 (소수 첫째 자리에서 비교).",
        "평균 사용률 %: 사용 GPU시간 ÷ 보고 GPU시간 (GPU가 응답한 시간) × 100. 합계 행은 "
        "평균의 평균이 아니라 합계에서 다시 계산합니다.",
        "SU(서비스 단위): 사용 GPU시간 × GPU 모델별 배수 (설정 파일, 기본 1.0).",
        "이전 기간: 월 보고서는 전월, 그 밖에는 바로 앞의 같은 길이 기간.",
        "노드 가용률 %: 노드가 응답한 시간 ÷ 노드가 기록된 시간 × 100. 중단 노드시간은 그 차이.",
        "노드별 일평균 사용률: 그날 노드 GPU들의 사용률 × 시간의 합 ÷ 보고 GPU시간.",
        "장애 지속 시간: 보고 기간 안에 든 부분만 (시작 ~ 해소, 미해소는 기간 끝까지).",
    ],
    "en": [
        "Every figure comes from the history the console recorded (15-minute rollups). Days "
        "start at midnight in {tz}.",
        "Allocated GPU-hours: GPUs assigned to the sector (its nodes) × hours, whether the GPUs "
        "reported or not.",
        "Used GPU-hours: Σ utilisation/100 × hours (one GPU at 50 % for 2 h is 1 GPU-hour), "
        "charged to the organisation of the user whose process ran on the GPU, else to the "
        "node's organisation.",
        "Entitled GPU-hours: the sector's guaranteed share × all GPUs × hours recorded.",
        "Entitlement met: allocated GPU-hours are at least the entitled GPU-hours (compared to "
        "one decimal, as printed).",
        "Average utilisation %: used GPU-hours ÷ reporting GPU-hours (hours a GPU answered) × "
        "100. The total row is computed from the totals, not averaged.",
        "SU (service units): used GPU-hours × the multiplier of the GPU model (settings file; "
        "1.0 by default).",
        "Previous period: the previous calendar month for a monthly report, else the same "
        "number of days just before.",
        "Node availability %: hours the node answered ÷ hours it was recorded × 100; down "
        "node-hours are the difference.",
        "Daily utilisation by node: Σ utilisation × hours of the node's GPUs that day ÷ their "
        "reporting GPU-hours.",
        "Incident durations count only the part inside the period (start to resolution; an "
        "open incident to the end of the period).",
    ],
}


def words(lang: str) -> dict[str, str]:
    return WORDS[lang]


def number(value: object, digits: int = 1) -> str:
    """1,234.5 in both languages; "–" for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value):,.{digits}f}"


def day_text(day: date, lang: str) -> str:
    if lang == "ko":
        return f"{day.year}년 {day.month}월 {day.day}일"
    return f"{day.day} {day:%b} {day.year}"


def period_text(first: date, last: date, lang: str) -> str:
    if first == last:
        return day_text(first, lang)
    return f"{day_text(first, lang)} – {day_text(last, lang)}"


def moment_text(t: float, tz: str, lang: str) -> str:
    at = datetime.fromtimestamp(t, ZoneInfo(tz))
    return f"{day_text(at.date(), lang)} {at:%H:%M}"


def short_moment(t: float, tz: str) -> str:
    """2026-11-03 14:05, for table cells."""
    return f"{datetime.fromtimestamp(t, ZoneInfo(tz)):%Y-%m-%d %H:%M}"
