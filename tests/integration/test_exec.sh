# sandbox exec: a new process with the container's identity and confinement.

exec_bundle() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 1000
	config_edit "$BUNDLE" "$1"'c["hostname"]="exbox"; c["process"]["noNewPrivileges"]=True; c["linux"]["seccomp"]={"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}'
	sb run -d --pid-file "$BUNDLE/pid" "$2" </dev/null >/dev/null 2>&1
}

test_exec_joins_namespaces_and_confinement() {
	exec_bundle 'c["root"]["readonly"]=False; ' ex-1 || return 1
	local init out n want=""
	init=$(cat "$BUNDLE/pid")
	for n in pid net mnt ipc uts; do want="$want $(readlink /proc/$init/ns/$n)"; done
	out=$(sb exec ex-1 /bin/sh -c 'hostname; for n in pid net mnt ipc uts; do readlink /proc/self/ns/$n; done; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; mkdir /m 2>&1; cat /proc/self/cgroup | grep -c /sandbox/ex-1')
	local rc=$?
	sb delete --force ex-1
	[ $rc -eq 0 ] || fail "exec failed: $out" || return 1
	assert_contains "$out" exbox || return 1
	for n in $want; do
		assert_contains "$out" "$n" "namespace of the init" || return 1
	done
	assert_contains "$out" "NoNewPrivs:	1" && assert_contains "$out" "Seccomp:	2" &&
		assert_contains "$out" "Operation not permitted" "seccomp in exec" &&
		assert_contains "$out" "CapEff:	0000000020000420"
}

test_exec_exit_code_user_env_cwd() {
	exec_bundle '' ex-2 || return 1
	local out rc
	out=$(sb exec --user 1000:1001 --additional-gids 7 --env FOO=bar --cwd /tmp ex-2 /bin/sh -c 'id; echo "$FOO"; pwd; exit 3')
	rc=$?
	sb delete --force ex-2
	assert_eq 3 "$rc" "exit code" && assert_contains "$out" "uid=1000 gid=1001 groups=7" &&
		assert_contains "$out" bar && assert_contains "$out" /tmp
}

test_exec_process_json_and_detach() {
	exec_bundle '' ex-3 || return 1
	cat >"$BUNDLE/proc.json" <<'JSON'
{"args": ["/bin/sh", "-c", "echo from-json > /dev/shm/x; sleep 30"], "cwd": "/", "env": ["PATH=/bin"], "user": {"uid": 0, "gid": 0}}
JSON
	sb exec -d --pid-file "$BUNDLE/expid" --process "$BUNDLE/proc.json" ex-3 || { sb delete -f ex-3; return 1; }
	local pid i
	pid=$(cat "$BUNDLE/expid")
	for i in $(seq 50); do sb exec ex-3 /bin/cat /dev/shm/x 2>/dev/null | grep -q from-json && break; sleep 0.1; done
	local seen
	seen=$(sb exec ex-3 /bin/cat /dev/shm/x)
	local ps
	ps=$(sb ps --format json ex-3)
	sb delete --force ex-3
	assert_eq from-json "$seen" && assert_contains "$ps" "$pid" "detached exec in ps"
}

test_exec_with_tty() {
	exec_bundle '' ex-4 || return 1
	local out
	out=$(sb exec -t ex-4 /bin/sh -c 'tty; exit 0' </dev/null)
	sb delete --force ex-4
	assert_contains "$out" /dev/pts/
}

test_many_concurrent_execs() {
	exec_bundle '' ex-5 || return 1
	local i
	for i in $(seq 12); do
		(sb exec ex-5 /bin/sh -c "echo $i" >"$BUNDLE/o.$i" 2>&1) &
	done
	wait
	local bad=0
	for i in $(seq 12); do [ "$(cat "$BUNDLE/o.$i")" = "$i" ] || bad=$((bad + 1)); done
	sb delete --force ex-5
	assert_eq 0 "$bad" "execs with wrong output"
}

test_exec_in_stopped_container_fails() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/true
	sb run --keep ex-6 || return 1
	local out
	out=$(sb exec ex-6 /bin/true 2>&1) && fail "exec in a stopped container succeeded" && return 1
	sb delete ex-6
	assert_contains "$out" "stopped"
}
