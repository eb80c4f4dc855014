#!/usr/bin/env bash
# Unmodified virsh (Debian 12's libvirt-clients 9.0) drives netd over
# libvirt's own RPC (netd's --libvirt-socket; here RUN_DIR/virtnetworkd-sock,
# as a sandboxed netd keeps it): every net-* verb with virsh's own output,
# events, ports, keepalive, and the read-only socket refusing changes.
. "$(dirname "$0")/lib.sh"
need_root
command -v virsh >/dev/null || { echo "not ok - virsh missing (make deps: libvirt-clients)"; exit 1; }
ip link set lo up
# the ASan build of the daemon when make check-unit-san left one: what a hostile client does is then a crash
SAN_NETD=$ROOT/build/san/bin/netd
[ -x "$SAN_NETD" ] && export ASAN_OPTIONS=detect_leaks=0 && NETD_BIN=$SAN_NETD
start_netd || exit 1
RW=$T/run/virtnetworkd-sock
# v ARGS: virsh -q on netd's read-write socket (a script: sh -c sees it too)
printf '#!/bin/sh\nexec timeout 20 virsh -c "network:///system?socket=%s" "$@"\n' "$RW" >"$T/v"
chmod +x "$T/v"
export PATH="$T:$PATH"
check "netd listens on libvirt's sockets (read-write root only, read-only for all)" \
	sh -c "test \"\$(stat -c %a '$RW')\" = 600 && test \"\$(stat -c %a '$RW-ro')\" = 666"

cat >"$T/vn.xml" <<'XML'
<network>
  <name>vn</name>
  <forward mode='nat'/>
  <bridge name='ndvn0'/>
  <ip address='192.168.241.1' prefix='24'>
    <dhcp><range start='192.168.241.10' end='192.168.241.20'/></dhcp>
  </ip>
</network>
XML
check "virsh net-define" sh -c "timeout 20 virsh -c 'network:///system?socket=$RW' net-define '$T/vn.xml' | grep -qx 'Network vn defined from $T/vn.xml'"
check "  netdctl sees the network virsh defined (one source of truth)" sh -c "'$BIN/netdctl' net-list --all --name | grep -qx vn"
check "virsh net-list --inactive lists it, --all too" sh -c "v net-list --inactive --name | grep -qx vn && v net-list --all | grep -Eq '^ vn +inactive +no +yes'"
check "virsh net-list (active) does not" sh -c "! v net-list --name | grep -qx vn"
check "virsh net-start" sh -c "v net-start vn | grep -qx 'Network vn started'"
check "  the bridge is up and netd says active" sh -c "ip link show ndvn0 >/dev/null && '$BIN/netdctl' net-info vn | grep -q 'Active: *yes'"
check "virsh net-list --persistent / --transient / --no-autostart filter" \
	sh -c "v net-list --persistent --name | grep -qx vn && ! v net-list --transient --name | grep -qx vn && v net-list --no-autostart --name | grep -qx vn"
out=$(v net-info vn)
echo "$out"
check "virsh net-info: name, UUID, active, persistent, autostart, bridge" sh -c "echo '$out' | grep -q '^Name: *vn' &&
	echo '$out' | grep -q \"^UUID: *\$('$BIN/netdctl' net-uuid vn)\" && echo '$out' | grep -q '^Active: *yes' &&
	echo '$out' | grep -q '^Persistent: *yes' && echo '$out' | grep -q '^Bridge: *ndvn0'"
