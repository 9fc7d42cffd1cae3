"""The kiosk (wall display): pages and rotation, the STALE banner, leaving it, read-only."""

from __future__ import annotations

import getpass
import math
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QWidget

from console.access import AccessDenied, Action
from console.app import build_services
from console.cli import parse_args
from console.fleet.metrics import default_registry
from console.fleet.model import SECTORS, NodeEvent, NodeSample, NodeStatus, PollBatch
from console.fleet.state import FleetState
from console.settings import KioskSettings, RoleSettings, Settings, hash_pin
from console.sources.demo.fleet import SimFleet
from widgets.common.i18n import Translations
from widgets.common.theme import apply_theme
from widgets.fleet.sector_energy import sector_power_kw
from widgets.kiosk.frontend import KioskFrontend, choose_screen
from widgets.kiosk.parts import FitLabel, format_age
from widgets.kiosk.window import SHIFT_PATTERN, SNAPSHOT_WATCHDOG_S, KioskWindow

TZ = ZoneInfo("Asia/Seoul")
T0 = 1_795_968_000.0  # 2026-11-30 01:00 in Seoul
ALL_PAGES = (
    "overview",
    "sector-public",
    "sector-interest",
    "sector-private",
    "heatmap",
    "alerts",
)
CHORD = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
CHORD |= Qt.KeyboardModifier.ShiftModifier
TIMEOUT_MS = 15_000


class Clock:
    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def fleet_snapshot(nodes: int = 12, t: float = T0, down: tuple[str, ...] = (), silent_s=0.0):
    """A snapshot of the demo fleet at `t` without threads; `down` nodes are unreachable."""
    sim = SimFleet.build(nodes)
    fleet = FleetState(sim.inventory, default_registry(), stale_after_s=10.0)
    items = sim.sample(t)
    events = tuple(
        NodeEvent(name, t, NodeStatus.UNREACHABLE, "connection timed out") for name in down
    )
    fleet.apply(
        PollBatch(
            t,
            samples=tuple(i for i in items if isinstance(i, NodeSample) and i.host not in down),
            events=tuple(i for i in items if isinstance(i, NodeEvent)) + events,
        )
    )
    return fleet.snapshot(t + 0.5 + silent_s)


@pytest.fixture(autouse=True)
def kiosk_theme(qapp):
    """The kiosk's look for these tests, and the desktop's back for the others."""
    apply_theme(qapp, "kiosk")
    yield
    apply_theme(qapp)


@pytest.fixture
def make_window(qtbot):
    def make(settings: KioskSettings | None = None, **kwargs) -> KioskWindow:
        window = KioskWindow(TZ, settings or KioskSettings(), **kwargs)
        qtbot.addWidget(window, before_close_func=lambda w: w.leave())
        window.resize(1920, 1080)
        return window

    return make


def show(qtbot, window: KioskWindow) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window.windowHandle())


# -- the front-end ---------------------------------------------------------------------------


@pytest.fixture
def frontend(qtbot):
    made = []

    def start(argv: list[str], settings: Settings | None = None):
        options = parse_args(["--kiosk", "--demo", "12", "--interval", "0.2", *argv])
        front = KioskFrontend()
        front.create_application([])
        services = build_services(options, settings=settings)
        made.append((front, services))
        front.open(services, options, started_at=0.0)
        qtbot.addWidget(front.window, before_close_func=lambda w: w.leave())
        services.start()
        return front, services

    yield start
    for front, services in made:
        services.stop()
        if front.translations is not None:
            front.translations.set_language("en")


def test_kiosk_fills_the_screen_frameless_without_cursor_in_korean(qtbot, frontend):
    front, _ = frontend([])
    window = front.window
    screen = QGuiApplication.primaryScreen()
    assert window.geometry() == screen.geometry()
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert window.cursor().shape() == Qt.CursorShape.BlankCursor
    assert window.brand.text() == "한강 AI 센터 · GPU 현황"
    assert window.current_page().title() == "전체 현황"
    qtbot.waitUntil(
        lambda: window.fresh is not None and window.fresh.newest_t is not None, timeout=TIMEOUT_MS
    )
    qtbot.waitUntil(lambda: "갱신" in window.updated.text(), timeout=TIMEOUT_MS)
    front.translations.set_language("en")
    qtbot.waitUntil(lambda: window.brand.text() == "Hangang AI Center · GPU status", timeout=5000)


