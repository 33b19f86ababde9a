# Lifecycle and process settings, each checked from inside a real container.

# ns_of PID TYPE: namespace inode as seen by readlink.
ns_of() { readlink "/proc/$1/ns/$2"; }

test_run_exit_code() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'echo out; echo err >&2; exit 3'
	local out rc
	out=$(sb run lc-exit 2>&1)
	rc=$?
	assert_eq 3 "$rc" "exit code" && assert_contains "$out" out && assert_contains "$out" err &&
		assert_eq "" "$(ls -A "$SB_ROOT")" "state left after run"
}

test_run_signal_exit_is_128_plus_n() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	# pid 1 of a pid namespace cannot be killed from inside: kill it from the host
	set_args "$BUNDLE" /bin/sleep 100
	sb run lc-sig </dev/null &
	local rp=$! i
	for i in $(seq 50); do sb state lc-sig 2>/dev/null | grep -q running && break; sleep 0.1; done
	sb kill lc-sig KILL
	wait $rp
	assert_eq 137 "$?" "exit code of a SIGKILLed init"
}

test_create_start_state_kill_delete() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.05; done'
	sb create --pid-file "$BUNDLE/pid" lc-1 </dev/null >/dev/null 2>&1 || fail "create" || return 1
	local st pid
	st=$(sb state lc-1)
	assert_contains "$st" '"status": "created"' || return 1
	pid=$(cat "$BUNDLE/pid")
	assert_contains "$st" "\"pid\": $pid" "state pid = pid file" || return 1
	[ -d "/proc/$pid" ] || fail "init $pid not alive" || return 1
	assert_eq "$(ns_of 1 pid)" "$(ns_of 1 pid)" && [ "$(ns_of "$pid" pid)" != "$(ns_of 1 pid)" ] ||
		fail "init not in its own pid namespace" || return 1
	sb start lc-1 || fail "start" || return 1
	assert_contains "$(sb state lc-1)" '"status": "running"' || return 1
	sb start lc-1 2>/dev/null && fail "second start succeeded" && return 1
	assert_contains "$(sb list)" "lc-1" || return 1
	assert_contains "$(sb list --format json)" '"id":"lc-1"' || return 1
	assert_eq "lc-1" "$(sb list -q)" || return 1
	sb delete lc-1 2>/dev/null && fail "delete of a running container succeeded" && return 1
	sb kill lc-1 SIGTERM || fail "kill" || return 1
	local i
	for i in $(seq 50); do
		sb state lc-1 | grep -q '"status": "stopped"' && break
		sleep 0.1
	done
	assert_contains "$(sb state lc-1)" '"status": "stopped"' || return 1
	sb kill lc-1 KILL 2>/dev/null && fail "kill of a stopped container succeeded" && return 1
	sb delete lc-1 || fail "delete" || return 1
	[ ! -e "$SB_ROOT/lc-1" ] || fail "state directory left"
	sb state lc-1 2>/dev/null && fail "state of a deleted container succeeded"
	return 0
}

test_duplicate_id_refused() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 30
	sb create lc-dup </dev/null >/dev/null 2>&1 || return 1
	local err
	err=$(sb create lc-dup 2>&1 </dev/null)
	local rc=$?
	sb delete --force lc-dup
	[ $rc -ne 0 ] || fail "second create succeeded" || return 1
	assert_contains "$err" "container with id exists: lc-dup"
}

test_kill_signal_names_and_numbers() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'trap "echo got-usr1 >/tmp/u" USR1; trap "exit 9" TERM; while :; do sleep 0.05; done'
	config_edit "$BUNDLE" 'c["mounts"].append({"destination":"/tmp","type":"bind","source":"'"$BUNDLE"'","options":["rbind"]})'
	sb run -d lc-kill </dev/null >/dev/null 2>&1 || return 1
	sb kill lc-kill USR1 || return 1
	local i
	for i in $(seq 50); do [ -f "$BUNDLE/u" ] && break; sleep 0.1; done
	assert_eq got-usr1 "$(cat "$BUNDLE/u" 2>/dev/null)" "USR1 by name" || { sb delete -f lc-kill; return 1; }
	sb kill lc-kill 15 || return 1
	sb kill lc-kill NOSUCHSIG 2>/dev/null && fail "unknown signal accepted"
	sb delete --force lc-kill
}

