# shellcheck shell=bash
# podman (Debian's podman 4.3) with `--runtime SANDBOX` and a private storage
# root: --root/--runroot/--tmpdir under E2E_DIR, and CONTAINERS_CONF,
# CONTAINERS_STORAGE_CONF and CONTAINERS_REGISTRIES_CONF pointing at files
# written there (cgroupfs cgroup manager, file events logger, no registries).
# setup_file imports sandbox-busybox:latest with `podman import`.
# Every container runs with --network none.

: "${PODMAN_BIN:=/usr/bin/podman}"
PIMG=localhost/sandbox-busybox:latest

p() {
	local d=$E2E_DIR/p
	CONTAINERS_CONF=$d/containers.conf CONTAINERS_STORAGE_CONF=$d/storage.conf \
		CONTAINERS_REGISTRIES_CONF=$d/registries.conf \
		timeout 60 "$PODMAN_BIN" --root "$d/root" --runroot "$d/run" --tmpdir "$d/tmp" \
		--runtime "$SANDBOX" --cgroup-manager cgroupfs --events-backend file "$@"
}
prun() { p run --network none "$@"; }
_plogs_have() { p logs "$1" 2>&1 | grep -q "$2"; }

setup_file() {
	local d=$E2E_DIR/p c
	mkdir -p "$d"/{root,run,tmp}
	# podman's cgroupfs parent: removed at teardown unless it was there before
	E2E_NEW_LIBPOD=()
	for c in /sys/fs/cgroup/*/; do
		[ -d "${c}libpod_parent" ] || E2E_NEW_LIBPOD+=("${c}libpod_parent")
	done
	cat >"$d/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$d/root"
runroot = "$d/run"
EOF
	cat >"$d/containers.conf" <<EOF
[containers]
netns = "none"
# podman asks for nofile/nproc 1048576 by default as root; raising the hard
# limit needs CAP_SYS_RESOURCE, which some CI containers do not grant.
default_ulimits = ["nofile=1024:$(ulimit -Hn)", "nproc=4096:4096"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$d/events.log"
tmp_dir = "$d/tmp"
static_dir = "$d/root/libpod"
volume_path = "$d/root/volumes"
EOF
	echo 'unqualified-search-registries = []' >"$d/registries.conf"
	make_rootfs "$d/rootfs" || return 1
	tar --numeric-owner --owner=0 --group=0 -C "$d/rootfs" -cf "$d/busybox.tar" . || return 1
	rm -rf "$d/rootfs"
	p import --change 'CMD ["/bin/sh"]' "$d/busybox.tar" "$PIMG" >/dev/null || return 1
	p images --format '{{.Repository}}:{{.Tag}}' | grep -qx "$PIMG"
}

teardown_file() {
	local d=$E2E_DIR/p
	[ -d "$d" ] || return 0
	p rm -af -t 0 >/dev/null 2>&1
	# conmon processes and the storage's mounts are ours when they name $d
	local pid
	for pid in /proc/[0-9]*; do
		[ "$(cat "$pid/comm" 2>/dev/null)" = conmon ] || continue
		tr '\0' ' ' 2>/dev/null <"$pid/cmdline" | grep -qF "$d/" && kill -KILL "${pid#/proc/}" 2>/dev/null
	done
	p system reset -f >/dev/null 2>&1 # unmounts the overlay storage
	# the containers' cgroups (cgroupfs manager: /libpod_parent/libpod-ID)
	local cg
	for cg in "${E2E_NEW_LIBPOD[@]}"; do
		[ -d "$cg" ] && find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

test_podman_run_foreground_output_and_exit_code() {
	local out rc=0
	out=$(prun --rm "$PIMG" sh -c 'echo hello-from-podman; exit 42' 2>&1) || rc=$?
	assert_eq 42 "$rc" "podman run exit code ($out)" || return 1
	assert_contains "$out" hello-from-podman
}

test_podman_uses_sandbox_runtime() {
	prun -d --name prt "$PIMG" sleep 300 >/dev/null || return 1
	assert_eq "$SANDBOX" "$(p inspect --format '{{.OCIRuntime}}' prt)" "inspect .OCIRuntime" || return 1
	assert_eq running "$(p inspect --format '{{.State.Status}}' prt)" "state"
}

test_podman_exec_stop_rm() {
	prun -d --name pst "$PIMG" sh -c 'trap "echo got-SIGTERM; exit 0" TERM; echo ready; while :; do sleep 0.2; done' >/dev/null || return 1
	wait_until 10 _plogs_have pst ready || fail "logs: $(p logs pst 2>&1)" || return 1
	local out rc=0
	out=$(p exec pst sh -c 'echo exec-out; cat /proc/1/comm; exit 5') || rc=$?
	assert_eq 5 "$rc" "podman exec exit code" || return 1
	assert_contains "$out" exec-out || return 1
	assert_contains "$(p ps --format '{{.Names}} {{.Status}}')" "pst Up" "podman ps" || return 1
	local t0=$SECONDS
	p stop -t 20 pst >/dev/null || return 1
	[ $((SECONDS - t0)) -lt 15 ] || fail "stop took $((SECONDS - t0))s: SIGTERM not handled" || return 1
	assert_contains "$(p logs pst)" got-SIGTERM "logs after stop" || return 1
	assert_eq "exited 0" "$(p inspect --format '{{.State.Status}} {{.State.ExitCode}}' pst)" "state after stop" || return 1
	p rm pst >/dev/null || return 1
	assert_not_contains "$(p ps -a --format '{{.Names}}')" pst "podman ps -a after rm"
}

test_podman_rm_force_running() {
	prun -d --name prf "$PIMG" sleep 300 >/dev/null || return 1
	local pid
	pid=$(p inspect --format '{{.State.Pid}}' prf)
	p rm -f -t 0 prf >/dev/null || return 1
	assert_not_contains "$(p ps -a --format '{{.Names}}')" prf "podman ps -a" || return 1
	wait_until 10 sh -c "! kill -0 $pid 2>/dev/null" || fail "PID $pid still alive after rm -f"
}
