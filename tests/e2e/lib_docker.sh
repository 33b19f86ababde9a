# shellcheck shell=bash
# Helpers to run a private Docker daemon (Debian's docker.io 20.10) for
# end-to-end tests and for capturing what Docker hands to an OCI runtime.
# Source this file from bash; nothing here touches the system's own Docker.
#
#   e2e_install_deps               install docker.io/containerd/busybox-static if missing
#   docker_add_runtime NAME PATH   register an OCI runtime (before or after docker_start)
#   docker_start DIR [NAME=PATH..] start a private dockerd (and containerd) under DIR
#   docker_stop                    stop them, unmount leftovers under DIR, remove DIR
#   busybox_image [TAG]            import sandbox-busybox:latest built from busybox-static
#   dk ARGS...                     the docker 20.10 client on the private daemon
#
# The daemon gets private --data-root, --exec-root, --pidfile, socket and
# daemon.json, and runs with --iptables=false --bridge=none: it never sets up
# networking or contacts anything.  dockerd starts and manages its own
# containerd (state under DIR/exec/containerd, data under DIR/data/containerd);
# if a system containerd socket exists at /run/containerd/containerd.sock
# (dockerd would use it), a private containerd is started instead.
# Callers should `trap docker_stop EXIT` right after choosing DIR.

: "${DOCKER_BIN:=/usr/bin/docker}"       # docker.io's client, not any other docker on PATH
: "${DOCKERD_BIN:=/usr/sbin/dockerd}"
: "${CONTAINERD_BIN:=/usr/bin/containerd}"
: "${DOCKER_E2E_TIMEOUT:=60}"            # seconds to wait for the daemon to answer
: "${E2E_PYTHON:=/usr/bin/python3}"

DOCKER_E2E_DIR=""
DOCKER_E2E_PID=""
DOCKER_E2E_CONTAINERD_PID=""
DOCKER_E2E_CONTAINERD_SOCK=""
DOCKER_E2E_NEW_CGROUPS=()
declare -gA DOCKER_E2E_RUNTIMES=()

_dlog() { echo "lib_docker: $*" >&2; }

dk() { "$DOCKER_BIN" "$@"; }

