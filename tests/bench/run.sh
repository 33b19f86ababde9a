#!/bin/bash
# make bench: container start-up against the peer runtimes, in one run.
#   run-true:        `RUNTIME run` of /bin/true
#   create-start-delete: create, start, wait for exit, delete (containerd's sequence)
# Every runtime runs inside one private mount namespace with a pure cgroup v2
# view on /sys/fs/cgroup (crun needs it on this hybrid host), in turns (one
# run of each, in random order, then again), several rounds; each figure is
# the median of all runs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SANDBOX=$(realpath "${1:-$here/../../build/sandbox}")
ROUNDS=${ROUNDS:-9}
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

runtimes=(sandbox sandbox-plain runc crun)
declare -A bin=([sandbox]=$SANDBOX_BIN [sandbox-plain]=$SANDBOX_BIN [runc]=$(command -v runc) [crun]=$(command -v crun))
# sandbox-plain: the runtime alone, with a profile that allows everything and
# routes nothing (no second filter to speak of, no sentry).
echo '{"name":"plain","description":"allow all","defaultAction":"allow"}' >"$work/plain.json"
declare -A args=([sandbox]="--events-log $work/events.jsonl" [sandbox-plain]="--events-log $work/events.jsonl --profile $work/plain.json" [runc]="" [crun]="")

now_ns() { date +%s%N; }

one_run() { # runtime id
	# shellcheck disable=SC2086
	"${bin[$1]}" ${args[$1]} --root "$work/state-$1" run "$2" >/dev/null 2>&1 </dev/null
}
one_cycle() {
	local b="${bin[$1]} ${args[$1]}" r="$work/state-$1"
	# shellcheck disable=SC2086
	$b --root "$r" create "$2" >/dev/null 2>&1 </dev/null &&
		$b --root "$r" start "$2" >/dev/null 2>&1 &&
		{ while $b --root "$r" state "$2" 2>/dev/null | grep -q '"running"'; do :; done; } &&
		$b --root "$r" delete "$2" >/dev/null 2>&1
}


cd "$work/bundle" || exit 1
for rt in "${runtimes[@]}"; do
	if [ -z "${bin[$rt]}" ] || ! one_run "$rt" warm-$rt; then
		echo "bench: $rt cannot run a container here; left out"
		bin[$rt]=""
	fi
done
# One run of each runtime in turn, in a new random order each time: this
# machine's speed drifts over seconds, and a container's network namespace
# is torn down after its runtime has returned, on the next one's time (crun's
# cost the runtime after it about 5 ms per create-start-delete here); turns
# in random order spread both over every runtime alike.
for kind in run cycle; do
	for rt in "${runtimes[@]}"; do : >"$work/$kind-$rt"; done
	for round in $(seq "$ROUNDS"); do
		for i in $(seq "$PER_ROUND"); do
			for rt in $(printf '%s\n' "${runtimes[@]}" | shuf); do
				[ -n "${bin[$rt]}" ] || continue
				id="b-$round-$i"
				t0=$(now_ns)
				if [ $kind = run ]; then one_run "$rt" "$id"; else one_cycle "$rt" "$id"; fi
				t1=$(now_ns)
				echo $(((t1 - t0) / 1000)) >>"$work/$kind-$rt"
			done
		done
	done
done

# ratio_line NAME FILE PEER PEER-FILE TARGET UNITS-PER-MS: the bench line
# from the medians of two files of timings.
ratio_line() {
	awk -v n="$1" -v s="$(median <"$2")" -v peer="$3" -v p="$(median <"$4")" -v t="$5" -v u="$6" \
		'BEGIN {printf "bench %s: sandbox %.2f ms, %s %.2f ms, ratio %.2f (target <= %s)\n", n, s/u, peer, p/u, s/p, t}'
}
report() { # name kind peer target [sandbox-variant]   (timings in microseconds)
	local v=${5:-sandbox}
	[ -n "${bin[sandbox]}" ] || { echo "bench $1: sandbox failed to run a container"; return; }
	[ -n "${bin[$3]}" ] || { echo "bench $1: $3 unavailable"; return; }
	ratio_line "$1" "$work/$2-$v" "$3" "$work/$2-$3" "$4" 1000
}
# ---- the sentry's costs -------------------------------------------------
# Round trip of a routed call through the sentry vs a minimal notify loop.
build_dir=$(dirname "$SANDBOX_BIN")
repo=$(cd "$here/../.." && pwd)
if cc -O2 -D_GNU_SOURCE -I"$repo" "$here/sentry_roundtrip.c" "$build_dir/libsandbox_core.a" \
	$(pkg-config --cflags --libs libseccomp libcap jansson) -o "$work/sentry_roundtrip" 2>"$work/cc.log"; then
	"$work/sentry_roundtrip" 20000 5 | grep '^bench '
else
	echo "bench sentry-roundtrip: could not build the benchmark: $(head -3 "$work/cc.log")"
fi

