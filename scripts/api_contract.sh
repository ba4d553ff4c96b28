#!/usr/bin/env bash
# The HTTP API against its own OpenAPI document: Schemathesis (pinned, in a
# venv under target/) generates requests from /api/openapi.json, valid and
# invalid, and checks every reply of a live `livesmoke serve` (the debug
# binary `cargo test` built, the demo suites): no 5xx, only documented
# statuses and content types, bodies that match their schemas, every error
# the JSON ApiError. Called by scripts/test.sh; takes about a minute and a half.
set -euo pipefail
cd "$(dirname "$0")/.."
SCHEMATHESIS_VERSION=4.32.5
venv=target/schemathesis-venv
"$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION" || {
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
}
bin=${LIVESMOKE_BIN:-target/debug/livesmoke}
port=${API_CONTRACT_PORT:-3079}
data=$(mktemp -d)
"$bin" serve --addr "127.0.0.1:$port" --data "$data" --suites suites >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
rc=0
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" --wait-for-schema 30 \
  --checks all --max-examples "${API_CONTRACT_EXAMPLES:-100}" --seed "${API_CONTRACT_SEED:-1}" --workers 2 \
  --request-timeout 10 --report junit --report-dir target/schemathesis-report || rc=$?
if grep -q "panicked" "$data/server.log"; then
  echo "api contract: the server panicked:" >&2; grep -A5 panicked "$data/server.log" >&2; rc=1
fi
kill -0 $server 2>/dev/null || { echo "api contract: the server died" >&2; tail -20 "$data/server.log" >&2; rc=1; }
exit $rc
