# Shared helpers for the integration tests. Each test runs as PID 1 of its own
# PID, mount and network namespace (tests/integration/run.sh starts it with
# unshare), so every process it starts dies with it and every namespace it
# makes is gone afterwards. The EXIT trap cleans up in order anyway.
set -u

ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${BIN:-$ROOT/build/bin}
export BIN
T=$(mktemp -d /tmp/netd-itest.XXXXXX)
chmod 755 "$T" # dnsmasq drops to an unprivileged user and must read its files
FAILS=0
PASSES=0
NETD_PID=

# A private /run/netns is not needed: "namespaces" here are processes.
export NETD_SOCKET=$T/netd.sock

cleanup() {
	[ -n "$NETD_PID" ] && kill "$NETD_PID" 2>/dev/null
	pkill -x dnsmasq 2>/dev/null
	for p in "${NSPIDS[@]}"; do kill "$p" 2>/dev/null; done
	nft delete table inet netd 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

ok() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
not_ok() { FAILS=$((FAILS + 1)); echo "not ok - $*"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@" >"$T/last.out" 2>&1; then ok "$what"; else not_ok "$what"; sed 's/^/#   /' "$T/last.out" | head -20; fi
}
check_fails() {
	local what=$1; shift
	if "$@" >"$T/last.out" 2>&1; then not_ok "$what (unexpectedly succeeded)"; sed 's/^/#   /' "$T/last.out" | head -20; else ok "$what"; fi
}
finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" = 0 ]
}

# start_netd [extra options]: in this (the "host") namespace, sandboxed dirs;
# NETD_BIN names another build of the daemon (the ASan one)
start_netd() {
	"${NETD_BIN:-$BIN/netd}" --socket "$NETD_SOCKET" --config-dir "$T/etc" --run-dir "$T/run" \
		--state-dir "$T/lib" --dnsmasq-log file "$@" 2>>"$T/netd.log" &
	NETD_PID=$!
	for _ in $(seq 200); do
		[ -S "$NETD_SOCKET" ] && "$BIN/netdctl" net-list >/dev/null 2>&1 && return 0
		kill -0 "$NETD_PID" 2>/dev/null || break
		sleep 0.02
	done
	echo "# netd did not come up:"; sed 's/^/#   /' "$T/netd.log"
	return 1
}
stop_netd() {
	[ -n "$NETD_PID" ] && kill "$NETD_PID" && wait "$NETD_PID" 2>/dev/null
	NETD_PID=
}

. "$ROOT/tests/lib/netns.sh"

# the udhcpc script: configure the lease like a real guest would
write_udhcpc_script() {
	cat >"$T/udhcpc.sh" <<'EOS'
#!/bin/sh
case "$1" in
deconfig) ip addr flush dev "$interface" ;;
bound|renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/$mask" dev "$interface"
	[ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
	echo "$router" > "$LEASE_FILE.router"
	echo "$ip" > "$LEASE_FILE"
	;;
esac
exit 0
EOS
	chmod +x "$T/udhcpc.sh"
}
# dhcp NAME: the guest asks for a lease; its address ends up in $T/NAME.lease
dhcp() {
	[ -f "$T/udhcpc.sh" ] || write_udhcpc_script
	LEASE_FILE="$T/$1.lease" in_ns "$1" busybox udhcpc -i g0 -n -q -f -t 10 -T 1 -s "$T/udhcpc.sh" &&
		[ -s "$T/$1.lease" ]
}
lease_of() { cat "$T/$1.lease"; }