# kill --all: every process of the container gets the signal, each through
# a pidfd checked against the container's cgroup. TERM from outside does not
# reach the pid namespace's init, which has no handler for it, so the init
# stays while the other process goes.
test_kill_all_signals_every_process() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'sleep 300 & exec sleep 301'
	sb run -d lc-all </dev/null >/dev/null 2>&1 || return 1
	local pids i init
	init=$(state_field lc-all pid)
	for i in $(seq 50); do
		pids=$(sb ps --format json lc-all)
		[ "$(echo "$pids" | tr -cd , | wc -c)" -ge 1 ] && break
		sleep 0.1
	done
	assert_eq 2 "$(echo "$pids" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
		"processes before kill --all ($pids)" || { sb delete -f lc-all; return 1; }
	sb kill --all lc-all TERM || { sb delete -f lc-all; fail "kill --all"; return 1; }
	for i in $(seq 50); do
		pids=$(sb ps --format json lc-all)
		[ "$pids" = "[$init]" ] && break
		sleep 0.1
	done
	sb delete --force lc-all
	assert_eq "[$init]" "$pids" "only the init left after kill --all TERM"
}

test_namespaces_are_private() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'for n in pid net ipc uts mnt cgroup user; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	config_edit "$BUNDLE" 'c["linux"]["namespaces"].append({"type":"cgroup"})'
	local out n
	out=$(sb run lc-ns) || return 1
	for n in pid net ipc uts mnt cgroup; do
		assert_not_contains "$out" "$n $(readlink /proc/self/ns/$n)" "$n namespace shared with host" || return 1
	done
	# no user namespace in the config: the host's
	assert_contains "$out" "user $(readlink /proc/self/ns/user)"
}

# As runc: in a network namespace it creates, `lo` is up (IFF_UP, bit 0 of
# its flags); a joined one is left as it is.
test_loopback_up_in_a_new_network_namespace() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/cat /sys/class/net/lo/flags
	local out
	out=$(sb run lc-lo) || fail "run: $out" || return 1
	assert_eq 1 $((out & 1)) "lo up in a new network namespace (flags $out)" || return 1
	unshare --net sleep 30 &
	local holder=$! pid
	sleep 0.2
	pid=$(pgrep -P $holder || echo $holder)
	config_edit "$BUNDLE" 'c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="network"]+[{"type":"network","path":"/proc/'"$pid"'/ns/net"}]'
	out=$(sb run lc-lo-join)
	kill $holder
	assert_eq 0 $((out & 1)) "a joined network namespace's lo left down (flags $out)"
}

test_join_namespace_by_path() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	unshare --uts --net sleep 30 &
	local holder=$!
	sleep 0.2
	local pid
	pid=$(pgrep -P $holder || echo $holder)
	set_args "$BUNDLE" /bin/sh -c 'readlink /proc/self/ns/uts; readlink /proc/self/ns/net'
	config_edit "$BUNDLE" 'c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"] not in ("uts","network")]+[{"type":"uts","path":"/proc/'"$pid"'/ns/uts"},{"type":"network","path":"/proc/'"$pid"'/ns/net"}]; c.pop("hostname", None)'
	local out uts net
	uts=$(readlink /proc/$pid/ns/uts)
	net=$(readlink /proc/$pid/ns/net)
	out=$(sb run lc-join)
	kill $holder
	[ "$uts" != "$(readlink /proc/self/ns/uts)" ] || fail "holder not in its own uts namespace" || return 1
	assert_eq "$uts
$net" "$out" "joined namespaces"
}

test_hostname_and_domainname() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'hostname; cat /proc/sys/kernel/domainname'
	config_edit "$BUNDLE" 'c["hostname"]="box1"; c["domainname"]="example.test"'
	local out
	out=$(sb run lc-host) || return 1
	assert_eq "box1
example.test" "$out"
}

test_user_group_umask() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'grep -E "^(Uid|Gid|Groups)" /proc/self/status; umask'
	config_edit "$BUNDLE" 'c["process"]["user"]={"uid":1000,"gid":1001,"additionalGids":[20,30],"umask":63}'
	local out
	out=$(sb run lc-user) || return 1
	assert_contains "$out" "Uid:	1000	1000	1000	1000" &&
		assert_contains "$out" "Gid:	1001	1001	1001	1001" &&
		assert_contains "$out" "Groups:	20 30" && assert_contains "$out" "0077"
}

