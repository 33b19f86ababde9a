# The command line: version, help, validate, spec, errors.

test_version_names_spec_and_libseccomp() {
	local out
	out=$("$SANDBOX" --version) || return 1
	assert_contains "$out" "sandbox version " && assert_contains "$out" "spec: 1.3.0" &&
		assert_contains "$out" "libseccomp: 2."
}

test_help_lists_every_command_and_each_has_help() {
	local out c
	out=$("$SANDBOX" --help) || return 1
	for c in create start run state kill delete list ps spec features validate; do
		assert_contains "$out" "  $c " "command $c in --help" || return 1
		"$SANDBOX" "$c" --help | grep -q "Usage: sandbox \[global options\] $c" ||
			fail "$c --help" || return 1
	done
	"$SANDBOX" nosuchcmd 2>/dev/null
	assert_eq 2 "$?" "exit code of an unknown command"
}

test_validate_reports_every_problem_with_its_path() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	local out
	out=$("$SANDBOX" validate) || fail "valid bundle refused" || return 1
	assert_eq "config.json: valid" "$out" || return 1
	config_edit "$BUNDLE" 'c["process"]["cwd"]="rel"; c["linux"]["maskedPaths"].append("also/rel"); c["hooks"]={"prestart":[{"path":"x"}]}'
	out=$("$SANDBOX" validate 2>&1)
	[ $? -eq 1 ] || fail "invalid bundle: exit code" || return 1
	assert_contains "$out" ".process.cwd" && assert_contains "$out" ".linux.maskedPaths[" &&
		assert_contains "$out" ".hooks.prestart[0].path" || return 1
	printf '{"ociVersion": "1.0.0",\n  "root": {"path": "rootfs"},,}' >"$BUNDLE/config.json"
	out=$("$SANDBOX" validate --bundle "$BUNDLE" 2>&1)
	[ $? -eq 1 ] || fail "syntax error: exit code" || return 1
	assert_contains "$out" "config.json:2:"
}

test_spec_refuses_to_overwrite() {
	mkdir -p "$BUNDLE" && cd "$BUNDLE" || return 1
	"$SANDBOX" spec || return 1
	local out
	out=$("$SANDBOX" spec 2>&1) && fail "second spec succeeded" && return 1
	assert_contains "$out" "exists"
	"$SANDBOX" spec --rootless --bundle "$BUNDLE/r" 2>/dev/null
	mkdir -p "$BUNDLE/r" && "$SANDBOX" spec --rootless --bundle "$BUNDLE/r" || return 1
	assert_contains "$(cat "$BUNDLE/r/config.json")" '"uidMappings"'
}

test_features_document() {
	local out
	out=$("$SANDBOX" features) || return 1
	assert_contains "$out" '"ociVersionMax": "1.3.0"' && assert_contains "$out" '"CAP_SYS_ADMIN"' &&
		assert_contains "$out" '"SCMP_ACT_NOTIFY"'
}

test_commands_on_unknown_containers_fail_cleanly() {
	local c out
	for c in start state kill delete ps; do
		out=$(sb $c nosuch 2>&1) && fail "$c on an unknown container succeeded" && return 1
		assert_contains "$out" "nosuch" "$c error names the container" || return 1
	done
	out=$(sb state ../etc 2>&1) && fail "state ../etc succeeded" && return 1
	assert_contains "$out" "invalid container id"
}

# The man page is generated from the help text: it must be current, and man
# must render it without warnings.
test_man_page_is_current() {
	local repo out
	repo=$(cd "$(dirname "$SANDBOX")/.." && pwd)
	[ -f "$repo/scripts/gen-man.py" ] || repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	out=$(diff <(/usr/bin/python3 "$repo/scripts/gen-man.py" "$SANDBOX") "$repo/docs/sandbox.8") ||
		fail "docs/sandbox.8 is stale; regenerate it with: make docs ($out)" || return 1
	out=$(MANWIDTH=80 man --warnings -l "$repo/docs/sandbox.8" 2>&1 >/dev/null)
	assert_eq "" "$out" "man warnings" || return 1
	out=$(MANWIDTH=80 man -l "$repo/docs/sandbox.8" 2>/dev/null)
	assert_contains "$out" "SANDBOX(8)" && assert_contains "$out" "--events-syslog" &&
		assert_contains "$out" "Usage: sandbox [global options] exec"
}
