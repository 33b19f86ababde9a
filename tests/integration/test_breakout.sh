# Breakout attempts against the sentry (issue 6, "Breakout attempts" and
# "Tests"): inside real containers, tests/integration/breakout.c makes each
# escape-class syscall once; every attempt must be answered as the profile
# says (denied with its errno, or allowed and recorded) and leave exactly one
# event with the right fields in the events log.
#
# Every attempt is harmless to the host even if it were wrongly allowed
# (invalid magic, nonexistent paths, invalid time values, opens never written
# to): see breakout.c. The errno and the event tell the sentry's refusal from
# the kernel's.

BK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BK_PROFILES=$(cd "$BK_DIR/../../profiles" && pwd)

# What the default profile does with each attempt:
#   attempt  syscall  decision(deny|allow|none)  errno(or ok)  path(- none; *suffix)
BK_DEFAULT_EXPECT='
setns             setns             deny  EPERM  -
mount             mount             deny  EPERM  /mnt
umount2           umount2           deny  EPERM  /nonexistent-bk
pivot_root        pivot_root        deny  EPERM  /nonexistent-bk
move_mount        move_mount        deny  EPERM  -
fsopen            fsopen            deny  EPERM  -
open_tree         open_tree         deny  EPERM  -
unshare           unshare           deny  EPERM  -
clone             clone             deny  EPERM  -
core_pattern      openat            deny  EACCES /proc/sys/kernel/core_pattern
sysrq             openat            deny  EACCES /proc/sysrq-trigger
release_agent     openat            deny  EACCES */release_agent
notify_on_release openat            deny  EACCES */notify_on_release
self_exe          openat            deny  EACCES /proc/self/exe
pid1_exe          openat            deny  EACCES /proc/1/exe
proc_mem          openat            deny  EACCES /proc/self/mem
uevent_helper     openat            deny  EACCES /sys/kernel/uevent_helper
binfmt_misc       openat            deny  EACCES /proc/sys/fs/binfmt_misc/register
vm_sysctl         openat            deny  EACCES /proc/sys/vm/drop_caches
dev_mem           openat            deny  EACCES /dev/mem
creat_sysctl      creat             deny  EACCES /proc/sys/kernel/bk-new
dirfd_core_pattern openat           deny  EACCES /proc/sys/kernel/core_pattern
excl_core_pattern openat            deny  EACCES /proc/sys/kernel/core_pattern
excl_create_core_pattern openat     none  any    -
excl_create_new   openat            none  ok     -
i386_core_pattern open              deny  EACCES /proc/sys/kernel/core_pattern
i386_creat_sysctl creat             deny  EACCES /proc/sys/kernel/bk-new
i386_create_new   openat            none  ok     -
cwd_core_pattern  openat            deny  EACCES /proc/sys/kernel/core_pattern
dotdot_core_pattern openat          deny  EACCES /proc/sys/kernel/core_pattern
symlink_core_pattern openat         deny  EACCES -
proc_root_core_pattern openat       deny  any    -
fspick            fspick            deny  EPERM  -
modprobe_openat2  openat2           deny  EACCES /proc/sys/kernel/modprobe
open_by_handle_at open_by_handle_at deny  EPERM  -
init_module       init_module       deny  EPERM  -
finit_module      finit_module      deny  EPERM  -
delete_module     delete_module     deny  EPERM  -
kexec_load        kexec_load        deny  EPERM  -
kexec_file_load   kexec_file_load   deny  EPERM  -
ptrace            ptrace            allow ok     -
process_vm_writev process_vm_writev allow ok     -
bpf               bpf               deny  EPERM  -
perf_event_open   perf_event_open   deny  EPERM  -
keyctl            keyctl            deny  EPERM  -
add_key           add_key           deny  EPERM  -
request_key       request_key       deny  EPERM  -
userfaultfd       userfaultfd       deny  EPERM  -
io_uring_setup    io_uring_setup    deny  EPERM  -
mknod             mknod             deny  EPERM  -
mknodat           mknodat           deny  EPERM  -
reboot            reboot            deny  EPERM  -
swapon            swapon            deny  EPERM  /nonexistent-bk-swap
swapoff           swapoff           deny  EPERM  /nonexistent-bk-swap
acct              acct              deny  EPERM  -
syslog            syslog            deny  EPERM  -
settimeofday      settimeofday      deny  EPERM  -
clock_settime     clock_settime     deny  EPERM  -
adjtimex          adjtimex          allow ok     -
personality       personality       deny  EPERM  -
chroot            chroot            allow EPERM  /
seccomp_listener  seccomp           none  EPERM  -
seccomp_plain     seccomp           none  ok     -
'

