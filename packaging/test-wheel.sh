#!/usr/bin/env bash
# Part of `make package-test`: the wheel that `make deb` built carries what the program reads at
# run time (the translation catalogue, themes, the icon, the licence), installs with pipx into an
# isolated environment, and its headless commands work with no display: a simulated history and a
# Korean PDF report from it, as cron or a systemd timer would run them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY_BUILD=${PY_BUILD:-.venv/bin/python}
wheel=$(ls -t build/wheel/hangang_console-*.whl | head -1)
for member in resources/i18n/ko.ts resources/icons/hangang-console.svg LICENSE; do
    "$PY_BUILD" - "$wheel" "$member" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
if not any(n == sys.argv[2] or n.endswith("/licenses/" + sys.argv[2]) for n in names):
    sys.exit(f"{sys.argv[1]}: {sys.argv[2]} missing")
PY
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PY_BUILD" -m venv "$work/tool"
"$work/tool/bin/pip" install -q pipx 2>&1 | grep -v '^WARNING: Location' || true
export PIPX_HOME=$work/pipx PIPX_BIN_DIR=$work/bin
"$work/tool/bin/pipx" install -q "$wheel" >/dev/null 2>&1 || "$work/tool/bin/pipx" install "$wheel"
app=$work/bin/hangang-console
"$app" --version
env -u DISPLAY -u WAYLAND_DISPLAY HOME="$work/home" "$app" simulate --nodes 6 --days 2 \
    --data-dir "$work/data" >/dev/null
env -u DISPLAY -u WAYLAND_DISPLAY HOME="$work/home" "$app" report --data-dir "$work/data" \
    --period day --lang ko --no-csv -o "$work/day.pdf"
test -s "$work/day.pdf"
echo "wheel test passed: pipx install, --version, simulate and a Korean report with no display"