test_capabilities_and_no_new_privs() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'grep -E "^(Cap|NoNewPrivs)" /proc/self/status'
	config_edit "$BUNDLE" 'c["process"]["capabilities"]={"bounding":["CAP_CHOWN","CAP_NET_BIND_SERVICE","CAP_KILL"],"effective":["CAP_CHOWN"],"permitted":["CAP_CHOWN","CAP_KILL"],"inheritable":["CAP_KILL"],"ambient":[]}; c["process"]["noNewPrivileges"]=True'
	local out
	out=$(sb run lc-caps) || return 1
	# CAP_CHOWN=0 (0x1), CAP_KILL=5 (0x20), CAP_NET_BIND_SERVICE=10 (0x400)
	# uid 0 execs with effective = permitted; no_new_privs keeps permitted
	# from growing past what we set (the bounding set would otherwise add to it)
	assert_contains "$out" "CapInh:	0000000000000020" && assert_contains "$out" "CapPrm:	0000000000000021" &&
		assert_contains "$out" "CapEff:	0000000000000021" && assert_contains "$out" "CapBnd:	0000000000000421" &&
		assert_contains "$out" "CapAmb:	0000000000000000" && assert_contains "$out" "NoNewPrivs:	1"
}

test_ambient_capabilities_for_non_root() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'grep -E "^(Cap|Uid)" /proc/self/status'
	config_edit "$BUNDLE" 'c["process"]["user"]={"uid":1000,"gid":1000}; c["process"]["capabilities"]={"bounding":["CAP_CHOWN","CAP_NET_BIND_SERVICE"],"effective":["CAP_NET_BIND_SERVICE"],"permitted":["CAP_CHOWN","CAP_NET_BIND_SERVICE"],"inheritable":["CAP_NET_BIND_SERVICE"],"ambient":["CAP_NET_BIND_SERVICE"]}'
	local out
	out=$(sb run lc-amb) || return 1
	# a non-root exec keeps only the ambient set
	assert_contains "$out" "CapPrm:	0000000000000400" && assert_contains "$out" "CapEff:	0000000000000400" &&
		assert_contains "$out" "CapAmb:	0000000000000400" && assert_contains "$out" "CapBnd:	0000000000000401"
}

test_seccomp_section_enforced() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'mkdir /tmp/x && echo made; grep Seccomp: /proc/self/status'
	config_edit "$BUNDLE" 'c["linux"]["seccomp"]={"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}'
	local out
	out=$(sb run lc-scmp 2>&1)
	assert_not_contains "$out" made "mkdir allowed" && assert_contains "$out" "Operation not permitted" &&
		assert_contains "$out" "Seccomp:	2"
}

test_env_cwd_and_path_lookup() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	mkdir -p "$BUNDLE/rootfs/work/dir"
	set_args "$BUNDLE" sh -c 'echo "$FOO|$(pwd)"'
	config_edit "$BUNDLE" 'c["process"]["env"]=["PATH=/bin","FOO=bar baz"]; c["process"]["cwd"]="/work/dir"'
	assert_eq "bar baz|/work/dir" "$(sb run lc-env)"
}

# create_fails_cleanly ID TEXT: `create ID` of $BUNDLE fails, its error
# says TEXT, and nothing is left on the host.
create_fails_cleanly() {
	local before err
	before=$(snapshot_host)
	err=$(sb create "$1" 2>&1 </dev/null)
	[ $? -ne 0 ] || fail "create $1 succeeded" || return 1
	assert_contains "$err" "$2" && assert_no_leftovers "$before" "leftovers"
}

test_missing_executable_fails_create() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" nosuchprog
	create_fails_cleanly lc-noexe 'executable file not found in $PATH'
}

