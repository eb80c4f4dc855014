#!/usr/bin/env bash
# dnsmasq's log, as an operator finds it: with the journal, each network's
# dnsmasq has its own stream tagged dnsmasq@NETWORK that keeps flowing while
# netd restarts; without it, RUN_DIR/dnsmasq/NAME.log stays under
# --dnsmasq-log-max (NAME.log.1 keeps the previous part). A fake journald
# (nd-streamsink) stands in for the real one.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up

net_xml() { # net_xml NAME BRIDGE THIRD-OCTET
	cat <<XML
<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>
  <name>$1</name><bridge name='$2'/>
  <ip address='192.168.$3.1' prefix='24'><dhcp><range start='192.168.$3.100' end='192.168.$3.150'/></dhcp></ip>
  <dns><host ip='192.168.$3.7'><hostname>seven</hostname></host></dns>
  <dnsmasq:options><dnsmasq:option value='log-queries'/></dnsmasq:options>
</network>
XML
}
# queries NS SERVER COUNT: COUNT lookups of seven from the guest NS
queries() {
	local i
	for i in $(seq "$3"); do in_ns "$1" "$BIN/nd-dnsq" "$2" seven >/dev/null || return 1; done
}

# -- the journal
"$BIN/nd-streamsink" "$T/journal.sock" "$T/journal.out" 120 &
NSPIDS+=($!)
for _ in $(seq 100); do [ -S "$T/journal.sock" ] && break; sleep 0.02; done
start_netd --dnsmasq-log journal --journal-socket "$T/journal.sock" || exit 1
net_xml jnet ndjnet 171 >"$T/j.xml"
check "net-create with the journal" "$BIN/netdctl" net-create "$T/j.xml"
veth_guest gj 192.168.171.50
ip link set h-gj master ndjnet up
check "the stream names the network (dnsmasq@jnet)" grep -q "^dnsmasq@jnet$" "$T/journal.out"
check "  and carries dnsmasq's start" grep -q "started, version" "$T/journal.out"
check "no log file in the run dir" test ! -e "$T/run/dnsmasq/jnet.log"
check "a guest's query" queries gj 192.168.171.1 1
check "  is logged to the journal" grep -q "query\[A\] seven from 192.168.171.50" "$T/journal.out"
stop_netd
check "with netd stopped, a guest's query" queries gj 192.168.171.1 1
sleep 0.2
check "  is still logged (the stream is dnsmasq's, not netd's)" \
	test "$(grep -c "query\[A\] seven from 192.168.171.50" "$T/journal.out")" -ge 2
start_netd --dnsmasq-log journal --journal-socket "$T/journal.sock" || exit 1
check "  and after netd is back" queries gj 192.168.171.1 1
sleep 0.2
check "  too" test "$(grep -c "query\[A\] seven from 192.168.171.50" "$T/journal.out")" -ge 3
# raw options dnsmasq refuses: the start fails with dnsmasq's own word
sed 's/log-queries/no-such-option-here/; s/jnet/jbad/; s/ndjnet/ndjbad/; s/171/172/g' "$T/j.xml" >"$T/jbad.xml"
out=$("$BIN/netdctl" net-create "$T/jbad.xml" 2>&1)
check "a raw option dnsmasq refuses fails the start" test $? -ne 0
echo "$out"
check "  with dnsmasq's reason" grep -q "bad option\|unrecognized\|unknown" <<<"$out"
check "  and leaves nothing" test ! -e "$T/run/networks/jbad.json"
check "net-destroy" "$BIN/netdctl" net-destroy jnet
stop_netd

# -- files, kept under the limit
start_netd --dnsmasq-log file --dnsmasq-log-max 2K || exit 1
net_xml fnet ndfnet 173 >"$T/f.xml"
check "net-create with files" "$BIN/netdctl" net-create "$T/f.xml"
veth_guest gf 192.168.173.50
ip link set h-gf master ndfnet up
log=$T/run/dnsmasq/fnet.log
check "dnsmasq logs to its file" grep -q "started, version" "$log"
check "60 guest queries" queries gf 192.168.173.1 60
check "  make the log outgrow 2 KiB" test "$(stat -c %s "$log")" -gt 2048
rotated=
for _ in $(seq 80); do [ -s "$log.1" ] && rotated=1 && break; sleep 0.1; done
check "netd keeps the previous part as fnet.log.1" test -n "$rotated"
check "  and empties fnet.log" test "$(stat -c %s "$log")" -lt 2048
check "  fnet.log.1 holds the queries" grep -q "query\[A\] seven from 192.168.173.50" "$log.1"
check "another query" queries gf 192.168.173.1 1
check "  lands at the start of the emptied fnet.log (no hole)" \
	sh -c "head -c 200 '$log' | grep -q 'seven'"
out=$("$BIN/netd" --dnsmasq-log-max 12Q 2>&1)
check "a bad size is refused, naming the option" grep -q -- "--dnsmasq-log-max: expected a size.*12Q" <<<"$out"
out=$("$BIN/netd" --dnsmasq-log syslog 2>&1)
check "an unknown log target is refused by name" grep -q -- "--dnsmasq-log: expected auto, journal or file, got 'syslog'" <<<"$out"
check "net-destroy" "$BIN/netdctl" net-destroy fnet
finish
