#!/usr/bin/env bash
# The benchmark: livesmoke against the seed-fastapi peer, same machine, same run.
#
#   bench/run.sh --quick            # every part, small sizes, 1 rep (< 2 min once built)
#   bench/run.sh                    # full run (~25 min)
#   bench/run.sh --rev HEAD         # bench a clean export of a commit instead of the work tree
#   bench/run.sh --only b,d         # some parts (a..k); see bench/bench.py --help for the rest
#
# It sets up the peer (venv from its requirements.txt under bench/out/.venv-peer) and newman for part j
# (npm ci of bench/peers-node under bench/out/.node-peers), builds ours
# in release (cargo leptos build --release + the producer bench), then runs bench/bench.py
# pinned to CPU 1 (it pins the servers and in-process producers to CPU 0 itself).
# Results: bench/out/<YYYYmmdd-HHMMSS>/summary.md and results.json. Loopback only.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
OUT="$HERE/out"
PEER="${PEER_DIR:-$ROOT/../shared/peers/seed-fastapi}"
[ -d "$PEER" ] || PEER=/work/shared/peers/seed-fastapi
PEER="$(cd "$PEER" && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"

REV=""
SKIP_BUILD=0
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rev) REV="$2"; shift 2 ;;
    --rev=*) REV="${1#--rev=}"; shift ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
mkdir -p "$OUT"

need() { command -v "$1" >/dev/null || { echo "bench: '$1' not found: $2" >&2; exit 1; }; }
need python3 "Python 3.11"
need cargo "rustup toolchain (scripts/setup.sh)"
need cargo-leptos "cargo install cargo-leptos (scripts/setup.sh)"
need wrk "apt-get install -y wrk"
need taskset "apt-get install -y util-linux"
need node "Node 20"
need mariadb "apt-get install -y mariadb-client mariadb-server"
[ -x /usr/bin/chromium ] || { echo "bench: /usr/bin/chromium missing: apt-get install -y chromium" >&2; exit 1; }
[ -d "$ROOT/end2end/node_modules/playwright-core" ] || (cd "$ROOT/end2end" && npm ci --no-audit --no-fund)
# part (j)'s peers and target: Hurl 8.0.1 (8.1 needs a newer rustc), newman (below), nginx
need hurl "cargo install hurl --version 8.0.1 --locked (needs apt-get install -y libcurl4-openssl-dev libxml2-dev libclang-dev)"
hurl --version 2>/dev/null | head -1 | grep -q '^hurl 8\.0\.1 ' \
  || { echo "bench: hurl is $(hurl --version 2>/dev/null | head -1), not 8.0.1: cargo install hurl --version 8.0.1 --locked --force" >&2; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "bench: 'nginx' not found: apt-get install -y nginx-light" >&2; exit 1; }

# ---- the peer: a venv from its own pinned requirements (the peer folder stays untouched)
VENV="$OUT/.venv-peer"
if [ ! -x "$VENV/bin/uvicorn" ] || ! cmp -s "$PEER/requirements.txt" "$VENV/.requirements.txt"; then
  echo "bench: setting up the peer venv ($VENV)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r "$PEER/requirements.txt"
  cp "$PEER/requirements.txt" "$VENV/.requirements.txt"
fi

# ---- newman (part j): npm ci of bench/peers-node's pinned lock file into bench/out/.node-peers
NODE_PEERS="$OUT/.node-peers"
if [ ! -x "$NODE_PEERS/node_modules/.bin/newman" ] || ! cmp -s "$HERE/peers-node/package-lock.json" "$NODE_PEERS/package-lock.json"; then
  echo "bench: installing newman ($NODE_PEERS)"
  mkdir -p "$NODE_PEERS"
  cp "$HERE/peers-node/package.json" "$HERE/peers-node/package-lock.json" "$NODE_PEERS/"
  (cd "$NODE_PEERS" && npm ci --no-audit --no-fund --loglevel=error)
fi

# ---- ours: release build of the work tree, or of a clean export of --rev
SRC="$ROOT"
if [ -n "$REV" ]; then
  SHA="$(git -C "$ROOT" rev-parse --short=9 "$REV^{commit}")"
  SRC="$OUT/src-$SHA"
  if [ ! -f "$SRC/.exported" ] && [ "$SKIP_BUILD" = 1 ]; then
    echo "bench: --skip-build, but $REV ($SHA) was never exported and built: run without --skip-build" >&2
    exit 1
  fi
  if [ ! -f "$SRC/.exported" ]; then
    echo "bench: exporting $REV ($SHA) to $SRC"
    rm -rf "$SRC"; mkdir -p "$SRC"
    git -C "$ROOT" archive "$SHA" | tar -x -C "$SRC"
    # Seed the build cache (dependencies only): move an older export's target, else copy the work tree's.
    OLD="$(ls -d "$OUT"/src-*/target 2>/dev/null | grep -v "src-$SHA/" | head -1 || true)"
    if [ -n "$OLD" ]; then
      mv "$OLD" "$SRC/target"; rm -rf "$(dirname "$OLD")"
    elif [ -d "$ROOT/target/release" ]; then
      mkdir -p "$SRC/target"; cp -a "$ROOT/target/release" "$SRC/target/"
      [ -d "$ROOT/target/front" ] && cp -a "$ROOT/target/front" "$SRC/target/"
    fi
    # Newer than every seeded artifact, so our own crate is always rebuilt from this export.
    find "$SRC" -path "$SRC/target" -prune -o -type f -exec touch {} +
    touch "$SRC/.exported"
  fi
fi
if [ "$SKIP_BUILD" = 0 ]; then
  echo "bench: building ours in release in $SRC (cargo leptos build --release)"
  if ! (cd "$SRC" && cargo leptos build --release >"$OUT/build.log" 2>&1); then
    tail -30 "$OUT/build.log" >&2
    echo "bench: release build failed (log: $OUT/build.log); a clean commit builds with --rev HEAD" >&2
    exit 1
  fi
  # Own target dir: sharing target/release with cargo-leptos makes each build undo the other's
  # (leptos crates read LEPTOS_* variables at compile time), ~2 min of rebuilds per run otherwise.
  echo "bench: building the producer bench (cargo bench --bench producer --no-run)"
  (cd "$SRC" && CARGO_TARGET_DIR="$OUT/target-producer" \
     cargo bench --bench producer --features ssr --no-run --message-format=json 2>>"$OUT/build.log") \
    | python3 -c 'import sys,json
for l in sys.stdin:
    try: m=json.loads(l)
    except Exception: continue
    if m.get("reason")=="compiler-artifact" and m.get("target",{}).get("name")=="producer" and m.get("executable"): p=m["executable"]
print(p)' >"$OUT/producer-path.txt"
fi
PRODUCER="$(cat "$OUT/producer-path.txt" 2>/dev/null || true)"
[ -x "$SRC/target/release/livesmoke" ] || { echo "bench: $SRC/target/release/livesmoke missing (build first)" >&2; exit 1; }

exec taskset -c 1 "$VENV/bin/python" -B "$HERE/bench.py" --src "$SRC" --repo "$ROOT" --peer "$PEER" \
  --producer "$PRODUCER" "${ARGS[@]}"
