#!/bin/bash
# Runs integration test files inside a virtual machine whose cgroups are pure
# v2 with every controller (cgroup2 on /sys/fs/cgroup, memory, cpu, io, pids,
# cpuset and hugetlb enabled), the layout most users run. This host's own
# layout is hybrid: its memory, cpu and pids controllers are bound to v1, so
# a cgroup2 view here has none of them.
#
#   bash tests/vm/run.sh SANDBOX_BINARY TEST_FILE...
#
# The machine is qemu (software emulation: no /dev/kvm needed) booting
# Debian's own kernel package, downloaded once into $SB_VM_CACHE and never
# installed. Its root is a tmpfs; the host's /usr and /etc and this
# repository are shared into it read-only (9p), so the tests run with the
# same bash, python3, busybox and sandbox binary as on the host. Prints the
# test files' output and "vm: N passed, N failed" last.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
: "${SB_VM_CACHE:=/var/cache/sandbox-test/vm}"
: "${SB_VM_TIMEOUT:=900}" # seconds for the whole run
: "${SB_VM_MEM:=2048}"    # MiB

if [ "$(id -u)" != 0 ]; then
	echo "vm: skipped (needs root)"
	echo "vm: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
if [ $# -lt 2 ] || [ ! -x "$1" ]; then
	echo "usage: $0 SANDBOX_BINARY TEST_FILE..." >&2
	exit 2
fi
sandbox=$(realpath "$1")
shift
case "$sandbox" in
"$repo"/*) ;;
*)
	echo "vm: $sandbox is not inside $repo (only the repository is shared with the machine)" >&2
	exit 2
	;;
esac
tests=()
for f in "$@"; do tests+=("$(realpath "$f")"); done

die() {
	echo "vm: $*"
	echo "vm: 0 passed, 1 failed"
	exit 1
}

for p in qemu-system-x86 cpio; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && continue
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null; } ||
		die "could not install $p"
done

# The kernel: the image and the few modules the machine needs (virtio PCI and
# the 9p filesystem), taken out of Debian's package without installing it.
kernel_pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$kernel_pkg" ] || die "no linux-image-amd64 in the package lists (apt-get update?)"
kdir="$SB_VM_CACHE/$kernel_pkg"
mods="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"
if [ ! -f "$kdir/vmlinuz" ]; then
	dl=$(mktemp -d)
	(cd "$dl" && apt-get download -qq "$kernel_pkg" >/dev/null 2>&1) ||
		{ apt-get update -qq >/dev/null 2>&1 && (cd "$dl" && apt-get download -qq "$kernel_pkg" >/dev/null 2>&1); } ||
		{ rm -rf "$dl"; die "could not download $kernel_pkg"; }
	mkdir -p "$dl/x" && dpkg-deb -x "$dl"/*.deb "$dl/x" || { rm -rf "$dl"; die "could not unpack $kernel_pkg"; }
	mkdir -p "$kdir.new/mods"
	cp "$dl"/x/boot/vmlinuz-* "$kdir.new/vmlinuz"
	for m in $mods; do
		f=$(find "$dl/x/lib/modules" -name "$m.ko" | head -1)
		[ -n "$f" ] || { rm -rf "$dl" "$kdir.new"; die "$kernel_pkg has no $m.ko"; }
		cp "$f" "$kdir.new/mods/"
	done
	rm -rf "$dl" "$kdir"
	mv "$kdir.new" "$kdir"
fi

work=$(mktemp -d /tmp/sandbox-vm.XXXXXX)
trap '[ -n "${SB_VM_KEEP:-}" ] || rm -rf "$work"' EXIT
mkdir -p "$work"/initrd/{bin,mods,proc,sys,dev} "$work/share"
cp /bin/busybox "$work/initrd/bin/busybox"
ln -s busybox "$work/initrd/bin/sh"
cp "$kdir"/mods/*.ko "$work/initrd/mods/"
echo "$mods" >"$work/initrd/mods/order"
cp "$here/init.sh" "$work/initrd/init"
chmod 755 "$work/initrd/init"
(cd "$work/initrd" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initrd.gz" ||
	die "could not write the initramfs"

# What the machine runs once its root is ready (init.sh calls it).
{
	# file-nr is a per-CPU estimate on this kernel: count descriptors instead
	echo "export SANDBOX='$sandbox' SB_REPO='$repo' SB_FILES_FROM=proc"
	if [ -n "${SB_VM_CMD:-}" ]; then # a command of your own instead, to look around
		echo "$SB_VM_CMD"
	else
		printf 'exec bash %q' "$repo/tests/integration/run.sh"
		printf ' %q' "${tests[@]}"
		echo
	fi
} >"$work/share/cmd"

start=$SECONDS
timeout --foreground "$SB_VM_TIMEOUT" qemu-system-x86_64 \
	-accel tcg,thread=multi -cpu max -smp 2 -m "$SB_VM_MEM" \
	-display none -serial file:"$work/console" -monitor none -nic none -no-reboot \
	-kernel "$kdir/vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1 sb_repo=$repo" \
	-virtfs local,path=/usr,mount_tag=usr,security_model=none,readonly=on \
	-virtfs local,path=/etc,mount_tag=etc,security_model=none,readonly=on \
	-virtfs local,path="$repo",mount_tag=repo,security_model=none,readonly=on \
	-virtfs local,path="$work/share",mount_tag=share,security_model=none \
	</dev/null
qrc=$?
[ -f "$work/share/log" ] && cat "$work/share/log"
if [ ! -f "$work/share/rc" ]; then
	echo "vm: the machine stopped before the tests ended (qemu exit $qrc after $((SECONDS - start))s); its console:"
	tail -30 "$work/console" | sed 's/^/  | /'
	echo "vm: 0 passed, 1 failed"
	exit 1
fi
echo "vm: kernel $(cat "$work/share/kernel" 2>/dev/null), cgroup2 controllers: $(cat "$work/share/controllers" 2>/dev/null), $((SECONDS - start))s"
rc=$(cat "$work/share/rc")
# run.sh's own summary line, under this runner's name
sed -n 's/^integration: \([0-9]* passed, [0-9]* failed\).*/vm: \1/p' "$work/share/log" | tail -1
[ "$rc" = 0 ]
