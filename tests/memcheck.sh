#!/bin/bash
# tests/memcheck.sh BUILD_DIR: the pure modules (config, profile, audit,
# state file, sentry decoder and event formatter) under valgrind's memcheck:
# each harness's replay binary (fuzz/replay.c) on its seed corpus, with no
# error and no definite or indirect leak allowed.
set -u
build=$1
here=$(cd "$(dirname "$0")/.." && pwd)
pass=0
failed=0
for bin in "$build"/fuzz_*_replay; do
	name=$(basename "$bin" _replay)
	name=${name#fuzz_}
	corpus=("$here/fuzz/corpus/$name"/*)
	log=$(mktemp)
	if valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=1 "$bin" "${corpus[@]}" >"$log" 2>&1; then
		echo "  ok   memcheck $name: ${#corpus[@]} inputs, no error, no leak"
		pass=$((pass + 1))
	else
		echo "  FAIL memcheck $name"
		grep -v "unhandled amd64-linux syscall\|write your own handler\|README_MISSING\|consider this a bug\|valgrind.org/support" "$log" | sed 's/^/       | /' | tail -30
		failed=$((failed + 1))
	fi
	rm -f "$log"
done
echo "memcheck: $pass passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$pass" -gt 0 ]