# e2e_install_deps: installs the Debian packages this file needs; quiet when
# they are all present.
e2e_install_deps() {
	local p missing=()
	for p in docker.io containerd runc busybox-static python3; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		_dlog "missing Debian packages: ${missing[*]} (run as root to install them)"
		return 1
	fi
	_dlog "installing ${missing[*]}"
	# policy-rc.d-less machines would start the system docker.service: forbid it.
	local prc=/usr/sbin/policy-rc.d made_prc=0
	if [ ! -e "$prc" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$prc" && chmod 755 "$prc" && made_prc=1
	fi
	local rc=0
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" >/dev/null || rc=$?
	[ "$made_prc" = 1 ] && rm -f "$prc"
	[ "$rc" = 0 ] || _dlog "apt-get install ${missing[*]} failed (rc=$rc)"
	return "$rc"
}

# _docker_write_config: writes DIR/daemon.json from DOCKER_E2E_RUNTIMES.
_docker_write_config() {
	local args=() n
	for n in "${!DOCKER_E2E_RUNTIMES[@]}"; do
		args+=("$n" "${DOCKER_E2E_RUNTIMES[$n]}")
	done
	"$E2E_PYTHON" - "$DOCKER_E2E_DIR/daemon.json" "${args[@]}" <<'PY'
import json, sys
out, kv = sys.argv[1], sys.argv[2:]
runtimes = {kv[i]: {"path": kv[i + 1]} for i in range(0, len(kv), 2)}
with open(out + ".tmp", "w") as f:
    json.dump({"runtimes": runtimes}, f, indent=2, sort_keys=True)
    f.write("\n")
import os
os.rename(out + ".tmp", out)
PY
}

_docker_alive() { [ -n "$DOCKER_E2E_PID" ] && kill -0 "$DOCKER_E2E_PID" 2>/dev/null; }

# _docker_wait_info [PREDICATE]: waits up to DOCKER_E2E_TIMEOUT seconds until
# `docker info` answers (and PREDICATE, a command, succeeds).
_docker_wait_info() {
	local deadline=$((SECONDS + DOCKER_E2E_TIMEOUT))
	while [ "$SECONDS" -lt "$deadline" ]; do
		if ! _docker_alive; then
			_dlog "dockerd (pid ${DOCKER_E2E_PID:-?}) exited; last log lines:"
			tail -n 30 "$DOCKER_E2E_DIR/dockerd.log" >&2 2>/dev/null
			return 1
		fi
		if timeout 10 "$DOCKER_BIN" info >/dev/null 2>&1 && { [ $# -eq 0 ] || "$@"; }; then
			return 0
		fi
		sleep 0.5
	done
	_dlog "dockerd did not answer within ${DOCKER_E2E_TIMEOUT}s; last log lines:"
	tail -n 30 "$DOCKER_E2E_DIR/dockerd.log" >&2 2>/dev/null
	return 1
}

_docker_has_runtime() {
	timeout 10 "$DOCKER_BIN" info --format '{{json .Runtimes}}' 2>/dev/null | grep -q "\"$1\""
}

# docker_add_runtime NAME PATH: registers an OCI runtime with the private
# daemon under NAME.  Before docker_start it is only recorded; on a running
# daemon daemon.json is rewritten and reloaded (SIGHUP).
docker_add_runtime() {
	local name=$1 path=$2
	if [ ! -x "$path" ]; then
		_dlog "runtime $name: $path is not executable"
		return 1
	fi
	DOCKER_E2E_RUNTIMES[$name]=$path
	_docker_alive || return 0
	_docker_write_config || return 1
	kill -HUP "$DOCKER_E2E_PID" || return 1
	_docker_wait_info _docker_has_runtime "$name"
}

# _docker_start_containerd DIR: a private containerd, for when dockerd would
# otherwise pick up a system one.  Sets DOCKER_E2E_CONTAINERD_SOCK.
_docker_start_containerd() {
	local d=$1/containerd
	mkdir -p "$d/root" "$d/state" "$d/opt"
	cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
oom_score = 0
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$d/containerd.sock"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
EOF
	"$CONTAINERD_BIN" --config "$d/config.toml" >"$d/containerd.log" 2>&1 &
	DOCKER_E2E_CONTAINERD_PID=$!
	for _ in $(seq 1 100); do
		[ -S "$d/containerd.sock" ] && {
			DOCKER_E2E_CONTAINERD_SOCK=$d/containerd.sock
			return 0
		}
		kill -0 "$DOCKER_E2E_CONTAINERD_PID" 2>/dev/null || break
		sleep 0.2
	done
	_dlog "private containerd did not start; log:"
	tail -n 20 "$d/containerd.log" >&2
	return 1
}

# docker_start DIR [NAME=PATH...]: starts a private dockerd under DIR (created
# if missing; keep it short: unix socket paths are limited to 108 bytes) with
# the runtimes from docker_add_runtime plus NAME=PATH arguments.  Exports
# DOCKER_HOST and DOCKER_CONFIG; waits until `docker info` answers.
docker_start() {
	local dir=$1
	shift
	if _docker_alive; then
		_dlog "a private dockerd is already running (pid $DOCKER_E2E_PID)"
		return 1
	fi
	local kv
	for kv in "$@"; do
		DOCKER_E2E_RUNTIMES[${kv%%=*}]=${kv#*=}
	done
	mkdir -p "$dir" || return 1
	DOCKER_E2E_DIR=$(cd "$dir" && pwd)
	mkdir -p "$DOCKER_E2E_DIR"/{data,exec,client}
	_docker_write_config || return 1

	# Note which docker cgroups exist already, to remove only ours later.
	local c
	DOCKER_E2E_NEW_CGROUPS=()
	for c in /sys/fs/cgroup/ /sys/fs/cgroup/*/; do
		[ -d "${c}docker" ] || DOCKER_E2E_NEW_CGROUPS+=("${c}docker")
	done

	local extra=()
	if [ -e /run/containerd/containerd.sock ]; then
		_docker_start_containerd "$DOCKER_E2E_DIR" || return 1
		extra+=(--containerd "$DOCKER_E2E_CONTAINERD_SOCK")
	fi

	export DOCKER_HOST="unix://$DOCKER_E2E_DIR/docker.sock"
	export DOCKER_CONFIG="$DOCKER_E2E_DIR/client"
	"$DOCKERD_BIN" \
		--config-file "$DOCKER_E2E_DIR/daemon.json" \
		--data-root "$DOCKER_E2E_DIR/data" \
		--exec-root "$DOCKER_E2E_DIR/exec" \
		--pidfile "$DOCKER_E2E_DIR/dockerd.pid" \
		-H "$DOCKER_HOST" \
		--iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
		--bridge=none \
		"${extra[@]}" \
		>"$DOCKER_E2E_DIR/dockerd.log" 2>&1 &
	DOCKER_E2E_PID=$!
	_docker_wait_info || return 1
	for kv in "${!DOCKER_E2E_RUNTIMES[@]}"; do
		_docker_has_runtime "$kv" || {
			_dlog "runtime $kv is not registered"
			return 1
		}
	done
}

# _docker_pids_under DIR: pids of containerd, shim, dockerd or runc processes
# whose command line mentions DIR (ours all name their private paths).
_docker_pids_under() {
	local p
	for p in /proc/[0-9]*; do
		case $(cat "$p/comm" 2>/dev/null) in
		containerd | containerd-shim* | dockerd | runc) ;;
		*) continue ;;
		esac
		tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$1" && echo "${p#/proc/}"
	done
}

# _docker_reap_cgroups DIR: kills what is left of our containers (their
# processes outlive a killed shim) and removes their cgroups.  Only the
# container ids found under DIR/data/containers are touched.
_docker_reap_cgroups() {
	local id c pids=() cgs=()
	for id in "$1"/data/containers/*/; do
		id=$(basename "$id")
		[[ $id =~ ^[0-9a-f]{64}$ ]] || continue
		for c in /sys/fs/cgroup/*/docker/"$id" /sys/fs/cgroup/docker/"$id"; do
			[ -d "$c" ] || continue
			cgs+=("$c")
			mapfile -t -O "${#pids[@]}" pids <"$c/cgroup.procs"
		done
	done
	[ ${#cgs[@]} -eq 0 ] && return 0
	# shellcheck disable=SC2046
	[ ${#pids[@]} -gt 0 ] && kill -KILL $(printf '%s\n' "${pids[@]}" | sort -u) 2>/dev/null
	for _ in $(seq 1 25); do
		rmdir "${cgs[@]}" 2>/dev/null
		for c in "${cgs[@]}"; do [ -d "$c" ] && break; done
		[ -d "$c" ] || return 0
		sleep 0.2
	done
	_dlog "cgroups left behind: ${cgs[*]}"
}

_docker_kill_wait() { # SECONDS PID...
	local t=$1 p left
	shift
	[ $# -eq 0 ] && return 0
	kill -TERM "$@" 2>/dev/null
	for _ in $(seq 1 $((t * 5))); do
		left=()
		for p in "$@"; do kill -0 "$p" 2>/dev/null && left+=("$p"); done
		[ ${#left[@]} -eq 0 ] && return 0
		sleep 0.2
	done
	kill -KILL "${left[@]}" 2>/dev/null
	sleep 0.2
}

# docker_stop: removes all containers, stops dockerd, its containerd and
# shims, unmounts whatever is left under DIR and removes DIR.  Safe to call
# twice and when docker_start failed half-way.
docker_stop() {
	local dir=$DOCKER_E2E_DIR
	[ -n "$dir" ] || return 0
	if _docker_alive; then
		local ids
		ids=$(timeout 20 "$DOCKER_BIN" ps -aq 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$ids" ] && timeout 60 "$DOCKER_BIN" rm -f $ids >/dev/null 2>&1
		_docker_kill_wait 30 "$DOCKER_E2E_PID"
		wait "$DOCKER_E2E_PID" 2>/dev/null
	fi
	DOCKER_E2E_PID=""
	if [ -n "$DOCKER_E2E_CONTAINERD_PID" ]; then
		_docker_kill_wait 15 "$DOCKER_E2E_CONTAINERD_PID"
		wait "$DOCKER_E2E_CONTAINERD_PID" 2>/dev/null
		DOCKER_E2E_CONTAINERD_PID=""
DOCKER_E2E_CONTAINERD_SOCK=""
	fi
	# Leftovers: a managed containerd or shims whose dockerd was killed.
	# shellcheck disable=SC2046
	_docker_kill_wait 10 $(_docker_pids_under "$dir/")
	_docker_reap_cgroups "$dir"

	# Unmount everything under DIR, deepest first.  A bind of / (a -v /:/host
	# container) must never be followed by rm -rf, hence the checks below.
	local m
	for _ in 1 2 3; do
		m=$(awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
		[ -z "$m" ] && break
		while read -r p; do
			umount "$p" 2>/dev/null || umount -l "$p" 2>/dev/null
		done <<<"$m"
	done
	if awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo; then
		_dlog "mounts remain under $dir; not removing it"
		return 1
	fi
	rm -rf --one-file-system "$dir"
	for m in "${DOCKER_E2E_NEW_CGROUPS[@]}"; do
		[ -d "$m" ] && rmdir "$m" 2>/dev/null
	done
	DOCKER_E2E_NEW_CGROUPS=()
	DOCKER_E2E_DIR=""
	unset DOCKER_HOST DOCKER_CONFIG
	return 0
}

# busybox_image [TAG]: imports TAG (default sandbox-busybox:latest): a rootfs
# of Debian's busybox-static with its applet symlinks, CMD /bin/sh.
busybox_image() {
	local tag=${1:-sandbox-busybox:latest} bb=/bin/busybox
	local r="$DOCKER_E2E_DIR/busybox-rootfs" a
	[ -x "$bb" ] || {
		_dlog "$bb missing (install busybox-static)"
		return 1
	}
	rm -rf "$r"
	mkdir -p "$r"/{bin,sbin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin} || return 1
	chmod 1777 "$r/tmp"
	cp "$bb" "$r/bin/busybox" || return 1
	for a in $("$bb" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
	tar --numeric-owner --owner=0 --group=0 -C "$r" -cf - . |
		"$DOCKER_BIN" import --change 'CMD ["/bin/sh"]' - "$tag" >/dev/null || return 1
	rm -rf "$r"
}
