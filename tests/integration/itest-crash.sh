#!/usr/bin/env bash
# Crash safety: netd is killed with SIGKILL at random points while it starts
# and stops networks and creates ports, CRASH_KILLS times (default 200), and
# restarted each time. Afterwards (and every 25 kills) every network must be
# whole or fully gone: active ones have their bridge, map elements and
# dnsmasq; inactive ones have none of these and no run files; a network whose
# last command completed is in the state that command left it; no TAP,
# chain, map element or dnsmasq is orphaned.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
KILLS=${CRASH_KILLS:-200}
NETS=4
for i in $(seq 0 $((NETS - 1))); do
	cat >"$T/c$i.xml" <<XML
<network><name>c$i</name><forward mode='nat'/><bridge name='ndc$i'/>
<ip address='192.168.$((130 + i)).1' prefix='24'><dhcp><range start='192.168.$((130 + i)).10' end='192.168.$((130 + i)).20'/></dhcp></ip></network>
XML
done
start_netd || exit 1
for i in $(seq 0 $((NETS - 1))); do "$BIN/netdctl" net-define "$T/c$i.xml" >/dev/null; done
declare -A expect # network -> active|inactive|unknown, from the last command that completed
for i in $(seq 0 $((NETS - 1))); do expect[c$i]=inactive; done

consistent() { # every network whole or gone, and as expected where known
	local bad=0 listed state n
	listed=$("$BIN/netdctl" net-list --all) || { echo "net-list failed"; return 1; }
	for i in $(seq 0 $((NETS - 1))); do
		n=c$i
		state=$(echo "$listed" | awk -v n="$n" '$1 == n {print $2}')
		if [ "$state" = active ]; then
			ip link show "ndc$i" >/dev/null 2>&1 || { echo "$n active without its bridge"; bad=1; }
			nft list map inet netd fwd_iif 2>/dev/null | grep -q "\"ndc$i\"" || { echo "$n active without map elements"; bad=1; }
			pgrep -f "dnsmasq/$n.conf" >/dev/null || { echo "$n active without dnsmasq"; bad=1; }
		else
			ip link show "ndc$i" >/dev/null 2>&1 && { echo "$n inactive but its bridge remains"; bad=1; }
			nft list table inet netd 2>/dev/null | grep -q "ndc$i\"" && { echo "$n inactive but map elements remain"; bad=1; }
			nft list table inet netd 2>/dev/null | grep -q "chain $n-" && { echo "$n inactive but chains remain"; bad=1; }
			pgrep -f "dnsmasq/$n.conf" >/dev/null && { echo "$n inactive but dnsmasq runs"; bad=1; }
			ls "$T/run/networks/$n".* >/dev/null 2>&1 && { echo "$n inactive but run files remain"; bad=1; }
		fi
		if [ "${expect[$n]}" != unknown ] && [ "${expect[$n]}" != "$state" ]; then
			echo "$n is $state, the last completed command left it ${expect[$n]}"; bad=1
		fi
	done
	# TAPs: every vnet device must be a listed port of a network (a stopped persistent one keeps its ports)
	for tap in $(ip -o link show | awk -F': ' '$2 ~ /^vnet/ {sub(/@.*/, "", $2); print $2}'); do
		"$BIN/netdctl" net-list --all --name | while read -r n; do "$BIN/netdctl" net-port-list "$n"; done | grep -q "^ $tap " ||
			{ echo "orphaned TAP $tap"; bad=1; }
	done
	[ "$(pgrep -xc dnsmasq)" -le "$("$BIN/netdctl" net-list --name | grep -c .)" ] || { echo "orphaned dnsmasq"; bad=1; }
	return $bad
}

ok_runs=0 bad_at=
for k in $(seq 1 "$KILLS"); do
	i=$((RANDOM % NETS)); n=c$i
	case $((RANDOM % 3)) in
	0) cmd=(net-start "$n"); after=active ;;
	1) cmd=(net-destroy "$n"); after=inactive ;;
	2) cmd=(net-port-create "$n" --persistent); after= ;;
	esac
	"$BIN/netdctl" "${cmd[@]}" >/dev/null 2>&1 & cpid=$!
	sleep "0.0$((RANDOM % 30))"
	kill -9 "$NETD_PID" 2>/dev/null; wait "$NETD_PID" 2>/dev/null; NETD_PID=
	if wait "$cpid"; then
		[ -n "$after" ] && expect[$n]=$after
	elif [ -n "$after" ]; then
		# it failed: either refused (state unchanged, e.g. already active) or cut short
		[ "${expect[$n]}" = "$after" ] || expect[$n]=unknown
	fi
	start_netd >/dev/null || { bad_at="restart after kill $k"; break; }
	# what the daemon says now is the truth the next commands build on
	for j in $(seq 0 $((NETS - 1))); do
		[ "${expect[c$j]}" = unknown ] && expect[c$j]=$("$BIN/netdctl" net-list --all | awk -v n="c$j" '$1 == n {print $2}')
	done
	ok_runs=$k
	if [ $((k % 25)) = 0 ] && ! consistent >"$T/cons.out" 2>&1; then bad_at="after kill $k: $(cat "$T/cons.out")"; break; fi
done
echo "# crash: $ok_runs SIGKILLs survived (of $KILLS)"
check "$KILLS kills, each followed by a clean restart and checks every 25" test -z "$bad_at" -a "$ok_runs" = "$KILLS"
[ -n "$bad_at" ] && echo "#   $bad_at"
check "finally: every network whole or gone, as its last completed command left it" consistent
for i in $(seq 0 $((NETS - 1))); do "$BIN/netdctl" net-destroy "c$i" >/dev/null 2>&1; "$BIN/netdctl" net-undefine "c$i" >/dev/null 2>&1; done
check "destroying and undefining all leaves nothing" sh -c "! ip -o link show | grep -q 'ndc\|vnet' && ! nft list table inet netd 2>/dev/null && ! pgrep -x dnsmasq"
finish
