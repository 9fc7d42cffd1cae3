"""The Korean catalogue is complete, current with the code, and keeps every placeholder."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from console.fleet.metrics import default_registry
from console.fleet.model import SECTORS, NodeStatus
from console.paths import resource
from tests.paths import REPO

ROOT = REPO
KO_TS = resource("i18n", "ko.ts")


def messages(path: Path = KO_TS) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(path).getroot()
    return [
        (ctx.findtext("name"), msg.findtext("source"), msg.find("translation"))
        for ctx in root.iter("context")
        for msg in ctx.iter("message")
    ]


def test_every_string_is_translated():
    found = messages()
    assert len(found) > 40
    untranslated = [
        f"{ctx}: {src}"
        for ctx, src, tr in found
        if tr is None or not (tr.text or "").strip() or tr.get("type") in ("unfinished", "vanished")
    ]
    assert not untranslated, untranslated


def test_placeholders_survive_translation():
    wrong = []
    for ctx, src, tr in messages():
        if sorted(re.findall(r"%\d", src)) != sorted(re.findall(r"%\d", tr.text or "")):
            wrong.append(f"{ctx}: {src!r} -> {tr.text!r}")
        # the core's translate(…).into(lang, field=…) fills {field}s: each must be kept
        fields = re.compile(r"\{[a-z_]+\}")
        if sorted(fields.findall(src)) != sorted(fields.findall(tr.text or "")):
            wrong.append(f"{ctx}: {src!r} -> {tr.text!r}")
    assert not wrong, wrong


def test_catalogue_is_current_with_the_code(tmp_path):
    """lupdate over the core and widgets finds no string ko.ts lacks (`make i18n` adds them)."""
    copy = tmp_path / "ko.ts"
    shutil.copy(KO_TS, copy)
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    sources = sorted(str(p) for d in ("console", "widgets") for p in (ROOT / d).rglob("*.py"))
    out = subprocess.run(
        [str(lupdate), "-locations", "none", *sources, "-ts", str(copy)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    new = re.search(r"\((\d+) new and (\d+) already existing\)", out)
    assert new, out
    assert new.group(1) == "0", f"strings missing from ko.ts:\n{out}"
    gone = [src for _, src, tr in messages(copy) if tr is not None and tr.get("type") == "vanished"]
    assert not gone, f"ko.ts holds strings the code no longer has: {gone}"


def test_every_core_concept_has_a_display_name():
    from widgets.common.labels import metric_label, sector_name, status_name

    for key in default_registry().keys():  # noqa: SIM118 (a registry, not a dict)
        assert metric_label(key)
    for sector in SECTORS:
        assert sector_name(sector)
    for status in NodeStatus:
        assert status_name(status)
