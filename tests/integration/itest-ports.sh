#!/usr/bin/env bash
# Ports: TAP devices created by netd on the bridge (host MAC FE:.., the
# network's MTU, bridge port isolation), their fds handed over (multiqueue
# too), removed when the owner's connection closes, kept when persistent
# (also across a daemon restart) until deleted.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
start_netd || exit 1
FAKE=$ROOT/tests/tools/fake-qemu.sh

cat >"$T/p.xml" <<'XML'
<network><name>pnet</name><forward mode='nat'/><bridge name='ndp0'/><mtu size='1450'/>
<port isolated='yes'/>
<ip address='192.168.230.1' prefix='24'><dhcp><range start='192.168.230.10' end='192.168.230.20'/></dhcp></ip>
</network>
XML
check "create the network" "$BIN/netdctl" net-create "$T/p.xml"

launch_fake() { # launch_fake OUT ARGS...: netd-launch on the stub, in the background
	local out=$1; shift
	FAKE_QEMU_OUT=$out "$BIN/netd-launch" --qemu "$FAKE" --network pnet "$@" -- -m 64 2>"$out.err" &
	LAST_PID=$!
	for _ in $(seq 100); do [ -s "$out" ] && return 0; kill -0 $LAST_PID 2>/dev/null || break; sleep 0.05; done
	cat "$out.err"; return 1
}
check "netd-launch hands a TAP to the stub" launch_fake "$T/q1" --mac 52:54:00:00:aa:01
port=$("$BIN/netdctl" net-port-list pnet | awk '$2 == "52:54:00:00:aa:01" {print $1}')
check "the port is listed with the guest's MAC" test -n "$port"
check "the stub got exactly one TAP fd" test "$(grep -c '^tun fd' "$T/q1")" = 1
check "the stub's command line names that fd and the MAC" grep -q "tap,id=netd0,fd=$(sed -n 's/^tun fd //p' "$T/q1").*mac=52:54:00:00:aa:01" "$T/q1"
check "the TAP is a port of the bridge" sh -c "ip -o link show $port | grep -q 'master ndp0'"
check "the host side's MAC is FE:..." sh -c "ip -o link show $port | grep -q 'link/ether fe:54:00:00:aa:01'"
check "the port has the network's MTU" sh -c "ip -o link show $port | grep -q 'mtu 1450'"
check "the port is isolated (<port isolated='yes'/>)" sh -c "ip -d link show $port | grep -q 'isolated on'"
check "the TAP has vnet_hdr" sh -c "grep -q 'tun' /proc/net/dev; ip -d link show $port | grep -q 'tun type tap.*vnet_hdr on'"
check "the TAP has no IPv6 of its own (disable_ipv6=1; guests' IPv6 is bridged all the same)" grep -qx 1 "/proc/sys/net/ipv6/conf/$port/disable_ipv6"
check_fails "a second port with the same MAC is refused" launch_fake "$T/qdup" --mac 52:54:00:00:aa:01
touch "$T/q1.stop"
for _ in $(seq 100); do ip link show "$port" >/dev/null 2>&1 || break; sleep 0.05; done
check_fails "the port is gone when the stub exits" ip link show "$port"
listed() { "$BIN/netdctl" net-port-list pnet | grep -q "$1"; }
for _ in $(seq 100); do listed "$port" || break; sleep 0.05; done
check_fails "and is no longer listed" listed "$port"

check "multiqueue: 4 queues" launch_fake "$T/q4" --queues 4
q4pid=$LAST_PID
check "the stub got 4 TAP fds" test "$(grep -c '^tun fd' "$T/q4")" = 4
check "its command line has fds= with 4 fds and mq=on" grep -q "fds=[0-9]*:[0-9]*:[0-9]*:[0-9]*.*mq=on,vectors=10" "$T/q4"
touch "$T/q4.stop"
wait "$q4pid"

mkdir -m 1777 "$T/pub"
if launch_fake "$T/pub/qu" --user nobody; then
	check "--user nobody: the stub runs as uid 65534" grep -q "^uid 65534" "$T/pub/qu"
	check "--user nobody: it still got its TAP fd" grep -q "^tun fd" "$T/pub/qu"
	touch "$T/pub/qu.stop"; wait "$LAST_PID"
else
	not_ok "--user nobody: launch failed"; cat "$T/pub/qu.err"
fi

check "a persistent port" "$BIN/netdctl" net-port-create pnet --persistent --mac 52:54:00:00:bb:01
check "a port named by the client (a libvirt domain's <target dev='vm1-eth0' managed='no'/>)" sh -c "'$BIN/netdctl' net-port-create pnet --persistent --name vm1-eth0 &&
	ip -d link show vm1-eth0 | grep -q 'tun type tap' && ip -o link show vm1-eth0 | grep -q 'master ndp0'"
