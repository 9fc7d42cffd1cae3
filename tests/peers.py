"""One way to say "this test needs a real peer that is not here" (sshd, slurmctld, Xvfb, MariaDB,
scontrol, the fixture corpus, …).

On a developer's machine a missing peer skips the test with the reason. Under CI=true it fails
with the same reason: CI must never go green because the things it tests against were absent.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_peer(name: str, reason: str) -> NoReturn:
    """Stop the test: pytest.fail under CI=true, pytest.skip otherwise. Call it only when the
    peer is missing; `name` says which one, `reason` how to get it."""
    message = f"peer {name} unavailable: {reason}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_module(module: str, reason: str):
    """importorskip that fails under CI=true: the module, imported."""
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as exc:
        require_peer(module, f"{reason} ({exc})")
