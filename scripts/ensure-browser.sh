#!/usr/bin/env bash
# Browser tests drive Debian's Chromium at /usr/bin/chromium (never a downloaded browser).
# Install it, with fonts that carry Vietnamese diacritics, when it is missing.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Cài đặt (installing) ${need[*]} từ kho Debian…"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
