# The OVN lab (sourced by tests/ovn/*.sh and tests/bench/bench-ovn.sh): a
# central (NB and SB ovsdb-servers, ovn-northd) and hosts, each a network
# namespace held by a process of the caller's PID namespace, joined by an
# underlay switch (a Linux bridge in the caller's own namespace). Each host
# runs its own ovsdb-server, ovs-vswitchd on the userspace datapath and
# ovn-controller; its Geneve endpoint sits on br-phy, the OVS bridge that
# holds its underlay NIC (ENVIRONMENT.md: no kernel geneve/openvswitch).
# Needs T (a scratch directory), BIN (netd's binaries) and tests/lib/netns.sh.
OVN_CENTRAL_IP=172.31.0.10
OVN_NB=tcp:$OVN_CENTRAL_IP:6641
OVN_SB=tcp:$OVN_CENTRAL_IP:6642

# lab_underlay: the underlay switch
lab_underlay() {
	ip link add ul type bridge && ip link set ul up
}

# lab_nic NS IFNAME: a veth from the underlay switch into namespace NS, named IFNAME there
lab_nic() {
	local var="NS_$1"
	ip link add "ul-$1" type veth peer name "$2" netns "${!var}" || return 1
	ip link set "ul-$1" master ul up
	in_ns "$1" ip link set "$2" up
	# what reaches OVS's userspace datapath carries whole checksums (ENVIRONMENT.md)
	ethtool -K "ul-$1" tx off >/dev/null 2>&1
	in_ns "$1" ethtool -K "$2" tx off >/dev/null 2>&1
}

# lab_central: NB and SB databases (TCP on the underlay, unix sockets beside
# them) and ovn-northd, in namespace central
lab_central() {
	local D=$T/central
	mkdir -p "$D"
	[ -z "${LAB_SSL:-}" ] || lab_pki || return 1
	new_ns central
	lab_nic central eth0 || return 1
	in_ns central ip addr add "$OVN_CENTRAL_IP/24" dev eth0
	ovsdb-tool create "$D/nb.db" /usr/share/ovn/ovn-nb.ovsschema >/dev/null &&
		ovsdb-tool create "$D/sb.db" /usr/share/ovn/ovn-sb.ovsschema >/dev/null || return 1
	lab_central_start
}
# lab_pki: a CA (ovs-pki), the NB server's certificate and one for the hosts, in $T/pki;
# lab_central_start then also serves NB over SSL on port 6643, start_netd_on hands netd the host's
lab_pki() {
	local P=$T/pki r
	mkdir -p "$P" && cd "$P" || return 1
	ovs-pki --dir="$P/ca" init >/dev/null 2>&1 && ovs-pki --dir="$P/ca" req+sign nb controller >/dev/null 2>&1 &&
		ovs-pki --dir="$P/ca" req+sign host switch >/dev/null 2>&1
	r=$?
	cd - >/dev/null
	return $r
}
OVN_NB_SSL=ssl:$OVN_CENTRAL_IP:6643
# lab_central_start: (again) the central's daemons on their databases
lab_central_start() {
	local D=$T/central P=$T/pki
	local -a ssl=()
	[ -r "$P/nb-cert.pem" ] && ssl=(--remote="pssl:6643:$OVN_CENTRAL_IP" --private-key="$P/nb-privkey.pem"
		--certificate="$P/nb-cert.pem" --ca-cert="$P/ca/switchca/cacert.pem")
	in_ns central ovsdb-server "$D/nb.db" --remote="ptcp:6641:$OVN_CENTRAL_IP" --remote="punix:$D/nb.sock" "${ssl[@]}" \
		--pidfile="$D/nb.pid" --unixctl="$D/nb.ctl" --log-file="$D/nb.log" --detach 2>>"$D/err" || return 1
	in_ns central ovsdb-server "$D/sb.db" --remote="ptcp:6642:$OVN_CENTRAL_IP" --remote="punix:$D/sb.sock" \
		--pidfile="$D/sb.pid" --unixctl="$D/sb.ctl" --log-file="$D/sb.log" --detach 2>>"$D/err" || return 1
	in_ns central env OVN_RUNDIR="$D" ovn-northd --ovnnb-db="unix:$D/nb.sock" --ovnsb-db="unix:$D/sb.sock" \
		--pidfile="$D/northd.pid" --unixctl="$D/northd.ctl" --log-file="$D/northd.log" --detach 2>>"$D/err"
}
# lab_central_stop: NB, SB and northd gone (guests must keep talking)
lab_central_stop() {
	local D=$T/central f
	for f in northd nb sb; do [ -r "$D/$f.pid" ] && kill "$(cat "$D/$f.pid")" 2>/dev/null; done
	for _ in $(seq 50); do
		pgrep -f "$D/(nb|sb).db" >/dev/null || pgrep -f "$D/northd" >/dev/null || return 0
		sleep 0.1
	done
}
nbctl() { ovn-nbctl --db="unix:$T/central/nb.sock" --timeout=10 "$@"; }
sbctl() { ovn-sbctl --db="unix:$T/central/sb.sock" --timeout=10 "$@"; }

