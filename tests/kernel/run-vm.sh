#!/usr/bin/env bash
# Boots the production-kernel VM (tests/kernel/build-vm.sh) under QEMU TCG and
# runs SCRIPT (a path on this machine's filesystem, which the VM sees
# read-only) as root inside it; prints its output and exits with its code.
#   run-vm.sh VMDIR SCRIPT [TIMEOUT_S]
# SCRIPT lives in a repository (tests/kernel/...): that tree stays visible in
# the VM even when it sits under /tmp or /run, which the VM mounts tmpfs on.
set -uo pipefail
VM=${1:?usage: run-vm.sh VMDIR SCRIPT [TIMEOUT_S]}
SCRIPT=$(readlink -f "${2:?script}")
TMO=${3:-900}
out=$(mktemp -d /tmp/netd-vm.XXXXXX)
trap 'rm -rf "$out"' EXIT
timeout "$TMO" qemu-system-x86_64 -accel tcg -M pc -m 2048 -smp 2 -nographic -no-reboot -nodefaults \
	-serial "file:$out/console" -kernel "$VM/vmlinux" -initrd "$VM/initramfs.cpio" \
	-append "console=ttyS0 quiet panic=-1 netd.script=$SCRIPT netd.keep=$(cd "$(dirname "$SCRIPT")/../.." && pwd) netd.ci=${CI:-} netd.only=${ONLY:-}" \
	-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$out,mount_tag=out,security_model=none" >/dev/null 2>"$out/qemu.err"
qrc=$?
cat "$out/log" 2>/dev/null
if [ ! -s "$out/rc" ]; then
	echo "kernel VM: no result (qemu exit $qrc)"; sed 's/^/#   /' "$out/console" "$out/qemu.err" | tail -20
	exit 1
fi
exit "$(cat "$out/rc")"
