#!/bin/bash
# An OCI runtime wrapper for capturing what Docker hands to a runtime.
# Register it as a Docker runtime (dockerd --add-runtime capture=PATH, or
# docker_add_runtime in lib_docker.sh).  On `create` it copies
# BUNDLE/config.json, byte for byte, to $CAPTURE_DIR/<name>.json, where <name>
# is the value of CAPTURE_NAME in the container's process.env; then, for
# every subcommand, it execs the real runtime ($CAPTURE_RUNC, default
# /usr/bin/runc) with all arguments unchanged.
#
# containerd-shim-runc-v2 calls it like
#   capture --root R --log L --log-format json [--systemd-cgroup] \
#           create --bundle B --pid-file P [--console-socket S] ID
# so runc's global options (with or without a value, --opt=value forms too)
# are skipped to find the subcommand.  A capture problem is logged to
# $CAPTURE_DIR/capture-runtime.log and never stops the container.

real=${CAPTURE_RUNC:-/usr/bin/runc}

capture() {
	local sub="" bundle="" i=0 a
	local -a argv=("$@")
	# runc global options that take a separate value.
	while [ $i -lt ${#argv[@]} ]; do
		a=${argv[$i]}
		case $a in
		--root | --log | --log-format | --criu | --rootless) i=$((i + 2)) ;;
		--) i=$((i + 1)); break ;;
		-*) i=$((i + 1)) ;;
		*) break ;;
		esac
	done
	sub=${argv[$i]:-}
	[ "$sub" = create ] || [ "$sub" = run ] || return 0
	i=$((i + 1))
	while [ $i -lt ${#argv[@]} ]; do
		a=${argv[$i]}
		case $a in
		--bundle | -b) bundle=${argv[$((i + 1))]:-}; i=$((i + 2)) ;;
		--bundle=* | -b=*) bundle=${a#*=}; i=$((i + 1)) ;;
		*) i=$((i + 1)) ;;
		esac
	done
	[ -n "$bundle" ] || bundle=$PWD # runc's default
	local cfg=$bundle/config.json
	[ -n "${CAPTURE_DIR:-}" ] || return 0
	mkdir -p "$CAPTURE_DIR" || return 1
	if [ ! -r "$cfg" ]; then
		echo "capture-runtime: $cfg: not readable" >&2
		return 1
	fi
	local name
	if [ -x /usr/bin/python3 ]; then
		name=$(/usr/bin/python3 -c '
import json, sys
env = (json.load(open(sys.argv[1])).get("process") or {}).get("env") or []
for e in env:
    if e.startswith("CAPTURE_NAME="):
        print(e[len("CAPTURE_NAME="):])
        break
' "$cfg") || return 1
	else
		name=$(grep -o '"CAPTURE_NAME=[^"]*"' "$cfg" | head -n 1 | sed 's/^"CAPTURE_NAME=//; s/"$//')
	fi
	[ -n "$name" ] || return 0 # not a container we were asked to capture
	case $name in
	*[!A-Za-z0-9._-]* | .*)
		echo "capture-runtime: CAPTURE_NAME \`$name\`: only [A-Za-z0-9._-] allowed" >&2
		return 1
		;;
	esac
	cp "$cfg" "$CAPTURE_DIR/.$name.json.tmp" &&
		mv -f "$CAPTURE_DIR/.$name.json.tmp" "$CAPTURE_DIR/$name.json" || return 1
	echo "capture-runtime: $sub ${argv[-1]}: $cfg -> $CAPTURE_DIR/$name.json" >&2
}

if [ -n "${CAPTURE_DIR:-}" ] && mkdir -p "$CAPTURE_DIR" 2>/dev/null; then
	# Every invocation's argv, one line each, shell-quoted: how the shim
	# calls a runc-compatible runtime.
	printf '%q ' "$(basename "$0")" "$@" | sed 's/ $//' >>"$CAPTURE_DIR/argv.log"
	echo >>"$CAPTURE_DIR/argv.log"
	capture "$@" 2>>"$CAPTURE_DIR/capture-runtime.log" ||
		echo "capture-runtime: capture failed for: $*" >>"$CAPTURE_DIR/capture-runtime.log"
fi
exec "$real" "$@"