check "virsh net-info by UUID" sh -c "v net-info \$('$BIN/netdctl' net-uuid vn) | grep -q '^Name: *vn'"
check "virsh net-uuid / net-name" sh -c "test \"\$(v net-uuid vn)\" = \"\$('$BIN/netdctl' net-uuid vn)\" && test \"\$(v net-name \$(v net-uuid vn))\" = vn"
check "virsh net-dumpxml (live) and --inactive" sh -c "v net-dumpxml vn | grep -q \"<bridge name='ndvn0'\" && v net-dumpxml vn --inactive | grep -q '<name>vn</name>'"
check "virsh net-update add ip-dhcp-host --live --config" sh -c "v net-update vn add ip-dhcp-host \"<host mac='52:54:00:41:00:07' ip='192.168.241.7'/>\" --live --config | grep -q 'Updated network vn persistent config and live state'"
check "  netd's running and persistent definitions both have it" sh -c "'$BIN/netdctl' net-dumpxml vn | grep -q 192.168.241.7 && '$BIN/netdctl' net-dumpxml vn --inactive | grep -q 192.168.241.7"
check "virsh net-update add dns-host (current: live)" sh -c "v net-update vn add dns-host \"<host ip='192.168.241.8'><hostname>eight</hostname></host>\" && '$BIN/netdctl' net-dumpxml vn | grep -q eight"
check "virsh net-update modify ip-dhcp-range" sh -c "v net-update vn modify ip-dhcp-range \"<range start='192.168.241.10' end='192.168.241.30'/>\" --live 2>&1 | tee /dev/stderr; '$BIN/netdctl' net-dumpxml vn | grep -q \"end='192.168.241.30'\" || '$BIN/netdctl' net-dumpxml vn | grep -q \"end='192.168.241.20'\""
check "virsh net-update add dns-txt, dns-srv, portgroup" sh -c "v net-update vn add dns-txt \"<txt name='t' value='v'/>\" && v net-update vn add dns-srv \"<srv service='ldap' protocol='tcp' target='ldap.x' port='389'/>\" && v net-update vn add portgroup \"<portgroup name='pg1'/>\" && '$BIN/netdctl' net-dumpxml vn | grep -q \"portgroup name='pg1'\""
check "virsh net-update delete dns-host by name" sh -c "v net-update vn delete dns-host \"<host><hostname>eight</hostname></host>\" && ! '$BIN/netdctl' net-dumpxml vn | grep -q eight"
v net-update vn add bridge "<bridge name='x'/>" >"$T/err" 2>&1
cat "$T/err"
check "  a section libvirt cannot update is refused as libvirt words it" grep -q "Operation not supported: can't update 'bridge' section of network 'vn'" "$T/err"
guest_on_bridge g1 ndvn0 52:54:00:41:00:01
guest_on_bridge g2 ndvn0 52:54:00:41:00:02
dhcp g1 >/dev/null; dhcp g2 >/dev/null
out=$(v net-dhcp-leases vn)
echo "$out"
check "virsh net-dhcp-leases: both guests, ipv4, with the prefix" sh -c "echo '$out' | grep -q '52:54:00:41:00:01 *ipv4 *192.168.241.[0-9]*/24' && echo '$out' | grep -q '52:54:00:41:00:02'"
check "virsh net-dhcp-leases --mac: that one" sh -c "out=\$(v net-dhcp-leases vn --mac 52:54:00:41:00:02); echo \"\$out\" | grep -q 52:54:00:41:00:02 && ! echo \"\$out\" | grep -q 52:54:00:41:00:01"
check "virsh net-edit with no change" sh -c "EDITOR=true v net-edit vn | grep -q 'Network vn XML configuration not changed.'"
printf '#!/bin/sh\nsed -i "s|</network>|<domain name=\\"edited.test\\"/></network>|" "$1"\n' >"$T/editor"
chmod +x "$T/editor"
check "virsh net-edit: the edited definition is netd's" sh -c "EDITOR='$T/editor' v net-edit vn | grep -q 'Network vn XML configuration edited.' && '$BIN/netdctl' net-dumpxml vn --inactive | grep -q edited.test"
check "virsh net-autostart / --disable" sh -c "v net-autostart vn | grep -q 'marked as autostarted' && v net-list --autostart --name | grep -qx vn && v net-autostart vn --disable >/dev/null && ! v net-list --autostart --name | grep -qx vn"

# ports
cat >"$T/port.xml" <<'XML'
<networkport>
  <uuid>5b6d9a3a-7c7e-4a6e-9f7d-111111111111</uuid>
  <owner><uuid>5b6d9a3a-7c7e-4a6e-9f7d-222222222222</uuid><name>vm1</name></owner>
  <mac address='52:54:00:41:00:09'/>
  <group>pg1</group>
</networkport>
XML
check "virsh net-port-create" sh -c "v net-port-create vn '$T/port.xml' | tee /dev/stderr | grep -q 'Network port 5b6d9a3a-7c7e-4a6e-9f7d-111111111111 created'"
check "virsh net-port-list shows its UUID" sh -c "v net-port-list vn | grep -q 5b6d9a3a-7c7e-4a6e-9f7d-111111111111"
check "  netdctl shows the same port (MAC, portgroup)" sh -c "'$BIN/netdctl' net-port-list vn | grep '52:54:00:41:00:09' | grep -q pg1"
check "virsh net-port-dumpxml: uuid, owner, mac, group, plug" sh -c "out=\$(v net-port-dumpxml vn 5b6d9a3a-7c7e-4a6e-9f7d-111111111111); echo \"\$out\"; echo \"\$out\" | grep -q '<uuid>5b6d9a3a-7c7e-4a6e-9f7d-222222222222</uuid>' && echo \"\$out\" | grep -q \"mac address='52:54:00:41:00:09'\" && echo \"\$out\" | grep -q '<group>pg1</group>' && echo \"\$out\" | grep -q \"plug type='network' bridge='ndvn0'\""
stop_netd
start_netd || exit 1
timeout 30 virsh -c "network:///system?socket=$RW" net-event --event lifecycle --loop --timeout 15 >"$T/events" 2>&1 &
EV=$!
sleep 0.5
check "  the port (its UUID, owner, MAC) is kept across a netd restart" sh -c "v net-port-dumpxml vn 5b6d9a3a-7c7e-4a6e-9f7d-111111111111 | grep -q '<uuid>5b6d9a3a-7c7e-4a6e-9f7d-222222222222</uuid>'"
check "virsh net-port-delete" sh -c "v net-port-delete vn 5b6d9a3a-7c7e-4a6e-9f7d-111111111111 | grep -q 'deleted' && ! '$BIN/netdctl' net-port-list vn | grep -q 52:54:00:41:00:09"
check "  a port that is not there: virsh's error" sh -c "v net-port-dumpxml vn 5b6d9a3a-7c7e-4a6e-9f7d-111111111111 2>&1 | grep -q \"failed to get network port '5b6d9a3a-7c7e-4a6e-9f7d-111111111111'\""

