#!/usr/bin/env bash
# Renders `tagguard report --format html` of the example billing export in headless Chromium (Debian's
# package) and writes a PNG: the self-contained page must render with nothing fetched.
#   apt-get install -y chromium   # once
#   scripts/render-report-screenshot.sh [out.png]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/out/report.png}"
work="$(mktemp -d)"
mkdir -p "$(dirname "$out")"
node cli/bin/tagguard.js report examples/billing/focus-ml-platform.csv --models examples/billing/models.yaml --format html --out "$work/report.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --window-size=1100,3000 \
  --screenshot="$out" "file://$work/report.html" 2>/dev/null
echo "wrote $out"
