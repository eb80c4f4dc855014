#!/usr/bin/env bash
# Upstream DNS: netd reads the nameservers (--resolv-conf), gives each
# dnsmasq a servers file, and passes a change of the file on with SIGHUP, no
# restart. dnsmasq needs no inotify instance of its own (the kernel allows 128
# per user, which ended libvirt's networks at 129 in make bench).
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
make_uplink
in_ns uplink ip addr add 10.99.0.3/24 dev u0
# two upstream servers in the "outside world", telling outside.test apart
for a in 2:77 3:88; do
	in_ns uplink dnsmasq -k --conf-file=/dev/null --user=root --bind-interfaces --listen-address="10.99.0.${a%%:*}" \
		--address="/outside.test/10.99.0.${a##*:}" --ptr-record=77.160.168.192.in-addr.arpa,far.away \
		--ptr-record=77.162.168.192.in-addr.arpa,far.away --pid-file= 2>>"$T/upstream.log" &
	NSPIDS+=($!)
done
printf '# test\nnameserver 10.99.0.2\n' >"$T/resolv.conf"
start_netd --resolv-conf "$T/resolv.conf" || exit 1

cat >"$T/n.xml" <<'XML'
<network>
  <name>dnsnet</name>
  <forward mode='nat'/>
  <bridge name='ndbrdns'/>
  <ip address='192.168.160.1' prefix='24'>
    <dhcp><range start='192.168.160.100' end='192.168.160.150'/></dhcp>
  </ip>
</network>
XML
check "net-create" "$BIN/netdctl" net-create "$T/n.xml"
servers=$T/run/dnsmasq/dnsnet.servers
check "the servers file names the upstream" grep -qx "server=10.99.0.2" "$servers"
check "dnsmasq reads it instead of resolv.conf" grep -q "^no-resolv$" "$T/run/dnsmasq/dnsnet.conf"
check "  (servers-file=)" grep -qx "servers-file=$servers" "$T/run/dnsmasq/dnsnet.conf"
pid=$(pgrep -n -f "dnsmasq.*/dnsnet\.conf")
no_inotify() { # its fds are readable, and none is an inotify instance
	local fds
	fds=$(ls -l "/proc/$1/fd") && [ -n "$fds" ] && ! echo "$fds" | grep -q inotify
}
check "dnsmasq ($pid) holds no inotify instance" no_inotify "$pid"
guest_on_bridge g1 ndbrdns 52:54:00:00:16:01
check "guest gets a lease" dhcp g1
check "a name is forwarded to the upstream" resolves g1 outside.test 192.168.160.1 10.99.0.77 dnsnet

# DNS answers the network's own bridge only (CVE-2012-3411 class): a neighbour on the uplink that asks
# the bridge's address gets nothing, as with libvirt, though the address itself is reachable
in_ns uplink ip route add 192.168.160.0/24 via 10.99.0.1
check "a neighbour on the uplink reaches the bridge address (ping)" ping_from uplink 192.168.160.1
check "  and its upstream answers it (the probe works)" in_ns uplink "$BIN/nd-dnsq" 10.99.0.2 outside.test
check_fails "  but the bridge address gives it no DNS answer over UDP (no open resolver)" in_ns uplink "$BIN/nd-dnsq" 192.168.160.1 outside.test
check_fails "  nor over TCP" in_ns uplink "$BIN/nd-dnsq" --tcp 192.168.160.1 outside.test
check "  while the guest on the bridge gets its answer over UDP" in_ns g1 "$BIN/nd-dnsq" 192.168.160.1 outside.test
check "  and over TCP" in_ns g1 "$BIN/nd-dnsq" --tcp 192.168.160.1 outside.test

printf '# test\nnameserver 10.99.0.3\n' >"$T/resolv.conf.new"
mv "$T/resolv.conf.new" "$T/resolv.conf"
changed() {
	for _ in $(seq 200); do grep -qx "server=10.99.0.3" "$servers" && return 0; sleep 0.01; done
	return 1
}
check "a new resolv.conf reaches the servers file (2 s at most)" changed
check "  and only the new server is in it" test "$(cat "$servers")" = "server=10.99.0.3"
ok_resolve() {
	for _ in $(seq 20); do resolves g1 outside.test 192.168.160.1 10.99.0.88 dnsnet >/dev/null 2>&1 && return 0; sleep 0.1; done
	resolves g1 outside.test 192.168.160.1 10.99.0.88 dnsnet
}
check "dnsmasq asks the new server (SIGHUP)" ok_resolve

# localPtr='yes': reverse lookups in the network's own subnet are answered here, never asked upstream
check "without localPtr, a reverse lookup in the subnet goes upstream (far.away answers)" in_ns g1 "$BIN/nd-dnsq" --ptr 192.168.160.1 192.168.160.77
cat >"$T/ptr.xml" <<'XML'
<network><name>ptrnet</name><forward mode='nat'/><bridge name='ndbrptr'/>
<ip address='192.168.162.1' prefix='24' localPtr='yes'><dhcp><range start='192.168.162.10' end='192.168.162.20'/></dhcp></ip>
</network>
XML
check "a network with localPtr='yes'" "$BIN/netdctl" net-create "$T/ptr.xml"
guest_on_bridge g2 ndbrptr 52:54:00:00:16:02
check "  its guest gets a lease" dhcp g2
check "  its reverse lookups stay local: no upstream answer" sh -c "nsenter -t $NS_g2 -n '$BIN/nd-dnsq' --ptr 192.168.162.1 192.168.162.77 | grep -q 'answered rcode=[35] answers=0'"
check "  while forward lookups still go upstream" in_ns g2 "$BIN/nd-dnsq" 192.168.162.1 outside.test
check "destroy it" "$BIN/netdctl" net-destroy ptrnet
check "the same dnsmasq still runs (no restart)" test "$(pgrep -n -f "dnsmasq.*/dnsnet\.conf")" = "$pid"
check "netd logged the change" grep -q "resolv.conf changed: new nameservers for 1 dnsmasq" "$T/netd.log"

cat >"$T/off.xml" <<'XML'
<network>
  <name>nodns</name>
  <dns enable='no'/>
  <bridge name='ndbrnodns'/>
  <ip address='192.168.161.1' prefix='24'><dhcp><range start='192.168.161.2' end='192.168.161.9'/></dhcp></ip>
</network>
XML
check "a network without DNS" "$BIN/netdctl" net-create "$T/off.xml"
check_fails "  has no servers file" test -e "$T/run/dnsmasq/nodns.servers"
check "net-destroy removes the servers file" sh -c "'$BIN/netdctl' net-destroy dnsnet && ! test -e '$servers'"
finish
