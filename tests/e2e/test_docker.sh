# shellcheck shell=bash
# Docker (Debian's docker.io 20.10) with sandbox as its OCI runtime.
# setup_file starts one private dockerd (lib_docker.sh) with two runtimes in
# its daemon.json:
#   sandbox         {"path": SANDBOX, "runtimeArgs": ["--events-log", E2E_DIR/events.jsonl]}
#   sandbox-strict  {"path": SANDBOX, "runtimeArgs": ["--profile", "strict", "--events-log", ...]}
# and imports sandbox-busybox:latest.  Every container runs with --network none.

IMG=sandbox-busybox:latest
D_TIMEOUT=60

# daemon.json with runtimeArgs: lib_docker.sh writes only "path", so its
# writer is replaced here; DOCKER_E2E_RUNTIME_ARGS[NAME] is a JSON list.
declare -gA DOCKER_E2E_RUNTIME_ARGS=()
_docker_write_config() {
	local args=() n
	for n in "${!DOCKER_E2E_RUNTIMES[@]}"; do
		args+=("$n" "${DOCKER_E2E_RUNTIMES[$n]}" "${DOCKER_E2E_RUNTIME_ARGS[$n]:-[]}")
	done
	"$E2E_PYTHON" - "$DOCKER_E2E_DIR/daemon.json" "${args[@]}" <<'PY'
import json, os, sys
out, kv = sys.argv[1], sys.argv[2:]
runtimes = {}
for i in range(0, len(kv), 3):
    runtimes[kv[i]] = {"path": kv[i + 1]}
    extra = json.loads(kv[i + 2])
    if extra:
        runtimes[kv[i]]["runtimeArgs"] = extra
with open(out + ".tmp", "w") as f:
    json.dump({"runtimes": runtimes}, f, indent=2, sort_keys=True)
    f.write("\n")
os.rename(out + ".tmp", out)
PY
}

setup_file() {
	local ev=$E2E_DIR/events.jsonl
	DOCKER_E2E_RUNTIME_ARGS[sandbox]="[\"--events-log\", \"$ev\"]"
	DOCKER_E2E_RUNTIME_ARGS[sandbox-strict]="[\"--profile\", \"strict\", \"--events-log\", \"$ev\"]"
	# Profiles named without a path are looked up here; dockerd passes its
	# environment down to containerd, the shim and the runtime.
	export SANDBOX_PROFILE_PATH=$E2E_REPO/profiles
	docker_start "$E2E_DIR/d" sandbox="$SANDBOX" sandbox-strict="$SANDBOX" || return 1
	busybox_image "$IMG" || return 1
}

teardown_file() {
	docker_stop
}

# d ARGS...: the docker client on the private daemon, bounded in time.
d() { timeout "$D_TIMEOUT" "$DOCKER_BIN" "$@"; }
# drun ARGS...: docker run --rm --runtime sandbox --network none ARGS...
drun() { d run --rm --runtime sandbox --network none "$@"; }
# dstart NAME ARGS...: a detached container NAME running ARGS (after the image).
dstart() {
	local name=$1
	shift
	d run -d --name "$name" --runtime sandbox --network none "$@" >/dev/null
}
insp() { d inspect --format "$2" "$1"; }

# --- run ------------------------------------------------------------------

test_run_foreground_output_and_exit_code() {
	local out rc=0
	out=$(drun "$IMG" sh -c 'echo hello-from-sandbox; echo to-stderr >&2; exit 42' 2>&1) || rc=$?
	assert_eq 42 "$rc" "exit code" || return 1
	assert_contains "$out" hello-from-sandbox || return 1
	assert_contains "$out" to-stderr
}

