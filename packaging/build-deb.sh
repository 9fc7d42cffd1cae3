#!/usr/bin/env bash
# `make deb`: dist/hangang-console_<version>_<arch>.deb, the console in its own virtual environment
# under /opt/hangang-console, for the Debian release this machine runs (its python3 is the one the
# environment is made for, so the package Depends on that python3 minor version).
#   PY_BUILD   a Python with pip that builds the wheel and drives pip (default .venv/bin/python)
# Installs nothing on this machine; needs network only to fetch the wheels of the dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
PY_BUILD=${PY_BUILD:-.venv/bin/python}
TARGET_PY=/usr/bin/python3   # Debian's own interpreter: the one the installed system has
PREFIX=/opt/hangang-console
ID=kr.seoul.hangang.Console

version=$("$PY_BUILD" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
arch=$(dpkg --print-architecture)
pyminor=$("$TARGET_PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/root
mkdir -p "$stage$PREFIX" dist build/wheel

echo "wheel"
rm -f build/wheel/hangang_console-*.whl
"$PY_BUILD" -m pip wheel -q --no-deps -w build/wheel .
wheel=$(ls build/wheel/hangang_console-"$version"-*.whl)

echo "environment for $TARGET_PY ($pyminor) in $PREFIX"
# Debian's python3 may lack ensurepip (python3-venv): make the environment without pip and let
# the build Python's pip install into it.
"$TARGET_PY" -m venv --without-pip "$stage$PREFIX"
"$PY_BUILD" -m pip --python "$stage$PREFIX/bin/python" install -q --no-compile "$wheel"
# The environment was made under the staging dir: point its scripts at the installed path.
grep -rlI "$stage" "$stage$PREFIX/bin" | xargs -r sed -i "s|$stage||g"
sed -i "s|$stage||g" "$stage$PREFIX/pyvenv.cfg"
rm -rf "$stage$PREFIX"/bin/pip* "$stage$PREFIX"/lib/python*/site-packages/pip \
       "$stage$PREFIX"/lib/python*/site-packages/pip-*.dist-info
# the libraries' own test suites are not needed to run (pandas' alone is ~60 MB)
rm -rf "$stage$PREFIX"/lib/python*/site-packages/pandas/tests \
       "$stage$PREFIX"/lib/python*/site-packages/numpy/*/tests
# Byte-code compiled now, recorded under the installed path (users cannot write into /opt).
# (PySide6's Android deployment templates are Jinja, not Python: left out.)
"$TARGET_PY" -m compileall -q -j 0 -x 'deploy_lib/android/recipes' -s "$stage" -p / \
    "$stage$PREFIX/lib" >/dev/null

echo "desktop files"
mkdir -p "$stage/usr/bin" "$stage/usr/share/applications" "$stage/usr/share/metainfo" \
         "$stage/usr/share/icons/hicolor/scalable/apps" "$stage/usr/share/hangang-console" \
         "$stage/usr/share/doc/hangang-console"
ln -s "$PREFIX/bin/hangang-console" "$stage/usr/bin/hangang-console"
cp "packaging/linux/$ID.desktop" "$stage/usr/share/applications/"
cp "packaging/linux/$ID.metainfo.xml" "$stage/usr/share/metainfo/"
cp packaging/linux/hangang-console-kiosk.desktop "$stage/usr/share/hangang-console/kiosk-autostart.desktop"
cp resources/icons/hangang-console.svg "$stage/usr/share/icons/hicolor/scalable/apps/$ID.svg"
QT_QPA_PLATFORM=offscreen "$PY_BUILD" packaging/render_icons.py resources/icons/hangang-console.svg \
    "$stage/usr/share/icons/hicolor" "$ID"
cp LICENSE "$stage/usr/share/doc/hangang-console/copyright"
# serve under systemd (not enabled: a site chooses the machine that collects for the room), its
# user, and the example Prometheus scrape config
for unit in packaging/systemd/*.service packaging/systemd/*.timer; do
    [ -e "$unit" ] || continue
    mkdir -p "$stage/lib/systemd/system"
    cp "$unit" "$stage/lib/systemd/system/"
done
if [ -e packaging/systemd/hangang-console.sysusers ]; then
    mkdir -p "$stage/usr/lib/sysusers.d"
    cp packaging/systemd/hangang-console.sysusers "$stage/usr/lib/sysusers.d/hangang-console.conf"
fi
if [ -d packaging/prometheus ]; then
    cp -r packaging/prometheus "$stage/usr/share/hangang-console/prometheus"
fi

echo "control"
# Depends: what Qt and Korean text need, the same list `make deps` installs.
runtime=$(bash -c 'eval "$(sed -n "/^runtime=(/,/)/p" packaging/debian-packages.sh)"; echo "${runtime[@]}"')
depends="python3 (>= $pyminor), python3 (<< ${pyminor%.*}.$(( ${pyminor#*.} + 1 )))"
for pkg in $runtime; do depends+=", $pkg"; done
mkdir -p "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: hangang-console
Version: $version
Architecture: $arch
Maintainer: Hangang AI Center operators <hangang-console@localhost>
Installed-Size: $size
Depends: $depends
Recommends: xdg-utils
Suggests: slurm-client, prometheus
Section: admin
Priority: optional
Description: operators' console of the Hangang AI center (GPU fleet, sectors, capacity)
 Live view of a shared GPU centre: every GPU, each sector's entitlement against what it
 holds and uses, capacity moves through Slurm with an audit log, a read-only kiosk for
 wall screens, bilingual (Korean/English) PDF reports and alerts.
 .
 The application lives in its own Python environment under $PREFIX.
CONTROL
cat > "$stage/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ] && command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
fi
if [ "$1" = configure ] && command -v systemd-sysusers >/dev/null; then
    systemd-sysusers hangang-console.conf || true
fi
POSTINST
chmod 0755 "$stage/DEBIAN/postinst"
out=dist/hangang-console_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zgzip -z6 --build "$stage" "$out" >/dev/null
echo "$out ($(du -h "$out" | cut -f1), installed $(( size / 1024 )) MiB)"
