# cgroups, each test on the host's own layout and, where the host is hybrid
# or v1, also in a pure cgroup v2 view: a private mount namespace with cgroup2
# mounted on /sys/fs/cgroup. Assumes the lifecycle creates the cgroup at
# create (linux.cgroupsPath or /sandbox/ID), places the init in it before the
# user process runs and removes it on delete.
#
# Layouts: "v2" (the host mounts cgroup2 alone on /sys/fs/cgroup, as a pure
# v2 system does: tests/vm/run.sh runs this file in such a machine), "hybrid"
# (v1 controllers, cgroup2 at /sys/fs/cgroup/unified; this host), and "v2view"
# (the private cgroup2 view of a hybrid host). A v2view has only the
# controllers the kernel left to cgroup2 (on this host: hugetlb; memory, pids
# and cpu stay bound to v1): where one is missing there, the test asserts the
# clear error instead. On a real v2 host a missing controller fails the test.

if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
	LAYOUTS="v2"
else
	LAYOUTS="hybrid v2view"
fi

# sbx LAYOUT ARGS...: the sandbox command in that layout's view.
sbx() {
	local l=$1
	shift
	if [ "$l" = v2view ]; then
		unshare -m sh -c 'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' \
			sh "$SANDBOX" --root "$SB_ROOT" "$@"
	else
		"$SANDBOX" --root "$SB_ROOT" "$@"
	fi
}

# cg_dir LAYOUT CONTROLLER ID: the container's cgroup directory as the host sees it.
cg_dir() {
	case $1 in
	v2) echo "/sys/fs/cgroup/sandbox/$3" ;;
	v2view) echo "/sys/fs/cgroup/unified/sandbox/$3" ;;
	*) echo "/sys/fs/cgroup/$2/sandbox/$3" ;;
	esac
}

# is_v2 LAYOUT: the container's cgroup is a cgroup2 one
is_v2() { [ "$1" != hybrid ]; }

# has_ctl LAYOUT CONTROLLER: the layout offers the controller (a v2 host
# must: there a missing one is a failure, not a reason to skip)
has_ctl() {
	case $1 in
	v2) grep -qw "$2" /sys/fs/cgroup/cgroup.controllers || fail "pure v2 host without the $2 controller" || exit 1 ;;
	v2view) grep -qw "$2" /sys/fs/cgroup/unified/cgroup.controllers ;;
	*) [ -d "/sys/fs/cgroup/$2" ] ;;
	esac
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
		if is_v2 $l; then
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
		is_v2 $l && f=memory.max
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

test_update_realtime_and_rdt_flags() {
	make_bundle "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 30
	local l out d
	for l in $LAYOUTS; do
		(cd "$BUNDLE" && sbx $l run -d "cg-rt-$l" </dev/null >/dev/null 2>&1) || fail "$l: run" || return 1
		wait_running $l "cg-rt-$l" || return 1
		out=$(sbx $l update --l3-cache-schema L3:0=f "cg-rt-$l" 2>&1) && fail "$l: --l3-cache-schema accepted" && return 1
		assert_contains "$out" "--l3-cache-schema: Intel RDT" || return 1
		out=$(sbx $l update --mem-bw-schema MB:0=70 "cg-rt-$l" 2>&1) && fail "$l: --mem-bw-schema accepted" && return 1
		assert_contains "$out" "--mem-bw-schema: Intel RDT" || return 1
		if is_v2 $l; then
			# cgroup v2 has no realtime group scheduling: refused by name
			out=$(sbx $l update --cpu-rt-period 500000 "cg-rt-$l" 2>&1) && fail "$l: realtime accepted on v2" && return 1
			assert_contains "$out" "realtime" || return 1
		else
			d=$(cg_dir $l cpu "cg-rt-$l")
			sbx $l update --cpu-rt-period 500000 "cg-rt-$l" || fail "$l: update --cpu-rt-period" || return 1
			assert_eq 500000 "$(cat "$d/cpu.rt_period_us")" "$l: cpu.rt_period_us" || return 1
			# the parent has no realtime budget to give: the kernel's refusal, by file
			out=$(sbx $l update --cpu-rt-runtime 1000 "cg-rt-$l" 2>&1) && fail "$l: rt runtime without a budget accepted" && return 1
			assert_contains "$out" "cpu.rt_runtime_us" || return 1
		fi
		sbx $l delete --force "cg-rt-$l" || return 1
	done
}

