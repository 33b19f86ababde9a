# Profile selection, bounds and runtime enforcement of the audit, in real
# containers: refusals leave nothing behind and are events in the log.

# events_of ID: the events log's lines for container ID, one JSON per line.
events_of() {
	[ -f "$SB_EVENTS" ] || return 0
	/usr/bin/python3 - "$SB_EVENTS" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("container_id") == sys.argv[2]:
        print(json.dumps(e))
PY
}

# refusal_event ID RULE TEXT PROFILE: exactly one event of container ID, the
# runtime's refusal by RULE, naming TEXT.
refusal_event() {
	/usr/bin/python3 - "$(events_of "$1")" "$@" <<'PY' || fail "refusal event of $1"
import json, sys
lines = [l for l in sys.argv[1].splitlines() if l]
cid, rule, text, profile = sys.argv[2:6]
assert len(lines) == 1, lines
e = json.loads(lines[0])
assert e["rule"] == rule and e["decision"] == "deny" and e["priority"] == "Warning", e
assert e["profile"] == profile and e["source"] == "sandbox", e
assert text in e["message"], e
assert "refused" in e["tags"] and e["output_fields"]["container.id"] == cid, e
PY
}

drop_ns() { # BUNDLE TYPE: share the host's namespace of TYPE
	config_edit "$1" 'c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="'"$2"'"]'
}

test_strict_refuses_pid_host_with_event() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	drop_ns "$BUNDLE" pid
	local before err
	before=$(snapshot_host)
	err=$(sb --profile strict run pf-pidhost 2>&1 </dev/null)
	[ $? -ne 0 ] || fail "strict accepted --pid=host" || return 1
	assert_contains "$err" "profile strict: .linux.namespaces: pid namespace must be private (--pid=host is refused)" || return 1
	assert_no_leftovers "$before" "left behind" || return 1
	refusal_event pf-pidhost profile-bounds "pid namespace must be private" strict
}

# A profile that cannot be used fails the create, whether it is missing
# (found before anything is made) or broken (read while the init sets up):
# the error names the file, line and column, and nothing is left behind.
test_broken_profile_fails_create_and_leaves_nothing() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	printf '{"name": "broken",\n "defaultAction": "errno",\n "rules": [{"names": ["mout"], "action": "allow"}]}\n' \
		>"$BUNDLE/broken.json"
	local before err
	before=$(snapshot_host)
	err=$(sb --profile "$BUNDLE/broken.json" run pf-broken 2>&1 </dev/null)
	[ $? -ne 0 ] || fail "a broken profile was accepted" || return 1
	assert_contains "$err" "$BUNDLE/broken.json:3:" || return 1
	assert_contains "$err" "mout" || return 1
	err=$(sb --profile "$BUNDLE/missing.json" run pf-missing 2>&1 </dev/null)
	[ $? -ne 0 ] || fail "a missing profile was accepted" || return 1
	assert_contains "$err" "missing.json" || return 1
	[ ! -e "$SB_ROOT/pf-broken" ] && [ ! -e "$SB_ROOT/pf-missing" ] || fail "state left" || return 1
	assert_no_leftovers "$before" "left behind"
}

test_strict_refuses_added_capability() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["process"]["capabilities"]["bounding"].append("CAP_SYS_ADMIN")'
	local err
	err=$(sb --profile strict run pf-capadd 2>&1 </dev/null)
	[ $? -ne 0 ] || fail "strict accepted CAP_SYS_ADMIN" || return 1
	assert_contains "$err" ".process.capabilities.bounding: CAP_SYS_ADMIN beyond the profile's maxCapabilities"
}

test_profile_from_annotation_and_flag_wins() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	drop_ns "$BUNDLE" pid
	config_edit "$BUNDLE" 'c["annotations"]={"dev.sandbox.profile": "strict"}'
	local err
	err=$(sb run pf-annot 2>&1 </dev/null)
	[ $? -ne 0 ] || fail "annotation strict not applied" || return 1
	assert_contains "$err" "profile strict" || return 1
	# the flag is stronger than the annotation: default accepts a shared pid namespace
	sb --profile default run pf-annot2 </dev/null >/dev/null 2>&1
	assert_eq 0 "$?" "--profile default overrides the annotation"
}

test_audit_enforce_refuses_with_event() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	drop_ns "$BUNDLE" pid
	local before err
	before=$(snapshot_host)
	err=$(sb --audit-enforce high run pf-enforce 2>&1 </dev/null)
	[ $? -ne 0 ] || fail "--audit-enforce high accepted --pid=host" || return 1
	assert_contains "$err" "refused by --audit-enforce high" &&
		assert_contains "$err" "SB-NS-001" || return 1
	assert_no_leftovers "$before" "left behind" || return 1
	refusal_event pf-enforce audit-enforce SB-NS-001 default || return 1
	# below the threshold the same container runs
	sb --audit-enforce critical run pf-enforce2 </dev/null >/dev/null 2>&1
	assert_eq 0 "$?" "--audit-enforce critical"
}

