# The two commands of the README: `make serve` (build the page and serve it on 127.0.0.1:8080)
# and `make test` (every test: Rust unit/snapshot/property tests, the wasm32 build of the core,
# the page's release build and its browser tests in Chromium).
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
PORT ?= 8080

.PHONY: test test-rust test-wasm test-e2e page serve measure

test: test-rust test-wasm test-e2e

test-rust:
	cargo test --workspace

test-wasm:
	cargo build -p mailtriage-core --target wasm32-unknown-unknown

# wasm-opt 132 (binaryen) for trunk and playwright-core for the browser tests, pinned in
# package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# The page, release build (profile `web`: opt-level z) into dist/. Offline: crates are fetched
# first, wasm-bindgen and wasm-opt are the pinned ones on PATH (Trunk.toml).
page: node_modules/.package-lock.json
	cargo fetch
	trunk build --release --offline

test-e2e: page
	tests/e2e/run.sh

serve: page
	@echo "mailtriage: http://127.0.0.1:$(PORT)/  (Ctrl+C stops)"
	python3 -m http.server $(PORT) --bind 127.0.0.1 --directory dist

# Budgets (transfer, time to interactive, analysis times): printed, not asserted.
measure: page
	node tools/measure-page.mjs
	node tools/bench-engine.mjs
