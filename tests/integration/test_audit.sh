# sandbox audit: formats, exit codes, waivers, SARIF structure and the live view (CI-style).

AUDIT_DATA="$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)"

test_audit_exit_codes() {
	sb audit "$AUDIT_DATA/docker/default.json" >/dev/null
	assert_eq 0 "$?" "default at --fail-on high" || return 1
	sb audit --fail-on medium "$AUDIT_DATA/docker/default.json" >/dev/null
	assert_eq 1 "$?" "default at --fail-on medium" || return 1
	sb audit "$AUDIT_DATA/docker/privileged.json" >/dev/null
	assert_eq 1 "$?" "privileged" || return 1
	sb audit "$AUDIT_DATA/docker/hardened.json" >/dev/null
	assert_eq 0 "$?" "hardened" || return 1
	printf '{"process": {"user": {"uid": "x"}}}' >bad.json
	local err
	err=$(sb audit bad.json 2>&1 >/dev/null)
	assert_eq 2 "$?" "unusable input" || return 1
	assert_contains "$err" ".process.user.uid" "path-precise parse error" || return 1
	sb audit --fail-on severe "$AUDIT_DATA/docker/default.json" 2>/dev/null
	assert_eq 2 "$?" "bad --fail-on"
}

test_audit_bundle_dir_and_recursive() {
	mkdir -p tree/a tree/b/c
	cp "$AUDIT_DATA/docker/pid-host.json" tree/a/config.json
	cp "$AUDIT_DATA/docker/docker-sock.json" tree/b/c/config.json
	local out
	out=$(sb audit tree/a)
	assert_eq 1 "$?" "bundle dir" || return 1
	assert_contains "$out" "SB-NS-001" || return 1
	out=$(sb audit --recursive --format json tree)
	assert_eq 1 "$?" "recursive" || return 1
	assert_contains "$out" '"SB-MNT-001"' && assert_contains "$out" '"SB-NS-001"' &&
		assert_contains "$out" "tree/b/c/config.json"
}

test_audit_text_format() {
	local out
	out=$(sb audit "$AUDIT_DATA/docker/seccomp-unconfined.json")
	assert_contains "$out" "HIGH (1)" && assert_contains "$out" "SB-SECCOMP-001 No seccomp filter" &&
		assert_contains "$out" "findings: 0 critical, 1 high" &&
		assert_not_contains "$out" $'\033' "colour when not a terminal"
}

test_audit_json_format() {
	sb audit --format json "$AUDIT_DATA/docker/host-root.json" "$AUDIT_DATA/docker/net-host.json" >out.json
	assert_eq 1 "$?" || return 1
	/usr/bin/python3 - out.json <<'PY' || fail "json structure"
import json, sys
d = json.load(open(sys.argv[1]))
ids = {f["id"] for f in d["findings"]}
assert {"SB-MNT-002", "SB-NS-002"} <= ids, ids
for f in d["findings"]:
    for k in ("id", "severity", "title", "field", "value", "message", "remediation", "input"):
        assert k in f, (k, f)
assert d["summary"]["critical"] == 1 and d["summary"]["high"] == 1, d["summary"]
assert d["summary"]["total"] == len(d["findings"])
PY
}

test_audit_sarif_format() {
	sb audit --format sarif "$AUDIT_DATA/docker/privileged.json" >out.sarif
	assert_eq 1 "$?" || return 1
	/usr/bin/python3 - out.sarif "$AUDIT_DATA/docker/privileged.json" <<'PY' || fail "sarif structure"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0"
run = d["runs"][0]
rules = run["tool"]["driver"]["rules"]
ids = [r["id"] for r in rules]
assert len(ids) == len(set(ids)) and "SB-PRIV-001" in ids
for r in rules:
    assert r["shortDescription"]["text"] and r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert "security-severity" in r["properties"]
assert run["results"]
for res in run["results"]:
    assert res["ruleId"] in ids and res["level"] in ("error", "warning", "note")
    assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith("privileged.json")
    assert res["message"]["text"]
lines = [r["locations"][0]["physicalLocation"].get("region", {}).get("startLine") for r in run["results"]]
assert all(isinstance(l, int) and l >= 1 for l in lines), lines  # one-line file: line 1
PY
}

