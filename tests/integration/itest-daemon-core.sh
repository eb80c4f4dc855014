#!/usr/bin/env bash
# The daemon's core, from the user's side (issue "Daemon core"): a netd
# restart never touches a running guest; ports belong to their process, not
# to a connection; one daemon per state; replies of any size arrive; a
# reservation survives a restart; a transient network that lost its bridge
# is handled without touching freed memory; netd-launch with netd down does
# not start QEMU; names with ".tmp." keep their files; netd adopts or deletes
# only devices carrying its mark; a dnsmasq slow to stop blocks nobody.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
# the ASan build of the daemon when make check-unit-san left one: a use-after-free is then a crash
SAN_NETD=$ROOT/build/san/bin/netd
[ -x "$SAN_NETD" ] && [ "${NETD_NO_SAN:-}" != 1 ] && export ASAN_OPTIONS=detect_leaks=0:quarantine_size_mb=1 && NETD_BIN=$SAN_NETD
start_netd || exit 1
FAKE=$ROOT/tests/tools/fake-qemu.sh
cat >"$T/c.xml" <<'XML'
<network><name>core</name><forward mode='nat'/><bridge name='ndcore0'/>
<ip address='192.168.232.1' prefix='24'><dhcp><range start='192.168.232.10' end='192.168.232.20'/></dhcp></ip>
</network>
XML
check "define and start" sh -c "'$BIN/netdctl' net-define '$T/c.xml' && '$BIN/netdctl' net-start core"

# -- a restart never touches a running guest
FAKE_QEMU_OUT=$T/g1 "$BIN/netd-launch" --qemu "$FAKE" --network core --mac 52:54:00:00:cc:01 -- -m 64 2>"$T/g1.err" &
G1=$!
for _ in $(seq 100); do [ -s "$T/g1" ] && break; sleep 0.05; done
port=$("$BIN/netdctl" net-port-list core | awk '$2 == "52:54:00:00:cc:01" {print $1}')
check "the guest has a port" test -n "$port"
check "QEMU holds no connection to netd (only its TAP)" sh -c "! ls -l /proc/$G1/fd | grep -q socket"
kill -TERM $NETD_PID; wait $NETD_PID 2>/dev/null; NETD_PID=
check "after netd's SIGTERM the guest's TAP is still there" ip link show "$port"
check "and still on the bridge" sh -c "ip -o link show $port | grep -q 'master ndcore0'"
start_netd || exit 1
check "the restarted netd lists the guest's port" sh -c "'$BIN/netdctl' net-port-list core | grep -q '$port'"
touch "$T/g1.stop"; wait $G1 2>/dev/null
listed() { "$BIN/netdctl" net-port-list core | grep -q "$1"; }
for _ in $(seq 100); do listed "$port" || break; sleep 0.05; done
check_fails "when the guest ends, the re-adopted port goes (its owner was watched)" listed "$port"
FAKE_QEMU_OUT=$T/g2 "$BIN/netd-launch" --qemu "$FAKE" --network core -- -m 64 2>"$T/g2.err" &
G2=$!
for _ in $(seq 100); do [ -s "$T/g2" ] && break; sleep 0.05; done
port2=$("$BIN/netdctl" net-port-list core | awk 'NR > 2 && $1 ~ /^vnet/ {print $1}' | head -1)
kill -TERM $NETD_PID; wait $NETD_PID 2>/dev/null; NETD_PID=
touch "$T/g2.stop"; wait $G2 2>/dev/null
start_netd || exit 1
check "a guest that ended while netd was down is reaped at restart" sh -c "! '$BIN/netdctl' net-port-list core | grep -q '${port2:-none}' && ! ls '$T/run/ports/${port2:-none}.json' 2>/dev/null"

