# The README's two commands: `make demo` and `make check`.
# Both install missing Debian packages first, then build.

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
JOBS       ?= $(shell nproc)
# The OCI schemas live beside the repo on development and CI machines.
OCI_SCHEMA_DIR ?= $(wildcard $(CURDIR)/../shared/reference/oci-schema)
export OCI_SCHEMA_DIR
FUZZ_SECONDS ?= 20
HARNESS ?=
SECONDS ?= 600
RUNS ?=

.PHONY: all deps build build-asan build-fuzz check demo fuzz bench docs format format-check clean install

all: build

deps:
	@sh scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j$(JOBS) >/dev/null

build-asan: deps
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON >/dev/null
	@cmake --build $(BUILD_ASAN) -j$(JOBS) >/dev/null

build-fuzz: deps
	@cmake -S . -B $(BUILD_FUZZ) -DFUZZ=ON -DBUILD_TESTS=OFF -DCMAKE_C_COMPILER=clang >/dev/null
	@cmake --build $(BUILD_FUZZ) -j$(JOBS) >/dev/null

check: deps
	@bash tests/check.sh

demo: build
	@bash scripts/demo.sh

# make fuzz [HARNESS=config] [SECONDS=600] [RUNS=N]: long fuzzing runs, ended
# by time or, with RUNS, after N executions (SECONDS=0: no time limit).
fuzz: build-fuzz
	@FUZZ_RUNS=$(RUNS) bash fuzz/run.sh $(BUILD_FUZZ) $(SECONDS) $(HARNESS)

bench: build
	@bash tests/bench/run.sh $(BUILD)/sandbox

# docs/sandbox.8 and docs/audit.md are generated from what the binary prints
# (tests check they are current).
docs: build
	@python3 scripts/gen-man.py $(BUILD)/sandbox >docs/sandbox.8
	@$(BUILD)/sandbox audit --list-checks --format markdown >docs/audit.md

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

install: build
	@cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