bk_bundle() { breakout_bundle; }

# bk_attempts EXPECT: the attempt names of an expectation table.
bk_attempts() { echo "$1" | awk 'NF >= 5 { print $1 }'; }

# bk_events_offset: where new events will start in the events log.
bk_events_offset() { stat -c %s "$SB_EVENTS" 2>/dev/null || echo 0; }

# bk_lost_once OFFSET ID DECISION: exactly one sentry-lost event of container
# ID after OFFSET of the events log, with that decision, priority Critical.
bk_lost_once() {
	/usr/bin/python3 - "$SB_EVENTS" "$@" <<'PY' || fail "no single sentry-lost $3 event"
import json, sys
with open(sys.argv[1], "rb") as f:
    f.seek(int(sys.argv[2]))
    evs = [json.loads(l) for l in f.read().decode().splitlines()]
lost = [e for e in evs if e.get("container_id") == sys.argv[3] and e.get("rule") == "sentry-lost"]
print(lost)
ok = len(lost) == 1 and lost[0].get("decision") == sys.argv[4] and lost[0].get("priority") == "Critical"
sys.exit(0 if ok else 1)
PY
}

# bk_check ID OFFSET OUTFILE PROFILE UID EXPECT: every attempt answered as
# EXPECT says, exactly one event each (none for `none`), no other event of
# the container after OFFSET; prints one line per problem.
bk_check() {
	/usr/bin/python3 - "$SB_EVENTS" "$1" "$2" "$3" "$4" "$5" "$6" "$BK_PROFILES" <<'PY'
import json, os, re, socket, sys
events_path, cid, offset, outfile, profile, uid, expect, profdir = sys.argv[1:9]
uid = int(uid)
problems = []
def bad(msg):
    problems.append(msg)

with open(events_path, "rb") as f:
    f.seek(int(offset))
    lines = f.read().decode().splitlines()
events = []
for n, line in enumerate(lines):
    try:
        e = json.loads(line)
    except ValueError:
        bad(f"events line not JSON: {line[:200]}")
        continue
    # the container, or the containers "ID.N" of a run split by bk_run_all
    c = str(e.get("container_id"))
    if c == cid or (c.startswith(cid + ".") and c[len(cid) + 1:].isdigit()):
        events.append(e)

# the rule a syscall's decision comes from: first rule naming it (directly
# or by group) that does not simply allow
groups = {"@mount": ["mount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen",
                     "fspick"],
          "@namespaces": ["unshare", "setns"],
          "@module": ["init_module", "finit_module", "delete_module"],
          "@reboot": ["reboot", "kexec_load", "kexec_file_load"],
          "@swap": ["swapon", "swapoff"], "@keyring": ["add_key", "keyctl", "request_key"],
          "@bpf": ["bpf"], "@perf": ["perf_event_open"], "@io-uring": ["io_uring_setup"],
          "@userfaultfd": ["userfaultfd"]}
rules = None
ppath = os.path.join(profdir, profile + ".json")
if os.path.exists(ppath):
    with open(ppath) as f:
        p = json.load(f)
    if "extends" not in p:
        rules = p["rules"]
def rule_of(sc):
    for i, r in enumerate(rules):
        names = set()
        for n in r["names"]:
            names.update(groups.get(n, [n]))
        if sc in names and r["action"] != "allow":
            return f"{profile}.rules[{i}]"
    return None

out = {}
with open(outfile) as f:
    for line in f:
        m = re.match(r"^(\S+) rc=(-?\d+) errno=(\S+)$", line.strip())
        if m:
            out[m.group(1)] = (int(m.group(2)), m.group(3))

host = socket.gethostname()
time_re = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d)$")
falco_fields = ["evt.time", "evt.type", "evt.res", "proc.name", "proc.exepath", "proc.cmdline",
                "proc.pid", "proc.vpid", "user.uid", "group.gid", "fd.name", "container.id"]
