"""The one catalogue: read by the core without Qt, by the widgets through a QTranslator."""

from __future__ import annotations

from console.i18n.catalogue import Catalogue, catalogue, translate


def test_core_reads_korean_from_the_shared_file():
    assert translate("MainWindow", "&Nodes").into("ko") == "노드(&N)"
    assert translate("MainWindow", "&Nodes").into("en") == "&Nodes"


def test_unknown_message_stays_english_and_fields_fill_in():
    msg = translate("Nowhere", "{n} things")
    assert msg.into("ko", n=3) == "3 things"
    assert str(msg) == "{n} things"


def test_an_unreadable_catalogue_is_reported_not_raised(tmp_path):
    broken = tmp_path / "ko.ts"
    broken.write_text("<TS><context><name>X</name><message>", encoding="utf-8")
    read = Catalogue.read(broken, "ko")
    assert read.entries == {} and "ko.ts" in read.problem
    missing = Catalogue.read(tmp_path / "absent.ts", "ko")
    assert missing.entries == {} and "absent.ts" in missing.problem


def test_unfinished_translations_are_not_used(tmp_path):
    ts = tmp_path / "ko.ts"
    ts.write_text(
        "<TS><context><name>C</name>"
        "<message><source>done</source><translation>완료</translation></message>"
        '<message><source>todo</source><translation type="unfinished">미완</translation></message>'
        "</context></TS>",
        encoding="utf-8",
    )
    read = Catalogue.read(ts, "ko")
    assert read.lookup("C", "done") == "완료"
    assert read.lookup("C", "todo") is None


def test_the_shipped_catalogue_reads_cleanly():
    assert catalogue("ko").problem is None
    assert len(catalogue("ko").entries) > 400


def test_widgets_translate_through_the_same_catalogue(qapp):
    from PySide6.QtCore import QCoreApplication

    from widgets.common.i18n import Translations

    translations = Translations(qapp)
    try:
        translations.set_language("ko")
        assert QCoreApplication.translate("MainWindow", "&Nodes") == translate(
            "MainWindow", "&Nodes"
        ).into("ko")
    finally:
        translations.set_language("en")
    assert QCoreApplication.translate("MainWindow", "&Nodes") == "&Nodes"


def test_korean_text_equal_to_english_and_untranslated_text_stay_visible(qapp):
    """The translator answers "not found" with a null string: an empty one is taken as the
    translation, and PySide's tr() then walks the base classes' contexts, so the node table's
    "CPU %" header (Korean = English) came out blank in Korean."""
    from PySide6.QtCore import QCoreApplication

    from widgets.common.i18n import Translations
    from widgets.fleet.node_model import NodeTableModel

    translations = Translations(qapp)
    try:
        translations.set_language("ko")
        headers = NodeTableModel().headers()
        assert "CPU %" in headers and all(headers), headers
        assert QCoreApplication.translate("NoSuchContext", "never translated") == (
            "never translated"
        )
    finally:
        translations.set_language("en")
