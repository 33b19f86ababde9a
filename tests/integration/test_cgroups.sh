# cgroups, each test on the host's layout (hybrid here: v1 controllers plus
# cgroup2 at /sys/fs/cgroup/unified) AND in a pure cgroup v2 view: a private
# mount namespace with cgroup2 mounted on /sys/fs/cgroup. Assumes the
# lifecycle creates the cgroup at create (linux.cgroupsPath or /sandbox/ID),
# places the init in it before the user process runs and removes it on delete.
#
# In the v2 view only the controllers the kernel gives cgroup2 exist (on this
# host's hybrid layout: hugetlb; memory, pids and cpu stay bound to v1):
# where a controller is missing the test asserts the clear error instead.

LAYOUTS="hybrid v2"

# sbx LAYOUT ARGS...: the sandbox command in that layout's view.
sbx() {
	local l=$1
	shift
	if [ "$l" = v2 ]; then
		unshare -m sh -c 'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' \
			sh "$SANDBOX" --root "$SB_ROOT" "$@"
	else
		"$SANDBOX" --root "$SB_ROOT" "$@"
	fi
}

# cg_dir LAYOUT CONTROLLER ID: the container's cgroup directory as the host sees it.
cg_dir() {
	if [ "$1" = v2 ]; then echo "/sys/fs/cgroup/unified/sandbox/$3"; else echo "/sys/fs/cgroup/$2/sandbox/$3"; fi
}

# has_ctl LAYOUT CONTROLLER
has_ctl() {
	if [ "$1" = v2 ]; then
		grep -qw "$2" /sys/fs/cgroup/unified/cgroup.controllers
	else
		[ -d "/sys/fs/cgroup/$2" ]
	fi
}

no_cgroup_left() { # ID
	local n
	n=$(find /sys/fs/cgroup -maxdepth 4 -type d -path "*/sandbox/$1" 2>/dev/null | wc -l)
	assert_eq 0 "$n" "cgroup directories left for $1"
}

wait_running() { # LAYOUT ID
	local i
	for i in $(seq 50); do sbx "$1" state "$2" 2>/dev/null | grep -q '"running"' && return 0; sleep 0.1; done
	fail "$2 not running"
}

# missing_ctl_error LAYOUT ID OUTPUT CONTROLLER: the create failed naming the controller.
missing_ctl_error() {
	assert_contains "$3" "$4 controller" "error for a missing $4 controller" && no_cgroup_left "$2"
}

test_memory_limit_kills_hog() {
	make_bundle "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["linux"].setdefault("resources",{})["memory"]={"limit":33554432,"swap":33554432}'
	set_args "$BUNDLE" /bin/sh -c 'x=$(dd if=/dev/zero bs=1M count=200 2>/dev/null | tr "\0" a); echo survived'
	local l out rc
	for l in $LAYOUTS; do
		out=$(cd "$BUNDLE" && sbx $l run "cg-mem-$l" </dev/null 2>&1)
		rc=$?
		if ! has_ctl $l memory; then
			missing_ctl_error $l "cg-mem-$l" "$out" memory || return 1
			continue
		fi
		assert_eq 137 "$rc" "$l: exit of a process over its memory limit ($out)" || return 1
		assert_not_contains "$out" survived || return 1
		no_cgroup_left "cg-mem-$l" || return 1
	done
}

test_pids_limit_stops_fork_bomb() {
	make_bundle "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["linux"].setdefault("resources",{})["pids"]={"limit":10}'
	# bounded: 40 forks at most, each child sleeps briefly
	set_args "$BUNDLE" /bin/sh -c 'for i in $(seq 40); do sleep 2 & done 2>&1; wait; echo done'
	local l out
	for l in $LAYOUTS; do
		out=$(cd "$BUNDLE" && sbx $l run "cg-pids-$l" </dev/null 2>&1)
		if ! has_ctl $l pids; then
			missing_ctl_error $l "cg-pids-$l" "$out" pids || return 1
			continue
		fi
		assert_contains "$out" "fork" "$l: fork refused by pids.max" || return 1
		no_cgroup_left "cg-pids-$l" || return 1
	done
}

