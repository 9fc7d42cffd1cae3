"""The code speaks English only, and every message it marks has its Korean in ko.ts.

Read from the source (ast), not from a run: a message on a rare error path is checked as surely
as the main window's title.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from console.i18n.catalogue import Catalogue, Phrase, translate
from console.paths import resource
from tests.paths import REPO

HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
FIELD = re.compile(r"\{[^{}]*\}")  # the core's {field} and {field:.1f}
QT_ARG = re.compile(r"%\d")  # Qt's %1 placeholders


def sources() -> list[Path]:
    return sorted(p for d in ("console", "widgets") for p in (REPO / d).rglob("*.py"))


def ko() -> Catalogue:
    return Catalogue.read(resource("i18n", "ko.ts"), "ko")


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def marked_messages(path: Path) -> list[tuple[int, str, str, str]]:
    """(line, context, source, disambiguation) of every message the code marks for lupdate:
    translate(...) (core and QCoreApplication's), QT_TRANSLATE_NOOP(...), self.tr(...)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []

    def visit(node: ast.AST, cls: str | None) -> None:
        if isinstance(node, ast.ClassDef):
            cls = node.name
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            args = [_literal(a) for a in node.args]
            marked = name in ("translate", "QT_TRANSLATE_NOOP") and len(args) >= 2
            if marked and None not in args[:2]:
                found.append((node.lineno, args[0], args[1], (args[2:3] or [""])[0] or ""))
            elif name == "tr" and cls and args and args[0] is not None:
                found.append((node.lineno, cls, args[0], (args[1:2] or [""])[0] or ""))
        for child in ast.iter_child_nodes(node):
            visit(child, cls)

    visit(tree, None)
    return found


def test_no_hangul_string_literal_in_the_code():
    """Korean lives in ko.ts; data in Korean (demo names) in resources/. Docstrings count."""
    found = []
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            text = _literal(node)
            if text is not None and HANGUL.search(text):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {text[:60]!r}")
    assert not found, "Hangul in code (move it to ko.ts via translate/tr):\n" + "\n".join(found)


def test_the_walk_sees_what_lupdate_sees():
    """The AST reader finds the core's, the widgets' and the names' messages (a broken reader
    would pass the next test by finding nothing)."""
    every = [m for p in sources() for m in marked_messages(p)]
    contexts = {m[1] for m in every}
    assert {"AlertRules", "Sectors", "Report", "SSH", "Slurm", "MainWindow"} <= contexts
    assert len(every) > 600


def test_every_marked_message_has_a_finished_korean_translation():
    catalogue = ko()
    assert catalogue.problem is None
    missing = [
        f"{path.relative_to(REPO)}:{line}: [{ctx}] {src!r}"
        for path in sources()
        for line, ctx, src, dis in marked_messages(path)
        if not catalogue.lookup(ctx, src, dis)
    ]
    assert not missing, "run `make i18n` and translate:\n" + "\n".join(missing)


def test_placeholders_are_the_same_in_english_and_korean():
    wrong = [
        f"[{ctx}] {src!r} -> {text!r}"
        for (ctx, src, _), text in ko().entries.items()
        if Counter(FIELD.findall(src)) != Counter(FIELD.findall(text))
        or Counter(QT_ARG.findall(src)) != Counter(QT_ARG.findall(text))
    ]
    assert not wrong, wrong


def test_a_phrase_is_english_text_that_pickles_and_speaks_korean_later():
    import pickle

    from console.i18n.names import term

    phrase = translate("Validation", "Node {node} is in {actual}, not {expected}.").fill(
        node="n01", actual=term("sector", "private"), expected=term("sector", "public")
    )
    assert phrase == "Node n01 is in Private, not Public."
    assert isinstance(phrase, str)
    back = pickle.loads(pickle.dumps(phrase))  # as from a collector process
    assert isinstance(back, Phrase) and back == phrase
    assert back.into("ko") == (
        "노드 n01은(는) 공공 부문이 아니라 민간 부문에 있습니다."
    )
    assert back.into("en") == str(phrase)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_an_unknown_name_is_its_key(lang):
    from console.i18n import names

    assert names.rule_name("a_rule_from_a_newer_console", lang) == "a_rule_from_a_newer_console"
    assert names.sector_name("nowhere", lang) == "nowhere"
    assert names.apply_result_name("exploded", lang) == "exploded"


def _refuse_in_a_child(conn) -> None:
    """What a collector process does: make the reason in English, send it up the pipe."""
    from console.fleet.model import NodeEvent, NodeStatus

    reason = translate("SSH", "public key refused for {user}").fill(user="ops")
    conn.send(NodeEvent("n01", 0.0, NodeStatus.AUTH_FAILED, reason))
    conn.close()


def test_a_reason_made_in_a_collector_process_is_said_in_korean_by_the_window():
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # as console/telemetry/workers.py starts them
    ours, theirs = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_refuse_in_a_child, args=(theirs,))
    child.start()
    try:
        assert ours.poll(60), "the child sent nothing"
        event = ours.recv()
    finally:
        child.join(30)
    assert event.message == "public key refused for ops"
    assert event.message.into("ko") == "ops의 공개 키가 거부됨"
