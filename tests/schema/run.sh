#!/bin/bash
# Validates the runtime's JSON output against the OCI runtime-spec JSON schemas:
# `sandbox spec` (plain and --rootless) against config-schema.json, `sandbox
# features` against features-schema.json, tests/data/state/*.json against
# state-schema.json, plus negative checks proving the validator rejects bad
# documents. Usage: OCI_SCHEMA_DIR=DIR tests/schema/run.sh BUILD_DIR
# Prints one line per check and "schema: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:?usage: run.sh BUILD_DIR}
build=$(cd "$build" && pwd) || exit 2
sandbox="$build/sandbox"
py=/usr/bin/python3
validate=("$py" "$here/validate.py")
schemas=${OCI_SCHEMA_DIR:-}

if [ -z "$schemas" ] || [ ! -f "$schemas/config-schema.json" ]; then
	echo "schema: skipped (no OCI schema folder; set OCI_SCHEMA_DIR)"
	echo "schema: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
if ! "$py" -c 'import jsonschema' 2>/dev/null; then
	echo "schema: $py has no jsonschema module (apt-get install python3-jsonschema)"
	echo "schema: 0 passed, 1 failed"
	exit 1
fi
if [ ! -x "$sandbox" ]; then
	echo "schema: no $sandbox (build first)"
	echo "schema: 0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d /tmp/sandbox-schema.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0
failed=0

ok() {
	pass=$((pass + 1))
	echo "  ok   $1"
}
fail() {
	failed=$((failed + 1))
	echo "  FAIL $1"
	[ -s "$tmp/err" ] && sed 's/^/       /' "$tmp/err"
}

# valid NAME SCHEMA FILE: FILE must validate.
valid() {
	if "${validate[@]}" "$schemas" "$2" "$3" 2>"$tmp/err"; then
		ok "$1"
	else
		fail "$1"
	fi
}

# invalid NAME SCHEMA FILE: FILE must be rejected as invalid (exit 1), not
# merely fail to load (exit 2).
invalid() {
	"${validate[@]}" "$schemas" "$2" "$3" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -eq 1 ]; then
		ok "$1"
	else
		fail "$1 (validator exit $rc, expected 1)"
	fi
}

# mutate IN OUT PYTHON-STATEMENT: writes OUT = IN with d changed by the statement.
mutate() {
	"$py" -c 'import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))' "$1" "$2" "$3"
}

mkdir -p "$tmp/plain" "$tmp/rootless"
if "$sandbox" spec --bundle "$tmp/plain" 2>"$tmp/err"; then
	valid "spec: config.json matches config-schema.json" config-schema.json "$tmp/plain/config.json"
else
	fail "spec: sandbox spec --bundle DIR"
fi
if "$sandbox" spec --rootless --bundle "$tmp/rootless" 2>"$tmp/err"; then
	valid "spec --rootless: config.json matches config-schema.json" config-schema.json \
		"$tmp/rootless/config.json"
else
	fail "spec --rootless: sandbox spec --rootless --bundle DIR"
fi
if "$sandbox" features >"$tmp/features.json" 2>"$tmp/err"; then
	valid "features: output matches features-schema.json" features-schema.json "$tmp/features.json"
else
	fail "features: sandbox features"
fi

# The validator must be able to fail, or the checks above prove nothing.
if [ -f "$tmp/plain/config.json" ]; then
	mutate "$tmp/plain/config.json" "$tmp/bad-version.json" 'd["ociVersion"] = 5'
	invalid "negative: config with \"ociVersion\": 5 is rejected" config-schema.json \
		"$tmp/bad-version.json"
	mutate "$tmp/plain/config.json" "$tmp/bad-ns.json" \
		'd["linux"]["namespaces"].append({"type": "bogus"})'
	invalid "negative: config with namespace type \"bogus\" is rejected (defs-linux.json)" \
		config-schema.json "$tmp/bad-ns.json"
fi
if [ -s "$tmp/features.json" ]; then
	mutate "$tmp/features.json" "$tmp/bad-features.json" \
		'd["linux"]["seccomp"]["archs"].append("SCMP_ARCH_BOGUS")'
	invalid "negative: features with arch SCMP_ARCH_BOGUS is rejected (features-linux.json)" \
		features-schema.json "$tmp/bad-features.json"
fi

shopt -s nullglob
for f in "$repo"/tests/data/state/*.json; do
	valid "state: $(basename "$f") matches state-schema.json" state-schema.json "$f"
done

echo "schema: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