test_audit_standards_and_list() {
	local out
	out=$(sb audit --standard pss-baseline --format json "$AUDIT_DATA/docker/uts-host.json")
	assert_not_contains "$out" "SB-NS-004" "uts is not a PSS control" || return 1
	out=$(sb audit --standard cis-docker --format json "$AUDIT_DATA/docker/uts-host.json")
	assert_contains "$out" "SB-NS-004" || return 1
	out=$(sb audit --list-checks --format json)
	assert_contains "$out" '"SB-MNT-001"' || return 1
	out=$(sb audit --list-checks --standard pss-restricted)
	assert_contains "$out" "SB-PRIV-002" && assert_not_contains "$out" "SB-NS-004"
}

test_audit_waivers() {
	cat >waivers.json <<'W'
[{"id": "SB-NS-001", "match": "pid-host", "reason": "debugging sidecar, ticket 42"},
 {"id": "SB-SECCOMP-001", "reason": "old", "expires": "2020-01-01"}]
W
	sb audit --ignore waivers.json "$AUDIT_DATA/docker/pid-host.json" >/dev/null
	assert_eq 0 "$?" "waived" || return 1
	local out
	out=$(sb audit --ignore waivers.json --format json "$AUDIT_DATA/docker/seccomp-unconfined.json")
	assert_eq 1 "$?" "expired waiver does not waive" || return 1
	assert_contains "$out" "SB-AUDIT-001" && assert_contains "$out" "SB-SECCOMP-001" || return 1
	echo '[{"id": "SB-NS-001"}]' >noreason.json
	out=$(sb audit --ignore noreason.json "$AUDIT_DATA/docker/pid-host.json" 2>&1)
	assert_eq 2 "$?" && assert_contains "$out" "[0].reason: required"
}

test_audit_docker_inspect() {
	local out
	out=$(sb audit --format json --docker-inspect - <"$AUDIT_DATA/docker-inspect/privileged.json")
	assert_eq 1 "$?" || return 1
	assert_contains "$out" '"SB-PRIV-001"' && assert_contains "$out" "[0].HostConfig.Privileged" || return 1
	sb audit --docker-inspect "$AUDIT_DATA/docker-inspect/hardened.json" >/dev/null
	assert_eq 0 "$?" "hardened inspect"
}

test_audit_live_container() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 100
	sb create au-live </dev/null >/dev/null 2>&1 || fail "create" || return 1
	local out
	out=$(sb audit --format json --container au-live)
	/usr/bin/python3 - "$out" <<'PY' || { sb delete --force au-live; fail "live findings"; return 1; }
import json, sys
d = json.loads(sys.argv[1])
ids = {f["id"] for f in d["findings"]}
# its own pid, mount, ipc, uts and network namespaces: none of those is the host's
for i in ("SB-NS-001", "SB-NS-002", "SB-NS-003", "SB-NS-004", "SB-NS-008"):
    assert i not in ids, (i, ids)
assert all(f["field"].startswith("/proc/") for f in d["findings"]), d
assert all(f["input"] == "container:au-live" for f in d["findings"])
PY
	# this shell runs in the host's namespaces (found through /proc/1/ns, or the
	# kernel's initial inode numbers where /proc/1/ns is hidden)
	out=$(sb audit --pid $$ --format json 2>&1)
	sb delete --force au-live
	assert_contains "$out" '"SB-NS-001"' "the host shell is in the host pid namespace"
}

# docs/audit.md is generated from the catalogue: it must not drift from it.
test_audit_docs_match_catalogue() {
	local out
	out=$(diff <(sb audit --list-checks --format markdown) "$AUDIT_DATA/../../docs/audit.md") ||
		fail "docs/audit.md is stale; regenerate with: sandbox audit --list-checks --format markdown >docs/audit.md ($out)"
}
