# Debian's kernel for QEMU guests and the kernel lane (sourced by
# tests/guest/build-guest.sh and tests/kernel/build-vm.sh).
# KVER: the newest kernel /lib/modules has; KIMG: its bzImage.
KVER=$(ls /lib/modules | sort -V | tail -1)
KIMG=/boot/vmlinuz-$KVER

# extract_vmlinux OUT: the bzImage's XZ payload, an ELF image QEMU boots directly (PVH)
extract_vmlinux() {
	local off
	[ -r "$KIMG" ] || { echo "$0: no kernel image $KIMG (package linux-image-amd64)" >&2; return 1; }
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$KIMG" | head -1 | cut -d: -f1)
	[ -n "$off" ] || { echo "$0: no XZ payload in $KIMG" >&2; return 1; }
	tail -c +"$((off + 1))" "$KIMG" | xz -dc --single-stream >"$1" 2>/dev/null || true
	[ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = "177ELF" ] ||
		{ echo "$0: extracted kernel is not an ELF image" >&2; return 1; }
}

# copy_modules DIR MODULE...: each module's .ko, decompressed, into DIR
copy_modules() {
	local dir=$1 m f
	shift
	for m in "$@"; do
		f=$(find "/lib/modules/$KVER" -name "$m.ko*" | head -1)
		[ -n "$f" ] || { echo "$0: module $m missing" >&2; return 1; }
		case "$f" in
		*.ko.xz) xz -dc "$f" >"$dir/$m.ko" ;;
		*.ko.zst) zstd -dc "$f" >"$dir/$m.ko" ;;
		*) cp "$f" "$dir/$m.ko" ;;
		esac
	done
}