used = set()
for row in expect.strip().splitlines():
    att, sc, decision, err, path, *rest = row.split()
    row_uid = int(rest[0]) if rest else uid
    if att not in out:
        bad(f"{att}: no output line (did the binary run?)")
        continue
    rc, got_errno = out[att]
    if err == "any":
        if rc != -1:
            bad(f"{att}: expected a refusal, got rc={rc}")
    elif err == "ok":
        if rc < 0:
            bad(f"{att}: expected success (allowed), got rc={rc} errno={got_errno}")
    elif rc != -1 or got_errno != err:
        bad(f"{att}: expected rc=-1 errno={err}, got rc={rc} errno={got_errno}")

    def matches(e):
        if e.get("syscall") != sc or "suppressed" in e:
            return False
        if path == "-":
            return True
        fd = (e.get("output_fields") or {}).get("fd.name") or ""
        if path.startswith("*"):
            return fd.endswith(path[1:])
        return fd == path or path in (e.get("args") or {}).values()
    mine = [i for i, e in enumerate(events) if matches(e) and
            (e.get("output_fields") or {}).get("proc.cmdline", "").split()[1:2] == [att]]
    used.update(mine)
    if decision == "none":
        if mine:
            bad(f"{att}: expected no event, got {len(mine)}")
        continue
    if len(mine) != 1:
        bad(f"{att}: expected exactly 1 event ({sc} {path}), got {len(mine)}")
        continue
    e = events[mine[0]]
    of = e.get("output_fields") or {}
    def want(what, exp, got):
        if exp != got:
            bad(f"{att}: {what}: expected {exp!r}, got {got!r}")
    for k in ["time", "rule", "priority", "source", "hostname", "output", "output_fields", "tags"]:
        if k not in e:
            bad(f"{att}: Falco key `{k}` missing")
    for k in falco_fields:
        if k not in of:
            bad(f"{att}: output_fields.{k} missing")
    if not time_re.match(str(e.get("time"))):
        bad(f"{att}: time not RFC 3339 with ns: {e.get('time')!r}")
    want("source", "syscall", e.get("source"))
    want("hostname", host, e.get("hostname"))
    if not isinstance(e.get("tags"), list) or not e.get("tags"):
        bad(f"{att}: tags: {e.get('tags')!r}")
    if not isinstance(e.get("rule"), str) or not e["rule"]:
        bad(f"{att}: rule: {e.get('rule')!r}")
    elif rules is not None:
        want("rule", rule_of(sc), e["rule"])
    if sc not in str(e.get("output")) or cid not in str(e.get("output")):
        bad(f"{att}: output does not name {sc} and {cid}: {e.get('output')!r}")
    want("container.id", e.get("container_id"), of.get("container.id"))
    want("evt.type", sc, of.get("evt.type"))
    want("proc.name", "breakout", of.get("proc.name"))
    want("proc.exepath", "/breakout", of.get("proc.exepath"))
    want("user.uid", row_uid, of.get("user.uid"))
    want("uid", row_uid, e.get("uid"))
    want("profile", profile, e.get("profile"))
    want("syscall", sc, e.get("syscall"))
    # calls of the 32-bit ABI (int 0x80): named by that ABI
    want("arch", "x86" if att.startswith("i386_") else e.get("arch"), e.get("arch"))
    if not isinstance(e.get("syscall_nr"), int) or not isinstance(e.get("pid"), int):
        bad(f"{att}: syscall_nr/pid not numbers")
    # the path: fd.name (opens, sentry-decided calls) or the decoded argument
    if path != "-" and not path.startswith("*"):
        args = e.get("args") or {}
        if of.get("fd.name") != path and path not in args.values():
            bad(f"{att}: path {path!r} neither in fd.name ({of.get('fd.name')!r}) nor in args ({args!r})")
    if decision == "deny":
        want("decision", "deny", e.get("decision"))
        want("priority", "Warning", e.get("priority"))
        if err != "any":
            want("errno_name", err, e.get("errno_name"))
            want("evt.res", err, of.get("evt.res"))
    else:
        want("decision", "allow", e.get("decision"))
        want("priority", "Notice", e.get("priority"))
        if e.get("syscall") in ("open", "openat", "openat2", "creat"):
            # performed by the sentry: the result the caller got
            rc, got = out[att]
            want("evt.res", got if rc < 0 else "SUCCESS", of.get("evt.res"))
        else:
            # let through: the kernel runs it after the event, no result claimed
            want("evt.res", None, of.get("evt.res"))
