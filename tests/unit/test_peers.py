"""A missing peer skips a test on a developer's machine and fails it under CI=true."""

from __future__ import annotations

import pytest

from tests.peers import require_module, require_peer


@pytest.mark.parametrize("ci", ["true", "1", "TRUE"])
def test_missing_peer_fails_under_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="peer sshd unavailable: not installed"):
        require_peer("sshd", "not installed")


@pytest.mark.parametrize("ci", [None, "", "false"])
def test_missing_peer_skips_elsewhere(monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="peer Xvfb unavailable"):
        require_peer("Xvfb", "apt install xvfb")


def test_require_module_imports_or_stops(monkeypatch):
    assert require_module("json", "stdlib").dumps([]) == "[]"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no_such_module_here"):
        require_module("no_such_module_here", "needed")