def test_kiosk_language_and_rotation_follow_the_options(qtbot, frontend):
    front, _ = frontend(["--lang", "en", "--rotate", "7"])
    assert front.window.brand.text() == "Hangang AI Center · GPU status"
    assert front.window.rotation.interval() == 7000


def test_the_pages_show_todays_energy_from_the_history(qtbot, frontend):
    front, services = frontend(["--lang", "en"])
    by_id = {p.page_id: p for p in front.window.pages}
    overview, public = by_id["overview"], by_id["sector-public"]
    # one reader for the wall, asking the session's own history store
    assert overview.cards.today is public.today
    assert public.today.source == services.history.energy_today
    qtbot.waitUntil(lambda: services.bridge.latest is not None, timeout=TIMEOUT_MS)
    services.history.flush()  # the store reads today's rows once its writer has a delta
    qtbot.waitUntil(lambda: overview.cards.today.value is not None, timeout=TIMEOUT_MS)
    # the first snapshots may come before any public node is live with a power reading ("—")
    qtbot.waitUntil(
        lambda: math.isfinite(sector_power_kw(services.bridge.latest)[public.index]),
        timeout=TIMEOUT_MS,
    )
    front.window.show_page(ALL_PAGES.index("sector-public"))
    public.show_snapshot(services.bridge.latest)
    assert public.energy_values[1].text().endswith(" kWh")
    assert public.energy_values[0].text().endswith(" kW")


def test_a_screen_that_does_not_exist_falls_back_to_the_primary_one(caplog):
    assert choose_screen(99) is QGuiApplication.primaryScreen()
    assert "no screen 99" in caplog.text
    assert choose_screen(0) is QGuiApplication.screens()[0]


def test_kiosk_will_not_open_on_a_policy_that_allows_writes(qtbot):
    me = getpass.getuser()
    settings = Settings(roles=RoleSettings(operator_users=(me,)))
    services = build_services(parse_args(["--demo", "12"]), settings=settings)  # not --kiosk
    assert services.policy.allows(Action.REBALANCE_APPLY)
    front = KioskFrontend()
    front.create_application([])
    with pytest.raises(RuntimeError, match="read-only"):
        front.open(services, parse_args(["--kiosk", "--lang", "en"]), started_at=0.0)
    assert front.window is None


# -- read-only -------------------------------------------------------------------------------


def test_the_core_refuses_every_write_in_kiosk_even_to_an_operator():
    me = getpass.getuser()
    settings = Settings(roles=RoleSettings(operator_users=(me,)))
    services = build_services(parse_args(["--kiosk", "--demo", "12"]), settings=settings)
    with pytest.raises(AccessDenied, match="kiosk"):
        services.trust_host_key("hg-r01n1", "SHA256:" + "A" * 43)
    with pytest.raises(AccessDenied, match="kiosk"):
        services.policy.require(Action.REBALANCE_APPLY)
    assert not any(services.policy.allows(action) for action in Action)


# -- pages -----------------------------------------------------------------------------------


def test_pages_rotate_in_the_order_settings_give(qtbot, make_window):
    window = make_window(rotate_s=0.15)
    assert tuple(p.page_id for p in window.pages) == ALL_PAGES
    window.show_snapshot(fleet_snapshot())
    seen: list[str] = []
    window.page_changed.connect(seen.append)
    qtbot.waitUntil(lambda: len(seen) >= len(ALL_PAGES) + 1, timeout=TIMEOUT_MS)
    assert seen[: len(ALL_PAGES) + 1] == [*ALL_PAGES[1:], *ALL_PAGES[:2]]
    assert window.page_title.text() == window.current_page().title()


def test_pages_can_be_chosen_in_settings(make_window):
    window = make_window(KioskSettings(pages=("alerts", "heatmap"), rotate_s=30))
    assert [p.page_id for p in window.pages] == ["alerts", "heatmap"]
    assert window.rotation.interval() == 30_000
    assert window.dots.text() == "● ○"