test_user_namespace_mappings() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	chown -R 100000:100000 "$BUNDLE/rootfs"
	chmod 755 "$BUNDLE/.." "$SB_TEST_TMP" # the mapped root must be able to reach its rootfs
	set_args "$BUNDLE" /bin/sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; touch /tmp/f && stat -c %u /tmp/f'
	config_edit "$BUNDLE" 'c["root"]["readonly"]=False; c["linux"]["namespaces"].append({"type":"user"}); c["linux"]["uidMappings"]=[{"containerID":0,"hostID":100000,"size":65536}]; c["linux"]["gidMappings"]=[{"containerID":0,"hostID":100000,"size":65536}]'
	local out
	out=$(sb run lc-userns 2>&1) || { echo "$out"; return 1; }
	assert_contains "$out" "0     100000      65536" && assert_eq 0 "$(echo "$out" | sed -n 3p)" "uid inside"
	# the file created inside belongs to the mapped host uid
	assert_eq 100000 "$(stat -c %u "$BUNDLE/rootfs/tmp/f")" "host owner of a file made inside"
}

test_rlimits_and_oom_score_adj() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'ulimit -n; ulimit -Hn; cat /proc/self/oom_score_adj'
	config_edit "$BUNDLE" 'c["process"]["rlimits"]=[{"type":"RLIMIT_NOFILE","soft":123,"hard":456}]; c["process"]["oomScoreAdj"]=200'
	assert_eq "123
456
200" "$(sb run lc-rlim)"
}

test_only_stdio_fds_reach_the_process() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/ls /proc/self/fd
	local out
	# fd 7 is open in the caller: it must not leak in
	out=$(sb run lc-fds 7</etc/hostname) || return 1
	assert_eq "0 1 2 3" "$(echo $out)" "fds inside (3 is ls's own directory fd)"
}

test_preserve_fds() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	echo preserved >"$BUNDLE/p"
	set_args "$BUNDLE" /bin/sh -c 'cat <&3'
	assert_eq preserved "$(sb run --preserve-fds 1 lc-pfd 3<"$BUNDLE/p")"
}

test_hooks_run_in_order_with_state() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	cat >"$BUNDLE/hook.sh" <<'SH'
#!/bin/sh
# $1 = hook kind; state JSON on stdin
printf '%s %s\n' "$1" "$(cat | tr -d ' \n' | grep -o '"status":"[a-z]*"')" >>"$LOG"
SH
	chmod +x "$BUNDLE/hook.sh"
	set_args "$BUNDLE" /bin/true
	local k kinds="prestart createRuntime createContainer startContainer poststart poststop"
	for k in $kinds; do
		config_edit "$BUNDLE" 'c.setdefault("hooks",{})["'$k'"]=[{"path":"'"$BUNDLE"'/hook.sh","args":["hook.sh","'$k'"],"env":["LOG='"$BUNDLE"'/log"]}]'
	done
	# startContainer runs inside the container: its path resolves there
	cp "$BUNDLE/hook.sh" "$BUNDLE/rootfs/hook.sh"
	mkdir -p "$BUNDLE/rootfs$BUNDLE"
	config_edit "$BUNDLE" 'c["hooks"]["startContainer"][0]["path"]="/hook.sh"; c["hooks"]["startContainer"][0]["env"]=["LOG=/log"]; c["root"]["readonly"]=False'
	sb run lc-hooks || return 1
	assert_eq 'prestart "status":"creating"
createRuntime "status":"creating"
createContainer "status":"creating"
poststart "status":"running"
poststop "status":"stopped"' "$(cat "$BUNDLE/log")" "host-side hooks" &&
		assert_eq 'startContainer "status":"created"' "$(cat "$BUNDLE/rootfs/log")" "startContainer"
}

# As runc: the init confines itself (identity, no_new_privs, filters) before
# it waits for `start`, so a startContainer hook runs as the container's user
# under its filters, and `start` does not wait for a long filter to load.
test_start_container_hook_runs_confined() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	cat >"$BUNDLE/rootfs/hook.sh" <<'SH'
#!/bin/sh
{ id -u; grep -E '^(Seccomp|NoNewPrivs|CapEff):' /proc/self/status; } >/tmp/hook.out
SH
	chmod +x "$BUNDLE/rootfs/hook.sh"
	mkdir -p "$BUNDLE/rootfs/tmp" && chmod 1777 "$BUNDLE/rootfs/tmp"
	set_args "$BUNDLE" /bin/cat /tmp/hook.out
	config_edit "$BUNDLE" 'c["root"]["readonly"]=False; c["process"]["user"]={"uid":1000,"gid":1000}; c["process"]["noNewPrivileges"]=True; c["hooks"]={"startContainer":[{"path":"/hook.sh"}]}'
	local out
	out=$(sb run lc-hookconf 2>&1) || fail "run: $out" || return 1
	assert_eq "1000" "$(echo "$out" | head -1)" "the hook's uid" &&
		assert_contains "$out" "Seccomp:	2" "the hook is under the filters" &&
		assert_contains "$out" "NoNewPrivs:	1" &&
		assert_contains "$out" "CapEff:	0000000000000000"
}

