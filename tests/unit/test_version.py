"""`hangang-console --version` prints the installed distribution's version and exits 0."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

from tests.paths import REPO


def test_version_flag_prints_the_distribution_version():
    out = subprocess.run(
        [sys.executable, "-m", "console.app", "--version"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"hangang-console {version('hangang-console')}"


def test_wheel_metadata_names_the_licence_file():
    from importlib.metadata import metadata

    meta = metadata("hangang-console")
    assert meta["License-Expression"] == "Apache-2.0"
    assert "LICENSE" in (meta.get_all("License-File") or [])