others = [e for i, e in enumerate(events) if i not in used and e.get("rule") != "sentry-lost"]
for e in others:
    bad(f"unexpected event: {e.get('output')}")
for p in problems:
    print(p)
print(f"checked {len(expect.strip().splitlines())} attempts, {len(events)} events")
sys.exit(1 if problems else 0)
PY
}

# bk_run_all ID EXPECT [sb run options]: runs the attempts of EXPECT in as
# few containers ID.1, ID.2 ... as the rate limit allows (at most 10 events
# per rule and syscall in a container: the openat attempts share a rule);
# their output goes to $BUNDLE/out.
bk_run_all() {
	local id=$1 expect=$2 n
	shift 2
	: >"$BUNDLE/out"
	for n in $(echo "$expect" | awk 'NF >= 5 { print int((seen[$2]++) / 10) + 1 }' | sort -u); do
		# shellcheck disable=SC2046
		set_args "$BUNDLE" /bin/sh -c 'for a in "$@"; do /breakout "$a"; done' sh \
			$(echo "$expect" | awk -v n="$n" 'NF >= 5 && int((seen[$2]++) / 10) + 1 == n { print $1 }')
		timeout 60 "$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" "$@" run "$id.$n" \
			</dev/null >>"$BUNDLE/out" 2>&1
	done
}

test_breakout_default_profile_denies_and_records_each() {
	bk_bundle || return 1
	local id="bk-def-$$" off
	off=$(bk_events_offset)
	bk_run_all "$id" "$BK_DEFAULT_EXPECT"
	bk_check "$id" "$off" "$BUNDLE/out" default 0 "$BK_DEFAULT_EXPECT" ||
		fail "default profile (output: $(tr '\n' ';' <"$BUNDLE/out"))"
}

# An x32 call (x86_64's audit arch, the x32 bit on the number). Where the
# kernel has no x32 ABI, the default profile's filter leaves x32 out and the
# call goes to the sentry as a call of a foreign architecture: refused, one
# event that names it by the x32 ABI. Where it has one, the filter keeps its
# x32 section: getpid is allowed.
test_breakout_x32_call_goes_to_the_sentry() {
	bk_bundle || return 1
	local id="bk-x32-$$" off host out
	host=$("$BUNDLE/rootfs/breakout" x32_getpid)
	off=$(bk_events_offset)
	set_args "$BUNDLE" /breakout x32_getpid
	out=$(sb run "$id" </dev/null 2>&1)
	case $host in
	*"rc=-1 errno=ENOSYS") ;;
	*"rc=-1 "*) fail "x32 probe on the host: $host" || return 1 ;;
	*)
		assert_contains "$out" "x32_getpid rc=" && assert_not_contains "$out" "rc=-1"
		return
		;;
	esac
	assert_contains "$out" "x32_getpid rc=-1 errno=EPERM" || return 1
	/usr/bin/python3 - "$SB_EVENTS" "$off" "$id" <<'PY' || fail "no single event for the x32 call"
import json, sys
with open(sys.argv[1], "rb") as f:
    f.seek(int(sys.argv[2]))
    evs = [json.loads(l) for l in f.read().decode().splitlines()]
