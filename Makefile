# The two commands of the README: `make serve` (build the page and serve it on 127.0.0.1:8080)
# and `make test` (every test: Rust unit/snapshot/property tests, the wasm32 build of the core,
# and, once the page exists, the browser tests in Chromium).
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: test test-rust test-wasm serve

test: test-rust test-wasm

test-rust:
	cargo test --workspace

test-wasm:
	cargo build -p mailtriage-core --target wasm32-unknown-unknown

serve:
	@echo "the page is not built yet (issue 5)"; exit 2
