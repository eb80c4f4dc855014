#!/usr/bin/env bash
# netdctl never silently ignores (issue "Operator experience"): options are
# parsed per verb and an unknown one is an error, as with virsh; virsh's
# net-list filters; --socket anywhere; a UUID wherever a name goes; per-verb
# --help; net-edit with no change says so; leases of an inactive network are
# an error and --mac filters them.
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
"$BIN/netdctl" net-event zeta --timeout 6 >"$T/event1" 2>&1 &
ev1=$!
sleep 0.5
"$BIN/netdctl" net-start zeta >/dev/null
"$BIN/netdctl" net-destroy zeta >/dev/null
"$BIN/netdctl" net-undefine zeta >/dev/null
"$BIN/netdctl" net-define "$T/zeta.xml" >/dev/null
wait "$ev" "$ev1"
check "net-event --loop: each event, as virsh prints it" sh -c "cat '$T/events'; grep -qx \"event 'lifecycle' for network zeta: Started\" '$T/events' &&
	grep -qx \"event 'lifecycle' for network zeta: Stopped\" '$T/events' && grep -qx \"event 'lifecycle' for network zeta: Undefined\" '$T/events' &&
	grep -qx \"event 'lifecycle' for network zeta: Defined\" '$T/events' && test \"\$(grep -c lifecycle '$T/events')\" = 4"
check "net-event NETWORK without --loop: its first event, then it ends" sh -c "cat '$T/event1'; test \"\$(cat '$T/event1')\" = \"event 'lifecycle' for network zeta: Started\""
finish