# A confinement step that fails while the init waits for `start` is what
# `start` reports, and the container does not run.
test_confinement_failure_is_reported_by_start() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/echo ran
	# Without CAP_SETGID the init cannot set the configured groups.
	capsh --drop=cap_setgid -- -c "$SANDBOX --root $SB_ROOT --events-log $SB_EVENTS create lc-confail" </dev/null ||
		fail "create" || return 1
	local out
	out=$(sb start lc-confail 2>&1) && fail "start succeeded: $out" && return 1
	sb delete --force lc-confail
	assert_contains "$out" "identity: process.user.additionalGids: setgroups" &&
		assert_not_contains "$out" "ran"
}

test_failing_hook_fails_create_and_leaves_nothing() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["hooks"]={"createRuntime":[{"path":"/bin/false"}]}'
	create_fails_cleanly lc-hookfail "createRuntime"
}

# Without a user namespace the init makes its namespaces before the runtime
# lets it go on (while the cgroup is set up); a namespace it cannot join is
# still reported by name, after the go, and nothing stays.
test_unjoinable_namespace_fails_create_and_leaves_nothing() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="network"]+[{"type":"network","path":"/proc/self/ns/ipc"}]'
	create_fails_cleanly lc-nsjoin \
		"join namespaces: setns network namespace \`/proc/self/ns/ipc\`: Invalid argument"
}

test_bad_config_and_missing_rootfs_leave_nothing() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	local before err
	before=$(snapshot_host)
	config_edit "$BUNDLE" 'c["linux"]["namespaces"].append({"type":"pidd"})'
	err=$(sb create lc-bad 2>&1 </dev/null)
	[ $? -ne 0 ] || fail "create with a bad config succeeded" || return 1
	assert_contains "$err" 'unknown namespace type "pidd"' || return 1
	config_edit "$BUNDLE" 'c["linux"]["namespaces"].pop(); c["root"]["path"]="nosuchdir"'
	err=$(sb create lc-bad 2>&1 </dev/null)
	[ $? -ne 0 ] || fail "create without rootfs succeeded" || return 1
	assert_contains "$err" "nosuchdir" && assert_no_leftovers "$before" "leftovers"
}

test_killed_create_is_cleaned_by_delete_force() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["hooks"]={"createRuntime":[{"path":"/bin/sleep","args":["sleep","30"]}]}'
	local before
	before=$(snapshot_host)
	# The runtime itself in the background, not `sb`: a function run with &
	# is a subshell, and killing it would leave the create running (which
	# then fails by itself once its hook is killed, racing the delete).
	"$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" create lc-crash </dev/null >/dev/null 2>&1 &
	local cpid=$! i
	for i in $(seq 50); do [ -f "$SB_ROOT/lc-crash/state.json" ] && pgrep -f "sleep 30" >/dev/null && break; sleep 0.1; done
	kill -9 $cpid
	wait $cpid 2>/dev/null
	pkill -f "^/bin/sleep 30|^sleep 30" 2>/dev/null
	[ -f "$SB_ROOT/lc-crash/state.json" ] || fail "the killed create left no state for delete to find" || return 1
	sb delete --force lc-crash || fail "delete --force" || return 1
	sleep 0.2
	assert_no_leftovers "$before" "leftovers after delete --force"
}

test_delete_force_of_a_container_removed_meanwhile() {
	# A create that fails removes its own state directory, maybe while a
	# delete --force waits for the lock: that delete finds nothing left,
	# which is what it asked for (no error, no warning).
	local d="$SB_ROOT/lc-gone" out i
	mkdir -p "$d" && : >"$d/lock" || return 1
	(flock 9 && sleep 0.5 && rm -rf "$d") 9>"$d/lock" &
	for i in $(seq 100); do flock -n "$d/lock" true || break; sleep 0.02; done
	out=$(sb delete --force lc-gone 2>&1) || fail "delete --force: $out" || return 1
	wait
	assert_eq "" "$out" "delete --force of a container removed meanwhile"
}