check "net-port-dumpxml shows it as libvirt's <networkport>" sh -c "out=\$('$BIN/netdctl' net-port-dumpxml pnet vm1-eth0); echo \"\$out\" | grep -q \"<target dev='vm1-eth0'/>\" && echo \"\$out\" | grep -q \"<plug type='network' bridge='ndp0' macTableManager='kernel'/>\""
check "  a second port of that name is refused, naming it" sh -c "'$BIN/netdctl' net-port-create pnet --persistent --name vm1-eth0 2>&1 | grep -q \"port name 'vm1-eth0': an interface of that name exists\""
check "  and deleted by name" sh -c "'$BIN/netdctl' net-port-delete pnet vm1-eth0 && ! ip link show vm1-eth0 2>/dev/null"
pport=$("$BIN/netdctl" net-port-list pnet | awk '$2 == "52:54:00:00:bb:01" {print $1}')
check "it outlives the client" ip link show "$pport"
stop_netd
start_netd || exit 1
check "it is listed after a daemon restart" sh -c "'$BIN/netdctl' net-port-list pnet | grep -q '$pport.*yes'"
check "net-port-delete" "$BIN/netdctl" net-port-delete pnet "$pport"
check_fails "the persistent port is gone" ip link show "$pport"
# netd removes the port when it sees the connection close: wait for that, 2 s at most
vanishes() {
	"$BIN/netdctl" net-port-create pnet | grep -q created || return 1
	for _ in $(seq 40); do ip -o link show | grep -q vnet || return 0; sleep 0.05; done
	return 1
}
check "a non-persistent port from netdctl vanishes with netdctl" vanishes
check_fails "a port on a missing portgroup is refused" "$BIN/netdctl" net-port-create pnet --portgroup nope
says() { local want=$1; shift; "$@" 2>&1 | tee /dev/stderr | grep -q -- "$want"; }
check "a multicast MAC is refused by name" says "mac '01:00:5e:00:00:01' is not a unicast MAC" "$BIN/netdctl" net-port-create pnet --mac 01:00:5e:00:00:01
check "netd-launch: --queues out of range is named" says "--queues: expected 1..16, got '0'" "$BIN/netd-launch" --network pnet --queues 0 -- -m 64
check "netd-launch: an unknown --accel is named" says "--accel: expected kvm, tcg or auto, got 'xen'" "$BIN/netd-launch" --network pnet --accel xen -- -m 64
check "netd-launch: --network is required" says "--network is required" "$BIN/netd-launch" -- -m 64
check "netd-launch: a missing network is netd's error" says "network 'nope' not found" "$BIN/netd-launch" --network nope -- -m 64
check_fails "no port was left by the refused launches" sh -c "ip -o link show | grep -q vnet" 
check "ports of a destroyed transient network are removed" sh -c "'$BIN/netdctl' net-port-create pnet --persistent >/dev/null && '$BIN/netdctl' net-destroy pnet && ! ip -o link show | grep -q vnet"

# net-destroy + net-start of a persistent network: the ports it knows and the interfaces others put on its
# bridge go back on it; running guests are not left unplugged
cat >"$T/r.xml" <<'XML'
<network><name>rnet</name><forward mode='nat'/><bridge name='ndr0'/>
<ip address='192.168.234.1' prefix='24'><dhcp><range start='192.168.234.10' end='192.168.234.20'/></dhcp></ip>
</network>
XML
check "define and start a persistent network" sh -c "'$BIN/netdctl' net-define '$T/r.xml' && '$BIN/netdctl' net-start rnet"
check "a TAP port named tapr" "$BIN/netdctl" net-port-create rnet --persistent --name tapr
new_ns rg; ip link add h-rg type veth peer name g0 netns "$NS_rg"; in_ns rg ip link set g0 up
check "a guest's veth as a port" "$BIN/netdctl" net-port-create rnet --persistent --ifname h-rg
ip link add fx type veth peer name fxp
ip link set fx master ndr0 up
check "the guest gets a lease" dhcp rg
check "net-destroy keeps the ports, unplugged" sh -c "'$BIN/netdctl' net-destroy rnet && ip link show tapr >/dev/null && '$BIN/netdctl' net-port-list rnet --json | grep -q '\"plugged\": *false'"
stop_netd
start_netd || exit 1
check "a netd restart meanwhile keeps them" sh -c "'$BIN/netdctl' net-port-list rnet | grep -q tapr && ip link show tapr >/dev/null"
check "net-start puts the TAP, the guest's veth and the foreign interface back on the bridge" sh -c "'$BIN/netdctl' net-start rnet &&
	ip -o link show tapr | grep -q 'master ndr0' && ip -o link show h-rg | grep -q 'master ndr0' && ip -o link show fx | grep -q 'master ndr0'"
check "  and the guest has its network again: a lease" dhcp rg
check "  and TCP to the host" tcp_to_host rg 192.168.234.1
# a reboot: the run dir and every device gone; the persistent TAP port's definition makes it again
"$BIN/netdctl" net-autostart rnet >/dev/null
mac_before=$("$BIN/netdctl" net-port-list rnet --json | sed -n '/"port": *"tapr"/,/}/s/.*"mac": *"\([^"]*\)".*/\1/p' | head -1)
stop_netd
pkill -x dnsmasq; ip link del tapr; ip link del ndr0; nft delete table inet netd 2>/dev/null
rm -rf "$T/run"
start_netd || exit 1
check "after a reboot the persistent TAP port is made again on the autostarted network" sh -c "ip -o link show tapr | grep -q 'master ndr0'"
check "  with its MAC ($mac_before)" sh -c "'$BIN/netdctl' net-port-list rnet | grep -q 'tapr *$mac_before'"
check "undefining the stopped network takes its ports with it" sh -c "'$BIN/netdctl' net-destroy rnet && '$BIN/netdctl' net-undefine rnet && ! ip link show tapr 2>/dev/null"
finish
