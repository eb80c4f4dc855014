#!/usr/bin/env bash
# netdctl doctor: kernel features as this machine has them (each expectation
# is probed here independently of netd), a foreign forward chain with a drop
# policy named, a wildcard DNS listener named, running networks checked
# (FAIL and exit 1 once their rules are gone), --json.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
start_netd || exit 1
doc() { "$BIN/netdctl" doctor "$@"; }
status_of() { doc | sed -n "s#^ $1  *\(OK\|WARN\|FAIL\)  .*#\1#p"; }

[ -e /dev/vhost-net ] && want=OK || want=WARN
check "vhost-net: $want" test "$(status_of "kernel: vhost-net")" = "$want"
grep -qwE 'vmx|svm' /proc/cpuinfo && [ -w /dev/kvm ] && want=OK || want=WARN
check "KVM for guests: $want" test "$(status_of "kernel: KVM for guests")" = "$want"
ip link add ndvfprobe type bridge vlan_filtering 1 2>/dev/null && { ip link del ndvfprobe; want=OK; } || want=WARN
check "bridge vlan_filtering: $want" test "$(status_of "kernel: bridge vlan_filtering")" = "$want"
[ -d /sys/module/openvswitch ] && want=OK || want=WARN
check "openvswitch module: $want" test "$(status_of "kernel: openvswitch module")" = "$want"
check "bridge, tun and nf_tables NAT: OK" sh -c "$(declare -f doc status_of); BIN=$BIN; test \"\$(status_of 'kernel: bridge')\" = OK && test \"\$(status_of 'kernel: nf_tables NAT')\" = OK && test \"\$(status_of 'kernel: tun/tap')\" = OK"
check "dnsmasq found with its version" sh -c "'$BIN/netdctl' doctor | grep -q 'binary: dnsmasq .*OK .*Dnsmasq version'"
check "exit 0 when nothing is FAIL" doc

nft add table ip filter
nft add chain ip filter FORWARD '{ type filter hook forward priority 0; policy drop; }'
check "a foreign forward chain that drops is named" sh -c "'$BIN/netdctl' doctor | grep -q 'foreign forward drop policy .*WARN .*table ip filter, chain FORWARD drops by default'"
nft delete table ip filter
busybox nc -l -p 53 >/dev/null 2>&1 &
holder=$!
for _ in $(seq 50); do grep -q ':0035 0*:0000 0A' /proc/net/tcp /proc/net/tcp6 && break; sleep 0.02; done
check "a wildcard DNS listener is named with its pid" sh -c "'$BIN/netdctl' doctor | grep -q \"DNS/DHCP ports .*WARN .*53/tcp on .* by pid $holder (busybox)\""
kill "$holder"

cat >"$T/d.xml" <<'XML'
<network><name>doc</name><forward mode='nat'/><bridge name='nddoc0'/>
<ip address='192.168.254.1' prefix='24'><dhcp><range start='192.168.254.10' end='192.168.254.20'/></dhcp></ip></network>
XML
"$BIN/netdctl" net-create "$T/d.xml" >/dev/null
check "a whole running network is OK" sh -c "'$BIN/netdctl' doctor | grep -q 'network doc .*OK .*bridge nddoc0, rules and dnsmasq in place'"
nft flush ruleset
check "with its rules gone it is FAIL, with the repair command" sh -c "'$BIN/netdctl' doctor | grep -q \"network doc .*FAIL .*netdctl net-start doc repairs it\""
check_fails "and doctor exits non-zero" doc
json_overall() { doc --json | tail -3 | tr -d ' \n' | grep -q "\"status\":\"$1\"}"; }
check "--json says FAIL overall" json_overall FAIL
"$BIN/netdctl" net-start doc >/dev/null
check "after the repair doctor is happy again" doc
check "--json says WARN overall (this host lacks optional features) or OK" sh -c "$(declare -f doc json_overall); BIN=$BIN; json_overall WARN || json_overall OK"
"$BIN/netdctl" net-destroy doc >/dev/null
finish