test_exec_in_sub_cgroup() {
	make_bundle "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 30
	local l id d out arg want nope
	for l in $LAYOUTS; do
		id="cg-sub-$l"
		(cd "$BUNDLE" && sbx $l run -d "$id" </dev/null >/dev/null 2>&1) || fail "$l: run" || return 1
		wait_running $l "$id" || return 1
		if is_v2 $l; then
			d=$(cg_dir $l "" "$id") arg=sub want="0::/sandbox/$id/sub" nope=nope
		else
			d=$(cg_dir $l memory "$id") arg=memory:sub want="memory:/sandbox/$id/sub" nope=memory:nope
		fi
		mkdir "$d/sub" || fail "mkdir $d/sub" || return 1
		rm -f "$BUNDLE/sub.pid"
		sbx $l exec -d --pid-file "$BUNDLE/sub.pid" --cgroup "$arg" "$id" /bin/sleep 30 ||
			fail "$l: exec --cgroup $arg" || return 1
		out=$(cat "/proc/$(cat "$BUNDLE/sub.pid")/cgroup")
		assert_contains "$out" "$want" "$l: the exec'd process in the sub-cgroup" || return 1
		if ! is_v2 $l; then
			echo "$out" | grep -qx "[0-9]*:pids:/sandbox/$id" ||
				fail "$l: the other hierarchies keep the container's cgroup: $out" || return 1
		fi
		out=$(sbx $l exec --cgroup ../other "$id" /bin/true 2>&1) && fail "$l: an escaping --cgroup accepted" && return 1
		assert_contains "$out" "not below the container's cgroup" || return 1
		out=$(sbx $l exec --cgroup "$nope" "$id" /bin/true 2>&1) && fail "$l: a missing sub-cgroup accepted" && return 1
		assert_contains "$out" "/sandbox/$id/nope\` does not exist" || return 1
		out=$(sbx $l exec --cgroup bogus:x "$id" /bin/true 2>&1) && fail "$l: an unknown controller accepted" && return 1
		assert_contains "$out" "controller \`bogus\`" || return 1
		sbx $l delete --force "$id" && no_cgroup_left "$id" || return 1
	done
}

