#!/usr/bin/env bash
# A script written against virsh cannot tell netd from libvirt's own network
# driver: the same virsh commands (successes and mistakes) run first against
# Debian's libvirtd 9.0 (network driver only, all of its state private to this
# test's mount namespace), then against netd's libvirt socket; each command's
# exit status, standard output and standard error must be the same, once
# UUIDs (random on each side) are replaced by a placeholder.
. "$(dirname "$0")/lib.sh"
need_root
DRIVERS=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver
for tool in libvirtd virsh dnsmasq; do
	command -v "$tool" >/dev/null || { echo "not ok - $tool missing (make deps: libvirt-daemon libvirt-clients)"; exit 1; }
done
[ -r "$DRIVERS/libvirt_driver_network.so" ] || { echo "not ok - libvirt's network driver is not installed (make deps)"; exit 1; }
ip link set lo up

cat >"$T/pn.xml" <<'XML'
<network>
  <name>pn</name>
  <forward mode='nat'/>
  <bridge name='ndpn0'/>
  <ip address='192.168.242.1' prefix='24'>
    <dhcp><range start='192.168.242.10' end='192.168.242.20'/></dhcp>
  </ip>
</network>
XML
cat >"$T/iso.xml" <<'XML'
<network>
  <name>iso</name>
  <bridge name='ndpn1'/>
  <ip address='192.168.243.1' prefix='24'/>
</network>
XML
printf '<network><name>broken</name><bridge name=' >"$T/broken.xml"
HOST="<host mac='52:54:00:42:00:07' ip='192.168.242.7'/>"

# the script: one virsh command per line, arguments split on '|'
cat >"$T/script" <<SCRIPT
net-list --all
net-define|$T/pn.xml
net-define|$T/broken.xml
net-define|$T/nosuch.xml
net-list --all
net-list --inactive
net-list
net-info|pn
net-start|pn
net-start|pn
net-list --all
net-list --persistent --name
net-list --transient --name
net-list --autostart
net-info|pn
net-autostart|pn
net-list --autostart --name
net-info|pn
net-autostart|pn|--disable
net-create|$T/iso.xml
net-list --transient
net-update|pn|add|ip-dhcp-host|$HOST|--live|--config
net-update|pn|add|ip-dhcp-host|$HOST|--live|--config
net-update|pn|delete|ip-dhcp-host|<host mac='52:54:00:42:00:99' ip='192.168.242.99'/>|--live
net-update|pn|add|bridge|<bridge name='x'/>
net-update|pn|add|nonsense|<x/>
net-update|nosuch|add|ip-dhcp-host|$HOST
net-update|pn|delete|ip-dhcp-host|$HOST|--live|--config
net-update|pn|add|dns-host|<host ip='192.168.242.8'><hostname>eight</hostname></host>|--live
net-update|pn|add|dns-host|<host ip='192.168.242.8'><hostname>eight</hostname></host>|--live
net-update|pn|delete|dns-host|<host ip='192.168.242.9'><hostname>nine</hostname></host>|--live
net-update|pn|add|dns-txt|<txt name='t' value='v'/>|--live
net-update|pn|add|dns-txt|<txt name='t' value='v'/>|--live
net-update|pn|delete|dns-txt|<txt name='u' value='v'/>|--live
net-update|pn|add|dns-srv|<srv service='ldap' protocol='tcp' target='ldap.x' port='389'/>|--live
net-update|pn|add|dns-srv|<srv service='ldap' protocol='tcp' target='ldap.x' port='389'/>|--live
net-update|pn|delete|dns-srv|<srv service='kerberos' protocol='udp'/>|--live
net-update|pn|add|portgroup|<portgroup name='pg1'/>|--config
net-update|pn|add|portgroup|<portgroup name='pg1'/>|--config
net-update|pn|delete|portgroup|<portgroup name='pg2'/>|--config
net-update|pn|add|ip-dhcp-range|<range start='192.168.242.10' end='192.168.242.20'/>|--live
net-update|pn|delete|ip-dhcp-range|<range start='192.168.242.30' end='192.168.242.40'/>|--live
net-update|pn|add|domain|<domain name='x'/>
net-update|pn|add|ip|<ip address='10.0.0.1'/>
net-update|pn|add|forward|<forward mode='route'/>
net-dumpxml|pn
net-dumpxml|pn|--inactive
net-dhcp-leases|pn
net-dhcp-leases|pn|--mac|52:54:00:42:00:99
net-dhcp-leases|nosuch
net-info|nosuch
net-start|nosuch
net-destroy|nosuch
net-undefine|nosuch
net-uuid|nosuch
net-name|00000000-0000-0000-0000-000000000001
net-dumpxml|nosuch
net-autostart|nosuch
net-port-list|pn
net-port-list|nosuch
net-port-dumpxml|pn|00000000-0000-0000-0000-000000000001
net-port-delete|pn|00000000-0000-0000-0000-000000000001
net-destroy|iso
net-list --all
net-destroy|pn
net-destroy|pn
net-dhcp-leases|pn
net-undefine|pn
net-undefine|pn
net-list --all
net-define
net-start
net-list --bogus
SCRIPT

