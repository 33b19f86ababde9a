# Opens the sentry performs for a container (write-opens under the default
# profile) take the container process's file access identity: its umask,
# fsuid, fsgid, supplementary groups and DAC capabilities, as the kernel
# would have.

# The capabilities of `sandbox spec` (as runc's): no DAC_OVERRIDE.
SPEC_CAPS='["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'

# run_as UID GID GIDS CAPS SCRIPT: output of SCRIPT run by busybox sh as
# UID:GID with the additional GIDS and the bounding, effective and permitted
# CAPS (JSON lists).
run_as() {
	config_edit "$BUNDLE" 'c["process"]["user"]={"uid":'"$1"',"gid":'"$2"',"additionalGids":'"$3"'}
for k in ("bounding","effective","permitted"): c["process"]["capabilities"][k]='"$4"'
c["process"]["args"]=["/bin/sh","-c",'"$(printf '%s' "$5" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')"']
c["root"]["readonly"]=False'
	sb run "id-$RANDOM" </dev/null 2>&1
}

test_emulated_create_takes_umask_and_owner() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	chmod 1777 rootfs/tmp
	local out
	out=$(run_as 0 0 '[]' "$SPEC_CAPS" 'umask 022; echo a >/tmp/r644; umask 077; echo b >/tmp/r600; stat -c "%n %a %u:%g" /tmp/r644 /tmp/r600')
	assert_contains "$out" "/tmp/r644 644 0:0" && assert_contains "$out" "/tmp/r600 600 0:0" || return 1
	out=$(run_as 1000 1001 '[]' "$SPEC_CAPS" 'umask 027; echo a >/tmp/u; stat -c "%n %a %u:%g" /tmp/u')
	assert_contains "$out" "/tmp/u 640 1000:1001"
}

test_emulated_open_refused_by_the_targets_permissions() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	chmod 1777 rootfs/tmp
	mkdir -p rootfs/data rootfs/grp && chmod 0755 rootfs/data && chown 0:0 rootfs/data
	chown 0:2000 rootfs/grp && chmod 0770 rootfs/grp
	echo secret >rootfs/data/locked && chmod 0000 rootfs/data/locked && chown 5:5 rootfs/data/locked
	local out
	# a user may not create in root's 0755 directory, nor write a 0000 file
	out=$(run_as 1000 1000 '[]' "$SPEC_CAPS" 'echo x >/data/new && echo created; echo x >/data/locked && echo wrote; echo x >/grp/g && echo grp-ok')
	assert_contains "$out" "Permission denied" && assert_not_contains "$out" "created" &&
		assert_not_contains "$out" "wrote" && assert_not_contains "$out" "grp-ok" || return 1
	[ ! -e rootfs/data/new ] || fail "/data/new was created for uid 1000" || return 1
	# a supplementary group opens the group's directory
	out=$(run_as 1000 1000 '[2000]' "$SPEC_CAPS" 'echo x >/grp/g && echo grp-ok; stat -c "%u:%g" /grp/g')
	assert_contains "$out" "grp-ok" && assert_contains "$out" "1000:1000" || return 1
	# root with CAP_DAC_OVERRIDE (in Docker's default set, which lacks
	# CAP_DAC_READ_SEARCH) writes the 0000 file, also in a 0000 directory
	mkdir rootfs/data/closed && chmod 0000 rootfs/data/closed
	out=$(run_as 0 0 '[]' '["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_SETUID","CAP_SETGID"]' \
		'echo x >/data/locked && echo wrote; echo z >/data/closed/f && echo closed-ok')
	assert_contains "$out" "wrote" && assert_contains "$out" "closed-ok" || return 1
	# root without CAP_DAC_OVERRIDE (the spec's set) does not
	out=$(run_as 0 0 '[]' "$SPEC_CAPS" 'echo y >/data/locked && echo wrote-again; echo y >/data/closed/g && echo closed-again')
	assert_not_contains "$out" "closed-again" || return 1
	assert_contains "$out" "Permission denied" && assert_not_contains "$out" "wrote-again" || return 1
	assert_eq "x" "$(cat rootfs/data/locked)" "content of /data/locked"
}

# Emulated opens land where the kernel's would: in one step for a plain path
# (also with ".." and relative to the cwd), by the walk through a symlink in
# the middle or at the end, and an absolute symlink stays in the container's
# root.
test_emulated_open_lands_where_the_kernel_would() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	chmod 1777 rootfs/tmp
	local out
	out=$(run_as 0 0 '[]' "$SPEC_CAPS" 'mkdir /tmp/real /tmp/d; ln -s /tmp/real /tmp/lnk; ln -s real/g /tmp/gl
ln -s /etc /tmp/etcl; echo a >/tmp/lnk/f; echo b >/tmp/gl; echo c >/tmp/d/../h
cd /tmp/real && echo d >rel; echo e >/tmp/etcl/sb-emul-test; echo done')
	assert_contains "$out" "done" || return 1
	assert_eq "a" "$(cat rootfs/tmp/real/f)" "through a directory symlink" &&
		assert_eq "b" "$(cat rootfs/tmp/real/g)" "through a last-component symlink" &&
		assert_eq "c" "$(cat rootfs/tmp/h)" "with .." &&
		assert_eq "d" "$(cat rootfs/tmp/real/rel)" "relative to the cwd" &&
		assert_eq "e" "$(cat rootfs/etc/sb-emul-test)" "absolute symlink in the root" || return 1
	[ ! -e /etc/sb-emul-test ] || fail "an absolute symlink reached the host's /etc"
}