test_run_uses_sandbox_runtime() {
	dstart rt "$IMG" sleep 300 || return 1
	assert_eq sandbox "$(insp rt '{{.HostConfig.Runtime}}')" "HostConfig.Runtime" || return 1
	# dockerd wraps each runtime in DATA/runtimes/NAME (path + runtimeArgs)
	# and hands that to the shim as its runc binary; the runtime's state
	# (--root EXEC/runtime-runc/moby) holds the container.
	local id
	id=$(insp rt '{{.Id}}')
	assert_contains "$(cat "$DOCKER_E2E_DIR/data/runtimes/sandbox")" "$SANDBOX --events-log" \
		"dockerd's wrapper for the sandbox runtime" || return 1
	assert_contains "$(cat "$DOCKER_E2E_DIR"/exec/containerd/daemon/io.containerd.runtime.v2.task/moby/"$id"/options.json)" \
		'"binary_name":"'"$DOCKER_E2E_DIR/data/runtimes/sandbox"'"' "shim options" || return 1
	local st
	st=$("$SANDBOX" --root "$DOCKER_E2E_DIR/exec/runtime-runc/moby" state "$id")
	grep -Eq '"status": *"running"' <<<"$st" || fail "sandbox state of $id: $st" || return 1
	local pid
	pid=$(insp rt '{{.State.Pid}}')
	[ "$pid" -gt 0 ] || fail "State.Pid: $pid" || return 1
	assert_eq sleep "$(cat /proc/"$pid"/comm)" "comm of the container's PID 1"
}

test_run_detached_logs_ps_inspect() {
	dstart det "$IMG" sh -c 'echo started-detached; exec sleep 300' || return 1
	wait_until 10 sh -c "'$DOCKER_BIN' logs det 2>&1 | grep -q started-detached" ||
		fail "logs: $(d logs det 2>&1)" || return 1
	assert_contains "$(d ps --format '{{.Names}} {{.Status}}')" "det Up" "docker ps" || return 1
	assert_eq "true running" "$(insp det '{{.State.Running}} {{.State.Status}}')" "inspect" || return 1
	assert_eq "none" "$(insp det '{{.HostConfig.NetworkMode}}')" "network mode"
}

test_run_interactive_pty() {
	local out rc=0
	out=$(pty_drive --timeout 40 'expect:# ' 'send:echo $((6*7))-typed\r' \
		'expect:42-typed' 'send:tty\r' 'expect:/dev/pts/[0-9]+' 'send:exit 3\r' \
		-- "$DOCKER_BIN" run -it --rm --runtime sandbox --network none "$IMG" sh) || rc=$?
	echo "$out"
	assert_eq 3 "$rc" "exit code of docker run -it" || return 1
	assert_contains "$out" "42-typed"
}

# --- exec -----------------------------------------------------------------

test_exec_plain_and_tty() {
	dstart ex "$IMG" sleep 300 || return 1
	local out rc=0
	out=$(d exec ex sh -c 'echo exec-out; cat /proc/1/comm; exit 7') || rc=$?
	assert_eq 7 "$rc" "exec exit code" || return 1
	assert_contains "$out" exec-out || return 1
	assert_contains "$out" sleep "PID 1 seen from exec" || return 1
	assert_eq 65534 "$(d exec -u 65534 ex id -u)" "exec -u" || return 1
	rc=0
	out=$(pty_drive --timeout 30 'expect:# ' 'send:tty; echo x$((1+1))y\r' 'expect:x2y' \
		'send:exit 5\r' -- "$DOCKER_BIN" exec -it ex sh) || rc=$?
	echo "$out"
	assert_eq 5 "$rc" "exec -it exit code" || return 1
	assert_contains "$out" /dev/pts/ "tty in exec -it"
}

# --- lifecycle ------------------------------------------------------------

test_stop_sigterm_reaches_pid1() {
	dstart st "$IMG" sh -c 'trap "echo got-SIGTERM; exit 0" TERM; echo ready; while :; do sleep 0.2; done' || return 1
	wait_until 10 sh -c "'$DOCKER_BIN' logs st | grep -q ready" || return 1
	local t0=$SECONDS
	d stop -t 20 st >/dev/null || return 1
	[ $((SECONDS - t0)) -lt 15 ] || fail "stop took $((SECONDS - t0))s: SIGTERM not handled" || return 1
	assert_contains "$(d logs st)" got-SIGTERM "logs after stop" || return 1
	assert_eq "0 exited" "$(insp st '{{.State.ExitCode}} {{.State.Status}}')"
}

