#!/usr/bin/env bash
# Renders a report written by `./prune4j report` in a real browser (Debian's chromium, headless)
# and checks the screenshot is a real page, not blank: the documented check of docs/BENCHMARKS.md.
#   sudo apt-get install -y chromium
#   tools/check_report_renders.sh runs/quick-report            # writes runs/quick-report/screenshot.png
set -euo pipefail
report="${1:?usage: $0 REPORT_DIR}"
[ -f "$report/index.html" ] || { echo "error: $report/index.html does not exist" >&2; exit 2; }
command -v chromium > /dev/null || { echo "error: chromium is not installed (apt-get install -y chromium)" >&2; exit 2; }
shot="$report/screenshot.png"
timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2000 \
    --screenshot="$shot" "file://$(realpath "$report")/index.html" > /dev/null 2>&1
python3 - "$shot" "$report" <<'PY'
import os, struct, sys, zlib
shot, report = sys.argv[1], sys.argv[2]
data = open(shot, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG"
width, height = struct.unpack(">II", data[16:24])
# decompress the image data and count distinct byte values: a blank page has very few
raw = b"".join(data[i + 8:i + 8 + struct.unpack(">I", data[i:i + 4])[0]]
               for i in range(8, len(data)) if data[i + 4:i + 8] == b"IDAT")
pixels = zlib.decompress(raw)
distinct = len(set(pixels[::97]))
images = [f for f in os.listdir(report) if f.endswith(".png") and f != "screenshot.png"]
print(f"{shot}: {width}x{height}, {len(pixels)} bytes of pixels, {distinct} distinct sampled values; plots: {len(images)}")
assert distinct > 20, "the page looks blank"
PY
echo "report renders: $shot"
