#!/usr/bin/env bash
# Next to Docker: its iptables-nft ruleset (FORWARD policy DROP, a DOCKER-USER
# chain jumped to from FORWARD) in this namespace. netd adds accept rules for
# the bridge to DOCKER-USER, so the guest still reaches the uplink; destroy
# removes netd's rules there and nothing else. With --no-coexist the guest is
# cut off, the log and doctor name the dropping chain.
. "$(dirname "$0")/lib.sh"
need_root
command -v iptables >/dev/null || { echo "not ok - iptables missing (make deps)"; exit 1; }
ip link set lo up
for t in iptables ip6tables; do
	$t -P FORWARD DROP && $t -N DOCKER-USER && $t -I FORWARD -j DOCKER-USER && $t -A DOCKER-USER -j RETURN ||
		{ echo "not ok - cannot load the Docker-like ruleset with $t"; exit 1; }
done
nft list table ip filter >"$T/docker-before"
start_netd || exit 1
make_uplink
cat >"$T/d.xml" <<'XML'
<network><name>dock</name><forward mode='nat'/><bridge name='nddock0'/>
<ip address='192.168.247.1' prefix='24'><dhcp><range start='192.168.247.10' end='192.168.247.20'/></dhcp></ip></network>
XML
check "start a NAT network next to Docker" sh -c "'$BIN/netdctl' net-define '$T/d.xml' && '$BIN/netdctl' net-start dock"
check "netd's accept rules are in DOCKER-USER (ip), marked as netd's" sh -c "test \$(nft list chain ip filter DOCKER-USER | grep -c 'nddock0.*accept comment \"netd:dock\"') = 2"
check "and in ip6 filter DOCKER-USER" sh -c "test \$(nft list chain ip6 filter DOCKER-USER | grep -c 'comment \"netd:dock\"') = 2"
check "they come before Docker's RETURN" sh -c "nft list chain ip filter DOCKER-USER | grep -E 'accept|return' | tail -1 | grep -q return"
check "the log says what netd did" grep -q "chain FORWARD drops forwarded traffic by default: accepted nddock0 in ip filter DOCKER-USER" "$T/netd.log"
guest_on_bridge g1 nddock0
check "the guest gets a lease" dhcp g1
check "and still reaches the uplink" ping_from g1 10.99.0.2
check "and moves TCP data to it" tcp g1 uplink 10.99.0.2
check "iptables still reads Docker's chains" iptables -S FORWARD
check "destroy" "$BIN/netdctl" net-destroy dock
check "DOCKER-USER holds no netd rule any more" sh -c "! nft list chain ip filter DOCKER-USER | grep -q netd && ! nft list chain ip6 filter DOCKER-USER | grep -q netd"
nft list table ip filter >"$T/docker-after"
strip() { sed 's/counter packets [0-9]* bytes [0-9]*/counter/' "$1"; }
same_as_before() { diff <(strip "$T/docker-before") <(strip "$T/docker-after"); }
check "Docker's table is otherwise exactly as before" same_as_before

# Docker starting after the network: net-start repairs
check "start again" "$BIN/netdctl" net-start dock
nft flush chain ip filter DOCKER-USER && nft add rule ip filter DOCKER-USER return
check "net-start re-adds the rules Docker's restart dropped" sh -c "'$BIN/netdctl' net-start dock | grep -q 'accept rules re-added to DOCKER-USER'"
"$BIN/netdctl" net-destroy dock >/dev/null

stop_netd
start_netd --no-coexist || exit 1
check "with --no-coexist the network starts" "$BIN/netdctl" net-start dock
check "and DOCKER-USER is left alone" sh -c "! nft list chain ip filter DOCKER-USER | grep -q netd"
check "the log names the dropping chain" grep -q "table ip filter, chain FORWARD drops forwarded traffic by default: guests on nddock0 are cut off unless it accepts them (--no-coexist" "$T/netd.log"
check_fails "the guest is cut off" ping_from g1 10.99.0.2
check_fails "  TCP too" tcp g1 uplink 10.99.0.2
check "doctor names the drop policy" sh -c "'$BIN/netdctl' doctor | grep -q 'foreign forward drop policy .*WARN .*table ip filter, chain FORWARD drops by default'"
check "destroy" "$BIN/netdctl" net-destroy dock

# a distribution firewall whose input chain drops (ufw, firewalld): warned at start and by doctor
nft add table inet distfw
nft add chain inet distfw input '{ type filter hook input priority 0; policy drop; }'
check "start warns about the input drop with the rule to add" sh -c "'$BIN/netdctl' net-start dock && grep -q 'table inet distfw, chain input drops input by default: guests.* DHCP/DNS to nddock0 are dropped unless it accepts them, e.g. nft insert rule inet distfw input iifname \"nddock0\" udp dport { 53, 67 } accept' '$T/netd.log'"
check "doctor names it with the rule" sh -c "'$BIN/netdctl' doctor | grep -q 'foreign input drop policy .*table inet distfw, chain input drops by default.*nft insert rule inet distfw input'"
"$BIN/netdctl" net-destroy dock >/dev/null
nft delete table inet distfw

# firewalld's shape: policy accept, a final unconditional reject in the forward chain
nft add table inet firewalld
nft add chain inet firewalld filter_FORWARD '{ type filter hook forward priority 10; policy accept; }'
nft add rule inet firewalld filter_FORWARD ct state established accept
nft add rule inet firewalld filter_FORWARD reject with icmpx admin-prohibited
check "a final reject rule in a foreign forward chain is warned about at start" sh -c "'$BIN/netdctl' net-start dock && grep -q 'table inet firewalld, chain filter_FORWARD drops forwarded traffic with a drop/reject rule' '$T/netd.log'"
check "doctor names that rule by handle" sh -c "'$BIN/netdctl' doctor | grep -q 'foreign forward drop rule .*table inet firewalld, chain filter_FORWARD has a rule (handle [0-9]*) that drops or rejects everything'"
"$BIN/netdctl" net-destroy dock >/dev/null
nft delete table inet firewalld

# iptables-legacy rules on the forward path are named by doctor
iptables-legacy -P FORWARD DROP && iptables-legacy -A FORWARD -s 10.1.1.1 -j ACCEPT
check "doctor names legacy iptables rules on the forward path" sh -c "'$BIN/netdctl' doctor | grep -q 'legacy iptables .*WARN .*table filter is loaded with 1 rule and FORWARD policy DROP'"
finish
