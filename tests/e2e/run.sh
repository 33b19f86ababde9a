#!/bin/bash
# End-to-end tests against the real daemons: Docker (docker.io), containerd
# (ctr) and podman, each pointed at the sandbox binary given as argument.
#
#   bash tests/e2e/run.sh SANDBOX_BINARY [tests/e2e/test_X.sh...]
#
# Installs missing Debian packages quietly (never starting their services),
# then for every tests/e2e/test_*.sh file: sources it, calls its setup_file
# (which starts that file's private daemon once), every test_* function in a
# subshell, and teardown_file (also on failure or interruption).  Prints
# "e2e: N passed, N failed" last; exits non-zero when a test failed.  Needs root.
set -u
here=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" != 0 ]; then
	echo "e2e: skipped (needs root)"
	echo "e2e: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 SANDBOX_BINARY [TEST_FILE...]" >&2
	exit 2
fi
SANDBOX=$(realpath "$1")
shift
export SANDBOX
: "${E2E_TEST_TIMEOUT:=120}" # seconds for one test function
: "${E2E_TMP:=/tmp}"         # keep short: unix socket paths are limited to 108 bytes
export E2E_TEST_TIMEOUT E2E_TMP
E2E_REPO=$(cd "$here/../.." && pwd)
export E2E_REPO

. "$here/../integration/lib.sh"
. "$here/lib_docker.sh"
. "$here/lib_e2e.sh"

files=()
for f in "$@"; do files+=("$(realpath "$f")"); done
[ ${#files[@]} -gt 0 ] || files=("$here"/test_*.sh)

start=$SECONDS
if ! e2e_install_deps || ! e2e_install_podman; then
	echo "e2e: could not install the daemons' packages"
	echo "e2e: 0 passed, 1 failed"
	exit 1
fi

results=$(mktemp -d "$E2E_TMP/sbe2e-res.XXXXXX")
child=""
on_signal() {
	trap - INT TERM
	echo "e2e: interrupted; cleaning up" >&2
	# The file's subshell cleans up after itself on TERM (its own trap).
	[ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null
	rm -rf "$results"
	exit 130
}
trap on_signal INT TERM
trap 'rm -rf "$results"' EXIT

# run_file FILE: runs in a subshell; appends "ok|FAIL NAME" lines to
# $results/list.
run_file() {
	local f=$1 t rc
	# globals: the EXIT trap below runs after this function has returned
	E2E_FILE_NAME=$(basename "$f" .sh)
	local name=$E2E_FILE_NAME
	. "$f" || {
		echo "FAIL $name:source" >>"$results/list"
		return
	}
	E2E_DIR=$(mktemp -d "$E2E_TMP/sbe.XXXXXX")
	export E2E_DIR
	# teardown_file runs once whatever happens; E2E_DIR goes last.
	e2e_cleanup() {
		trap - EXIT INT TERM
		if declare -F teardown_file >/dev/null; then
			teardown_file >>"$results/$E2E_FILE_NAME.teardown.log" 2>&1 ||
				echo "  WARN $E2E_FILE_NAME teardown_file failed (see below)" >&2
		fi
		e2e_remove_dir "$E2E_DIR"
	}
	trap e2e_cleanup EXIT
	trap 'exit 143' INT TERM
	local tests
	tests=$(declare -F | awk '{print $3}' | grep '^test_')
	if declare -F setup_file >/dev/null; then
		if ! setup_file >"$results/$name.setup.log" 2>&1; then
			echo "  FAIL $name setup_file"
			sed 's/^/       | /' "$results/$name.setup.log" | tail -30
			echo "FAIL $name:setup_file" >>"$results/list"
			for t in $tests; do
				echo "  FAIL $name $t (setup failed)"
				echo "FAIL $name:$t" >>"$results/list"
			done
			return
		fi
	fi
	for t in $tests; do
		local log="$results/$name.$t.log" t0=$SECONDS
		(cd "$E2E_DIR" && "$t") >"$log" 2>&1 &
		local pid=$!
		e2e_wait_pid "$pid" "$E2E_TEST_TIMEOUT"
		rc=$?
		if [ "$rc" = 0 ]; then
			echo "  ok   $name $t ($((SECONDS - t0))s)"
			echo "ok $name:$t" >>"$results/list"
		elif [ "$rc" = 77 ]; then
			echo "  skip $name $t: $(grep '^SKIP:' "$log" | tail -1 | cut -c7-)"
			echo "skip $name:$t" >>"$results/list"
		else
			[ "$rc" = 124 ] && echo "    FAIL: timed out after ${E2E_TEST_TIMEOUT}s" >>"$log"
			echo "  FAIL $name $t ($((SECONDS - t0))s)"
			echo "FAIL $name:$t" >>"$results/list"
			sed 's/^/       | /' "$log" | tail -30
		fi
	done
}

touch "$results/list"
# cgroups two levels deep before and after: new ones are leftovers
find /sys/fs/cgroup -mindepth 1 -maxdepth 2 -type d 2>/dev/null | sort >"$results/cgroups.before"
for f in "${files[@]}"; do
	echo "== e2e $(basename "$f")"
	(run_file "$f") &
	child=$!
	wait "$child"
	child=""
	for l in "$results"/*.teardown.log; do
		[ -s "$l" ] && sed 's/^/       teardown | /' "$l" | tail -15
		rm -f "$l"
	done
done

pass=$(grep -c '^ok ' "$results/list")
failed=$(grep -c '^FAIL ' "$results/list")
skipped=$(grep -c '^skip ' "$results/list")
leftover=$(e2e_leftovers
	find /sys/fs/cgroup -mindepth 1 -maxdepth 2 -type d 2>/dev/null | sort |
		comm -13 "$results/cgroups.before" - | sed 's/^/cgroup /')
if [ -n "$leftover" ]; then
	echo "  FAIL leftovers after the e2e run:"
	echo "$leftover" | sed 's/^/       | /'
	failed=$((failed + 1))
fi
echo "e2e: total time $((SECONDS - start))s, $skipped skipped"
echo "e2e: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
