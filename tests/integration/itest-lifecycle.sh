#!/usr/bin/env bash
# Live net-update, daemon restarts (SIGTERM keeps networks; a new daemon
# re-adopts them), autostart, collisions refused before anything changes,
# a failed start undone step by step, and bad input over the socket.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
start_netd || exit 1

cat >"$T/a.xml" <<'XML'
<network>
  <name>neta</name>
  <forward mode='nat'/>
  <bridge name='ndla0'/>
  <ip address='192.168.190.1' prefix='24'>
    <dhcp><range start='192.168.190.100' end='192.168.190.110'/></dhcp>
  </ip>
</network>
XML
check "define and start" sh -c "'$BIN/netdctl' net-define '$T/a.xml' && '$BIN/netdctl' net-start neta"

# -- net-update: a DHCP host added live gets its fixed address on the next lease
guest_on_bridge g1 ndla0 52:54:00:aa:00:01
check "net-update add ip-dhcp-host --live --config" "$BIN/netdctl" net-update neta add ip-dhcp-host \
	"<host mac='52:54:00:aa:00:01' name='fixed' ip='192.168.190.42'/>" --live --config
fixed_lease() { dhcp g1 && test "$(lease_of g1)" = 192.168.190.42; }
check "the guest's lease is the fixed address" fixed_lease
check "the live XML has the host" sh -c "'$BIN/netdctl' net-dumpxml neta | grep -q \"mac='52:54:00:aa:00:01'\""
check "the persistent XML has it too" sh -c "'$BIN/netdctl' net-dumpxml --inactive neta | grep -q \"ip='192.168.190.42'\""
check_fails "net-update with a duplicate IP is refused" "$BIN/netdctl" net-update neta add ip-dhcp-host \
	"<host mac='52:54:00:aa:00:02' ip='192.168.190.42'/>"
check "net-update delete" "$BIN/netdctl" net-update neta delete ip-dhcp-host "<host mac='52:54:00:aa:00:01'/>"
check "net-update add dns-host" "$BIN/netdctl" net-update neta add dns-host "<host ip='192.168.190.9'><hostname>db</hostname></host>"
check "the DNS host resolves at once (SIGHUP)" resolves g1 db 192.168.190.1 192.168.190.9 neta
check "  (virsh's --current: the running network only)" sh -c "! '$BIN/netdctl' net-dumpxml --inactive neta | grep -q 192.168.190.9"

# -- net-update as virsh means it: --config, --live, the sections libvirt updates, its refusals
check "--config changes the persistent definition only" sh -c "'$BIN/netdctl' net-update neta add dns-host \"<host ip='192.168.190.8'><hostname>cfg</hostname></host>\" --config &&
	'$BIN/netdctl' net-dumpxml --inactive neta | grep -q 192.168.190.8 && ! '$BIN/netdctl' net-dumpxml neta | grep -q 192.168.190.8"
dpid0=$(pgrep -x dnsmasq)
check "add ip-dhcp-range --parent-index 0 --live: dnsmasq is restarted with it" sh -c "'$BIN/netdctl' net-update neta add-first ip-dhcp-range \"<range start='192.168.190.150' end='192.168.190.160'/>\" --parent-index 0 --live &&
	grep -q 'dhcp-range=192.168.190.150,192.168.190.160' '$T/run/dnsmasq/neta.conf' && test \"\$(pgrep -x dnsmasq)\" != '$dpid0'"
check "add dns-txt live: its record is in dnsmasq's configuration" sh -c "'$BIN/netdctl' net-update neta add dns-txt \"<txt name='info' value='hello'/>\" &&
	grep -q 'txt-record=info,\"hello\"' '$T/run/dnsmasq/neta.conf'"
check "delete dns-txt by name" "$BIN/netdctl" net-update neta delete dns-txt "<txt name='info'/>"
check "modify of a TXT record is refused as libvirt does" sh -c "'$BIN/netdctl' net-update neta modify dns-txt \"<txt name='info' value='x'/>\" 2>&1 | grep -q 'cannot be modified, only added or deleted'"
check "a DHCP host without ip is refused (<host name='tea'/>)" sh -c "'$BIN/netdctl' net-update neta add ip-dhcp-host \"<host name='tea'/>\" 2>&1 | grep -q \"needs 'ip'\""
check "section bridge is refused by name" sh -c "'$BIN/netdctl' net-update neta add bridge \"<bridge name='x'/>\" 2>&1 | grep -q \"section 'bridge' cannot be updated\""
check "--live on an inactive network is refused" sh -c "sed 's/neta/netlv/; s/ndla0/ndlv0/; s/192.168.190/192.168.189/g' '$T/a.xml' >'$T/lv.xml' &&
	'$BIN/netdctl' net-define '$T/lv.xml' && '$BIN/netdctl' net-update netlv add dns-host \"<host ip='192.168.189.9'><hostname>x</hostname></host>\" --live 2>&1 | grep -q 'is not running'"