# lab_host NAME IP [BRIDGE-MAPPINGS]: a hypervisor with tunnel endpoint IP
lab_host() {
	local name=$1 ip=$2 D=$T/$1/ovs
	mkdir -p "$D"
	new_ns "$name"
	lab_nic "$name" eth0 || return 1
	ovsdb-tool create "$D/conf.db" /usr/share/openvswitch/vswitch.ovsschema || return 1
	in_ns "$name" env OVS_RUNDIR="$D" OVS_DBDIR="$D" OVS_LOGDIR="$D" ovsdb-server "$D/conf.db" \
		--remote="punix:$D/db.sock" --pidfile="$D/ovsdb.pid" --unixctl="$D/ovsdb.ctl" --log-file="$D/ovsdb.log" \
		--detach 2>>"$D/err" || return 1
	hvsctl "$name" --no-wait init || return 1
	in_ns "$name" env OVS_RUNDIR="$D" OVS_DBDIR="$D" OVS_LOGDIR="$D" ovs-vswitchd "unix:$D/db.sock" \
		--pidfile="$D/vswitchd.pid" --unixctl="$D/vswitchd.ctl" --log-file="$D/vswitchd.log" --detach 2>>"$D/err" ||
		return 1
	# the tunnel endpoint on br-phy, which holds the NIC; OVS's kernel-side ports must not answer ARP
	in_ns "$name" sysctl -qw net.ipv4.conf.eth0.arp_ignore=8 net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	hvsctl "$name" add-br br-phy -- set bridge br-phy datapath_type=netdev -- add-port br-phy eth0 || return 1
	in_ns "$name" ip addr add "$ip/24" dev br-phy
	in_ns "$name" ip link set br-phy up
	in_ns "$name" ethtool -K br-phy tx off >/dev/null 2>&1
	hvsctl "$name" set open . external_ids:system-id="$name" external_ids:ovn-remote="$OVN_SB" \
		external_ids:ovn-encap-type=geneve external_ids:ovn-encap-ip="$ip" \
		external_ids:ovn-bridge-datapath-type=netdev ${3:+external_ids:ovn-bridge-mappings=$3} || return 1
	lab_controller_start "$name"
}
lab_controller_start() {
	local D=$T/$1/ovs
	in_ns "$1" env OVS_RUNDIR="$D" OVN_RUNDIR="$D" ovn-controller "unix:$D/db.sock" --pidfile="$D/controller.pid" \
		--log-file="$D/controller.log" --detach 2>>"$D/err"
}
hvsctl() { local h=$1; shift; ovs-vsctl --db="unix:$T/$h/ovs/db.sock" --timeout=10 "$@"; }