def test_each_page_draws_the_snapshot(qtbot, make_window, artifacts):
    window = make_window()
    show(qtbot, window)
    snap = fleet_snapshot(48, down=("hg-r01n3",))
    window.show_snapshot(snap)
    by_id = {p.page_id: p for p in window.pages}

    overview = by_id["overview"]
    public = snap.sectors[0]
    assert overview.cards.cards[SECTORS[0]].used.text() == (
        f"{public.used_gpus} / {public.allocated_gpus}"
    )

    window.show_page(ALL_PAGES.index("sector-interest"))
    sector = by_id["sector-interest"]
    interest = snap.sectors[1]
    assert sector.values[0].text() == f"{interest.used_gpus} / {interest.allocated_gpus}"
    orgs = [row[0].text() for row in sector.orgs.cells if row[0].text()]
    assert "Seoul National University" in orgs
    n_interest = int((snap.node_sector == 1).sum())
    assert (sector.heatmap.rgba[..., 3] > 0).sum() == n_interest * 8  # only its own GPUs

    window.show_page(ALL_PAGES.index("heatmap"))
    assert (by_id["heatmap"].heatmap.rgba[..., 3] > 0).sum() == 48 * 8

    window.show_page(ALL_PAGES.index("alerts"))
    alerts = by_id["alerts"]
    first = [label.text() for label in alerts.table.cells[0]]
    assert first[0] == "hg-r01n3"
    assert first[3] == "unreachable"
    assert first[4] == "connection timed out"
    assert alerts.summary.text().startswith("1 of 48")
    assert all(not label.text() for label in alerts.table.cells[1])
    window.grab().save(str(artifacts / "kiosk-alerts-one-node-down.png"))


def test_alerts_page_lists_the_worst_first_and_counts_the_rest(make_window):
    window = make_window(KioskSettings(pages=("alerts",)))
    snap = fleet_snapshot(48, silent_s=30.0, down=("hg-r02n1",))  # every other node: stale
    window.show_snapshot(snap)
    page = window.current_page()
    assert page.table.cells[0][0].text() == "hg-r02n1"  # unreachable before stale
    assert page.table.cells[1][3].text() == "stale"
    assert page.table.cells[1][5].text() == "30 s"
    assert page.table.more.text() == f"… and {48 - len(page.table.cells)} more nodes"


def test_ages_are_said_in_words():
    assert format_age(4.6) == "4 s"
    assert format_age(185) == "3 min 5 s"
    assert format_age(2 * 3600 + 600) == "2 h 10 min"


# -- freshness -------------------------------------------------------------------------------


def test_clock_and_age_of_the_newest_data(make_window):
    clock = Clock(T0 + 3.5)
    window = make_window(clock=clock)
    assert window.updated.text() == "waiting for data…"
    window.show_snapshot(fleet_snapshot())  # data taken at T0
    assert window.time.text() == "01:00:03"
    assert window.date.text().endswith("KST")
    assert window.updated.text() == "updated 3 s ago"
    assert window.nodes.text() == "12 / 12 nodes live"
    assert not window.stale


def test_banner_when_no_snapshot_comes_at_all(make_window):
    clock = Clock(T0 + 1)
    window = make_window(clock=clock)
    window.show_snapshot(fleet_snapshot())
    assert not window.stale
    clock.t += SNAPSHOT_WATCHDOG_S + 1  # the pipeline itself stopped: nothing arrives
    window.tick()
    assert window.stale
    assert window.banner.text().startswith("⚠  STALE")


def test_banner_says_why_the_source_cannot_be_read(make_window):
    """A Prometheus that is down: the source's own reason on the banner at once, even while the
    last values are still young; gone when the source answers again."""
    from console.i18n.catalogue import translate

    clock = Clock(T0 + 1)
    window = make_window(clock=clock)
    window.show_snapshot(fleet_snapshot())
    problem = [None]
    window.problem_source = lambda: problem[0]
    window.tick()
    assert not window.stale
    problem[0] = translate("Prometheus", "cannot reach Prometheus at {url}: {reason}").fill(
        url="http://prom:9090", reason="Connection refused")
    window.tick()
    assert window.stale and not window.banner.isHidden()
    assert "NO DATA SOURCE" in window.banner.text()
    assert "http://prom:9090" in window.banner.text()
    problem[0] = None
    window.tick()
    assert not window.stale and window.banner.isHidden()