test_delete_force_kills_running() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 1000
	local before
	before=$(snapshot_host)
	sb run -d --pid-file "$BUNDLE/pid" lc-force </dev/null >/dev/null 2>&1 || return 1
	local pid
	pid=$(cat "$BUNDLE/pid")
	sb delete --force lc-force || return 1
	# gone, or a zombie waiting for whoever adopted it to reap it
	[ ! -d "/proc/$pid" ] || [ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" = Z ] ||
		fail "init $pid still alive" || return 1
	assert_no_leftovers "$before" "leftovers"
	sb delete --force lc-never-existed || fail "delete --force of an unknown id should succeed"
}

test_ps_lists_container_processes() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	# sh execs its last command: the init becomes `sleep 1001`, with one child
	set_args "$BUNDLE" /bin/sh -c 'sleep 1000 & sleep 1001'
	sb run -d --pid-file "$BUNDLE/pid" lc-ps </dev/null >/dev/null 2>&1 || return 1
	sleep 0.3
	local json table
	json=$(sb ps --format json lc-ps)
	table=$(sb ps lc-ps)
	sb delete --force lc-ps
	assert_contains "$json" "$(cat "$BUNDLE/pid")" && [ "$(echo "$json" | tr ',' '\n' | wc -l)" -eq 2 ] ||
		fail "ps json: $json" || return 1
	assert_contains "$table" "sleep 1000" && assert_contains "$table" "sleep 1001" &&
		assert_contains "$table" "PID"
}

test_state_validates_against_oci_schema() {
	[ -n "${OCI_SCHEMA_DIR:-}" ] && [ -d "$OCI_SCHEMA_DIR" ] || { echo "skipped: no OCI_SCHEMA_DIR"; return 0; }
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	config_edit "$BUNDLE" 'c["annotations"]={"org.example/a":"b"}'
	sb create lc-schema </dev/null >/dev/null 2>&1 || return 1
	sb state lc-schema >"$BUNDLE/created.json"
	sb start lc-schema
	sb state lc-schema >"$BUNDLE/running.json"
	sb delete --force lc-schema
	local here f
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	for f in created running; do
		/usr/bin/python3 "$here/../schema/validate.py" "$OCI_SCHEMA_DIR" state-schema.json "$BUNDLE/$f.json" ||
			fail "$f state does not validate" || return 1
	done
	assert_contains "$(cat "$BUNDLE/created.json")" '"org.example/a": "b"'
}

test_terminal_through_console_socket() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'tty; stty size; read line; echo "got:$line"'
	config_edit "$BUNDLE" 'c["process"]["terminal"]=True; c["process"]["consoleSize"]={"height":33,"width":99}'
	local here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	/usr/bin/python3 "$here/console_recv.py" "$BUNDLE/console.sock" $'hello\n' >"$BUNDLE/out" 2>"$BUNDLE/err" &
	local py=$! i
	for i in $(seq 50); do [ -e "$BUNDLE/console.sock.ready" ] && break; sleep 0.1; done
	sb create --console-socket "$BUNDLE/console.sock" lc-tty </dev/null || fail "create" || return 1
	sb start lc-tty || fail "start" || return 1
	wait $py
	sb delete --force lc-tty
	local out
	out=$(tr -d '\r' <"$BUNDLE/out")
	assert_contains "$out" "/dev/pts/0" "tty inside" && assert_contains "$out" "33 99" "console size" &&
		assert_contains "$out" "got:hello" "input typed into the terminal" &&
		assert_contains "$(cat "$BUNDLE/err")" "name=/dev/ptmx"
}

test_run_with_terminal_proxies_the_pty() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'tty; exit 5'
	config_edit "$BUNDLE" 'c["process"]["terminal"]=True'
	local out rc
	out=$(sb run lc-runtty </dev/null)
	rc=$?
	assert_eq 5 "$rc" "exit code" && assert_contains "$out" "/dev/pts/0"
}

