#!/usr/bin/env bash
# Opens an HTML file in headless Chromium, offline, and leaves in OUTDIR:
#   screenshot.png  the page at WIDTHxHEIGHT (default 1280x4000)
#   dom.html        the DOM after loading (--dump-dom)
#   console.log     Chromium's log (page console messages are lines with ":CONSOLE")
#   netlog.json     the network log (a request made by the page carries its file:// origin)
# Usage: render.sh FILE.html OUTDIR [WIDTH HEIGHT]
# Exit status: 0, or 2 with a message when Chromium is missing (scripts/install-deps.sh installs it).
set -u
html=$(realpath "$1"); out=$2; w=${3:-1280}; h=${4:-4000}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "render.sh: $CHROMIUM not found: install it (scripts/install-deps.sh installs the package chromium)" >&2
  exit 2
fi
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile" "$profile.2"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --disable-extensions --disable-default-apps
       --hide-scrollbars --force-device-scale-factor=1
       "--host-resolver-rules=MAP * ~NOTFOUND")
# Screenshot, with the console and network logs.
timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$profile" --enable-logging=stderr --v=0 \
  --log-net-log="$out/netlog.json" --net-log-capture-mode=Default \
  --screenshot="$out/screenshot.png" --window-size="$w,$h" "file://$html" 2>"$out/console.log" >/dev/null
rc=$?
if [ $rc -ne 0 ]; then echo "render.sh: chromium --screenshot exited with $rc" >&2; exit $rc; fi
# The DOM, in a fresh profile.
mkdir -p "$profile.2"
timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$profile.2" --dump-dom --window-size="$w,$h" \
  "file://$html" >"$out/dom.html" 2>>"$out/console.log"
rc=$?
if [ $rc -ne 0 ]; then echo "render.sh: chromium --dump-dom exited with $rc" >&2; exit $rc; fi
exit 0
