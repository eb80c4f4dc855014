#!/usr/bin/env bash
# Builds the production-kernel VM into OUTDIR (cached): Debian's own kernel
# (linux-image-amd64, the one /lib/modules has; it has the 8021q, bridge
# vlan_filtering, openvswitch, vhost_net, sch_htb, act_police modules this
# machine's kernel lacks) as a PVH vmlinux, and an initramfs whose /init
# mounts the host's root filesystem read-only over virtio-9p, gives it tmpfs
# for /tmp and /run, and runs one script in it (tests/kernel/run-vm.sh).
set -euo pipefail
export LC_ALL=C
OUT=${1:?usage: build-vm.sh OUTDIR}
. "$(dirname "$0")/../lib/kernel-image.sh"
BUSYBOX=$(command -v busybox)
MODS="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"
stamp="$KVER $(stat -c %Y "$KIMG" 2>/dev/null) $(stat -c %Y "$BUSYBOX") $(cat "$0" "$(dirname "$0")/../lib/kernel-image.sh" | md5sum | cut -c1-32)"
if [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$stamp" ]; then exit 0; fi
mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

extract_vmlinux "$work/vmlinux"

root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,host,out,lib/modules}
cp "$BUSYBOX" "$root/bin/busybox"
copy_modules "$root/lib/modules" $MODS
cat >"$root/init" <<EOS
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $MODS; do insmod /lib/modules/\$m.ko || echo "VM: insmod \$m failed"; done
EOS
cat >>"$root/init" <<'EOS'
fail() { echo "VM: $*"; echo 1 >/out/rc 2>/dev/null; poweroff -f; }
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 host /host || fail "cannot mount the host's root"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /out || fail "cannot mount the output dir"
for d in proc sys dev; do mount --bind /$d /host/$d; done
# a second view of the host's tree: the repository may live under /tmp or
# /run, which get tmpfs of their own below; it is bound back into place
mkdir -p /ro && mount --bind /host /ro
mount -t tmpfs tmp /host/tmp
mount -t tmpfs run /host/run
keep=$(sed -n 's/.*netd\.keep=\([^ ]*\).*/\1/p' /proc/cmdline)
case "$keep" in
/tmp/* | /run/*) mkdir -p "/host$keep" && mount --bind "/ro$keep" "/host$keep" || fail "cannot bind $keep" ;;
esac
mount -t tmpfs shm /host/dev/shm 2>/dev/null
mount -t cgroup2 none /host/sys/fs/cgroup 2>/dev/null
script=$(sed -n 's/.*netd\.script=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "VM: kernel $(uname -r), running $script"
arg() { sed -n "s/.*netd\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
chroot /host /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root CI="$(arg ci)" ONLY="$(arg only)" \
	/bin/bash "$script" >/out/log 2>&1
echo $? >/out/rc
sync
poweroff -f
EOS
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio"
mv "$work/vmlinux" "$OUT/vmlinux"
mv "$work/initramfs.cpio" "$OUT/initramfs.cpio"
echo "$stamp" >"$OUT/stamp"
echo "build-vm: $OUT/vmlinux ($KVER), $OUT/initramfs.cpio"
