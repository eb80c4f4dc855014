#!/usr/bin/env bash
# <bandwidth> as libvirt applies it, through netlink (no tc process): inbound
# is HTB on the device's transmit side, outbound a police action on its
# receive side; network-wide on the bridge, a portgroup's on each port.
# A portgroup's inbound floor is a guest's guaranteed share of the network's
# inbound rate (hierarchical HTB on the bridge, frames picked by destination
# MAC). Rates are measured in the kernel lane (tests/kernel/ktest-bandwidth.sh);
# here: the kernel's objects, traffic through them, and the refusals.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
start_netd || exit 1

cat >"$T/bw.xml" <<'XML'
<network>
  <name>bw</name>
  <forward mode='nat'/>
  <bridge name='ndbw0'/>
  <bandwidth><inbound average='1000' peak='2000' burst='64'/></bandwidth>
  <portgroup name='slow'><bandwidth><inbound average='500'/></bandwidth></portgroup>
  <ip address='192.168.230.1' prefix='24'/>
</network>
XML
check "a network with inbound <bandwidth> starts" "$BIN/netdctl" net-create "$T/bw.xml"
check "its bridge has an HTB class at 8 Mbit/s (1000 kB/s), ceil 16 Mbit/s" sh -c "tc class show dev ndbw0 | grep -q 'htb 1:1 root .*rate 8Mbit ceil 16Mbit'"
veth_guest s 192.168.230.20
check "a port on portgroup 'slow'" "$BIN/netdctl" net-port-create bw --persistent --ifname h-s --portgroup slow
check "the port has the portgroup's class at 4 Mbit/s" sh -c "tc class show dev h-s | grep -q 'htb 1:1 root .*rate 4Mbit'"
check "the port says it is shaped" sh -c "'$BIN/nd-call' net-port-list '{\"network\":\"bw\"}' | grep -q '\"shaped\": *true'"
# 1 MB towards the guest at 500 kB/s: about 2 s; never faster than the rate allows (+20%)
rm -f "$T/bw.rx"
in_ns s timeout 20 busybox nc -l -p 5001 >"$T/bw.rx" &
l=$!
sleep 0.3
t0=$(date +%s%N)
timeout 20 bash -c 'head -c 1000000 /dev/zero >/dev/tcp/192.168.230.20/5001' || echo "# send: exit $?"
wait $l
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "# 1000000 bytes to the guest in $ms ms"
check "TCP data reaches the shaped guest whole" test "$(stat -c %s "$T/bw.rx")" = 1000000
check "no faster than its portgroup's 500 kB/s allows (>= 1667 ms for 1 MB)" test "$ms" -ge 1667
veth_guest o 192.168.230.40
check "a port's own <bandwidth> wins over its portgroup's (1 Mbit/s)" sh -c "'$BIN/netdctl' net-port-create bw --persistent --ifname h-o --portgroup slow --bandwidth \"<bandwidth><inbound average='125'/></bandwidth>\" &&
	tc class show dev h-o | grep -q 'htb 1:1 root .*rate 1Mbit'"
check "net-update modify portgroup --live reshapes its ports at once (2 Mbit/s)" sh -c "'$BIN/netdctl' net-update bw modify portgroup \"<portgroup name='slow'><bandwidth><inbound average='250'/></bandwidth></portgroup>\" --live &&
	tc class show dev h-s | grep -q 'htb 1:1 root .*rate 2Mbit'"
check "  and keeps the port with its own <bandwidth> as it was" sh -c "tc class show dev h-o | grep -q 'rate 1Mbit'"
check "net-port-bandwidth reshapes a port live (3 Mbit/s), its record says so" sh -c "'$BIN/netdctl' net-port-bandwidth bw h-o \"<bandwidth><inbound average='375'/></bandwidth>\" &&
	tc class show dev h-o | grep -q 'htb 1:1 root .*rate 3Mbit' && '$BIN/netdctl' net-port-list bw --json | grep -q \"average='375'\""
check "  '' clears it" sh -c "'$BIN/netdctl' net-port-bandwidth bw h-o '' && ! tc qdisc show dev h-o | grep -q htb"
check "  a floor is refused live" sh -c "'$BIN/netdctl' net-port-bandwidth bw h-o \"<bandwidth><inbound average='100' floor='50'/></bandwidth>\" 2>&1 | grep -q 'a floor is set when the port is made'"
check "net-port-delete gives the client's interface back unshaped" sh -c "'$BIN/netdctl' net-port-delete bw h-s && ! tc qdisc show dev h-s | grep -q htb"
check "destroy" "$BIN/netdctl" net-destroy bw

# outbound is policed: a kernel without act_police is named, and nothing is left
sed 's/<inbound average=.1000. peak=.2000. burst=.64.\/>/<outbound average="1000"\/>/' "$T/bw.xml" >"$T/bwo.xml"
if modinfo act_police >/dev/null 2>&1 || [ -d /sys/module/act_police ]; then
	check "a network with outbound <bandwidth> starts" "$BIN/netdctl" net-create "$T/bwo.xml"
	check "its bridge polices what it receives" sh -c "tc filter show dev ndbw0 ingress | grep -q 'police.*rate 8Mbit'"
	check "destroy" "$BIN/netdctl" net-destroy bw
