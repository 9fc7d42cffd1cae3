"""The settings dialog's kiosk, accounting and operators pages: edited by operators only, saved
into the operator's own file (comments kept), read back the same."""

from __future__ import annotations

from console.fleet.metrics import default_registry
from console.settings import (
    AccountingSettings,
    KioskSettings,
    RoleSettings,
    Settings,
    load_settings,
)
from console.settings_save import save_settings
from widgets.window.settings_dialog import SettingsDialog


def settings(tmp_path) -> Settings:
    return Settings(
        roles=RoleSettings(operator_users=("kim",), operator_groups=("hangang-operators",)),
        kiosk=KioskSettings(pages=("overview", "alerts"), rotate_s=20.0),
        accounting=AccountingSettings(su_multipliers={"NVIDIA A100-SXM4-80GB": 1.0}),
        path=tmp_path / "settings.toml",
    )


def test_operator_edits_kiosk_and_su_multipliers_and_they_are_saved(qtbot, tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("# lobby wall: keep it slow\n[kiosk]\nrotate_s = 20.0\n", encoding="utf-8")
    dialog = SettingsDialog(settings(tmp_path), default_registry(), editable=True)
    qtbot.addWidget(dialog)
    dialog.kiosk_page.pages["heatmap"].setChecked(True)
    dialog.kiosk_page.pages["alerts"].setChecked(False)
    dialog.kiosk_page.rotate.setValue(40)
    dialog.accounting_page.add_button.click()
    row = dialog.accounting_page.table.rowCount() - 1
    dialog.accounting_page.table.item(row, 0).setText("NVIDIA H100 80GB HBM3")
    dialog.accounting_page.table.cellWidget(row, 1).setValue(1.8)
    edited = dialog.edited()
    assert edited.kiosk.pages == ("overview", "heatmap") and edited.kiosk.rotate_s == 40.0
    assert edited.accounting.su_multipliers == {
        "NVIDIA A100-SXM4-80GB": 1.0,
        "NVIDIA H100 80GB HBM3": 1.8,
    }
    save_settings(edited, path)
    assert path.read_text(encoding="utf-8").startswith("# lobby wall: keep it slow\n")
    again = load_settings(path)
    assert again.kiosk == edited.kiosk and again.accounting == edited.accounting


def test_the_last_kiosk_page_cannot_be_unchecked(qtbot, tmp_path):
    dialog = SettingsDialog(settings(tmp_path), default_registry(), editable=True)
    qtbot.addWidget(dialog)
    dialog.kiosk_page.pages["alerts"].setChecked(False)
    dialog.kiosk_page.pages["overview"].setChecked(False)
    assert dialog.kiosk_page.pages["overview"].isChecked()
    assert dialog.edited().kiosk.pages == ("overview",)


def test_viewers_see_every_page_read_only_and_operators_are_never_editable(qtbot, tmp_path):
    dialog = SettingsDialog(settings(tmp_path), default_registry(), editable=False)
    qtbot.addWidget(dialog)
    assert not any(box.isEnabled() for box in dialog.kiosk_page.pages.values())
    assert dialog.kiosk_page.rotate.isReadOnly()
    assert not dialog.accounting_page.add_button.isVisibleTo(dialog)
    assert dialog.accounting_page.table.cellWidget(0, 1).isReadOnly()
    text = dialog.access_page.text.text()
    assert "kim" in text and "hangang-operators" in text
    assert dialog.edited().kiosk == settings(tmp_path).kiosk


def test_operator_sets_the_energy_factors_and_they_are_saved_with_their_sources(qtbot, tmp_path):
    path = tmp_path / "settings.toml"
    dialog = SettingsDialog(settings(tmp_path), default_registry(), editable=True)
    qtbot.addWidget(dialog)
    page = dialog.energy_page
    assert page.pue.value() == 1.58 and page.grid.value() == 0.4594  # the defaults
    assert "Uptime Institute" in page.note.text() and "GIR" in page.note.text()
    page.pue.setValue(1.32)
    page.grid.setValue(0.4781)
    edited = dialog.edited()
    assert (edited.energy.pue, edited.energy.grid_kgco2e_per_kwh) == (1.32, 0.4781)
    save_settings(edited, path)
    assert load_settings(path).energy == edited.energy
    # viewers see the factors, never change them
    viewer = SettingsDialog(settings(tmp_path), default_registry(), editable=False)
    qtbot.addWidget(viewer)
    assert viewer.energy_page.pue.isReadOnly() and viewer.energy_page.grid.isReadOnly()