test_cpu_quota_and_shares_files() {
	make_bundle "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["linux"].setdefault("resources",{})["cpu"]={"shares":512,"quota":20000,"period":100000}'
	set_args "$BUNDLE" /bin/sleep 30
	local l out d
	for l in $LAYOUTS; do
		(cd "$BUNDLE" && sbx $l run -d "cg-cpu-$l" </dev/null >"$BUNDLE/run.out" 2>&1); out=$(cat "$BUNDLE/run.out")
		if ! has_ctl $l cpu; then
			missing_ctl_error $l "cg-cpu-$l" "$out" cpu || return 1
			continue
		fi
		d=$(cg_dir $l cpu "cg-cpu-$l")
		if [ $l = v2 ]; then
			assert_eq "20000 100000" "$(cat "$d/cpu.max")" "cpu.max" || return 1
			assert_eq 20 "$(cat "$d/cpu.weight")" "cpu.weight from shares 512" || return 1
		else
			assert_eq 20000 "$(cat "$d/cpu.cfs_quota_us")" "cfs_quota" || return 1
			assert_eq 100000 "$(cat "$d/cpu.cfs_period_us")" "cfs_period" || return 1
			assert_eq 512 "$(cat "$d/cpu.shares")" "shares" || return 1
		fi
		sbx $l delete --force "cg-cpu-$l" && no_cgroup_left "cg-cpu-$l" || return 1
	done
}

test_update_memory_live() {
	make_bundle "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["linux"].setdefault("resources",{})["memory"]={"limit":134217728}'
	set_args "$BUNDLE" /bin/sleep 30
	local l out d f
	for l in $LAYOUTS; do
		(cd "$BUNDLE" && sbx $l run -d "cg-upd-$l" </dev/null >"$BUNDLE/run.out" 2>&1); out=$(cat "$BUNDLE/run.out")
		if ! has_ctl $l memory; then
			missing_ctl_error $l "cg-upd-$l" "$out" memory || return 1
			continue
		fi
		d=$(cg_dir $l memory "cg-upd-$l")
		f=memory.limit_in_bytes
		[ $l = v2 ] && f=memory.max
		assert_eq 134217728 "$(cat "$d/$f")" "initial limit" || return 1
		sbx $l update --memory 64m "cg-upd-$l" || fail "update" || return 1
		assert_eq 67108864 "$(cat "$d/$f")" "$l: limit after update --memory 64m" || return 1
		echo '{"memory":{"limit":100663296}}' | sbx $l update --resources - "cg-upd-$l" ||
			fail "update --resources" || return 1
		assert_eq 100663296 "$(cat "$d/$f")" "$l: limit after update --resources" || return 1
		sbx $l delete --force "cg-upd-$l" || return 1
	done
}

test_pause_resume() {
	make_bundle "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["mounts"].append({"destination":"/out","type":"bind","source":"'"$BUNDLE"'","options":["rbind"]})'
	# written aside and renamed: a read never sees a truncated, empty file
	set_args "$BUNDLE" /bin/sh -c 'i=0; while :; do i=$((i+1)); echo $i >/out/cnt.new; mv /out/cnt.new /out/cnt; sleep 0.05; done'
	local l a b
	for l in $LAYOUTS; do
		(cd "$BUNDLE" && sbx $l run -d "cg-pause-$l" </dev/null >/dev/null 2>&1) || fail "$l: run" || return 1
		wait_running $l "cg-pause-$l" || return 1
		sleep 0.3
		sbx $l pause "cg-pause-$l" || fail "$l: pause" || return 1
		assert_contains "$(sbx $l state "cg-pause-$l")" '"status": "paused"' || return 1
		a=$(cat "$BUNDLE/cnt")
		sleep 0.5
		b=$(cat "$BUNDLE/cnt")
		assert_eq "$a" "$b" "$l: counter while paused" || return 1
		assert_contains "$(sbx $l pause "cg-pause-$l" 2>&1)" "not running" || return 1
		sbx $l resume "cg-pause-$l" || fail "$l: resume" || return 1
		sleep 0.5
		[ "$(cat "$BUNDLE/cnt")" -gt "$b" ] || fail "$l: counter did not advance after resume" || return 1
		assert_contains "$(sbx $l resume "cg-pause-$l" 2>&1)" "not paused" || return 1
		sbx $l delete --force "cg-pause-$l" && no_cgroup_left "cg-pause-$l" || return 1
	done
}

