"""Power now and energy today on the sector cards and the kiosk's sector pages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PySide6.QtCore import QLocale

from console.fleet.metrics import default_registry
from console.fleet.model import SECTORS, NodeEvent, NodeSample, NodeStatus, PollBatch
from console.fleet.state import FleetState
from console.sources.demo.fleet import SimFleet
from widgets.fleet.sector_cards import SectorCards
from widgets.fleet.sector_energy import (
    NO_VALUE,
    TodayReader,
    kw_text,
    kwh_text,
    sector_power_kw,
)
from widgets.kiosk.pages import OverviewPage, SectorPage

T0 = 1_795_968_000.0  # 2026-11-30 01:00 in Seoul
TZ = ZoneInfo("Asia/Seoul")
C = QLocale.c()


def snapshot(nodes: int = 24, down: tuple[str, ...] = ()):
    sim = SimFleet.build(nodes)
    fleet = FleetState(sim.inventory, default_registry(), stale_after_s=10.0)
    items = sim.sample(T0)
    events = tuple(NodeEvent(n, T0, NodeStatus.UNREACHABLE, "timed out") for n in down)
    fleet.apply(
        PollBatch(
            T0,
            samples=tuple(i for i in items if isinstance(i, NodeSample) and i.host not in down),
            events=tuple(i for i in items if isinstance(i, NodeEvent)) + events,
        )
    )
    return fleet.snapshot(T0 + 0.5)


def by_hand_kw(snap, sector: int) -> float:
    """Σ power of the LIVE nodes' GPUs of the sector, one node at a time."""
    total = 0.0
    for row in range(snap.node_count):
        if snap.node_sector[row] == sector and snap.node_status[row] == NodeStatus.LIVE:
            total += float(np.nansum(snap.gpu_power_w[row]))
    return total / 1000.0


class Source:
    """energy_today as a history answers it, counting the reads."""

    def __init__(self, value):
        self.value, self.calls = value, []

    def __call__(self, now: float):
        self.calls.append(now)
        if isinstance(self.value, Exception):
            raise self.value
        return self.value


def test_power_now_counts_only_live_gpus_of_each_sector():
    whole = snapshot()
    public_node = next(n for i, n in enumerate(whole.node_names) if whole.node_sector[i] == 0)
    snap = snapshot(down=(public_node,))
    kw = sector_power_kw(snap)
    for i in range(len(SECTORS)):
        assert kw[i] == pytest.approx(by_hand_kw(snap, i))
        assert kw[i] > 0
    # the unreachable node's GPUs are not counted: public lost exactly that node's power
    row = whole.node_names.index(public_node)
    lost = float(np.nansum(whole.gpu_power_w[row])) / 1000.0
    assert lost > 0
    assert kw[0] == pytest.approx(sector_power_kw(whole)[0] - lost)


def test_a_sector_with_no_live_gpu_has_no_power_figure():
    whole = snapshot(12)
    private = tuple(n for i, n in enumerate(whole.node_names) if whole.node_sector[i] == 2)
    kw = sector_power_kw(snapshot(12, down=private))
    assert np.isnan(kw[2]) and kw[0] > 0
    assert kw_text(kw[2], C) == NO_VALUE


def test_texts():
    assert kw_text(12.345, C) == "12.3 kW"
    assert kwh_text(None, C) == NO_VALUE
    assert kwh_text(42.26, C) == "42.3 kWh"
    assert kwh_text(1234.6, C) == "1235 kWh"


def test_today_is_asked_every_few_seconds_and_a_failure_is_no_value():
    source = Source({"public": 1.0})
    reader = TodayReader(source)
    assert reader.kwh(T0) == {"public": 1.0}
    assert reader.kwh(T0 + 3) == {"public": 1.0}
    assert source.calls == [T0]
    source.value = {"public": 2.0}
    assert reader.kwh(T0 + 6) == {"public": 2.0}
    assert source.calls == [T0, T0 + 6]
    source.value = OSError("disk gone")
    assert reader.kwh(T0 + 200) is None
    assert TodayReader().kwh(T0) is None  # no history in this session


def test_cards_show_power_now_and_energy_today(qtbot):
    cards = SectorCards()
    qtbot.addWidget(cards)
    cards.setLocale(C)
    snap = snapshot()
    cards.show_snapshot(snap)  # no history: today is "—", power is still the snapshot's
    for i, sector in enumerate(SECTORS):
        card = cards.cards[sector]
        assert card.power.text() == f"{by_hand_kw(snap, i):.1f} kW"
        assert card.today.text() == NO_VALUE
    cards.set_energy_today(TodayReader(Source({"public": 12.34, "interest": 250.0})))
    cards.show_snapshot(snap)
    texts = [cards.cards[s].today.text() for s in SECTORS]
    assert texts == ["12.3 kWh", "250 kWh", "0.0 kWh"]  # recorded nothing today: 0, not "—"
    assert cards.cards[SECTORS[0]].power_caption.text() == "GPU power now"


def test_kiosk_pages_share_one_reader(qtbot):
    source = Source({"public": 3.0, "interest": 4.0, "private": 5.0})
    reader = TodayReader(source)
    overview = OverviewPage(TZ)
    pages = [SectorPage(s) for s in SECTORS]
    for page in (overview, *pages):
        qtbot.addWidget(page)
        page.setLocale(C)
        page.set_energy_today(reader)
    snap = snapshot()
    overview.show_snapshot(snap)
    for i, page in enumerate(pages):
        page.show_snapshot(snap)
        assert page.energy_values[0].text() == f"{by_hand_kw(snap, i):.1f} kW"
        assert page.energy_values[1].text() == f"{3.0 + i:.1f} kWh"
        assert page.energy_captions[1].text() == "GPU energy today"
    assert overview.cards.cards[SECTORS[2]].today.text() == "5.0 kWh"
    assert source.calls == [snap.t]  # four panels, one read
