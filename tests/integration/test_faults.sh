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
		assert_no_leftovers "$before" "after a $mode at create point $1 ($2)"
	}
	for mode in fail kill; do
		walked=$(fault_walk "$mode" "$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" create "f-$mode") ||
			return 1
		# the last run had no fault: a created container to clean up
		sb delete --force "f-$mode" >/dev/null 2>&1
		[ "$walked" -ge 9 ] || fail "$mode: only $((walked - 1)) create points reached" || return 1
		echo "create, $mode: $((walked - 1)) points"
	done
	assert_no_leftovers "$before" "at the end"
}

# Joining a pid namespace, the init is not the runtime's child (an
# intermediate process forks it there). A create that fails at any point
# must still leave nothing: checked before any delete could clean up.
test_create_fault_joining_a_pid_namespace_leaves_nothing() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	unshare --pid --fork sleep 300 </dev/null >/dev/null 2>&1 &
	local holder=$! ns_pid before walked
	for _ in $(seq 50); do
		ns_pid=$(pgrep -P $holder)
		[ -n "$ns_pid" ] && break
		sleep 0.1
	done
	[ -n "$ns_pid" ] || { kill -KILL $holder; fail "no pid namespace holder"; return 1; }
	config_edit "$BUNDLE" 'c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="pid"]+[{"type":"pid","path":"/proc/'"$ns_pid"'/ns/pid"}]'
	before=$(snapshot_host)
	after_fault() {
		assert_no_leftovers "$before" "after a failure at create point $1 ($2)" || return 1
		sb delete --force f-pidns >/dev/null 2>&1
	}
	walked=$(fault_walk fail "$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" create f-pidns)
	local rc=$?
	sb delete --force f-pidns >/dev/null 2>&1
	# unshare ignores SIGTERM while it waits for its child: end the child
	kill -KILL "$ns_pid"
	wait $holder 2>/dev/null
	[ $rc -eq 0 ] || return 1
	[ "$walked" -ge 9 ] || fail "only $((walked - 1)) create points reached" || return 1
	echo "create joining a pid namespace: $((walked - 1)) points"
	assert_no_leftovers "$before" "at the end"
}

test_start_fault_leaves_nothing_after_delete() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	local before walked mode=fail
	before=$(snapshot_host)
	after_fault() {
		sb delete --force f-start >/dev/null 2>&1
		assert_no_leftovers "$before" "after a fault at start point $1 ($2)" ||
			return 1
		sb create f-start </dev/null >/dev/null 2>&1 || fail "create"
	}
	sb create f-start </dev/null >/dev/null 2>&1 || fail "create" || return 1
	walked=$(fault_walk fail "$SANDBOX" --root "$SB_ROOT" start f-start) || return 1
	sb delete --force f-start >/dev/null 2>&1
	[ "$walked" -ge 3 ] || fail "only $((walked - 1)) start points" || return 1
	assert_no_leftovers "$before" "at the end"
}

test_delete_fault_then_force_cleans_up() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	local before walked mode
	before=$(snapshot_host)
	after_fault() {
		# the interrupted delete is finished by the next one
		sb delete --force f-del >/dev/null 2>&1
		assert_no_leftovers "$before" "after a $mode at delete point $1 ($2)" ||
			return 1
		sb run -d f-del </dev/null >/dev/null 2>&1 || fail "run -d"
	}
	for mode in fail kill; do
		sb run -d f-del </dev/null >/dev/null 2>&1 || fail "run -d" || return 1
		walked=$(fault_walk "$mode" "$SANDBOX" --root "$SB_ROOT" delete --force f-del) || return 1
		[ "$walked" -ge 4 ] || fail "$mode: only $((walked - 1)) delete points" || return 1
	done
	assert_no_leftovers "$before" "at the end"
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

# --- hostile surroundings -------------------------------------------------------

# A full disk: --root on a tiny tmpfs. Create fails with a clear error and
# leaves nothing; delete --force cleans whatever got written.
test_root_on_full_disk() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	local root=$PWD/tinyroot before out rc=0
	before=$(snapshot_host)
	mkdir -p "$root" && mount -t tmpfs -o size=4k tmpfs "$root" || fail "mount tmpfs" || return 1
	# fill it
	head -c 4096 /dev/zero >"$root/fill" 2>/dev/null
	out=$("$SANDBOX" --root "$root" --events-log "$SB_EVENTS" create full1 2>&1 </dev/null) || rc=$?
	"$SANDBOX" --root "$root" delete --force full1 >/dev/null 2>&1
	umount "$root"
	[ "$rc" != 0 ] || fail "create succeeded on a full disk" || return 1
	assert_contains "$out" "No space left on device" || return 1
	assert_no_leftovers "$before" "leftovers"
}

