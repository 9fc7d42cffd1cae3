"""The kiosk's sector pages in quota mode: cap, running, borrowed and lent GPUs, read off-thread."""

from __future__ import annotations

from console.app import build_services
from console.cli import parse_args
from console.fleet.model import Sector
from tests.qt.capacity.quota_setup import quota_service
from widgets.kiosk.frontend import KioskFrontend
from widgets.kiosk.pages import OverviewPage, SectorPage

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
