#!/usr/bin/env bash
# Installs the toolchain and services livesmoke needs, only what is missing:
# Debian's chromium, the wasm target, cargo-leptos 0.3.10, wasm-bindgen-cli
# (exactly the version in Cargo.lock), the npm packages of end2end/ (Playwright,
# binaryen's wasm-opt), and, with --databases, MariaDB and PostgreSQL.
# Source it (`. scripts/setup.sh`) to get PATH and the test database URLs.
set -euo pipefail
CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.129
export PATH="$HOME/.cargo/bin:$PATH" CARGO_TERM_COLOR=never
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { apt-get update -q >/dev/null; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

command -v chromium >/dev/null || { echo "setup: installing chromium"; apt_install chromium; }
export CHROMIUM_PATH="$(command -v chromium)"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
cargo-leptos --version 2>/dev/null | grep -qx "cargo-leptos $CARGO_LEPTOS_VERSION" || {
  echo "setup: installing cargo-leptos $CARGO_LEPTOS_VERSION (about 10 minutes)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --force
}
lock_wb=$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')
[ "$lock_wb" = "$WASM_BINDGEN_VERSION" ] || { echo "setup: Cargo.lock has wasm-bindgen $lock_wb, expected $WASM_BINDGEN_VERSION" >&2; exit 1; }
wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION" || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked --force
[ -x "$ROOT/end2end/node_modules/.bin/playwright" ] && [ -x "$ROOT/end2end/node_modules/.bin/wasm-opt" ] ||
  (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error)
export PATH="$ROOT/end2end/node_modules/.bin:$PATH"   # npm's wasm-opt (binaryen 132) before any other
wasm-opt --version | grep -q 'version 132' || { echo "setup: wrong wasm-opt first on PATH: $(command -v wasm-opt)" >&2; exit 1; }

if [ "${1:-}" = "--databases" ]; then
  # MariaDB on 127.0.0.1:3306
  if ! mariadb -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1 && ! mariadb -h127.0.0.1 -ulivesmoke -e 'SELECT 1' >/dev/null 2>&1; then
    command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || { echo "setup: installing mariadb-server"; apt_install mariadb-server; }
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
    for _ in $(seq 60); do mariadb -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done
    # a fresh install lets root in only over the socket: add a test user for TCP
    mariadb -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1 || mariadb -e "CREATE DATABASE IF NOT EXISTS test;
      CREATE USER IF NOT EXISTS 'livesmoke'@'localhost'; CREATE USER IF NOT EXISTS 'livesmoke'@'127.0.0.1';
      GRANT ALL ON *.* TO 'livesmoke'@'localhost'; GRANT ALL ON *.* TO 'livesmoke'@'127.0.0.1'; FLUSH PRIVILEGES;"
  fi
  if mariadb -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1; then
    export LIVESMOKE_TEST_MYSQL="mysql://root@127.0.0.1:3306/test"
    mariadb -h127.0.0.1 -uroot -e 'CREATE DATABASE IF NOT EXISTS test'
  else
    export LIVESMOKE_TEST_MYSQL="mysql://livesmoke@127.0.0.1:3306/test"
  fi
  # PostgreSQL on 127.0.0.1:5432, trust for local TCP
  if ! psql -h 127.0.0.1 -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
    command -v pg_ctlcluster >/dev/null || { echo "setup: installing postgresql"; apt_install postgresql; }
    ver=$(ls /etc/postgresql | sort -V | tail -1)
    hba=/etc/postgresql/$ver/main/pg_hba.conf
    grep -q '^host all all 127.0.0.1/32 trust' "$hba" || sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
    for _ in $(seq 60); do psql -h 127.0.0.1 -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  export LIVESMOKE_TEST_POSTGRES="postgres://postgres@127.0.0.1:5432/postgres"
fi
