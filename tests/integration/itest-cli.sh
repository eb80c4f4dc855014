#!/usr/bin/env bash
# netdctl never silently ignores (issue "Operator experience"): options are
# parsed per verb and an unknown one is an error, as with virsh; virsh's
# net-list filters; --socket anywhere; a UUID wherever a name goes; per-verb
# --help; net-edit with no change says so; leases of an inactive network are
# an error and --mac filters them; -q as virsh's; --json on every read verb;
# net-domif-xml prints a libvirt domain's <interface>.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
start_netd || exit 1
for n in zeta alpha mid; do
	printf "<network><name>%s</name><bridge name='ndcl%s'/></network>" "$n" "${n:0:2}" >"$T/$n.xml"
	"$BIN/netdctl" net-define "$T/$n.xml" >/dev/null
done
"$BIN/netdctl" net-start mid >/dev/null
"$BIN/netdctl" net-autostart alpha >/dev/null
printf "<network><name>tran</name><bridge name='ndcltr'/></network>" >"$T/tran.xml"
"$BIN/netdctl" net-create "$T/tran.xml" >/dev/null
names() { "$BIN/netdctl" net-list "$@" --name | tr '\n' ' '; }
check "net-list: the active ones, sorted" test "$(names)" = "mid tran "
check "net-list --all: every one, sorted by name" test "$(names --all)" = "alpha mid tran zeta "
check "net-list --inactive: the inactive ones only" test "$(names --inactive)" = "alpha zeta "
check "net-list --all --persistent / --transient" sh -c "test \"$(names --all --persistent)\" = 'alpha mid zeta ' && test \"$(names --all --transient)\" = 'tran '"
check "net-list --all --autostart / --no-autostart" sh -c "test \"$(names --all --autostart)\" = 'alpha ' && test \"$(names --all --no-autostart)\" = 'mid tran zeta '"
check "net-list --uuid prints UUIDs" sh -c "'$BIN/netdctl' net-list --all --uuid | grep -Eqx '[0-9a-f-]{36}'"
check "a misspelt option is an error, as with virsh, exit 1" sh -c "'$BIN/netdctl' net-list --al 2>'$T/e'; test \$? = 1 && grep -q \"command 'net-list' doesn't support option --al\" '$T/e'"
check "--socket after the verb is used, not dropped" sh -c "NETD_SOCKET=/nonexistent '$BIN/netdctl' net-list --socket '$NETD_SOCKET' --all --name | grep -qx alpha"
check "a network's UUID works where its name does" sh -c "'$BIN/netdctl' net-info \$('$BIN/netdctl' net-uuid alpha) | grep -q 'Name: *alpha'"
check "VERB --help prints the verb's options" sh -c "'$BIN/netdctl' net-list --help | grep -q -- '--no-autostart'"
check "--json on read verbs (net-info)" sh -c "'$BIN/netdctl' net-info mid --json | grep -Eq '\"name\": ?\"mid\"'"
check "net-edit with no change says so and changes nothing" sh -c "EDITOR=true '$BIN/netdctl' net-edit zeta | grep -q 'Network zeta XML configuration not changed.'"
check "net-dhcp-leases of an inactive network is an error naming it (once)" sh -c "'$BIN/netdctl' net-dhcp-leases zeta 2>&1 | grep -qx \"error: network 'zeta' is not active\""
cat >"$T/dl.xml" <<'XML'
<network><name>dl</name><bridge name='ndcldl'/><ip address='192.168.233.1' prefix='24'><dhcp>
<range start='192.168.233.10' end='192.168.233.20'/></dhcp></ip></network>
XML
"$BIN/netdctl" net-create "$T/dl.xml" >/dev/null
guest_on_bridge c1 ndcldl 52:54:00:00:33:01
guest_on_bridge c2 ndcldl 52:54:00:00:33:02
dhcp c1 >/dev/null; dhcp c2 >/dev/null
check "net-dhcp-leases --mac: that MAC's lease only" sh -c "out=\$('$BIN/netdctl' net-dhcp-leases dl --mac 52:54:00:00:33:02); echo \"\$out\" | grep -q 52:54:00:00:33:02 && ! echo \"\$out\" | grep -q 52:54:00:00:33:01"

