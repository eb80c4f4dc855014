#!/usr/bin/env bash
# Builds the test guest from Debian packages into OUTDIR (cached):
#   vmlinux        the Debian kernel's uncompressed ELF image (PVH: QEMU boots it
#                  directly, skipping ~3 s of decompression under TCG)
#   initramfs.cpio busybox-static, the virtio-net modules, /init
# The guest's /init brings eth0 up, asks for a DHCP lease, pings the gateway
# and the address given as netd.target= on the kernel command line, prints
# "GUEST: ..." lines on the serial console and powers off.
set -euo pipefail
export LC_ALL=C # byte-wise grep for the XZ magic
OUT=${1:?usage: build-guest.sh OUTDIR}
. "$(dirname "$0")/../lib/kernel-image.sh"
BUSYBOX=$(command -v busybox)
file_stamp="$KVER $(stat -c %Y "$KIMG" 2>/dev/null) $(stat -c %Y "$BUSYBOX") $(cat "$0" "$(dirname "$0")/../lib/kernel-image.sh" | md5sum | cut -c1-32)"
if [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$file_stamp" ]; then exit 0; fi
mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the bzImage's payload is XZ: find the stream and decompress it
extract_vmlinux "$work/vmlinux"

root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
cp "$BUSYBOX" "$root/bin/busybox"
copy_modules "$root/lib/modules" virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net
cat >"$root/udhcpc.sh" <<'EOS'
#!/bin/busybox sh
case "$1" in
bound|renew)
	ip addr add "$ip/$mask" dev "$interface"
	[ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
	echo "$ip ${router%% *}" >/tmp/lease
	;;
esac
exit 0
EOS
cat >"$root/init" <<'EOS'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net; do
	insmod /lib/modules/$m.ko || echo "GUEST: insmod $m failed"
done
target=$(sed -n 's/.*netd\.target=\([^ ]*\).*/\1/p' /proc/cmdline)
for i in $(seq 100); do [ -e /sys/class/net/eth0 ] && break; sleep 0.05; done
ip link set lo up
up_link=$(cut -d' ' -f1 /proc/uptime)
ip link set eth0 up
echo "GUEST: mac $(cat /sys/class/net/eth0/address)"
echo "GUEST: queues $(ls /sys/class/net/eth0/queues | grep -c rx-)"
if udhcpc -i eth0 -n -q -t 10 -T 1 -s /udhcpc.sh >/dev/null 2>&1 && [ -s /tmp/lease ]; then
	up_lease=$(cut -d' ' -f1 /proc/uptime)
	read ip gw </tmp/lease
	echo "GUEST: lease $ip gateway $gw"
	echo "GUEST: uptime at link up $up_link, at lease $up_lease"
	if ping -c 1 -W 2 "$gw" >/dev/null 2>&1; then echo "GUEST: gateway reachable"; else echo "GUEST: gateway unreachable"; fi
	if [ -n "$target" ]; then
		if ping -c 1 -W 2 "$target" >/dev/null 2>&1; then echo "GUEST: target $target reachable"
		else echo "GUEST: target $target unreachable"; fi
		# TCP to a listener on port 5001 of the target, when the test runs one
		if echo "GUEST-TCP-HELLO from $ip" | nc -w 3 "$target" 5001 >/dev/null 2>&1; then
			echo "GUEST: tcp to $target ok"
		else
			echo "GUEST: tcp to $target failed"
		fi
	fi
else
	echo "GUEST: no lease"
fi
echo "GUEST: done"
poweroff -f
EOS
chmod +x "$root/init" "$root/udhcpc.sh"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio"
mv "$work/vmlinux" "$OUT/vmlinux"
mv "$work/initramfs.cpio" "$OUT/initramfs.cpio"
echo "$file_stamp" >"$OUT/stamp"
echo "build-guest: $OUT/vmlinux ($KVER), $OUT/initramfs.cpio"
