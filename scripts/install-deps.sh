#!/bin/sh
# Installs the Debian packages sandbox needs to build, test and demo.
# Idempotent and quiet when nothing is missing.
set -eu
pkgs="build-essential cmake pkg-config clang libclang-rt-14-dev clang-format
libseccomp-dev libcap-dev libjansson-dev libunwind-dev libcriterion-dev
busybox-static python3 python3-jsonschema runc crun iproute2 util-linux man-db libcap2-bin valgrind"
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