test_audit_reports_profile_bounds() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	drop_ns "$BUNDLE" pid
	local out rc=0
	out=$(sb audit --profile strict --format json "$BUNDLE") || rc=$?
	assert_eq 1 "$rc" "exit code" || return 1
	/usr/bin/python3 - "$out" <<'PY' || return 1
import json, sys
d = json.loads(sys.argv[1])
f = [x for x in d["findings"] if x["id"] == "SB-PROFILE-001"]
assert len(f) == 1, f
assert f[0]["field"] == ".linux.namespaces" and f[0]["severity"] == "high", f
assert "--pid=host is refused" in f[0]["message"], f
PY
	# the annotation chooses the profile as create would; default has no such bound
	out=$(sb audit --format json "$BUNDLE")
	assert_not_contains "$out" "SB-PROFILE-001" "default profile" || return 1
	config_edit "$BUNDLE" 'c["annotations"]={"dev.sandbox.profile": "strict"}'
	out=$(sb audit --format json "$BUNDLE")
	assert_contains "$out" "SB-PROFILE-001" "annotation" || return 1
	out=$(sb audit --profile nosuch "$BUNDLE" 2>&1)
	assert_eq 2 "$?" "unknown profile is unusable input" && assert_contains "$out" "profile \`nosuch\`"
}

# learn -> generate -> rerun: the workload runs under its generated profile,
# and a call it never made is refused and recorded.
test_learn_generate_rerun() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	config_edit "$BUNDLE" 'c["root"]["readonly"]=False'
	set_args "$BUNDLE" /bin/sh -c 'echo hello >/tmp/f; cat /tmp/f; ls / >/dev/null'
	local out rc=0
	out=$(sb profile learn --events "$PWD/learn.jsonl" lrn1 2>&1 </dev/null) || rc=$?
	assert_eq 0 "$rc" "learn ($out)" && assert_contains "$out" hello || return 1
	[ -s learn.jsonl ] || fail "no events recorded" || return 1
	/usr/bin/python3 - learn.jsonl <<'PY' || fail "learn events"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert all(e["profile"] == "learn" and "arg_class" in e for e in ev), ev[0]
keys = [(e["syscall"], e["arg_class"]) for e in ev]
assert len(keys) == len(set(keys)), "each (syscall, class) once"
assert ("execve", "path=/bin/sh") in keys or any(k[0] == "execve" for k in keys), keys
assert any(k[0] == "openat" and "path=/tmp" in k[1] and "open=w+c" in k[1] for k in keys), keys
PY
	out=$(sb profile generate --from learn.jsonl --id lrn1 --name mine -o mine.json 2>&1) ||
		fail "generate: $out" || return 1
	sb profile check mine.json >/dev/null || fail "generated profile invalid" || return 1
	out=$(sb --profile "$PWD/mine.json" run lrn2 2>&1 </dev/null) || rc=$?
	assert_eq 0 "$rc" "rerun under the generated profile ($out)" && assert_contains "$out" hello || return 1
	# outside the learned set: refused and recorded
	set_args "$BUNDLE" /bin/sh -c 'mkdir /tmp/d && echo made'
	out=$(sb --profile "$PWD/mine.json" run lrn3 2>&1 </dev/null)
	assert_not_contains "$out" made "mkdir was never learned" || return 1
	/usr/bin/python3 - "$SB_EVENTS" <<'PY' || fail "refusal not recorded"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
hit = [e for e in ev if e["container_id"] == "lrn3" and e["syscall"] in ("mkdir", "mkdirat")]
assert hit and hit[0]["decision"] == "deny" and hit[0]["profile"] == "mine", hit
PY
	# --format oci: the same set as a plain linux.seccomp section
	sb profile generate --from learn.jsonl --format oci -o oci.json 2>/dev/null || fail "oci" || return 1
	set_args "$BUNDLE" /bin/sh -c 'echo hello >/tmp/f; cat /tmp/f; ls / >/dev/null'
	config_edit "$BUNDLE" 'import json as j; c["linux"]["seccomp"]=j.load(open("oci.json"))'
	echo '{"name":"plain","description":"allow all","defaultAction":"allow"}' >plain.json
	out=$(sb --profile "$PWD/plain.json" run lrn4 2>&1 </dev/null) || rc=$?
	assert_eq 0 "$rc" "run with the OCI section ($out)" && assert_contains "$out" hello || return 1
	set_args "$BUNDLE" /bin/sh -c 'mkdir /tmp/d && echo made'
	out=$(sb --profile "$PWD/plain.json" run lrn5 2>&1 </dev/null)
	assert_not_contains "$out" made "mkdir refused by the OCI section" &&
		assert_contains "$out" "Operation not permitted"
}

# --- each shipped profile runs its workload, and where they differ ---------

# The host's gcc compiles and the program runs under `build` (and `default`).
test_build_profile_runs_a_compiler() {
	host_usr_bundle || return 1
	command -v gcc >/dev/null || fail "no gcc on the host" || return 1
	printf '#include <stdio.h>\nint main(void) { puts("built and ran"); return 0; }\n' >rootfs/tmp/hello.c
	set_args "$BUNDLE" /bin/sh -c 'gcc -O2 -o /tmp/hello /tmp/hello.c && /tmp/hello'
	local out rc=0
	out=$(sb --profile build run pf-build 2>&1 </dev/null) || rc=$?
	assert_eq 0 "$rc" "gcc under build ($out)" && assert_contains "$out" "built and ran"
}

