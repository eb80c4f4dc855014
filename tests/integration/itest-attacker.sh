#!/usr/bin/env bash
# What an attacker on the host gets (issue "Security"), as root and as an
# unprivileged user: authority is decided per request (a connection handed to
# an unprivileged process changes nothing); <dnsmasq:options> is root's only;
# a local user cannot exhaust the daemon; unsafe directories are refused;
# a run dir dnsmasq cannot read is refused; a guest's long client-id does not
# break net-dhcp-leases; values that would reach dnsmasq's files are checked
# or escaped, and a dnsmasq that dies at start fails net-start with its own
# words; dnsmasq runs as a dedicated user; QEMU inherits nothing it was not
# given and runs with no capabilities.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
export USERS_GID=$(getent group users | cut -d: -f3)
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_member() { setpriv --reuid=65534 --regid=65534 --groups="$USERS_GID" "$@"; }

# a dedicated dnsmasq user, in this test's own mount namespace (run.sh gave it one)
cp /etc/passwd "$T/passwd"; cp /etc/group "$T/group"
echo "netd-dnsmasq:x:64999:64999:netd dnsmasq:/nonexistent:/usr/sbin/nologin" >>"$T/passwd"
echo "netd-dnsmasq:x:64999:" >>"$T/group"
mount --bind "$T/passwd" /etc/passwd && mount --bind "$T/group" /etc/group

start_netd --admin-group users || exit 1
cat >"$T/a.xml" <<'XML'
<network><name>atk</name><forward mode='nat'/><bridge name='ndatk0'/>
<ip address='192.168.235.1' prefix='24'><dhcp><range start='192.168.235.10' end='192.168.235.20'/>
<option number='119' value='a"b'/></dhcp></ip>
</network>
XML
check "root defines and starts a network with a '\"' in a DHCP option" sh -c "'$BIN/netdctl' net-define '$T/a.xml' && '$BIN/netdctl' net-start atk"
dpid=$(pgrep -f "conf-file=$T/run/dnsmasq/atk.conf")
quote_escaped() { sleep 0.5; [ -n "$dpid" ] && kill -0 "$dpid" && grep -qF 'dhcp-option=119,"a\"b"' "$T/run/dnsmasq/atk.conf"; }
check "its dnsmasq runs (the quote is escaped, no crash loop)" quote_escaped
check "dnsmasq runs as the dedicated user netd-dnsmasq" test "$(ps -o user= -p "$dpid")" = netd-dnsmasq

# -- authority per request
check "root's connection, used after dropping to nobody, is refused changes" \
	sh -c "'$BIN/nd-call' --setuid 65534 net-destroy '{\"name\":\"atk\"}' 2>&1 | grep -q 'permission denied'"
check "the network is still active" sh -c "'$BIN/netdctl' net-list | grep -q 'atk .*active'"

# -- <dnsmasq:options> is root's only
cat >"$T/opt.xml" <<'XML'
<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'><name>opt</name><bridge name='ndopt0'/>
<ip address='192.168.236.1' prefix='24'><dhcp><range start='192.168.236.10' end='192.168.236.20'/></dhcp></ip>
<dnsmasq:options><dnsmasq:option value='dhcp-script=/bin/true'/></dnsmasq:options>
</network>
XML
check_fails "an admin-group member may not define <dnsmasq:options>" as_member "$BIN/netdctl" net-define "$T/opt.xml"
says() { local pat=$1; shift; "$@" 2>&1 | grep -q -- "$pat"; }
check "the error says why" says "root only" as_member "$BIN/netdctl" net-define "$T/opt.xml"
sed '/dnsmasq:option/d' "$T/opt.xml" >"$T/opt2.xml"
check "a member may still define an ordinary network" sh -c "setpriv --reuid=65534 --regid=65534 --groups=$USERS_GID '$BIN/netdctl' net-define '$T/opt2.xml' && '$BIN/netdctl' net-undefine opt"
check "root may" sh -c "'$BIN/netdctl' net-define '$T/opt.xml' && '$BIN/netdctl' net-undefine opt"