test_stop_with_init() {
	dstart sti --init "$IMG" sleep 300 || return 1
	# docker-init (tini) is PID 1 and forwards SIGTERM to sleep.
	assert_contains "$(d exec sti cat /proc/1/cmdline | tr '\0' ' ')" "sleep 300" "PID 1 cmdline" || return 1
	assert_contains "$(d exec sti cat /proc/1/comm)" init "PID 1 is docker-init" || return 1
	local t0=$SECONDS
	d stop -t 20 sti >/dev/null || return 1
	[ $((SECONDS - t0)) -lt 15 ] || fail "stop --init took $((SECONDS - t0))s" || return 1
	assert_eq 143 "$(insp sti '{{.State.ExitCode}}')" "exit code (SIGTERM via init)"
}

test_kill() {
	dstart k1 "$IMG" sleep 300 || return 1
	d kill k1 >/dev/null || return 1
	wait_until 10 sh -c "[ \"\$('$DOCKER_BIN' inspect --format '{{.State.Running}}' k1)\" = false ]" || return 1
	assert_eq 137 "$(insp k1 '{{.State.ExitCode}}')" "exit code after docker kill" || return 1
	dstart k2 "$IMG" sh -c 'trap "exit 9" USR1; while :; do sleep 0.2; done' || return 1
	sleep 0.5
	d kill -s USR1 k2 >/dev/null || return 1
	wait_until 10 sh -c "[ \"\$('$DOCKER_BIN' inspect --format '{{.State.Running}}' k2)\" = false ]" || return 1
	assert_eq 9 "$(insp k2 '{{.State.ExitCode}}')" "exit code after kill -s USR1"
}

test_restart() {
	dstart rs "$IMG" sh -c 'echo boot; exec sleep 300' || return 1
	local pid1 pid2
	pid1=$(insp rs '{{.State.Pid}}')
	d restart -t 1 rs >/dev/null || return 1
	pid2=$(insp rs '{{.State.Pid}}')
	assert_eq true "$(insp rs '{{.State.Running}}')" "running after restart" || return 1
	[ "$pid1" != "$pid2" ] || fail "same pid after restart: $pid1" || return 1
	wait_until 10 sh -c "[ \$('$DOCKER_BIN' logs rs | grep -c boot) = 2 ]" ||
		fail "logs after restart: $(d logs rs)"
}

test_rm_force() {
	dstart rmf "$IMG" sleep 300 || return 1
	local pid
	pid=$(insp rmf '{{.State.Pid}}')
	d rm -f rmf >/dev/null || return 1
	assert_not_contains "$(d ps -a --format '{{.Names}}')" rmf "docker ps -a" || return 1
	wait_until 10 sh -c "! kill -0 $pid 2>/dev/null" || fail "PID $pid still alive after rm -f"
}

test_ps_and_top() {
	dstart tp "$IMG" sh -c 'sleep 301 & exec sleep 300' || return 1
	sleep 0.5
	local out
	out=$(d top tp) || fail "docker top: $out" || return 1
	assert_contains "$out" "sleep 300" "docker top" || return 1
	assert_contains "$out" "sleep 301" "docker top" || return 1
	out=$(d ps --filter name=tp --format '{{.Names}} {{.Image}} {{.Command}}')
	assert_contains "$out" "tp $IMG" "docker ps"
}

