# porthole — two commands on a fresh machine:
#   make run    installs libedit-dev if missing, builds porthole (release) and starts it
#   make test   installs libedit-dev if missing, builds and runs the whole test suite
SHELL := /bin/bash
SWIFT ?= swift
BIN := .build/release/porthole

.PHONY: run build test deps snapshot bench clean

run: build
	@$(BIN)

build: deps
	$(SWIFT) build -c release --product porthole

test: deps
	$(SWIFT) test --parallel --num-workers 2

# libedit is the one C library porthole needs; install it when pkg-config can't find it.
deps:
	@if ! pkg-config --exists libedit 2>/dev/null; then \
	  echo "porthole needs libedit's headers (libedit-dev); installing them..."; \
	  if command -v apt-get >/dev/null; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libedit-dev pkg-config; \
	  elif command -v brew >/dev/null; then brew install libedit pkg-config; \
	  else echo "please install libedit (headers) and pkg-config, then retry" >&2; exit 1; fi; \
	fi

clean:
	rm -rf .build
