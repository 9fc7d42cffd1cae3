"""The kiosk's rotation: the pages named in settings, built in order."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from console.fleet.model import SECTORS
from widgets.kiosk.attention import AlertsPage
from widgets.kiosk.page import KioskPage
from widgets.kiosk.pages import HeatmapPage, OverviewPage, SectorPage


def build_pages(page_ids: tuple[str, ...], tz: ZoneInfo) -> list[KioskPage]:
    """The pages named in settings, in order; "sectors" stands for one page per sector."""
    pages: list[KioskPage] = []
    for page_id in page_ids:
        if page_id == "overview":
            pages.append(OverviewPage(tz))
        elif page_id == "sectors":
            pages.extend(SectorPage(sector) for sector in SECTORS)
        elif page_id == "heatmap":
            pages.append(HeatmapPage())
        elif page_id == "alerts":
            pages.append(AlertsPage())
        else:
            raise ValueError(f"unknown kiosk page {page_id!r}")
    return pages
