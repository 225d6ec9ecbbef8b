#!/usr/bin/env bash
# Browser tests of the built page: serves dist/ with python3's http.server on 127.0.0.1 (stopped
# by the trap, by its PID) and drives headless Chromium through playwright-core (tests/e2e/run.mjs).
# Usage: tests/e2e/run.sh   (after `make page`). Screenshots go to tests/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/index.html ] || { echo "dist/ is not built: run make page" >&2; exit 2; }
PORT="${E2E_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory dist >/tmp/mailtriage-e2e-server.log 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/')" 2>/dev/null && break
  sleep 0.1
done
node tests/e2e/run.mjs "http://127.0.0.1:$PORT/"
