#!/usr/bin/env bash
# libvirt's network driver (Debian's libvirt-daemon, `make bench-deps`) measured
# the way bench-netd.sh measures netd, through its client (virsh), in its own
# PID, mount and network namespaces:
#  1. one NAT network with DHCP: define, start, destroy, undefine (BENCH_RUNS);
#  2. scale: networks 1..BENCH_LIBVIRT_NETS (default BENCH_NETS, 1000) started
#     one after another, stopping early when BENCH_LIBVIRT_BUDGET seconds
#     (default 600) are spent; libvirtd's RSS, processes and iptables rules
#     per network.
# libvirtd sees only private copies: /etc/libvirt is a copy, /run and /var are
# empty tmpfs, and its driver directory holds the network driver alone (so it
# needs neither the QEMU driver's users nor a system bus). Nothing of it
# reaches the machine: its bridges, iptables rules and dnsmasq live and die
# in the namespaces.
. "$(dirname "$0")/bench-lib.sh"
in_own_namespaces "$@"
RUNS=${BENCH_RUNS:-20}
NETS=${BENCH_LIBVIRT_NETS:-${BENCH_NETS:-1000}}
BUDGET=${BENCH_LIBVIRT_BUDGET:-600}
DRIVERS=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver
skip() {
	echo "bench: libvirt: SKIP: $*" >&2
	record libvirt skipped - - "$*"
	exit 0
}
command -v libvirtd >/dev/null && command -v virsh >/dev/null && [ -r "$DRIVERS/libvirt_driver_network.so" ] ||
	skip "libvirtd, virsh or its network driver is not installed (make bench-deps installs libvirt-daemon and libvirt-clients)"
T=$(mktemp -d /tmp/netd-bench-libvirt.XXXXXX)
chmod 755 "$T"
LV_PID=
cleanup() {
	[ -n "$LV_PID" ] && kill "$LV_PID" 2>/dev/null && wait "$LV_PID" 2>/dev/null
	pkill -x dnsmasq
	rm -rf "$T"
}
trap cleanup EXIT
# the private view (this mount namespace only)
mkdir -p "$T/etc" "$T/drivers"
cp -a /etc/libvirt/. "$T/etc/"
cp "$DRIVERS/libvirt_driver_network.so" "$T/drivers/"
mount --bind "$T/etc" /etc/libvirt || skip "cannot bind-mount over /etc/libvirt"
mount --bind "$T/drivers" "$DRIVERS" || skip "cannot bind-mount over $DRIVERS"
mount -t tmpfs -o mode=0755 tmpfs /run || skip "cannot mount a tmpfs on /run"
mount -t tmpfs -o mode=0755 tmpfs /var || skip "cannot mount a tmpfs on /var"
mkdir -p /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /var/tmp /var/lib/misc
ln -s /run /var/run
libvirtd 2>"$T/libvirtd.log" &
LV_PID=$!
URI=network:///system
vsh() { virsh -q -c "$URI" "$@"; }
for _ in $(seq 500); do vsh net-list >/dev/null 2>&1 && break; sleep 0.02; done
vsh net-list >/dev/null 2>&1 || { tail -5 "$T/libvirtd.log" >&2; skip "libvirtd did not answer on $URI (log above)"; }
record libvirt "daemon RSS, idle" "$(rss_kb $LV_PID)" kB "libvirtd $(libvirtd --version | awk '{ print $NF }'), network driver only"

# -- 1. lifecycle ---------------------------------------------------------------
echo "bench: libvirt: lifecycle, $RUNS runs" >&2
nat_xml bench lvbench0 192.168.200 >"$T/bench.xml"
for _ in $(seq "$RUNS"); do
	timed "$T/define" vsh net-define "$T/bench.xml" || exit 1
	timed "$T/start" vsh net-start bench || exit 1
	timed "$T/destroy" vsh net-destroy bench || exit 1
	timed "$T/undefine" vsh net-undefine bench || exit 1
	timed "$T/noop" vsh net-list || exit 1
done
record_stats libvirt "net-define" "$T/define"
record_stats libvirt "net-start" "$T/start"
record_stats libvirt "net-destroy" "$T/destroy"
record_stats libvirt "net-undefine" "$T/undefine"
record_stats libvirt "net-list (client round trip)" "$T/noop"

# -- 2. scale -------------------------------------------------------------------
echo "bench: libvirt: scale to $NETS networks, $BUDGET s at most" >&2
rules() { { iptables-save; ip6tables-save; } 2>/dev/null | grep -c '^-A'; }
rules_before=$(rules)
: >"$T/sstart"
a=$(now_us)
reached=0
for i in $(seq "$NETS"); do
	nat_xml "s$i" "lvs$i" "$(scale_prefix "$i")" >"$T/s.xml"
	vsh net-define "$T/s.xml" >/dev/null || exit 1
	if ! timed "$T/sstart" vsh net-start "s$i" 2>"$T/fail"; then
		# a limit of libvirt's is a result, not a failure of the bench
		why=$(grep -o 'dnsmasq: .*\|error: .*' "$T/fail" | tail -1)
		stop_note="network $i failed to start: $why"
		echo "bench: libvirt: $stop_note" >&2
		break
	fi
	reached=$i
	[ "$i" = 1 ] && rules_one=$(rules)
	[ $((i % 100)) = 0 ] && echo "bench: libvirt: $i networks started" >&2
	[ $(( ($(now_us) - a) / 1000000 )) -ge "$BUDGET" ] && break
done
b=$(now_us)
note=""
[ "$reached" -lt "$NETS" ] && note="stopped at $reached of $NETS: ${stop_note:-the ${BUDGET}s budget was spent}"
for k in 1 10 100 1000 "$NETS"; do
	[ "$k" -le "$reached" ] || continue
	[ "$k" = 1000 ] && [ "$NETS" != 1000 ] && continue
	lo=$((k - 4)); hi=$((k + 5))
	[ $lo -lt 1 ] && { lo=1; hi=10; }
	[ $hi -gt "$reached" ] && { hi=$reached; lo=$((reached - 9)); }
	[ $lo -lt 1 ] && lo=1
	record libvirt-scale "start of network $k" "$(sed -n "${k}p" "$T/sstart" | awk '{ printf "%.2f", $1 / 1000 }')" ms "one sample"
	record libvirt-scale "start around network $k" "$(median_of "$T/sstart" $lo $hi)" ms "median of networks $lo..$hi"
done
[ "$reached" -ge 1 ] || { echo "bench: libvirt: not even one network started: $stop_note" >&2; exit 1; }
record libvirt-scale "networks started" "$reached" networks "$note"
record libvirt-scale "start, all $reached networks" "$(awk '{ s += $1 } END { printf "%.0f", s / 1000 }' "$T/sstart")" ms "sum of the starts, one after another"
record libvirt-scale "daemon RSS with $reached networks" "$(rss_kb $LV_PID)" kB
procs=$(pgrep -c -x dnsmasq)
record libvirt-scale "dnsmasq processes per network" "$(awk -v a="$procs" -v n="$reached" 'BEGIN { printf "%.2f", a / n }')" processes \
	"$procs dnsmasq for $reached networks (each network's dnsmasq and its helper)"
record libvirt-scale "iptables rules per network" "$((rules_one - rules_before))" rules "ip and ip6 tables; $rules_before before the first network"
record libvirt-scale "iptables rules, total with $reached networks" "$(rules)" rules
exit 0