# -- one daemon per state
"$BIN/netd" --socket "$NETD_SOCKET" --config-dir "$T/etc" --run-dir "$T/run" --state-dir "$T/lib" 2>"$T/second.err"
rc=$?
check "a second netd on the same state exits non-zero" test "$rc" != 0
check "naming the pid that holds the lock" grep -q "another netd (pid $NETD_PID)" "$T/second.err"
check "the first netd still answers on its socket" "$BIN/netdctl" net-list

# -- a reservation survives a restart
check "net-update add ip-dhcp-host" "$BIN/netdctl" net-update core add ip-dhcp-host "<host mac='52:54:00:00:cc:77' ip='192.168.232.77'/>"
kill -TERM $NETD_PID; wait $NETD_PID 2>/dev/null; NETD_PID=
start_netd || exit 1
check "another net-update after the restart" "$BIN/netdctl" net-update core add dns-host "<host ip='192.168.232.5'><hostname>h5</hostname></host>"
check "the reservation is still in dnsmasq's hosts file" grep -qi "52:54:00:00:cc:77.*192.168.232.77" "$T/run/dnsmasq/core.hostsfile"
check "and in the live XML" sh -c "'$BIN/netdctl' net-dumpxml core | grep -q \"192.168.232.77\""

# -- replies and requests of any size
for i in $(seq 1200); do printf '<network><name>n%04d-%s</name><bridge name="ndb%d"/></network>\n' $i "$(printf 'x%.0s' $(seq 50))" $i >"$T/big-$i.xml"; done
for i in $(seq 1200); do "$BIN/netdctl" net-define "$T/big-$i.xml" >/dev/null || break; done
bytes=$("$BIN/nd-call" net-list | wc -c)
check "net-list of 1200 long-named networks arrives whole ($bytes bytes, more than a socket buffer)" test "$bytes" -gt 250000
check "netdctl lists all of them" sh -c "test \$(NETD_TIMEOUT=20 '$BIN/netdctl' net-list --all --name | grep -c '^n[0-9]') = 1200"
check "a 700 KiB request is taken (the documented limit is 1 MiB)" "$BIN/nd-call" --pad 700000 net-info '{"name":"core"}'
check_fails "a 2 MiB request is refused" "$BIN/nd-call" --pad 2000000 net-info '{"name":"core"}'
check "with an error naming the limit" sh -c "'$BIN/nd-call' --pad 2000000 net-info '{\"name\":\"core\"}' 2>&1 | grep -q 'larger than 1048576'"
for i in $(seq 1200); do echo "n$(printf %04d $i)-$(printf 'x%.0s' $(seq 50))"; done >"$T/bignames"
while read -r n; do "$BIN/netdctl" net-undefine "$n" >/dev/null; done <"$T/bignames"

# -- bad parameters do not grow the daemon (each bad request's error reply was leaked)
rss() { awk '/VmRSS/ {print $2}' /proc/$NETD_PID/status; }
"$BIN/nd-call" --repeat 2000 net-update '{"name":1,"command":2,"section":3,"xml":4}' 2>/dev/null
before=$(rss)
"$BIN/nd-call" --repeat 20000 net-update '{"name":1,"command":2,"section":3,"xml":4}' 2>/dev/null
after=$(rss)
check "20000 requests with four bad parameters: RSS $before -> $after kB" test $((after - before)) -lt 1024

# -- a transient network that lost its bridge: no use of freed memory
cat >"$T/t.xml" <<'XML'
<network><name>trans</name><forward mode='nat'/><bridge name='ndtr0'/>
<ip address='192.168.233.1' prefix='24'/></network>
XML
check "net-create a transient network" "$BIN/netdctl" net-create "$T/t.xml"
ip link del ndtr0
check_fails "net-start after its bridge was deleted fails" "$BIN/netdctl" net-start trans
check "saying it is gone" sh -c "'$BIN/netdctl' net-start trans 2>&1 | grep -q \"not found\|is gone\""
check "the daemon is alive and serving" sh -c "kill -0 $NETD_PID && '$BIN/netdctl' net-list"

