# Known escape classes of container runtimes, attempted for real.

# CVE-2019-5736: overwrite the host's runtime binary through /proc/PID/exe.
# A startContainer hook runs inside the container while its pid 1 is still
# the runtime's own init, which is the moment the attack uses.
test_runtime_binary_unreachable_through_proc_exe() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	local real sum_before
	real=$(realpath "$SANDBOX")
	sum_before=$(sha256sum "$real" | cut -d' ' -f1)
	cat >"$BUNDLE/rootfs/attack.sh" <<'SH'
#!/bin/sh
readlink /proc/1/exe >/exe-link
# try to write into whatever /proc/1/exe is, in place and by truncation
if printf 'PWNED' | dd of=/proc/1/exe bs=1 seek=0 conv=notrunc 2>/dev/null; then echo wrote >/result; fi
if printf 'PWNED' >/proc/1/exe 2>/dev/null; then echo truncated >>/result; fi
exit 0
SH
	chmod +x "$BUNDLE/rootfs/attack.sh"
	config_edit "$BUNDLE" 'c["root"]["readonly"]=False; c["hooks"]={"startContainer":[{"path":"/attack.sh"}]}'
	sb run lc-5736 || fail "run" || return 1
	assert_eq "$sum_before" "$(sha256sum "$real" | cut -d' ' -f1)" "host binary changed" || return 1
	assert_contains "$(cat "$BUNDLE/rootfs/exe-link")" "memfd:" "init's exe" || return 1
	[ ! -s "$BUNDLE/rootfs/result" ] || fail "write through /proc/1/exe succeeded: $(cat "$BUNDLE/rootfs/result")"
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