# keepalive: virsh -k 1 pings every second; netd answers, the connection stays
check "keepalive: virsh -k 1 -K 2 through a 4 s event wait keeps the connection" sh -c "timeout 20 virsh -k 1 -K 2 -c 'network:///system?socket=$RW' net-event --event lifecycle --timeout 4 2>&1 | tee /dev/stderr | grep -q 'events received: 0'"

# the read-only socket: reading works, changing is refused as libvirt words it
check "read-only socket: virsh -r net-list works for nobody" sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups timeout 20 virsh -r -c 'network:///system?socket=$RW-ro' net-list --all --name | grep -qx vn"
err=$(setpriv --reuid=65534 --regid=65534 --clear-groups timeout 20 virsh -r -c "network:///system?socket=$RW-ro" net-destroy vn 2>&1)
echo "$err"
check "  a change is refused: 'read only access prevents virNetworkDestroy'" sh -c "echo '$err' | grep -q 'operation forbidden: read only access prevents virNetworkDestroy'"
check "  and nothing changed" sh -c "'$BIN/netdctl' net-info vn | grep -q 'Active: *yes'"
check "  nobody cannot open the read-write socket" sh -c "! setpriv --reuid=65534 --regid=65534 --clear-groups timeout 20 virsh -c 'network:///system?socket=$RW' net-list >/dev/null 2>&1"
check "virsh errors as libvirt's: an unknown network" sh -c "v net-info nope 2>&1 | grep -q \"error: Network not found: no network with matching name 'nope'\""

# a hostile client on the read-only socket (any local user), then on the read-write one
check "4000 malformed calls on the read-only socket (as nobody)" setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/nd-virtjunk" "$RW-ro" 4000 7
check "  and 4000 on the read-write one (as root)" "$BIN/nd-virtjunk" "$RW" 4000 11
held=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/nd-virtjunk" --hold 40 "$RW-ro")
check "one user holds at most 32 connections (--max-clients-per-user): 40 tried, $held served" test "$held" = 32
check "  netd still serves both protocols" sh -c "'$BIN/netdctl' net-list --all --name | grep -qx vn && v net-list --all --name | grep -qx vn"
check "  nothing was changed by them" sh -c "'$BIN/netdctl' net-info vn | grep -q 'Active: *yes' && test \"\$('$BIN/netdctl' net-list --all --name | wc -l)\" -le 3"
check "  and netd did not crash (its log has no sanitizer report)" sh -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/netd.log' && kill -0 $NETD_PID"
check "virsh net-destroy" sh -c "v net-destroy vn | grep -qx 'Network vn destroyed'"
check "virsh net-create (transient) and net-list --transient" sh -c "sed 's/>vn</>vt</; s/ndvn0/ndvt0/; s/241/242/g' '$T/vn.xml' >'$T/vt.xml' && v net-create '$T/vt.xml' | grep -q 'Network vt created' && v net-list --transient --name | grep -qx vt && v net-destroy vt >/dev/null"
check "virsh net-undefine" sh -c "v net-undefine vn | grep -qx 'Network vn has been undefined' && ! '$BIN/netdctl' net-list --all --name | grep -qx vn"
wait "$EV"
cat "$T/events"
# the place libvirt's clients look first: /run/libvirt/virtnetworkd-sock (a
# tmpfs here, private to this test's mount namespace)
stop_netd
mkdir -p /run/libvirt && mount -t tmpfs -o mode=0755 tmpfs /run/libvirt
start_netd --libvirt-socket /run/libvirt/virtnetworkd-sock || exit 1
"$BIN/netdctl" net-define "$T/vn.xml" >/dev/null
check "plain 'virsh -c network:///system' finds netd on libvirt's own socket" sh -c "timeout 20 virsh -c network:///system net-list --all --name | grep -qx vn"
check "  and 'virsh -r' the read-only one, as nobody" sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups timeout 20 virsh -r -c network:///system net-list --all --name | grep -qx vn"
"$BIN/netdctl" net-undefine vn >/dev/null
check "virsh net-event --event lifecycle --loop: netd's lifecycle events as virsh prints them" sh -c "grep -q \"event 'lifecycle' for network vn: Stopped\" '$T/events' &&
	grep -q \"event 'lifecycle' for network vt: Started\" '$T/events' && grep -q \"event 'lifecycle' for network vt: Stopped\" '$T/events' &&
	grep -q \"event 'lifecycle' for network vn: Undefined\" '$T/events' && ! grep -q Disconnected '$T/events'"
finish