test_stats_no_stream() {
	dstart sts -m 128m --pids-limit 50 "$IMG" sleep 300 || return 1
	local out
	out=$(d stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' sts) || fail "stats: $out" || return 1
	echo "$out"
	assert_contains "$out" "sts " || return 1
	assert_contains "$out" "/ 128MiB" "memory limit in stats" || return 1
	assert_not_contains "$out" " 0B /" "memory usage" || return 1
	[ "$(awk '{print $NF}' <<<"$out")" -ge 1 ] || fail "PIDs in stats: $out"
}

# The memory limit as the container sees it (cgroup v1 or v2).
_mem_limit_inside() {
	d exec "$1" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null ||
		cat /sys/fs/cgroup/memory.max'
}

test_update_memory() {
	dstart upd -m 64m --memory-swap 256m "$IMG" sleep 300 || return 1
	assert_eq $((64 << 20)) "$(_mem_limit_inside upd)" "memory limit inside before update" || return 1
	d update --memory 96m upd >/dev/null || fail "docker update failed" || return 1
	assert_eq $((96 << 20)) "$(insp upd '{{.HostConfig.Memory}}')" "HostConfig.Memory" || return 1
	assert_eq $((96 << 20)) "$(_mem_limit_inside upd)" "memory limit inside after update"
}

test_pause_unpause() {
	dstart pz "$IMG" sh -c 'while :; do echo tick >/tmp/t; usleep 100000; done' || return 1
	local pid out
	pid=$(insp pz '{{.State.Pid}}')
	out=$(d pause pz 2>&1) || fail "docker pause: $out" || return 1
	assert_eq "paused true" "$(insp pz '{{.State.Status}} {{.State.Paused}}')" "state after pause" || return 1
	# The kernel agrees: PID 1 is frozen (v1 freezer.state or v2 cgroup.freeze).
	local cg st
	cg=$(awk -F: '$2 == "freezer" { print $3 }' /proc/"$pid"/cgroup)
	if [ -n "$cg" ]; then
		st=$(cat /sys/fs/cgroup/freezer"$cg"/freezer.state)
		assert_eq FROZEN "$st" "freezer.state" || return 1
	else
		cg=$(awk -F: '$1 == "0" { print $3 }' /proc/"$pid"/cgroup)
		assert_eq 1 "$(cat /sys/fs/cgroup"$cg"/cgroup.freeze)" "cgroup.freeze" || return 1
	fi
	out=$(d unpause pz 2>&1) || fail "docker unpause: $out" || return 1
	assert_eq "running false" "$(insp pz '{{.State.Status}} {{.State.Paused}}')" "state after unpause" || return 1
	assert_eq ok "$(d exec pz echo ok)" "exec after unpause"
}

# --- resource limits --------------------------------------------------------

test_memory_limit_enforced() {
	# dd is PID 1 and needs a 256 MiB buffer in a 32 MiB container without swap.
	local out rc=0
	out=$(d run --name oom --runtime sandbox --network none -m 32m --memory-swap 32m \
		"$IMG" dd if=/dev/zero of=/dev/null bs=256M count=1 2>&1) || rc=$?
	echo "$out"
	assert_eq 137 "$rc" "exit code of the memory hog" || return 1
	assert_eq true "$(insp oom '{{.State.OOMKilled}}')" "State.OOMKilled"
}

test_pids_limit_enforced() {
	# At most 60 forks are tried; every process dies with PID 1.
	local out
	# ash gives up at the first failed fork; the count uses builtins only.
	out=$(drun --pids-limit 16 "$IMG" sh -c '
		(for i in $(seq 60); do sleep 30 & done)
		set -- /proc/[0-9]*; echo procs=$#' 2>&1)
	echo "$out"
	local procs
	procs=$(sed -n 's/.*procs=\([0-9]*\).*/\1/p' <<<"$out" | tail -1)
	[ -n "$procs" ] || fail "no process count: $out" || return 1
	[ "$procs" -le 16 ] || fail "$procs processes under --pids-limit 16" || return 1
	[ "$procs" -ge 10 ] || fail "only $procs processes: the test did not fork" || return 1
	assert_contains "$out" "fork" "fork failure message"
}

# --- security options --------------------------------------------------------

test_read_only_rootfs() {
	local out rc=0
	out=$(drun --read-only "$IMG" sh -c 'touch /newfile' 2>&1) || rc=$?
	[ "$rc" != 0 ] || fail "touch / succeeded under --read-only" || return 1
	assert_contains "$out" "Read-only file system" || return 1
	out=$(drun "$IMG" sh -c 'touch /newfile && echo writable' 2>&1)
	assert_contains "$out" writable "without --read-only"
}

test_user() {
	assert_eq "65534 65534" "$(drun --user 65534:65534 "$IMG" sh -c 'echo $(id -u) $(id -g)')" "--user" || return 1
	assert_eq "nobody" "$(drun --user nobody "$IMG" whoami)" "--user by name"
}

test_cap_drop_all_add_net_bind_service() {
	local out
	out=$(drun --cap-drop ALL --cap-add NET_BIND_SERVICE "$IMG" grep -E '^Cap(Eff|Prm|Bnd):' /proc/self/status)
	echo "$out"
	assert_contains "$out" "CapEff:	0000000000000400" || return 1
	assert_contains "$out" "CapBnd:	0000000000000400" || return 1
	# Binding port 80 works with only that capability, as a non-root user too
	# would need it; chown (CAP_CHOWN) does not.
	out=$(drun --cap-drop ALL --cap-add NET_BIND_SERVICE "$IMG" sh -c 'chown 65534 /tmp && echo chown-ok' 2>&1)
	assert_not_contains "$out" chown-ok "chown without CAP_CHOWN"
}

test_no_new_privileges() {
	assert_contains "$(drun --security-opt no-new-privileges "$IMG" grep NoNewPrivs /proc/self/status)" \
		"NoNewPrivs:	1" || return 1
	assert_contains "$(drun "$IMG" grep NoNewPrivs /proc/self/status)" "NoNewPrivs:	0" "default"
}

test_default_seccomp_profile() {
	# sandbox always installs its own profile's filter; Docker's default
	# profile comes on top of it as one more filter, and is gone with
	# seccomp=unconfined.
	local out rc=0 n_docker n_unconfined
	out=$(drun "$IMG" sh -c 'grep Seccomp /proc/self/status; unshare -U true' 2>&1) || rc=$?
	echo "default: rc=$rc $out"
	assert_contains "$out" "Seccomp:	2" || return 1
	n_docker=$(sed -n 's/^Seccomp_filters:\s*//p' <<<"$out")
	# Docker's default profile allows unshare(2) only with CAP_SYS_ADMIN:
	# creating a user namespace, which the kernel lets anyone do, is refused.
	[ "$rc" != 0 ] || fail "unshare -U succeeded under Docker's default seccomp profile" || return 1
	assert_contains "$out" "Operation not permitted" || return 1
	out=$(drun --security-opt seccomp=unconfined "$IMG" grep Seccomp /proc/self/status 2>&1)
	echo "unconfined: $out"
	n_unconfined=$(sed -n 's/^Seccomp_filters:\s*//p' <<<"$out")
	[ -n "$n_docker" ] && [ -n "$n_unconfined" ] || fail "no Seccomp_filters line (kernel < 5.9?)" || return 1
	assert_eq $((n_unconfined + 1)) "$n_docker" "seccomp filters with Docker's default profile"
}

# --- runtimes registered with runtimeArgs -------------------------------------

test_second_runtime_with_runtime_args() {
	local info
	info=$(d info --format '{{json .Runtimes}}')
	assert_contains "$info" '"sandbox-strict"' "docker info runtimes" || return 1
	assert_contains "$info" '"--profile"' "runtimeArgs in docker info" || return 1
	local out rc=0
	out=$(d run --rm --runtime sandbox-strict --network none "$IMG" echo strict-ok 2>&1) || rc=$?
	assert_eq 0 "$rc" "docker run --runtime sandbox-strict ($out)" || return 1
	assert_eq strict-ok "$out"
}

test_strict_runtime_refuses_pid_host() {
	SANDBOX_PROFILE_PATH=$E2E_REPO/profiles "$SANDBOX" profile show strict >/dev/null 2>&1 ||
		skip "profile strict not available (sandbox profile show strict fails)"
	local out rc=0
	out=$(d run --rm --runtime sandbox-strict --network none --pid=host "$IMG" echo should-not-run 2>&1) || rc=$?
	echo "$out"
	[ "$rc" != 0 ] || fail "strict runtime ran a --pid=host container" || return 1
	assert_not_contains "$out" should-not-run || return 1
	assert_contains "$out" "pid" "the error names the pid namespace"
}

# --- breakout attempts through Docker -----------------------------------------

# docker_breakout NAME DOCKER-FLAGS... -- SHELL-SCRIPT: runs the script in a
# detached container with those flags, waits for it, and prints its full
# Docker id.
docker_breakout() {
	local name=$1 id
	shift
	local flags=()
	while [ "$1" != "--" ]; do
		flags+=("$1")
		shift
	done
	shift
	id=$(d run -d --name "$name" --runtime sandbox --network none "${flags[@]}" "$IMG" sh -c "$1") || return 1
	d wait "$id" >/dev/null
	d rm -f "$id" >/dev/null 2>&1
	echo "$id"
}

# expect_events ID SYSCALL:PATH...: the events log has a denial of each, with
# the container's Docker id.
expect_events() {
	/usr/bin/python3 - "$E2E_DIR/events.jsonl" "$@" <<'PY'
import json, sys
path, cid, wants = sys.argv[1], sys.argv[2], sys.argv[3:]
ev = [json.loads(l) for l in open(path)]
mine = [e for e in ev if e.get("container_id") == cid]
assert mine, f"no event with container id {cid}"
for w in wants:
    sc, p = w.split(":", 1)
    hit = [e for e in mine if e["syscall"] == sc and e["decision"] == "deny"
           and (p == "" or (e["output_fields"]["fd.name"] or "").endswith(p))]
    assert hit, f"no denied {sc} {p} for {cid}: {[(e['syscall'], e['output_fields']['fd.name']) for e in mine]}"
    e = hit[0]
    assert e["output_fields"]["container.id"] == cid and e["profile"] == "default", e
print(f"{cid[:12]}: {len(mine)} events, {len(wants)} expected denials found")
PY
}

test_breakout_privileged_recorded_with_docker_id() {
	local id
	# sysrq 'h' only prints help, and a tmpfs on /mnt stays in the container:
	# harmless even if they were let through.
	id=$(docker_breakout bk-priv --privileged -- \
		'mount -t tmpfs none /mnt; echo h > /proc/sysrq-trigger; unshare -U true; true') || return 1
	expect_events "$id" mount:/mnt openat:/proc/sysrq-trigger unshare:
}

test_breakout_pid_host_recorded_with_docker_id() {
	local id marker=/tmp/sb-e2e-pidhost-$$
	# With the host's pid namespace /proc/1/root is the host's root: writing
	# through it is refused (a magic link); the target is a new file in /tmp.
	id=$(docker_breakout bk-pidhost --pid=host -- \
		"echo x > /proc/1/root$marker; true") || return 1
	[ ! -e "$marker" ] || { rm -f "$marker"; fail "a host file was created through /proc/1/root"; return 1; }
	expect_events "$id" openat:"/proc/1/root$marker"
}

# Under Docker's own seccomp profile (a plain `docker run`), which refuses
# mount and unshare by its default action: still refused with EPERM, and now
# recorded (docs/events.md).
test_breakout_under_docker_seccomp_recorded_with_docker_id() {
	local id
	id=$(docker_breakout bk-plain -- \
		'mount -t tmpfs none /mnt; unshare -U true; true') || return 1
	expect_events "$id" mount:/mnt unshare:
}

test_breakout_cap_sys_admin_recorded_with_docker_id() {
	local id
	id=$(docker_breakout bk-sysadmin --cap-add SYS_ADMIN --security-opt seccomp=unconfined -- \
		'mount -t tmpfs none /mnt; unshare -U true; true') || return 1
	expect_events "$id" mount:/mnt unshare:
}
