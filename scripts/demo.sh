#!/bin/bash
# make demo: a short tour of what sandbox does today, on this machine, for real.
set -u
cd "$(dirname "$0")/.."
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

say "Not yet in this demo"
echo "The sentry (seccomp user-notify supervisor), policy profiles and 'sandbox audit'"
echo "are being built (see the issues); this demo will show what the sentry catches"
echo "once it exists."
