# Shared helpers for integration tests (sourced by each tests/integration/test_*.sh).
# Each test file defines functions named test_*; run.sh calls them one by one,
# each in a fresh bundle, and counts passes and failures.
set -u

: "${SANDBOX:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/sandbox}"
: "${SB_TEST_TMP:=/tmp/sandbox-it}"
SB_ROOT="$SB_TEST_TMP/state"      # --root for every sandbox call in tests
BUSYBOX=/bin/busybox

SB_EVENTS="$SB_TEST_TMP/events.jsonl"   # the sentry's events log in tests
sb() { "$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" "$@"; }

# make_rootfs DIR: a minimal busybox root filesystem built from Debian's
# busybox-static. Made once per run and copied: one link per applet is
# several hundred processes, seconds on a slow (emulated) machine.
make_rootfs() {
	local d=$1 t="$SB_TEST_TMP/rootfs.template"
	if [ ! -d "$t" ]; then
		local n="$t.$BASHPID" a
		mkdir -p "$n"/{bin,sbin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin}
		cp "$BUSYBOX" "$n/bin/busybox"
		"$BUSYBOX" --list | /usr/bin/python3 -c 'import os, sys
for a in sys.stdin.read().split():
    if a != "busybox": os.symlink("busybox", os.path.join(sys.argv[1], a))' "$n/bin" || return 1
		echo 'root:x:0:0:root:/root:/bin/sh' >"$n/etc/passwd"
		echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$n/etc/passwd"
		printf 'root:x:0:\nnogroup:x:65534:\n' >"$n/etc/group"
		mv -T "$n" "$t" 2>/dev/null || rm -rf "$n"
	fi
	mkdir -p "$d" && cp -a "$t/." "$d/"
}

# make_bundle DIR: rootfs + config.json from `sandbox spec`, process.args = sh.
make_bundle() {
	local d=$1
	mkdir -p "$d"
	make_rootfs "$d/rootfs"
	(cd "$d" && "$SANDBOX" spec) || return 1
	config_edit "$d" 'c["process"]["terminal"]=False; c["process"]["args"]=["/bin/true"]'
}

# config_edit BUNDLE 'python statements on c': edits BUNDLE/config.json in place.
config_edit() {
	local d=$1 code=$2
	/usr/bin/python3 - "$d/config.json" "$code" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
with open(path) as f:
    c = json.load(f)
exec(code)
with open(path, "w") as f:
    json.dump(c, f, indent=2)
PY
}

# set_args BUNDLE ARG...: process.args
set_args() {
	local d=$1
	shift
	/usr/bin/python3 - "$d/config.json" "$@" <<'PY'
import json, sys
path = sys.argv[1]
with open(path) as f:
    c = json.load(f)
c["process"]["args"] = sys.argv[2:]
with open(path, "w") as f:
    json.dump(c, f, indent=2)
PY
}

fail() {
	echo "    FAIL: $*" >&2
	return 1
}

assert_eq() { # expected actual [what]
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}
assert_contains() { # haystack needle [what]
	case "$1" in
	*"$2"*) return 0 ;;
	esac
	fail "${3:-output}: '$2' not found in: $1"
}
assert_not_contains() {
	case "$1" in
	*"$2"*) fail "${3:-output}: '$2' unexpectedly found in: $1" ;;
	esac
	return 0
}

# Host mounts that could come from us: anything under the test folder or
# naming sandbox. (Counting every mount would also count what other programs
# on the machine mount and unmount meanwhile.)
host_mounts() { grep -c -e "$SB_TEST_TMP" -e sandbox /proc/self/mountinfo; }

