# shellcheck shell=bash
# Helpers shared by tests/e2e/run.sh and the tests/e2e/test_*.sh files.
#
#   e2e_install_podman        install podman (and conmon) if missing, quietly
#   e2e_wait_pid PID SECONDS  wait for PID; on timeout kill it and its children, return 124
#   e2e_remove_dir DIR        unmount whatever is left under DIR, then remove it
#   e2e_leftovers             print daemons, mounts, dirs and processes an e2e run left
#   skip MESSAGE              end the current test as skipped (run.sh shows MESSAGE)
#   wait_until SECONDS CMD..  retry CMD every 0.2s until it succeeds
#   pty_drive ARGS...         tests/e2e/pty_drive.py (an interactive session through a pty)

_e2e_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

e2e_install_podman() {
	local p missing=()
	for p in podman conmon; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "e2e: installing ${missing[*]}" >&2
	# Never start a system service from a package's postinst.
	local prc=/usr/sbin/policy-rc.d made_prc=0 rc=0
	if [ ! -e "$prc" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$prc" && chmod 755 "$prc" && made_prc=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" >/dev/null 2>&1 || rc=$?
	[ "$made_prc" = 1 ] && rm -f "$prc"
	return "$rc"
}

# _e2e_descendants PID: PID's children, grandchildren... (one per line).
_e2e_descendants() {
	local c
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		echo "$c"
		_e2e_descendants "$c"
	done
}

e2e_wait_pid() {
	local pid=$1 t=$2 deadline
	deadline=$((SECONDS + t))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			# shellcheck disable=SC2046
			kill -KILL "$pid" $(_e2e_descendants "$pid") 2>/dev/null
			wait "$pid" 2>/dev/null
			return 124
		fi
		sleep 0.2
	done
	wait "$pid"
}

e2e_remove_dir() {
	local dir=$1 m
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	for _ in 1 2 3; do
		m=$(awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
		[ -z "$m" ] && break
		while read -r p; do
			umount "$p" 2>/dev/null || umount -l "$p" 2>/dev/null
		done <<<"$m"
	done
	if awk -v d="$dir/" 'index($5, d) == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo; then
		echo "e2e: mounts remain under $dir; not removing it" >&2
		return 1
	fi
	rm -rf --one-file-system "$dir"
}

e2e_leftovers() {
	local p cmd
	for p in /proc/[0-9]*; do
		cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case $cmd in
		*"$E2E_TMP"/sbe.*) echo "process ${p#/proc/}: $cmd" ;;
		esac
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$SANDBOX" ] && echo "sandbox process ${p#/proc/}: $cmd"
	done
	awk -v d="$E2E_TMP/sbe." 'index($5, d) == 1 { print "mount " $5 }' /proc/self/mountinfo
	for p in "$E2E_TMP"/sbe.*; do
		[ -e "$p" ] && echo "directory $p"
	done
	return 0
}

skip() {
	echo "SKIP: $*"
	exit 77
}

wait_until() {
	local t=$1 deadline
	shift
	deadline=$((SECONDS + t))
	until "$@"; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.2
	done
}

pty_drive() { /usr/bin/python3 "$_e2e_here/pty_drive.py" "$@"; }
