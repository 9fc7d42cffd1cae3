"""The kiosk's sector pages in quota mode: cap, running, borrowed and lent GPUs, read off-thread."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from console.app import build_services
from console.cli import parse_args
from console.fleet.model import Sector
from tests.paths import REPO
from tests.qt.capacity.quota_setup import quota_service
from tests.qt.fleet.test_sector_waits import VIEW
from widgets.common.i18n import Translations
from widgets.kiosk.frontend import KioskFrontend
from widgets.kiosk.pages import COMPACT_BELOW_PX, OverviewPage, SectorPage

KIOSK_QSS = REPO / "resources" / "themes" / "kiosk.qss"

TIMEOUT_MS = 15_000


def test_a_sector_page_shows_its_quota_once_read_and_dashes_when_it_cannot(qtbot, tmp_path):
    _, backend = quota_service(tmp_path, running={Sector.INTEREST: 16})
    page = SectorPage(Sector.INTEREST)
    qtbot.addWidget(page)
    page.resize(1800, 900)
    page.show()
    assert not page.quota.isVisible()  # node mode, or before the first read: no strip
    state = backend.read()
    page.show_quota(state)
    assert page.quota.isVisible()
    q = state.sectors[Sector.INTEREST]
    assert page.quota.values["cap"].text() == str(q.cap)
    assert page.quota.values["running"].text() == "16"
    assert page.quota.values["lent"].text() == str(state.lent()[Sector.INTEREST])
    page.show_quota_problem("slurmdbd is not answering")
    assert page.quota.values["cap"].text() == "–"
    assert "slurmdbd" in page.quota.problem.text()


def test_the_kiosk_in_quota_mode_reads_the_caps_onto_its_sector_pages(qtbot, tmp_path):
    options = parse_args(["--kiosk", "--demo", "12", "--interval", "0.5", "--lang", "en",
                          "--capacity-mode", "quota", "--data-dir", str(tmp_path)])
    front = KioskFrontend()
    front.create_application([])
    services = build_services(options)
    assert services.quota is not None
    front.open(services, options, started_at=0.0)
    qtbot.addWidget(front.window, before_close_func=lambda w: w.leave())
    services.start()  # the caps' one reader is the core's (it also feeds the starved rule)
    try:
        pages = [p for p in front.window.pages if isinstance(p, SectorPage)]
        qtbot.waitUntil(lambda: all(p.quota.values["cap"].text() != "–" for p in pages),
                        timeout=TIMEOUT_MS)
        caps = services.quota.read().caps()
        for page in pages:
            assert page.quota.values["cap"].text() == str(caps[page.sector])
        [overview] = [p for p in front.window.pages if isinstance(p, OverviewPage)]
        for sector, card in overview.cards.cards.items():  # caps, not node allocation
            assert card.quota_mode and card.entitled.text() == str(caps[sector])
    finally:
        front.window.leave()
        services.stop()  # stops the follower (conftest checks no thread is left)


def cut_or_overlapping(page) -> list[str]:
    """Visible labels whose text does not fit, or that draw over another label."""
    out, rects = [], []
    for w in page.findChildren(QLabel):
        if not w.isVisibleTo(page) or not w.text():
            continue
        need = w.heightForWidth(w.width()) if w.wordWrap() else w.sizeHint().height()
        if (not w.wordWrap() and w.sizeHint().width() > w.width() + 1) or need > w.height() + 1:
            out.append(f"cut: {w.text()[:40]} {w.size().toTuple()} < {w.sizeHint().toTuple()}")
        rects.append((w, w.rect().translated(w.mapTo(page, w.rect().topLeft()))))
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1 :]:
            both = ra.intersected(rb)
            if both.width() > 2 and both.height() > 2:
                out.append(f"overlap: {a.text()[:30]} / {b.text()[:30]}")
    return out


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", [(1864, 873), (1224, 513)])  # a 1920×1080 and a 1280×720 wall
def test_a_sector_page_with_caps_and_waits_fits_the_wall(qtbot, qapp, tmp_path, lang, size):
    translations = Translations(qapp)
    translations.set_language(lang)
    try:
        _, backend = quota_service(tmp_path, running={Sector.INTEREST: 16})
        page = SectorPage(Sector.INTEREST)
        qtbot.addWidget(page)
        qapp.setStyleSheet(KIOSK_QSS.read_text(encoding="utf-8"))
        page.setFixedSize(*size)  # as the kiosk's fixed full-screen window holds it
        page.show()
        page.show_quota(backend.read())
        page.show_scheduler(VIEW)
        qtbot.waitUntil(lambda: page.waits.isVisible() and page.quota.isVisible())
        qapp.processEvents()
        assert page.compact == (size[1] < COMPACT_BELOW_PX)
        assert cut_or_overlapping(page) == []
    finally:
        qapp.setStyleSheet("")
        translations.set_language("en")


def test_a_sector_page_top_row_shows_the_cap_not_node_allocation_in_quota_mode(qtbot, tmp_path):
    from tests.qt.kiosk.test_kiosk import fleet_snapshot

    _, backend = quota_service(tmp_path, running={Sector.INTEREST: 16})
    page = SectorPage(Sector.INTEREST)
    qtbot.addWidget(page)
    page.resize(1800, 900)
    page.show()
    snap = fleet_snapshot(48)
    page.show_snapshot(snap)
    s = snap.sectors[page.index]
    node_row = [v.text() for v in page.values]
    assert node_row[0] == f"{s.used_gpus} / {s.allocated_gpus}"  # node mode: allocation
    assert page.captions[2].text() == "entitled GPUs (share)"
    state = backend.read()
    q = state.sectors[Sector.INTEREST]
    page.show_quota(state)
    page.show_snapshot(snap)
    row = [v.text() for v in page.values]
    assert [c.text() for c in page.captions[:4]] == [
        "GPUs in use", "average utilisation", "GPU cap (share)", "running vs cap"]
    assert row[0] == str(s.used_gpus)  # measured, no node allocation
    assert row[2] == f"{q.cap} ({q.cap / state.capacity:.0%})"
    assert row[3] == f"{16 - q.cap:+d}"
    assert (page.bar.entitled, page.bar.allocated) == (q.cap, 16)  # the cap's mark, running
    page.show_quota_problem("slurmdbd is not answering")
    page.show_snapshot(snap)
    assert [v.text() for v in page.values][2:4] == ["–", "–"]  # never the last caps
