"""The [alerts] settings: defaults from the metric registry, a round trip that writes only what
differs, and errors that name file, line and field."""

from __future__ import annotations

from dataclasses import replace

import pytest

from console.fleet.metrics import default_registry
from console.settings import AlertSettings, SettingsError, load_settings
from console.settings_save import save_settings


def test_defaults_come_from_the_metric_registry(tmp_path):
    alerts = load_settings(tmp_path / "none.toml").alerts
    temp = default_registry()["temp"]
    assert (alerts.rule("gpu_temp").threshold, alerts.rule("gpu_temp").critical) == (
        temp.warn,
        temp.crit,
    )
    assert set(alerts.rules) == {a.rule for a in default_registry().alerts}


def test_round_trip_writes_only_changes(tmp_path):
    path = tmp_path / "settings.toml"
    rules = dict(AlertSettings().rules)
    rules["gpu_temp"] = replace(rules["gpu_temp"], threshold=80.0, fire_after_s=5.0)
    rules["node_stale"] = replace(rules["node_stale"], enabled=False)
    s = replace(load_settings(path), alerts=AlertSettings(rules, xid_critical=(48, 79)))
    save_settings(s, path)
    text = path.read_text()
    assert "[alerts.gpu_temp]" in text and "[alerts.mem_temp]" not in text
    back = load_settings(path).alerts
    assert back.rule("gpu_temp").threshold == 80.0 and back.rule("gpu_temp").critical == 90.0
    assert not back.rule("node_stale").enabled and back.xid_critical == (48, 79)


@pytest.mark.parametrize(
    ("body", "line", "field", "message"),
    [
        ("[alerts.gpu_temp]\nthreshold = 'hot'\n", 2, "alerts.gpu_temp.threshold", "number"),
        ("[alerts.melting]\nenabled = true\n", 1, "alerts.melting", "unknown alert rule"),
        ("[alerts.xid]\nthreshold = 3\n", 2, "alerts.xid.threshold", "no value"),
        ("[alerts.gpu_temp]\nsnooze = 3\n", 2, "alerts.gpu_temp.snooze", "unknown key"),
        ("[alerts]\nxid_critical = ['x']\n", 2, "alerts.xid_critical", "XID numbers"),
    ],
)
def test_errors_name_file_line_and_field(tmp_path, body, line, field, message):
    path = tmp_path / "settings.toml"
    path.write_text("schema_version = 1\n\n" + body)
    with pytest.raises(SettingsError) as exc:
        load_settings(path)
    err = exc.value
    assert (err.line, err.field) == (line + 2, field) and message in err.message
    assert str(err).startswith(f"{path}:{line + 2}: {field}:")