def test_stale_banner_follows_the_real_demo_source(qtbot, frontend, artifacts):
    front, services = frontend(["--lang", "en"])
    window = front.window
    window.showNormal()  # the wall's size, whatever the offscreen screen's is
    window.setFixedSize(1920, 1080)
    services.fleet.stale_after_s = 1.5  # go stale quickly once the source stops
    sim = services.sources[0]
    # every node has answered (the demo fleet may have one node down on purpose)
    qtbot.waitUntil(
        lambda: window.fresh is not None and window.fresh.live > 0 and not window.fresh.starting,
        timeout=TIMEOUT_MS,
    )
    assert window.banner.isHidden()

    with qtbot.waitSignal(window.stale_changed, timeout=TIMEOUT_MS) as blocker:
        sim.pause()
    assert blocker.args == [True]
    assert not window.banner.isHidden()
    assert "STALE · no new data for" in window.banner.text()
    assert not window.stack.isEnabled()  # the page is drawn dim: nothing passes for live
    qtbot.waitUntil(lambda: "s ago" in window.updated.text(), timeout=5000)
    window.show_page(ALL_PAGES.index("overview"))
    window.grab().save(str(artifacts / "kiosk-stale.png"))

    with qtbot.waitSignal(window.stale_changed, timeout=TIMEOUT_MS) as blocker:
        sim.resume()
    assert blocker.args == [False]
    assert window.banner.isHidden()
    assert window.stack.isEnabled()


# -- burn-in ---------------------------------------------------------------------------------


def test_content_shifts_a_few_pixels_now_and_then(qtbot, make_window):
    window = make_window(shift_s=0.05)
    show(qtbot, window)
    start = window.stack.mapTo(window, window.stack.rect().topLeft())
    offsets = set()

    def moved() -> bool:
        offsets.add(window.content_offset)
        return len(offsets) >= 3

    qtbot.waitUntil(moved, timeout=TIMEOUT_MS)
    assert all(abs(dx) <= 4 and abs(dy) <= 4 for dx, dy in offsets)
    assert set(SHIFT_PATTERN) >= offsets
    qtbot.waitUntil(
        lambda: window.stack.mapTo(window, window.stack.rect().topLeft()) != start, timeout=5000
    )


# -- leaving ---------------------------------------------------------------------------------