test_exec_in_paused_container() {
	make_bundle "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 30
	local l id out i
	for l in $LAYOUTS; do
		id="cg-xp-$l"
		(cd "$BUNDLE" && sbx $l run -d "$id" </dev/null >/dev/null 2>&1) || fail "$l: run" || return 1
		wait_running $l "$id" || return 1
		sbx $l pause "$id" || fail "$l: pause" || return 1
		out=$(sbx $l exec "$id" /bin/true 2>&1) && fail "$l: exec in a paused container accepted" && return 1
		assert_contains "$out" "paused container (use --ignore-paused" || return 1
		rm -f "$BUNDLE/xp.rc"
		(sbx $l exec --ignore-paused "$id" /bin/sh -c 'echo ran >/dev/shm/xp'; echo $? >"$BUNDLE/xp.rc") &
		sleep 0.5
		[ ! -e "$BUNDLE/xp.rc" ] || fail "$l: the exec'd process ran in a paused container" || return 1
		sbx $l resume "$id" || fail "$l: resume" || return 1
		for i in $(seq 50); do [ -s "$BUNDLE/xp.rc" ] && break; sleep 0.1; done
		wait
		assert_eq 0 "$(cat "$BUNDLE/xp.rc" 2>/dev/null)" "$l: exec --ignore-paused after resume" || return 1
		assert_eq ran "$(sbx $l exec "$id" /bin/cat /dev/shm/xp)" "$l: what it wrote" || return 1
		sbx $l delete --force "$id" || return 1
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

# The device rules hold before any hook runs (create sets them while the
# init sets up): a createContainer hook, a child of the init and so in the
# container's cgroup, cannot open the host's /dev/kmsg (c 1:11, not among
# the default devices), which this shell can.
test_device_rules_hold_for_hooks() {
	make_bundle "$BUNDLE" || return 1
	local l out="$BUNDLE/hook.out"
	(exec 3</dev/kmsg) || fail "cannot open /dev/kmsg here" || return 1
	config_edit "$BUNDLE" 'c["hooks"]={"createContainer":[{"path":"/bin/sh","args":["sh","-c","(exec 3</dev/kmsg) 2>/dev/null && echo kmsg-open >>'"$out"' || echo kmsg-denied >>'"$out"'"]}]}'
	for l in $LAYOUTS; do
		: >"$out"
		(cd "$BUNDLE" && sbx $l run "cg-devhook-$l" </dev/null >/dev/null 2>&1) || fail "$l: run" || return 1
		assert_eq kmsg-denied "$(cat "$out")" "$l: the hook's open of /dev/kmsg" || return 1
	done
}

# init_cgroup LAYOUT PID: the init's cgroup path (the memory hierarchy's on v1)
init_cgroup() {
	if is_v2 "$1"; then
		sed -n 's/^0:://p' "/proc/$2/cgroup"
	else
		sed -n 's/^[0-9]*:memory://p' "/proc/$2/cgroup"
	fi
}

# own_cgroup LAYOUT: this shell's cgroup, where relative cgroupsPaths go
# (on v1 the name=systemd hierarchy's, as the runtime reads it)
own_cgroup() {
	case $1 in
	v2) sed -n 's/^0:://p' /proc/self/cgroup ;;
	v2view) unshare -m sh -c 'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup && sed -n "s/^0:://p" /proc/self/cgroup' ;;
	*) sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup ;;
	esac
}

test_cgroups_path_forms() {
	make_bundle "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 30
	local l id want got own out before
	before=$(snapshot_host)
	for l in $LAYOUTS; do
		own=$(own_cgroup $l)
		[ "$own" = / ] && own=""
		for form in abs rel systemd; do
			id="cg-path-$form-$l"
			case $form in
			abs)
				config_edit "$BUNDLE" 'c["linux"]["cgroupsPath"]="/sandbox-it-abs/'$id'"'
				want="/sandbox-it-abs/$id"
				;;
			rel)
				config_edit "$BUNDLE" 'c["linux"]["cgroupsPath"]="sandbox-it-rel/'$id'"'
				want="$own/sandbox-it-rel/$id"
				;;
			systemd)
				config_edit "$BUNDLE" 'c["linux"]["cgroupsPath"]="sandbox-it.slice:sbx:'$id'"'
				want="/sandbox.slice/sandbox-it.slice/sbx-$id.scope" # as systemd nests slices
				;;
			esac
			local flag=()
			[ $form = systemd ] && flag=(--systemd-cgroup)
			# to a file: the detached container holds its stdio open
			(cd "$BUNDLE" && sbx $l "${flag[@]}" run -d --pid-file "$BUNDLE/pid" "$id" </dev/null >"$BUNDLE/run.out" 2>&1) ||
				fail "$l $form: run: $(cat "$BUNDLE/run.out")" || return 1
			out=$(cat "$BUNDLE/run.out")
			got=$(init_cgroup $l "$(cat "$BUNDLE/pid")")
			[ $form = systemd ] && { assert_contains "$out" "mapped onto cgroupfs" "$l: --systemd-cgroup warning" || return 1; }
			sbx $l delete --force "$id" || return 1
			assert_eq "$want" "$got" "$l $form: the init's cgroup" || return 1
		done
		# outside the tree: named, refused, nothing made
		config_edit "$BUNDLE" 'c["linux"]["cgroupsPath"]="../../sandbox-it-out"'
		out=$(cd "$BUNDLE" && sbx $l run "cg-path-out-$l" </dev/null 2>&1) && fail "$l: ../ accepted" && return 1
		assert_contains "$out" "cgroupsPath" "$l: error names cgroupsPath" || return 1
		assert_contains "$out" '".."' "$l: error says why" || return 1
	done
	# as with runc, delete removes the container's own cgroup and leaves the
	# parents it shares with others; these the test named, so it removes them
	local d
	for d in $(find /sys/fs/cgroup -depth -type d \( -name 'sandbox-it*' -o -name sandbox.slice \) 2>/dev/null); do
		[ -z "$(find "$d" -mindepth 1 -maxdepth 1 -type d)" ] || fail "$d: a container's cgroup left below it" || return 1
		rmdir "$d"
	done
	assert_no_leftovers "$before" "leftovers"
}

