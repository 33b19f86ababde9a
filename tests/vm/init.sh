#!/bin/sh
# The test machine's init (busybox sh, PID 1), from the initramfs that
# tests/vm/run.sh writes. It builds a root on tmpfs with the host's /usr and
# /etc and the repository shared read-only over 9p, mounts cgroup2 alone on
# /sys/fs/cgroup, runs /share/cmd and powers off. pivot_root cannot leave the
# initramfs itself, so the containers need this switch to a real mount.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /mods/order); do insmod "/mods/$m.ko" || echo "init: insmod $m failed"; done
repo=$(sed -n 's/.*sb_repo=\([^ ]*\).*/\1/p' /proc/cmdline)
r=/newroot
mkdir -p $r
mount -t tmpfs -o mode=755 root $r
mkdir -p $r/usr $r/etc $r/share $r/proc $r/sys $r/dev $r/tmp $r/run $r/var $r/root
# /tmp, /run and /var before the repository, which may live below one of them
# (a clone in /tmp): mounted later, they would hide it.
mount -t tmpfs -o mode=1777 tmp $r/tmp
mount -t tmpfs -o mode=755 run $r/run
mount -t tmpfs -o mode=755 var $r/var
mkdir -p "$r$repo"
ln -s usr/bin $r/bin
ln -s usr/sbin $r/sbin
ln -s usr/lib $r/lib
ln -s usr/lib64 $r/lib64
p9() { mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144,$3" "$1" "$2" || echo "init: mount $1 failed"; }
p9 usr $r/usr ro,cache=loose
p9 etc $r/etc ro,cache=loose
p9 repo "$r$repo" ro,cache=loose
p9 share $r/share rw
mount --move /proc $r/proc
mount --move /sys $r/sys
mount --move /dev $r/dev
exec switch_root $r /bin/sh -c '
	mkdir -p /dev/pts /dev/shm /var/tmp /var/log
	mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
	ln -sf pts/ptmx /dev/ptmx
	mount -t tmpfs -o mode=1777 shm /dev/shm
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
	hostname sandbox-vm
	ip link set lo up 2>/dev/null
	uname -r >/share/kernel
	cat /sys/fs/cgroup/cgroup.controllers >/share/controllers
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
	cd /
	bash /share/cmd >/share/log 2>&1 </dev/null
	echo $? >/share/rc
	sync
	echo o >/proc/sysrq-trigger
	sleep 30'