# -- values that would change dnsmasq's files are refused, naming them
cat >"$T/comma.xml" <<'XML'
<network><name>comma</name><bridge name='ndcm0'/>
<ip family='ipv6' address='fd00:237::1' prefix='64'><dhcp><range start='fd00:237::10' end='fd00:237::20'/>
<host id='0:1,52:54:00:00:00:09' ip='fd00:237::30'/></dhcp></ip></network>
XML
check_fails "a comma in <host id> is refused" "$BIN/netdctl" net-define "$T/comma.xml"
check "naming the element and the rule" says "<host id>.*cannot go into dnsmasq's files" "$BIN/netdctl" net-define "$T/comma.xml"
cat >"$T/hash.xml" <<'XML'
<network><name>hash</name><bridge name='ndhs0'/>
<ip address='192.168.237.1' prefix='24'><dhcp><range start='192.168.237.10' end='192.168.237.20'/>
<bootp file='pxe#x' server='192.168.237.2'/></dhcp></ip></network>
XML
check "a '#' in <bootp file> is refused, naming it" says "<bootp file>.*cannot go into dnsmasq's files" "$BIN/netdctl" net-define "$T/hash.xml"

# -- a dnsmasq that exits at start fails net-start with its own words
cat >"$T/bad.xml" <<'XML'
<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'><name>bad</name><bridge name='ndbad0'/>
<ip address='192.168.238.1' prefix='24'><dhcp><range start='192.168.238.10' end='192.168.238.20'/></dhcp></ip>
<dnsmasq:options><dnsmasq:option value='no-such-option-here'/></dnsmasq:options>
</network>
XML
check "define it" "$BIN/netdctl" net-define "$T/bad.xml"
"$BIN/netdctl" net-start bad >"$T/bad.out" 2>&1; rc=$?
check "net-start fails" test "$rc" != 0
check "with dnsmasq's own message" grep -q "dnsmasq exited at start.*bad option" "$T/bad.out"
check "and leaves nothing" sh -c "! ip link show ndbad0 2>/dev/null && '$BIN/netdctl' net-list --all | grep -q 'bad .*inactive'"
"$BIN/netdctl" net-undefine bad >/dev/null

# -- a guest's long client-id
cid=$(for i in $(seq 0 254); do printf '%02x:' $i; done); cid=${cid%:}
printf '%s 52:54:00:aa:00:01 192.168.235.11 %s %s\n%s 52:54:00:aa:00:02 192.168.235.12 short *\nnot a lease\n' \
	$(( $(date +%s) + 3600 )) "$(printf 'h%.0s' $(seq 200))" "$cid" $(( $(date +%s) + 3600 )) >"$T/lib/dnsmasq/atk.leases"
check "net-dhcp-leases lists a lease with a 255-byte client-id" sh -c "'$BIN/netdctl' net-dhcp-leases atk | grep -q 192.168.235.11"
check "and the others" sh -c "'$BIN/netdctl' net-dhcp-leases atk | grep -q 192.168.235.12"
check "the unreadable line is logged, not fatal" grep -q "unreadable lease line" "$T/netd.log"

# -- QEMU gets only what it is given
echo secret >"$T/root-only"; chmod 600 "$T/root-only"
mkdir -m 777 "$T/q"
exec 7<"$T/root-only"
FAKE_QEMU_OUT=$T/q/out "$BIN/netd-launch" --qemu "$ROOT/tests/tools/fake-qemu.sh" --network atk --user nobody -- -m 64 2>"$T/q/err" &
LP=$!
exec 7<&-
for _ in $(seq 100); do [ -s "$T/q/out" ] && break; sleep 0.05; done
check "QEMU did not inherit the caller's fd 7 (a root-only file)" sh -c "grep '^fds' '$T/q/out' && ! grep -q '^fds.* 7 ' '$T/q/out'"
check "QEMU has no capabilities" sh -c "grep -q '^CapEff:[[:space:]]*0*$' '$T/q/out' && grep -q '^CapPrm:[[:space:]]*0*$' '$T/q/out' && grep -q '^CapBnd:[[:space:]]*0*$' '$T/q/out'"
check "no_new_privs is set" grep -q '^NoNewPrivs:[[:space:]]*1' "$T/q/out"
check "no supplementary groups" grep -q '^Groups:[[:space:]]*$' "$T/q/out"
touch "$T/q/out.stop"; wait $LP 2>/dev/null

