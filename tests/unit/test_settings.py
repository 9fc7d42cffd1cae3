"""Settings: defaults, a round trip through the file, and errors that name the line."""

from __future__ import annotations

import pytest

from console.settings import (
    KioskSettings,
    Settings,
    SettingsError,
    hash_pin,
    load_settings,
    save_settings,
)


def test_missing_file_gives_defaults(tmp_path):
    s = load_settings(tmp_path / "nope.toml")
    assert s.kiosk.exit_chord == "Ctrl+Alt+Shift+Q"
    assert s.kiosk.rotate_s == 20.0
    assert s.accounting.multiplier("NVIDIA H100 80GB HBM3") == 1.0


def test_round_trip_keeps_every_field(tmp_path):
    path = tmp_path / "settings.toml"
    s = load_settings(path)
    from dataclasses import replace

    from console.settings import AccountingSettings, RoleSettings

    s = replace(
        s,
        roles=RoleSettings(operator_users=("kim",), operator_groups=("ops",)),
        kiosk=KioskSettings(pin_hash=hash_pin("2468"), pages=("heatmap",), rotate_s=7.5),
        accounting=AccountingSettings(su_multipliers={"H100": 2.0, "A100 \"sxm\"": 1.5}),
    )
    save_settings(s, path)
    back = load_settings(path)
    assert back.roles == s.roles
    assert back.kiosk == s.kiosk
    assert back.accounting.multiplier("H100") == 2.0
    assert back.accounting.multiplier('A100 "sxm"') == 1.5
    assert back.kiosk.pin_matches("2468") and not back.kiosk.pin_matches("1357")
    assert "2468" not in path.read_text()  # the PIN itself is never written


def test_no_pin_means_the_chord_alone_is_enough():
    assert Settings().kiosk.pin_matches("")


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("[kiosk]\nrotate_s = -3\n", 2, "kiosk.rotate_s"),
        ("[kiosk]\npages = ['overview', 'weather']\n", 2, "kiosk.pages"),
        ("[roles]\noperator_users = 'kim'\n", 2, "roles.operator_users"),
        ("\n\n[accounting.su_multipliers]\nH100 = 'two'\n", 4, "accounting.su_multipliers.H100"),
        ("schema_version = 99\n", 1, "schema_version"),
        ("schema_version = 1\ntheme = 'blue'\n", 2, "theme"),
        ("theme = 1\n", 1, "theme"),
        ("[kiosk\n", 1, "syntax"),
    ],
)
def test_broken_file_names_file_line_and_field(tmp_path, text, line, field):
    path = tmp_path / "settings.toml"
    path.write_text(text)
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    assert err.value.line == line
    assert err.value.field == field
    assert str(err.value).startswith(f"{path}:{line}: {field}: ")


def test_theme_is_kept_and_absent_means_the_desktop(tmp_path):
    path = tmp_path / "settings.toml"
    assert load_settings(path).theme is None
    path.write_text('# desk by the window\ntheme = "light"\n')
    settings = load_settings(path)
    assert settings.theme == "light"
    save_settings(settings, path)
    assert load_settings(path).theme == "light"
