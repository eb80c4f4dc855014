#!/usr/bin/env bash
# <bandwidth> (issue "Production-kernel lane", 5; "libvirt parity", 7): the
# network's rates on its bridge and a portgroup's on each port, inbound
# (HTB+SFQ) and outbound (police, which this machine's kernel lacks), each
# measured with TCP data: within 20% of the configured rate.
. "$ROOT/tests/integration/lib.sh"
need_root
ip link set lo up
start_netd || exit 1
cat >"$T/bw.xml" <<'XML'
<network>
  <name>bw</name>
  <forward mode='nat'/>
  <bridge name='ndbw0'/>
  <bandwidth><inbound average='500'/><outbound average='500'/></bandwidth>
  <portgroup name='slow'>
    <bandwidth><inbound average='250'/><outbound average='250'/></bandwidth>
  </portgroup>
  <portgroup name='gold'><bandwidth><inbound floor='300'/></bandwidth></portgroup>
  <ip address='192.168.230.1' prefix='24'/>
</network>
XML
check "a network with inbound and outbound <bandwidth> starts" "$BIN/netdctl" net-create "$T/bw.xml"
check "its bridge shapes what it sends (HTB 4 Mbit/s)" sh -c "tc class show dev ndbw0 | grep -q 'htb 1:1 root .*rate 4Mbit'"
check "  with SFQ under it" sh -c "tc qdisc show dev ndbw0 | grep -q 'qdisc sfq 2: parent 1:2'"
check "and polices what it receives (4 Mbit/s)" sh -c "tc filter show dev ndbw0 ingress | grep -q 'police.*rate 4Mbit'"
veth_guest a 192.168.230.20
veth_guest s 192.168.230.30
check "a port on the network" "$BIN/netdctl" net-port-create bw --persistent --ifname h-a
check "a port on portgroup 'slow'" "$BIN/netdctl" net-port-create bw --persistent --ifname h-s --portgroup slow
check "the slow port is shaped (2 Mbit/s) and policed" sh -c "tc class show dev h-s | grep -q 'rate 2Mbit' && tc filter show dev h-s ingress | grep -q 'police.*rate 2Mbit'"

# send FROM TO ADDR BYTES: ms for BYTES over TCP; FROM/TO are namespaces or "host"
send() {
	local from=$1 to=$2 addr=$3 bytes=$4 t0 t1 l
	rm -f "$T/bw.rx"
	if [ "$to" = host ]; then timeout 60 busybox nc -l -p 5001 >"$T/bw.rx" & else in_ns "$to" timeout 60 busybox nc -l -p 5001 >"$T/bw.rx" & fi
	l=$!
	sleep 0.3
	t0=$(date +%s%N)
	if [ "$from" = host ]; then
		timeout 60 bash -c "head -c $bytes /dev/zero >/dev/tcp/$addr/5001"
	else
		in_ns "$from" timeout 60 bash -c "head -c $bytes /dev/zero >/dev/tcp/$addr/5001"
	fi
	wait "$l"
	t1=$(date +%s%N)
	[ "$(stat -c %s "$T/bw.rx")" = "$bytes" ] || { echo "# only $(stat -c %s "$T/bw.rx") of $bytes bytes arrived"; return 1; }
	echo $(( (t1 - t0) / 1000000 ))
}
# within FROM TO ADDR BYTES RATE_KBPS: the measured rate is RATE +-20%
within() {
	local ms rate
	ms=$(send "$1" "$2" "$3" "$4") || return 1
	rate=$(( $4 / ms ))   # bytes per ms = kB/s
	echo "# $4 bytes $1 -> $2 in $ms ms: $rate kB/s (configured $5)" | tee -a "$T/rates"
	[ "$rate" -ge $(( $5 * 8 / 10 )) ] && [ "$rate" -le $(( $5 * 12 / 10 )) ]
}
# long enough (8 s) that the connection's start and libvirt's default police burst (the average's
# kilobytes: a TCP sender needs a bucket that size) weigh little
check "network inbound: the host sends to a guest at 500 kB/s +-20%" within host a 192.168.230.20 4000000 500
check "network outbound: a guest sends to the host at 500 kB/s +-20%" within a host 192.168.230.1 4000000 500
check "portgroup inbound: the slow guest receives at 250 kB/s +-20%" within host s 192.168.230.30 2000000 250
check "portgroup outbound: the slow guest sends at 250 kB/s +-20%" within s host 192.168.230.1 2000000 250
# a floor under contention: the host floods a guest without one and a guest with a 300 kB/s floor at
# once; the network's 500 kB/s are shared so that the floor holds
veth_guest f 192.168.230.50
check "a port on portgroup 'gold' (inbound floor 300 kB/s)" "$BIN/netdctl" net-port-create bw --persistent --ifname h-f --portgroup gold \
	--mac "$(in_ns f ip -o link show g0 | sed -n "s/.*link\/ether \([0-9a-f:]*\).*/\1/p")"
floor_holds() {
	local t0 t1 lf pids=() p
	rm -f "$T"/fa*.rx "$T/ff.rx"
	# four flows to a: without the floor, fair queueing would leave f a fifth of the 500 kB/s
	for p in 5002 5004 5005 5006; do
		in_ns a timeout 60 busybox nc -l -p $p >"$T/fa$p.rx" & pids+=($!)
	done
	in_ns f timeout 60 busybox nc -l -p 5003 >"$T/ff.rx" & lf=$!
	sleep 0.3
	for p in 5002 5004 5005 5006; do
		timeout 60 bash -c "head -c 2500000 /dev/zero >/dev/tcp/192.168.230.20/$p" &
	done
	sleep 1   # the floods to a have the link first
	t0=$(date +%s%N)
	timeout 60 bash -c "head -c 2000000 /dev/zero >/dev/tcp/192.168.230.50/5003"
	wait "$lf"
	t1=$(date +%s%N)
	wait "${pids[@]}"
	local ms=$(( (t1 - t0) / 1000000 )) rate
	rate=$(( 2000000 / ms ))
	echo "# the floor guest received 2000000 bytes in $ms ms against 4 flows to another guest: $rate kB/s (floor 300)" | tee -a "$T/rates"
	[ "$(stat -c %s "$T/ff.rx")" = 2000000 ] && [ "$rate" -ge 240 ]
}
check "under contention the floor guest still gets its 300 kB/s (-20%)" floor_holds
cat "$T/rates"
check "destroy" "$BIN/netdctl" net-destroy bw
check_fails "the ports' interfaces keep no shaping" sh -c "tc qdisc show dev h-s | grep -Eq 'htb|ingress'"
finish
