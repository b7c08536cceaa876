# porthole — two commands on a fresh machine:
#   make run    installs libedit-dev if missing, builds porthole (release) and starts it
#   make test   installs libedit-dev if missing, builds and runs the whole test suite
SHELL := /bin/bash
# swift from PATH, else the toolchain this project is developed with.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
BIN := .build/release/porthole
# Flags only for speed, so only the release build takes them (never debug or test builds):
# generic metadata through accessor functions rather than mangled type names, which are
# resolved at run time by scanning every protocol conformance in the process. scripts/bench
# builds with the same flags and measures what they are worth.
RELEASE_FLAGS := -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors

.PHONY: run build test lint deps snapshot bench fuzz clean release-flags

run: build
	@$(BIN)

build: deps
	$(SWIFT) build -c release --product porthole $(RELEASE_FLAGS)

release-flags:
	@echo $(RELEASE_FLAGS)

test: deps
	$(SWIFT) test --parallel --num-workers 2

# The code's shape, by the repository's .swift-format; `swift format format -i -r ...` fixes most of it.
LINTED := Package.swift Sources Tests Fuzz/Package.swift Fuzz/Sources/FuzzSupport $(wildcard Fuzz/Sources/fuzz-*)
lint:
	$(SWIFT) format lint --strict --recursive $(LINTED)

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

# Regenerates the embedded registry (Sources/CSnapshot/snapshot.c) from an IANA CSV or XML.
# The committed snapshot comes from Debian's ipv6toolkit package (IANA as of 2014-07-09).
snapshot:
	scripts/make-snapshot $(or $(SOURCE),/usr/share/ipv6toolkit/service-names-port-numbers.csv)

# Every speed figure in the README, as ratios against anchors measured in the same run.
bench: deps
	scripts/bench

# libFuzzer on every untrusted input (Linux): FUZZ_SECONDS per target, FUZZ_TARGETS to pick some.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz:
	SWIFT=$(SWIFT) Fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf .build
