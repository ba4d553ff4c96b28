#!/usr/bin/env bash
# Installs what is missing, then builds and serves http://127.0.0.1:3000 on the
# embedded SQLite database with the demo suite (suites/demo.toml) ready to run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
exec cargo leptos serve "$@"