mine = [e for e in evs if e.get("container_id") == sys.argv[3]]
print(mine)
ok = (len(mine) == 1 and mine[0].get("syscall_nr") == 0x40000000 + 39 and
      mine[0].get("syscall") == "getpid" and mine[0].get("arch") == "x32" and
      "deny getpid arch=x32 " in mine[0].get("output", "") and
      mine[0].get("decision") == "deny" and mine[0].get("errno_name") == "EPERM" and
      mine[0]["output_fields"].get("proc.cmdline") == "/breakout x32_getpid")
sys.exit(0 if ok else 1)
PY
}

test_breakout_explicit_default_profile_flag() {
	bk_bundle || return 1
	local id="bk-flag-$$" off expect
	expect=$(echo "$BK_DEFAULT_EXPECT" | grep -E '^(unshare|core_pattern|mount|ptrace) ')
	off=$(bk_events_offset)
	bk_run_all "$id" "$expect" --profile "$BK_PROFILES/default.json"
	bk_check "$id" "$off" "$BUNDLE/out" default 0 "$expect"
}

# --privileged-like: every capability, no masked or read-only paths. The
# profile still decides first; every attempt is still recorded.
test_breakout_privileged_container_still_recorded() {
	bk_bundle || return 1
	# every capability this host's bounding set has (CI runners may lack some)
	config_edit "$BUNDLE" '
bnd = int([l for l in open("/proc/self/status") if l.startswith("CapBnd:")][0].split()[1], 16)
names = ["CAP_" + n for n in """CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID
SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER
SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE
SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN
SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE""".split()]
caps = [n for i, n in enumerate(names) if bnd & (1 << i)]
c["process"]["capabilities"] = {k: caps for k in ["bounding", "effective", "permitted"]}
c["process"]["noNewPrivileges"] = False
c["linux"].pop("maskedPaths", None)
c["linux"].pop("readonlyPaths", None)'
	local id="bk-priv-$$" off expect
	# with CAP_SYS_CHROOT the recorded chroot("/") succeeds
	expect=$(echo "$BK_DEFAULT_EXPECT" | sed 's/^chroot .*/chroot chroot allow ok \//')
	off=$(bk_events_offset)
	bk_run_all "$id" "$expect"
	grep -q "^setns rc=" "$BUNDLE/out" || fail "privileged container did not run: $(cat "$BUNDLE/out")" || return 1
	bk_check "$id" "$off" "$BUNDLE/out" default 0 "$expect" ||
		fail "privileged (output: $(tr '\n' ';' <"$BUNDLE/out"))"
}

# audit-only records write-opens of /proc/sys/kernel/* without denying: the
# open reaches the kernel, which refuses it (read-only /proc/sys: EROFS), and
# the event says allow. The breakout class Docker denies stays denied.
test_breakout_audit_only_records_without_denying() {
	bk_bundle || return 1
	local id="bk-audit-$$" off out
	off=$(bk_events_offset)
	set_args "$BUNDLE" /bin/sh -c '/breakout core_pattern; /breakout unshare'
	timeout 30 "$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" --profile audit-only \
		run "$id" </dev/null >"$BUNDLE/out" 2>&1
	out=$(cat "$BUNDLE/out")
	assert_contains "$out" "core_pattern rc=-1 errno=EROFS" "audit-only: not denied by the sentry" || return 1
	bk_check "$id" "$off" "$BUNDLE/out" audit-only 0 '
core_pattern openat allow EROFS /proc/sys/kernel/core_pattern
unshare      unshare deny  EPERM  -' | grep -v '^checked' | grep -v 'core_pattern: expected rc=-1\|core_pattern: priority\|core_pattern: errno' |
		{ ! grep . >&2; } || fail "audit-only events"
}

