#!/usr/bin/env python3
"""Fails when Leptos.toml (the server's runtime config) and Cargo.toml's
[package.metadata.leptos] (cargo-leptos's build config) disagree on a key both use."""
import sys, tomllib

DEFAULTS = {"site-root": "target/site", "site-pkg-dir": "pkg", "site-addr": "127.0.0.1:3000", "reload-port": 3001, "hash-files": False}
KEYS = ["output-name", "site-root", "site-pkg-dir", "site-addr", "reload-port", "hash-files"]
cargo = tomllib.load(open("Cargo.toml", "rb"))["package"]["metadata"]["leptos"]
leptos = tomllib.load(open("Leptos.toml", "rb"))["package"]["metadata"]["leptos"]
bad = [k for k in KEYS if cargo.get(k, DEFAULTS.get(k)) != leptos.get(k, DEFAULTS.get(k))]
for k in bad:
    print(f"Leptos.toml and Cargo.toml disagree on `{k}`: {leptos.get(k)!r} vs {cargo.get(k)!r}", file=sys.stderr)
sys.exit(1 if bad else 0)
