#!/bin/bash
# make check: formatting, the release build with unit, schema, memcheck and
# integration tests (on this host and, for cgroups and exec, in a pure cgroup
# v2 virtual machine), the same suite under ASan+UBSan, and a bounded fuzz
# smoke run.
# Ends with one summary line: "check: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
JOBS=$(nproc)
total_pass=0
total_fail=0
step_fail=()

# count OUTPUT_FILE: adds the runner's pass/fail counts to the totals.
count() {
	local f=$1 p=0 x=0 line
	line=$(grep -E 'Synthesis: Tested:' "$f" | tail -1)
	if [ -n "$line" ]; then
		p=$(sed -E 's/.*Passing: ([0-9]+).*/\1/' <<<"$line")
		x=$(sed -E 's/.*Failing: ([0-9]+) \| Crashing: ([0-9]+).*/\1+\2/' <<<"$line")
		x=$((x))
	else
		line=$(grep -E '^([a-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$f" | tail -1)
		if [ -n "$line" ]; then
			p=$(sed -E 's/^([a-z-]+: )?([0-9]+) passed.*/\2/' <<<"$line")
			x=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
		fi
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + x))
}

# step NAME COMMAND...: runs one step, shows its output, records failure.
step() {
	local name=$1
	shift
	local out
	out=$(mktemp)
	echo "== $name"
	if "$@" 2>&1 | tee "$out"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
		:
	else
		step_fail+=("$name")
		# a failing step with no counted failure still counts as one
		if ! grep -qE '(Failing: [1-9]|Crashing: [1-9]| [1-9][0-9]* failed)' "$out"; then
			total_fail=$((total_fail + 1))
		fi
	fi
	count "$out"
	rm -f "$out"
}

build() { # DIR cmake-args...
	local dir=$1
	shift
	cmake -S . -B "$dir" "$@" >/dev/null && cmake --build "$dir" -j"$JOBS" 2>&1 | grep -E 'error:|warning:' ; [ "${PIPESTATUS[0]}" -eq 0 ]
}

step "format (clang-format)" clang-format --dry-run --Werror $(git ls-files '*.c' '*.h')
step "build (release)" build build -DCMAKE_BUILD_TYPE=Release
step "unit tests" ./build/unit_tests --jobs 2
step "schema" bash tests/schema/run.sh build
step "memcheck (valgrind, pure modules)" bash tests/memcheck.sh build
step "integration" env SANDBOX="$PWD/build/sandbox" bash tests/integration/run.sh
# this host's cgroups are hybrid; these files again on a pure cgroup v2 machine,
# whose kernel (Debian's 6.1) also lacks what the sentry uses where it can
# (SYNC_WAKE_UP, thread pidfds, PIDFD_GET_INFO): its identity tests there
# take the paths without them
step "integration (pure cgroup v2 machine)" bash tests/vm/run.sh build/sandbox \
	tests/integration/test_cgroups.sh tests/integration/test_exec.sh \
	tests/integration/test_sentry_identity.sh
step "e2e (docker, containerd, podman)" bash tests/e2e/run.sh build/sandbox

step "build (ASan+UBSan)" build build-asan -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
step "unit tests (ASan+UBSan)" ./build-asan/unit_tests --jobs 2
step "integration (ASan+UBSan)" env SANDBOX="$PWD/build-asan/sandbox" bash tests/integration/run.sh
unset ASAN_OPTIONS UBSAN_OPTIONS

step "build (libFuzzer)" build build-fuzz -DFUZZ=ON -DBUILD_TESTS=OFF -DCMAKE_C_COMPILER=clang
step "fuzz smoke (${FUZZ_SECONDS:-20}s each)" bash fuzz/run.sh build-fuzz "${FUZZ_SECONDS:-20}"

echo
if [ ${#step_fail[@]} -gt 0 ]; then
	echo "failed steps: ${step_fail[*]}"
fi
echo "check: $total_pass passed, $total_fail failed"
[ ${#step_fail[@]} -eq 0 ]
