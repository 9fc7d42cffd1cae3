"""[energy] in settings.toml: defaults with their sources, validation that names the line."""

from __future__ import annotations

import pytest

from console.settings import EnergySettings, SettingsError, load_settings
from console.settings_save import save_settings


def test_defaults_are_the_surveys_pue_and_koreas_grid_factor(tmp_path):
    energy = load_settings(tmp_path / "none.toml").energy
    assert energy == EnergySettings(pue=1.58, grid_kgco2e_per_kwh=0.4594)
    assert energy.co2e_kg(100.0) == pytest.approx(100 * 1.58 * 0.4594)


def test_a_site_sets_its_own(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[energy]\npue = 1.3\ngrid_kgco2e_per_kwh = 0.42\n")
    energy = load_settings(path).energy
    assert (energy.pue, energy.grid_kgco2e_per_kwh) == (1.3, 0.42)
    assert energy.facility_kwh(10.0) == pytest.approx(13.0)


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("[energy]\npue = 0.9\n", 2, "energy.pue"),  # below 1: less than the IT load itself
        ("[energy]\n\npue = 150\n", 3, "energy.pue"),  # a percentage
        ('[energy]\npue = "1.5"\n', 2, "energy.pue"),
        ("[energy]\ngrid_kgco2e_per_kwh = 459.4\n", 2, "energy.grid_kgco2e_per_kwh"),  # g/kWh
        ("[energy]\ngrid_kgco2e_per_kwh = -1\n", 2, "energy.grid_kgco2e_per_kwh"),
        ("[energy]\npeu = 1.5\n", 2, "energy.peu"),
        ("energy = 3\n", 1, "energy"),
    ],
)
def test_a_bad_value_names_file_line_and_field(tmp_path, text, line, field):
    path = tmp_path / "settings.toml"
    path.write_text(text)
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    assert (err.value.path, err.value.line, err.value.field) == (path, line, field)
    assert str(err.value).startswith(f"{path}:{line}: {field}: ")


def test_the_written_file_states_each_defaults_source_and_reads_back(tmp_path):
    path = tmp_path / "settings.toml"
    save_settings(load_settings(path), path)
    text = path.read_text()
    section = text[text.index("[energy]") :]
    assert "Uptime Institute Global Data Center Survey 2023" in section
    assert "Greenhouse Gas Inventory and Research Center" in section and "0.4594" in section
    assert load_settings(path).energy == EnergySettings()
    # an operator's value is kept, and so are the comments, when saved again
    path.write_text(text.replace("pue = 1.58", "pue = 1.25"))
    save_settings(load_settings(path), path)
    again = path.read_text()
    assert "pue = 1.25" in again and again.count("Uptime Institute") == 1