# net-event: lifecycle events as they happen, for every network or one
"$BIN/netdctl" net-event --loop --timeout 6 >"$T/events" 2>&1 &
ev=$!
"$BIN/netdctl" net-event --loop --timeout 6 --json >"$T/events.json" 2>&1 &
evj=$!
"$BIN/netdctl" net-event zeta --timeout 6 >"$T/event1" 2>&1 &
ev1=$!
sleep 0.5
"$BIN/netdctl" net-start zeta >/dev/null
"$BIN/netdctl" net-destroy zeta >/dev/null
"$BIN/netdctl" net-undefine zeta >/dev/null
"$BIN/netdctl" net-define "$T/zeta.xml" >/dev/null
wait "$ev" "$ev1" "$evj"
check "net-event --loop: each event, as virsh prints it" sh -c "cat '$T/events'; grep -qx \"event 'lifecycle' for network zeta: Started\" '$T/events' &&
	grep -qx \"event 'lifecycle' for network zeta: Stopped\" '$T/events' && grep -qx \"event 'lifecycle' for network zeta: Undefined\" '$T/events' &&
	grep -qx \"event 'lifecycle' for network zeta: Defined\" '$T/events' && test \"\$(grep -c lifecycle '$T/events')\" = 4"
check "net-event --json: one object per event" sh -c "cat '$T/events.json'; test \"\$(grep -c '\"event\"' '$T/events.json')\" = 4 && grep -q '\"name\": *\"zeta\"' '$T/events.json' && ! grep -q 'events received' '$T/events.json'"
check "net-event NETWORK without --loop: its first event, then it ends" sh -c "cat '$T/event1'; test \"\$(cat '$T/event1')\" = \"event 'lifecycle' for network zeta: Started\""

# -q: no headers, no reports (virsh -q)
check "-q net-list: rows only, no header, no blank line" sh -c "out=\$('$BIN/netdctl' -q net-list); echo \"\$out\"; test \"\$(echo \"\$out\" | wc -l)\" = 3 && echo \"\$out\" | head -1 | grep -q '^ dl ' && ! echo \"\$out\" | grep -q Name"
check "-q after the verb too; a start reports nothing" sh -c "out=\$('$BIN/netdctl' net-start alpha -q); test -z \"\$out\""
check "-q net-dhcp-leases: the lease lines only" sh -c "test \"\$('$BIN/netdctl' net-dhcp-leases dl -q | wc -l)\" = 2"
# --json on every read verb
check "net-dumpxml --json" sh -c "'$BIN/netdctl' net-dumpxml mid --json | grep -q '\"xml\": *\"<network>'"
check "net-uuid --json / net-name --json" sh -c "'$BIN/netdctl' net-uuid mid --json | grep -q '\"name\": \"mid\"' && '$BIN/netdctl' net-name \$('$BIN/netdctl' net-uuid mid) --json | grep -q '\"uuid\": \"'"
check "net-dhcp-leases --json" sh -c "'$BIN/netdctl' net-dhcp-leases dl --json | grep -q '\"mac\": *\"52:54:00:00:33:01\"'"
"$BIN/netdctl" net-port-create dl --persistent --name vnet-cl1 --queues 2 >/dev/null
check "net-port-list --json / net-port-dumpxml --json" sh -c "'$BIN/netdctl' net-port-list dl --json | grep -q '\"port\": *\"vnet-cl1\"' && '$BIN/netdctl' net-port-dumpxml dl vnet-cl1 --json | grep -q '\"xml\": *\"<networkport>'"
# net-domif-xml: what a libvirt domain puts in its definition
cat >"$T/pg.xml" <<'XML'
<network><name>pg</name><bridge name='ndclpg'/><ip address='192.168.234.1' prefix='24'/>
<portgroup name='web' default='yes'><bandwidth><inbound average='400'/></bandwidth></portgroup>
<portgroup name='db'><vlan><tag id='30'/></vlan></portgroup></network>
XML
"$BIN/netdctl" net-define "$T/pg.xml" >/dev/null # defined: a VLAN portgroup needs vlan_filtering to start
"$BIN/netdctl" net-domif-xml pg --mac 52:54:00:00:34:01 >"$T/domif" 2>&1
check "net-domif-xml: a bridge interface on the network's bridge, the default portgroup's bandwidth" sh -c "cat '$T/domif'; grep -q \"<interface type='bridge'>\" '$T/domif' && grep -q \"<source bridge='ndclpg'/>\" '$T/domif' && grep -q \"<inbound average='400'/>\" '$T/domif' && grep -q \"<mac address='52:54:00:00:34:01'/>\" '$T/domif'"
check "  a portgroup with a VLAN on a Linux bridge: refused, saying how" sh -c "'$BIN/netdctl' net-domif-xml pg --portgroup db 2>&1 | grep -q 'net-port-create pg --persistent --portgroup db --name TAP'"
check "  on a netd port: ethernet, unmanaged, its queues" sh -c "'$BIN/netdctl' net-domif-xml dl --port vnet-cl1 | tee /dev/stderr | grep -q \"<target dev='vnet-cl1' managed='no'/>\" && '$BIN/netdctl' net-domif-xml dl --port vnet-cl1 | grep -q \"queues='2'\""
check "  a port that is not there is an error" sh -c "'$BIN/netdctl' net-domif-xml dl --port nope 2>&1 | grep -q \"network 'dl' has no port 'nope'\""
finish
