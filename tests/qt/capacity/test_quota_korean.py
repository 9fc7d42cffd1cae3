"""The quota board in Korean: every text a person reads (labels, buttons, the preview's checks,
the crash banner, the sector cards' quota figures) is Korean, also after a live switch."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel

from console.fleet.model import Sector
from tests.qt.capacity.quota_setup import VIEWER, quota_service
from tests.qt.capacity.test_quota_recovery import interrupted  # noqa: F401 (a fixture)
from tests.unit.capacity.test_quota_service import service as crashed_service
from widgets.capacity.quota_board import QuotaBoard
from widgets.common.i18n import Translations
from widgets.fleet.sector_cards import SectorCards

P, N, R = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
TZ = ZoneInfo("Asia/Seoul")
TIMEOUT_MS = 15_000
HANGUL = re.compile("[\uac00-\ud7a3]")
WORD = re.compile("[A-Za-z]{4,}")
NAMES = {"Slurm", "QOS", "GrpTRES", "QOSGrpGRES", "hangang", "borrow"}  # names, not words


def english(widget) -> list[str]:
    """Visible texts with an English word and no Hangul."""
    out = []
    for w in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton):
        text = w.text()
        words = set(WORD.findall(re.sub("<[^>]+>", "", text))) - NAMES
        if w.isVisibleTo(widget) and words and not HANGUL.search(text):
            out.append(text)
    return out


@pytest.fixture
def language(qapp):
    translations = Translations(qapp)
    yield translations.set_language
    translations.set_language("en")


def checks(board) -> list[str]:
    items = board.preview_panel.problems
    return [items.item(i).text() for i in range(items.count())]


def board_for(qtbot, svc) -> QuotaBoard:
    board = QuotaBoard(svc, TZ)
    qtbot.addWidget(board)
    board.resize(1400, 700)
    board.show()
    qtbot.waitUntil(lambda: board.state is not None, timeout=TIMEOUT_MS)
    return board


def test_every_quota_board_text_is_korean_after_a_live_switch(qtbot, tmp_path, language):
    svc, _ = quota_service(tmp_path, running={P: 50, N: 10})
    board = board_for(qtbot, svc)
    try:
        board.set_cap(P, 10)  # below its guarantee and below what it runs: two checks
        assert checks(board) and all(not HANGUL.search(t) for t in checks(board))
        language("ko")
        qtbot.waitUntil(lambda: all(HANGUL.search(t) for t in checks(board)), timeout=TIMEOUT_MS)
        assert len(checks(board)) == 2
        for targets in ({N: 200}, {R: -1}):
            board.clear_plan()
            for sector, cap in targets.items():
                board.set_cap(sector, cap)
            assert checks(board) and all(HANGUL.search(t) for t in checks(board)), checks(board)
            assert HANGUL.search(board.apply_refusal())
        board.clear_plan()
        board.move(P, P, 3)
        assert HANGUL.search(board.plan_problem)
        board.preview_panel.override.setChecked(True)
        board.set_cap(P, 10)
        assert all(HANGUL.search(t) for t in checks(board)), checks(board)
        assert english(board) == []
    finally:
        board.shutdown()


def test_the_crash_banner_and_a_viewer_board_are_korean(qtbot, interrupted, language):  # noqa: F811
    language("ko")
    board = board_for(qtbot, crashed_service(interrupted, VIEWER))
    try:
        assert board.recovery.isVisible()
        assert english(board) == []
        assert HANGUL.search(board.recovery.note.text())
    finally:
        board.shutdown()


def test_the_sector_cards_quota_figures_are_korean(qtbot, tmp_path, language):
    language("ko")
    _, backend = quota_service(tmp_path)
    cards = SectorCards()
    qtbot.addWidget(cards)
    cards.show()
    cards.show_quota(backend.read())
    assert english(cards) == []
    assert cards.cards[P].entitled_caption.text() == "GPU 상한"
