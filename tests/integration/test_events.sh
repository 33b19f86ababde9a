# The security events log from the outside: `events --follow`, syslog,
# rotation settings.

test_events_follow_streams_one_containers_events() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	# a first attempt before anyone follows, two after
	set_args "$BUNDLE" /bin/sh -c 'mount -t tmpfs none /mnt; sleep 1; mount -t tmpfs none /tmp; umount /proc; sleep 1'
	sb run -d ev-f1 </dev/null >/dev/null 2>&1 || fail "run -d" || return 1
	# another container's attempts must not show up
	sb run -d ev-f2 </dev/null >/dev/null 2>&1 || fail "run -d other" || return 1
	sleep 0.5
	timeout 20 "$SANDBOX" --root "$SB_ROOT" events --follow ev-f1 >follow.out 2>follow.err
	local rc=$?
	assert_eq 0 "$rc" "events --follow exit ($(cat follow.err))" || return 1
	sb delete --force ev-f1 >/dev/null 2>&1
	timeout 20 "$SANDBOX" --root "$SB_ROOT" events --follow ev-f2 >/dev/null 2>&1
	sb delete --force ev-f2 >/dev/null 2>&1
	/usr/bin/python3 - follow.out <<'PY' || fail "followed events: $(cat follow.out)"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert all(e["container_id"] == "ev-f1" for e in ev), ev
calls = [(e["syscall"], e["decision"]) for e in ev]
assert calls == [("mount", "deny"), ("mount", "deny"), ("umount2", "deny")], calls
assert ev[0]["output_fields"]["fd.name"] == "/mnt" and ev[1]["output_fields"]["fd.name"] == "/tmp", ev
PY
}

test_events_follow_needs_a_file() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 5
	"$SANDBOX" --root "$SB_ROOT" --events-log - create ev-stderr </dev/null >/dev/null 2>&1 || fail "create" || return 1
	local out
	out=$("$SANDBOX" --root "$SB_ROOT" events --follow ev-stderr 2>&1)
	local rc=$?
	sb delete --force ev-stderr
	assert_eq 1 "$rc" && assert_contains "$out" "nothing to follow"
}

test_events_syslog() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'mount -t tmpfs none /mnt'
	local sock="$PWD/log.sock" made_link=false rc=0
	/usr/bin/python3 - "$sock" >syslog.out <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(15)
try:
    while True:
        d = s.recv(65536).decode()
        print(d, flush=True)
        if '"rule"' in d:
            break
except socket.timeout:
    pass
PY
	local lpid=$!
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	# syslog(3) writes to /dev/log: a private mount namespace binds our socket
	# there when the host has one; otherwise a link for the test's duration.
	if [ -e /dev/log ]; then
		unshare -m --propagation private sh -c 'mount --bind "$1" /dev/log && shift && exec "$@"' \
			sh "$sock" "$SANDBOX" --root "$SB_ROOT" --events-log "$SB_EVENTS" --events-syslog run ev-sys \
			</dev/null >/dev/null 2>&1 || rc=$?
	else
		ln -s "$sock" /dev/log && made_link=true
		sb --events-syslog run ev-sys </dev/null >/dev/null 2>&1 || rc=$?
	fi
	wait "$lpid"
	$made_link && rm -f /dev/log
	assert_eq 1 "$rc" "mount fails in the container" || return 1
	local line
	line=$(grep '"rule"' syslog.out | head -1)
	# <PRI>: LOG_AUTHPRIV (10 << 3) | LOG_WARNING (4) = 84
	assert_contains "$line" "<84>" "facility and level" &&
		assert_contains "$line" "sandbox[" "ident" || return 1
	/usr/bin/python3 - "$line" <<'PY' || fail "syslog payload: $line"
import json, sys
line = sys.argv[1]
e = json.loads(line[line.index("{"):])
assert e["container_id"] == "ev-sys" and e["syscall"] == "mount" and e["decision"] == "deny", e
PY
}

test_events_rotation_settings() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do mount -t tmpfs none /mnt 2>/dev/null; umount /proc 2>/dev/null; done; true'
	local log="$PWD/ev/events.jsonl"
	"$SANDBOX" --root "$SB_ROOT" --events-log "$log" --events-max-size 4096 --events-keep 2 \
		run ev-rot </dev/null >/dev/null 2>&1 || fail "run" || return 1
	[ -f "$log.1" ] && [ -f "$log.2" ] || fail "rotated files: $(ls ev)" || return 1
	[ ! -e "$log.3" ] || fail "more than --events-keep 2 kept: $(ls ev)" || return 1
	local f
	for f in "$log" "$log.1" "$log.2"; do
		[ "$(stat -c %s "$f")" -lt 8192 ] || fail "$f grew past the limit" || return 1
	done
	local out
	out=$("$SANDBOX" --events-max-size 12 state x 2>&1)
	assert_eq 2 "$?" && assert_contains "$out" "--events-max-size: '12'"
}

