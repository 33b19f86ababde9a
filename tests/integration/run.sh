#!/bin/bash
# Runs integration tests: every function test_* in tests/integration/test_*.sh
# (or in the files given as arguments). Needs root. Prints "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
# A folder of this run's own, so runs side by side never touch each other's containers.
if [ -z "${SB_TEST_TMP:-}" ]; then
	SB_TEST_TMP=$(mktemp -d /tmp/sandbox-it.XXXXXX)
	export SB_TEST_TMP
	trap 'rm -rf --one-file-system "$SB_TEST_TMP"' EXIT
fi
. "$here/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "integration: skipped (needs root)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi

files=()
for f in "$@"; do files+=("$(realpath "$f")"); done
[ ${#files[@]} -gt 0 ] || files=("$here"/test_*.sh)
pass=0
failed=0
failures=()
mkdir -p "$SB_TEST_TMP"
for f in "${files[@]}"; do
	for t in $(bash -c ". '$here/lib.sh'; . '$f'; declare -F" | awk '{print $3}' | grep '^test_'); do
		dir=$(mktemp -d "$SB_TEST_TMP/b.XXXXXX")
		if (cd "$dir" && . "$f" && BUNDLE="$dir/bundle" && export BUNDLE && "$t") \
			>"$dir.log" 2>&1; then
			pass=$((pass + 1))
			echo "  ok   $(basename "$f" .sh) $t"
		else
			failed=$((failed + 1))
			failures+=("$(basename "$f" .sh) $t")
			echo "  FAIL $(basename "$f" .sh) $t"
			sed 's/^/       | /' "$dir.log" | tail -25
		fi
		# whatever a failed test left running
		for id in $(ls -A "$SB_ROOT" 2>/dev/null); do
			sb delete --force "$id" >/dev/null 2>&1
		done
		rm -rf "$dir" "$dir.log"
	done
done
echo "integration: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