# A read-only --root: a clear error naming the path, nothing made.
test_root_read_only() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	local root=$PWD/roroot before out rc=0
	before=$(snapshot_host)
	mkdir -p "$root" && mount -t tmpfs -o ro tmpfs "$root" || fail "mount" || return 1
	out=$("$SANDBOX" --root "$root" --events-log "$SB_EVENTS" run ro1 2>&1 </dev/null) || rc=$?
	umount "$root"
	[ "$rc" != 0 ] || fail "run succeeded with a read-only root" || return 1
	assert_contains "$out" "Read-only file system" && assert_contains "$out" "$root" || return 1
	assert_no_leftovers "$before" "leftovers"
}

# A corrupt state.json: commands say so; delete --force still cleans up
# (the cgroup and the processes included, found from the saved config).
test_corrupt_state_file() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	local before out pid
	before=$(snapshot_host)
	sb run -d cs1 </dev/null >/dev/null 2>&1 || fail "run -d" || return 1
	pid=$(state_field cs1 pid)
	echo '{"id": "cs1", "pid": ' >"$SB_ROOT/cs1/state.json"
	out=$(sb state cs1 2>&1)
	[ $? -ne 0 ] || fail "state of a corrupt file succeeded" || return 1
	assert_contains "$out" "state.json" || return 1
	# the state no longer says where the container is: delete --force finds
	# its cgroup from the saved config and ends its processes with it
	sb delete --force cs1 >/dev/null 2>&1 || fail "delete --force" || return 1
	[ ! -e "$SB_ROOT/cs1" ] || fail "state directory left" || return 1
	for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$pid" 2>/dev/null || { kill -9 "$pid"; fail "the container's process $pid survived"; return 1; }
	assert_no_leftovers "$before" "leftovers"
}

# The bundle deleted while the container runs (its root filesystem with it):
# state, kill and delete work from what the runtime saved; exec says what is
# missing.
test_bundle_deleted_while_running() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	local before out
	before=$(snapshot_host)
	sb run -d bd1 </dev/null >/dev/null 2>&1 || fail "run -d" || return 1
	cd / && rm -rf "$BUNDLE"
	out=$(sb state bd1) && assert_contains "$out" '"running"' || return 1
	out=$(sb exec bd1 /bin/echo still-here 2>&1)
	[ $? -ne 0 ] && assert_contains "$out" '"/bin/echo": No such file or directory' || {
		sb delete --force bd1
		fail "exec after the bundle was deleted: $out"
		return 1
	}
	sb kill bd1 KILL || fail "kill" || return 1
	sb delete --force bd1 || fail "delete" || return 1
	assert_no_leftovers "$before" "leftovers"
}

# The sentry killed at a random moment while threads hammer routed calls:
# the container ends (the default profile kills it) and the loss is recorded.
test_sentry_killed_under_load() {
	breakout_bundle || return 1
	local i spid status
	for i in 1 2 3; do
		set_args "$BUNDLE" /breakout hammer 8 1000000
		sb run -d "sk-$i" </dev/null >/dev/null 2>&1 || fail "run -d" || return 1
		spid=$(state_field "sk-$i" sentry pid)
		sleep "0.$((RANDOM % 9 + 1))"
		kill -KILL "$spid"
		for _ in $(seq 50); do
			status=$(state_field "sk-$i" status)
			[ "$status" = stopped ] && break
			sleep 0.1
		done
		sb delete --force "sk-$i" >/dev/null 2>&1
		assert_eq stopped "$status" "container $i after its sentry was killed" || return 1
		/usr/bin/python3 - "$SB_EVENTS" "sk-$i" <<'PY' || fail "no sentry-lost event for sk-$i" || return 1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
lost = [e for e in ev if e["container_id"] == sys.argv[2] and e["rule"] == "sentry-lost"]
assert len(lost) == 1 and lost[0]["decision"] == "kill-container", lost
PY
	done
}
