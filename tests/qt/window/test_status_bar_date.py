"""The status-bar clock speaks the interface language, not the desktop's locale, in Seoul time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from console.fleet.metrics import default_registry
from console.fleet.model import PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from widgets.common.dates import clock_text, date_text, local_time
from widgets.common.i18n import Translations
from widgets.window.status_bar import FleetStatusBar

SEOUL = ZoneInfo("Asia/Seoul")
# Thursday 3 December 2026, 14:05:09 in Seoul (05:05:09 UTC)
T = datetime(2026, 12, 3, 14, 5, 9, tzinfo=SEOUL).timestamp()
SHARES = {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2}


@pytest.fixture
def translations(qapp):
    translations = Translations()
    yield translations
    translations.set_language("en")  # the translators belong to the shared app


@pytest.fixture
def bar(qtbot):
    inv = Inventory((NodeSpec("n1", Sector.PUBLIC, None, 1),), SHARES)
    state = FleetState(inv, default_registry())
    state.apply(PollBatch(T, samples=()))
    bar = FleetStatusBar(None, (("demo", 1),))  # no zone given: Asia/Seoul
    qtbot.addWidget(bar)
    bar.show_snapshot(state.snapshot(T))
    return bar


def test_short_dates_in_both_languages():
    at = local_time(T)  # Asia/Seoul by default, whatever TZ the machine has
    assert (at.hour, at.tzname()) == (14, "KST")
    assert date_text(at, "en") == "Thu 3 Dec 2026"
    assert date_text(at, "ko") == "2026. 12. 3. (\ubaa9)"  # 목: Thursday
    assert clock_text(T, lang="en") == "Thu 3 Dec 2026 14:05:09 KST"
    assert clock_text(T, ZoneInfo("UTC"), "en") == "Thu 3 Dec 2026 05:05:09 UTC"


def test_status_bar_follows_the_interface_language_and_retranslates(qtbot, bar, translations):
    translations.set_language("en")
    qtbot.waitUntil(lambda: bar.clock.text() == "Thu 3 Dec 2026 14:05:09 KST")
    translations.set_language("ko")  # LanguageChange → retranslate, no new snapshot needed
    qtbot.waitUntil(lambda: bar.clock.text() == "2026. 12. 3. (\ubaa9) 14:05:09 KST")
    translations.set_language("en")
    qtbot.waitUntil(lambda: bar.clock.text() == "Thu 3 Dec 2026 14:05:09 KST")
