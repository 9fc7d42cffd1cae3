"""Where the tests find the repository and ../shared, wherever a test file sits in the tree."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures"  # absent off the project machines: skip (CI=true: fail, peers.py)
