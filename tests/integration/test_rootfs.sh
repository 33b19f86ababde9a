# Root filesystem: mounts, masked and read-only paths, /dev, root.readonly,
# sysctl, and that nothing reaches the host's mount table.

# rootfs_bundle: the default bundle, ambient capabilities dropped (not what
# these tests are about).
rootfs_bundle() {
	make_bundle "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["process"]["capabilities"].pop("ambient", None)'
}

# in_container CMD: runs CMD with sh -c in the bundle, prints its output.
in_container() {
	set_args "$BUNDLE" /bin/sh -c "$1"
	(cd "$BUNDLE" && sb run "rootfs-$$-$RANDOM")
}

test_ro_bind_mount() {
	rootfs_bundle || return 1
	mkdir -p "$PWD/hostdir" && echo hello >"$PWD/hostdir/f"
	config_edit "$BUNDLE" "c['mounts'].append({'destination': '/data', 'type': 'bind',
		'source': '$PWD/hostdir', 'options': ['rbind', 'ro', 'nosuid']})"
	local out
	out=$(in_container 'grep " /data " /proc/self/mountinfo; cat /data/f; touch /data/new 2>&1; echo done')
	assert_contains "$out" " /data ro,nosuid" "mountinfo of /data" || return 1
	assert_contains "$out" "hello" || return 1
	assert_contains "$out" "Read-only file system" "write to /data" || return 1
	[ ! -e "$PWD/hostdir/new" ] || fail "file created on the host through a ro bind"
}

test_file_bind_mount() {
	rootfs_bundle || return 1
	echo from-host >"$PWD/hostfile"
	config_edit "$BUNDLE" "c['mounts'].append({'destination': '/etc/injected', 'type': 'bind',
		'source': '$PWD/hostfile', 'options': ['bind', 'ro']})"
	local out
	out=$(in_container 'cat /etc/injected')
	assert_eq "from-host" "$out" "bound file"
}

test_tmpfs_with_size() {
	rootfs_bundle || return 1
	config_edit "$BUNDLE" "c['mounts'].append({'destination': '/scratch', 'type': 'tmpfs',
		'source': 'tmpfs', 'options': ['nodev', 'size=1m', 'mode=1777']})"
	local out
	out=$(in_container 'grep " /scratch " /proc/self/mountinfo; stat -c "mode %a" /scratch
		touch /scratch/x && echo write-ok')
	assert_contains "$out" " /scratch rw,nodev" "tmpfs flags" || return 1
	assert_contains "$out" "size=1024k" "tmpfs size" || return 1
	assert_contains "$out" "mode 1777" "tmpfs mode" || return 1
	assert_contains "$out" "write-ok"
}

test_masked_paths() {
	rootfs_bundle || return 1
	# /proc/kcore where the kernel has it, else another default masked file
	local out
	out=$(in_container 'for f in /proc/kcore /proc/keys /proc/timer_list; do
		[ -e $f ] && { stat -c "%n %F %t:%T" $f; break; }; done; ls -A /proc/acpi | wc -l')
	assert_contains "$out" "character special file 1:3" "masked file" || return 1
	assert_contains "$out" "
0" "masked /proc/acpi is empty"
}

test_readonly_proc_sys() {
	rootfs_bundle || return 1
	local out
	out=$(in_container 'grep " /proc/sys " /proc/self/mountinfo; { echo 1 >/proc/sys/kernel/shmmax; } 2>&1; echo done')
	assert_contains "$out" " /proc/sys ro," "mountinfo of /proc/sys" || return 1
	# refused by the read-only mount, or earlier by the sentry (default profile)
	case "$out" in
	*"Read-only file system"* | *"Permission denied"*) ;;
	*) fail "write to /proc/sys not refused: $out" ;;
	esac
}

