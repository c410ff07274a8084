#!/usr/bin/env bash
# Keel served as a new user would serve it, checked with Triton's official Python HTTP client:
# export a PyTorch MLP to ONNX, `keel models register` it, `keel serve NAME@production`, then run
# bench/kserve_client_check.py (metadata, health, JSON and binary inference compared with PyTorch,
# bad requests) and print PASS/FAIL per check.
#
#   TRITONCLIENT_PATH=/tmp/tritonclient bash bench/kserve-client-check.sh
#
# TRITONCLIENT_PATH is a directory holding the `tritonclient` package: where PyPI is reachable,
# `pip install --target DIR tritonclient[http]`; otherwise its source from Triton's client
# repository (src/python/library/tritonclient). Leave it unset if tritonclient is importable by
# /usr/bin/python3. Needs Debian's python3-torch python3-onnx python3-numpy python3-rapidjson
# python3-geventhttpclient.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY=/usr/bin/python3
PORT="${PORT:-18190}"
WORK="$(mktemp -d /tmp/keel-kserve-check.XXXXXX)"
export KEEL_HOME="$WORK/keel"
unset KEEL_DATABASE_URL KEEL_REDIS_URL || true
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$ROOT"

if [ -n "${TRITONCLIENT_PATH:-}" ]; then export PYTHONPATH="$TRITONCLIENT_PATH${PYTHONPATH:+:$PYTHONPATH}"; fi
"$PY" -c 'import tritonclient.http' 2>/dev/null || { echo "tritonclient.http is not importable: set TRITONCLIENT_PATH (see the header of $0)" >&2; exit 2; }

echo "== export a PyTorch MLP to ONNX"
"$PY" bench/kserve_client_check.py export "$WORK"
echo "== keel models register / alias"
npx --no-install keel models register kserve-mlp "$WORK/kserve-mlp.onnx" --description "tritonclient check" 2>&1 | grep -v '^npm warn'
npx --no-install keel models alias kserve-mlp production 1 2>&1 | grep -v '^npm warn'
echo "== keel serve kserve-mlp@production --port $PORT"
# bin/keel.js is what `npx keel` runs; started directly so that its pid is the server's own.
node bin/keel.js serve kserve-mlp@production --port "$PORT" --log-sample-rate 0 > "$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
  if curl -sf "http://127.0.0.1:$PORT/v2/health/ready" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/serve.log"; echo "keel serve exited" >&2; exit 1; fi
  sleep 0.2
done
echo "== tritonclient.http checks"
status=0
"$PY" bench/kserve_client_check.py check "127.0.0.1:$PORT" kserve-mlp "$WORK" || status=$?
if [ "$status" -ne 0 ]; then echo "--- server log"; tail -n 30 "$WORK/serve.log"; fi
exit "$status"