# An exec'd process is confined by the same profile and recorded by the same
# sentry, with its own user.
test_breakout_exec_confined_and_recorded() {
	bk_bundle || return 1
	set_args "$BUNDLE" /bin/sleep 60
	local id="bk-exec-$$" off
	sb run -d "$id" </dev/null >/dev/null 2>&1 || fail "run -d" || return 1
	off=$(bk_events_offset)
	sb exec "$id" /breakout keyctl >"$BUNDLE/out" 2>&1
	sb exec --user 65534:65534 "$id" /breakout sysrq >>"$BUNDLE/out" 2>&1
	sb delete --force "$id"
	bk_check "$id" "$off" "$BUNDLE/out" default 0 '
keyctl keyctl deny EPERM  -
sysrq  openat deny EACCES /proc/sysrq-trigger 65534' || fail "exec: $(cat "$BUNDLE/out")"
}

# Many threads make routed calls at once (one answered by CONTINUE, one
# denied): every call is answered; events are rate-limited, with nothing
# lost silently (events + suppressed counts = calls).
test_breakout_many_threads_all_answered() {
	bk_bundle || return 1
	local id="bk-hammer-$$" off out threads=16 calls=200
	off=$(bk_events_offset)
	set_args "$BUNDLE" /breakout hammer $threads $calls
	timeout 60 "$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" run "$id" </dev/null >"$BUNDLE/out" 2>&1
	local rc=$?
	out=$(cat "$BUNDLE/out")
	assert_eq 0 "$rc" "hammer exit code ($out)" || return 1
	assert_contains "$out" "hammer ok=$((threads * calls * 2)) bad=0" || return 1
	/usr/bin/python3 - "$SB_EVENTS" "$off" "$id" $((threads * calls)) <<'PY'
import json, sys
path, off, cid, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
with open(path, "rb") as f:
    f.seek(off)
    evs = [json.loads(l) for l in f.read().decode().splitlines()]
evs = [e for e in evs if e.get("container_id") == cid]
ok = True
for sc in ["adjtimex", "unshare"]:
    mine = [e for e in evs if e.get("syscall") == sc]
    plain = [e for e in mine if "suppressed" not in e]
    total = len(plain) + sum(e["suppressed"] for e in mine if "suppressed" in e)
    print(f"{sc}: {len(plain)} events, {len(mine) - len(plain)} summaries, total {total}")
    if total != n or len(plain) > 20:
        print(f"FAIL {sc}: expected {n} calls accounted for, at most 20 single events")
        ok = False
sys.exit(0 if ok else 1)
PY
}

# bk_sentry_pid ID: the sentry's pid from `sandbox state`.
bk_sentry_pid() { state_field "$1" sentry pid; }

# bk_loop_bundle: init runs `/breakout keyctl` every 0.1 s into /out/log
# (opened once: a write-open is itself routed to the sentry).
bk_loop_bundle() {
	bk_bundle || return 1
	mkdir -p "$BUNDLE/o"
	config_edit "$BUNDLE" 'c["mounts"].append({"destination":"/out","type":"bind","source":"'"$BUNDLE/o"'","options":["rbind"]})'
	set_args "$BUNDLE" /bin/sh -c 'exec 3>>/out/log; while :; do /breakout keyctl >&3 2>&1; sleep 0.1; done'
}

bk_wait_for() { # PATTERN FILE: up to 5 s
	local i
	for i in $(seq 50); do grep -q "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

# Killing the sentry: the routed calls fail (ENOSYS), never pass; by default
# (onSentryLoss kill) the container is killed and the loss recorded.
test_breakout_killed_sentry_kills_container() {
	bk_loop_bundle || return 1
	local id="bk-kill-$$" spid off i st
	sb run -d "$id" </dev/null >/dev/null 2>&1 || fail "run -d" || return 1
	bk_wait_for "keyctl rc=-1 errno=EPERM" "$BUNDLE/o/log" || fail "no keyctl attempt before the kill" || return 1
	spid=$(bk_sentry_pid "$id")
	[ -n "$spid" ] && [ -d "/proc/$spid" ] || fail "sentry pid '$spid' not alive" || return 1
	off=$(bk_events_offset)
	kill -KILL "$spid"
	for i in $(seq 50); do
		st=$(sb state "$id" 2>/dev/null)
		case "$st" in *'"status": "stopped"'*) break ;; esac
		sleep 0.1
	done
	local log
	log=$(cat "$BUNDLE/o/log")
	sb delete --force "$id"
	assert_contains "$st" '"status": "stopped"' "container killed on sentry loss" || return 1
	assert_not_contains "$log" "keyctl rc=0" "a routed call passed without the sentry" || return 1
	assert_contains "$st" '"alive": false' "state: sentry not alive" || return 1
	bk_lost_once "$off" "$id" kill-container
}