test_events_stats_and_ps() {
	make_bundle "$BUNDLE" || return 1
	# three processes: busybox sh execs its last command, so keep it busy with a loop
	set_args "$BUNDLE" /bin/sh -c 'sleep 30 & sleep 30 & while :; do sleep 1; done'
	local l ev pids
	for l in $LAYOUTS; do
		(cd "$BUNDLE" && sbx $l run -d "cg-ev-$l" </dev/null >/dev/null 2>&1) || fail "$l: run" || return 1
		wait_running $l "cg-ev-$l" || return 1
		sleep 0.2
		ev=$(sbx $l events --stats "cg-ev-$l")
		assert_contains "$ev" '"type":"stats"' || return 1
		assert_contains "$ev" '"id":"cg-ev-'$l'"' || return 1
		echo "$ev" | python3 -c 'import json,sys
e=json.load(sys.stdin); d=e["data"]
assert d["pids"]["current"]>=3, d["pids"]
assert "memory" in d and "usage" in d["memory"], d' || fail "$l: stats content: $ev" || return 1
		pids=$(sbx $l ps --format json "cg-ev-$l")
		[ "$(echo "$pids" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -ge 3 ] ||
			fail "$l: ps pids: $pids" || return 1
		# events without --stats ends when the container stops
		sbx $l events --interval 200ms "cg-ev-$l" >"$BUNDLE/ev.$l" &
		local ep=$!
		sleep 0.5
		sbx $l kill "cg-ev-$l" KILL
		local i
		for i in $(seq 50); do kill -0 $ep 2>/dev/null || break; sleep 0.1; done
		kill -0 $ep 2>/dev/null && { kill $ep; fail "$l: events did not exit"; return 1; }
		grep -q '"type":"stats"' "$BUNDLE/ev.$l" || fail "$l: no periodic stats" || return 1
		sbx $l delete --force "cg-ev-$l" && no_cgroup_left "cg-ev-$l" || return 1
	done
}

test_bad_limits_fail_cleanly() {
	make_bundle "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/true
	local l out
	for l in $LAYOUTS; do
		config_edit "$BUNDLE" 'c["linux"]["resources"]={"unified":{"memory.nosuchfile":"1"}}'
		out=$(cd "$BUNDLE" && sbx $l run "cg-bad-$l" </dev/null 2>&1) && fail "$l: unknown unified key accepted" && return 1
		assert_contains "$out" "memory.nosuchfile" "$l: error names the key" || return 1
		no_cgroup_left "cg-bad-$l" || return 1
		config_edit "$BUNDLE" 'c["linux"]["resources"]={"cpu":{"cpus":"999"}}'
		out=$(cd "$BUNDLE" && sbx $l run "cg-bad2-$l" </dev/null 2>&1) && fail "$l: cpus 999 accepted" && return 1
		assert_contains "$out" "cpuset" "$l: error names cpuset" || return 1
		no_cgroup_left "cg-bad2-$l" || return 1
	done
}

test_device_rules_enforced() {
	make_bundle "$BUNDLE" || return 1
	# /dev/kmsg (c 1:11) exists on the host; make the node and try it
	config_edit "$BUNDLE" 'c["linux"]["resources"]={"devices":[{"allow":False,"access":"rwm"}]}'
	set_args "$BUNDLE" /bin/sh -c 'echo ok >/dev/null && echo null-ok; mknod /tmp/k c 1:11 2>/dev/null || mknod /tmp/k c 1 11; cat /tmp/k >/dev/null 2>&1 && echo kmsg-open || echo kmsg-denied'
	config_edit "$BUNDLE" 'c["process"]["capabilities"]={k:["CAP_MKNOD","CAP_DAC_OVERRIDE"] for k in ["bounding","effective","permitted"]}; c["root"]["readonly"]=False'
	local l out
	for l in $LAYOUTS; do
		out=$(cd "$BUNDLE" && sbx $l run "cg-dev-$l" </dev/null 2>&1)
		assert_contains "$out" null-ok "$l: /dev/null allowed by default" || return 1
		assert_contains "$out" kmsg-denied "$l: c 1:11 denied" || return 1
	done
}
