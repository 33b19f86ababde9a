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

drop_ns() { # BUNDLE TYPE: share the host's namespace of TYPE
	config_edit "$1" 'c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="'"$2"'"]'
}

test_strict_refuses_pid_host_with_event() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	drop_ns "$BUNDLE" pid
	local before after err
	before=$(snapshot_host)
	err=$(sb --profile strict run pf-pidhost 2>&1 </dev/null)
	[ $? -ne 0 ] || fail "strict accepted --pid=host" || return 1
	assert_contains "$err" "profile strict: .linux.namespaces: pid namespace must be private (--pid=host is refused)" || return 1
	after=$(snapshot_host)
	assert_eq "$before" "$after" "left behind" || return 1
	/usr/bin/python3 - "$(events_of pf-pidhost)" <<'PY' || fail "refusal event"
import json, sys
lines = [l for l in sys.argv[1].splitlines() if l]
assert len(lines) == 1, lines
e = json.loads(lines[0])
assert e["rule"] == "profile-bounds" and e["decision"] == "deny", e
assert e["profile"] == "strict" and e["source"] == "sandbox", e
assert "pid namespace must be private" in e["message"], e
assert "refused" in e["tags"] and e["output_fields"]["container.id"] == "pf-pidhost", e
PY
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
	local before after err
	before=$(snapshot_host)
	err=$(sb --audit-enforce high run pf-enforce 2>&1 </dev/null)
	[ $? -ne 0 ] || fail "--audit-enforce high accepted --pid=host" || return 1
	assert_contains "$err" "refused by --audit-enforce high" &&
		assert_contains "$err" "SB-NS-001" || return 1
	after=$(snapshot_host)
	assert_eq "$before" "$after" "left behind" || return 1
	/usr/bin/python3 - "$(events_of pf-enforce)" <<'PY' || fail "refusal event"
import json, sys
lines = [l for l in sys.argv[1].splitlines() if l]
assert len(lines) == 1, lines
e = json.loads(lines[0])
assert e["rule"] == "audit-enforce" and e["decision"] == "deny", e
assert "SB-NS-001" in e["message"] and e["priority"] == "Warning", e
PY
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
