# Network namespaces for tests and benchmarks (sourced): "hosts" are
# processes holding a network namespace, so they die with the PID namespace
# the caller runs in. NSPIDS lists them for an orderly cleanup.
NSPIDS=()

# new_ns NAME: a network namespace held by a sleeping process; its pid in NS_<NAME>
new_ns() {
	unshare -n sleep 1000000 &
	local pid=$!
	NSPIDS+=("$pid")
	for _ in $(seq 50); do
		[ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.01
	done
	eval "NS_$1=$pid"
	in_ns "$1" ip link set lo up
}
in_ns() { # in_ns NAME COMMAND...
	local var="NS_$1"; shift
	nsenter -t "${!var}" -n "$@"
}

# guest_on_bridge NAME BRIDGE [MAC]: a namespace "guest" joined to BRIDGE by a veth pair
guest_on_bridge() {
	local name=$1 br=$2 mac=${3:-}
	new_ns "$name"
	local var="NS_$name"
	ip link add "v-$name" type veth peer name g0 netns "${!var}"
	ip link set "v-$name" master "$br" up
	[ -n "$mac" ] && in_ns "$name" ip link set g0 address "$mac"
	in_ns "$name" ip link set g0 up
}

# make_uplink_ns: "the outside world" in namespace uplink at 10.99.0.2,
# reached from this namespace through 10.99.0.1
make_uplink_ns() {
	new_ns uplink
	ip link add up-host type veth peer name u0 netns "$NS_uplink"
	ip addr add 10.99.0.1/24 dev up-host
	ip link set up-host up
	in_ns uplink ip addr add 10.99.0.2/24 dev u0
	in_ns uplink ip link set u0 up
}