# The sentry keeps a task's groups and umask between its calls and is told
# of every change: after setgroups drops a group, an open that only that
# group allowed is refused; a umask changed with the 32-bit x86 call (int
# 0x80) applies to the next create as the native call does. x86's own calls
# (getuid32) are answered as Docker's profile does.
test_kept_identity_follows_setgroups_and_umask() {
	breakout_bundle || return 1
	chmod 1777 rootfs/tmp
	mkdir -p rootfs/grp && chmod 0755 rootfs/grp
	echo keep >rootfs/grp/f && chown 0:4242 rootfs/grp/f && chmod 0660 rootfs/grp/f
	local out
	out=$(run_as 0 0 '[]' '["CAP_SETUID","CAP_SETGID"]' '/breakout groups_drop /grp/f')
	assert_contains "$out" "groups_drop first rc=0 errno=0" &&
		assert_contains "$out" "groups_drop second rc=-1 errno=EACCES" || return 1
	assert_eq "keep" "$(cat rootfs/grp/f)" "content of /grp/f" || return 1
	out=$(run_as 0 0 '[]' "$SPEC_CAPS" '/breakout umask_i386 /tmp && stat -c "%n %a" /tmp/a /tmp/b')
	assert_contains "$out" "umask_i386 old=22 getuid32=0" &&
		assert_contains "$out" "/tmp/a 644" && assert_contains "$out" "/tmp/b 600"
}

# lazy_caps_bundle: $BUNDLE whose process is root with CAP_DAC_OVERRIDE,
# running `breakout lazy_caps` on a 0000 file and a world-writable folder.
lazy_caps_bundle() {
	breakout_bundle || return 1
	mkdir -p rootfs/data rootfs/pub && chmod 0777 rootfs/pub
	echo keep >rootfs/data/locked && chmod 0000 rootfs/data/locked
	config_edit "$BUNDLE" 'c["process"]["user"]={"uid":0,"gid":0}
for k in ("bounding","effective","permitted"): c["process"]["capabilities"][k]=["CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_SETUID","CAP_SETGID"]
c["process"]["args"]=["/breakout","lazy_caps","/data/locked","/pub","new"]
c["root"]["readonly"]=False'
}

# What the sentry drops for one target's open is not what the next one gets:
# a root process without CAP_DAC_OVERRIDE cannot write a 0000 file, with it
# again it can, and a uid 1000 process's open relative to its dirfd still
# resolves (the sentry reads /proc/PID/fd, mode 0500 and uid 1000's, with its
# own capabilities, not with the drop kept from the open before).
test_capability_drop_does_not_outlast_its_target() {
	lazy_caps_bundle || return 1
	local out
	out=$(sb run "lazy-$RANDOM" </dev/null 2>&1)
	assert_contains "$out" "lazy_caps without rc=-1 errno=EACCES" &&
		assert_contains "$out" "lazy_caps with rc=0 errno=0" &&
		assert_contains "$out" "lazy_caps without again rc=-1 errno=EACCES" &&
		assert_contains "$out" "lazy_caps uid 1000 at dirfd rc=0 errno=0" || return 1
	assert_eq "1000" "$(stat -c %u rootfs/pub/new)" "owner of /pub/new"
}

# A runtime without CAP_SYS_PTRACE (nested in a container with Docker's
# default capabilities): the sentry's /proc lookups for a target then pass
# only while its effective set holds the target's permitted one, so it keeps
# no drop between opens; for a process of another uid they fail, which the
# runtime says when it starts the sentry.
test_capability_drop_without_cap_sys_ptrace() {
	lazy_caps_bundle || return 1
	local out
	out=$(capsh --drop=cap_sys_ptrace -- -c \
		"'$SANDBOX' --root '$SB_ROOT' --events-log '$SB_EVENTS' run lazy-np-$RANDOM" </dev/null 2>&1)
	assert_contains "$out" "lazy_caps without rc=-1 errno=EACCES" &&
		assert_contains "$out" "lazy_caps with rc=0 errno=0" &&
		assert_contains "$out" "lazy_caps without again rc=-1 errno=EACCES" || return 1
	# and what it cannot do is said: the uid 1000 process's open fails
	assert_contains "$out" "the runtime has no CAP_SYS_PTRACE" &&
		assert_contains "$out" "lazy_caps uid 1000 at dirfd rc=-1 errno=EACCES"
}

# The sentry keeps a task's root open between its calls only while it sees
# every call that changes it: after a chroot (which `default` records and
# lets run), the process's next create, and its new thread's, land in the
# jail, not where the root the sentry had kept would put them.
test_kept_root_follows_chroot() {
	breakout_bundle || return 1
	chmod 1777 rootfs/tmp
	mkdir -p rootfs/jail
	local out
	out=$(run_as 0 0 '[]' '["CAP_SYS_CHROOT"]' '/breakout chroot_create /jail')
	assert_contains "$out" "chroot_create after rc=0 errno=0" &&
		assert_contains "$out" "chroot_create thread rc=0 errno=0" || return 1
	[ -f rootfs/a ] || fail "/a before the chroot: $(ls rootfs)" || return 1
	[ -f rootfs/jail/a ] || fail "/a after the chroot is not in the jail: $(ls rootfs/jail)" || return 1
	[ -f rootfs/jail/b ] || fail "the thread's /b is not in the jail: $(ls rootfs/jail)" || return 1
	[ ! -e rootfs/b ] || fail "the thread's /b landed outside the jail"
}