else
	check "without act_police, net-create fails naming it" sh -c "! '$BIN/netdctl' net-create '$T/bwo.xml' 2>'$T/bwo.err' && grep -q 'kernel lacks act_police' '$T/bwo.err'"
	check_fails "  and leaves no bridge" ip link show ndbw0
fi

# what libvirt refuses is refused by name before anything changes
cat >"$T/bwb.xml" <<'XML'
<network><name>bwb</name><forward mode='bridge'/><bridge name='br-x'/>
<bandwidth><inbound average='1000'/></bandwidth></network>
XML
check "network-wide <bandwidth> with forward mode='bridge' is refused at define" sh -c "! '$BIN/netdctl' net-define '$T/bwb.xml' 2>'$T/bwb.err' && grep -q \"network-wide <bandwidth> is not supported with forward mode='bridge'\" '$T/bwb.err'"
# inbound floors: a guest's guaranteed share of the network's rate, as libvirt (hierarchical HTB on the bridge)
cat >"$T/fl.xml" <<'XML'
<network>
  <name>fl</name>
  <forward mode='nat'/>
  <bridge name='ndfl0'/>
  <bandwidth><inbound average='1000'/></bandwidth>
  <portgroup name='gold'><bandwidth><inbound average='500' floor='300'/></bandwidth></portgroup>
  <ip address='192.168.231.1' prefix='24'/>
</network>
XML
check "a network whose portgroup has an inbound floor starts" "$BIN/netdctl" net-create "$T/fl.xml"
check "its bridge: the network's class 1:1, what no floor claims in 1:2 under it" sh -c "tc class show dev ndfl0 | grep -q 'htb 1:1 root rate 8Mbit' && tc class show dev ndfl0 | grep -q 'htb 1:2 parent 1:1 .*rate 8Mbit'"
for g in f1 f2 f3 f4; do veth_guest $g 192.168.231.$((10 + ${g#f})); done
gmac() { in_ns "$1" ip -o link show g0 | sed -n "s/.*link\/ether \([0-9a-f:]*\).*/\1/p"; }
check "a guest on 'gold' gets a class of its own, 300 kB/s (2400 Kbit/s) guaranteed" sh -c "'$BIN/netdctl' net-port-create fl --persistent --ifname h-f1 --portgroup gold --mac $(gmac f1) &&
	tc class show dev ndfl0 | grep -q 'htb 1:3 parent 1:1 .*rate 2400Kbit'"
check "  its frames are picked by their destination MAC" sh -c "tc filter show dev ndfl0 | grep -q 'flowid 1:3' && tc filter show dev ndfl0 | grep -q 'at -14'"
check "  and the unclaimed class keeps the rest (700 kB/s)" sh -c "tc class show dev ndfl0 | grep -q 'htb 1:2 parent 1:1 .*rate 5600Kbit'"
check "a second and a third guest's floors fit (900 of 1000 kB/s)" sh -c "'$BIN/netdctl' net-port-create fl --persistent --ifname h-f2 --portgroup gold --mac $(gmac f2) &&
	'$BIN/netdctl' net-port-create fl --persistent --ifname h-f3 --portgroup gold --mac $(gmac f3) && tc class show dev ndfl0 | grep -q 'htb 1:5 '"
check "a fourth would overcommit the network: refused, naming it" sh -c "'$BIN/netdctl' net-port-create fl --persistent --ifname h-f4 --portgroup gold --mac $(gmac f4) 2>&1 | grep -q 'would overcommit the network: 900 of its 1000 kB/s'"
check_fails "  and leaves nothing on the bridge" sh -c "'$BIN/netdctl' net-port-list fl | grep -q h-f4"
check "TCP data reaches a guest with a floor" tcp_from_host f1 192.168.231.11
check "deleting a port gives its floor back" sh -c "'$BIN/netdctl' net-port-delete fl h-f2 && ! tc class show dev ndfl0 | grep -q 'htb 1:4 ' &&
	tc class show dev ndfl0 | grep -q 'htb 1:2 parent 1:1 .*rate 3200Kbit'"
check "destroy" "$BIN/netdctl" net-destroy fl
sed "s/<bandwidth><inbound average='1000'\/><\/bandwidth>//" "$T/fl.xml" >"$T/flno.xml"
check "a floor without the network's own inbound rate is refused at start, naming it" sh -c "'$BIN/netdctl' net-create '$T/flno.xml' 2>&1 | grep -q \"inbound 'floor' needs the network's own inbound\""
check_fails "  and leaves no bridge" ip link show ndfl0
sed "s/<inbound average='500' floor='300'\/>/<outbound average='500' floor='300'\/>/" "$T/fl.xml" >"$T/flout.xml"
check "an outbound floor is refused (libvirt: inbound only)" sh -c "'$BIN/netdctl' net-create '$T/flout.xml' 2>&1 | grep -q 'a floor is for <inbound> only'"
finish