test_no_pivot() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'ls /; cat /proc/self/mountinfo | head -1'
	local out
	out=$(sb run --no-pivot lc-nopivot) || return 1
	assert_contains "$out" "bin" && assert_not_contains "$out" "boot" "host root visible"
}

test_time_namespace_offsets() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time'
	config_edit "$BUNDLE" 'c["linux"]["namespaces"].append({"type":"time"}); c["linux"]["timeOffsets"]={"boottime":{"secs":86400000,"nanosecs":0}}'
	local out up
	out=$(sb run lc-time) || return 1
	up=$(echo "$out" | head -1)
	[ "$up" -ge 86400000 ] || fail "uptime inside $up, expected >= 86400000" || return 1
	assert_not_contains "$out" "$(readlink /proc/self/ns/time)" "time namespace shared"
}

test_personality_linux32() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/uname -m
	config_edit "$BUNDLE" 'c["linux"]["personality"]={"domain":"LINUX32"}'
	assert_eq i686 "$(sb run lc-pers)"
}

test_subreaper_caller_adopts_the_init() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	# A subreaper (as containerd's shim is) runs create: the init must end up its child.
	/usr/bin/python3 - "$SANDBOX" "$SB_ROOT" "$BUNDLE" <<'PY' || return 1
import ctypes, os, subprocess, sys, time
sandbox, root, bundle = sys.argv[1:4]
libc = ctypes.CDLL(None, use_errno=True)
assert libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
subprocess.run([sandbox, "--root", root, "create", "--pid-file", bundle + "/pid", "lc-reap"],
               stdin=subprocess.DEVNULL, check=True)
pid = int(open(bundle + "/pid").read())
ppid = int([l for l in open("/proc/%d/status" % pid) if l.startswith("PPid:")][0].split()[1])
subprocess.run([sandbox, "--root", root, "delete", "--force", "lc-reap"], check=True)
os.waitpid(pid, 0)
if ppid != os.getpid():
    print("init's parent is %d, not the subreaper %d" % (ppid, os.getpid()))
    sys.exit(1)
PY
}

test_concurrent_creates_of_one_id() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	local i ok=0
	for i in $(seq 8); do
		(sb create lc-race </dev/null >/dev/null 2>&1 && echo ok >"$BUNDLE/won.$i") &
	done
	wait
	ok=$(ls "$BUNDLE"/won.* 2>/dev/null | wc -l)
	assert_contains "$(sb state lc-race)" '"status": "created"' || return 1
	sb delete --force lc-race
	assert_eq 1 "$ok" "creates that succeeded"
}

test_json_log_for_containerd() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" nosuchprog
	"$SANDBOX" --root "$SB_ROOT" --log "$BUNDLE/log.json" --log-format json create lc-log </dev/null 2>/dev/null &&
		fail "create succeeded" && return 1
	/usr/bin/python3 - "$BUNDLE/log.json" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
err = [r for r in recs if r["level"] == "error"]
assert err, recs
assert "executable file not found" in err[-1]["msg"], err
assert set(err[-1]) == {"level", "msg", "time"}, err[-1]
PY
}

test_seccomp_notify_listener_receives_fd() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'mkdir /tmp/n; echo "process rc=$?"'
	config_edit "$BUNDLE" 'c["root"]["readonly"]=False; c["linux"]["seccomp"]={"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"'"$BUNDLE"'/listener.sock","listenerMetadata":"meta1","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_NOTIFY"}]}'
	# The listener answers every notification with EPERM through the received fd.
	/usr/bin/python3 - "$BUNDLE/listener.sock" >"$BUNDLE/listener.out" 2>&1 <<'PY' &
import ctypes, json, os, socket, struct, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(path); s.listen(1)
open(path + ".ready", "w").close()
s.settimeout(20)
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 65536, 1)
st = json.loads(msg)
print("fds", st["fds"], "metadata", st["metadata"], "status", st["state"]["status"])
fd = fds[0]
libc = ctypes.CDLL(None, use_errno=True)
# struct seccomp_notif: u64 id, u32 pid, u32 flags, seccomp_data (64 bytes)
SECCOMP_IOCTL_NOTIF_RECV = 0xc0502100
SECCOMP_IOCTL_NOTIF_SEND = 0xc0182101
# Two mkdirs: the startContainer hook's, then the process's.
for _ in range(2):
    req = ctypes.create_string_buffer(80)
    if libc.ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) != 0:
        print("recv failed", ctypes.get_errno()); sys.exit(1)
    nid = struct.unpack_from("Q", req, 0)[0]
    resp = struct.pack("QqiI", nid, 0, -1, 0)  # id, val, error=-EPERM, flags
    rb = ctypes.create_string_buffer(resp, len(resp))
    print("send", libc.ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, rb))
