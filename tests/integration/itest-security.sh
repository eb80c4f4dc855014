#!/usr/bin/env bash
# Access control by SO_PEERCRED (unprivileged users may read, not change;
# --admin-group members may change), dnsmasq without root, generated files not
# writable by others, and corrupt config/status files reported by name,
# skipped, the rest working.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
USERS_GID=$(getent group users | cut -d: -f3)
start_netd --admin-group users || exit 1
cat >"$T/s.xml" <<'XML'
<network><name>sec</name><forward mode='nat'/><bridge name='ndsec0'/>
<ip address='192.168.251.1' prefix='24'><dhcp><range start='192.168.251.10' end='192.168.251.20'/></dhcp></ip>
</network>
XML
check "root defines and starts" sh -c "'$BIN/netdctl' net-define '$T/s.xml' && '$BIN/netdctl' net-start sec"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_member() { setpriv --reuid=65534 --regid=65534 --groups="$USERS_GID" "$@"; }
check "an unprivileged user may list" as_nobody "$BIN/netdctl" net-list --all
check "and read info, XML and leases" sh -c "$(declare -f as_nobody); as_nobody '$BIN/netdctl' net-info sec && as_nobody '$BIN/netdctl' net-dumpxml sec >/dev/null && as_nobody '$BIN/netdctl' net-dhcp-leases sec >/dev/null"
denied() { as_nobody "$BIN/netdctl" "$@" 2>&1 | tee /dev/stderr | grep -q "permission denied"; }
check "but not destroy" denied net-destroy sec
check "nor define" denied net-define "$T/s.xml"
check "nor create ports" denied net-port-create sec
check "nor update" denied net-update sec add dns-host "<host ip='192.168.251.5'><hostname>x</hostname></host>"
check "the network is still active" sh -c "'$BIN/netdctl' net-list | grep -q 'sec .*active'"
check "a member of --admin-group may change things" as_member "$BIN/netdctl" net-destroy sec
check "root starts it again" "$BIN/netdctl" net-start sec
dpid=$(pgrep -x dnsmasq)
check "dnsmasq does not run as root" sh -c "test \"\$(ps -o user= -p $dpid)\" != root"
check "generated files are not writable by others (sockets aside: the read-only ones are for everyone)" sh -c "! find '$T/run' '$T/etc' '$T/lib' -perm -o+w -not -type l -not -type s | grep ."
check "  libvirt's read-write socket is root's and the admin group's only" sh -c "stat -c '%a %G' '$T/run/virtnetworkd-sock' | grep -qx '660 $(getent group "$USERS_GID" | cut -d: -f1)'"

# corrupt files: reported by name, skipped, the rest keeps working
stop_netd
printf '<network><name>broken</name><bridge name=' >"$T/etc/networks/broken.xml"
printf '\xff\xfe garbage' >"$T/etc/networks/garbage.xml"
printf '{"state": "act' >"$T/run/networks/sec.json"
start_netd --admin-group users || exit 1
check "the truncated definition is reported by file name" grep -q "etc/networks/broken.xml.*malformed XML" "$T/netd.log"
check "the garbage definition is reported by file name" grep -q "etc/networks/garbage.xml" "$T/netd.log"
check "the unreadable runtime record is reported" grep -q "sec.json: unreadable runtime record" "$T/netd.log"
check "the network with the corrupt status was cleaned up, not half-adopted" sh -c "! ip link show ndsec0 2>/dev/null && ! pgrep -x dnsmasq && '$BIN/netdctl' net-list --all | grep -q 'sec .*inactive'"
check "it starts again cleanly" "$BIN/netdctl" net-start sec
check "and the broken files are not listed" sh -c "! '$BIN/netdctl' net-list --all | grep -q 'broken\|garbage'"
check "destroy" "$BIN/netdctl" net-destroy sec
check_fails "nothing left" sh -c "ip -o link show type bridge | grep -q . || nft list table inet netd"
finish