check "  and --current on it changes its definition" sh -c "'$BIN/netdctl' net-update netlv add dns-host \"<host ip='192.168.189.9'><hostname>x</hostname></host>\" && '$BIN/netdctl' net-dumpxml netlv | grep -q 192.168.189.9 && '$BIN/netdctl' net-undefine netlv"

# -- restart: SIGTERM leaves the network running, a new daemon adopts it
dpid=$(pgrep -x dnsmasq)
stop_netd
check "after SIGTERM the bridge is still up" ip link show ndla0
check "after SIGTERM dnsmasq still runs" test "$(pgrep -x dnsmasq)" = "$dpid"
nft delete table inet netd # someone flushed the ruleset while netd was away
start_netd || exit 1
check "the new daemon put the network's rules back (one batch for all adopted)" \
	sh -c "nft list chain inet netd neta-fwd-in | grep -q accept && nft list map inet netd fwd_oif | grep -q ndla0"
check "the new daemon lists it active" sh -c "'$BIN/netdctl' net-list | grep -q 'neta.*active'"
check "it adopted the same dnsmasq" sh -c "'$BIN/netdctl' net-info neta | grep -q 'pid: *$dpid'"
check "the guest still reaches the gateway" ping_from g1 192.168.190.1
check "  and opens a TCP connection to the host through it" tcp_to_host g1 192.168.190.1

# -- a dnsmasq that dies is restarted
kill -9 "$dpid"
for _ in $(seq 40); do p=$(pgrep -x dnsmasq); [ -n "$p" ] && [ "$p" != "$dpid" ] && break; sleep 0.05; done
check "a killed dnsmasq is restarted within 2 s" sh -c "test -n '$p' && test '$p' != '$dpid'"
check "net-info counts the restart" sh -c "'$BIN/netdctl' net-info neta | grep -q 'restarts: *1'"

# -- collisions, refused before anything changes
ip link add ndforeign type bridge
sed 's/neta/netb/; s/ndla0/ndforeign/; s/192.168.190/192.168.191/g' "$T/a.xml" >"$T/b.xml"
"$BIN/netdctl" net-define "$T/b.xml" >/dev/null
check_fails "a bridge netd does not own is refused" "$BIN/netdctl" net-start netb
check "the error names the bridge" sh -c "'$BIN/netdctl' net-start netb 2>&1 | grep -q \"bridge 'ndforeign' already exists and is not netd's\""
check "the foreign bridge is untouched" ip link show ndforeign
sed 's/neta/netc/; s/ndla0/ndlc0/' "$T/a.xml" >"$T/c.xml"
sed -i "s/<uuid>.*//" "$T/c.xml"
"$BIN/netdctl" net-define "$T/c.xml" >/dev/null
check "an overlapping subnet is refused, naming the network" sh -c "'$BIN/netdctl' net-start netc 2>&1 | grep -q \"overlaps network 'neta'\""
ip addr add 10.77.0.1/16 dev up-foreign 2>/dev/null || { ip link add up-foreign type veth peer name up-foreign-p; ip addr add 10.77.0.1/16 dev up-foreign; ip link set up-foreign up; }
sed 's/neta/netd2/; s/ndla0/ndld0/; s/192.168.190.1\x27/10.77.5.1\x27/; s/192.168.190/10.77.5/g' "$T/a.xml" >"$T/d.xml"
"$BIN/netdctl" net-define "$T/d.xml" >/dev/null
check "a subnet overlapping a host route is refused" sh -c "'$BIN/netdctl' net-start netd2 2>&1 | grep -q 'overlaps the host route 10.77.0.0/16'"
check_fails "nothing of netc/netd2 was created" sh -c "ip link show ndlc0 || ip link show ndld0"
uuid=$("$BIN/netdctl" net-uuid neta)
sed "s/neta/nete/; s/ndla0/ndle0/; s/<name>nete<\/name>/<name>nete<\/name><uuid>$uuid<\/uuid>/" "$T/a.xml" >"$T/e.xml"
check "a duplicate UUID is refused" sh -c "'$BIN/netdctl' net-define '$T/e.xml' 2>&1 | grep -q 'is already network'"

