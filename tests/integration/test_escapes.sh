# Known escape classes of container runtimes, attempted for real.

# CVE-2019-5736: overwrite the host's runtime binary through /proc/PID/exe.
# A startContainer hook runs inside the container while its pid 1 is still
# the runtime's own init, which is the moment the attack uses.
# proc_exe_attack BIN ID: runs the attack with the runtime binary BIN in
# bundle $BUNDLE-ID; the hook leaves what /proc/1/exe reads as in
# rootfs/exe-link.
proc_exe_attack() {
	local bin=$1 id=$2 b=$BUNDLE-$2 sum_before
	make_bundle "$b" && cd "$b" || return 1
	sum_before=$(sha256sum "$bin" | cut -d' ' -f1)
	cat >"$b/rootfs/attack.sh" <<'SH'
#!/bin/sh
readlink /proc/1/exe >/exe-link
# try to write into whatever /proc/1/exe is, in place and by truncation
if printf 'PWNED' | dd of=/proc/1/exe bs=1 seek=0 conv=notrunc 2>/dev/null; then echo wrote >/result; fi
if printf 'PWNED' >/proc/1/exe 2>/dev/null; then echo truncated >>/result; fi
exit 0
SH
	chmod +x "$b/rootfs/attack.sh"
	config_edit "$b" 'c["root"]["readonly"]=False; c["hooks"]={"startContainer":[{"path":"/attack.sh"}]}'
	"$bin" --root "$SB_ROOT" --events-log "$SB_EVENTS" --debug --log "$b/runtime.log" run "$id" ||
		fail "run" || return 1
	assert_eq "$sum_before" "$(sha256sum "$bin" | cut -d' ' -f1)" "host binary changed" || return 1
	[ ! -s "$b/rootfs/result" ] || fail "write through /proc/1/exe succeeded: $(cat "$b/rootfs/result")" || return 1
	# As root the view is mapped in place of the binary, not executed.
	! grep -q "clone binary:" "$b/runtime.log" || fail "not mapped in place: $(grep "clone binary:" "$b/runtime.log")"
}

# As root the runtime runs through a read-only overlayfs view of its binary,
# mounted nowhere: /proc/1/exe reads as the file at that mount's root.
test_runtime_binary_unreachable_through_proc_exe() {
	local real
	real=$(realpath "$SANDBOX")
	proc_exe_attack "$real" lc-5736 || return 1
	assert_eq "/$(basename "$real")" "$(cat "$BUNDLE-lc-5736/rootfs/exe-link")" "init's exe" || return 1
}

# A directory overlayfs cannot stack over /dev (one in /dev itself) leaves the
# sealed in-memory copy; a `:` in the directory's name is escaped.
test_runtime_binary_sealed_where_no_overlay() {
	local dev colon
	dev=$(mktemp -d /dev/sb-exe.XXXXXX) && colon=$(mktemp -d /tmp/sb-exe:XXXXXX) || return 1
	cp "$(realpath "$SANDBOX")" "$dev/sandbox" && cp "$(realpath "$SANDBOX")" "$colon/sandbox" || return 1
	proc_exe_attack "$dev/sandbox" lc-5736-dev &&
		assert_contains "$(cat "$BUNDLE-lc-5736-dev/rootfs/exe-link")" "memfd:sandbox" "init's exe, under /dev" &&
		proc_exe_attack "$colon/sandbox" lc-5736-colon &&
		assert_eq "/sandbox" "$(cat "$BUNDLE-lc-5736-colon/rootfs/exe-link")" "init's exe, a : in the path"
	local rc=$?
	rm -rf "$dev" "$colon"
	return $rc
}

# Without CAP_SYS_ADMIN and CAP_CHECKPOINT_RESTORE the kernel refuses to
# point /proc/self/exe at the sealed copy: the runtime executes the copy instead, and goes on from there
# (to the command's own error here: the container does not exist).
test_runtime_executes_its_copy_where_it_cannot_map_it() {
	local log=$SB_TEST_TMP/clone-fallback.log out
	rm -f "$log"
	out=$(capsh --drop=cap_sys_admin,cap_checkpoint_restore -- -c \
		'exec "$0" --root "$1" --debug --log "$2" exec sb-no-such-container true' \
		"$SANDBOX" "$SB_ROOT" "$log" 2>&1)
	assert_contains "$out" "container does not exist: sb-no-such-container" "after the copy" &&
		assert_contains "$(cat "$log")" "clone binary: remap: prctl PR_SET_MM_MAP exe_fd: Operation not permitted; executing the copy instead" "the fallback"
}

# CVE-2024-21626: a cwd that reaches a host directory through a leaked fd.
test_cwd_through_leaked_fd_refused() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/ls /
	local i out
	for i in 3 4 5 6 7 8 9; do
		config_edit "$BUNDLE" 'c["process"]["cwd"]="/proc/self/fd/'$i'"'
		out=$(sb run lc-cwd-$i 7</ 2>&1)
		[ $? -ne 0 ] || fail "cwd /proc/self/fd/$i accepted: $out" || return 1
		assert_not_contains "$out" "boot" "host / listed" || return 1
	done
}

# A symlink in the rootfs pointing at a host path must not redirect the cwd.
test_cwd_symlink_stays_in_root() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	ln -s /../../../../etc "$BUNDLE/rootfs/hostetc"
	set_args "$BUNDLE" /bin/sh -c 'pwd; ls'
	config_edit "$BUNDLE" 'c["process"]["cwd"]="/hostetc"'
	local out
	out=$(sb run lc-cwdlink 2>&1)
	assert_contains "$out" "passwd" && assert_not_contains "$out" "os-release" "host /etc reached"
}