# The sentry rotates its log with its own capabilities, also right after an
# open it made for a root process without CAP_DAC_OVERRIDE (whose drop it
# keeps between opens, sentry/creds.h): here the log's directory is uid
# 1000's, where root needs that capability to rename and create.
test_events_rotation_after_an_emulated_open() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	chmod 1777 rootfs/tmp
	set_args "$BUNDLE" /bin/sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do echo x >/tmp/f; mount -t tmpfs none /mnt 2>/dev/null; done; true'
	mkdir ev && chown 1000:1000 ev && chmod 0755 ev
	local log="$PWD/ev/events.jsonl"
	"$SANDBOX" --root "$SB_ROOT" --events-log "$log" --events-max-size 4096 --events-keep 2 \
		run ev-rot-dac </dev/null >/dev/null 2>&1 || fail "run" || return 1
	[ -f "$log.1" ] || fail "not rotated: $(ls ev)" || return 1
	local f
	for f in "$log" "$log.1"; do
		[ "$(stat -c %s "$f")" -lt 8192 ] || fail "$f grew past the limit" || return 1
	done
}

test_events_follow_and_flags_errors() {
	local out rc
	out=$(sb events --follow nosuch 2>&1); rc=$?
	[ "$rc" -ne 0 ] && assert_contains "$out" "nosuch" || fail "follow of an unknown container: $rc $out" || return 1
	out=$("$SANDBOX" --events-keep 0 list 2>&1); rc=$?
	assert_eq 2 "$rc" && assert_contains "$out" "--events-keep: '0'" || return 1
	out=$("$SANDBOX" --events-max-size 1x list 2>&1); rc=$?
	assert_eq 2 "$rc" && assert_contains "$out" "--events-max-size: '1x'"
}

# Docker's seccomp section refuses mount, unshare and umount2 to a container
# without CAP_SYS_ADMIN by its default action. The kernel would answer that
# before the sentry saw the call; the config's filter now lets these calls on
# to the sentry, which gives the same answer (EPERM) and records it, for the
# init's processes and for exec'd ones alike.
test_events_config_seccomp_refusals_recorded() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'import json as j
c["linux"]["seccomp"]=j.load(open("'"$(cd "$(dirname "${BASH_SOURCE[0]}")/../data/config" && pwd)"'/docker-default.json"))["linux"]["seccomp"]
c["root"]["readonly"]=False'
	set_args "$BUNDLE" /bin/sh -c 'mount -t tmpfs none /mnt; echo "mount=$?"; unshare -U true; echo "unshare=$?"; umount /proc; echo "umount=$?"; echo written-ok >/tmp/w && cat /tmp/w; sleep 30'
	sb run -d cs-1 </dev/null >"$BUNDLE/out" 2>&1 || fail "run: $(cat "$BUNDLE/out")" || return 1
	sleep 1
	local out
	out=$(sb exec cs-1 /bin/sh -c 'mount -t tmpfs none /tmp; echo "exec-mount=$?"' 2>&1)
	assert_contains "$out" "exec-mount=1" || return 1
	sb kill cs-1 KILL && sb delete --force cs-1
	out=$(cat "$BUNDLE/out")
	for w in mount=1 unshare=1 umount=1; do assert_contains "$out" "$w" || return 1; done
	assert_contains "$out" "written-ok" || return 1
	/usr/bin/python3 - "$SB_EVENTS" <<'PY' || fail "events"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
mine = [e for e in ev if e.get("container_id") == "cs-1" and "suppressed" not in e]
for sc, n in (("mount", 2), ("unshare", 1), ("umount2", 1)):
    got = [e for e in mine if e["syscall"] == sc]
    assert len(got) == n, f"{sc}: {len(got)} events, expected {n}: {got}"
    for e in got:
        assert e["decision"] == "deny" and e["rule"] == "linux.seccomp" and e["errno_name"] == "EPERM", e
assert sorted(e["output_fields"]["fd.name"] for e in mine if e["syscall"] == "mount") == ["/mnt", "/tmp"], mine
assert not [e for e in mine if e["syscall"] not in ("mount", "unshare", "umount2")], mine
print("recorded:", sorted(e["syscall"] for e in mine))
PY
}
