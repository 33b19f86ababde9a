# Fault injection (runtime/fault.h): a failure, or the runtime killed, at
# every step of create, start, exec and delete; afterwards `delete --force`
# leaves no process, mount, cgroup or state entry behind.

# fault_walk MODE CMD...: runs CMD with SANDBOX_FAULT=1, 2, ... until a run
# reaches no fault point any more; after each, the function `after_fault N`
# cleans up and checks. Prints the number of points walked.
fault_walk() {
	local mode=$1 n out
	shift
	for n in $(seq 1 40); do
		# to a file: a created container's sentry keeps stderr open
		SANDBOX_FAULT=$n SANDBOX_FAULT_MODE=$mode "$@" >fault.out 2>&1 </dev/null
		out=$(cat fault.out)
		if ! grep -q "injected" <<<"$out"; then
			echo "$n"
			return 0
		fi
		after_fault "$n" "$out" || return 1
	done
	fail "more than 40 fault points?"
}

test_create_fault_or_kill_at_every_step_leaves_nothing() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	local before mode walked
	before=$(snapshot_host)
	after_fault() {
		sb delete --force "f-$mode" >/dev/null 2>&1
		assert_eq "$before" "$(settled_snapshot "$before")" "after a $mode at create point $1 ($2)"
	}
	for mode in fail kill; do
		walked=$(fault_walk "$mode" "$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" create "f-$mode") ||
			return 1
		# the last run had no fault: a created container to clean up
		sb delete --force "f-$mode" >/dev/null 2>&1
		[ "$walked" -ge 9 ] || fail "$mode: only $((walked - 1)) create points reached" || return 1
		echo "create, $mode: $((walked - 1)) points"
	done
	assert_eq "$before" "$(settled_snapshot "$before")" "at the end"
}

test_start_fault_leaves_nothing_after_delete() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	local before walked mode=fail
	before=$(snapshot_host)
	after_fault() {
		sb delete --force f-start >/dev/null 2>&1
		assert_eq "$before" "$(settled_snapshot "$before")" "after a fault at start point $1 ($2)" ||
			return 1
		sb create f-start </dev/null >/dev/null 2>&1 || fail "create"
	}
	sb create f-start </dev/null >/dev/null 2>&1 || fail "create" || return 1
	walked=$(fault_walk fail "$SANDBOX" --root "$SB_ROOT" start f-start) || return 1
	sb delete --force f-start >/dev/null 2>&1
	[ "$walked" -ge 3 ] || fail "only $((walked - 1)) start points" || return 1
	assert_eq "$before" "$(settled_snapshot "$before")" "at the end"
}

test_delete_fault_then_force_cleans_up() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	local before walked mode
	before=$(snapshot_host)
	after_fault() {
		# the interrupted delete is finished by the next one
		sb delete --force f-del >/dev/null 2>&1
		assert_eq "$before" "$(settled_snapshot "$before")" "after a $mode at delete point $1 ($2)" ||
			return 1
		sb run -d f-del </dev/null >/dev/null 2>&1 || fail "run -d"
	}
	for mode in fail kill; do
		sb run -d f-del </dev/null >/dev/null 2>&1 || fail "run -d" || return 1
		walked=$(fault_walk "$mode" "$SANDBOX" --root "$SB_ROOT" delete --force f-del) || return 1
		[ "$walked" -ge 4 ] || fail "$mode: only $((walked - 1)) delete points" || return 1
	done
	assert_eq "$before" "$(settled_snapshot "$before")" "at the end"
}

test_exec_fault_leaves_no_process() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	sb run -d f-exec </dev/null >/dev/null 2>&1 || fail "run -d" || return 1
	local walked mode=fail
	after_fault() {
		local n
		for _ in $(seq 30); do
			n=$(sb ps --format json f-exec | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
			[ "$n" = 1 ] && return 0
			sleep 0.1
		done
		fail "after a fault at exec point $1: $n processes in the container ($2)"
	}
	walked=$(fault_walk fail "$SANDBOX" --root "$SB_ROOT" exec -d f-exec /bin/sleep 100) || {
		sb delete --force f-exec
		return 1
	}
	sb delete --force f-exec >/dev/null 2>&1
	[ "$walked" -ge 3 ] || fail "only $((walked - 1)) exec points"
}
