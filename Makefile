# QuickCommerce — the two commands: `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
BIN := target/release/quickcommerce

.PHONY: run test lint fmt build build-web web-deps build-debug test-rust test-web test-e2e \
	serve-dev clean openapi bench bench-smoke

## Build the web app and the server, then start everything at http://localhost:5000
## (embedded SQLite, demo data and demo logins printed on first start).
run: build
	$(BIN) serve --demo

build: build-web
	$(CARGO) build --release -p quickcommerce

web-deps:
	@cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; }

## The web app (React + Vite) into web/dist, served by the binary.
build-web: web-deps
	cd web && npm run build

## Every test: Rust (unit, integration, realtime, race, scale-out), web unit tests,
## and the browser end-to-end suite (Debian's chromium at /usr/bin/chromium).
test: test-rust test-web test-e2e

## Debug binaries built together with the tests: one feature resolution for the tests,
## the browser suite and the smoke bench, so nothing is compiled twice.
build-debug:
	$(CARGO) build --workspace --all-targets

test-rust: build-debug
	$(CARGO) test --workspace

test-web: web-deps
	cd web && npm test

test-e2e: web-deps build-debug
	@[ -x /usr/bin/chromium ] || { echo "test-e2e needs Debian's chromium: apt-get install -y chromium"; exit 1; }
	cd web && QC_BIN=../target/debug/quickcommerce npm run test:e2e

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## Development server with a debug build (faster to compile).
serve-dev:
	$(CARGO) run -p quickcommerce -- serve --demo

## Regenerate docs/openapi.json (the web app's API types come from it).
openapi:
	$(CARGO) run -q -p quickcommerce -- openapi > docs/openapi.json

clean:
	$(CARGO) clean

## The standard load suite (release builds; about 25 minutes on 2 cores, the city day is 10 minutes of load and 4,000 registrations). Figures and
## method: docs/BENCHMARKS.md.
bench:
	$(CARGO) build --release -p quickcommerce -p qc-bench
	ulimit -n 65536 2>/dev/null || true; target/release/qc-bench --json-out target/bench.json

## Every scenario for a few seconds at tiny scale, to keep qc-bench working (CI).
bench-smoke: build-debug
	target/debug/qc-bench --smoke --server-bin target/debug/quickcommerce
