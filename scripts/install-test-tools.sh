#!/usr/bin/env bash
# Installs the programs the output tests drive: LibreOffice (opens the annotated DOCX/XLSX),
# Chromium (renders the HTML report headless), poppler-utils (pdftoppm renders annotated PDF
# pages) and a TTF font. Debian/Ubuntu; a no-op when everything is already there.
set -euo pipefail
missing=()
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "install-test-tools: no apt-get here; install ${missing[*]} by hand (the tests that need them are skipped outside CI)" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-test-tools: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