def test_escape_and_close_do_nothing_the_chord_leaves(qtbot, make_window):
    window = make_window()
    show(qtbot, window)
    QTest.keyClick(window, Qt.Key.Key_Escape)
    QTest.keyClick(window, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert not window.close()  # what a window manager's close (Alt+F4) asks for
    assert window.isVisible()
    with qtbot.waitSignal(window.exit_requested, timeout=5000):
        QTest.keyClick(window, Qt.Key.Key_Q, CHORD)
    assert not window.isVisible()


def test_the_chord_comes_from_settings(qtbot, make_window):
    window = make_window(KioskSettings(exit_chord="Ctrl+Shift+F12"))
    show(qtbot, window)
    QTest.keyClick(window, Qt.Key.Key_Q, CHORD)  # the default chord means nothing now
    assert window.isVisible()
    with qtbot.waitSignal(window.exit_requested, timeout=5000):
        QTest.keyClick(
            window,
            Qt.Key.Key_F12,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert not window.isVisible()


def test_with_a_pin_the_chord_asks_for_it(qtbot, make_window):
    window = make_window(replace(KioskSettings(), pin_hash=hash_pin("2468")))
    show(qtbot, window)
    QTest.keyClick(window, Qt.Key.Key_Q, CHORD)
    qtbot.waitUntil(lambda: window.pin_dialog is not None and window.pin_dialog.isVisible())
    dialog = window.pin_dialog
    QTest.keyClicks(dialog.pin, "1111")
    QTest.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.error.text() == "Wrong PIN."
    assert window.isVisible()
    with qtbot.waitSignal(window.exit_requested, timeout=5000):
        QTest.keyClicks(dialog.pin, "2468")
        QTest.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert not window.isVisible()


def test_three_wrong_pins_close_the_dialog_and_the_kiosk_stays(qtbot, make_window):
    window = make_window(replace(KioskSettings(), pin_hash=hash_pin("2468")))
    show(qtbot, window)
    QTest.keyClick(window, Qt.Key.Key_Q, CHORD)
    qtbot.waitUntil(lambda: window.pin_dialog is not None and window.pin_dialog.isVisible())
    dialog = window.pin_dialog
    for _ in range(3):
        QTest.keyClicks(dialog.pin, "0000")
        QTest.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert window.isVisible()
    assert window.rotation.isActive()


def test_alerts_page_shows_open_incidents_worst_first(make_window, artifacts):
    import time

    from console.alerts.engine import Incident

    window = make_window(KioskSettings(pages=("alerts",)))
    page = window.current_page()
    now = time.time()
    incidents = [
        Incident(1, "gpu_temp", "warning", "hg-r01n2", 3, "public", "", now - 600, now),
        Incident(2, "xid", "critical", "hg-r02n1", 5, "interest", "snu", now - 120, now),
        Incident(3, "sector_starved", "error", "", None, "private", "", now - 30, now),
    ]
    page.set_incident_source(lambda: incidents)
    window.show_snapshot(fleet_snapshot(48))
    rows = [[label.text() for label in row] for row in page.table.cells[:3]]
    assert [r[0] for r in rows] == ["critical", "error", "warning"]
    assert rows[0][1] == "XID error" and rows[0][2] == "hg-r02n1 GPU 5"
    assert rows[1][2] == "–" and rows[1][3] == "Private"
    assert page.summary.text() == "3 open alerts: 1 critical, 1 errors, 1 warnings."
    window.grab().save(str(artifacts / "kiosk-alerts-incidents.png"))
    incidents.clear()
    window.show_snapshot(fleet_snapshot(48))
    assert page.summary.text().startswith("No open alerts.")


LONGEST_DATE = 1790737200.0  # Wednesday, September 30, 2026, noon in Seoul: the longest date


def header_labels(window: KioskWindow) -> list[QLabel]:
    header = window.findChild(QWidget, "KioskHeader")
    return [w for w in header.findChildren(QLabel) if w.isVisibleTo(header) and w.text()]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_header_fits_a_small_wall_nothing_cut_or_drawn_over(qtbot, qapp, make_window, lang,
                                                                 size):
    """A sector page's long English title and date at 1280×720 drew over the nodes-live count."""
    translations = Translations(qapp)
    translations.set_language(lang)
    try:
        window = make_window(clock=Clock(LONGEST_DATE))
        window.setFixedSize(*size)
        window.show()
        qtbot.waitExposed(window)
        window.show_snapshot(fleet_snapshot(48, t=LONGEST_DATE))
        [page] = [i for i, p in enumerate(window.pages) if p.page_id == "sector-interest"]
        window.show_page(page)
        qapp.processEvents()
        labels = header_labels(window)
        assert window.page_title in labels and window.date in labels
        for w in labels:
            if isinstance(w, FitLabel):  # drawn smaller if need be, never elided here
                font, shown = w.fitted()
                assert shown == w.text(), (w.objectName(), shown)
                assert font.pointSizeF() >= 0.7 * w.font().pointSizeF() - 0.01
            else:
                assert w.sizeHint().width() <= w.width() + 1, w.text()
        rects = [(w, w.rect().translated(w.mapTo(window, w.rect().topLeft()))) for w in labels]
        for i, (a, ra) in enumerate(rects):
            for b, rb in rects[i + 1:]:
                assert not ra.intersects(rb), (a.text(), b.text())
    finally:
        translations.set_language("en")


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_overview_leaves_its_plot_room_and_no_card_caption_is_cut(qtbot, qapp, make_window,
                                                                       lang, size):
    """At 1280×720 the cards took all but ~40 px of the overview and the plot's ticks, axis title
    and legend were drawn over each other."""
    translations = Translations(qapp)
    translations.set_language(lang)
    try:
        window = make_window()
        window.setFixedSize(*size)
        window.show()
        qtbot.waitExposed(window)
        window.show_snapshot(fleet_snapshot(48))
        [index] = [i for i, p in enumerate(window.pages) if p.page_id == "overview"]
        window.show_page(index)
        qapp.processEvents()
        page = window.pages[index]
        assert page.plot.plot.height() >= 0.25 * page.height(), (page.plot.plot.height(),
                                                                 page.height())
        left = page.plot.plot.getPlotItem().getAxis("left")
        title = left.label.boundingRect().width()  # drawn rotated: its width runs along the axis
        assert not left.label.isVisible() or title <= left.height(), (title, left.height())
        for label in page.cards.findChildren(QLabel):
            if label.isVisibleTo(page) and label.text():
                assert label.sizeHint().width() <= label.width() + 1, label.text()
    finally:
        translations.set_language("en")
