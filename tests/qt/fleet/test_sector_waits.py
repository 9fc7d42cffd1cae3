"""What waits in Slurm on screen (widgets/fleet/sector_waits.py, widgets/history/
accounting_waits.py): the sector cards, the kiosk's sector pages and the accounting tab show a
SchedulerView's queued jobs and GPUs, top reasons through the catalogue, p50/p90 waits, and the
clear state with the last figures dimmed when Slurm cannot be read; nothing without Slurm."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType, SimpleNamespace

import pytest
from PySide6.QtWidgets import QApplication

from console.fleet.model import Sector
from console.scheduler.books import Waits
from console.scheduler.queue import Waiting
from console.scheduler.reasons import reason_name
from console.scheduler.watch import SchedulerView, accounting_state
from widgets.common.i18n import Translations
from widgets.common.queue_views import QueueViews
from widgets.fleet.sector_cards import SectorCards
from widgets.history.accounting_waits import WaitsTable
from widgets.history.query import HistoryQueries
from widgets.kiosk.pages import SectorPage

T = 1_795_968_000.0
VIEW = SchedulerView(
    made_at=T,
    pending=MappingProxyType(
        {
            "interest": {
                "QOSGrpGRES": Waiting(2, 16),
                "Priority": Waiting(1, 1),
                "Resources": Waiting(1, 4),
            }
        }
    ),
    pending_at=T,
    waits=MappingProxyType({"interest": Waits(12, 240.0, 7560.0), "public": Waits(3, 40.0, 90.0)}),
    waits_t0=T - 7 * 86400,
    waits_t1=T,
    waits_at=T,
)


@pytest.fixture
def korean(qapp):
    translations = Translations(qapp)
    yield translations
    translations.set_language("en")


def test_the_cards_show_the_queue_and_the_waits(qtbot):
    cards = SectorCards()
    qtbot.addWidget(cards)
    cards.show()
    interest = cards.cards[Sector.INTEREST].waits
    assert interest.isHidden()  # no Slurm: no rows
    cards.show_scheduler(VIEW)
    assert interest.isVisible()
    assert interest.queued.text() == "4 / 21"
    assert (
        interest.reasons.text()
        == "at its cap: 16 GPU · no free GPUs: 4 GPU · others first: 1 GPU"
    )
    assert interest.waits.text() == "4 min / 2.1 h"
    assert interest.waits_caption.text() == "wait p50 / p90, last 7 d"
    public = cards.cards[Sector.PUBLIC].waits
    assert public.queued.text() == "0 / 0" and public.waits.text() == "40 s / 90 s"
    assert cards.cards[Sector.PRIVATE].waits.waits.text() == "no job started"
    assert not interest.state.isVisible()


def test_slurmdbd_down_dims_the_last_waits_under_the_reason(qtbot):
    cards = SectorCards()
    qtbot.addWidget(cards)
    cards.show()
    cards.show_scheduler(VIEW)
    down = replace(VIEW, accounting_problem=accounting_state("Connection refused"))
    cards.show_scheduler(down)
    interest = cards.cards[Sector.INTEREST].waits
    assert interest.state.isVisible()
    assert interest.state.text() == "Slurm's accounting cannot be read: Connection refused"
    assert interest.waits.text() == "4 min / 2.1 h"  # kept, dimmed
    assert "color" in interest.waits.styleSheet() and not interest.queued.styleSheet()
    cards.show_scheduler(VIEW)
    assert not interest.state.isVisible() and not interest.waits.styleSheet()


def test_korean_names_the_reasons_from_the_catalogue(qtbot, korean):
    korean.set_language("ko")
    page = SectorPage(Sector.INTEREST)
    qtbot.addWidget(page)
    page.show()
    page.show_scheduler(replace(VIEW, queue_problem=None))
    text = page.waits.reasons.text()
    assert reason_name("QOSGrpGRES", "ko") in text and "at its cap" not in text
    assert reason_name("QOSGrpGRES", "ko") != "at its cap"
    assert page.waits.queued.objectName() == "KioskStat"  # the kiosk's big type
    assert page.waits.queued.text() == "작업 4 / GPU 21"
    down = replace(VIEW, accounting_problem=accounting_state("Connection refused"))
    page.show_scheduler(down)
    assert (
        page.waits.state.text()
        == down.accounting_problem.into("ko")
        != str(down.accounting_problem)
    )


def test_the_feed_brings_views_from_another_thread(qtbot):
    import threading

    class Watch:
        def subscribe(self, listener):
            listener(VIEW)
            threading.Thread(
                target=listener, args=(replace(VIEW, pending=None),), name="scheduler-watch-test"
            ).start()

    cards = SectorCards()
    qtbot.addWidget(cards)
    feed = QueueViews(cards)
    feed.view_ready.connect(cards.show_scheduler)
    feed.attach(Watch())
    waits = cards.cards[Sector.INTEREST].waits
    qtbot.waitUntil(lambda: waits.queued.text() == "–", timeout=5000)  # the second, queued


def test_the_accounting_tab_reads_the_periods_waits(qtbot):
    asked = []

    def source(t0, t1):
        asked.append((t0, t1))
        return dict(VIEW.waits)

    queries = HistoryQueries(SimpleNamespace())
    table = WaitsTable()
    qtbot.addWidget(table)
    table.show()
    try:
        table.refresh(queries, None, T - 86400, T)
        assert table.isHidden()  # no Slurm
        table.refresh(queries, source, T - 86400, T)
        qtbot.waitUntil(lambda: table.model.rowCount() == 3, timeout=5000)
        frame = table.model.shown_frame().set_index("sector")
        assert asked == [(T - 86400, T)]
        assert frame.at["interest", "started"] == 12
        assert frame.at["interest", "wait_p50_min"] == 4.0
        assert frame.at["interest", "wait_p90_min"] == 126.0
        assert frame.at["private", "started"] == 0

        def broken(t0, t1):
            raise RuntimeError("sacct: error: Problem talking to the database")

        table.refresh(queries, broken, T - 86400, T)
        qtbot.waitUntil(lambda: "cannot be read" in table.note.text(), timeout=5000)
        assert table.model.rowCount() == 3  # the last good figures stay
    finally:
        queries.shutdown()
    QApplication.processEvents()
