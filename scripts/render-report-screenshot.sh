#!/usr/bin/env bash
# Renders `tagguard report --format html` of a generated FOCUS export in headless Chromium (Debian's
# package) and writes a PNG, to check the self-contained page renders with nothing fetched.
#   apt-get install -y chromium   # once
#   scripts/render-report-screenshot.sh [out.png]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/out/report.png}"
work="$(mktemp -d)"
npx esbuild bench/report.ts --bundle --platform=node --target=node20 --external:@pulumi/* --external:@duckdb/node-api --outfile=bench/out/report.js --log-level=warning
node bench/out/report.js generate 200000 "$work/focus.parquet"
node cli/bin/tagguard.js report "$work/focus.parquet" --format html --out "$work/report.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --window-size=1000,2200 \
  --screenshot="$out" "file://$work/report.html" 2>/dev/null
echo "wrote $out"