# -- a local user cannot exhaust the daemon
as_nobody "$BIN/nd-call" --hold 500 --seconds 4 >/dev/null &
HP=$!
sleep 2
nfd=$(ls /proc/$NETD_PID/fd | wc -l)
check "500 connections from nobody: netd holds $nfd fds (32 per user at most)" test "$nfd" -lt 100
check "root is served meanwhile" env NETD_TIMEOUT=5 "$BIN/netdctl" net-list
wait $HP
for i in $(seq 8); do as_nobody "$BIN/nd-call" --repeat 100000 net-list >/dev/null 2>&1 & done
sleep 1
start=$(date +%s%N)
check "a read-only flood from nobody: root's net-info is answered" env NETD_TIMEOUT=5 "$BIN/netdctl" net-info atk
echo "# root's call took $(( ($(date +%s%N) - start) / 1000000 )) ms during the flood"
pkill -f "nd-call --repeat" ; sleep 0.2
nofile=$(prlimit --nofile --pid "$NETD_PID" -o SOFT --noheadings | tr -d ' ')
prlimit --nofile=64: --pid "$NETD_PID"
"$BIN/nd-call" --hold 200 --seconds 4 >/dev/null &
HP=$!
sleep 1.5
t0=$(awk '{print $14 + $15}' /proc/$NETD_PID/stat); sleep 1; t1=$(awk '{print $14 + $15}' /proc/$NETD_PID/stat)
check "out of fds, netd does not spin (CPU ticks in 1 s: $((t1 - t0)))" test $((t1 - t0)) -lt 30
wait $HP
prlimit --nofile="$nofile": --pid "$NETD_PID"
check "and serves again once they are gone" "$BIN/netdctl" net-list

# -- directories another user could swap are refused
stop_netd
mkdir -p "$T/u/run"; chown 65534 "$T/u/run"
"$BIN/netd" --socket "$T/u.sock" --config-dir "$T/etc" --run-dir "$T/u/run" --state-dir "$T/lib" 2>"$T/u.err"; rc=$?
check "a run dir owned by another user is refused" sh -c "test $rc != 0 && grep -q '$T/u/run.*owned by uid 65534' '$T/u.err'"
check "and nothing was written into it" test -z "$(ls -A "$T/u/run")"
mkdir -p "$T/w/etc"; chmod 777 "$T/w"
"$BIN/netd" --socket "$T/w.sock" --config-dir "$T/w/etc" --run-dir "$T/run2" --state-dir "$T/lib" 2>"$T/w.err"; rc=$?
check "a config dir under a world-writable parent is refused, naming it" sh -c "test $rc != 0 && grep -q '$T/w.*writable by group or others' '$T/w.err'"
mkdir -p "$T/priv/run"; chmod 700 "$T/priv"
"$BIN/netd" --socket "$T/p.sock" --config-dir "$T/etc" --run-dir "$T/priv/run" --state-dir "$T/lib" 2>"$T/p.err"; rc=$?
check "a run dir dnsmasq cannot enter is refused, naming the directory" sh -c "test $rc != 0 && grep -q '$T/priv.*cannot enter' '$T/p.err'"
start_netd --admin-group users || exit 1
check "destroy and undefine" sh -c "'$BIN/netdctl' net-destroy atk && '$BIN/netdctl' net-undefine atk"
finish