# uplink: "the outside world" in namespace uplink, 10.99.0.2, reached via host
# 10.99.0.1 (tests/lib/netns.sh), counting what arrives by source address
make_uplink() {
	make_uplink_ns
	in_ns uplink nft -f - <<'EON'
table inet probe {
	counter from_host { }
	counter from_guest { }
	chain in {
		type filter hook input priority 0;
		ip saddr 10.99.0.1 icmp type echo-request counter name from_host
		ip saddr 192.168.0.0/16 icmp type echo-request counter name from_guest
	}
}
EON
}
uplink_count() { # uplink_count from_host|from_guest
	in_ns uplink nft list counter inet probe "$1" | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

# is_root_or_skip: integration tests need root; under CI that is a failure
need_root() {
	if [ "$(id -u)" != 0 ]; then
		if [ "${CI:-}" = true ]; then echo "not ok - needs root (CI=true)"; exit 1; fi
		echo "SKIP: needs root"; exit 77
	fi
}

# resolves NS NAME SERVER EXPECTED NETWORK: NAME resolves to EXPECTED through SERVER
resolves() {
	local out
	out=$(in_ns "$1" busybox nslookup "$2" "$3" 2>&1)
	echo "$out"
	if ! echo "$out" | grep -q "$4"; then
		echo "dnsmasq log:"; cat "$T/run/dnsmasq/$5.log" 2>/dev/null
		return 1
	fi
}
# ping_from NS ADDR: one ping, 2 s at most
ping_from() { in_ns "$1" busybox ping -c 1 -W 2 "$2"; }
# tcp FROM TO_NS TO_ADDR: a line sent over TCP from namespace FROM to a listener in TO_NS arrives
# listening [NS] PORT: until a TCP listener on PORT is up (in namespace NS, else here), 3 s at most
listening() {
	local i
	for i in $(seq 60); do
		if [ $# = 2 ]; then in_ns "$1" ss -Hltn "sport = :$2" | grep -q .; else ss -Hltn "sport = :$1" | grep -q .; fi && return 0
		sleep 0.05
	done
	return 1
}
tcp() {
	rm -f "$T/tcp.rx"
	in_ns "$2" timeout 5 busybox nc -l -p 5001 >"$T/tcp.rx" &
	local l=$!
	listening "$2" 5001
	echo "hello from $1" | in_ns "$1" timeout 3 busybox nc -w 2 "$3" 5001
	wait $l 2>/dev/null
	grep -q "hello from $1" "$T/tcp.rx"
}

# tcp_from_host NS ADDR: a line sent over TCP from the host (this namespace) to a listener in NS
tcp_from_host() {
	rm -f "$T/tcpf.rx"
	in_ns "$1" timeout 5 busybox nc -l -p 5004 >"$T/tcpf.rx" &
	local l=$!
	listening "$1" 5004
	echo "hello from the host" | timeout 3 busybox nc -w 2 "$2" 5004
	wait $l 2>/dev/null
	grep -q "hello from the host" "$T/tcpf.rx"
}
# tcp_to_host FROM ADDR: a line sent over TCP from namespace FROM to a listener of the host (this namespace)
tcp_to_host() {
	rm -f "$T/tcph.rx"
	timeout 5 busybox nc -l -p 5003 >"$T/tcph.rx" &
	local l=$!
	listening 5003
	echo "hello from $1" | in_ns "$1" timeout 3 busybox nc -w 2 "$2" 5003
	wait $l 2>/dev/null
	grep -q "hello from $1" "$T/tcph.rx"
}

# start_ovs: a private ovsdb-server and ovs-vswitchd in this namespace; sets OVS_DB
start_ovs() {
	command -v ovs-vswitchd >/dev/null || { echo "not ok - Open vSwitch missing (make deps)"; return 1; }
	local D=$T/ovs
	mkdir -p "$D"
	export OVS_RUNDIR=$D OVS_DBDIR=$D OVS_LOGDIR=$D OVS_SYSCONFDIR=$D
	ovsdb-tool create "$D/conf.db" /usr/share/openvswitch/vswitch.ovsschema || return 1
	ovsdb-server "$D/conf.db" --remote="punix:$D/db.sock" --pidfile="$D/ovsdb.pid" --unixctl="$D/ovsdb.ctl" \
		--log-file="$D/ovsdb.log" --detach 2>/dev/null || return 1
	ovs-vsctl --db="unix:$D/db.sock" --no-wait init || return 1
	ovs-vswitchd "unix:$D/db.sock" --pidfile="$D/vswitchd.pid" --unixctl="$D/vswitchd.ctl" \
		--log-file="$D/vswitchd.log" --detach 2>/dev/null || return 1
	OVS_DB=$D/db.sock
	vsctl() { ovs-vsctl --db="unix:$OVS_DB" --timeout=10 "$@"; }
}

# veth_guest NAME IP: a namespace guest with g0 at IP/24; its host end h-NAME stays here
veth_guest() {
	new_ns "$1"
	local var="NS_$1"
	ip link add "h-$1" type veth peer name g0 netns "${!var}"
	in_ns "$1" ip addr add "$2/24" dev g0
	in_ns "$1" ip link set g0 up
}
