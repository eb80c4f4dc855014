#!/usr/bin/env bash
# What a start builds beyond the basics: MAC, MTU, STP state, IPv6 address
# with RA/DHCPv6 in dnsmasq, a static route, sysctls; net-edit through
# $EDITOR; autostart when the daemon starts; --daemon.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
start_netd || exit 1

cat >"$T/f.xml" <<'XML'
<network>
  <name>feat</name>
  <forward mode='route'/>
  <bridge name='ndft0' stp='on' delay='3'/>
  <mac address='52:54:00:12:34:56'/>
  <mtu size='1400'/>
  <ip address='192.168.210.1' prefix='24'>
    <dhcp><range start='192.168.210.10' end='192.168.210.20'/></dhcp>
  </ip>
  <ip family='ipv6' address='fd42:1::1' prefix='64'>
    <dhcp><range start='fd42:1::100' end='fd42:1::1ff'/></dhcp>
  </ip>
  <route address='10.123.0.0' prefix='16' gateway='192.168.210.254'/>
</network>
XML
check "define and start" sh -c "'$BIN/netdctl' net-define '$T/f.xml' && '$BIN/netdctl' net-start feat"
check "bridge MAC" sh -c "ip -o link show ndft0 | grep -q 'link/ether 52:54:00:12:34:56'"
check "bridge MTU" sh -c "ip -o link show ndft0 | grep -q 'mtu 1400'"
check "STP on, forward delay 3 s" sh -c "ip -d link show ndft0 | grep -q 'forward_delay 300 .*stp_state 1'"
check "IPv4 address" sh -c "ip -o -4 addr show ndft0 | grep -q 192.168.210.1/24"
check "IPv6 address" sh -c "ip -o -6 addr show ndft0 | grep -q fd42:1::1/64"
check "static route" sh -c "ip route show 10.123.0.0/16 | grep -q 'via 192.168.210.254 dev ndft0'"
check "IPv4 forwarding on" test "$(cat /proc/sys/net/ipv4/ip_forward)" = 1
check "IPv6 forwarding on" test "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1
check "dnsmasq serves DHCPv6 and RA" sh -c "grep -q 'dhcp-range=fd42:1::100,fd42:1::1ff,64' '$T/run/dnsmasq/feat.conf' && grep -q enable-ra '$T/run/dnsmasq/feat.conf'"
check "dnsmasq runs" pgrep -x dnsmasq
check "net-destroy" "$BIN/netdctl" net-destroy feat
check_fails "the route went with the bridge" sh -c "ip route show 10.123.0.0/16 | grep -q ."

# <mtu size> reaches the guest through DHCP (option 26), as with libvirt
cat >"$T/m.xml" <<'XML'
<network><name>mtunet</name><forward mode='nat'/><bridge name='ndmtu0'/><mtu size='1400'/>
<ip address='192.168.211.1' prefix='24'><dhcp><range start='192.168.211.10' end='192.168.211.20'/></dhcp></ip>
</network>
XML
check "a network with <mtu size='1400'/> starts" "$BIN/netdctl" net-create "$T/m.xml"
new_ns mg; ip link add h-mg type veth peer name g0 netns "$NS_mg"; in_ns mg ip link set g0 up
check "attach a guest" "$BIN/netdctl" net-port-create mtunet --persistent --ifname h-mg
check "the same interface is refused as a second port, naming its network" sh -c "! '$BIN/netdctl' net-port-create mtunet --persistent --ifname h-mg 2>'$T/twice.err' && grep -q \"already a port of network 'mtunet'\" '$T/twice.err'"
printf '#!/bin/sh\n[ "$1" = bound ] && echo "mtu=$mtu" >"%s"\nexit 0\n' "$T/mg.env" >"$T/mtu.sh"; chmod +x "$T/mtu.sh"
check "the guest's DHCP offer carries MTU 1400" sh -c "nsenter -t $NS_mg -n busybox udhcpc -i g0 -n -q -f -t 5 -T 1 -O mtu -s '$T/mtu.sh' >/dev/null 2>&1; grep -qx mtu=1400 '$T/mg.env'"
check "destroy it" "$BIN/netdctl" net-destroy mtunet

# net-edit: the editor changes the range; the edited XML is validated and defined
EDITOR="sed -i s/192.168.210.20/192.168.210.30/" "$BIN/netdctl" net-edit feat >"$T/edit.out" 2>&1
check "net-edit applies the change" sh -c "'$BIN/netdctl' net-dumpxml feat | grep -q \"end='192.168.210.30'\""
EDITOR="sed -i s/prefix=.24./prefix='99'/" "$BIN/netdctl" net-edit feat >"$T/edit.out" 2>&1
check "net-edit refuses an invalid edit before sending it" grep -q "error: .*prefix='99'.*not a whole number in 0..32" "$T/edit.out"
check "and keeps the edit for the user" sh -c "f=\$(sed -n 's/.*your edit is kept in \\(.*\\))/\\1/p' '$T/edit.out'); test -f \"\$f\" && rm -f \"\$f\""
check "the definition is unchanged after a refused edit" sh -c "'$BIN/netdctl' net-dumpxml feat | grep -q \"prefix='24'\""

# autostart: a marked network starts with the daemon
check "net-autostart" "$BIN/netdctl" net-autostart feat
stop_netd
start_netd || exit 1
check "autostarted with the daemon" sh -c "'$BIN/netdctl' net-list | grep -q 'feat .*active *yes'"
check "net-autostart --disable" "$BIN/netdctl" net-autostart feat --disable
check "net-undefine a running network makes it transient" sh -c "'$BIN/netdctl' net-undefine feat && '$BIN/netdctl' net-list | grep -q 'feat .*active .*no *no'"
check "destroying it then removes it" sh -c "'$BIN/netdctl' net-destroy feat && test -z \"\$('$BIN/netdctl' net-list --all --name)\""
stop_netd

# --daemon forks, and the child serves
"$BIN/netd" --daemon --socket "$NETD_SOCKET" --config-dir "$T/etc" --run-dir "$T/run" --state-dir "$T/lib" 2>>"$T/netd.log"
check "--daemon returns at once with status 0" test $? = 0
for _ in $(seq 100); do "$BIN/netdctl" net-list >/dev/null 2>&1 && break; sleep 0.02; done
check "the forked daemon serves" "$BIN/netdctl" net-list --all
pkill -x netd
finish
