#!/usr/bin/env bash
# DNS/DHCP port conflicts: a listener on 0.0.0.0:53 makes net-start fail
# naming its pid and process, and nothing is left half-made; a DNS server on
# a specific address such as 127.0.0.53 (systemd-resolved) coexists.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
ip addr add 127.0.0.53/8 dev lo 2>/dev/null
start_netd || exit 1
cat >"$T/p.xml" <<'XML'
<network><name>pc</name><forward mode='nat'/><bridge name='ndpc0'/>
<ip address='192.168.253.1' prefix='24'><dhcp><range start='192.168.253.10' end='192.168.253.20'/></dhcp></ip></network>
XML
"$BIN/netdctl" net-define "$T/p.xml" >/dev/null
busybox nc -l -p 53 >/dev/null 2>&1 &
holder=$!
for _ in $(seq 50); do grep -q ':0035 0*:0000 0A' /proc/net/tcp /proc/net/tcp6 && break; sleep 0.02; done
check "a wildcard listener on 53 makes net-start fail, naming pid and process" sh -c "'$BIN/netdctl' net-start pc 2>&1 | tee /dev/stderr | grep -Eq 'port 53/tcp on (0\.0\.0\.0|::) is held by pid $holder \(busybox\)'"
check_fails "nothing of the network was made" ip link show ndpc0
kill "$holder"; wait "$holder" 2>/dev/null
busybox nc -l -s 127.0.0.53 -p 53 >/dev/null 2>&1 &
resolved=$!
for _ in $(seq 50); do grep -q '3500007F:0035' /proc/net/tcp && break; sleep 0.02; done
check "a DNS server on 127.0.0.53 coexists" "$BIN/netdctl" net-start pc
check "dnsmasq runs beside it" pgrep -x dnsmasq
kill "$resolved"
check "destroy" "$BIN/netdctl" net-destroy pc
finish