# -- names with .tmp. keep their definition and record
sed 's/<name>core</<name>a.tmp.1</; s/ndcore0/ndtmp0/; s/192.168.232/192.168.234/g' "$T/c.xml" >"$T/tmp.xml"
check "a network named a.tmp.1 starts" sh -c "'$BIN/netdctl' net-define '$T/tmp.xml' && '$BIN/netdctl' net-start a.tmp.1"
kill -TERM $NETD_PID; wait $NETD_PID 2>/dev/null; NETD_PID=
start_netd || exit 1
check "after a restart it is still defined and active" sh -c "'$BIN/netdctl' net-list | grep -q 'a.tmp.1 .*active'"
check "destroy and undefine it" sh -c "'$BIN/netdctl' net-destroy a.tmp.1 && '$BIN/netdctl' net-undefine a.tmp.1"

# -- only marked devices are netd's
check "netd's bridge carries its mark" sh -c "ip -d link show ndcore0 | grep -q 'alias netd:core'"
kill -TERM $NETD_PID; wait $NETD_PID 2>/dev/null; NETD_PID=
ip link del ndcore0
ip link add ndcore0 type bridge
start_netd || exit 1
check "a foreign bridge with the recorded name is not adopted" sh -c "! '$BIN/netdctl' net-list | grep -q 'core .*active'"
check "nor deleted" ip link show ndcore0
check "the log says why" grep -q "ndcore0 does not carry netd's mark" "$T/netd.log"
ip link del ndcore0

# -- a dnsmasq that ignores SIGTERM blocks nobody
check "start core again" "$BIN/netdctl" net-start core
dpid=$(pgrep -f "conf-file=$T/run/dnsmasq/core.conf")
kill -STOP $dpid
check "net-destroy returns while dnsmasq has not exited" sh -c "'$BIN/netdctl' net-destroy core && test -d /proc/$dpid"
check "netd answers meanwhile" "$BIN/netdctl" net-list
kill -CONT $dpid 2>/dev/null
for _ in $(seq 80); do test -d /proc/$dpid || break; sleep 0.05; done
check "and the stopped dnsmasq is gone soon after" test ! -d /proc/$dpid

# -- netd-launch with netd down never starts QEMU
kill -TERM $NETD_PID; wait $NETD_PID 2>/dev/null; NETD_PID=
FAKE_QEMU_OUT=$T/g3 "$BIN/netd-launch" --qemu "$FAKE" --network core -- -m 64 2>"$T/g3.err"
rc=$?
check "netd-launch with netd down exits non-zero" test "$rc" != 0
check "without starting QEMU" test ! -e "$T/g3"
check "saying it cannot reach netd" grep -q "cannot connect to netd" "$T/g3.err"
start_netd || exit 1
check "undefine" "$BIN/netdctl" net-undefine core

# -- --daemon: returns once it serves, with stdio detached and a pidfile
stop_netd
out=$(timeout 10 "$BIN/netd" --daemon --socket "$NETD_SOCKET" --config-dir "$T/etc" --run-dir "$T/run" \
	--state-dir "$T/lib" --pidfile "$T/netd.pid")
rc=$?
check "out=\$(netd --daemon) returns (exit $rc), printing nothing" test "$rc" = 0 -a -z "$out"
dpid=$(cat "$T/netd.pid" 2>/dev/null)
check "the pidfile names the running daemon" sh -c "test -n '$dpid' && kill -0 '$dpid' && grep -q netd /proc/$dpid/comm"
check "it serves at once" "$BIN/netdctl" net-list
timeout 10 "$BIN/netd" --daemon --socket "$NETD_SOCKET" --config-dir "$T/etc" --run-dir "$T/run" --state-dir "$T/lib" \
	2>"$T/second-daemon.err"
check "a second --daemon fails (exit $?), with the reason in syslog or on stderr" test $? != 0
kill "$dpid"
check_fails "no ASan report in the daemon's log" grep -q "AddressSanitizer" "$T/netd.log"
finish
