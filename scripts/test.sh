#!/usr/bin/env bash
# Runs every test: formatting, clippy (server and wasm), cargo test (log
# store, loader, producer on SQLite, MariaDB and PostgreSQL), the HTTP API
# against its OpenAPI document (scripts/api_contract.sh), the Playwright
# suite in Debian's chromium through `cargo leptos end-to-end`, and a release
# build (which runs wasm-opt). Installs whatever is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh --databases
export NO_COLOR=1
python3 .ci/check_leptos_toml.py
! ss -ltn | grep -qE '127\.0\.0\.1:300[01] ' || { echo "port 3000 or 3001 is busy: stop the other server first" >&2; exit 1; }

echo "== fmt";     cargo fmt --check
echo "== clippy";  RUSTFLAGS="--cfg erase_components" cargo clippy --locked --all-targets --no-default-features --features ssr -- -D warnings
                   cargo clippy --locked --lib --no-default-features --features hydrate --target wasm32-unknown-unknown --target-dir target/front -- -D warnings
echo "== cargo test"
RUSTFLAGS="--cfg erase_components" cargo test --locked --no-default-features --features ssr

echo "== API contract (Schemathesis against /api/openapi.json)"
./scripts/api_contract.sh

echo "== end-to-end"
rm -f end2end/test-results/results.json
e2e_data=$(mktemp -d)
e2e_rc=0; LIVESMOKE_BENCH=1 LIVESMOKE_DATA="$e2e_data" cargo leptos end-to-end --cargo-locked || e2e_rc=$?
rm -rf "$e2e_data"
node -e 'const f="end2end/test-results/results.json",fs=require("fs");
  const s=fs.existsSync(f)?JSON.parse(fs.readFileSync(f,"utf8")).stats:null;
  console.log(`e2e: ${s?s.expected+s.flaky:0} passed, ${s?s.unexpected:1} failed, ${s?s.skipped:0} skipped`)'
[ "$e2e_rc" = 0 ] || exit "$e2e_rc"

echo "== release build"
cargo leptos build --release --cargo-locked
