"""Views that cover every pixel they own, so Qt need not paint what lies under them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea


def opaque_viewport(view: QAbstractScrollArea) -> None:
    """Mark a graphics view's viewport opaque: it fills its whole area with its background
    brush at each paint. Without this the theme's style sheet gives every widget above it a
    background, and each of them (window, splitters, panel) was painted again under every
    repaint of the view: five fills of the region before the view drew a pixel."""
    view.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
