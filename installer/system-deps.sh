#!/usr/bin/env bash
# Installs, on Debian or Ubuntu, the system packages Pas à pas needs, or prints the exact
# `apt-get install` line when it cannot.
#
#   installer/system-deps.sh [--check] [run|test]
#
# run (`make run`): what the kiosk itself needs: the libraries Qt's xcb and Wayland platforms
#   load, espeak-ng and aplay (alsa-utils) for the voice, fonts that cover Latin, Arabic and
#   Cyrillic (and the emoji font for the language picker's globe), libcups2 for Qt's printing
#   (take-home sheets go to the system's print service).
# test (`make test`, the default): the above, and what the suite and the packaging use: GNU
#   gettext (msgfmt --check on the catalogs), Xvfb and xdotool for the real-window tests,
#   poppler-utils (the tests read sheets and reports back with pdftotext and pdftoppm),
#   PostgreSQL for the sync service's tests (they start their own throwaway cluster; no service
#   is enabled for them), and for the bundle and its Debian package: cage and Xwayland (the
#   locked kiosk session, run headless by a test), debootstrap (a clean Debian root the package
#   is installed into), binutils (PyInstaller reads the libraries with objdump).
# Elsewhere than Debian/Ubuntu it says exactly what is missing.
set -u
RUN_PACKAGES=(
  espeak-ng libespeak-ng1 alsa-utils
  libegl1 libgl1 libopengl0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
  libxkbcommon0 libxkbcommon-x11-0
  libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb-xinerama0
  libxcb-xkb1 libx11-xcb1
  libwayland-client0 libwayland-cursor0 libwayland-egl1
  fonts-dejavu-core fonts-noto-core fonts-noto-color-emoji
  libcups2
)
TEST_PACKAGES=(
  xvfb xauth xdotool
  gettext
  poppler-utils
  postgresql
  cage xwayland debootstrap binutils
)
check_only=0
[ "${1:-}" = "--check" ] && { check_only=1; shift; }
case "${1:-test}" in
  run) PACKAGES=("${RUN_PACKAGES[@]}") ;;
  test) PACKAGES=("${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
  *) echo "usage: installer/system-deps.sh [--check] [run|test]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "This is not a Debian or Ubuntu system: install by hand the equivalents of: ${PACKAGES[*]}" >&2
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in *"install ok installed"*) ;; *) missing+=("$p") ;; esac
done
# A Debian system Python needs python3-venv to create the virtualenv.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$check_only" = 1 ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  exit 1
fi

if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo"
else
  echo "Missing system packages. Please run as an administrator:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
