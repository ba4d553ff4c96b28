#!/usr/bin/env bash
# Fuzzes every target in fuzz/ for SECONDS each (default 600) and prints what it did.
#
#   bench/fuzz.sh            # 600 s per target
#   bench/fuzz.sh 60         # a quick pass
#
# Needs a nightly toolchain (libFuzzer's instrumentation); cargo-fuzz is installed if missing.
# Builds without a sanitizer (`-s none`): the code under test is safe Rust, so AddressSanitizer
# would find nothing a panic does not, while it costs a second, slower build of the whole
# dependency tree and about half the executions per second. Debug assertions are on (`-a`) so
# an arithmetic overflow panics here as it does in `cargo test`.
#
# Each target starts from its committed corpus (fuzz/corpus/<target>/), and the corpus is
# minimised afterwards (`cargo fuzz cmin`), so what is committed stays small and keeps only
# inputs that reach code no smaller input does. Crashes land in fuzz/artifacts/<target>/; the exit status is
# non-zero when any target has one there. Once fixed, a crash goes to fuzz/regressions/<target>/,
# which `cargo test --test fuzz_corpus` replays on stable.
set -euo pipefail

SECONDS_PER_TARGET="${1:-600}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
# The crate's own dev builds use this cfg: Leptos's views are type-erased, which keeps the
# (large) instrumented build's compile time down.
export RUSTFLAGS="${RUSTFLAGS:---cfg erase_components}"
FLAGS=(-s none -a)

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

mapfile -t TARGETS < <(cargo +nightly fuzz list)
LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT

cargo +nightly fuzz build "${FLAGS[@]}"
for t in "${TARGETS[@]}"; do
  echo "== $t: ${SECONDS_PER_TARGET}s" >&2
  # A failing run (a crash) must not stop the other targets; it is counted below.
  cargo +nightly fuzz run "${FLAGS[@]}" "$t" -- -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
    2>&1 | tee "$LOGS/$t.log" | grep -E '^(Done|==|SUMMARY|.*panicked)' >&2 || true
  # Minimised by coverage edges alone: with hit counts and comparison operands as features too,
  # cmin keeps several times as many files for little more code reached.
  cargo +nightly fuzz cmin "${FLAGS[@]}" "$t" -- -use_counters=0 -use_cmp=0 >"$LOGS/$t.cmin.log" 2>&1 ||
    echo "cmin of $t failed" >&2
done

crashes_total=0
printf '\n%-14s %8s %12s %10s %8s\n' target seconds executions execs/s crashes
for t in "${TARGETS[@]}"; do
  # libFuzzer's last words: `Done N runs in S second(s)`; a run stopped by a crash has no
  # such line, so the last status line (`#N ...`) gives its executions instead.
  done_line="$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$LOGS/$t.log" | tail -1 || true)"
  if [ -n "$done_line" ]; then
    runs="$(awk '{print $2}' <<<"$done_line")"
    secs="$(awk '{print $5}' <<<"$done_line")"
  else
    runs="$(grep -oE '^#[0-9]+' "$LOGS/$t.log" | tail -1 | tr -d '#' || true)"
    secs="?"
  fi
  runs="${runs:-0}"
  crashes=0
  [ -d "fuzz/artifacts/$t" ] && crashes="$(find "fuzz/artifacts/$t" -type f | wc -l)"
  crashes_total=$((crashes_total + crashes))
  if [[ "$secs" =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ]; then rate=$((runs / secs)); else rate="?"; fi
  printf '%-14s %8s %12s %10s %8s\n' "$t" "$secs" "$runs" "$rate" "$crashes"
done

if [ "$crashes_total" -gt 0 ]; then
  echo "$crashes_total crash(es): see fuzz/artifacts/" >&2
  exit 1
fi