# A sentry that cannot fork its watcher fails closed itself: it records the
# loss and kills the container. The runtime runs in a pids cgroup of its
# own that allows two tasks: itself and the sentry (the init leaves for the
# container's cgroup before the sentry starts), so the watcher's fork fails.
test_breakout_sentry_without_watcher_fails_closed() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 60
	local cg id="bk-nowatch-$$" off out rc
	if [ -d /sys/fs/cgroup/pids ]; then
		cg=/sys/fs/cgroup/pids/sb-nowatch-$$
	else
		grep -qw pids /sys/fs/cgroup/cgroup.controllers || fail "no pids controller" || return 1
		echo +pids >/sys/fs/cgroup/cgroup.subtree_control
		cg=/sys/fs/cgroup/sb-nowatch-$$
	fi
	mkdir "$cg" && echo 2 >"$cg/pids.max" || fail "pids cgroup $cg" || return 1
	off=$(bk_events_offset)
	out=$(sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" \
		"$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" run "$id" </dev/null 2>&1)
	rc=$?
	sb delete --force "$id" >/dev/null 2>&1
	rmdir "$cg"
	[ "$rc" -ne 0 ] || fail "run succeeded without a watcher: $out" || return 1
	assert_contains "$out" "sentry: cannot start its watcher" || return 1
	bk_lost_once "$off" "$id" kill-container
}

# bk_segv_case ID AHEAD: a sentry killed with SIGSEGV leaves its backtrace in
# --log. AHEAD true: first wait (up to 5 s) until the idle sentry has loaded
# libunwind itself; false: at once, so that the handler most likely loads it.
bk_segv_case() {
	local id=$1 ahead=$2 spid log="$BUNDLE/runtime.log" i loaded=false
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 60
	"$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" --log "$log" run -d "$id" \
		</dev/null >/dev/null 2>&1 || fail "run -d" || return 1
	spid=$(state_field "$id" sentry pid)
	if $ahead; then
		for i in $(seq 50); do
			grep -q libunwind "/proc/$spid/maps" 2>/dev/null && loaded=true && break
			sleep 0.1
		done
	fi
	kill -SEGV "$spid"
	for i in $(seq 50); do
		grep -q 'backtrace:' "$log" 2>/dev/null && ! [ -d "/proc/$spid" ] && break
		sleep 0.1
	done
	sb delete --force "$id"
	! $ahead || $loaded || fail "the idle sentry did not load libunwind in 5 s" || return 1
	assert_contains "$(cat "$log")" "fatal signal 11 (SEGV) in pid $spid" &&
		assert_contains "$(cat "$log")" "backtrace:
  #0 0x"
}

# A sentry that crashes writes its backtrace to the runtime's --log (its
# libunwind is loaded by the sentry itself: the binary does not link it),
# and the container goes as on any loss. Killed at once, most likely before
# it is idle (the handler then loads libunwind; unit test sentry_crash).
test_breakout_crashed_sentry_leaves_backtrace() {
	bk_segv_case "bk-segv-$$" false
}

# An idle sentry loads libunwind ahead of a crash; the backtrace is the same.
test_breakout_idle_sentry_loads_libunwind_ahead() {
	bk_segv_case "bk-unw-$$" true
}