test_dev_contents() {
	rootfs_bundle || return 1
	local out
	out=$(in_container 'for d in null zero full random urandom tty; do stat -c "%n %A %t:%T" /dev/$d; done
		for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done
		grep " /dev/pts " /proc/self/mountinfo; grep -c " /dev/shm " /proc/self/mountinfo')
	local want
	for want in "/dev/null crw-rw-rw- 1:3" "/dev/zero crw-rw-rw- 1:5" "/dev/full crw-rw-rw- 1:7" \
		"/dev/random crw-rw-rw- 1:8" "/dev/urandom crw-rw-rw- 1:9" "/dev/tty crw-rw-rw- 5:0" \
		"pts/ptmx" "/proc/self/fd" "/proc/self/fd/0" "/proc/self/fd/2" "ptmxmode=666"; do
		assert_contains "$out" "$want" "/dev" || return 1
	done
}

test_linux_devices() {
	rootfs_bundle || return 1
	config_edit "$BUNDLE" "c['linux']['devices'] = [{'path': '/dev/sbnull', 'type': 'c',
		'major': 1, 'minor': 3, 'fileMode': 0o640, 'uid': 0, 'gid': 0},
		{'path': '/dev/sbfifo', 'type': 'p'}]"
	local out
	out=$(in_container 'stat -c "%n %A %t:%T" /dev/sbnull; stat -c "%n %F" /dev/sbfifo')
	assert_contains "$out" "/dev/sbnull crw-r----- 1:3" || return 1
	assert_contains "$out" "/dev/sbfifo fifo"
}

test_root_readonly() {
	rootfs_bundle || return 1
	config_edit "$BUNDLE" 'c["root"]["readonly"] = True'
	local out
	out=$(in_container 'touch /x 2>&1; echo rc=$?')
	assert_contains "$out" "Read-only file system" || return 1
	assert_contains "$out" "rc=1" || return 1
	config_edit "$BUNDLE" 'c["root"]["readonly"] = False'
	out=$(in_container 'touch /x && echo rc=$?')
	assert_contains "$out" "rc=0" || return 1
	[ -e "$BUNDLE/rootfs/x" ] || fail "writable root did not keep /x"
}

test_symlink_destination_stays_in_root() {
	rootfs_bundle || return 1
	local marker="sb-rootfs-escape-$$"
	ln -s / "$BUNDLE/rootfs/evil"
	ln -s ../../../../../../tmp "$BUNDLE/rootfs/up"
	config_edit "$BUNDLE" "c['mounts'] += [
		{'destination': '/evil/tmp/$marker', 'type': 'tmpfs', 'source': 'tmpfs'},
		{'destination': '/up/$marker-2', 'type': 'tmpfs', 'source': 'tmpfs'}]"
	local before out
	before=$(host_mounts)
	out=$(in_container "grep -c $marker /proc/self/mountinfo")
	assert_eq "2" "$out" "mounts inside the container" || return 1
	if grep -q "$marker" /proc/self/mountinfo; then
		fail "a mount reached the host"
		return 1
	fi
	[ ! -e "/tmp/$marker" ] || fail "created /tmp/$marker on the host" || return 1
	[ -d "$BUNDLE/rootfs/tmp/$marker" ] || fail "mountpoint not created in the rootfs" || return 1
	assert_eq "$before" "$(host_mounts)" "host mount count"
}

test_mount_inside_proc_refused() {
	rootfs_bundle || return 1
	echo x >"$PWD/f"
	config_edit "$BUNDLE" "c['mounts'].append({'destination': '/proc/sys/kernel/core_pattern',
		'type': 'bind', 'source': '$PWD/f', 'options': ['bind']})"
	local out
	if out=$(in_container 'echo started' 2>&1); then
		fail "a bind mount inside /proc was allowed: $out"
		return 1
	fi
	assert_contains "$out" "inside /proc"
}

test_sysctl() {
	rootfs_bundle || return 1
	config_edit "$BUNDLE" "c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1', 'kernel.shmmni': '1234'}"
	local out
	out=$(in_container 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni')
	assert_eq "1
1234" "$out" "sysctl values" || return 1
	config_edit "$BUNDLE" "c['linux']['sysctl'] = {'vm.swappiness': '10'}"
	if out=$(in_container 'echo started' 2>&1); then
		fail "a host-wide sysctl was accepted"
		return 1
	fi
	assert_contains "$out" "vm.swappiness"
}

test_failed_setup_leaves_no_host_mounts() {
	rootfs_bundle || return 1
	config_edit "$BUNDLE" "c['mounts'].append({'destination': '/nope', 'type': 'bind',
		'source': '/does/not/exist', 'options': ['bind']})"
	local before
	before=$(host_mounts)
	if in_container 'echo started' >/dev/null 2>&1; then
		fail "a bind of a missing source succeeded"
		return 1
	fi
	assert_eq "$before" "$(host_mounts)" "host mount count"
}
