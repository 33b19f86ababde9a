#!/bin/bash
# fuzz/run.sh BUILD_DIR SECONDS [HARNESS...]: runs libFuzzer harnesses
# (fuzz/fuzz_<name>.c) on a scratch copy of their seed corpus
# (fuzz/corpus/<name>/), so the checked-in seeds stay small. A crash input is
# written to fuzz/artifacts/ and the run fails. FUZZ_RUNS=N ends each run
# after N executions; SECONDS=0 then means no time limit. FUZZ_TIMEOUT (10)
# is the seconds one input may take: raise it for long runs beside other
# work, where a starved process would otherwise report a timeout.
set -u
build=$1
secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in "$here"/fuzz_*.c; do
		n=$(basename "$f" .c)
		names+=("${n#fuzz_}")
	done
fi
mkdir -p "$here/artifacts"
limits=(-max_total_time="$secs")
[ -n "${FUZZ_RUNS:-}" ] && limits+=(-runs="$FUZZ_RUNS")
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
pass=0
failed=0
for n in "${names[@]}"; do
	bin="$build/fuzz_$n"
	work=$(mktemp -d /tmp/sandbox-fuzz-$n.XXXXXX)
	[ -d "$here/corpus/$n" ] && cp -r "$here/corpus/$n/." "$work/"
	log="$work.log"
	start=$(date +%s)
	if "$bin" "${limits[@]}" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$here/artifacts/$n-" "$work" >"$log" 2>&1; then
		execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{print $2}')
		echo "  ok   fuzz $n: ${execs:-?} executions in $(($(date +%s) - start))s, no crash"
		pass=$((pass + 1))
	else
		echo "  FAIL fuzz $n (artifacts in fuzz/artifacts/):"
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -10 | sed 's/^/       | /'
		failed=$((failed + 1))
	fi
	rm -rf "$work" "$log"
done
echo "fuzz: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