# With onSentryLoss deny (the `build` profile) the container lives on and
# its routed calls fail with ENOSYS.
test_breakout_killed_sentry_deny_only_fails_closed() {
	bk_loop_bundle || return 1
	local id="bk-deny-$$" spid off st
	"$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" --profile build run -d "$id" \
		</dev/null >/dev/null 2>&1 || fail "run -d" || return 1
	bk_wait_for "keyctl rc=-1 errno=EPERM" "$BUNDLE/o/log" || fail "no keyctl attempt before the kill" || return 1
	spid=$(bk_sentry_pid "$id")
	off=$(bk_events_offset)
	kill -KILL "$spid"
	bk_wait_for "keyctl rc=-1 errno=ENOSYS" "$BUNDLE/o/log"
	local found=$?
	st=$(sb state "$id" 2>/dev/null)
	local log
	log=$(cat "$BUNDLE/o/log")
	sb delete --force "$id"
	[ $found -eq 0 ] || fail "no ENOSYS after the sentry's death: $(tail -3 <<<"$log")" || return 1
	assert_not_contains "$log" "keyctl rc=0" "a routed call passed without the sentry" || return 1
	assert_contains "$st" '"status": "running"' "container lives on (deny-only)" || return 1
	bk_lost_once "$off" "$id" deny
}

# With the host's pid namespace, /proc/1/root is the host's root: a write
# through it is refused (the kernel's ptrace check or the magic link) and
# recorded as a denial, and nothing is created on the host.
test_breakout_pid_host_write_through_proc_root_recorded() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	local marker=/tmp/sb-bk-pidhost-$$
	config_edit "$BUNDLE" 'c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="pid"]'
	set_args "$BUNDLE" /bin/sh -c "echo x > /proc/1/root$marker"
	sb run bk-pidhost </dev/null >/dev/null 2>&1
	[ ! -e "$marker" ] || { rm -f "$marker"; fail "created $marker on the host"; return 1; }
	/usr/bin/python3 - "$SB_EVENTS" "/proc/1/root$marker" <<'PY' || fail "no denial recorded"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
hit = [e for e in ev if e["container_id"] == "bk-pidhost" and e["syscall"] == "openat"]
assert len(hit) == 1, hit
e = hit[0]
assert e["decision"] == "deny" and e["output_fields"]["fd.name"] == sys.argv[2], e
assert e["errno_name"] in ("EACCES", "ELOOP", "EPERM"), e
PY
}

# The sentry runs on the cpus of the container it serves (a wake-up across
# cpus costs far more than a round trip within one): the cpuset, narrowed by
# execCPUAffinity.final, and moved by `update`; without either, wherever the
# runtime could run.
bk_sentry_cpus() { awk '/^Cpus_allowed_list:/ {print $2}' "/proc/$(bk_sentry_pid "$1")/status"; }
bk_cpus_case() { # ID EXPECTED WHAT [update args]: run -d, compare, optionally update, delete
	local id=$1 want=$2 what=$3 got
	shift 3
	sb run -d "$id" </dev/null >/dev/null 2>&1 || fail "run -d ($what)" || return 1
	got=$(bk_sentry_cpus "$id")
	if [ $# -gt 0 ] && [ "$got" = "$want" ]; then
		sb update "$@" "$id" || fail "update $*"
		want=$(echo "$@" | awk '{print $NF}') got=$(bk_sentry_cpus "$id") what="$what, after update $*"
	fi
	sb delete --force "$id"
	assert_eq "$want" "$got" "sentry cpus: $what"
}
test_breakout_sentry_placed_on_the_containers_cpus() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	[ "$(nproc)" -ge 2 ] || { echo "one cpu: nothing to place"; return 0; }
	set_args "$BUNDLE" /bin/sleep 1000
	local id="bk-cpus-$$"
	config_edit "$BUNDLE" 'c["linux"]["resources"]={"cpu":{"cpus":"1"}}'
	bk_cpus_case "$id-a" 1 "linux.resources.cpu.cpus 1" --cpuset-cpus 0 || return 1
	config_edit "$BUNDLE" 'c["linux"]["resources"]={"cpu":{"cpus":"0-1"}}; c["process"]["execCPUAffinity"]={"final":"0"}'
	bk_cpus_case "$id-b" 0 "cpus 0-1 and execCPUAffinity.final 0" || return 1
	config_edit "$BUNDLE" 'c["linux"].pop("resources"); c["process"].pop("execCPUAffinity")'
	bk_cpus_case "$id-c" "$(awk '/^Cpus_allowed_list:/ {print $2}' /proc/self/status)" "no restriction"
}
