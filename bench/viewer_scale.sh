#!/usr/bin/env bash
# Builds the release app, starts it with the bench endpoints on CPU 0, and runs
# bench/viewer_scale.mjs on CPU 1: 2,000 lines/s for 60 s into our log page.
# usage: bench/viewer_scale.sh [RATE] [SECONDS]
# BROWSER_CPUS=0,1 lets the browser use both cores (as on a user's machine);
# the default confines the whole browser (main thread, compositor, raster,
# GPU process) to CPU 1, which is harsher than any real device.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
cargo leptos build --release >/dev/null
data=$(mktemp -d); port=18091
LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=livesmoke taskset -c 0 target/release/livesmoke serve --bench \
  --addr 127.0.0.1:$port --data "$data" --suites suites >/dev/null 2>&1 &
server=$!
trap 'kill $server; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf 127.0.0.1:$port/api/suites >/dev/null && break; sleep 0.1; done
taskset -c "${BROWSER_CPUS:-1}" node bench/viewer_scale.mjs http://127.0.0.1:$port "${1:-2000}" "${2:-60}"
