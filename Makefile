# QuickCommerce — the two commands: `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
BIN := target/release/quickcommerce

.PHONY: run test lint fmt build build-web test-rust test-web serve-dev clean openapi

## Build the web app and the server, then start everything at http://localhost:5000
## (embedded SQLite, demo data and demo logins printed on first start).
run: build
	$(BIN) serve --demo

build: build-web
	$(CARGO) build --release -p quickcommerce

## Build the web app when it exists (web/package.json); otherwise the server's
## built-in page is served.
build-web:
	@if [ -f web/package.json ]; then \
	  cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build; \
	else echo "web/: no app to build yet"; fi

## Every test: Rust (unit, integration, realtime, race) and the web tests.
test: test-rust test-web

test-rust:
	$(CARGO) test --workspace

test-web:
	@if [ -f web/package.json ]; then \
	  cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm test; \
	else echo "web/: no web tests yet"; fi

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## Development server with a debug build (faster to compile).
serve-dev:
	$(CARGO) run -p quickcommerce -- serve --demo

clean:
	$(CARGO) clean

## Regenerate docs/openapi.json (the web app's API types come from it).
openapi:
	$(CARGO) run -q -p quickcommerce -- openapi > docs/openapi.json