# -- definitions as a libvirt user gives them: no <uuid>, from standard input, through a symlink
uuid_c=$("$BIN/netdctl" net-uuid netc)
check "redefining from a file without <uuid> keeps the network's UUID" sh -c "'$BIN/netdctl' net-define '$T/c.xml' >/dev/null && test \"\$('$BIN/netdctl' net-uuid netc)\" = '$uuid_c'"
check "net-validate of a file without <uuid> prints the same each run, with no made-up UUID" sh -c "'$BIN/netdctl' net-validate '$T/c.xml' >'$T/v1' && '$BIN/netdctl' net-validate '$T/c.xml' >'$T/v2' && cmp -s '$T/v1' '$T/v2' && ! grep -q '<uuid>' '$T/v1'"
check "net-define - reads standard input" sh -c "sed 's/netc/netg/; s/ndlc0/ndlg0/' '$T/c.xml' | '$BIN/netdctl' net-define - && '$BIN/netdctl' net-uuid netg"
ln -s "$T/c.xml" "$T/c-link.xml"
check "net-validate and net-define follow a symlink, as virsh does" sh -c "'$BIN/netdctl' net-validate '$T/c-link.xml' >/dev/null && '$BIN/netdctl' net-define '$T/c-link.xml'"
check "net-undefine the stdin one" "$BIN/netdctl" net-undefine netg

# -- a failure mid-way undoes what was done and names the step
stop_netd
start_netd --dnsmasq /nonexistent/dnsmasq-missing || exit 1
sed 's/neta/netf/; s/ndla0/ndlf0/; s/192.168.190/192.168.192/g' "$T/a.xml" >"$T/f.xml"
"$BIN/netdctl" net-define "$T/f.xml" >/dev/null
check_fails "start fails when dnsmasq cannot run" "$BIN/netdctl" net-start netf
check "the error names the step" sh -c "'$BIN/netdctl' net-start netf 2>&1 | grep -q \"step 'dnsmasq' failed: .*cannot execute dnsmasq\""
check_fails "its bridge was removed" ip link show ndlf0
check_fails "its chains were removed" nft list chain inet netd netf-fwd-in
check "it is listed inactive" sh -c "'$BIN/netdctl' net-list --all | grep -q 'netf.*inactive'"
check "neta kept running meanwhile" sh -c "'$BIN/netdctl' net-list | grep -q 'neta.*active'"
stop_netd
start_netd || exit 1

# -- autostart
check "net-autostart" "$BIN/netdctl" net-autostart netb --disable
check "autostart link for neta" sh -c "'$BIN/netdctl' net-autostart neta && test -L '$T/etc/networks/autostart/neta.xml'"

# -- bad input over the socket: error replies, and the daemon keeps serving
raw_expect() { # raw_expect PATTERN ARGS...: the reply to a raw message matches PATTERN
	local pat=$1; shift
	"$BIN/nd-rawsend" "$NETD_SOCKET" "$@" | tee /dev/stderr | grep -Eq -- "$pat"
}
printf '%s' '{"jsonrpc":"2.0","id":1,"method":"net-define","params":{"xml":"<network><name>x</name>\n<bridge stp=\"maybe\"/></network>"}}' >"$T/badxml.json"
check "malformed JSON gets a parse error" raw_expect -32700 '{"jsonrpc": "2.0", "method": '
check "an unknown method gets method-not-found" raw_expect -32601 '{"jsonrpc":"2.0","id":1,"method":"net-frobnicate"}'
check "a parameter of the wrong type gets invalid-params" raw_expect -32602 '{"jsonrpc":"2.0","id":1,"method":"net-info","params":{"name":42}}'
check "params that are not an object get invalid-params" raw_expect -32602 '{"jsonrpc":"2.0","id":1,"method":"net-list","params":[1]}'
check "a JSON array is an invalid request" raw_expect -32600 '[1,2,3]'
check "a huge message is refused" raw_expect '-32600|send refused' --size 2000000
check "bad XML in net-define names line and attribute" raw_expect "request>:2: <bridge stp='maybe'>" --file "$T/badxml.json"
check "the daemon still serves" "$BIN/netdctl" net-list --all

# -- destroy everything: nothing left
for n in $("$BIN/netdctl" net-list --name); do "$BIN/netdctl" net-destroy "$n" >/dev/null; done
check_fails "no netd bridge left" sh -c "ip -o link show type bridge | grep -v ndforeign | grep -q ."
check_fails "no table left" nft list table inet netd
check_fails "no dnsmasq left" pgrep -x dnsmasq
finish