test_cgroup_namespace_sees_its_root() {
	make_bundle "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["linux"]["namespaces"].append({"type":"cgroup"}) if not any(n["type"]=="cgroup" for n in c["linux"]["namespaces"]) else None'
	set_args "$BUNDLE" /bin/cat /proc/self/cgroup
	local l out
	for l in $LAYOUTS; do
		out=$(cd "$BUNDLE" && sbx $l run "cg-ns-$l" </dev/null 2>&1) || fail "$l: run: $out" || return 1
		if [ $l = v2 ]; then
			assert_eq "0::/" "$out" "$l: /proc/self/cgroup in a cgroup namespace" || return 1
		elif [ $l = v2view ]; then
			assert_contains "$out" "
0::/" "$l: cgroup2 line" || return 1
			assert_not_contains "$out" "sandbox" "$l: the container's cgroup is its root" || return 1
		else
			assert_contains "$out" ":memory:/" "$l" || return 1
			assert_not_contains "$out" "sandbox" "$l: the container's cgroup is its root" || return 1
		fi
	done
}

test_oom_kill_reported_by_events_and_state() {
	make_bundle "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["linux"].setdefault("resources",{})["memory"]={"limit":33554432,"swap":33554432}'
	# waits for a go from exec, so `events` watches before the hog starts
	set_args "$BUNDLE" /bin/sh -c 'while [ ! -e /dev/shm/go ]; do sleep 0.1; done; x=$(dd if=/dev/zero bs=1M count=200 2>/dev/null | tr "\0" a); echo survived'
	local l id ep i
	for l in $LAYOUTS; do
		id="cg-oom-$l"
		(cd "$BUNDLE" && sbx $l run -d "$id" </dev/null >"$BUNDLE/run.out" 2>&1)
		if ! has_ctl $l memory; then
			missing_ctl_error $l "$id" "$(cat "$BUNDLE/run.out")" memory || return 1
			continue
		fi
		wait_running $l "$id" || return 1
		sbx $l events --interval 10s "$id" >"$BUNDLE/ev.$l" 2>&1 &
		ep=$!
		sleep 0.5
		sbx $l exec "$id" /bin/touch /dev/shm/go || fail "$l: exec" || return 1
		for i in $(seq 300); do kill -0 $ep 2>/dev/null || break; sleep 0.1; done
		kill -0 $ep 2>/dev/null && { kill $ep; fail "$l: events did not end with the container"; return 1; }
		assert_contains "$(cat "$BUNDLE/ev.$l")" '{"type":"oom","id":"'$id'"' "$l: oom event" || return 1
		assert_contains "$(sbx $l state "$id")" '"status": "stopped"' "$l: state after the OOM kill" || return 1
		sbx $l delete "$id" && no_cgroup_left "$id" || return 1
	done
}
