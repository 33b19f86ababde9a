#!/bin/bash
# make demo: a short tour of what sandbox does today, on this machine, for real.
set -u
cd "$(dirname "$0")/.."
repo=$PWD
SANDBOX=$PWD/build/sandbox
. tests/integration/lib.sh
if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (containers need namespaces and mounts)"
	exit 1
fi
work=$(mktemp -d /tmp/sandbox-demo.XXXXXX)
SB_ROOT=$work/state
trap 'for id in $(ls -A "$SB_ROOT" 2>/dev/null); do sb delete --force "$id"; done; rm -rf "$work"' EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

say "The binary"
show "$SANDBOX" --version

say "A bundle: busybox root filesystem + 'sandbox spec'"
make_bundle "$work/bundle" >/dev/null
cd "$work/bundle"
show "$SANDBOX" validate

say "A broken config is refused with the exact JSON path of every problem"
cp config.json config.good
config_edit . 'c["linux"]["namespaces"][2]["type"]="pidd"; c["process"]["cwd"]="relative"'
show "$SANDBOX" validate
mv config.good config.json

say "A real container: its own pid, mount, uts, ipc and network namespaces"
set_args . /bin/sh -c 'echo "hostname: $(hostname)"; echo "pid of this shell: $$"; echo "processes: $(ls /proc | grep -c "^[0-9]")"; grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status; ls /'
config_edit . 'c["hostname"]="demo-box"'
show "$SANDBOX" --root "$SB_ROOT" run demo1

say "The OCI seccomp section is enforced (mkdir refused with EPERM)"
set_args . /bin/sh -c 'mkdir /tmp/x 2>&1 || true'
config_edit . 'c["root"]["readonly"]=False; c["linux"]["seccomp"]={"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}'
show "$SANDBOX" --root "$SB_ROOT" run demo2

say "runc's lifecycle: create, state, start, kill, delete"
set_args . /bin/sleep 100
config_edit . 'c["linux"].pop("seccomp", None)'
show "$SANDBOX" --root "$SB_ROOT" create demo3 </dev/null
show "$SANDBOX" --root "$SB_ROOT" state demo3
show "$SANDBOX" --root "$SB_ROOT" start demo3
show "$SANDBOX" --root "$SB_ROOT" list
show "$SANDBOX" --root "$SB_ROOT" kill demo3 KILL
sleep 0.2
show "$SANDBOX" --root "$SB_ROOT" delete demo3

say "The sentry: breakout attempts from inside are denied and recorded"
events="$work/events.jsonl"
set_args . /bin/sh -c 'mount -t tmpfs none /mnt 2>&1; echo x 2>&1 >/proc/sysrq-trigger; unshare -U true 2>&1; echo "|/tmp/x" 2>&1 >/proc/sys/kernel/core_pattern; echo done'
config_edit . 'c["root"]["readonly"]=False'
show "$SANDBOX" --root "$SB_ROOT" --events-log "$events" run demo4
echo
echo "The events log ($events), one JSON object per attempt (Falco's keys included):"
/usr/bin/python3 - "$events" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    f = e["output_fields"]
    print("  %-8s %-9s %-28s -> %-6s rule %s" % (e["priority"], f["evt.type"], f.get("fd.name") or "",
          f.get("evt.res", ""), e["rule"]))
PY

say "Killing the sentry fails closed: the container goes too"
set_args . /bin/sleep 100
show "$SANDBOX" --root "$SB_ROOT" --events-log "$events" run -d demo5 </dev/null
sentry=$("$SANDBOX" --root "$SB_ROOT" state demo5 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sentry"]["pid"])')
show kill -9 "$sentry"
sleep 0.5
"$SANDBOX" --root "$SB_ROOT" state demo5 | grep '"status"'
tail -1 "$events" | /usr/bin/python3 -c 'import json,sys; e=json.loads(sys.stdin.read()); print("  event:", e["priority"], e["rule"], e["output_fields"].get("container.id"))'
"$SANDBOX" --root "$SB_ROOT" delete --force demo5

say "Profiles: what the default profile leaves to the kernel, and what it routes"
show "$SANDBOX" profile show default | head -4
echo "The 'strict' profile refuses a container that shares the host's pid namespace (--pid=host):"
config_edit . 'c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="pid"]'
show "$SANDBOX" --root "$SB_ROOT" --profile strict run demo6 </dev/null || true

say "sandbox audit: a config Docker wrote for --privileged, before it is deployed"
show "$SANDBOX" audit --fail-on critical "$repo/tests/data/docker/privileged.json" | head -16; echo "  ..."; "$SANDBOX" audit "$repo/tests/data/docker/privileged.json" | tail -1
