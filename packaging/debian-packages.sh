#!/usr/bin/env bash
# Installs the Debian packages the console needs, only those missing (fast when all are there).
#   runtime: what Qt needs on X11/Xvfb and offscreen, Korean fonts, venv support, and the
#            OpenSSH client (`ssh -G` tells the console each node's settings as ssh sees them)
#   test:    runtime + a virtual X server and the PDF tools the tests use, the operations
#            room's engines (Prometheus, node_exporter, VictoriaMetrics, Alertmanager: tests
#            start them), Slurm with its books, and debootstrap for the Slurm 24.11 root
#   package: runtime + what `make deb` / `make package-test` use (debootstrap, the validators)
# Runs apt-get as root, or through sudo for a normal user.
set -euo pipefail

runtime=(libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3
         libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
         libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-xinerama0
         fonts-noto-cjk fontconfig openssh-client)
test=(xvfb xauth poppler-utils openssh-server slurmctld slurmd slurm-client
      prometheus prometheus-node-exporter victoria-metrics prometheus-alertmanager)
test+=(mariadb-server slurmdbd)  # the Slurm testbed's books: tests/integration/slurm_accounting.py
test+=(debootstrap)  # Slurm 24.11 in a Debian 13 root beside 22.05: tests/integration/slurm24.py

case "${1:-runtime}" in
  runtime) wanted=("${runtime[@]}") ;;
  test) wanted=("${runtime[@]}" "${test[@]}") ;;
  package) wanted=("${runtime[@]}" debootstrap desktop-file-utils appstream dpkg) ;;
  *) echo "usage: $0 runtime|test|package" >&2; exit 2 ;;
esac

# The interpreter that makes the venv needs ensurepip; Debian ships it as python3-venv.
python=${PYTHON:-python3}
if ! "$python" -c 'import ensurepip' 2>/dev/null; then wanted+=(python3-venv); fi

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Missing packages: ${missing[*]}. This script knows Debian/Ubuntu (apt-get) only;" \
       "install the equivalents by hand." >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