# lab_uplink HOST...: namespace uplink (10.99.0.2/24 on its bridge ub, "the outside"),
# joined to each HOST's br-ex (the provider network physnet of those hosts' bridge mappings)
lab_uplink() {
	local h var
	new_ns uplink
	in_ns uplink ip link add ub type bridge || return 1
	in_ns uplink ip addr add 10.99.0.2/24 dev ub
	in_ns uplink ip link set ub up
	for h in "$@"; do
		var="NS_$h"
		hvsctl "$h" add-br br-ex -- set bridge br-ex datapath_type=netdev || return 1
		ip link add up-ovn type veth peer name "u-$h" netns "$NS_uplink" || return 1
		ip link set up-ovn netns "${!var}"
		in_ns "$h" sysctl -qw net.ipv4.conf.up-ovn.arp_ignore=8
		in_ns "$h" ip link set up-ovn up
		in_ns "$h" ethtool -K up-ovn tx off >/dev/null 2>&1
		hvsctl "$h" add-port br-ex up-ovn || return 1
		in_ns uplink ethtool -K "u-$h" tx off >/dev/null 2>&1
		in_ns uplink ip link set "u-$h" master ub up
	done
}
# lab_host_down HOST: the host is lost (its ovs-vswitchd, ovn-controller and netd gone)
lab_host_down() {
	local D=$T/$1/ovs f var="NETD_PID_$1"
	[ -n "${!var:-}" ] && kill -9 "${!var}" 2>/dev/null && { wait "${!var}"; } 2>/dev/null
	for f in controller vswitchd ovsdb; do [ -r "$D/$f.pid" ] && kill -9 "$(cat "$D/$f.pid")" 2>/dev/null; done
}

# lab_stop_all: every daemon of the lab, before the namespaces go
lab_stop_all() {
	local f p
	for p in "${NETD_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for f in "$T"/*/ovs/*.pid "$T"/central/*.pid; do
		[ -r "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
}

NETD_PIDS=()
# netd on HOST: its own directories (libvirt's socket in its run dir), the host's OVSDB; netdctl through hctl HOST
start_netd_on() {
	local h=$1 D=$T/$1/netd
	mkdir -p "$D/etc" "$D/run" "$D/lib"
	chmod 755 "$D" "$D/run"
	local var="NS_$1" P=$T/pki
	local -a ssl=()
	[ -r "$P/host-cert.pem" ] && ssl=(--ovn-private-key "$P/host-privkey.pem" --ovn-certificate "$P/host-cert.pem"
		--ovn-ca-cert "$P/ca/controllerca/cacert.pem")
	# nsenter itself becomes netd (no subshell between): $! is netd's pid
	nsenter -t "${!var}" -n "$BIN/netd" --socket "$D/netd.sock" --config-dir "$D/etc" --run-dir "$D/run" --state-dir "$D/lib" \
		--ovs-db "$T/$h/ovs/db.sock" "${ssl[@]}" 2>>"$D/netd.log" &
	NETD_PIDS+=($!)
	eval "NETD_PID_$h=$!"
	for _ in $(seq 200); do
		NETD_SOCKET=$D/netd.sock "$BIN/netdctl" net-list >/dev/null 2>&1 && return 0
		sleep 0.02
	done
	echo "# netd on $h did not come up:"; sed 's/^/#   /' "$D/netd.log"
	return 1
}
hctl() { local h=$1; shift; NETD_SOCKET=$T/$h/netd/netd.sock in_ns "$h" "$BIN/netdctl" "$@"; }

# a namespace guest G with MAC on HOST: a veth whose host end is netd's port (persistent)
ns_guest() {
	local g=$1 h=$2 mac=$3 net=$4
	new_ns "$g"
	local gv="NS_$g" hv="NS_$h"
	ip link add "v-$g" type veth peer name g0 netns "${!gv}" || return 1
	ip link set "v-$g" netns "${!hv}"
	in_ns "$h" ethtool -K "v-$g" tx off >/dev/null
	in_ns "$h" ip link set "v-$g" up
	in_ns "$g" ip link set g0 address "$mac"
	in_ns "$g" ethtool -K g0 tx off >/dev/null
	in_ns "$g" ip link set g0 up
	hctl "$h" net-port-create "$net" --ifname "v-$g" --mac "$mac" --persistent
}

# lab_tenant_xml BODY: network 'tenant' (NAT out through host A, the lab's
# uplink), BODY being its <ip>, <dns>, <domain> ...
LAB_TENANT_UUID=5d8a0e4e-8a1c-4d43-9d0b-0c5f0b3a7e01
lab_tenant_xml() {
	cat <<XML
<network xmlns:netd='http://netd.dev/schemas/network/1.0'>
  <name>tenant</name>
  <uuid>$LAB_TENANT_UUID</uuid>
  <forward mode='nat'/>
$1
  <netd:ovn nb='$OVN_NB'>
    <netd:uplink network='physnet' address='10.99.0.10/24' gateway='10.99.0.2'/>
    <netd:gateway chassis='hostA' priority='20'/>
  </netd:ovn>
</network>
XML
}