# random on each side: UUIDs, and the MAC address libvirt makes up for a bridge.
# One difference is netd's on purpose (README "Bridges and STP"): a bridge
# whose definition does not say gets STP off (libvirt: on), so that a guest's
# port forwards at once; the dumped XML says stp='off' where libvirt says 'on'
NORMALIZE='s/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/UUID/g; s/52:54:00(:[0-9a-f]{2}){3}/MAC/g'
NORMALIZE+="; s/(<bridge name='ndpn[01]') stp='(on|off)'/\\1 stp='DEFAULT'/"
# run_script URI OUT: each command's status, stdout and stderr, UUIDs replaced
run_script() {
	local n=0 line
	: >"$2"
	while IFS= read -r line; do
		n=$((n + 1))
		local -a args
		if [[ $line == *'|'* ]]; then IFS='|' read -r -a args <<<"$line"; else read -r -a args <<<"$line"; fi
		timeout 20 virsh -c "$1" "${args[@]}" >"$T/o" 2>"$T/e"
		local rc=$?
		{
			echo "### $n: virsh $line"
			echo "exit $rc"
			sed -E "$NORMALIZE" "$T/o"
			echo "--- stderr"
			sed -E "$NORMALIZE" "$T/e"
		} >>"$2"
	done <"$T/script"
}

# -- 1. libvirt's own network driver -----------------------------------------
mkdir -p "$T/drivers"
cp "$DRIVERS/libvirt_driver_network.so" "$T/drivers/"
for d in /etc/libvirt /var/lib/libvirt /run/libvirt /var/log/libvirt /var/cache/libvirt; do
	mkdir -p "$d" && mount -t tmpfs -o mode=0755 tmpfs "$d" || { echo "not ok - cannot make $d private"; exit 1; }
done
mount --bind "$T/drivers" "$DRIVERS" || { echo "not ok - cannot give libvirtd only its network driver"; exit 1; }
printf 'unix_sock_rw_perms = "0700"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\nlog_outputs = "3:stderr"\n' >/etc/libvirt/libvirtd.conf
libvirtd --config /etc/libvirt/libvirtd.conf >>"$T/libvirtd.log" 2>&1 &
LVPID=$!
NSPIDS+=($LVPID)
up=
for _ in $(seq 150); do virsh -c network:///system net-list >/dev/null 2>&1 && up=1 && break; sleep 0.1; done
if [ -z "$up" ]; then not_ok "Debian's libvirtd serves in the sandbox"; cat "$T/libvirtd.log"; finish; exit 1; fi
ok "Debian's libvirtd ($(libvirtd --version | awk '{ print $NF }')) serves its network driver in the sandbox"
run_script network:///system "$T/libvirt.out"
kill "$LVPID"; wait "$LVPID" 2>/dev/null
pkill -x dnsmasq
for b in ndpn0 ndpn1; do ip link del "$b" 2>/dev/null; done
umount /run/libvirt

# -- 2. netd ------------------------------------------------------------------
start_netd || exit 1
run_script "network:///system?socket=$T/run/virtnetworkd-sock" "$T/netd.out"

# -- 3. the same, command by command -------------------------------------------
n=$(wc -l <"$T/script")
for i in $(seq "$n"); do
	awk -v h="### $i:" '$0 ~ "^### " { on = index($0, h) == 1 } on' "$T/libvirt.out" >"$T/a"
	awk -v h="### $i:" '$0 ~ "^### " { on = index($0, h) == 1 } on' "$T/netd.out" >"$T/b"
	what=$(head -1 "$T/a" | sed "s|$T/||g; s/^### [0-9]*: //")
	if cmp -s "$T/a" "$T/b"; then ok "$what: $(sed -n 2p "$T/a")"
	else not_ok "$what"; diff -u "$T/a" "$T/b" | tail -n +3 | sed 's/^/#   /'; fi
done
finish