PY
	local py=$! i
	for i in $(seq 50); do [ -e "$BUNDLE/listener.sock.ready" ] && break; sleep 0.1; done
	local out before
	# A process has one seccomp listener: the default profile's sentry and a
	# listenerPath exclude each other, which create says once the profile is
	# compiled, after the init exists: nothing of it stays.
	before=$(snapshot_host)
	if out=$(sb run lc-notify0 2>&1); then
		fail "notify rules with a routing profile accepted"
		kill $py
		return 1
	fi
	assert_contains "$out" "only one seccomp listener" &&
		assert_no_leftovers "$before" "after the refused create" || { kill $py; return 1; }
	echo '{"name":"plain","defaultAction":"allow"}' >"$BUNDLE/plain.json"
	# The listener reaches its agent before the startContainer hooks run,
	# which are under the filter (as in runc): the hook's mkdir is answered.
	printf '#!/bin/sh\nmkdir /tmp/h; echo "hook rc=$?"\n' >"$BUNDLE/rootfs/hook.sh"
	chmod +x "$BUNDLE/rootfs/hook.sh"
	config_edit "$BUNDLE" 'c["hooks"]={"startContainer":[{"path":"/hook.sh"}]}'
	out=$(timeout 60 "$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" --profile "$BUNDLE/plain.json" run lc-notify 2>&1)
	wait $py
	assert_contains "$out" "hook rc=1" "the hook's mkdir answered by the listener" &&
		assert_contains "$out" "process rc=1" "mkdir answered by the listener" &&
		assert_contains "$(cat "$BUNDLE/listener.out")" "fds ['seccompFd'] metadata meta1" &&
		assert_contains "$(cat "$BUNDLE/listener.out")" "send 0"
}

test_session_keyring_is_new_unless_no_new_keyring() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'grep -c "_ses" /proc/keys; grep "_ses" /proc/keys | grep -o "_ses.*" | head -1'
	config_edit "$BUNDLE" 'c["linux"]["maskedPaths"]=[p for p in c["linux"]["maskedPaths"] if p != "/proc/keys"]'
	local out
	out=$(sb run lc-keyring) || return 1
	assert_contains "$out" "_ses: lc-keyring" "session keyring named after the container"
	out=$(sb run --no-new-keyring lc-keyring2) || return 1
	assert_not_contains "$out" "_ses: lc-keyring2"
}

test_relative_bind_source_is_relative_to_bundle() {
	make_bundle "$BUNDLE" && cd / || return 1
	mkdir -p "$BUNDLE/data" && echo from-bundle >"$BUNDLE/data/f"
	set_args "$BUNDLE" /bin/cat /mnt/f
	config_edit "$BUNDLE" 'c["mounts"].append({"destination":"/mnt","type":"bind","source":"data","options":["rbind","ro"]})'
	assert_eq from-bundle "$(sb run --bundle "$BUNDLE" lc-relbind)"
}

# A capability the runtime itself does not hold (outside its bounding set)
# cannot be given: the container runs without it, with a warning, as Docker's
# --privileged does on hosts that withhold some.
test_capability_withheld_from_runtime_is_ignored() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'grep CapEff /proc/self/status'
	config_edit "$BUNDLE" 'for s in ("bounding","effective","permitted"): c["process"]["capabilities"][s]=["CAP_CHOWN","CAP_SYS_NICE"]'
	local out rc=0
	out=$(capsh --drop=cap_sys_nice -- -c "\"$SANDBOX\" --root \"$SB_ROOT\" --events-log \"$SB_EVENTS\" run cap-withheld" 2>&1 </dev/null) || rc=$?
	assert_eq 0 "$rc" "run ($out)" || return 1
	assert_contains "$out" "CAP_SYS_NICE not in the runtime's own bounding set" || return 1
	# CAP_CHOWN (bit 0) only
	assert_contains "$out" "CapEff:	0000000000000001"
}
