"""Settings: defaults, a round trip through the file, and errors that name the line."""

from __future__ import annotations

import pytest

from console.settings import (
    KioskSettings,
    Settings,
    SettingsError,
    hash_pin,
    load_settings,
)
from console.settings_save import save_settings


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


def test_saving_keeps_the_operators_comments_layout_and_own_tables(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(
        "# Hangang AI center, wall room B\n"
        "schema_version = 1\n\n"
        "[kiosk]\n"
        "# the wall in the lobby is read from far away\n"
        "rotate_s = 30.0  # agreed with the comms team\n"
        'pages = ["overview", "alerts"]\n\n'
        "[site]  # not the console's: must survive\n"
        'contact = "ops@example.org"\n\n'
        "[alerts.gpu_temp]\n"
        "threshold = 80.0  # our cooling is weaker\n",
        encoding="utf-8",
    )
    s = load_settings(path)
    assert s.kiosk.rotate_s == 30.0 and s.alerts.rule("gpu_temp").threshold == 80.0
    from dataclasses import replace

    save_settings(replace(s, kiosk=replace(s.kiosk, rotate_s=45.0)), path)
    text = path.read_text(encoding="utf-8")
    assert "# Hangang AI center, wall room B" in text
    assert "# the wall in the lobby is read from far away" in text
    assert "rotate_s = 45.0  # agreed with the comms team" in text
    assert '[site]  # not the console\'s: must survive\ncontact = "ops@example.org"' in text
    assert "threshold = 80.0  # our cooling is weaker" in text
    again = load_settings(path)
    assert again.kiosk.rotate_s == 45.0 and again.alerts.rule("gpu_temp").threshold == 80.0


def test_a_rule_set_back_to_its_default_leaves_the_file(tmp_path):
    from dataclasses import replace

    from console.settings import default_rules

    path = tmp_path / "settings.toml"
    path.write_text("[alerts.gpu_temp]\nthreshold = 80.0\n", encoding="utf-8")
    s = load_settings(path)
    rules = dict(s.alerts.rules)
    rules["gpu_temp"] = default_rules()["gpu_temp"]
    save_settings(replace(s, alerts=replace(s.alerts, rules=rules)), path)
    assert "gpu_temp" not in path.read_text(encoding="utf-8")
    assert load_settings(path).alerts.rule("gpu_temp") == default_rules()["gpu_temp"]


def test_theme_is_kept_and_absent_means_the_desktop(tmp_path):
    path = tmp_path / "settings.toml"
    assert load_settings(path).theme is None
    path.write_text('# desk by the window\ntheme = "light"\n')
    settings = load_settings(path)
    assert settings.theme == "light"
    save_settings(settings, path)
    assert load_settings(path).theme == "light"
