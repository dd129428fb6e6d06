# Thin wrapper over Meson so the two commands in the README work on a fresh
# Debian 12 machine: `make demo` and `make test`.
BUILD ?= build
ASAN_BUILD ?= build-asan
DEMO_DIR ?= demo-out
MESON_FLAGS ?=
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps build install test test-plain test-asan lint format demo fuzz bench clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_FLAGS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# The program, vigie(1) and the bash, zsh and fish completions under PREFIX
# (an absolute path), staged under DESTDIR when it is set (packaging). The
# build folder keeps PREFIX for the next install.
install: deps $(BUILD)/build.ninja
	meson configure $(BUILD) -Dprefix=$(abspath $(PREFIX))
	ninja -C $(BUILD)
	meson install -C $(BUILD) --no-rebuild $(if $(DESTDIR),--destdir $(abspath $(DESTDIR)))

lint: deps
	@scripts/lint

format:
	clang-format -i $$(git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^fuzz/corpus/')

# The whole suite (gcc), again built with clang, then again under ASan+UBSan.
test: deps lint
	@scripts/run-tests $(BUILD) $(ASAN_BUILD)

test-plain: build
	meson test -C $(BUILD) --print-errorlogs

test-asan: deps
	@scripts/run-tests --asan-only $(BUILD) $(ASAN_BUILD)

# Builds a sample infected acquisition of each kind vigie reads with the
# fixture builders and scans each with the sample indicators shipped in
# samples/. Exit 1 means detections, which is what the demo expects.
demo: build
	@scripts/demo $(BUILD) $(DEMO_DIR)

# libFuzzer targets (clang), whole library instrumented: build-fuzz/fuzz/fuzz-<stem>
fuzz: deps
	[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false
	ninja -C build-fuzz

bench: build
	bench/run

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-clang build-fuzz $(DEMO_DIR)
