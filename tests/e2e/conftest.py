"""The e2e tests' peer: a real X server (Xvfb, started per app run by xvfb-run)."""

from __future__ import annotations

import shutil

import pytest

from tests.peers import require_peer


@pytest.fixture
def xvfb() -> str:
    """xvfb-run's path; without it (and Xvfb) the test fails under CI=true, skips elsewhere."""
    run, server = shutil.which("xvfb-run"), shutil.which("Xvfb")
    if run is None or server is None:
        require_peer("Xvfb", "xvfb-run/Xvfb not installed (apt install xvfb; make test does)")
    return run
