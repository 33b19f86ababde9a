# Stress: many concurrent lifecycles against one --root, and many containers
# in sequence; nothing corrupted, nothing left behind, nothing growing.

# 50 workers loop create, start, exec, kill, delete for STRESS_SECONDS (20).
test_stress_concurrent_lifecycles_same_root() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 60
	local before end w total=0 n
	before=$(snapshot_host)
	end=$((SECONDS + ${STRESS_SECONDS:-20}))
	: >errors
	for w in $(seq 50); do
		(
			n=0
			while [ "$SECONDS" -lt "$end" ]; do
				id=st-$w-$n
				n=$((n + 1))
				if ! sb create "$id" </dev/null >/dev/null 2>"err.$w"; then
					echo "create $id: $(cat "err.$w")" >>errors
					sb delete --force "$id" >/dev/null 2>&1
					continue
				fi
				sb start "$id" 2>>errors || echo "start $id failed" >>errors
				sb exec "$id" /bin/true 2>>errors || echo "exec $id failed" >>errors
				sb kill "$id" KILL 2>>errors || echo "kill $id failed" >>errors
				sb delete --force "$id" 2>>errors || echo "delete $id failed" >>errors
				echo "$id" >>"done.$w"
			done
		) &
	done
	wait
	total=$(cat done.* 2>/dev/null | wc -l)
	echo "stress: $total create/start/exec/kill/delete cycles by 50 workers in ${STRESS_SECONDS:-20}s"
	[ "$total" -ge 50 ] || fail "only $total cycles completed" || return 1
	[ ! -s errors ] || fail "errors: $(head -c 2000 errors)" || return 1
	# every container accounted for: none left in the list or the root
	n=$(sb list -q | grep -c '^st-')
	assert_eq 0 "$n" "containers left in list" || return 1
	assert_no_leftovers "$before" "leftovers after the stress run"
}

# 200 containers in sequence: nothing left, and neither the sentry's memory
# nor the runtime's grows with the number of containers run before.
# VmRSS of PID once it stops changing: `run -d` may return while the
# sentry is still starting (its crash handler loads libunwind).
settled_rss() {
	local prev=-1 cur n
	for n in $(seq 50); do
		cur=$(awk '/^VmRSS/ {print $2}' "/proc/$1/status")
		[ "$cur" = "$prev" ] && break
		prev=$cur
		sleep 0.1
	done
	echo "$cur"
}

# Growth is judged on the median of five sentries early and five late: two
# sentries of the same container differ by up to 200 KiB here on their own
# (one sample each made this test fail now and then).
test_stress_200_in_sequence_no_growth() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 60
	local before i spid first last early="" late=""
	before=$(snapshot_host)
	for i in $(seq 200); do
		sb run -d "sq-$i" </dev/null >/dev/null 2>&1 || fail "run -d sq-$i" || return 1
		if [ "$i" -gt 5 ] && [ "$i" -le 10 ]; then
			spid=$(state_field "sq-$i" sentry pid)
			early="$early $(settled_rss "$spid")"
		elif [ "$i" -gt 195 ]; then
			spid=$(state_field "sq-$i" sentry pid)
			late="$late $(settled_rss "$spid")"
		fi
		sb delete --force "sq-$i" >/dev/null 2>&1 || fail "delete sq-$i" || return 1
	done
	first=$(printf '%s\n' $early | median)
	last=$(printf '%s\n' $late | median)
	echo "sentry VmRSS: containers 6-10:${early} KiB (median $first), 196-200:${late} KiB (median $last)"
	[ "$last" -le $((first + first / 10 + 64)) ] || fail "sentry RSS grew: $first -> $last KiB" || return 1
	assert_no_leftovers "$before" "leftovers after 200 containers"
}

# Containers hammering recorded calls while others start and stop: every
# attempt is accounted for in its own container's events (written, or
# counted in a rate-limit summary), none lost, none counted twice, none
# under another container's id.
test_stress_events_exact_while_others_churn() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	local i n churn_end
	set_args "$BUNDLE" /bin/sleep 0.2
	churn_end=$((SECONDS + 15))
	(
		i=0
		while [ "$SECONDS" -lt "$churn_end" ]; do
			sb run "ch-$i" </dev/null >/dev/null 2>&1
			i=$((i + 1))
		done
	) &
	local churn=$!
	for i in 1 2 3 4; do
		n=$((i * 40))
		mkdir -p "$PWD/b$i" && cp -a "$BUNDLE/rootfs" "$BUNDLE/config.json" "$PWD/b$i/"
		config_edit "$PWD/b$i" 'c["process"]["args"]=["/bin/sh","-c","i=0; while [ $i -lt '"$n"' ]; do mount -t tmpfs none /mnt 2>/dev/null; i=$((i+1)); done"]'
		(cd "$PWD/b$i" && sb run "ev-$i" </dev/null >/dev/null 2>&1) &
	done
	wait
	kill "$churn" 2>/dev/null
	/usr/bin/python3 - "$SB_EVENTS" <<'PY' || fail "events not exact"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
for i in range(1, 5):
    cid, n = f"ev-{i}", i * 40
    mine = [e for e in ev if e.get("container_id") == cid and e["syscall"] == "mount"]
    written = [e for e in mine if "suppressed" not in e]
    counted = sum(e["suppressed"] for e in mine if "suppressed" in e)
    assert all(e["decision"] == "deny" and e["output_fields"]["container.id"] == cid for e in mine)
    keys = [(e["time"], e["pid"]) for e in written]
    assert len(keys) == len(set(keys)), f"{cid}: duplicated events"
    assert len(written) + counted == n, f"{cid}: {len(written)} written + {counted} counted != {n}"
    print(f"{cid}: {n} attempts = {len(written)} events + {counted} in summaries")
# nothing of theirs under a churning container's id
assert not [e for e in ev if e.get("container_id", "").startswith("ch-") and e["syscall"] == "mount"]
PY
}

# A long-running container's sentry under many execs that make routed calls
# (denied mounts, emulated opens): once they are gone, it holds the same fds
# as before them.
test_stress_sentry_fds_constant_across_execs() {
	make_bundle "$BUNDLE" && cd "$BUNDLE" || return 1
	set_args "$BUNDLE" /bin/sleep 120
	sb run -d fd-long </dev/null >/dev/null 2>&1 || fail "run -d fd-long" || return 1
	local spid before after w i
	spid=$(state_field fd-long sentry pid)
	sb exec fd-long /bin/true || fail "first exec" || return 1
	before=$(ls "/proc/$spid/fd" | wc -l)
	for w in $(seq 10); do
		(
			for i in $(seq 5); do
				sb exec fd-long /bin/sh -c 'mount -t tmpfs none /mnt; echo x >/tmp/f.$$; echo 1 >/proc/sysrq-trigger; rm /tmp/f.$$' \
					</dev/null >/dev/null 2>&1
			done
		) &
	done
	wait
	for _ in $(seq 50); do
		after=$(ls "/proc/$spid/fd" | wc -l)
		[ "$after" = "$before" ] && break
		sleep 0.2
	done
	echo "sentry fds: $before before 50 execs, $after after"
	assert_eq "$before" "$after" "sentry fds after the execs" || return 1
	# the calls were routed: the denied mounts were recorded
	[ "$(grep -c '"container_id":"fd-long".*"syscall":"mount"' "$SB_EVENTS")" -ge 1 ] ||
		fail "no mount event of fd-long"
	sb delete --force fd-long
}
