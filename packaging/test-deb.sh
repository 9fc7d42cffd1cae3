#!/usr/bin/env bash
# `make package-test`: install the built .deb into a clean Debian root and use it there.
# debootstrap makes a minimal root of this machine's Debian release (cached in $ROOT between runs),
# `apt-get install ./hangang-console_*.deb` must pull every dependency from the distribution, and
# the installed program must print its version and, under Xvfb, take a screenshot of the demo
# fleet that is not blank. The screenshot is copied to test-artifacts/deb-screenshot.png.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(ls -t dist/hangang-console_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "no dist/hangang-console_*.deb: run make deb first" >&2; exit 1; }
ROOT=${ROOT:-/var/tmp/hangang-deb-root}
suite=$(. /etc/os-release; echo "$VERSION_CODENAME")
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    echo "debootstrap $suite into $ROOT"
    rm -rf "$ROOT"
    debootstrap --variant=minbase "$suite" "$ROOT" ${mirror:+"$mirror"} >"$ROOT.log" 2>&1 \
        || { tail -20 "$ROOT.log"; exit 1; }
fi
cp /etc/resolv.conf /etc/hosts "$ROOT/etc/" 2>/dev/null || true
cp "$deb" "$ROOT/tmp/"
mkdir -p test-artifacts
unshare -m bash -s "$ROOT" "$(basename "$deb")" <<'INSIDE'
set -euo pipefail
R=$1; DEB=$2
mount -t proc proc "$R/proc"; mount --rbind /dev "$R/dev"
chroot "$R" /bin/bash -s "$DEB" <<'CHROOT'
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
apt-get update -qq
apt-get install -y -qq --no-install-recommends "/tmp/$1" xvfb xauth >/dev/null
echo "installed: $(dpkg-query -W -f='${Package} ${Version}' hangang-console)"
hangang-console --version
test -f /usr/share/applications/kr.seoul.hangang.Console.desktop
test -f /usr/share/icons/hicolor/256x256/apps/kr.seoul.hangang.Console.png
rm -f /tmp/shot.png
HOME=/tmp/home xvfb-run -a -s '-screen 0 1280x800x24' \
    hangang-console --demo 8 --lang ko --screenshot /tmp/shot.png --quit-after 6
# not blank: a real frame has many colours (a blank or black one has one or two)
/opt/hangang-console/bin/python - <<'PY'
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtGui import QGuiApplication, QImage
app = QGuiApplication([])
img = QImage("/tmp/shot.png")
colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
print(f"screenshot {img.width()}x{img.height()}, {len(colours)} colours sampled")
sys.exit(0 if img.width() > 0 and len(colours) > 50 else 1)
PY
# the operations room's collector, installed: headless, no display, /metrics answers
env -u DISPLAY HOME=/tmp/home hangang-console serve --demo 4 --listen 127.0.0.1:19464 \
    --data-dir /tmp/serve >/tmp/serve.log 2>&1 &
serve=$!
/opt/hangang-console/bin/python - <<'PY'
import time, urllib.request
deadline = time.monotonic() + 60
while True:
    try:
        text = urllib.request.urlopen("http://127.0.0.1:19464/metrics", timeout=5).read().decode()
        if "DCGM_FI_DEV_GPU_UTIL{" in text:
            break
    except OSError:
        pass
    if time.monotonic() > deadline:
        raise SystemExit("serve did not answer /metrics within 60 s: " + open("/tmp/serve.log").read())
    time.sleep(0.5)
print(f"serve: /metrics {len(text.splitlines())} lines, GPU series present")
PY
kill -TERM "$serve"; wait "$serve"
CHROOT
INSIDE
cp "$ROOT/tmp/shot.png" test-artifacts/deb-screenshot.png
echo "package test passed: test-artifacts/deb-screenshot.png"