# Leftover accounting: processes, mounts, state entries, cgroups.
snapshot_host() {
	{
		echo "procs $(pgrep -c -f "$SANDBOX" || true)"
		echo "mounts $(host_mounts)"
		echo "state $(ls -A "$SB_ROOT" 2>/dev/null | wc -l)"
		# open files on the whole host (an fd kept by a leftover process, one
		# queued in a socket nobody reads, one a sentry never closed), less
		# PID 1's own (an init or a VM's agent opens and closes connections on
		# its own) and less the pipe (two files) that each command
		# substitution around this one holds, so a snapshot taken one $(...)
		# deeper counts the same
		echo "files $(open_files)"
		# the default parent (/sandbox/ID) and paths the tests name after their folder
		echo "cgroups $( {
			find /sys/fs/cgroup -type d -name '*sandbox-it*' 2>/dev/null
			find /sys/fs/cgroup /sys/fs/cgroup/*/ -maxdepth 2 -mindepth 2 -type d -path '*/sandbox/*' 2>/dev/null
		} | sort -u | wc -l)"
	}
}

# open_files: the count snapshot_host compares. From /proc/sys/fs/file-nr
# (see above), or, with SB_FILES_FROM=proc, the descriptors held by every
# process but PID 1 and this shell and its ancestors (the test's own): some
# kernels (tests/vm/run.sh's 6.1) give file-nr only to the batch of a per-CPU
# counter, tens of files either way.
open_files() {
	if [ "${SB_FILES_FROM:-}" = proc ]; then
		local f n=0 p=$BASHPID k v skip=" 1 "
		while [ "$p" -gt 1 ]; do
			skip="$skip$p "
			while read -r k v; do [ "$k" = PPid: ] && break; done <"/proc/$p/status"
			p=$v
		done
		for f in /proc/[0-9]*/fd/*; do
			p=${f#/proc/}
			case $skip in *" ${p%%/*} "*) ;; *) n=$((n + 1)) ;; esac
		done
		echo $n
	else
		echo $(($(cut -f1 /proc/sys/fs/file-nr) - $(ls /proc/1/fd | wc -l) - 2 * BASH_SUBSHELL))
	fi
}

# state_field ID KEY...: a field of `sandbox state ID` ("pid", "sentry pid").
state_field() {
	local id=$1
	shift
	sb state "$id" | /usr/bin/python3 -c 'import json,sys
v = json.load(sys.stdin)
for k in sys.argv[1:]: v = v[k]
print(v)' "$@"
}

# snapshot_within BEFORE NOW: true when NOW shows nothing left since BEFORE:
# every count equal, except open files, which may also have dropped (another
# program on the host closing a file is no leftover of ours; a file that
# stays open is).
snapshot_within() {
	awk -v before="$1" -v now="$2" 'BEGIN {
		nb = split(before, b, "\n"); nn = split(now, n, "\n")
		for (i = 1; i <= nb; i++) { split(b[i], f, " "); want[f[1]] = f[2] }
		for (i = 1; i <= nn; i++) {
			split(n[i], f, " ")
			if (!(f[1] in want) || (f[1] == "files" ? f[2] > want[f[1]] : f[2] != want[f[1]])) exit 1
		}
		exit nb != nn
	}'
}

# assert_no_leftovers BEFORE [what]: waits (processes take a moment to be
# reaped) up to 10 s for the host snapshot to come back within BEFORE, and
# fails with both snapshots if it does not.
assert_no_leftovers() {
	local now
	for _ in $(seq 50); do
		now=$(snapshot_host)
		snapshot_within "$1" "$now" && return 0
		sleep 0.2
	done
	fail "${2:-leftovers}: expected '$1', got '$now'"
}

# breakout_bundle: $BUNDLE with the static breakout binary (breakout.c) at
# /breakout, and cd there. Built once per change of breakout.c.
breakout_bundle() {
	local src bin="$SB_TEST_TMP/breakout.bin"
	src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/breakout.c"
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		cc -static -O1 -pthread -o "$bin.$$" "$src" && mv -f "$bin.$$" "$bin" ||
			fail "cc -static breakout.c" || return 1
	fi
	make_bundle "$BUNDLE" && cd "$BUNDLE" && cp "$bin" "$BUNDLE/rootfs/breakout"
}

# host_usr_bundle: $BUNDLE whose /usr is the host's (read-only), with /lib and
# /lib64 pointing into it as on Debian: the host's compilers and interpreters
# run in a busybox root.
host_usr_bundle() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	rm -rf rootfs/usr && mkdir rootfs/usr && ln -s usr/lib rootfs/lib && ln -s usr/lib64 rootfs/lib64
	config_edit "$BUNDLE" 'c["mounts"].append({"destination":"/usr","type":"bind","source":"/usr","options":["rbind","ro"]}); c["root"]["readonly"]=False; c["process"]["env"]=["PATH=/usr/bin:/bin","HOME=/tmp"]'
}

# median: the median of the numbers on stdin, one per line (the mean of the
# middle two for an even count).
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
