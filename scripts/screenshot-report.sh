#!/usr/bin/env bash
# Renders the demo's HTML report in headless Chromium and saves docs/demo-report.png (the README's
# screenshot). Proves the report renders its inline SVG charts with no network.
#
#   scripts/screenshot-report.sh [REPORT_HTML]   (default: run the quick demo first, then shoot its report)
#
# Needs Debian's chromium (apt-get install -y chromium) and a built project (mvn -B -q install -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."

report="${1:-}"
if [ -z "$report" ]; then
  report="$(java -jar demo-app/target/lifeline-demo.jar --quick | tee /dev/stderr | sed -n 's/^report: //p' | tail -1)"
fi
[ -f "$report" ] || { echo "no report at '$report'" >&2; exit 1; }

browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$browser" ] || { echo "chromium not found: apt-get install -y chromium" >&2; exit 1; }

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
mkdir -p docs
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars \
  --screenshot="$PWD/docs/demo-report.png" --window-size=1280,1600 \
  "file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")" 2>/dev/null
echo "screenshot: docs/demo-report.png"
