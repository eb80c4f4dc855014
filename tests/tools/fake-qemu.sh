#!/usr/bin/env bash
# Stands in for qemu-system-x86_64 in port tests: records its arguments and
# which of its fds are TAP queues (/dev/net/tun), then waits for a file to
# appear (or 10 s) and exits, as QEMU would when the guest powers off.
out=${FAKE_QEMU_OUT:?}
{
	echo "argv: $*"
	echo "uid $(id -u)"
	for fd in /proc/$$/fd/*; do
		t=$(readlink "$fd")
		[ "$t" = /dev/net/tun ] && echo "tun fd ${fd##*/}"
	done
	echo "fds $(ls /proc/$$/fd | tr '\n' ' ')"
	grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs|Groups):' /proc/$$/status
	echo "ready"
} >"$out.tmp"
mv "$out.tmp" "$out"
for _ in $(seq 200); do [ -e "$out.stop" ] && exit 0; sleep 0.05; done
exit 0