# Workloads timed inside the container: sandbox (Docker's seccomp section
# plus the default profile and its sentry) against runc with Docker's
# seccomp section, the way Docker runs them.
cc -static -O2 -o "$work/bundle/rootfs/workload" "$here/workload.c"
# The floor for routed opens (open_floor.c), run by runc in the same container.
have_floor=false
if cc -static -O2 -I"$repo" -o "$work/bundle/rootfs/open-floor" "$here/open_floor.c" \
	$(pkg-config --cflags libseccomp) -l:libseccomp.a 2>"$work/cc-floor.log"; then
	have_floor=true
else
	echo "bench write-10000-files-vs-floor: could not build the floor: $(head -3 "$work/cc-floor.log")"
fi
config_edit "$work/bundle" 'import json as j; c["linux"]["seccomp"]=j.load(open("'"$repo"'/tests/data/config/docker-default.json"))["linux"]["seccomp"]; c["root"]["readonly"]=False; c["mounts"].append({"destination":"/w","type":"tmpfs","source":"tmpfs","options":["nosuid","nodev","size=256m"]})'
mkdir -p "$work/bundle/rootfs/w"
workload() { # runtime id args...   (runtime floor: runc with open-floor in front)
	local rt=$1 id=$2 front=""
	shift 2
	[ "$rt" = floor ] && { front='"/open-floor",'; rt=runc; }
	config_edit "$work/bundle" 'c["process"]["args"]=['"$front"'"/workload"]+'"$(printf '%s\n' "$@" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split()))')"
	# shellcheck disable=SC2086
	"${bin[$rt]}" ${args[$rt]} --root "$work/state-$rt" run "$id" </dev/null 2>/dev/null | tail -1
}
bench_workload() { # name target [floor-target] args...
	local name=$1 target=$2 floor_target="" rts="sandbox runc"
	shift 2
	if [ "$1" = --floor ]; then
		floor_target=$2
		shift 2
		$have_floor && rts="sandbox runc floor"
	fi
	for rt in sandbox runc floor; do : >"$work/w-$rt"; done
	# In a new random order each round, as the start-up turns above: the
	# machine's speed drifts within a round too.
	for round in $(seq "$ROUNDS"); do
		# shellcheck disable=SC2086
		for rt in $(printf '%s\n' $rts | shuf); do
			workload "$rt" "w-$name-$round-$rt" "$@" >>"$work/w-$rt"
		done
	done
	ratio_line "$name" "$work/w-sandbox" runc "$work/w-runc" "$target" 1e6
	if [ -s "$work/w-floor" ]; then
		ratio_line "$name-vs-floor" "$work/w-sandbox" floor "$work/w-floor" "$floor_target" 1e6
	fi
}
if [ -n "${bin[runc]}" ] && [ -n "${bin[sandbox]}" ]; then
	bench_workload getpid-read-loop 1.05 getpid 200000
	bench_workload file-tree-walk 1.05 walk /bin 2000
	# The floor: runc running the workload under open_floor.c, the least a
	# supervisor that performs each routed open costs; sandbox against it
	# is held to the round trip's target against its floor.
	bench_workload write-10000-files 1.25 --floor 1.3 files /w 10000
	bench_workload write-10000-files-exclusive 1.25 files-excl /w 10000
fi

# The sentry's memory: proportional set size of each container's sentry
# (and the watcher that fails it closed, its child), for 10 and for 100 idle containers.
config_edit "$work/bundle" 'c["process"]["args"]=["/bin/sleep","1000"]'
pss_kib() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
sentry_pss() { # id -> KiB of sentry + watcher
	local sp wp
	sp=$("$SANDBOX_BIN" --root "$work/state-mem" state "$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("sentry",{}).get("pid",0))')
	[ "$sp" -gt 0 ] || { echo 0; return; }
	wp=$(cat "/proc/$sp/task/$sp/children" 2>/dev/null)
	[ -n "$wp" ] || { echo 0; return; }
	echo $(($(pss_kib "$sp") + $(pss_kib ${wp%% *})))
}
for i in $(seq 100); do
	"$SANDBOX_BIN" --events-log "$work/events.jsonl" --root "$work/state-mem" run -d "m$i" </dev/null >/dev/null 2>&1
done
: >"$work/pss"
total=0
for i in $(seq 100); do
	k=$(sentry_pss "m$i")
	echo "$k" >>"$work/pss"
	total=$((total + k))
done
for i in $(seq 100); do "$SANDBOX_BIN" --root "$work/state-mem" delete --force "m$i" >/dev/null 2>&1; done
per=$(median <"$work/pss")
awk -v s="$per" 'BEGIN {printf "bench sentry-pss-per-container: sandbox %d KiB, budget 1024 KiB, ratio %.2f (target <= 1.0)\n", s, s/1024}'
awk -v s="$total" 'BEGIN {printf "bench sentry-pss-100-idle: sandbox %d KiB, budget 102400 KiB, ratio %.2f (target <= 1.0)\n", s, s/102400}'

report run-true-runtime-only run crun 1.0 sandbox-plain
report create-start-delete-runtime-only cycle crun 1.0 sandbox-plain
report run-true run crun 1.0
report run-true-vs-runc run runc 1.0
report create-start-delete cycle crun 1.0
report create-start-delete-vs-runc cycle runc 1.0
