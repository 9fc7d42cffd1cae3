"""Quota mode's sector cards and the starved rule read the caps from the core's one follower."""

from __future__ import annotations

import pytest

from console.app import build_services
from console.capacity.quota.demand import quota_demand
from console.cli import parse_args
from console.fleet.model import Sector
from tests.qt.capacity.quota_setup import quota_service
from widgets.fleet.sector_cards import SectorCards
from widgets.window.frontend import WindowFrontend

P, N, V = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
TIMEOUT_MS = 15_000


def test_a_card_shows_cap_running_borrowed_lent_and_waiting_at_cap(qtbot, tmp_path):
    from console.capacity.quota.local import LocalQuotaBackend, SectorUse

    _, backend = quota_service(tmp_path)

    def use(caps, now):  # interest runs its whole cap and borrows 6 of public's unused cap
        return {N: SectorUse(running=caps[N], borrowed=6, pending_gpus=12, pending_at_cap=8)}

    backend = LocalQuotaBackend(tmp_path / "quota.sqlite", backend.inventory, use)
    state = backend.read()
    cards = SectorCards()
    qtbot.addWidget(cards)
    card = cards.cards[N]
    assert card.entitled_caption.text() == "entitled" and not card.at_cap.isVisibleTo(card)
    cards.show_quota(state)
    assert card.quota_mode and card.at_cap.isVisibleTo(card)
    assert card.entitled_caption.text() == "GPU cap"
    assert card.entitled.text() == str(state.caps()[N])
    assert card.allocated.text() == str(state.caps()[N])
    assert card.balance.text() == "6 / 0"
    assert card.at_cap.text() == "8"
    lent = state.lent()
    assert sum(lent.values()) == 6  # borrowed from the others' unused caps
    assert cards.cards[P].balance.text() == f"0 / {lent[P]}"
    cards.show_quota_problem("slurmdbd is not answering")
    assert card.entitled.text() == card.at_cap.text() == "–"
    assert "slurmdbd" in card.quota_problem


def test_quota_demand_is_what_waits_at_each_cap():
    assert quota_demand(None) == {}


@pytest.fixture
def quota_window(qtbot, tmp_path):
    options = parse_args(
        [
            "--demo",
            "12",
            "--interval",
            "0.5",
            "--lang",
            "en",
            "--data-dir",
            str(tmp_path),
            "--capacity-mode",
            "quota",
        ]
    )
    frontend = WindowFrontend()
    frontend.create_application([])
    services = build_services(options)
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    services.start()
    yield frontend, services
    frontend.window.close()
    services.stop()


def test_the_window_cards_and_the_starved_rule_share_the_quota_follower(qtbot, quota_window):
    frontend, services = quota_window
    follower = services.quota_follower
    assert follower is not None and follower._thread.name == "quota-follower"
    qtbot.waitUntil(lambda: follower.latest is not None, timeout=TIMEOUT_MS)
    cards = frontend.window.cards.cards
    caps = follower.latest.caps()
    qtbot.waitUntil(lambda: cards[P].entitled.text() != "–", timeout=TIMEOUT_MS)
    assert all(c.quota_mode for c in cards.values())
    for sector, card in cards.items():
        assert card.entitled.text() == str(caps[sector])
        assert card.entitled_caption.text() == "GPU cap"
    # the alert engine asks the follower's last read, not the node backend's queue
    assert services.demand() == {
        s.value: q.pending_at_cap for s, q in follower.latest.sectors.items()
    }
