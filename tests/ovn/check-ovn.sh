#!/usr/bin/env bash
# make check-ovn: one OVN network across two hosts, built by each host's netd.
# Runs as PID 1 of its own PID, mount and network namespaces (tests/ovn/run.sh):
# a central (NB, SB, ovn-northd), hosts A and B (OVS userspace datapath,
# ovn-controller, netd), an uplink namespace behind host A's br-ex, all joined
# by an underlay switch. Closing line: "ovn: N passed, M failed".
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${BIN:-$ROOT/build/bin}
T=$(mktemp -d /tmp/netd-ovn.XXXXXX)
chmod 755 "$T"
PASSES=0
FAILS=0
. "$ROOT/tests/lib/netns.sh"
. "$ROOT/tests/ovn/lab.sh"
cleanup() {
	lab_stop_all
	for p in "${NSPIDS[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
ok() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
not_ok() { FAILS=$((FAILS + 1)); echo "not ok - $*"; }
check() {
	local what=$1; shift
	if "$@" >"$T/last.out" 2>&1; then ok "$what"; else not_ok "$what"; sed 's/^/#   /' "$T/last.out" | head -20; fi
}
finish() {
	echo "ovn: $PASSES passed, $FAILS failed"
	[ "$FAILS" = 0 ]
}
for tool in ovn-nbctl ovn-northd ovn-controller ovsdb-server ovs-vswitchd ethtool busybox; do
	command -v "$tool" >/dev/null || { not_ok "$tool is missing (make deps: ovn-central ovn-host openvswitch-switch ethtool)"; finish; exit 1; }
done

cat >"$T/udhcpc.sh" <<'EOS'
#!/bin/sh
case "$1" in
bound|renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/$mask" dev "$interface"
	[ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
	echo "$ip $mtu $router $dns $domain" >"$LEASE_FILE" ;;
esac
EOS
chmod +x "$T/udhcpc.sh"
dhcp() { # dhcp GUEST: a lease from OVN's DHCP; "IP MTU ROUTER DNS DOMAIN" in $T/GUEST.lease
	rm -f "$T/$1.lease"
	in_ns "$1" env LEASE_FILE="$T/$1.lease" timeout 20 busybox udhcpc -i g0 -n -q -t 8 -T 1 -O mtu -O dns -O domain \
		-s "$T/udhcpc.sh" >/dev/null 2>&1
	[ -s "$T/$1.lease" ]
}
lease_ip() { awk '{ print $1 }' "$T/$1.lease"; }
# tcp FROM ADDR NS-OF-LISTENER: a line over TCP, seen by the listener
tcp() {
	rm -f "$T/tcp.rx"
	in_ns "$3" timeout 8 busybox nc -l -p 5001 >"$T/tcp.rx" &
	local l=$!
	for _ in $(seq 60); do in_ns "$3" ss -Hltn "sport = :5001" | grep -q . && break; sleep 0.05; done
	echo "hello from $1" | in_ns "$1" timeout 6 busybox nc -w 3 "$2" 5001
	wait $l 2>/dev/null
	grep -q "hello from $1" "$T/tcp.rx"
}
# tcp_retry: the first packet to a new tunnel peer is lost (ENVIRONMENT.md): up to 3 tries
tcp_retry() { for _ in 1 2 3; do tcp "$@" && return 0; done; return 1; }
# lsp_of COLUMN=VALUE: the logical port's name (none: empty); lsp_gone/lsp_there: until it is (5 s at most)
lsp_of() { nbctl --bare --columns=name find Logical_Switch_Port "$1"; }
lsp_gone() { for _ in $(seq 50); do [ -z "$(lsp_of "$1")" ] && return 0; sleep 0.1; done; return 1; }
lsp_there() { for _ in $(seq 50); do [ -n "$(lsp_of "$1")" ] && return 0; sleep 0.1; done; return 1; }

# -- the lab ---------------------------------------------------------------------
ip link set lo up
lab_underlay
LAB_SSL=1 lab_central || { not_ok "OVN central (NB, SB, ovn-northd)"; cat "$T/central/err"; finish; exit 1; }
lab_host hostA 172.31.0.11 physnet:br-ex || { not_ok "host A"; cat "$T/hostA/ovs/err"; finish; exit 1; }
lab_host hostB 172.31.0.12 physnet:br-ex || { not_ok "host B"; cat "$T/hostB/ovs/err"; finish; exit 1; }
lab_uplink hostA hostB || { not_ok "uplink"; finish; exit 1; }
for _ in $(seq 100); do [ "$(sbctl --bare --columns=name list Chassis | grep -c host)" = 2 ] && break; sleep 0.1; done
check "the lab: central, hosts A and B registered as chassis" sh -c "[ \"\$(ovn-sbctl --db=unix:$T/central/sb.sock --bare --columns=name list Chassis | grep -c host)\" = 2 ]"
start_netd_on hostA && start_netd_on hostB || { not_ok "netd on both hosts"; finish; exit 1; }
ok "netd runs on both hosts"

UUID=$LAB_TENANT_UUID
lab_tenant_xml "  <domain name='tenant.lab'/>
  <dns><forwarder addr='10.99.0.2'/><host ip='192.168.50.5'><hostname>db</hostname></host></dns>
  <ip address='192.168.50.1' prefix='24'>
    <dhcp>
      <range start='192.168.50.10' end='192.168.50.99'/>
      <host mac='52:54:00:50:00:07' name='seven' ip='192.168.50.7'/>
    </dhcp>
  </ip>" >"$T/tenant.xml"
check "tenant defined on host A" hctl hostA net-define "$T/tenant.xml"
check "tenant defined on host B" hctl hostB net-define "$T/tenant.xml"
hctl hostA net-start tenant >"$T/sa" 2>&1 &
sa=$!
hctl hostB net-start tenant >"$T/sb" 2>&1
rb=$?
wait $sa
ra=$?
cat "$T/sa" "$T/sb"
check "net-start on both hosts at once" test "$ra$rb" = 00
LS=netd-$UUID
check "NB: one logical switch, tagged with the network's name and UUID" sh -c "
	[ \"\$(ovn-nbctl --db=unix:$T/central/nb.sock --bare --columns=name find Logical_Switch name=$LS | grep -c .)\" = 1 ] &&
	ovn-nbctl --db=unix:$T/central/nb.sock get Logical_Switch $LS external_ids | grep -q 'netd-network=tenant'"
check "NB: one router with the gateway 192.168.50.1/24 and the uplink port 10.99.0.10/24 on chassis hostA" sh -c "
	nb() { ovn-nbctl --db=unix:$T/central/nb.sock \"\$@\"; }
	[ \"\$(nb --bare --columns=name find Logical_Router name=$LS-lr | grep -c .)\" = 1 ] &&
	nb get Logical_Router_Port $LS-lrp networks | grep -q 192.168.50.1/24 &&
	nb get Logical_Router_Port $LS-lrp-ext networks | grep -q 10.99.0.10/24 &&
	nb lrp-get-gateway-chassis $LS-lrp-ext | grep -q hostA"
check "NB: SNAT of 192.168.50.0/24 to 10.99.0.10, default route to 10.99.0.2" sh -c "
	ovn-nbctl --db=unix:$T/central/nb.sock lr-nat-list $LS-lr | grep -q 'snat.*10.99.0.10.*192.168.50.0/24' &&
	ovn-nbctl --db=unix:$T/central/nb.sock lr-route-list $LS-lr | grep -q '0.0.0.0/0.*10.99.0.2'"
check "NB: one DHCP_Options (router, lease, MTU 1442 = 1500 - Geneve) and one DNS row" sh -c "
	nb() { ovn-nbctl --db=unix:$T/central/nb.sock \"\$@\"; }
	[ \"\$(nb --bare --columns=_uuid find DHCP_Options external_ids:netd-uuid=$UUID | grep -c .)\" = 1 ] &&
	[ \"\$(nb --bare --columns=_uuid find DNS external_ids:netd-uuid=$UUID | grep -c .)\" = 1 ] &&
	nb --bare --columns=options find DHCP_Options external_ids:netd-uuid=$UUID | grep -q 'mtu=1442' &&
	nb --bare --columns=records find DNS external_ids:netd-uuid=$UUID | grep -q 'db.tenant.lab'"
check "no dnsmasq and no nftables rules of netd's for an OVN network (OVN serves DHCP, DNS, NAT)" sh -c "
	! pgrep -x dnsmasq >/dev/null && ! nsenter -t $NS_hostA -n nft list tables | grep -q netd &&
	! nsenter -t $NS_hostB -n nft list tables | grep -q netd"
check "netdctl net-info on host B names the NB and the logical switch" sh -c "
	i=\$(NETD_SOCKET=$T/hostB/netd/netd.sock nsenter -t $NS_hostB -n $BIN/netdctl net-info tenant) &&
	echo \"\$i\" | grep -q '^OVN NB: *$OVN_NB' && echo \"\$i\" | grep -q '^OVN switch: *netd-$UUID' &&
	echo \"\$i\" | grep -q '^Bridge: *br-int'"
check "netdctl net-list on host B: tenant active" sh -c "NETD_SOCKET=$T/hostB/netd/netd.sock nsenter -t $NS_hostB -n $BIN/netdctl net-list | grep -Eq '^ *tenant +active'"

# -- guests ----------------------------------------------------------------------
check "a namespace guest on host A gets a port" ns_guest gA hostA 52:54:00:50:00:0a tenant
check "a namespace guest on host B gets a port" ns_guest gB hostB 52:54:00:50:00:0b tenant
check "  its logical port is in NB, bound to host B only (requested-chassis), up" sh -c "
	nb() { ovn-nbctl --db=unix:$T/central/nb.sock \"\$@\"; }
	p=\$(nb --bare --columns=name find Logical_Switch_Port external_ids:netd-port=v-gB) && [ -n \"\$p\" ] &&
	nb get Logical_Switch_Port \$p options | grep -q 'requested-chassis=hostB' && [ \"\$(nb get Logical_Switch_Port \$p up)\" = true ]"
check "guest A: a lease from OVN's DHCP" dhcp gA
check "guest B: a lease from OVN's DHCP" dhcp gB
cat "$T/gA.lease" "$T/gB.lease" 2>/dev/null | sed 's/^/# lease: /'
check "  in the range, MTU 1442, router 192.168.50.1, DNS server 10.99.0.2 (<forwarder>), domain tenant.lab" sh -c "
	read ip mtu router dns dom <'$T/gA.lease' && case \$ip in 192.168.50.[1-9][0-9]) ;; *) exit 1;; esac &&
	[ \$mtu = 1442 ] && [ \$router = 192.168.50.1 ] && [ \$dns = 10.99.0.2 ] && [ \$dom = tenant.lab ]"
check "a guest with a reserved MAC (<dhcp><host>) gets a port on host B" ns_guest g7 hostB 52:54:00:50:00:07 tenant
check "  and a lease" dhcp g7
check "  of its reserved address 192.168.50.7" sh -c "[ \"\$(awk '{print \$1}' '$T/g7.lease' 2>/dev/null)\" = 192.168.50.7 ]"
for g in gA gB g7; do in_ns "$g" ip link set g0 mtu 1442; done

# the Geneve tunnel, seen on the underlay switch
nft -f - <<'NFT'
table bridge lab {
	counter c_geneve { }
	chain ul_forward {
		type filter hook forward priority 0;
		udp dport 6081 counter name c_geneve
	}
}
NFT
ipB=$(lease_ip gB)
check "guest A -> guest B across hosts with TCP ($ipB)" tcp_retry gA "$ipB" gB
check "  carried by Geneve: UDP 6081 on the underlay between the hosts" sh -c "nft list counter bridge lab c_geneve | grep -Eq 'packets [1-9]'"
check "guest B -> guest A with TCP" tcp_retry gB "$(lease_ip gA)" gA
# port security: a guest sends from its MAC and its address only
ipA=$(lease_ip gA)
check "port security: guest A's logical port holds it to its MAC and leased address ($ipA)" sh -c "
	p=\$(ovn-nbctl --db=unix:$T/central/nb.sock --bare --columns=name find Logical_Switch_Port external_ids:netd-port=v-gA) &&
	ovn-nbctl --db=unix:$T/central/nb.sock get Logical_Switch_Port \$p port_security | grep -q '52:54:00:50:00:0a $ipA'"
in_ns gA ip addr add 192.168.50.222/24 dev g0
in_ns gA ip route add "$ipB/32" dev g0 src 192.168.50.222
no_tcp() { ! tcp "$@"; }
check "  guest A's TCP from an address not its own (192.168.50.222) is dropped" no_tcp gA "$ipB" gB
in_ns gA ip route del "$ipB/32"
in_ns gA ip addr del 192.168.50.222/24 dev g0
check "  nor from another MAC" sh -c "nsenter -t $NS_gA -n ip link set g0 address 52:54:00:50:00:99 &&
	! nsenter -t $NS_gA -n ping -c 2 -W 1 $ipB >/dev/null; r=\$?; nsenter -t $NS_gA -n ip link set g0 address 52:54:00:50:00:0a; exit \$r"
check "  its own address and MAC still work" tcp_retry gA "$ipB" gB
check "OVN's DNS answers db.tenant.lab (a <dns><host>) to guest A, asking its DNS server" nsenter -t "$NS_gA" -n "$BIN/nd-dnsq" 10.99.0.2 db.tenant.lab
check "  and seven.tenant.lab (a <dhcp><host name>) to guest B" nsenter -t "$NS_gB" -n "$BIN/nd-dnsq" 10.99.0.2 seven.tenant.lab

# SNAT to the uplink: the uplink sees 10.99.0.10
nsenter -t "$NS_uplink" -n nft -f - <<'NFT'
table inet lab {
	counter c_snat { }
	chain ul_input {
		type filter hook input priority 0;
		ip saddr 10.99.0.10 tcp dport 5001 counter name c_snat
	}
}
NFT
check "guest A (on the gateway chassis) reaches the uplink with TCP" tcp_retry gA 10.99.0.2 uplink
check "guest B (the other host) reaches the uplink with TCP, through host A" tcp_retry gB 10.99.0.2 uplink
check "  the uplink saw the SNAT address 10.99.0.10" sh -c "nsenter -t $NS_uplink -n nft list counter inet lab c_snat | grep -Eq 'packets [1-9]'"

# -- libvirt's QEMU driver asks for a port (NETWORK_PORT_CREATE_XML, as virtqemud does at domain start) --
if command -v virsh >/dev/null; then
	V="network:///system?socket=$T/hostB/netd/run/virtnetworkd-sock"
	cat >"$T/nport.xml" <<'XML'
<networkport>
  <uuid>0b3f6a3e-1111-4222-8333-944455556666</uuid>
  <owner><name>vm1</name><uuid>7d1e3c1a-1111-4222-8333-944455556667</uuid></owner>
  <mac address='52:54:00:50:00:44'/>
</networkport>
XML
	check "virsh net-port-create on host B (what libvirt's QEMU driver sends)" timeout 20 virsh -q -c "$V" net-port-create tenant "$T/nport.xml"
	check "  the plug: OVN's integration bridge, the port's UUID as interface id" sh -c "
		x=\$(timeout 20 virsh -q -c '$V' net-port-dumpxml tenant 0b3f6a3e-1111-4222-8333-944455556666) &&
		echo \"\$x\" | grep -q \"bridge='br-int'\" && echo \"\$x\" | grep -q \"interfaceid='0b3f6a3e-1111-4222-8333-944455556666'\""
	check "  its logical port is in NB with the domain's MAC, bound to host B" sh -c "
		nb() { ovn-nbctl --db=unix:$T/central/nb.sock \"\$@\"; }
		nb get Logical_Switch_Port 0b3f6a3e-1111-4222-8333-944455556666 addresses | grep -q '52:54:00:50:00:44' &&
		nb get Logical_Switch_Port 0b3f6a3e-1111-4222-8333-944455556666 options | grep -q 'requested-chassis=hostB'"
	check "virsh net-port-delete (the domain stopped)" timeout 20 virsh -q -c "$V" net-port-delete tenant 0b3f6a3e-1111-4222-8333-944455556666
	check "  its logical port left NB" lsp_gone name=0b3f6a3e-1111-4222-8333-944455556666
else
	not_ok "virsh is missing (make deps: libvirt-clients)"
fi

# -- a QEMU guest on each host (netd-launch: its TAP on br-int, handed over once OVN has it up) --
GUEST=${NETD_GUEST_DIR:-$ROOT/build/guest}
boot_on() { # boot_on HOST NAME TARGET: a TCG guest through that host's netd-launch
	NETD_SOCKET=$T/$1/netd/netd.sock in_ns "$1" timeout 150 "$BIN/netd-launch" --network tenant --accel tcg -- \
		-M pc -m 256 -nodefaults -display none -serial "file:$T/$2.console" -kernel "$GUEST/vmlinux" \
		-initrd "$GUEST/initramfs.cpio" -append "console=ttyS0 quiet panic=-1 netd.target=$3" -no-reboot \
		2>"$T/$2.launch"
}
console_has() { grep -q "$2" "$T/$1.console" || { echo "console of $1:"; cat "$T/$1.console" "$T/$1.launch"; return 1; }; }
if [ -r "$GUEST/vmlinux" ] && [ -r "$GUEST/initramfs.cpio" ] && command -v qemu-system-x86_64 >/dev/null; then
	# QEMU guest A sends TCP to namespace guest B (across the tunnel), QEMU guest B to the uplink (through A)
	in_ns gB timeout 150 busybox nc -l -p 5001 >"$T/qA.tcp" &
	in_ns uplink timeout 150 busybox nc -l -p 5001 >"$T/qB.tcp" &
	sleep 0.3
	boot_on hostA qA "$ipB" &
	qa=$!
	boot_on hostB qB 10.99.0.2
	wait $qa
	check "QEMU guest on host A: a lease from OVN's DHCP" console_has qA "GUEST: lease 192.168.50.[1-9][0-9]* gateway 192.168.50.1"
	check "  its TCP reaches namespace guest B on host B" sh -c "grep -q GUEST-TCP-HELLO '$T/qA.tcp'"
	check "QEMU guest on host B: a lease from OVN's DHCP" console_has qB "GUEST: lease 192.168.50.[1-9][0-9]* gateway 192.168.50.1"
	check "  its TCP reaches the uplink through SNAT on host A" sh -c "grep -q GUEST-TCP-HELLO '$T/qB.tcp'"
	check "  netd-launch handed the TAP over after OVN reported the port up" sh -c "grep -q 'OVN logical port .*, up' '$T/hostB/netd/netd.log'"
	check "  the QEMU guests' logical ports left NB when QEMU ended" lsp_gone external_ids:netd-port=vnet0
else
	not_ok "no test guest image in $GUEST or no QEMU (make guest; make deps)"
fi

# -- an isolated OVN network ------------------------------------------------------
# isolated_xml NAME UUID-TAIL THIRD-OCTET NB: an OVN network with DHCP and no way out
isolated_xml() {
	cat <<XML
<network xmlns:netd='http://netd.dev/schemas/network/1.0'>
  <name>$1</name>
  <uuid>5d8a0e4e-8a1c-4d43-9d0b-0c5f0b3a7e$2</uuid>
  <ip address='192.168.$3.1' prefix='24'><dhcp><range start='192.168.$3.10' end='192.168.$3.20'/></dhcp></ip>
  <netd:ovn nb='$4'/>
</network>
XML
}
isolated_xml iso 02 51 "$OVN_NB" >"$T/iso.xml"
check "an isolated OVN network (no <forward>) on host A" sh -c "NETD_SOCKET=$T/hostA/netd/netd.sock nsenter -t $NS_hostA -n $BIN/netdctl net-create $T/iso.xml"
check "  a guest on it gets a port" ns_guest gI hostA 52:54:00:51:00:0a iso
check "  and a lease" dhcp gI
in_ns gI ip link set g0 mtu 1442
check "  in 192.168.51.0/24" sh -c "awk '{print \$1}' '$T/gI.lease' | grep -q '^192.168.51.'"
check "  it reaches nothing outside: not the uplink" no_tcp gI 10.99.0.2 uplink
check "  and not the tenant network's guests" no_tcp gI "$ipB" gB

# -- an NB reached over SSL ----------------------------------------------------------
isolated_xml secure 03 52 "$OVN_NB_SSL" >"$T/secure.xml"
check "a network whose NB is reached over SSL ($OVN_NB_SSL, this host's certificate) starts on host B" \
	hctl hostB net-create "$T/secure.xml"
check "  its switch is in NB" sh -c "[ -n \"\$(ovn-nbctl --db=unix:$T/central/nb.sock --bare --columns=name find Logical_Switch external_ids:netd-network=secure)\" ]"
# a netd without a certificate (its own directories, on host A) says what it needs
mkdir -p "$T/nossl/etc" "$T/nossl/run" "$T/nossl/lib" && chmod 755 "$T/nossl" "$T/nossl/run"
nsenter -t "$NS_hostA" -n "$BIN/netd" --socket "$T/nossl/sock" --config-dir "$T/nossl/etc" --run-dir "$T/nossl/run" \
	--state-dir "$T/nossl/lib" --ovs-db "$T/hostA/ovs/db.sock" 2>>"$T/nossl/log" &
NETD_PIDS+=($!)
for _ in $(seq 100); do NETD_SOCKET=$T/nossl/sock "$BIN/netdctl" net-list >/dev/null 2>&1 && break; sleep 0.05; done
NETD_SOCKET=$T/nossl/sock "$BIN/netdctl" net-create "$T/secure.xml" >"$T/nossl/out" 2>&1
check "  a netd without --ovn-private-key/--ovn-certificate/--ovn-ca-cert refuses it, saying so" \
	grep -q "reached over SSL: start netd with --ovn-private-key, --ovn-certificate and --ovn-ca-cert" "$T/nossl/out"
check "  and a port on it too" hctl hostB net-port-create secure --persistent --name sslp0
check "  in NB" lsp_there external_ids:netd-port=sslp0

# -- netd restarted on host A: traffic goes on ------------------------------------
in_ns gB timeout 30 busybox nc -l -p 5002 -e cat >/dev/null 2>&1 &
for _ in $(seq 50); do in_ns gB ss -ltn | grep -q ':5002 ' && break; sleep 0.1; done
(for i in $(seq 40); do echo "tick $i"; sleep 0.1; done) | in_ns gA timeout 20 busybox nc -w 5 "$ipB" 5002 >"$T/echo.rx" &
echo_pid=$!
sleep 0.5
old_netd=$NETD_PID_hostA
kill "$old_netd"; wait "$old_netd" 2>/dev/null
start_netd_on hostA
wait $echo_pid
check "netd restarted on host A while guest A talked TCP to guest B: all 40 lines echoed" sh -c "[ \"\$(grep -c tick '$T/echo.rx')\" = 40 ]"
check "  it was another netd (pid $old_netd gone, $NETD_PID_hostA answering)" sh -c "! kill -0 $old_netd 2>/dev/null && kill -0 $NETD_PID_hostA && [ $old_netd != $NETD_PID_hostA ]"
check "  the restarted netd has tenant active and guest A's port" sh -c "NETD_SOCKET=$T/hostA/netd/netd.sock nsenter -t $NS_hostA -n $BIN/netdctl net-port-list tenant | grep -q v-gA"

# -- NB, SB and northd stopped: existing guests keep talking -----------------------
isolated_xml auto 05 54 "$OVN_NB" >"$T/auto.xml"
check "network auto on host B: defined, autostart, not started" sh -c "
	NETD_SOCKET=$T/hostB/netd/netd.sock nsenter -t $NS_hostB -n $BIN/netdctl net-define $T/auto.xml >/dev/null &&
	NETD_SOCKET=$T/hostB/netd/netd.sock nsenter -t $NS_hostB -n $BIN/netdctl net-autostart auto >/dev/null"
lab_central_stop
check "central stopped: guest A -> guest B with TCP" tcp_retry gA "$ipB" gB
check "  and guest B -> uplink through SNAT" tcp_retry gB 10.99.0.2 uplink
# netd (re)started while its NB is away: it serves at once, and autostarts the OVN network once NB is back
old_netd=$NETD_PID_hostB
kill "$old_netd"; wait "$old_netd" 2>/dev/null
check "netd restarted on host B with NB away: it serves (the OVN autostart waits for NB, not netd)" start_netd_on hostB
check "  tenant is still active there (adopted, NB not needed)" sh -c "NETD_SOCKET=$T/hostB/netd/netd.sock nsenter -t $NS_hostB -n $BIN/netdctl net-list | grep -Eq '^ *tenant +active'"
check "  network auto is not (its NB cannot be reached)" sh -c "NETD_SOCKET=$T/hostB/netd/netd.sock nsenter -t $NS_hostB -n $BIN/netdctl net-list --all | grep -Eq '^ *auto +inactive'"
lab_central_start
for _ in $(seq 100); do nbctl show >/dev/null 2>&1 && break; sleep 0.1; done
up=
for _ in $(seq 80); do
	hctl hostB net-list | grep -Eq '^ *auto +active' && up=1 && break
	sleep 0.5
done
check "  NB back: auto autostarts on host B (retried with backoff)" test -n "$up"
check "  and its switch is in NB" sh -c "[ -n \"\$(ovn-nbctl --db=unix:$T/central/nb.sock --bare --columns=name find Logical_Switch external_ids:netd-network=auto)\" ]"

# -- ports leave NB with their host's netd ------------------------------------------
check "net-port-delete on host B" sh -c "NETD_SOCKET=$T/hostB/netd/netd.sock nsenter -t $NS_hostB -n $BIN/netdctl net-port-delete tenant v-gB"
check "  its logical port is gone from NB" lsp_gone external_ids:netd-port=v-gB
check "  guest A's port is still there" lsp_there external_ids:netd-port=v-gA

# -- taking the network out of NB is an explicit act --------------------------------
lsps() { nbctl --bare --columns=name find Logical_Switch_Port "external_ids:netd-uuid=$UUID" | grep -c .; }
hctl hostA net-ovn-remove tenant >"$T/rm1" 2>&1
check "net-ovn-remove while tenant is active on host A: refused" grep -q "active on this host: net-destroy it first" "$T/rm1"
check "net-destroy on host A" hctl hostA net-destroy tenant
for _ in $(seq 50); do [ "$(lsps)" = 1 ] && break; sleep 0.1; done
check "  removed host A's ports from NB, not host B's (one left: guest 7's)" test "$(lsps)" = 1
check "  guest A is cut off (its port left br-int): no TCP to guest 7" no_tcp gA 192.168.50.7 g7
check "  the switch and router stay (host B still uses them)" sh -c "[ -n \"\$(ovn-nbctl --db=unix:$T/central/nb.sock --bare --columns=name find Logical_Switch name=$LS)\" ]"
check "  guest 7 on host B still reaches the uplink through host A's gateway chassis" tcp_retry g7 10.99.0.2 uplink
hctl hostA net-ovn-remove tenant >"$T/rm2" 2>&1
check "net-ovn-remove with host B's port on the switch: refused" grep -q "still has 1 port(s) in OVN" "$T/rm2"
check "net-start on host A again" hctl hostA net-start tenant
check "  guest A's kept port is plugged back (in NB)" lsp_there external_ids:netd-port=v-gA
check "  guest A -> guest 7 with TCP again" tcp_retry gA 192.168.50.7 g7
check "net-destroy on host A again" hctl hostA net-destroy tenant
check "net-destroy on host B" hctl hostB net-destroy tenant
for _ in $(seq 50); do [ "$(lsps)" = 0 ] && break; sleep 0.1; done
check "net-ovn-remove on host A" hctl hostA net-ovn-remove tenant
check "  NB has no switch, router, DHCP or DNS row of tenant left" sh -c "
	nb() { ovn-nbctl --db=unix:$T/central/nb.sock \"\$@\"; }
	[ -z \"\$(nb --bare --columns=name find Logical_Switch external_ids:netd-uuid=$UUID)\" ] &&
	[ -z \"\$(nb --bare --columns=name find Logical_Router external_ids:netd-uuid=$UUID)\" ] &&
	[ -z \"\$(nb --bare --columns=_uuid find DHCP_Options external_ids:netd-uuid=$UUID)\" ] &&
	[ -z \"\$(nb --bare --columns=_uuid find DNS external_ids:netd-uuid=$UUID)\" ]"
check "  isolated network iso is untouched" sh -c "[ -n \"\$(ovn-nbctl --db=unix:$T/central/nb.sock --bare --columns=name find Logical_Switch external_ids:netd-network=iso)\" ]"

# -- a host is lost: its gateway role moves to the next chassis -------------------------
# OVN hands a gateway over only to a chassis that still sees another one by BFD
# (with two, the survivor cannot tell the other's loss from its own isolation):
# host C, a third chassis, is the lowest-priority gateway
lab_host hostC 172.31.0.13 || not_ok "host C"
lab_tenant_xml "  <ip address='192.168.53.1' prefix='24'><dhcp><range start='192.168.53.10' end='192.168.53.20'/></dhcp></ip>" |
	sed "s/<name>tenant</<name>ha</; s/$LAB_TENANT_UUID/5d8a0e4e-8a1c-4d43-9d0b-0c5f0b3a7e04/; s/10.99.0.10/10.99.0.20/;
	     s|<netd:gateway chassis='hostA' priority='20'/>|&<netd:gateway chassis='hostB' priority='10'/><netd:gateway chassis='hostC' priority='5'/>|" >"$T/ha.xml"
check "network ha: gateways host A (priority 20), B (10), C (5); defined on A and B" sh -c "
	NETD_SOCKET=$T/hostA/netd/netd.sock nsenter -t $NS_hostA -n $BIN/netdctl net-create $T/ha.xml >/dev/null &&
	NETD_SOCKET=$T/hostB/netd/netd.sock nsenter -t $NS_hostB -n $BIN/netdctl net-create $T/ha.xml >/dev/null"
check "  a guest on host B gets a port" ns_guest gH hostB 52:54:00:53:00:0b ha
check "  and a lease" dhcp gH
in_ns gH ip link set g0 mtu 1442
nsenter -t "$NS_uplink" -n nft -f - <<'NFT'
table inet ha {
	counter c_ha { }
	chain ha_input {
		type filter hook input priority 0;
		ip saddr 10.99.0.20 tcp dport 5001 counter name c_ha
	}
}
NFT
CR=cr-netd-5d8a0e4e-8a1c-4d43-9d0b-0c5f0b3a7e04-lrp-ext
gateway_is() { # gateway_is HOST: SB binds the network's gateway port to HOST
	[ "$(sbctl --bare --columns=chassis find Port_Binding "logical_port=$CR")" = \
		"$(sbctl --bare --columns=_uuid find Chassis "name=$1")" ]
}
check "  it reaches the uplink" tcp_retry gH 10.99.0.2 uplink
check "  through host A, the active gateway (southbound)" gateway_is hostA
nsenter -t "$NS_uplink" -n nft reset counter inet ha c_ha >/dev/null
lab_host_down hostA
ok "host A is lost (its ovs-vswitchd, ovn-controller and netd killed)"
failover=
for _ in $(seq 10); do tcp gH 10.99.0.2 uplink && failover=1 && break; sleep 1; done
check "  guest H reaches the uplink again, through host B now (SNAT 10.99.0.20 seen)" sh -c "[ -n '$failover' ] &&
	nsenter -t $NS_uplink -n nft list counter inet ha c_ha | grep -Eq 'packets [1-9]'"
check "  host B holds the gateway port now (southbound)" gateway_is hostB

# -- nothing left behind --------------------------------------------------------------
lab_stop_all
lab_daemons() { local d; for d in netd ovsdb-server ovs-vswitchd ovn-controller ovn-northd; do pgrep -a -x "$d"; done; }
for _ in $(seq 50); do [ -z "$(lab_daemons)" ] && break; sleep 0.1; done
check "the lab's daemons (netd, ovsdb-server, ovs-vswitchd, ovn-controller, ovn-northd) are all gone" test -z "$(lab_daemons)"
finish
