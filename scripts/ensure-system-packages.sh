#!/usr/bin/env bash
# Debian packages the project needs beside its Python packages, installed when missing.
#   run   Pango for the PDF forms (WeasyPrint), DejaVu fonts with Vietnamese diacritics,
#         Tesseract with its Vietnamese data and pdftoppm for the OCR of scanned files,
#         Node.js and npm for the local OpenID provider standing in for the national identity.
#   test  the same, plus Debian's Chromium for the browser tests (never a downloaded browser)
#         and GNU gettext for the catalogs.
#   bench the same as run, plus the HTTP load tool wrk and Redis (the broker and shared cache
#         the load benchmarks start privately, docs/benchmarks.md).
# Usage: scripts/ensure-system-packages.sh run|test|bench
set -euo pipefail
mode="${1:-run}"
need=()
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
  && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || need+=(fonts-dejavu-core)
# /sbin is not on a user's PATH; grep reads all of ldconfig's output, so pipefail stays quiet.
has_lib() { /sbin/ldconfig -p 2>/dev/null | grep -F "$1" >/dev/null; }
has_lib libpango-1.0.so.0 || need+=(libpango-1.0-0)
has_lib libpangoft2-1.0.so.0 || need+=(libpangoft2-1.0-0)
command -v tesseract >/dev/null || need+=(tesseract-ocr)
{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie; } \
  || need+=(tesseract-ocr-vie)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
# Node.js runs the local OpenID provider (tools/oidc-provider) of the demo and the tests.
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ "$mode" = test ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v msgfmt >/dev/null || need+=(gettext)
fi
if [ "$mode" = bench ]; then
  command -v wrk >/dev/null || need+=(wrk)
  command -v redis-server >/dev/null || need+=(redis-server)
fi
[ ${#need[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    SUDO="sudo"
  elif [ "$mode" != test ]; then
    echo "Thiếu gói Debian: ${need[*]} — in biểu mẫu PDF và nhận dạng chữ (OCR) sẽ báo lỗi." >&2
    echo "Missing Debian packages (install them as root): ${need[*]}" >&2
    exit 0
  fi
fi
echo "Cài đặt (installing) ${need[*]} từ kho Debian…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