# `build` allows setarch-style personality changes (recorded); `default`
# refuses them.
test_build_profile_allows_personality_default_refuses() {
	breakout_bundle || return 1
	set_args "$BUNDLE" /breakout personality
	local out
	out=$(sb --profile build run pf-pers-build 2>&1 </dev/null)
	assert_contains "$out" "personality rc=0" "build" || return 1
	out=$(sb --profile default run pf-pers-default 2>&1 </dev/null)
	assert_contains "$out" "personality rc=-1 errno=EPERM" "default"
}

# `database` runs an embedded database (the host's python3 with sqlite3) and
# refuses ptrace, which `default` only records.
test_database_profile_runs_sqlite_and_refuses_ptrace() {
	host_usr_bundle || return 1
	set_args "$BUNDLE" /usr/bin/python3 -c 'import sqlite3; c = sqlite3.connect("/tmp/db"); c.execute("create table t (x)"); c.executemany("insert into t values (?)", [(i,) for i in range(100)]); c.commit(); print("rows", c.execute("select count(*) from t").fetchone()[0])'
	local out rc=0
	out=$(sb --profile database run pf-db 2>&1 </dev/null) || rc=$?
	assert_eq 0 "$rc" "sqlite under database ($out)" && assert_contains "$out" "rows 100" || return 1
	BUNDLE=$BUNDLE-2
	breakout_bundle || return 1
	set_args "$BUNDLE" /breakout ptrace
	out=$(sb --profile database run pf-db-ptrace 2>&1 </dev/null)
	assert_contains "$out" "ptrace rc=-1 errno=EPERM" "database" || return 1
	out=$(sb --profile default run pf-default-ptrace 2>&1 </dev/null)
	assert_contains "$out" "ptrace rc=0" "default"
}

# `web` serves HTTP on the container's own loopback (brought up by a
# createRuntime hook, as a CNI plugin would) and refuses added capabilities.
test_web_profile_serves_http() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	mkdir -p rootfs/www && echo "served by busybox httpd" >rootfs/www/index.html
	cat >lo-up.sh <<'H'
#!/bin/sh
pid=$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
exec nsenter -t "$pid" -n ip link set lo up
H
	chmod +x lo-up.sh
	# a server's capabilities only (web refuses the rest, even runc's default AUDIT_WRITE)
	config_edit "$BUNDLE" 'c["hooks"]={"createRuntime":[{"path":"'"$PWD"'/lo-up.sh"}]}; c["root"]["readonly"]=False; c["process"]["capabilities"]={s: ["CAP_KILL","CAP_NET_BIND_SERVICE"] for s in ("bounding","effective","permitted")}'
	set_args "$BUNDLE" /bin/sh -c 'httpd -p 127.0.0.1:8080 -h /www && sleep 0.3 && wget -q -O - http://127.0.0.1:8080/'
	local out rc=0
	out=$(sb --profile web run pf-web 2>&1 </dev/null) || rc=$?
	assert_eq 0 "$rc" "httpd + wget under web ($out)" && assert_contains "$out" "served by busybox httpd" || return 1
	config_edit "$BUNDLE" 'c["process"]["capabilities"]["bounding"].append("CAP_NET_RAW")'
	out=$(sb --profile web run pf-web-raw 2>&1 </dev/null)
	assert_contains "$out" "CAP_NET_RAW beyond the profile's maxCapabilities" "web refuses NET_RAW"
}

# learn and generate refuse bad input with a clear message.
test_learn_generate_usage_and_input_errors() {
	local out rc
	out=$(sb profile learn 2>&1); rc=$?
	assert_eq 2 "$rc" "learn without an id" && assert_contains "$out" "<container-id>" || return 1
	out=$(sb profile generate -o x.json 2>&1); rc=$?
	assert_eq 2 "$rc" "generate without --from" && assert_contains "$out" "--from EVENTS" || return 1
	out=$(sb profile generate --from /nonexistent.jsonl 2>&1); rc=$?
	assert_eq 1 "$rc" && assert_contains "$out" "/nonexistent.jsonl" || return 1
	printf '{"container_id":"a","syscall":"uname","decision":"allow","arg_class":""}\nnot json\n' >ev.jsonl
	out=$(sb profile generate --from ev.jsonl 2>&1); rc=$?
	assert_eq 1 "$rc" && assert_contains "$out" "ev.jsonl:2:" || return 1
	printf '{"container_id":"a","syscall":"uname","decision":"allow","arg_class":""}\n' >ev.jsonl
	out=$(sb profile generate --from ev.jsonl --id b 2>&1); rc=$?
	assert_eq 1 "$rc" && assert_contains "$out" "no learn event of container b" || return 1
	out=$(sb profile generate --from ev.jsonl --base nosuch 2>&1); rc=$?
	assert_eq 1 "$rc" && assert_contains "$out" "profile \`nosuch\` not found" || return 1
	[ ! -e x.json ] || fail "an output was written on error"
}
