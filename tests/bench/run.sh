#!/bin/bash
# make bench: container start-up against the peer runtimes, in one run.
#   run-true:        `RUNTIME run` of /bin/true
#   create-start-delete: create, start, wait for exit, delete (containerd's sequence)
# Every runtime runs inside one private mount namespace with a pure cgroup v2
# view on /sys/fs/cgroup (crun needs it on this hybrid host), in alternating
# order, several rounds; each figure is the median of all runs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SANDBOX=$(realpath "${1:-$here/../../build/sandbox}")
ROUNDS=${ROUNDS:-5}
PER_ROUND=${PER_ROUND:-10}

if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root"
	exit 1
fi
if [ -z "${SB_BENCH_INNER:-}" ]; then
	exec unshare -m env SB_BENCH_INNER=1 bash "$0" "$@"
fi
mount --make-rprivate /
mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null || true

. "$here/../integration/lib.sh"
work=$(mktemp -d /tmp/sandbox-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
SANDBOX_BIN=$SANDBOX
SANDBOX=$SANDBOX_BIN make_bundle "$work/bundle" >/dev/null
config_edit "$work/bundle" 'c["ociVersion"]="1.0.2"; c["process"]["args"]=["/bin/true"]; c["linux"].pop("resources", None)'

runtimes=(sandbox runc crun)
declare -A bin=([sandbox]=$SANDBOX_BIN [runc]=$(command -v runc) [crun]=$(command -v crun))
declare -A run_ms cycle_ms

now_ns() { date +%s%N; }

one_run() { # runtime id
	"${bin[$1]}" --root "$work/state-$1" run "$2" >/dev/null 2>&1 </dev/null
}
one_cycle() {
	local b=${bin[$1]} r="$work/state-$1"
	"$b" --root "$r" create "$2" >/dev/null 2>&1 </dev/null &&
		"$b" --root "$r" start "$2" >/dev/null 2>&1 &&
		{ while "$b" --root "$r" state "$2" 2>/dev/null | grep -q '"running"'; do :; done; } &&
		"$b" --root "$r" delete "$2" >/dev/null 2>&1
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

cd "$work/bundle"
for rt in "${runtimes[@]}"; do
	if [ -z "${bin[$rt]}" ] || ! one_run "$rt" warm-$rt; then
		echo "bench: $rt cannot run a container here; left out"
		bin[$rt]=""
	fi
done
for kind in run cycle; do
	for rt in "${runtimes[@]}"; do : >"$work/$kind-$rt"; done
	for round in $(seq "$ROUNDS"); do
		for rt in "${runtimes[@]}"; do
			[ -n "${bin[$rt]}" ] || continue
			for i in $(seq "$PER_ROUND"); do
				id="b-$round-$i"
				t0=$(now_ns)
				if [ $kind = run ]; then one_run "$rt" "$id"; else one_cycle "$rt" "$id"; fi
				t1=$(now_ns)
				echo $(((t1 - t0) / 1000)) >>"$work/$kind-$rt"
			done
		done
	done
done

report() { # name kind peer target
	local s p
	[ -n "${bin[sandbox]}" ] || { echo "bench $1: sandbox failed to run a container"; return; }
	[ -n "${bin[$3]}" ] || { echo "bench $1: $3 unavailable"; return; }
	s=$(median <"$work/$2-sandbox")
	p=$(median <"$work/$2-$3")
	awk -v n="$1" -v s="$s" -v p="$p" -v peer="$3" -v t="$4" \
		'BEGIN {printf "bench %s: sandbox %.2f ms, %s %.2f ms, ratio %.2f (target <= %s)\n", n, s/1000, peer, p/1000, s/p, t}'
}
report run-true run crun 1.0
report run-true-vs-runc run runc 1.0
report create-start-delete cycle crun 1.0
report create-start-delete-vs-runc cycle runc 1.0
